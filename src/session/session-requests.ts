import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { InviteServerTransaction, ServerTransaction, TransactionFlow } from "../transaction/index.ts";
import { Dialog } from "./dialog.ts";
import { Slot } from "./host.ts";
import { isMediaFailure } from "./media.ts";
import type { MediaFailure, SessionBody } from "./media.ts";
import { bodyOf, capabilities, refusal, sessionResponse } from "./messages.ts";
import { timerResponseHeaders } from "./session-timer.ts";
import type { SessionInterval } from "./session-timer.ts";
import { hasOption } from "./strings.ts";
import { SessionChanges } from "./session-changes.ts";

/**
 * Requests the peer sends inside the session's dialog: BYE (RFC 3261 §15.1.2), re-INVITE (§14.2),
 * UPDATE (RFC 3311 §5.2), PRACK (RFC 3262 §3), OPTIONS, and the ACK of our 2xx (§13.3.1.4) with
 * the 2xx retransmission that waits for it.
 * Not used directly: the public class is InviteSession.
 */
export abstract class SessionRequests<F extends TransactionFlow = TransactionFlow> extends SessionChanges<F> {
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
          this.host.emit({ type: "request", session: this.self, request, transaction: txn });
          return;
        }
        // §8.2.1: a method we recognize but do not serve in this dialog.
        this.refuse(txn, sessionResponse(request, 405, this.localTag, [["Allow", this.host.options.allow]]), now);
    }
  }

  /** @internal §15.1.2: "The UAS MUST still respond to any pending requests received for that dialog." */
  protected receiveBye(request: SipRequest, txn: ServerTransaction<F>, now: number): void {
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

  /** @internal Why a new offer cannot be taken now, as the status to answer with (491 or 500), or 0. */
  protected offerConflict(invite: boolean): number {
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

  /** @internal Answers a request the session refuses, counting the status with the core's own answers. */
  protected refuse(txn: ServerTransaction<F>, response: SipResponse, now: number): void {
    this.host.answered(response.status);
    txn.respond(response, now);
  }

  /** @internal Answers a request that overlaps one in progress: 491, or 500 with Retry-After 0–10 s (§14.2). */
  protected refuseOverlap(request: SipRequest, txn: ServerTransaction<F>, status: number, now: number): void {
    const headers: [string, string][] = status === 500 ? [["Retry-After", String(Math.floor(this.host.options.random() * 11))]] : [];
    this.refuse(txn, sessionResponse(request, status, this.localTag, headers), now);
  }

  /**
   * @internal The answer to the offer a request carries (RFC 3264 §5). When the media handler cannot
   * take it the request is answered 488 (§14.2: "the session stays as it was") and there is none.
   */
  protected answerOrRefuse(
    request: SipRequest,
    txn: ServerTransaction<F>,
    body: SessionBody,
    carrier: "INVITE" | "PRACK" | "UPDATE",
    now: number,
  ): SessionBody | undefined {
    const r = this.takeOffer(body, carrier);
    if (!isMediaFailure(r)) return r;
    this.refuse(txn, refusal(request, r, this.localTag), now);
    return undefined;
  }

  /** @internal A re-INVITE (§14.2). */
  protected receiveReinvite(dialog: Dialog, request: SipRequest, txn: InviteServerTransaction<F>, now: number): void {
    if (this.current === "ending" || this.current === "terminated") {
      this.refuse(txn, sessionResponse(request, 481, this.localTag, []), now);
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
      answer = this.answerOrRefuse(request, txn, body, "INVITE", now);
      if (answer === undefined) return;
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
      this.host.emit({ type: "modified", session: this.self, method: "INVITE", by: "remote" });
      this.noteRemoteHold("remote");
    }
  }

  /** @internal An UPDATE (RFC 3311 §5.2), in an early or confirmed dialog. */
  protected receiveUpdate(dialog: Dialog, request: SipRequest, txn: ServerTransaction<F>, now: number): void {
    if (this.current === "ending" || this.current === "terminated") {
      this.refuse(txn, sessionResponse(request, 481, this.localTag, []), now);
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
      answer = this.answerOrRefuse(request, txn, body, "UPDATE", now);
      if (answer === undefined) return;
      // Before the 2xx to the INVITE, that 2xx repeats the answer now in force.
      if (this.serverTxn !== undefined) this.answerBody = answer;
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
      this.host.emit({ type: "modified", session: this.self, method: "UPDATE", by: "remote" });
      this.noteRemoteHold("remote");
    }
  }

  /** @internal
   * The session-timer part of a refresh request we received (RFC 4028 §9): the interval of our 2xx,
   * undefined when timers are not in use, false when the request was answered 422 here.
   */
  protected negotiateTimer(request: SipRequest, txn: ServerTransaction<F>, now: number): SessionInterval | undefined | false {
    const o = this.host.options.timer;
    if (o === undefined || (request.sessionExpires === undefined && this.interval === undefined)) return undefined;
    const asked = request.sessionExpires;
    if (asked !== undefined && asked.seconds < o.minSE) {
      this.refuse(txn, sessionResponse(request, 422, this.localTag, [["Min-SE", String(o.minSE)]]), now);
      return false;
    }
    if (asked === undefined) return this.interval;
    const floor = Math.max(request.minSE ?? 90, 90);
    const seconds = Math.max(Math.min(asked.seconds, o.expires), floor);
    const uacSupports = hasOption(request, "Supported", "timer");
    return { seconds, refresher: asked.refresher ?? (uacSupports ? "uac" : "uas") };
  }

  /** @internal A PRACK (RFC 3262 §3, §5). */
  protected receivePrack(request: SipRequest, txn: ServerTransaction<F>, now: number): void {
    const rel = this.rel;
    const rack = request.rack;
    if (rel === undefined || rack === undefined || this.serverTxn === undefined || !rel.acknowledges(rack, this.invite!.cseq.seq)) {
      this.refuse(txn, sessionResponse(request, 481, this.localTag, []), now);
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
        answer = this.answerOrRefuse(request, txn, body, "PRACK", now);
        if (answer === undefined) {
          this.nextReliable(now);
          return;
        }
        offered = true;
        this.answerBody = answer;
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
      this.host.emit({ type: "modified", session: this.self, method: "PRACK", by: "remote" });
      this.noteRemoteHold("remote");
    }
    this.nextReliable(now);
  }

  /** @internal §13.3.1.4: retransmit the 2xx from T1, doubling up to T2, until the ACK; give up after 64*T1. */
  protected awaitAck(response: SipResponse, flow: F, cseq: number, offered: boolean, now: number): void {
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
      this.host.emit({ type: "confirmed", session: this.self, ack });
      if (this.byeAfterAck) {
        this.bye(now);
        return;
      }
    } else if (pending.offered) {
      if (failure !== undefined) {
        this.end("media", "local", undefined, undefined, now, true);
        return;
      }
      this.host.emit({ type: "modified", session: this.self, method: "INVITE", by: "remote" });
      this.noteRemoteHold("remote");
    }
    this.afterIdle(now);
  }
}
