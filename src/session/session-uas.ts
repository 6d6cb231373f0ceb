import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { InviteServerTransaction, TransactionFlow } from "../transaction/index.ts";
import { Dialog } from "./dialog.ts";
import { SessionError } from "./errors.ts";
import { Slot } from "./host.ts";
import { isMediaFailure } from "./media.ts";
import type { SessionBody } from "./media.ts";
import { bodyOf, capabilities, refusal, sessionResponse } from "./messages.ts";
import { ReliableProvisionals } from "./reliable-provisional.ts";
import { timerResponseHeaders } from "./session-timer.ts";
import type { SessionInterval } from "./session-timer.ts";
import { assertNever, hasOption } from "./strings.ts";
import { SessionRequests } from "./session-requests.ts";
import type { AnswerOptions, RejectOptions, RingOptions } from "./session-api.ts";

/**
 * The callee's side of the INVITE (RFC 3261 §13.3): taking its offer, provisional responses
 * (reliable ones per RFC 3262 §3, retransmitted until PRACKed), the answer and its retransmission,
 * rejection, and CANCEL.
 * Not used directly: the public class is InviteSession.
 */
export abstract class SessionUas<F extends TransactionFlow = TransactionFlow> extends SessionRequests<F> {
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
      (hasOption(invite, "Require", "100rel") || (options.reliable === true && hasOption(invite, "Supported", "100rel")));
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

  /** @internal The UAS dialog, made with the first response that carries our tag (§12.1.1). */
  protected ensureUasDialog(early: boolean): Dialog {
    if (this.dlg !== undefined) return this.dlg;
    const invite = this.invite!;
    const secure = this.flow?.transport === "TLS" && invite.uriText.startsWith("sips:");
    const d = Dialog.asUas(invite, this.localTag, secure, early);
    d.addUsage(this.self);
    this.host.addDialog(d);
    this.dlg = d;
    return d;
  }

  /** @internal After a PRACK: the next waiting reliable 1xx, or the 2xx the application asked for meanwhile. */
  protected nextReliable(now: number): void {
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

  /** @internal */
  protected retransmit(now: number): void {
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
}
