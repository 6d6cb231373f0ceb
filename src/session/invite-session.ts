import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { TransactionFlow } from "../transaction/index.ts";
import { requestForRetry } from "./challenge.ts";
import { Dialog } from "./dialog.ts";
import { SessionError } from "./errors.ts";
import type { TerminationReason } from "./events.ts";
import { Slot } from "./host.ts";
import { isMediaFailure } from "./media.ts";
import type { MediaDirection, MediaFailure, MediaHandler, SessionBody } from "./media.ts";
import { bodyOf, bodyText } from "./messages.ts";
import type { ClientContext, ClientOwner } from "./outgoing-request.ts";
import { checkRseq } from "./reliable-provisional.ts";
import { timerRequestHeaders } from "./session-timer.ts";
import { assertNever, hasOption } from "./strings.ts";
import type { DialogUsage } from "./usage.ts";
import { SessionUas } from "./session-uas.ts";

export type { InviteSessionState } from "./session-base.ts";
export type { AnswerOptions, InviteInit, ModifyOptions, RejectOptions, RingOptions, SessionRequestOptions } from "./session-api.ts";

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
export class InviteSession<F extends TransactionFlow = TransactionFlow> extends SessionUas<F> {
  /** @internal Sends the initial INVITE (the core made the request). Throws NO_ROUTE. */
  start(invite: SipRequest, nextHop: string, offer: boolean, direction: MediaDirection | undefined, now: number): void {
    if (offer) {
      const body = this.media.createOffer(direction !== undefined ? { direction } : {});
      invite.setBody(body.body, body.contentType);
      // RFC 6337 §2.1: the offer travels in the INVITE, the answer in a reliable 1xx or the 2xx.
      this.oa.sentOffer("INVITE");
    }
    this.host.watchForks(this, true);
    if (!this.sendInvite(invite, nextHop, now)) {
      this.host.watchForks(this, false);
      throw this.host.sendError(nextHop);
    }
  }

  /** @internal */
  protected sendInvite(invite: SipRequest, nextHop: string, now: number): boolean {
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

  /** @internal */
  protected inviteResponse(ctx: ClientContext<F>, response: SipResponse, now: number): void {
    if (ctx.transaction !== this.inviteTxn) return;
    const status = response.status;
    if (status < 200) this.provisional(response, now);
    else if (status < 300) this.accepted(response, undefined, now);
    else this.inviteRefused(response, now);
  }

  /** @internal A UAC dialog from a response to our INVITE (RFC 3261 §12.1.2), carrying this usage, known to the core. */
  private uacDialog(response: SipResponse): Dialog {
    const d = Dialog.asUac(this.invite!, response, this.secure());
    d.addUsage(this);
    this.host.addDialog(d);
    return d;
  }

  /** @internal UAC: a 1xx to the INVITE (RFC 3261 §13.2.2.1, §12.1.2; RFC 3262 §4). */
  protected provisional(response: SipResponse, now: number): void {
    if (this.current !== "calling" && this.current !== "early") return;
    const tag = response.toTag;
    if (response.status === 100) return;
    if (tag === undefined) {
      this.host.emit({ type: "progress", session: this.self, response, reliable: false });
      return;
    }
    // §12.1.2: "a provisional response [...] with a To tag [...] creates an early dialog".
    let dialog = this.earlyDialog(tag);
    if (dialog === undefined) {
      dialog = this.uacDialog(response);
      if (this.dlg === undefined) this.dlg = dialog;
      else (this.forks ??= []).push(dialog);
    } else {
      dialog.refreshTarget(response);
    }
    const reliable = this.host.options.reliable !== "off" && response.hasHeader("RSeq") && hasOption(response, "Require", "100rel");
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
          const r = this.takeOffer(body, "reliable-1xx");
          if (isMediaFailure(r)) failure = r;
          else {
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
    this.host.emit({ type: "progress", session: this.self, response, reliable });
    if (early) this.host.emit({ type: "early-media", session: this.self, response });
  }

  /** @internal
   * UAC: a 2xx to our INVITE (RFC 3261 §13.2.2.4). From the INVITE transaction, or — once the
   * session has one — from the core for a retransmission or another fork (`dialog` then the dialog
   * it matched, if any).
   */
  protected accepted(response: SipResponse, dialog: Dialog | undefined, now: number): void {
    const tag = response.toTag;
    if (tag === undefined) {
      // §12.1.2: the dialog's remote tag is the To tag of the 2xx; without one there is no dialog
      // to ACK or BYE. The INVITE transaction has its final response all the same: with no usable
      // one, the call fails as if none had come (§8.1.3.1).
      this.host.stray();
      if (this.current === "calling" || this.current === "early") {
        this.inviteTxn = undefined;
        this.endEarlyDialogs();
        this.end("timeout", "local", 408, response, now, false);
      }
      return;
    }
    if (this.current !== "calling" && this.current !== "early") {
      this.another2xx(response, dialog, now);
      return;
    }
    // What may not parse (Record-Route, Contact) is read before anything changes, so that a 2xx the
    // core has to drop leaves the session as it was.
    let d = this.earlyDialog(tag);
    if (d === undefined) {
      d = this.uacDialog(response);
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
    this.inviteTxn = undefined;
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
        {
          const r = this.takeOffer(body, "2xx");
          if (isMediaFailure(r)) failure = r.reason;
          else ackBody = r;
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
    this.host.emit({ type: "answered", session: this.self, response });
    this.afterIdle(now);
  }

  /** @internal UAC: a 2xx after the first one: a retransmission (ACK again) or another fork (§13.2.2.4). */
  protected another2xx(response: SipResponse, dialog: Dialog | undefined, now: number): void {
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

  /** @internal `forking: "all"`: the session of another endpoint that answered our INVITE. */
  protected forkSession(response: SipResponse, now: number): InviteSession<F> {
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

  /** @internal UAC: a final non-2xx to the INVITE (§13.2.2.3). */
  protected inviteRefused(response: SipResponse, now: number): void {
    this.inviteTxn = undefined;
    const status = response.status;
    if (status === 422 && this.retry422(response, now)) return;
    this.endEarlyDialogs();
    const reason: TerminationReason = this.canceled && status === 487 ? "cancel" : "rejected";
    this.end(reason, this.canceled ? "local" : "remote", status, response, now, false);
  }

  /** @internal
   * RFC 4028 §7.4: "If a 422 response is received, the UAC SHOULD [...] retry the request with a
   * Session-Expires header field value equal to the value in the Min-SE header field in the 422".
   */
  protected retry422(response: SipResponse, now: number): boolean {
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

  /** @internal The next hop of the initial INVITE: its first Route, else its Request-URI (§8.1.2). */
  protected firstHop(invite: SipRequest): string {
    const route = invite.header("Route");
    if (route === undefined) return invite.uriText;
    const start = route.indexOf("<");
    const end = route.indexOf(">", start + 1);
    return start >= 0 && end > start ? route.slice(start + 1, end) : invite.uriText;
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

  /** @internal */
  protected guardFired(now: number): void {
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
}
