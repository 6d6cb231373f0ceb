import type { SipRequest, SipResponse } from "../sip/index.ts";
import { H } from "../sip/header-names.ts";
import type { TransactionFlow } from "../transaction/index.ts";
import { Dialog } from "./dialog.ts";
import { SessionError } from "./errors.ts";
import { glareBackoff } from "./glare.ts";
import { Slot } from "./host.ts";
import { isMediaFailure } from "./media.ts";
import type { MediaDirection, SessionBody } from "./media.ts";
import { bodyOf, capabilities } from "./messages.ts";
import type { ClientContext } from "./outgoing-request.ts";
import { OutgoingRequest } from "./outgoing-request.ts";
import { checkRseq } from "./reliable-provisional.ts";
import { timerRequestHeaders } from "./session-timer.ts";
import { hasOption } from "./strings.ts";
import { SessionBase } from "./session-base.ts";
import type { LocalChange } from "./session-base.ts";
import type { ModifyOptions, SessionRequestOptions } from "./session-api.ts";

/**
 * Changes we make to an established (or early) session: re-INVITE (RFC 3261 §14.1), UPDATE
 * (RFC 3311 §5.1), hold and resume (RFC 3264 §8.4), with one change in flight at a time, the
 * rollback of a failed one, and the glare back-off after a 491; and the in-dialog requests of the
 * application (INFO, MESSAGE…).
 * Not used directly: the public class is InviteSession.
 */
export abstract class SessionChanges<F extends TransactionFlow = TransactionFlow> extends SessionBase<F> {
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
    const exchange = new OutgoingRequest<F>(request, this.self, (x, status, response, at) => {
      this.host.emit({ type: "response", exchange: x, status, response });
      if (status >= 300) this.inDialogFailure(status, response, at);
    });
    if (this.host.send(request, nextHop, exchange, "request", dialog, false, now) === undefined) {
      throw this.host.sendError(nextHop);
    }
    return exchange;
  }

  /** @internal */
  protected modify(
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
    if (this.busy(method)) {
      // One offer at a time (RFC 3264 §4), one INVITE at a time (§14.1): the latest wish waits.
      this.queued = change;
      return;
    }
    this.sendChange(change, now);
  }

  /** @internal
   * Whether a re-INVITE or UPDATE of ours must wait: one change of ours at a time, one offer at a
   * time (RFC 3264 §4, RFC 3311 §5.1), and one INVITE transaction at a time in either direction
   * (§14.1: "a UAC MUST NOT initiate a new INVITE transaction within a dialog while another INVITE
   * transaction is in progress in either direction").
   */
  protected busy(method: "INVITE" | "UPDATE"): boolean {
    if (this.change !== undefined || !this.oa.idle) return true;
    return method === "INVITE" && (this.ok !== undefined || this.inviteTxn !== undefined || this.serverTxn !== undefined);
  }

  /** @internal */
  protected sendChange(change: LocalChange<F>, now: number): void {
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
    const ctx = this.host.send(request, nextHop, this.self, change.method === "INVITE" ? "reinvite" : "update", dialog, true, now);
    if (ctx === undefined) {
      if (change.offer) {
        this.oa.withdrawn();
        this.media.rollback();
      }
      this.host.emit({ type: "modify-failed", session: this.self, method: change.method, status: 503, response: undefined });
      return;
    }
    change.ctx = ctx;
    this.change = change;
  }

  /** @internal A response to our re-INVITE or UPDATE. */
  protected changeResponse(ctx: ClientContext<F>, response: SipResponse, now: number): void {
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
        const r = this.takeOffer(body, "2xx");
        if (isMediaFailure(r)) failure = r.reason;
        else ackBody = r;
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
      this.host.emit({ type: "modified", session: this.self, method: change.method, by: "local" });
      if (change.hold !== undefined && change.hold !== this.localHeld) {
        this.localHeld = change.hold;
        this.host.emit({ type: change.hold ? "hold" : "resume", session: this.self, by: "local" });
      }
      this.noteRemoteHold("remote");
    }
    if (change.method === "INVITE") this.arm(Slot.Guard, now + 64 * this.host.timers.t1);
    this.afterIdle(now);
  }

  /** @internal A reliable 1xx to our re-INVITE is PRACKed too (RFC 3262 applies to every INVITE). */
  protected reliableToChange(response: SipResponse, now: number): void {
    const dialog = this.dlg;
    if (dialog === undefined || !response.hasHeader("RSeq") || !hasOption(response, "Require", "100rel")) return;
    const rseq = response.rseq!;
    if (checkRseq(dialog, rseq) !== "new") return;
    dialog.lastRseq = rseq;
    this.sendPrack(dialog, response, rseq, undefined, now);
  }

  /** @internal Our re-INVITE or UPDATE failed (a final non-2xx, or no response). */
  protected changeFailed(status: number, response: SipResponse | undefined, now: number): void {
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
    this.host.emit({ type: "modify-failed", session: this.self, method: change.method, status, response });
    if (this.inDialogFailure(status, response, now)) return;
    this.afterIdle(now);
  }

  /** @internal RFC 4028 §7.4 for a refresh: ask again with the Min-SE of the 422. */
  protected raiseInterval(response: SipResponse): boolean {
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

  /** @internal Nothing is outstanding any more: send what waited (a queued change, a BYE asked for meanwhile). */
  protected afterIdle(now: number): void {
    if (this.current !== "confirmed" && this.current !== "early") return;
    const next = this.queued;
    if (next === undefined || this.busy(next.method) || this.deadline(Slot.Glare)) return;
    if (next.method === "INVITE" && this.current !== "confirmed") return;
    this.queued = undefined;
    this.sendChange(next, now);
  }

  /** @internal RFC 3262 §7.2: RAck = response-num CSeq-num Method of the response acknowledged. */
  protected sendPrack(dialog: Dialog, response: SipResponse, rseq: number, body: SessionBody | undefined, now: number): void {
    const cseq = response.cseq;
    const { request, nextHop } = dialog.buildRequest("PRACK", {
      headers: [["RAck", `${rseq} ${cseq.seq} ${cseq.method}`]],
      ...(body !== undefined ? { body: body.body, contentType: body.contentType } : {}),
    });
    this.host.send(request, nextHop, this.self, "prack", dialog, false, now);
  }

  /** @internal
   * The ACK for a 2xx (§13.2.2.4): "The header fields of the ACK are constructed in the same way as
   * for any request sent within a dialog [...] with the exception of the CSeq and the header fields
   * related to authentication. The sequence number of the CSeq header field MUST be the same as the
   * INVITE being acknowledged, but the CSeq method MUST be ACK. The ACK MUST contain the same
   * credentials as the INVITE. If the 2xx contains an offer [...], the ACK MUST carry an answer in
   * its body."
   */
  protected sendAck(dialog: Dialog, response: SipResponse, body: SessionBody | undefined, invite?: SipRequest): void {
    const headers: [string, string][] = [];
    const source = invite ?? this.invite;
    if (source !== undefined) {
      // §22.1: the ACK carries the INVITE's credentials (usually none: no list made then).
      if (source._count(H.AUTHORIZATION) > 0) for (const v of source.headers("Authorization")) headers.push(["Authorization", v]);
      if (source._count(H.PROXY_AUTHORIZATION) > 0) for (const v of source.headers("Proxy-Authorization")) headers.push(["Proxy-Authorization", v]);
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
}
