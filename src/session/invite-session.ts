import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { ClientTransaction, InviteServerTransaction, ServerTransaction, TransactionFlow } from "../transaction/index.ts";
import { requestForRetry } from "./challenge.ts";
import type { Deadline } from "./deadlines.ts";
import { Dialog } from "./dialog.ts";
import { SessionError } from "./errors.ts";
import type { Initiator, TerminationReason } from "./events.ts";
import { glareBackoff } from "./glare.ts";
import type { SessionHost } from "./host.ts";
import { Slot } from "./host.ts";
import { isMediaFailure } from "./media.ts";
import type { MediaDirection, MediaFailure, MediaHandler, SessionBody } from "./media.ts";
import { bodyOf, bodyText, capabilities, refusal, sessionResponse } from "./messages.ts";
import { OfferAnswer } from "./offer-answer.ts";
import type { ClientContext, ClientOwner } from "./outgoing-request.ts";
import { OutgoingRequest } from "./outgoing-request.ts";
import { checkRseq, ReliableProvisionals } from "./reliable-provisional.ts";
import { intervalFromResponse, timerDelay, timerRequestHeaders, timerResponseHeaders } from "./session-timer.ts";
import type { SessionInterval } from "./session-timer.ts";
import { assertNever, listHas } from "./strings.ts";
import { responseReach } from "./usage.ts";
import type { DialogUsage } from "./usage.ts";

/**
 * States of an INVITE session, from either side:
 *
 * ```
 *   UAC: INVITE sent            UAS: INVITE received
 *   +---------+                 +----------+
 *   | calling |                 | incoming |-----------------+
 *   +---------+                 +----------+                 |
 *     |   | 1xx with To tag       | 1xx with To tag sent      | 2xx sent
 *     |   V                       V                           V
 *     |  +-------------------------------+  2xx sent    +-----------+
 *     |  |             early             |------------->| answering |
 *     |  +-------------------------------+              +-----------+
 *     |   | 2xx received (ACK sent)                           | ACK received
 *     V   V                                                   V
 *   +----------------------------------------------------------------+
 *   |                           confirmed                            |
 *   +----------------------------------------------------------------+
 *           | BYE sent (the session is over; the dialog waits for the BYE's response)
 *           V
 *   +--------+   BYE answered or timed out    +------------+
 *   | ending |------------------------------->| terminated |  <- also: any non-2xx final,
 *   +--------+                                +------------+     CANCEL, BYE received, 481
 * ```
 */
export type InviteSessionState = "calling" | "incoming" | "early" | "answering" | "confirmed" | "ending" | "terminated";

/** Allowed predecessors of each state; anything else is a bug in this file. */
const FROM: Record<InviteSessionState, readonly InviteSessionState[]> = {
  calling: [],
  incoming: [],
  early: ["calling", "incoming"],
  answering: ["incoming", "early"],
  confirmed: ["calling", "early", "answering"],
  ending: ["answering", "confirmed"],
  terminated: ["calling", "incoming", "early", "answering", "confirmed", "ending"],
};

/** What to put in a new INVITE (see `SessionCore.invite`). */
export interface InviteInit {
  /** The callee: To, as a name-addr or URI (`"Bob <sip:bob@biloxi.example.com>"`). */
  to: string;
  /** The caller: From, without tag. */
  from: string;
  /** Request-URI; default the To URI. */
  requestUri?: string;
  /** A pre-loaded route set (an outbound proxy): Route values, first hop first (RFC 3261 §8.1.2). */
  route?: readonly string[];
  /**
   * Whether the INVITE carries the offer (default true). Without one, the 2xx (or a reliable 1xx)
   * carries the offer and the ACK (or PRACK) the answer (RFC 3261 §13.2.1, RFC 3262 §5).
   */
  offer?: boolean;
  /** Direction of the initial offer. */
  direction?: MediaDirection;
  /** Call-ID; default a new random one. */
  callId?: string;
  /** Further header fields. */
  headers?: [string, string][];
}

/** Options of `ring` and `progress`. */
export interface RingOptions {
  /** Status, 101–199. Default 180, or 183 with `earlyMedia`. */
  status?: number;
  reason?: string;
  /**
   * Send it reliably (RFC 3262) when the caller supports 100rel. It is reliable anyway when the
   * caller requires 100rel, and never when 100rel is off.
   */
  reliable?: boolean;
  /**
   * Early media: the response carries the session description — the answer to the INVITE's offer
   * (reliably or not), or, for an offerless INVITE, our offer (reliable responses only, §5).
   */
  earlyMedia?: boolean;
  headers?: [string, string][];
}

/** Options of `answer`. */
export interface AnswerOptions {
  headers?: [string, string][];
}

/** Options of `reject`. */
export interface RejectOptions {
  reason?: string;
  headers?: [string, string][];
}

/** Options of a re-INVITE or UPDATE. */
export interface ModifyOptions {
  /**
   * Whether the request carries an offer (default true). A re-INVITE without one asks the peer for
   * an offer in its 2xx, answered in the ACK (§14.1); an UPDATE without one only refreshes.
   */
  offer?: boolean;
  /** The direction we want (RFC 3264 §8.4). Default: the current one. */
  direction?: MediaDirection;
  /** New transport parameters (ICE restart). */
  restart?: boolean;
}

/** Options of an in-dialog request (`session.request`). */
export interface SessionRequestOptions {
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}

/** A re-INVITE or UPDATE of ours, waiting its turn, in flight, or waiting out glare. */
interface LocalChange<F extends TransactionFlow> {
  readonly method: "INVITE" | "UPDATE";
  /** Whether it carries an offer (an UPDATE that only refreshes the session timer does not). */
  readonly offer: boolean;
  readonly direction: MediaDirection | undefined;
  /** The hold state the change leads to, when it is a hold or resume. */
  readonly hold: boolean | undefined;
  readonly restart: boolean;
  ctx: ClientContext<F> | undefined;
}

/** The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4). */
interface PendingAck<F extends TransactionFlow> {
  readonly response: SipResponse;
  readonly flow: F;
  /** The CSeq number of the INVITE the 2xx answers: the ACK must carry it. */
  readonly cseq: number;
  /** Whether the 2xx carried an offer, so that the ACK must carry the answer. */
  readonly offered: boolean;
  interval: number;
  readonly until: number;
}

/**
 * An INVITE session (RFC 3261 §13, §14, §15) — a call, from the caller's side (`uac`) or the
 * callee's (`uas`) — and the INVITE usage of its dialog (RFC 5057). The core makes sessions
 * (`core.invite` for outgoing calls, an `incoming` event for incoming ones); the application drives
 * them with `ring`, `answer`, `reject`, `cancel`, `bye`, `hold`, `resume`, `reinvite`, `update` and
 * `request`, each with `now`, then drains the core's outputs.
 *
 * The session keeps the RFC 3264 offer/answer state and calls its {@link MediaHandler}: the offer
 * in the INVITE or in the 2xx (answer in the ACK), in a reliable 1xx (answer in the PRACK), in a
 * PRACK or an UPDATE (RFC 3262 §5, RFC 3311 §5, RFC 6337).
 */
export class InviteSession<F extends TransactionFlow = TransactionFlow> implements DialogUsage, ClientOwner<F> {
  readonly usage = "invite" as const;
  /** Caller (`uac`) or callee (`uas`). */
  readonly role: "uac" | "uas";
  readonly callId: string;
  /** Our tag: the From tag of a UAC session, the To tag of a UAS one. */
  readonly localTag: string;
  /** The session's media handler. */
  readonly media: MediaHandler;
  /** @internal */
  readonly host: SessionHost<F>;
  /** @internal The INVITE server transaction of a UAS session, until its final response. */
  serverTxn: InviteServerTransaction<F> | undefined;
  private current: InviteSessionState;
  private dlg: Dialog | undefined;
  /** UAC: the early dialogs of other forks (RFC 3261 §13.2.2.4), while a 2xx may still come on them. */
  private forks: Dialog[] | undefined;
  private readonly oa = new OfferAnswer();
  /** UAS: the flow the INVITE came on; UAC: the flow the INVITE went out on. */
  private flow: F | undefined;
  /** UAC: the INVITE as last sent (until the fork window closes). UAS: the INVITE (until its final response). */
  private invite: SipRequest | undefined;
  private inviteTxn: ClientTransaction<F> | undefined;
  /** UAS: the answer to the INVITE's offer, to send in the 2xx (and a reliable 1xx). */
  private answerBody: SessionBody | undefined;
  /** UAC: the answer taken early from an unreliable 1xx, and the fork it came from. */
  private preview: string | undefined;
  private canceled = false;
  private reported = false;
  private ok: PendingAck<F> | undefined;
  private rel: ReliableProvisionals<RingOptions> | undefined;
  private deferredAnswer: AnswerOptions | undefined;
  private byeAfterAck = false;
  private change: LocalChange<F> | undefined;
  private queued: LocalChange<F> | undefined;
  /** UAC: the ACK of the last 2xx to our INVITE, sent again on a retransmitted 2xx (§13.2.2.4). */
  private ack: SipRequest | undefined;
  private ackHop = "";
  private localHeld = false;
  private remoteHeld = false;
  /** The negotiated session interval (RFC 4028), and whether we refresh. */
  private interval: SessionInterval | undefined;
  private weRefresh = false;
  private refreshedAt = 0;
  /** The Session-Expires we ask for (raised by a 422, RFC 4028 §7.4). */
  private timerAsk = 0;
  private timerMin = 0;
  private retries422 = 0;
  private deadlines: (Deadline<InviteSession<F>> | undefined)[] | undefined;
  /** Whether we made the Call-ID (§14.1 glare back-off). */
  private readonly callIdOwner: boolean;

  /** @internal Sessions are made by the core. */
  constructor(host: SessionHost<F>, role: "uac" | "uas", callId: string, localTag: string, media: MediaHandler) {
    this.host = host;
    this.role = role;
    this.callId = callId;
    this.localTag = localTag;
    this.media = media;
    this.current = role === "uac" ? "calling" : "incoming";
    this.callIdOwner = role === "uac";
    const t = host.options.timer;
    if (t !== undefined) {
      this.timerAsk = t.expires;
      this.timerMin = t.minSE;
    }
  }

  // ------------------------------------------------------------------------ public view

  /** The current state. */
  get state(): InviteSessionState {
    return this.current;
  }

  /** The session's dialog: the confirmed one, or (before the answer) the last early one. */
  get dialog(): Dialog | undefined {
    return this.dlg;
  }

  /** Whether we put the session on hold (our last successful offer was `sendonly` or `inactive`). */
  get localHold(): boolean {
    return this.localHeld;
  }

  /** Whether the peer put the session on hold (as its media handler reports). */
  get remoteHold(): boolean {
    return this.remoteHeld;
  }

  /** The negotiated session interval (RFC 4028), if session timers are in use. */
  get sessionInterval(): SessionInterval | undefined {
    return this.interval;
  }

  /** UAS: the INVITE that made the session, until it has its final response. */
  get initialRequest(): SipRequest | undefined {
    return this.role === "uas" ? this.invite : undefined;
  }

  // ------------------------------------------------------------------------ UAC: the INVITE

  /** @internal Sends the initial INVITE (the core made the request). Throws NO_ROUTE. */
  start(invite: SipRequest, nextHop: string, offer: boolean, direction: MediaDirection | undefined, now: number): void {
    if (offer) {
      const body = this.media.createOffer(direction !== undefined ? { direction } : {});
      invite.setBody(typeof body.body === "string" ? body.body : body.body, body.contentType);
      // RFC 6337 §2.1: the offer travels in the INVITE, the answer in a reliable 1xx or the 2xx.
      this.oa.sentOffer("INVITE");
    }
    this.host.watchForks(this, true);
    if (!this.sendInvite(invite, nextHop, now)) {
      this.host.watchForks(this, false);
      throw new SessionError("NO_ROUTE", `no flow reaches ${nextHop}`);
    }
  }

  private sendInvite(invite: SipRequest, nextHop: string, now: number): boolean {
    const ctx = this.host.send(invite, nextHop, this, "invite", undefined, true, now);
    if (ctx === undefined) return false;
    this.invite = ctx.request;
    this.inviteTxn = ctx.transaction;
    this.flow = ctx.transaction.flow;
    return true;
  }

  /** @internal ClientOwner: a response to one of the session's requests. */
  receiveResponse(ctx: ClientContext<F>, response: SipResponse, now: number): void {
    switch (ctx.purpose) {
      case "invite":
        this.inviteResponse(ctx, response, now);
        return;
      case "reinvite":
      case "update":
        this.changeResponse(ctx, response, now);
        return;
      case "prack":
        // RFC 3262 §4: the PRACK is a normal request; a failure to it does not end the session
        // unless it says the dialog is gone.
        if (response.status >= 300) this.inDialogFailure(response.status, response, now);
        return;
      case "bye":
        if (response.status >= 200) this.dispose();
        return;
      case "request":
        return;
      default:
        assertNever(ctx.purpose, "purpose");
    }
  }

  /** @internal ClientOwner: no response (408 timeout, 503 transport, RFC 3261 §8.1.3.1). */
  requestFailed(ctx: ClientContext<F>, status: number, now: number): void {
    switch (ctx.purpose) {
      case "invite":
        if (ctx.transaction !== this.inviteTxn) return;
        this.inviteTxn = undefined;
        this.endEarlyDialogs();
        this.end(status === 408 ? "timeout" : "transport", "local", status, undefined, now, false);
        return;
      case "reinvite":
      case "update":
        if (this.change?.ctx !== ctx) return;
        this.changeFailed(status, undefined, now);
        return;
      case "prack":
        this.inDialogFailure(status, undefined, now);
        return;
      case "bye":
        this.dispose();
        return;
      case "request":
        return;
      default:
        assertNever(ctx.purpose, "purpose");
    }
  }

  /** @internal ClientOwner: the core sent the request again with credentials. */
  resent(ctx: ClientContext<F>, next: ClientContext<F>): void {
    if (ctx.purpose === "invite" && ctx.transaction === this.inviteTxn) {
      this.invite = next.request;
      this.inviteTxn = next.transaction;
      if (this.canceled) this.host.cancel(next.transaction, 0);
    } else if (this.change?.ctx === ctx) {
      this.change.ctx = next;
    }
  }

  private inviteResponse(ctx: ClientContext<F>, response: SipResponse, now: number): void {
    if (ctx.transaction !== this.inviteTxn) return;
    const status = response.status;
    if (status < 200) this.provisional(response, now);
    else if (status < 300) this.accepted(response, undefined, now);
    else this.inviteRefused(response, now);
  }

  /** UAC: a 1xx to the INVITE (RFC 3261 §13.2.2.1, §12.1.2; RFC 3262 §4). */
  private provisional(response: SipResponse, now: number): void {
    if (this.current !== "calling" && this.current !== "early") return;
    const tag = response.toTag;
    if (response.status === 100) return;
    if (tag === undefined) {
      this.host.emit({ type: "progress", session: this, response, reliable: false });
      return;
    }
    // §12.1.2: "a provisional response [...] with a To tag [...] creates an early dialog".
    let dialog = this.earlyDialog(tag);
    if (dialog === undefined) {
      dialog = Dialog.asUac(this.invite!, response, this.secure());
      dialog.addUsage(this);
      this.host.addDialog(dialog);
      if (this.dlg === undefined) this.dlg = dialog;
      else (this.forks ??= []).push(dialog);
    } else {
      dialog.refreshTarget(response);
    }
    const reliable = this.host.options.reliable !== "off" && response.hasHeader("RSeq") && listHas(response.require, "100rel");
    let early = false;
    if (reliable) {
      const rseq = response.rseq!;
      const verdict = checkRseq(dialog, rseq);
      if (verdict !== "new") {
        // §4: retransmissions of a PRACKed 1xx, and 1xx out of RSeq order, go no further.
        this.host.stray();
        return;
      }
      dialog.lastRseq = rseq;
      let prackBody: SessionBody | undefined;
      let failure: MediaFailure | undefined;
      const body = bodyOf(response);
      if (body !== undefined) {
        if (this.oa.state === "local-offer" && this.oa.carrier === "INVITE") {
          // RFC 6337 §2.1: an offer in the INVITE may be answered in a reliable 1xx.
          const r = this.media.receiveAnswer(body);
          if (r === true) {
            this.oa.answered();
            early = true;
          } else failure = r;
        } else if (this.oa.state === "none") {
          // RFC 3262 §5: "If the INVITE did not contain an offer, [...] the UAS MUST send an offer
          // in the first reliable provisional response" and the UAC "MUST generate an answer in the PRACK".
          this.oa.receivedOffer("reliable-1xx");
          const r = this.media.receiveOffer(body);
          if (isMediaFailure(r)) {
            this.oa.withdrawn();
            failure = r;
          } else {
            this.oa.answered();
            prackBody = r;
            early = true;
          }
        }
        // In stable, a later reliable 1xx repeating the session description changes nothing.
      }
      this.sendPrack(dialog, response, rseq, prackBody, now);
      if (failure !== undefined) {
        this.cancel(now);
        return;
      }
    } else {
      const body = bodyOf(response);
      if (body !== undefined && this.oa.state === "local-offer" && this.oa.carrier === "INVITE") {
        // An unreliable 1xx cannot carry the answer (RFC 3261 §13.2.1), but the session
        // description it carries is the answer the 2xx will repeat: early media starts with it.
        const text = bodyText(body);
        if (text !== this.preview && this.media.receiveAnswer(body) === true) {
          this.preview = text;
          early = true;
        }
      }
    }
    if (this.current === "calling") this.transition("early");
    this.host.emit({ type: "progress", session: this, response, reliable });
    if (early) this.host.emit({ type: "early-media", session: this, response });
  }

  /** RFC 3262 §7.2: RAck = response-num CSeq-num Method of the response acknowledged. */
  private sendPrack(dialog: Dialog, response: SipResponse, rseq: number, body: SessionBody | undefined, now: number): void {
    const cseq = response.cseq;
    const { request, nextHop } = dialog.buildRequest("PRACK", {
      headers: [["RAck", `${rseq} ${cseq.seq} ${cseq.method}`]],
      ...(body !== undefined ? { body: body.body, contentType: body.contentType } : {}),
    });
    this.host.send(request, nextHop, this, "prack", dialog, false, now);
  }

  /**
   * UAC: a 2xx to our INVITE (RFC 3261 §13.2.2.4). From the INVITE transaction, or — once the
   * session has one — from the core for a retransmission or another fork (`dialog` then the dialog
   * it matched, if any).
   */
  private accepted(response: SipResponse, dialog: Dialog | undefined, now: number): void {
    const tag = response.toTag;
    if (tag === undefined) {
      this.host.stray();
      return;
    }
    if (this.current !== "calling" && this.current !== "early") {
      this.another2xx(response, dialog, now);
      return;
    }
    this.inviteTxn = undefined;
    let d = this.earlyDialog(tag);
    if (d === undefined) {
      d = Dialog.asUac(this.invite!, response, this.secure());
      d.addUsage(this);
      this.host.addDialog(d);
      if (this.dlg !== undefined) (this.forks ??= []).push(this.dlg);
    } else {
      d.confirm(response);
      if (this.forks !== undefined) {
        const i = this.forks.indexOf(d);
        if (i >= 0) {
          this.forks.splice(i, 1);
          if (this.dlg !== undefined) this.forks.push(this.dlg);
        }
      }
    }
    this.dlg = d;
    let ackBody: SessionBody | undefined;
    let failure: string | undefined;
    const body = bodyOf(response);
    switch (this.oa.state) {
      case "local-offer":
        // RFC 6337 §2.1: the answer to the INVITE's offer. An identical copy of the early answer
        // needs no second look; a missing one is taken to be that early answer.
        if (body !== undefined) {
          if (bodyText(body) !== this.preview) {
            const r = this.media.receiveAnswer(body);
            if (r !== true) failure = r.reason;
          }
        } else if (this.preview === undefined) {
          failure = "the 2xx carries no answer";
        }
        if (failure === undefined) this.oa.answered();
        break;
      case "none":
        // §13.2.1: for an INVITE without an offer, "the offer [...] is in the 2xx, [and] the answer
        // MUST be in the ACK".
        if (body === undefined) {
          failure = "the 2xx to an offerless INVITE carries no offer";
          break;
        }
        this.oa.receivedOffer("2xx");
        {
          const r = this.media.receiveOffer(body);
          if (isMediaFailure(r)) {
            this.oa.withdrawn();
            failure = r.reason;
          } else {
            this.oa.answered();
            ackBody = r;
          }
        }
        break;
      case "stable":
        // The answer came in a reliable 1xx; RFC 6337 §3.1.1: a copy in the 2xx is no new offer.
        break;
      case "remote-offer":
        failure = "offer/answer out of order";
        break;
      default:
        assertNever(this.oa.state, "offer/answer state");
    }
    this.preview = undefined;
    this.learnInterval(response, "uac", now);
    this.sendAck(d, response, ackBody);
    this.transition("confirmed");
    // §13.2.2.4: other forks may still answer until the INVITE transaction ends (64*T1); keep
    // their early dialogs and the INVITE until then.
    this.arm(Slot.Guard, now + 64 * this.host.timers.t1);
    if (this.canceled) {
      // §9.1: a 2xx can cross the CANCEL; the call was not wanted any more: ACK, then BYE.
      this.end("cancel", "local", 200, response, now, true);
      return;
    }
    if (failure !== undefined) {
      // RFC 6337 §3.1 / §13.2.2.4: the 2xx must be ACKed; a session whose answer is unusable is
      // then ended with BYE.
      this.end("media", "local", undefined, response, now, true);
      return;
    }
    this.host.emit({ type: "answered", session: this, response });
    this.afterIdle(now);
  }

  /** UAC: a 2xx after the first one: a retransmission (ACK again) or another fork (§13.2.2.4). */
  private another2xx(response: SipResponse, dialog: Dialog | undefined, now: number): void {
    const tag = response.toTag!;
    if (this.dlg !== undefined && tag === this.dlg.remoteTag) {
      // §13.2.2.4: "the UAC core [...] MUST pass [a retransmitted 2xx's ACK] to the transport"
      // again: the ACK is built once and sent for each retransmission.
      if (this.ack !== undefined && response.cseq.seq === this.ack.cseq.seq) this.host.sendAck(this.ack, this.ackHop);
      return;
    }
    const fork = dialog ?? this.earlyDialog(tag);
    if (fork !== undefined && this.forks !== undefined) {
      const i = this.forks.indexOf(fork);
      if (i >= 0) this.forks.splice(i, 1);
      fork.removeUsage(this);
      this.host.removeDialog(fork);
    }
    if (this.host.options.forking === "all" && this.invite !== undefined && (this.current === "confirmed" || this.current === "ending")) {
      this.host.adopt(this.forkSession(response, now));
      return;
    }
    // §13.2.2.4: "If the dialog is not wanted, the UAC core [...] MUST generate an ACK and then
    // terminate the dialog by sending a BYE."
    if (this.invite !== undefined) this.host.discard(this.invite, response, undefined, now);
  }

  /** `forking: "all"`: the session of another endpoint that answered our INVITE. */
  private forkSession(response: SipResponse, now: number): InviteSession<F> {
    const media = this.host.media({ role: "uac", callId: this.callId, forkOf: this.media });
    const s = new InviteSession<F>(this.host, "uac", this.callId, this.localTag, media);
    s.invite = this.invite;
    s.flow = this.flow;
    if (this.invite!.body.length > 0) s.oa.sentOffer("INVITE");
    s.transition("early");
    this.host.emit({ type: "forked", session: s, original: this });
    s.accepted(response, undefined, now);
    s.invite = undefined;
    return s;
  }

  /** UAC: a final non-2xx to the INVITE (§13.2.2.3). */
  private inviteRefused(response: SipResponse, now: number): void {
    this.inviteTxn = undefined;
    const status = response.status;
    if (status === 422 && this.retry422(response, now)) return;
    this.endEarlyDialogs();
    const reason: TerminationReason = this.canceled && status === 487 ? "cancel" : "rejected";
    this.end(reason, this.canceled ? "local" : "remote", status, response, now, false);
  }

  /**
   * RFC 4028 §7.4: "If a 422 response is received, the UAC SHOULD [...] retry the request with a
   * Session-Expires header field value equal to the value in the Min-SE header field in the 422".
   */
  private retry422(response: SipResponse, now: number): boolean {
    let min: number | undefined;
    try {
      min = response.minSE;
    } catch {
      min = undefined;
    }
    if (min === undefined || min <= this.timerAsk || this.retries422 >= 2 || this.host.options.timer === undefined) return false;
    this.retries422++;
    this.timerAsk = min;
    this.timerMin = Math.max(this.timerMin, min);
    const prev = this.invite!;
    const next = requestForRetry(prev, prev.cseq.seq + 1);
    const [se, minSe] = timerRequestHeaders(this.timerAsk, this.timerMin);
    next.setHeader(se[0], se[1]);
    next.setHeader(minSe[0], minSe[1]);
    next.removeHeader("Contact");
    return this.sendInvite(next, this.firstHop(prev), now);
  }

  /** The next hop of the initial INVITE: its first Route, else its Request-URI (§8.1.2). */
  private firstHop(invite: SipRequest): string {
    const route = invite.header("Route");
    if (route === undefined) return invite.uriText;
    const start = route.indexOf("<");
    const end = route.indexOf(">", start + 1);
    return start >= 0 && end > start ? route.slice(start + 1, end) : invite.uriText;
  }

  /**
   * The ACK for a 2xx (§13.2.2.4): "The header fields of the ACK are constructed in the same way as
   * for any request sent within a dialog [...] with the exception of the CSeq and the header fields
   * related to authentication. The sequence number of the CSeq header field MUST be the same as the
   * INVITE being acknowledged, but the CSeq method MUST be ACK. The ACK MUST contain the same
   * credentials as the INVITE. If the 2xx contains an offer [...], the ACK MUST carry an answer in
   * its body."
   */
  private sendAck(dialog: Dialog, response: SipResponse, body: SessionBody | undefined, invite?: SipRequest): void {
    const headers: [string, string][] = [];
    const source = invite ?? this.invite;
    if (source !== undefined) {
      for (const v of source.headers("Authorization")) headers.push(["Authorization", v]);
      for (const v of source.headers("Proxy-Authorization")) headers.push(["Proxy-Authorization", v]);
    }
    const { request, nextHop } = dialog.buildRequest("ACK", {
      cseq: response.cseq.seq,
      headers,
      ...(body !== undefined ? { body: body.body, contentType: body.contentType } : {}),
    });
    this.ack = request;
    this.ackHop = nextHop;
    this.host.sendAck(request, nextHop);
  }

  /** @internal The core matched a 2xx to this session after its INVITE transaction was done with it. */
  receive2xxAgain(response: SipResponse, dialog: Dialog | undefined, now: number): void {
    if (this.role !== "uac" || this.current === "terminated") {
      this.host.stray();
      return;
    }
    if (response.cseq.seq !== this.invite?.cseq.seq && dialog === this.dlg) {
      // A retransmitted 2xx to one of our re-INVITEs.
      if (this.ack !== undefined && response.cseq.seq === this.ack.cseq.seq) this.host.sendAck(this.ack, this.ackHop);
      return;
    }
    this.accepted(response, dialog, now);
  }

  private earlyDialog(tag: string): Dialog | undefined {
    if (this.dlg?.remoteTag === tag) return this.dlg;
    if (this.forks !== undefined) for (const d of this.forks) if (d.remoteTag === tag) return d;
    return undefined;
  }

  /** §12.3 / §13.2.2.4: the early dialogs that got no 2xx end with the INVITE transaction. */
  private endEarlyDialogs(): void {
    if (this.forks !== undefined) {
      for (const d of this.forks) {
        d.removeUsage(this);
        this.host.removeDialog(d);
      }
      this.forks = undefined;
    }
  }

  private secure(): boolean {
    // §12.1.2: "If the request was sent over TLS, and the Request-URI contained a SIPS URI, the
    // "secure" flag is set to TRUE."
    return this.flow?.transport === "TLS" && (this.invite?.uriText.startsWith("sips:") ?? false);
  }

  // ------------------------------------------------------------------------ UAS: the INVITE

  /**
   * @internal A new INVITE (the core checked it, §8.2). Takes its offer; returns the refusal when
   * the media handler cannot take it, else undefined (the core then reports an `incoming` event).
   */
  received(txn: InviteServerTransaction<F>, request: SipRequest, flow: F, interval: SessionInterval | undefined): SipResponse | undefined {
    this.serverTxn = txn;
    this.invite = request;
    this.flow = flow;
    this.interval = interval;
    const body = bodyOf(request);
    if (body !== undefined) {
      // §13.3.1: "If the INVITE request contained an offer, [...] the answer is in the 2xx" (or a
      // reliable 1xx, RFC 3262 §5); the handler answers at once, so a refusal is a 488 now.
      this.oa.receivedOffer("INVITE");
      const r = this.media.receiveOffer(body);
      if (isMediaFailure(r)) {
        this.oa.withdrawn();
        return refusal(request, r, this.localTag);
      }
      this.answerBody = r;
      this.noteRemoteHold(undefined);
    }
    return undefined;
  }

  /**
   * Sends a provisional response (UAS), 180 Ringing by default; it creates the early dialog
   * (§12.1.1). Reliable (RFC 3262) when the caller requires 100rel, or supports it and `reliable`
   * is set; a reliable 1xx asked for while another is unacknowledged waits for that one's PRACK (§3).
   */
  ring(now: number, options: RingOptions = {}): void {
    if (this.role !== "uas" || (this.current !== "incoming" && this.current !== "early") || this.serverTxn === undefined) {
      throw new SessionError("INVALID_STATE", `ring() in state ${this.current}`);
    }
    const status = options.status ?? (options.earlyMedia ? 183 : 180);
    if (!(status > 100 && status < 200)) throw new SessionError("BAD_ARGUMENT", `ring() takes 101-199, not ${status}`);
    const invite = this.invite!;
    const reliable = this.host.options.reliable !== "off" &&
      (listHas(invite.require, "100rel") || (options.reliable === true && listHas(invite.supported, "100rel")));
    if (reliable && this.rel?.unacked !== undefined) {
      this.rel.waiting.push(options);
      return;
    }
    const headers: [string, string][] = [["Contact", `<${this.host.contact(this.flow!)}>`]];
    capabilities(this.host.options, headers);
    let body: SessionBody | undefined;
    if (options.earlyMedia) {
      if (this.oa.state === "remote-offer" && this.answerBody !== undefined) {
        body = this.answerBody;
        // RFC 6337 §2.1: the answer in a reliable 1xx completes the exchange; in an unreliable one
        // it is only a preview of the 2xx's.
        if (reliable) this.oa.answered();
      } else if (this.oa.state === "stable" && this.answerBody !== undefined) {
        body = this.answerBody;
      } else if (this.oa.state === "none" && reliable) {
        // RFC 3262 §5: an offerless INVITE's offer may come in the first reliable 1xx.
        body = this.media.createOffer(this.offerOptions(undefined, false));
        this.oa.sentOffer("reliable-1xx");
      }
    }
    let rseq = 0;
    if (reliable) {
      this.rel ??= new ReliableProvisionals<RingOptions>(this.host.options.random());
      rseq = this.rel.stamp(headers);
    }
    if (options.headers !== undefined) headers.push(...options.headers);
    const response = sessionResponse(invite, status, this.localTag, headers, body, options.reason);
    this.ensureUasDialog(true);
    this.serverTxn.respond(response, now);
    if (reliable) {
      const t1 = this.host.timers.t1;
      this.rel!.sent(response, rseq, body !== undefined, t1, now);
      this.arm(Slot.Retransmit, now + t1);
    }
    if (this.current === "incoming") this.transition("early");
  }

  /** `ring` with 183 Session Progress and early media. */
  progress(now: number, options: RingOptions = {}): void {
    this.ring(now, { status: 183, earlyMedia: true, ...options });
  }

  /**
   * Answers the INVITE with 200 OK (UAS): our answer to its offer, or our offer when it had none
   * (then the ACK brings the answer, §13.3.1.4), and the session interval when timers are on. The
   * 2xx is retransmitted until the ACK arrives (§13.3.1.4). Waits for the PRACK of a reliable 1xx
   * that carried a session description first (RFC 3262 §3).
   */
  answer(now: number, options: AnswerOptions = {}): void {
    if (this.role !== "uas" || (this.current !== "incoming" && this.current !== "early") || this.serverTxn === undefined) {
      throw new SessionError("INVALID_STATE", `answer() in state ${this.current}`);
    }
    if (this.rel?.unacked !== undefined && this.rel.carriesBody) {
      // RFC 3262 §3: "If the UAS [...] any of the unacknowledged reliable provisional responses
      // contained a session description [...] it MUST NOT send a final 2xx response until those
      // provisional responses are acknowledged."
      this.deferredAnswer = options;
      return;
    }
    const invite = this.invite!;
    let body: SessionBody | undefined;
    let offered = false;
    switch (this.oa.state) {
      case "remote-offer":
        body = this.answerBody;
        this.oa.answered();
        break;
      case "stable":
        // The answer went in a reliable 1xx; the 2xx repeats it unchanged.
        body = this.answerBody;
        break;
      case "none":
        body = this.media.createOffer(this.offerOptions(undefined, false));
        this.oa.sentOffer("2xx");
        offered = true;
        break;
      case "local-offer":
        // Our offer of a reliable 1xx is still unanswered (its PRACK lost): nothing to add.
        break;
      default:
        assertNever(this.oa.state, "offer/answer state");
    }
    const headers: [string, string][] = [["Contact", `<${this.host.contact(this.flow!)}>`]];
    capabilities(this.host.options, headers);
    if (this.interval !== undefined) headers.push(...timerResponseHeaders(this.interval));
    if (options.headers !== undefined) headers.push(...options.headers);
    const response = sessionResponse(invite, 200, this.localTag, headers, body);
    const dialog = this.ensureUasDialog(false);
    dialog.confirm();
    this.serverTxn.respond(response, now);
    this.stopReliable();
    this.finishServer();
    this.awaitAck(response, this.flow!, invite.cseq.seq, offered, now);
    this.transition("answering");
    if (this.interval !== undefined) this.startTimer(this.interval, "uas", now);
  }

  /** Refuses the INVITE with a final non-2xx (UAS), e.g. 486 Busy Here, 603 Decline. */
  reject(status: number, now: number, options: RejectOptions = {}): void {
    if (this.role !== "uas" || (this.current !== "incoming" && this.current !== "early") || this.serverTxn === undefined) {
      throw new SessionError("INVALID_STATE", `reject() in state ${this.current}`);
    }
    if (!(status >= 300 && status < 700)) throw new SessionError("BAD_ARGUMENT", `reject() takes 300-699, not ${status}`);
    const response = sessionResponse(this.invite!, status, this.localTag, options.headers ?? [], undefined, options.reason);
    this.serverTxn.respond(response, now);
    this.stopReliable();
    this.finishServer();
    this.end("rejected", "local", status, response, now, false);
  }

  /** @internal The caller CANCELled (§9.2): the transaction layer answered 487 already. */
  receiveCancel(now: number): void {
    if (this.current !== "incoming" && this.current !== "early") return;
    this.stopReliable();
    this.finishServer();
    this.end("cancel", "remote", 487, undefined, now, false);
  }

  /** The UAS dialog, made with the first response that carries our tag (§12.1.1). */
  private ensureUasDialog(early: boolean): Dialog {
    if (this.dlg !== undefined) return this.dlg;
    const invite = this.invite!;
    const secure = this.flow?.transport === "TLS" && invite.uriText.startsWith("sips:");
    const d = Dialog.asUas(invite, this.localTag, secure, early);
    d.addUsage(this);
    this.host.addDialog(d);
    this.dlg = d;
    return d;
  }

  /** The INVITE has its final response: the server transaction is the transaction layer's alone now. */
  private finishServer(): void {
    if (this.serverTxn === undefined) return;
    this.host.releaseServer(this);
    this.serverTxn = undefined;
    this.answerBody = this.oa.state === "stable" ? undefined : this.answerBody;
    this.invite = undefined;
  }

  private stopReliable(): void {
    if (this.rel === undefined) return;
    this.rel.acknowledged();
    this.rel = undefined;
    this.disarm(Slot.Retransmit);
  }

  /** §13.3.1.4: retransmit the 2xx from T1, doubling up to T2, until the ACK; give up after 64*T1. */
  private awaitAck(response: SipResponse, flow: F, cseq: number, offered: boolean, now: number): void {
    const t1 = this.host.timers.t1;
    this.ok = { response, flow, cseq, offered, interval: t1, until: now + 64 * t1 };
    this.arm(Slot.Retransmit, now + t1);
  }

  /** @internal An ACK on this session's dialog (§13.3.1.4, §17.2.1 via RFC 6026 §7.1). */
  receiveAck(ack: SipRequest, now: number): void {
    const pending = this.ok;
    if (pending === undefined || ack.cseq.seq !== pending.cseq) {
      // An ACK for a 2xx already acknowledged (retransmitted ACK), or for nothing: absorbed.
      this.host.stray();
      return;
    }
    this.ok = undefined;
    this.disarm(Slot.Retransmit);
    let failure: string | undefined;
    if (pending.offered) {
      // §13.3.1.4 / RFC 6337 §2.1: the ACK carries the answer to the offer in our 2xx.
      const body = bodyOf(ack);
      if (body === undefined) failure = "the ACK carries no answer";
      else {
        const r = this.media.receiveAnswer(body);
        if (r === true) this.oa.answered();
        else failure = r.reason;
      }
      if (failure !== undefined && this.oa.state === "local-offer") {
        this.oa.withdrawn();
        this.media.rollback();
      }
    }
    if (this.current === "answering") {
      this.transition("confirmed");
      if (failure !== undefined) {
        this.end("media", "local", undefined, undefined, now, true);
        return;
      }
      this.host.emit({ type: "confirmed", session: this, ack });
      if (this.byeAfterAck) {
        this.bye(now);
        return;
      }
    } else if (pending.offered) {
      if (failure !== undefined) {
        this.end("media", "local", undefined, undefined, now, true);
        return;
      }
      this.host.emit({ type: "modified", session: this, method: "INVITE", by: "remote" });
      this.noteRemoteHold("remote");
    }
    this.afterIdle(now);
  }

  // ------------------------------------------------------------------------ requests inside the dialog

  /** @internal DialogUsage: the INVITE usage takes everything but subscription requests. */
  takes(request: SipRequest): boolean {
    const m = request.method;
    return m !== "SUBSCRIBE" && m !== "NOTIFY" && m !== "REFER";
  }

  /** @internal DialogUsage: the dialog is gone under us (481 and the like, RFC 5057 §5.1). */
  dialogDestroyed(status: number, now: number): void {
    this.end("dialog-gone", "remote", status, undefined, now, false);
  }

  /**
   * @internal A request inside the dialog (the core matched the dialog and checked CSeq, Require
   * and Content-Type): BYE, re-INVITE, UPDATE, PRACK, OPTIONS, or one of the application's methods.
   */
  receiveRequest(dialog: Dialog, request: SipRequest, txn: ServerTransaction<F>, now: number): void {
    switch (request.method) {
      case "BYE":
        this.receiveBye(request, txn, now);
        return;
      case "INVITE":
        this.receiveReinvite(dialog, request, txn as InviteServerTransaction<F>, now);
        return;
      case "UPDATE":
        this.receiveUpdate(dialog, request, txn, now);
        return;
      case "PRACK":
        this.receivePrack(request, txn, now);
        return;
      case "OPTIONS": {
        // §11.2: the same answer as to an OPTIONS outside a dialog.
        const headers: [string, string][] = [["Accept", this.host.options.acceptHeader]];
        txn.respond(sessionResponse(request, 200, this.localTag, capabilities(this.host.options, headers)), now);
        return;
      }
      default:
        if (this.host.options.appMethods.has(request.method)) {
          this.host.emit({ type: "request", session: this, request, transaction: txn });
          return;
        }
        // §8.2.1: a method we recognize but do not serve in this dialog.
        txn.respond(sessionResponse(request, 405, this.localTag, [["Allow", this.host.options.allow]]), now);
    }
  }

  /** §15.1.2: "The UAS MUST still respond to any pending requests received for that dialog." */
  private receiveBye(request: SipRequest, txn: { respond(r: SipResponse, now: number): boolean }, now: number): void {
    txn.respond(sessionResponse(request, 200, this.localTag, []), now);
    if (this.current === "ending" || this.current === "terminated") return;
    if (this.serverTxn !== undefined) {
      // §15.1.2: "It is RECOMMENDED that a 487 (Request Terminated) response be generated to those
      // pending requests." (A caller may BYE an early dialog, §15.)
      this.serverTxn.respond(sessionResponse(this.invite!, 487, this.localTag, []), now);
      this.stopReliable();
      this.finishServer();
    }
    this.ok = undefined;
    this.disarm(Slot.Retransmit);
    // §15.1.2: "the UAS MUST terminate the session [...] and MUST cease sending any media".
    this.end("bye", "remote", undefined, undefined, now, false);
  }

  /** Why a new offer cannot be taken now, as the status to answer with (491 or 500), or 0. */
  private offerConflict(invite: boolean): number {
    // §14.2: "A UAS that receives an INVITE on a dialog while an INVITE it had sent on that dialog
    // is in progress MUST return a 491 (Request Pending) response to the received INVITE."
    if (invite && this.change?.method === "INVITE" && this.change.ctx !== undefined) return 491;
    if (invite && this.inviteTxn !== undefined) return 491;
    // RFC 3311 §5.2: "If an UPDATE is received that contains an offer, and the UAS has generated an
    // offer (in an UPDATE, PRACK or INVITE) to which it has not yet received an answer, the UAS
    // MUST reject the UPDATE with a 491 response." (RFC 6337 §3.2 applies the same to re-INVITEs.)
    if (this.oa.state === "local-offer") return 491;
    // §14.2: "A UAS that receives a second INVITE before it sends the final response to a first
    // INVITE with a lower CSeq sequence number on the same dialog MUST return a 500 (Server
    // Internal Error) response"; RFC 3311 §5.2: "[...] has received an offer [...] to which it has
    // not yet generated an answer, the UAS MUST reject the UPDATE with a 500 response". An INVITE
    // whose 2xx awaits its ACK is still in progress.
    if (this.oa.state === "remote-offer" || this.ok !== undefined || this.serverTxn !== undefined) return 500;
    return 0;
  }

  /** Answers a request that overlaps one in progress: 491, or 500 with Retry-After 0–10 s (§14.2). */
  private refuseOverlap(request: SipRequest, txn: { respond(r: SipResponse, now: number): boolean }, status: number, now: number): void {
    const headers: [string, string][] = status === 500 ? [["Retry-After", String(Math.floor(this.host.options.random() * 11))]] : [];
    txn.respond(sessionResponse(request, status, this.localTag, headers), now);
  }

  /** A re-INVITE (§14.2). */
  private receiveReinvite(dialog: Dialog, request: SipRequest, txn: InviteServerTransaction<F>, now: number): void {
    if (this.current === "ending" || this.current === "terminated") {
      txn.respond(sessionResponse(request, 481, this.localTag, []), now);
      return;
    }
    const conflict = this.current === "confirmed" ? this.offerConflict(true) : 500;
    if (conflict !== 0) {
      this.refuseOverlap(request, txn, conflict, now);
      return;
    }
    const timer = this.negotiateTimer(request, txn, now);
    if (timer === false) return;
    const body = bodyOf(request);
    let answer: SessionBody | undefined;
    if (body !== undefined) {
      this.oa.receivedOffer("INVITE");
      const r = this.media.receiveOffer(body);
      if (isMediaFailure(r)) {
        // §14.2: "If the session description [...] is not acceptable, the UAS [...] SHOULD respond
        // with a 488 [...]" and the session stays as it was.
        this.oa.withdrawn();
        txn.respond(refusal(request, r, this.localTag), now);
        return;
      }
      this.oa.answered();
      answer = r;
    } else {
      // §14.2: a re-INVITE without an offer asks for one in the 2xx (answer in the ACK).
      answer = this.media.createOffer(this.offerOptions(undefined, false));
      this.oa.sentOffer("2xx");
    }
    // §12.2.2: a re-INVITE is a target refresh request.
    dialog.refreshTarget(request);
    dialog.learnPeer(request);
    const headers: [string, string][] = [["Contact", `<${this.host.contact(txn.flow)}>`]];
    capabilities(this.host.options, headers);
    if (timer !== undefined) headers.push(...timerResponseHeaders(timer));
    const response = sessionResponse(request, 200, this.localTag, headers, answer);
    txn.respond(response, now);
    this.awaitAck(response, txn.flow, request.cseq.seq, body === undefined, now);
    if (timer !== undefined) this.startTimer(timer, "uas", now);
    if (body !== undefined) {
      this.host.emit({ type: "modified", session: this, method: "INVITE", by: "remote" });
      this.noteRemoteHold("remote");
    }
  }

  /** An UPDATE (RFC 3311 §5.2), in an early or confirmed dialog. */
  private receiveUpdate(dialog: Dialog, request: SipRequest, txn: { respond(r: SipResponse, now: number): boolean; readonly flow: F }, now: number): void {
    if (this.current === "ending" || this.current === "terminated") {
      txn.respond(sessionResponse(request, 481, this.localTag, []), now);
      return;
    }
    const body = bodyOf(request);
    let answer: SessionBody | undefined;
    if (body !== undefined) {
      const conflict = this.oa.state === "local-offer" ? 491 : this.oa.state === "remote-offer" ? 500 : 0;
      if (conflict !== 0) {
        this.refuseOverlap(request, txn, conflict, now);
        return;
      }
    }
    const timer = this.negotiateTimer(request, txn, now);
    if (timer === false) return;
    if (body !== undefined) {
      this.oa.receivedOffer("UPDATE");
      const r = this.media.receiveOffer(body);
      if (isMediaFailure(r)) {
        this.oa.withdrawn();
        txn.respond(refusal(request, r, this.localTag), now);
        return;
      }
      this.oa.answered();
      answer = r;
      // Before the 2xx to the INVITE, that 2xx repeats the answer now in force.
      if (this.serverTxn !== undefined) this.answerBody = r;
    }
    // RFC 3311 §5.2: "[UPDATE] is a target refresh request".
    dialog.refreshTarget(request);
    dialog.learnPeer(request);
    const headers: [string, string][] = [["Contact", `<${this.host.contact(txn.flow)}>`]];
    capabilities(this.host.options, headers);
    if (timer !== undefined) headers.push(...timerResponseHeaders(timer));
    txn.respond(sessionResponse(request, 200, this.localTag, headers, answer), now);
    if (timer !== undefined && this.current !== "incoming" && this.current !== "early") this.startTimer(timer, "uas", now);
    else if (timer !== undefined) this.interval = timer;
    if (body !== undefined) {
      this.host.emit({ type: "modified", session: this, method: "UPDATE", by: "remote" });
      this.noteRemoteHold("remote");
    }
  }

  /**
   * The session-timer part of a refresh request we received (RFC 4028 §9): the interval of our 2xx,
   * undefined when timers are not in use, false when the request was answered 422 here.
   */
  private negotiateTimer(request: SipRequest, txn: { respond(r: SipResponse, now: number): boolean }, now: number): SessionInterval | undefined | false {
    const o = this.host.options.timer;
    if (o === undefined || (request.sessionExpires === undefined && this.interval === undefined)) return undefined;
    const asked = request.sessionExpires;
    if (asked !== undefined && asked.seconds < o.minSE) {
      txn.respond(sessionResponse(request, 422, this.localTag, [["Min-SE", String(o.minSE)]]), now);
      return false;
    }
    if (asked === undefined) return this.interval;
    const floor = Math.max(request.minSE ?? 90, 90);
    const seconds = Math.max(Math.min(asked.seconds, o.expires), floor);
    const uacSupports = listHas(request.supported, "timer");
    return { seconds, refresher: asked.refresher ?? (uacSupports ? "uac" : "uas") };
  }

  /** A PRACK (RFC 3262 §3, §5). */
  private receivePrack(request: SipRequest, txn: { respond(r: SipResponse, now: number): boolean }, now: number): void {
    const rel = this.rel;
    const rack = request.rack;
    if (rel === undefined || rack === undefined || this.serverTxn === undefined || !rel.acknowledges(rack, this.invite!.cseq.seq)) {
      txn.respond(sessionResponse(request, 481, this.localTag, []), now);
      return;
    }
    rel.acknowledged();
    this.disarm(Slot.Retransmit);
    const body = bodyOf(request);
    let answer: SessionBody | undefined;
    let failure: MediaFailure | undefined;
    let offered = false;
    if (body !== undefined) {
      if (this.oa.state === "local-offer" && this.oa.carrier === "reliable-1xx") {
        // RFC 3262 §5: the answer to the offer of our reliable 1xx.
        const r = this.media.receiveAnswer(body);
        if (r === true) this.oa.answered();
        else failure = r;
      } else if (this.oa.idle) {
        // RFC 3262 §5: "the UAC MAY send an offer in the PRACK"; its answer goes in the 200.
        this.oa.receivedOffer("PRACK");
        const r = this.media.receiveOffer(body);
        if (isMediaFailure(r)) {
          this.oa.withdrawn();
          txn.respond(refusal(request, r, this.localTag), now);
          this.nextReliable(now);
          return;
        }
        this.oa.answered();
        answer = r;
        offered = true;
        this.answerBody = r;
      }
    }
    txn.respond(sessionResponse(request, 200, this.localTag, [], answer), now);
    if (failure !== undefined) {
      this.serverTxn.respond(refusal(this.invite!, failure, this.localTag), now);
      this.stopReliable();
      this.finishServer();
      this.end("media", "local", failure.status ?? 488, undefined, now, false);
      return;
    }
    if (offered) {
      this.host.emit({ type: "modified", session: this, method: "PRACK", by: "remote" });
      this.noteRemoteHold("remote");
    }
    this.nextReliable(now);
  }

  /** After a PRACK: the next waiting reliable 1xx, or the 2xx the application asked for meanwhile. */
  private nextReliable(now: number): void {
    const waiting = this.rel?.waiting.shift();
    if (waiting !== undefined) {
      this.ring(now, waiting);
      return;
    }
    if (this.deferredAnswer !== undefined) {
      const options = this.deferredAnswer;
      this.deferredAnswer = undefined;
      this.answer(now, options);
    }
  }

  // ------------------------------------------------------------------------ application calls

  /**
   * Cancels our INVITE (UAC, §9.1): the CANCEL goes now, or as soon as a provisional response has
   * arrived. A 2xx that crosses it is ACKed and ended with BYE. A no-op once the INVITE has its final response.
   */
  cancel(now: number): void {
    if (this.role !== "uac" || (this.current !== "calling" && this.current !== "early")) return;
    if (this.canceled || this.inviteTxn === undefined) return;
    this.canceled = true;
    this.host.cancel(this.inviteTxn, now);
    // §9.1: "If there is no final response for the original request in 64*T1 seconds [...], the
    // client SHOULD then consider the original transaction cancelled".
    this.arm(Slot.Guard, now + 64 * this.host.timers.t1);
  }

  /**
   * Ends an established session with BYE (§15.1.1). The session is over at once ("the UAC MUST
   * consider the session terminated [...] as soon as the BYE request is passed to the client
   * transaction"); the dialog lasts until the BYE's response. A callee that has not yet received
   * its ACK sends the BYE when the ACK arrives (§15: it "MUST NOT send a BYE on a confirmed dialog
   * until it has received an ACK for its 2xx response or until the server transaction times out").
   */
  bye(now: number): void {
    switch (this.current) {
      case "confirmed":
        this.end("bye", "local", undefined, undefined, now, true);
        return;
      case "answering":
        this.byeAfterAck = true;
        return;
      case "calling":
      case "early":
        if (this.role === "uac") {
          this.cancel(now);
          return;
        }
        // §15: the callee "MUST NOT send a BYE on early dialogs".
        throw new SessionError("INVALID_STATE", "bye() before the answer: reject() the INVITE instead");
      case "incoming":
        throw new SessionError("INVALID_STATE", "bye() before the answer: reject() the INVITE instead");
      case "ending":
      case "terminated":
        return;
      default:
        assertNever(this.current, "state");
    }
  }

  /** Ends the session whatever its state: CANCEL, 480 (or `status`), or BYE. */
  terminate(now: number, status = 480): void {
    if (this.role === "uas" && (this.current === "incoming" || this.current === "early")) {
      this.reject(status, now);
      return;
    }
    this.bye(now);
  }

  /**
   * Puts the session on hold (RFC 3264 §8.4): a re-offer with `sendonly` (or `inactive`). The hold
   * state changes only when the re-INVITE (or UPDATE) succeeds, and stays as it was when it fails
   * (§14.1). Sent when no other offer is outstanding; otherwise it waits its turn.
   */
  hold(now: number, options: { direction?: "sendonly" | "inactive"; method?: "INVITE" | "UPDATE" } = {}): void {
    this.modify(now, options.method ?? "INVITE", true, options.direction ?? "sendonly", true, false);
  }

  /** Takes the session off hold: a re-offer with `sendrecv`. */
  resume(now: number, options: { method?: "INVITE" | "UPDATE" } = {}): void {
    this.modify(now, options.method ?? "INVITE", true, "sendrecv", false, false);
  }

  /** A re-INVITE (§14.1), with a new offer unless `offer: false`. */
  reinvite(now: number, options: ModifyOptions = {}): void {
    this.modify(now, "INVITE", options.offer ?? true, options.direction, undefined, options.restart ?? false);
  }

  /**
   * An UPDATE (RFC 3311), in an early or confirmed dialog: with a new offer (default), or, with
   * `offer: false`, only a session refresh or target refresh.
   */
  update(now: number, options: ModifyOptions = {}): void {
    this.modify(now, "UPDATE", options.offer ?? true, options.direction, undefined, options.restart ?? false);
  }

  /**
   * Sends another request inside the session's dialog (INFO, OPTIONS, MESSAGE, …; §12.2.1.1). Its
   * final outcome is a `response` event naming the returned exchange.
   */
  request(method: string, now: number, options: SessionRequestOptions = {}): OutgoingRequest<F> {
    const dialog = this.dlg;
    if (dialog === undefined || this.current === "terminated" || this.current === "ending") {
      throw new SessionError("INVALID_STATE", `request() in state ${this.current}`);
    }
    if (method === "ACK" || method === "CANCEL" || method === "INVITE" || method === "BYE" || method === "PRACK") {
      throw new SessionError("BAD_ARGUMENT", `${method} is sent by the session itself`);
    }
    const { request, nextHop } = dialog.buildRequest(method, {
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(options.body !== undefined ? { body: options.body, contentType: options.contentType ?? "application/octet-stream" } : {}),
    });
    const exchange = new OutgoingRequest<F>(request, this, (x, status, response, at) => {
      this.host.emit({ type: "response", exchange: x, status, response });
      if (status >= 300) this.inDialogFailure(status, response, at);
    });
    if (this.host.send(request, nextHop, exchange, "request", dialog, false, now) === undefined) {
      throw new SessionError("NO_ROUTE", `no flow reaches ${nextHop}`);
    }
    return exchange;
  }

  // ------------------------------------------------------------------------ our re-INVITE and UPDATE

  private modify(
    now: number,
    method: "INVITE" | "UPDATE",
    offer: boolean,
    direction: MediaDirection | undefined,
    hold: boolean | undefined,
    restart: boolean,
  ): void {
    const early = this.current === "early" || (this.current === "answering" && method === "UPDATE");
    if (this.current !== "confirmed" && !(method === "UPDATE" && early)) {
      throw new SessionError("INVALID_STATE", `${method === "INVITE" ? "re-INVITE" : "UPDATE"} in state ${this.current}`);
    }
    const change: LocalChange<F> = { method, offer, direction, hold, restart, ctx: undefined };
    if (this.busy()) {
      // One offer at a time (RFC 3264 §4), one INVITE at a time (§14.1): the latest wish waits.
      this.queued = change;
      return;
    }
    this.sendChange(change, now);
  }

  /** Whether a re-INVITE or UPDATE of ours must wait. */
  private busy(): boolean {
    return this.change !== undefined || this.ok !== undefined || !this.oa.idle || this.inviteTxn !== undefined;
  }

  private sendChange(change: LocalChange<F>, now: number): void {
    const dialog = this.dlg!;
    let body: SessionBody | undefined;
    if (change.offer) {
      body = this.media.createOffer(this.offerOptions(change.direction ?? (change.hold === undefined ? undefined : change.hold ? "sendonly" : "sendrecv"), change.restart));
      this.oa.sentOffer(change.method === "INVITE" ? "INVITE" : "UPDATE");
    }
    const headers: [string, string][] = [];
    capabilities(this.host.options, headers);
    if (this.host.options.timer !== undefined && this.interval !== undefined) {
      // RFC 4028 §7.4 / §10: a refresh keeps asking for the interval in use, naming us refresher
      // when we are (a re-INVITE or UPDATE of ours is a session refresh either way).
      headers.push(...timerRequestHeaders(Math.max(this.interval.seconds, this.timerMin), this.timerMin, this.weRefresh ? "uac" : "uas"));
    }
    const { request, nextHop } = dialog.buildRequest(change.method, {
      headers,
      ...(body !== undefined ? { body: body.body, contentType: body.contentType } : {}),
    });
    const ctx = this.host.send(request, nextHop, this, change.method === "INVITE" ? "reinvite" : "update", dialog, true, now);
    if (ctx === undefined) {
      if (change.offer) {
        this.oa.withdrawn();
        this.media.rollback();
      }
      this.host.emit({ type: "modify-failed", session: this, method: change.method, status: 503, response: undefined });
      return;
    }
    change.ctx = ctx;
    this.change = change;
  }

  /** A response to our re-INVITE or UPDATE. */
  private changeResponse(ctx: ClientContext<F>, response: SipResponse, now: number): void {
    const change = this.change;
    const status = response.status;
    if (change?.ctx !== ctx) {
      // A 2xx to a re-INVITE we no longer wait for still wants its ACK (§13.2.2.4).
      if (status >= 200 && status < 300 && ctx.purpose === "reinvite" && this.dlg !== undefined) {
        this.sendAck(this.dlg, response, undefined, ctx.request);
      }
      return;
    }
    if (status < 200) {
      this.reliableToChange(response, now);
      return;
    }
    if (status >= 300) {
      this.changeFailed(status, response, now);
      return;
    }
    this.change = undefined;
    let failure: string | undefined;
    let ackBody: SessionBody | undefined;
    const body = bodyOf(response);
    if (change.offer) {
      if (body === undefined) failure = "the 2xx carries no answer";
      else {
        const r = this.media.receiveAnswer(body);
        if (r === true) this.oa.answered();
        else failure = r.reason;
      }
    } else if (change.method === "INVITE") {
      // §14.1 / RFC 6337 §2.1: a re-INVITE without an offer gets it in the 2xx; the ACK answers.
      if (body === undefined) failure = "the 2xx to an offerless re-INVITE carries no offer";
      else {
        this.oa.receivedOffer("2xx");
        const r = this.media.receiveOffer(body);
        if (isMediaFailure(r)) {
          this.oa.withdrawn();
          failure = r.reason;
        } else {
          this.oa.answered();
          ackBody = r;
        }
      }
    }
    // §12.2.1.2: "When a UAC receives a 2xx response to a target refresh request, it MUST replace
    // the dialog's remote target URI with the URI from the Contact header field in that response".
    this.dlg!.refreshTarget(response);
    this.dlg!.learnPeer(response);
    if (change.method === "INVITE") this.sendAck(this.dlg!, response, ackBody, ctx.request);
    if (failure !== undefined) {
      if (this.oa.state === "local-offer") {
        this.oa.withdrawn();
        this.media.rollback();
      }
      this.end("media", "local", undefined, response, now, true);
      return;
    }
    this.learnInterval(response, "uac", now);
    if (change.offer || ackBody !== undefined) {
      this.host.emit({ type: "modified", session: this, method: change.method, by: "local" });
      if (change.hold !== undefined && change.hold !== this.localHeld) {
        this.localHeld = change.hold;
        this.host.emit({ type: change.hold ? "hold" : "resume", session: this, by: "local" });
      }
      this.noteRemoteHold("remote");
    }
    if (change.method === "INVITE") this.arm(Slot.Guard, now + 64 * this.host.timers.t1);
    this.afterIdle(now);
  }

  /** A reliable 1xx to our re-INVITE is PRACKed too (RFC 3262 applies to every INVITE). */
  private reliableToChange(response: SipResponse, now: number): void {
    const dialog = this.dlg;
    if (dialog === undefined || !response.hasHeader("RSeq") || !listHas(response.require, "100rel")) return;
    const rseq = response.rseq!;
    if (checkRseq(dialog, rseq) !== "new") return;
    dialog.lastRseq = rseq;
    this.sendPrack(dialog, response, rseq, undefined, now);
  }

  /** Our re-INVITE or UPDATE failed (a final non-2xx, or no response). */
  private changeFailed(status: number, response: SipResponse | undefined, now: number): void {
    const change = this.change!;
    this.change = undefined;
    if (change.offer) {
      // §14.1: "If a UA receives a non-2xx final response to a re-INVITE, the session parameters
      // MUST remain unchanged, as if no re-INVITE had been issued." (RFC 3311 §5.1 likewise.)
      this.oa.withdrawn();
      this.media.rollback();
    }
    if (status === 491) {
      // §14.1: "If a UAC receives a 491 response to a re-INVITE, it SHOULD start a timer with a value
      // T [...]. When the timer fires, the UAC SHOULD attempt the re-INVITE once more, if it still
      // desires for that session modification to take place."
      this.queued ??= { ...change, ctx: undefined };
      this.arm(Slot.Glare, now + glareBackoff(this.callIdOwner, this.host.options.random()));
      return;
    }
    if (status === 422 && response !== undefined && this.raiseInterval(response)) {
      this.sendChange({ ...change, ctx: undefined }, now);
      return;
    }
    this.host.emit({ type: "modify-failed", session: this, method: change.method, status, response });
    if (this.inDialogFailure(status, response, now)) return;
    this.afterIdle(now);
  }

  /** RFC 4028 §7.4 for a refresh: ask again with the Min-SE of the 422. */
  private raiseInterval(response: SipResponse): boolean {
    let min: number | undefined;
    try {
      min = response.minSE;
    } catch {
      min = undefined;
    }
    if (min === undefined || this.interval === undefined || min <= this.interval.seconds || this.retries422 >= 4) return false;
    this.retries422++;
    this.timerMin = Math.max(this.timerMin, min);
    this.interval = { seconds: min, refresher: this.interval.refresher };
    return true;
  }

  /**
   * What a failure of a request inside the dialog does (RFC 5057 §5.1, RFC 3261 §12.2.1.2): a
   * 481 (and kin) ends the dialog, a 408 or timeout ends the INVITE usage (with BYE). Returns true
   * when the session ended.
   */
  private inDialogFailure(status: number, response: SipResponse | undefined, now: number): boolean {
    if (this.current === "ending" || this.current === "terminated") return false;
    const reach = responseReach(status);
    switch (reach) {
      case "dialog":
        this.end("dialog-gone", "remote", status, response, now, false);
        return true;
      case "usage":
        // A 405 or 501 ends only what the method was for; a 408 (or no answer) ends the usage.
        if (status !== 408) return false;
        this.end("timeout", "local", status, response, now, this.current === "confirmed");
        return true;
      case "transaction":
        return false;
      default:
        return assertNever(reach, "reach");
    }
  }

  /** Nothing is outstanding any more: send what waited (a queued change, a BYE asked for meanwhile). */
  private afterIdle(now: number): void {
    if (this.current !== "confirmed" && this.current !== "early") return;
    const next = this.queued;
    if (next === undefined || this.busy() || this.deadline(Slot.Glare)) return;
    if (next.method === "INVITE" && this.current !== "confirmed") return;
    this.queued = undefined;
    this.sendChange(next, now);
  }

  /** The offer options for a (re-)offer: the asked direction, or the one our hold state implies. */
  private offerOptions(direction: MediaDirection | undefined, restart: boolean): { direction?: MediaDirection; restart?: boolean } {
    const d = direction ?? (this.localHeld ? "sendonly" : undefined);
    return { ...(d !== undefined ? { direction: d } : {}), ...(restart ? { restart } : {}) };
  }

  /** Reports hold / resume by the peer when its last description changed it (RFC 3264 §8.4). */
  private noteRemoteHold(by: Initiator | undefined): void {
    const held = this.media.remoteHold;
    if (held === undefined || held === this.remoteHeld) return;
    this.remoteHeld = held;
    if (by !== undefined) this.host.emit({ type: held ? "hold" : "resume", session: this, by: "remote" });
  }

  // ------------------------------------------------------------------------ session timer (RFC 4028)

  /** Takes the interval of a 2xx to our INVITE or UPDATE (RFC 4028 §7.2) and restarts the timer. */
  private learnInterval(response: SipResponse, as: "uac", now: number): void {
    if (this.host.options.timer === undefined) return;
    let interval: SessionInterval | undefined;
    try {
      interval = intervalFromResponse(response);
    } catch {
      interval = undefined;
    }
    if (interval === undefined) {
      // §7.2: "If the 2xx response did not contain a Session-Expires header field, there is no
      // session expiration."
      this.interval = undefined;
      this.disarm(Slot.Refresh);
      return;
    }
    this.startTimer(interval, as, now);
  }

  /** Arms the refresh (we refresh) or the expiry check (the peer does), RFC 4028 §10. */
  private startTimer(interval: SessionInterval, as: "uac" | "uas", now: number): void {
    this.interval = interval;
    this.weRefresh = interval.refresher === as;
    this.refreshedAt = now;
    this.arm(Slot.Refresh, now + timerDelay(interval, this.weRefresh));
  }

  /** RFC 4028 §10: time to refresh (by UPDATE when the peer allows it, else re-INVITE), or to give up. */
  private timerFiredRefresh(now: number): void {
    if (this.current !== "confirmed" || this.interval === undefined) return;
    if (!this.weRefresh) {
      // §10: "If the side not performing refreshes does not receive a session refresh request
      // before the session expiration, it SHOULD send a BYE to terminate the session".
      this.end("session-expired", "local", undefined, undefined, now, true);
      return;
    }
    const byUpdate = this.dlg?.peerAllowsUpdate ?? false;
    const change: LocalChange<F> = { method: byUpdate ? "UPDATE" : "INVITE", offer: !byUpdate, direction: undefined, hold: undefined, restart: false, ctx: undefined };
    // If the refresh goes unanswered, the session still expires at the end of the interval.
    this.arm(Slot.Refresh, this.refreshedAt + timerDelay(this.interval, false));
    if (this.busy()) this.queued ??= change;
    else this.sendChange(change, now);
  }

  // ------------------------------------------------------------------------ timers

  /** @internal The core's timer for `slot` fired. */
  timerFired(slot: number, now: number): void {
    if (this.deadlines !== undefined) this.deadlines[slot] = undefined;
    switch (slot) {
      case Slot.Retransmit:
        this.retransmit(now);
        return;
      case Slot.Guard:
        this.guardFired(now);
        return;
      case Slot.Glare:
        this.afterIdle(now);
        return;
      case Slot.Refresh:
        this.timerFiredRefresh(now);
        return;
      default:
        throw new Error(`invite session: no timer slot ${slot}`);
    }
  }

  private retransmit(now: number): void {
    const pending = this.ok;
    if (pending !== undefined) {
      if (now >= pending.until) {
        // §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without
        // receiving an ACK, the dialog is confirmed, but the session SHOULD be terminated. This is
        // accomplished with a BYE".
        this.ok = undefined;
        if (this.current === "answering") this.transition("confirmed");
        this.end("no-ack", "local", undefined, undefined, now, true);
        return;
      }
      this.host.resend(pending.response, pending.flow);
      pending.interval = Math.min(pending.interval * 2, this.host.timers.t2);
      // The last wait ends at 64*T1 exactly, when the session gives up.
      this.arm(Slot.Retransmit, Math.min(now + pending.interval, pending.until));
      return;
    }
    const rel = this.rel;
    if (rel?.unacked !== undefined && this.serverTxn !== undefined) {
      if (now >= rel.until) {
        // RFC 3262 §3: "If a reliable provisional response is retransmitted for 64*T1 seconds
        // without reception of a corresponding PRACK, the UAS SHOULD reject the original request
        // with a 5xx response."
        this.serverTxn.respond(sessionResponse(this.invite!, 504, this.localTag, []), now);
        this.stopReliable();
        this.finishServer();
        this.end("no-prack", "local", 504, undefined, now, false);
        return;
      }
      // §3: "The reliable provisional response is passed to the transaction layer periodically with
      // an interval that starts at T1 seconds and doubles for each retransmission".
      this.serverTxn.respond(rel.unacked, now);
      rel.interval *= 2;
      this.arm(Slot.Retransmit, Math.min(now + rel.interval, rel.until));
    }
  }

  private guardFired(now: number): void {
    if (this.canceled && (this.current === "calling" || this.current === "early")) {
      // §9.1: no final response 64*T1 after the CANCEL: the INVITE is considered cancelled.
      this.inviteTxn = undefined;
      this.endEarlyDialogs();
      this.end("cancel", "local", undefined, undefined, now, false);
      return;
    }
    // The INVITE transaction is over (Timer M): no more 2xx can come, from any fork.
    this.ack = undefined;
    this.endEarlyDialogs();
    if (this.invite !== undefined) {
      this.invite = undefined;
      this.host.watchForks(this, false);
    }
  }

  private arm(slot: number, at: number): void {
    const d = (this.deadlines ??= [undefined, undefined, undefined, undefined]);
    const old = d[slot];
    if (old !== undefined) this.host.disarm(old);
    d[slot] = this.host.arm(this, slot, at);
  }

  private disarm(slot: number): void {
    const d = this.deadlines?.[slot];
    if (d === undefined) return;
    this.host.disarm(d);
    this.deadlines![slot] = undefined;
  }

  private deadline(slot: number): boolean {
    return this.deadlines?.[slot] !== undefined;
  }

  // ------------------------------------------------------------------------ ending

  /**
   * Ends the session: one `terminated` event, the media closed, and either a BYE (the dialog then
   * lives until its response) or nothing more.
   */
  private end(reason: TerminationReason, by: Initiator, status: number | undefined, response: SipResponse | undefined, now: number, sendBye: boolean): void {
    if (this.reported) return;
    this.reported = true;
    this.host.emit({ type: "terminated", session: this, reason, by, status, response });
    this.media.close();
    this.ok = undefined;
    this.queued = undefined;
    this.disarm(Slot.Retransmit);
    this.disarm(Slot.Glare);
    this.disarm(Slot.Refresh);
    const dialog = this.dlg;
    if (sendBye && dialog !== undefined && dialog.state === "confirmed") {
      this.transition("ending");
      const { request, nextHop } = dialog.buildRequest("BYE");
      if (this.host.send(request, nextHop, this, "bye", dialog, false, now) !== undefined) return;
    }
    this.dispose();
  }

  /** @internal The INVITE was refused before the application saw it: let go of everything. */
  abandon(): void {
    this.dispose();
  }

  /** Lets go of everything: timers, dialogs, the core's indexes. */
  private dispose(): void {
    if (this.current === "terminated") return;
    if (!this.reported) {
      this.reported = true;
      this.media.close();
    }
    this.transition("terminated");
    if (this.deadlines !== undefined) for (let s = 0; s < 4; s++) this.disarm(s);
    this.endEarlyDialogs();
    const dialog = this.dlg;
    if (dialog !== undefined && dialog.removeUsage(this)) this.host.removeDialog(dialog);
    if (this.invite !== undefined && this.role === "uac") this.host.watchForks(this, false);
    if (this.serverTxn !== undefined) this.host.releaseServer(this);
    this.serverTxn = undefined;
    this.invite = undefined;
    this.ack = undefined;
    this.change = undefined;
    this.rel = undefined;
    this.host.released(this);
  }

  /** The one place the state changes: checks the predecessor, then runs the entry actions. */
  private transition(to: InviteSessionState): void {
    const from = this.current;
    if (!FROM[to].includes(from)) throw new Error(`invite session: no transition from ${from} to ${to}`);
    this.current = to;
    switch (to) {
      case "calling":
      case "incoming":
        break;
      case "early":
        // §13.2.2.1 / §13.3.1.1: an early dialog exists; nothing else changes.
        break;
      case "answering":
        break;
      case "confirmed":
        // §13.2.2.4 / §13.3.1.4: the session is established; an early dialog's 100rel state is done.
        break;
      case "ending":
        // §15.1.1: the session is over; only the BYE's transaction remains.
        break;
      case "terminated":
        break;
      default:
        assertNever(to, "state");
    }
  }
}
