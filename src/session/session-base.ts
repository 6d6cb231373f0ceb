import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { ClientTransaction, InviteServerTransaction, TransactionFlow } from "../transaction/index.ts";
import type { TimerEntry } from "../transaction/timer-heap.ts";
import { Dialog } from "./dialog.ts";
import type { Initiator, TerminationReason } from "./events.ts";
import type { SessionHost } from "./host.ts";
import { Slot } from "./host.ts";
import { isMediaFailure } from "./media.ts";
import type { MediaDirection, MediaFailure, MediaHandler, SessionBody } from "./media.ts";
import { OfferAnswer } from "./offer-answer.ts";
import type { OfferCarrier } from "./offer-answer.ts";
import type { ClientContext } from "./outgoing-request.ts";
import { ReliableProvisionals } from "./reliable-provisional.ts";
import { intervalFromResponse, timerDelay } from "./session-timer.ts";
import type { SessionInterval } from "./session-timer.ts";
import { assertNever, hasOption } from "./strings.ts";
import { responseReach } from "./usage.ts";
import type { DialogUsage } from "./usage.ts";
import type { InviteSession } from "./invite-session.ts";
import type { AnswerOptions, RingOptions } from "./session-api.ts";

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

/** A re-INVITE or UPDATE of ours, waiting its turn, in flight, or waiting out glare. @internal */
export interface LocalChange<F extends TransactionFlow> {
  readonly method: "INVITE" | "UPDATE";
  /** Whether it carries an offer (an UPDATE that only refreshes the session timer does not). */
  readonly offer: boolean;
  readonly direction: MediaDirection | undefined;
  /** The hold state the change leads to, when it is a hold or resume. */
  readonly hold: boolean | undefined;
  readonly restart: boolean;
  ctx: ClientContext<F> | undefined;
}

/** The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4). @internal */
export interface PendingAck<F extends TransactionFlow> {
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
 * The state every INVITE session keeps, and what all its parts share: the guarded state
 * transition, the session's timers on the core's clock, the session timer (RFC 4028), how it ends.
 * The parts follow in one chain of classes, each in its own file — local changes
 * (`session-changes.ts`), requests inside the dialog (`session-requests.ts`), the callee's side of
 * the INVITE (`session-uas.ts`), the caller's side and the public class (`invite-session.ts`).
 * Not used directly: the public class is InviteSession.
 */
export abstract class SessionBase<F extends TransactionFlow = TransactionFlow> {
  /** DialogUsage: this is the INVITE usage of its dialog (RFC 5057). */
  readonly usage = "invite" as const;
  /** Caller (`uac`) or callee (`uas`). */
  readonly role: "uac" | "uas";
  /** The Call-ID of the session's dialogs. */
  readonly callId: string;
  /** Our tag: the From tag of a UAC session, the To tag of a UAS one. */
  readonly localTag: string;
  /** The session's media handler. */
  readonly media: MediaHandler;
  /** @internal */
  readonly host: SessionHost<F>;
  /** @internal The INVITE server transaction of a UAS session, until its final response. */
  serverTxn: InviteServerTransaction<F> | undefined;
  /** @internal */
  protected current: InviteSessionState;
  /** @internal */
  protected dlg: Dialog | undefined;
  /** @internal UAC: the early dialogs of other forks (RFC 3261 §13.2.2.4), while a 2xx may still come on them. */
  protected forks: Dialog[] | undefined;
  /** @internal */
  protected readonly oa = new OfferAnswer();
  /** @internal UAS: the flow the INVITE came on; UAC: the flow the INVITE went out on. */
  protected flow: F | undefined;
  /** @internal UAC: the INVITE as last sent (until the fork window closes). UAS: the INVITE (until its final response). */
  protected invite: SipRequest | undefined;
  /** @internal */
  protected inviteTxn: ClientTransaction<F> | undefined;
  /** @internal UAS: the answer to the INVITE's offer, to send in the 2xx (and a reliable 1xx). */
  protected answerBody: SessionBody | undefined;
  /** @internal UAC: the text of the answer taken early from an unreliable 1xx (RFC 3261 §13.2.1: early media). */
  protected preview: string | undefined;
  /** @internal */
  protected canceled = false;
  /** @internal */
  protected reported = false;
  /** @internal */
  protected ok: PendingAck<F> | undefined;
  /** @internal */
  protected rel: ReliableProvisionals<RingOptions> | undefined;
  /** @internal */
  protected deferredAnswer: AnswerOptions | undefined;
  /** @internal */
  protected byeAfterAck = false;
  /** @internal */
  protected change: LocalChange<F> | undefined;
  /** @internal */
  protected queued: LocalChange<F> | undefined;
  /** @internal UAC: the ACK of the last 2xx to our INVITE, sent again on a retransmitted 2xx (§13.2.2.4). */
  protected ack: SipRequest | undefined;
  /** @internal */
  protected ackHop = "";
  /** @internal */
  protected localHeld = false;
  /** @internal */
  protected remoteHeld = false;
  /** @internal The negotiated session interval (RFC 4028), and whether we refresh. */
  protected interval: SessionInterval | undefined;
  /** @internal */
  protected weRefresh = false;
  /** @internal */
  protected refreshedAt = 0;
  /** @internal The Session-Expires we ask for (raised by a 422, RFC 4028 §7.4). */
  protected timerAsk = 0;
  /** @internal */
  protected timerMin = 0;
  /** @internal */
  protected retries422 = 0;
  /** @internal */
  protected deadlines: (TimerEntry<InviteSession<F>> | undefined)[] | undefined;
  /** @internal Whether we made the Call-ID (§14.1 glare back-off). */
  protected readonly callIdOwner: boolean;

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

  /** @internal DialogUsage: the INVITE usage takes everything but subscription requests. */
  takes(request: SipRequest): boolean {
    const m = request.method;
    return m !== "SUBSCRIBE" && m !== "NOTIFY" && m !== "REFER";
  }

  /** @internal DialogUsage: the dialog is gone under us (481 and the like, RFC 5057 §5.1). */
  dialogDestroyed(status: number, now: number): void {
    this.end("dialog-gone", "remote", status, undefined, now, false);
  }

  /** @internal */
  protected earlyDialog(tag: string): Dialog | undefined {
    if (this.dlg?.remoteTag === tag) return this.dlg;
    if (this.forks !== undefined) for (const d of this.forks) if (d.remoteTag === tag) return d;
    return undefined;
  }

  /** @internal §12.3 / §13.2.2.4: the early dialogs that got no 2xx end with the INVITE transaction. */
  protected endEarlyDialogs(): void {
    if (this.forks !== undefined) {
      for (const d of this.forks) {
        d.removeUsage(this.self);
        this.host.removeDialog(d);
      }
      this.forks = undefined;
    }
  }

  /** @internal */
  protected secure(): boolean {
    // §12.1.2: "If the request was sent over TLS, and the Request-URI contained a SIPS URI, the
    // "secure" flag is set to TRUE."
    return this.flow?.transport === "TLS" && (this.invite?.uriText.startsWith("sips:") ?? false);
  }

  /** @internal */
  protected stopReliable(): void {
    if (this.rel === undefined) return;
    this.rel.acknowledged();
    this.rel = undefined;
    this.disarm(Slot.Retransmit);
  }

  /** @internal The INVITE has its final response: the server transaction is the transaction layer's alone now. */
  protected finishServer(): void {
    if (this.serverTxn === undefined) return;
    this.host.releaseServer(this.self);
    this.serverTxn = undefined;
    this.answerBody = this.oa.state === "stable" ? undefined : this.answerBody;
    this.invite = undefined;
  }

  /** @internal
   * What a failure of a request inside the dialog does (RFC 5057 §5.1, RFC 3261 §12.2.1.2): a
   * 481 (and kin) ends the dialog, a 408 or timeout ends the INVITE usage (with BYE). Returns true
   * when the session ended.
   */
  protected inDialogFailure(status: number, response: SipResponse | undefined, now: number): boolean {
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

  /** @internal
   * Takes an offer the peer sent in `carrier` whose answer goes back at once, in the message that
   * matches it (RFC 6337 §2.1: the 2xx of a re-INVITE or UPDATE, the PRACK of a reliable 1xx, the
   * ACK of a 2xx): the media handler's answer, the exchange then complete; or its refusal, with
   * the offer/answer state as it was (RFC 3261 §14.2: a refused re-offer changes nothing).
   */
  protected takeOffer(body: SessionBody, carrier: OfferCarrier): SessionBody | MediaFailure {
    this.oa.receivedOffer(carrier);
    const answer = this.media.receiveOffer(body);
    if (isMediaFailure(answer)) this.oa.withdrawn();
    else this.oa.answered();
    return answer;
  }

  /** @internal The offer options for a (re-)offer: the asked direction, or the one our hold state implies. */
  protected offerOptions(direction: MediaDirection | undefined, restart: boolean): { direction?: MediaDirection; restart?: boolean } {
    const d = direction ?? (this.localHeld ? "sendonly" : undefined);
    return { ...(d !== undefined ? { direction: d } : {}), ...(restart ? { restart } : {}) };
  }

  /** @internal Reports hold / resume by the peer when its last description changed it (RFC 3264 §8.4). */
  protected noteRemoteHold(by: Initiator | undefined): void {
    const held = this.media.remoteHold;
    if (held === undefined || held === this.remoteHeld) return;
    this.remoteHeld = held;
    if (by !== undefined) this.host.emit({ type: held ? "hold" : "resume", session: this.self, by: "remote" });
  }

  /** @internal Takes the interval of a 2xx to our INVITE or UPDATE (RFC 4028 §7.2) and restarts the timer. */
  protected learnInterval(response: SipResponse, as: "uac", now: number): void {
    if (this.host.options.timer === undefined) return;
    let interval: SessionInterval | undefined;
    try {
      interval = intervalFromResponse(response);
    } catch {
      interval = undefined;
    }
    if (interval === undefined) {
      if (this.interval !== undefined && this.weRefresh && !hasOption(response, "Supported", "timer")) {
        // We refresh for a peer without the extension (§9 made us, the UAS, the refresher): its
        // 2xx cannot name an interval, and we go on refreshing at ours.
        this.startTimer({ seconds: this.interval.seconds, refresher: as }, as, now);
        return;
      }
      // §7.2: "If the 2xx response did not contain a Session-Expires header field, there is no
      // session expiration."
      this.interval = undefined;
      this.disarm(Slot.Refresh);
      return;
    }
    this.startTimer(interval, as, now);
  }

  /** @internal Arms the refresh (we refresh) or the expiry check (the peer does), RFC 4028 §10. */
  protected startTimer(interval: SessionInterval, as: "uac" | "uas", now: number): void {
    this.interval = interval;
    this.weRefresh = interval.refresher === as;
    this.refreshedAt = now;
    this.arm(Slot.Refresh, now + timerDelay(interval, this.weRefresh));
  }

  /**
   * RFC 4028 §10: time to refresh (by UPDATE when the peer allows it, else re-INVITE), or — for the
   * side that does not refresh, or a refresher whose refresh came to nothing — to give up.
   */
  protected timerFiredRefresh(now: number): void {
    if (this.current !== "confirmed" || this.interval === undefined) return;
    const expiry = this.refreshedAt + timerDelay(this.interval, false);
    if (!this.weRefresh || now >= expiry) {
      // §10: "If the side not performing refreshes does not receive a session refresh request
      // before the session expiration, it SHOULD send a BYE to terminate the session, slightly
      // before the session expiration."
      this.end("session-expired", "local", undefined, undefined, now, true);
      return;
    }
    const byUpdate = this.dlg?.peerAllowsUpdate ?? false;
    const change: LocalChange<F> = { method: byUpdate ? "UPDATE" : "INVITE", offer: !byUpdate, direction: undefined, hold: undefined, restart: false, ctx: undefined };
    // A refresh that succeeds re-arms the timer; one that fails leaves the session to expire.
    this.arm(Slot.Refresh, expiry);
    if (this.busy(change.method)) this.queued ??= change;
    else this.sendChange(change, now);
  }

  /** @internal The core's deadline `entry` fired: the slot it was armed for runs. */
  deadlineFired(entry: TimerEntry<InviteSession<F>>, now: number): void {
    const slot = this.deadlines === undefined ? -1 : this.deadlines.indexOf(entry);
    if (slot >= 0) this.timerFired(slot, now);
  }

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

  /** @internal */
  protected arm(slot: number, at: number): void {
    const d = (this.deadlines ??= [undefined, undefined, undefined, undefined]);
    const old = d[slot];
    if (old !== undefined) this.host.disarm(old);
    d[slot] = this.host.arm(this.self, at);
  }

  /** @internal */
  protected disarm(slot: number): void {
    const d = this.deadlines?.[slot];
    if (d === undefined) return;
    this.host.disarm(d);
    this.deadlines![slot] = undefined;
  }

  /** @internal */
  protected deadline(slot: number): boolean {
    return this.deadlines?.[slot] !== undefined;
  }

  /**
   * Ends the session: one `terminated` event, the media closed, and either a BYE (the dialog then
   * lives until its response) or nothing more.
   */
  protected end(reason: TerminationReason, by: Initiator, status: number | undefined, response: SipResponse | undefined, now: number, sendBye: boolean): void {
    if (this.reported) return;
    this.reported = true;
    this.host.emit({ type: "terminated", session: this.self, reason, by, status, response });
    this.media.close();
    const dialog = this.dlg;
    if (sendBye && dialog !== undefined && dialog.state === "confirmed") {
      this.transition("ending");
      const { request, nextHop } = dialog.buildRequest("BYE");
      if (this.host.send(request, nextHop, this.self, "bye", dialog, false, now) !== undefined) return;
    }
    this.dispose();
  }

  /** @internal The INVITE was refused before the application saw it: let go of everything. */
  abandon(): void {
    this.dispose();
  }

  /** @internal The session is over and its last transaction done (or never needed). */
  protected dispose(): void {
    if (this.current === "terminated") return;
    if (!this.reported) {
      this.reported = true;
      this.media.close();
    }
    this.transition("terminated");
  }

  /** @internal Nothing of the session goes on: no retransmission, change, refresh or glare wait. */
  private quiesce(): void {
    this.ok = undefined;
    this.queued = undefined;
    this.change = undefined;
    this.disarm(Slot.Retransmit);
    this.disarm(Slot.Glare);
    this.disarm(Slot.Refresh);
  }

  /** @internal The one place the state changes: checks the predecessor, then runs the entry actions. */
  protected transition(to: InviteSessionState): void {
    const from = this.current;
    if (!FROM[to].includes(from)) throw new Error(`invite session: no transition from ${from} to ${to}`);
    this.current = to;
    switch (to) {
      case "calling":
      case "incoming":
      case "early":
      case "answering":
        // No entry action: what these states wait on (the INVITE transaction, a provisional, the
        // 2xx retransmission) is started by the event that leads to them.
        break;
      case "confirmed":
        // §13.2.2.4: the 2xx brought the answer; an early one taken from a 1xx is done with.
        this.preview = undefined;
        break;
      case "ending":
        // §15.1.1: "the UAC MUST consider the session terminated (and therefore stop sending or
        // listening for media) as soon as the BYE request is passed to the client transaction":
        // only the BYE's transaction, and the dialog it is sent in, remain.
        this.quiesce();
        break;
      case "terminated": {
        // The session holds nothing any more: no timer, no dialog, no entry in the core's indexes.
        this.quiesce();
        if (this.deadlines !== undefined) for (let s = 0; s < 4; s++) this.disarm(s);
        this.endEarlyDialogs();
        const dialog = this.dlg;
        if (dialog !== undefined && dialog.removeUsage(this.self)) this.host.removeDialog(dialog);
        if (this.invite !== undefined && this.role === "uac") this.host.watchForks(this.self, false);
        if (this.serverTxn !== undefined) this.host.releaseServer(this.self);
        this.serverTxn = undefined;
        this.invite = undefined;
        this.ack = undefined;
        this.rel = undefined;
        this.host.released(this.self);
        break;
      }
      default:
        assertNever(to, "state");
    }
  }

  /** @internal The session as the application sees it (the one concrete subclass). */
  protected get self(): InviteSession<F> {
    return this as unknown as InviteSession<F>;
  }

  /** Ends an established session with BYE (the caller's side and the public class define it). */
  abstract bye(now: number): void;
  /** @internal Slot.Retransmit fired: 2xx or reliable 1xx retransmission (session-uas.ts). */
  protected abstract retransmit(now: number): void;
  /** @internal Slot.Guard fired: fork window or CANCEL guard (invite-session.ts). */
  protected abstract guardFired(now: number): void;
  /** @internal Nothing outstanding: send what waited (session-changes.ts). */
  protected abstract afterIdle(now: number): void;
  /** @internal Whether a change of ours must wait (session-changes.ts). */
  protected abstract busy(method: "INVITE" | "UPDATE"): boolean;
  /** @internal Sends a re-INVITE or UPDATE of ours (session-changes.ts). */
  protected abstract sendChange(change: LocalChange<F>, now: number): void;
  /** @internal After a PRACK: what waited for it (session-uas.ts). */
  protected abstract nextReliable(now: number): void;
}
