import { createResponse } from "../sip/index.ts";
import type { SipRequest } from "../sip/index.ts";
import { SiphonError } from "../errors.ts";
import type { InviteServerTransaction, ServerTransaction, TransactionFlow } from "../transaction/index.ts";
import type { SessionCounters } from "./counters.ts";
import { contactUri, dialogKey } from "./dialog.ts";
import type { Dialog } from "./dialog.ts";
import type { SessionEvent } from "./events.ts";
import type { SessionHost } from "./host.ts";
import { InviteSession } from "./invite-session.ts";
import { capabilities, sessionResponse, warning } from "./messages.ts";
import { KNOWN_METHODS } from "./options.ts";
import type { ResolvedOptions } from "./options.ts";
import { negotiateAsUas } from "./session-timer.ts";
import { mediaTypeOf, own } from "./strings.ts";
import type { SlotMap } from "../slot-map.ts";

/** What the request side needs from the core. @internal */
export interface RouterSite<F extends TransactionFlow> {
  readonly opts: ResolvedOptions;
  readonly counters: SessionCounters;
  readonly dialogs: SlotMap<Dialog>;
  /** UAS sessions by the id of their INVITE server transaction, until its final response. */
  readonly servers: SlotMap<InviteSession<F>>;
  readonly host: SessionHost<F>;
  emit(event: SessionEvent<F>): void;
  /** Whether the session limit is reached. */
  full(): boolean;
  /** A new UAS session (counted live). */
  newSession(callId: string): InviteSession<F>;
}

/**
 * The request side of the user agent core (RFC 3261 §8.2, §12.2.2): checks each new request — the
 * Require and Content-Type rules of §8.2.2.3 and §8.2.3, the dialog match and CSeq order of §12.2.2 —
 * and hands it to the usage of its dialog, to a new INVITE session, or to the application; whatever
 * does not fit is answered (400, 405, 415, 420, 422, 481, 500, 501, 503) and counted.
 * @internal
 */
export class RequestRouter<F extends TransactionFlow> {
  constructor(private readonly site: RouterSite<F>) {}

  /** A request event of the transaction layer. */
  handleRequest(
    txn: ServerTransaction<F>,
    request: SipRequest,
    flow: F,
    cancels: ServerTransaction<F> | undefined,
    now: number,
  ): void {
    try {
      if (request.method === "CANCEL") {
        this.manualCancel(txn, request, cancels, now);
        return;
      }
      // §8.2.1: "Once a request is authenticated (or authentication is skipped), the UAS MUST
      // inspect the method of the request": the challenger goes first.
      if (this.site.opts.challenger !== undefined && this.challenged(txn, request, now)) return;
      const toTag = request.toTag;
      if (toTag !== undefined) this.inDialog(txn, request, toTag, now);
      else this.outOfDialog(txn, request, flow, now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      // §8.2: a request whose fields do not parse gets 400 (with the reason in a Warning).
      this.answer(txn, request, 400, [["Warning", warning(399, error.message)]], now);
    }
  }

  /** §22.1: the challenger's refusal (a 401/407 challenge) answers the request. Returns true when it did. */
  private challenged(txn: ServerTransaction<F>, request: SipRequest, now: number): boolean {
    const refusal = this.site.opts.challenger!.verify(request, now);
    if (refusal === undefined) return false;
    this.site.counters.challenged++;
    this.answer(txn, request, refusal.status, [...refusal.headers], now);
    return true;
  }

  /** §12.2.2: a request with a To tag belongs to a dialog, or gets 481. */
  private inDialog(txn: ServerTransaction<F>, request: SipRequest, toTag: string, now: number): void {
    const dialog = this.site.dialogs.get(dialogKey(request.callId, toTag, request.fromTag ?? ""));
    if (dialog === undefined) {
      // §12.2.2: "If the UAS wishes to reject the request because it does not wish to recreate the
      // dialog, it MUST respond to the request with a 481 (Call/Transaction Does Not Exist)".
      this.answer(txn, request, 481, [], now);
      return;
    }
    if (!dialog.acceptRemoteSeq(request.cseq.seq)) {
      // §12.2.2: "[...] the request is out of order and MUST be rejected with a 500".
      this.answer(txn, request, 500, [], now);
      return;
    }
    if (this.precheck(txn, request, now)) return;
    const usage = dialog.usages.find((u) => u.takes(request));
    if (usage !== undefined) {
      usage.receiveRequest(dialog, request, txn, now);
      return;
    }
    const session = dialog.usages.find((u): u is InviteSession<F> => u instanceof InviteSession);
    if (this.site.opts.appMethods.has(request.method)) {
      this.site.emit({ type: "request", session, request, transaction: txn });
      return;
    }
    // No subscription usage here: a NOTIFY names a subscription that does not exist (RFC 6665 §4.1.3);
    // SUBSCRIBE and REFER are methods this user agent does not serve.
    if (request.method === "NOTIFY") this.answer(txn, request, 481, [], now);
    else this.answer(txn, request, 405, [["Allow", this.site.opts.allow]], now);
  }

  private outOfDialog(txn: ServerTransaction<F>, request: SipRequest, flow: F, now: number): void {
    const method = request.method;
    switch (method) {
      case "INVITE":
        this.newInvite(txn as InviteServerTransaction<F>, request, flow, now);
        return;
      case "OPTIONS":
        // §11.2: "The response to an OPTIONS is constructed using the standard rules for a SIP
        // response [...]. Allow, Accept, Accept-Encoding, Accept-Language, and Supported header
        // fields SHOULD be present".
        if (this.precheck(txn, request, now)) return;
        this.answer(txn, request, 200, capabilities(this.site.opts, [["Accept", this.site.opts.acceptHeader]]), now);
        return;
      case "BYE":
      case "PRACK":
      case "UPDATE":
        // These exist only inside a dialog; without a To tag there is none (§12.2.2, §15.1.2).
        this.answer(txn, request, 481, [], now);
        return;
      default:
        if (this.site.opts.appMethods.has(method)) {
          if (this.precheck(txn, request, now)) return;
          this.site.emit({ type: "request", session: undefined, request, transaction: txn });
          return;
        }
        // §8.2.1: "If the UAS recognizes but does not support the method of a request, it MUST
        // generate a 405 (Method Not Allowed) response. [...] The UAS MUST also add an Allow header
        // field"; §21.5.2: 501 when it does not recognize the method.
        if (KNOWN_METHODS.has(method)) this.answer(txn, request, 405, [["Allow", this.site.opts.allow]], now);
        else this.answer(txn, request, 501, [["Allow", this.site.opts.allow]], now);
    }
  }

  /** A new INVITE (§13.3.1): checked per §8.2, then a session and an `incoming` event. */
  private newInvite(txn: InviteServerTransaction<F>, request: SipRequest, flow: F, now: number): void {
    if (this.precheck(txn, request, now)) return;
    // §8.1.1.8: "The Contact header field MUST be present and contain exactly one SIP or SIPS URI in
    // any request that can result in the establishment of a dialog."
    if (contactUri(request) === undefined) {
      this.answer(txn, request, 400, [["Warning", warning(399, "no Contact")]], now);
      return;
    }
    if (this.site.full()) {
      this.answer(txn, request, 503, [["Retry-After", "5"]], now);
      return;
    }
    let interval;
    if (this.site.opts.timer !== undefined) {
      const decision = negotiateAsUas(request, this.site.opts.timer);
      if (decision.reject) {
        // RFC 4028 §8.1 / §9: 422 with our Min-SE.
        this.answer(txn, request, 422, [["Min-SE", String(decision.minSE)]], now);
        return;
      }
      interval = decision.interval;
    }
    const callId = own(request.callId);
    const session = this.site.newSession(callId);
    const refused = session.received(txn, request, flow, interval);
    if (refused !== undefined) {
      this.count(refused.status);
      txn.respond(refused, now);
      session.abandon();
      return;
    }
    this.site.servers.set(txn.id, session);
    this.site.counters.incoming++;
    this.site.emit({ type: "incoming", session, request });
  }

  /**
   * §8.2.2.3 and §8.2.3: a request that requires an extension we lack gets 420 with Unsupported; a
   * session description of a type the media handler does not take gets 415 with Accept. Returns
   * true when the request was answered here.
   */
  private precheck(txn: ServerTransaction<F>, request: SipRequest, now: number): boolean {
    if (request.hasHeader("Require")) {
      const missing = request.require.filter((tag) => !this.site.opts.optionTags.has(tag.toLowerCase()));
      if (missing.length > 0) {
        // §8.2.2.3: "the UAS MUST respond by generating a response with status code 420 (Bad
        // Extension). The UAS MUST add an Unsupported header field, and list in it those options it
        // does not understand amongst those in the Require header field of the request."
        this.answer(txn, request, 420, [["Unsupported", missing.join(", ")]], now);
        return true;
      }
    }
    const m = request.method;
    if (request.body.length > 0 && (m === "INVITE" || m === "UPDATE" || m === "PRACK" || m === "OPTIONS")) {
      const type = mediaTypeOf(request.header("Content-Type") ?? "application/sdp");
      if (!this.site.opts.accept.includes(type)) {
        // §8.2.3: "If a UAS does not understand the body [...] it MUST reject the request with a 415
        // (Unsupported Media Type) response. The response MUST contain an Accept header field".
        this.answer(txn, request, 415, [["Accept", this.site.opts.acceptHeader]], now);
        return true;
      }
    }
    return false;
  }

  /** §9.2 with `autoCancel` off: the CANCEL arrives as a request and the core answers both. */
  private manualCancel(txn: ServerTransaction<F>, request: SipRequest, cancels: ServerTransaction<F> | undefined, now: number): void {
    const session = cancels === undefined ? undefined : this.site.servers.get(cancels.id);
    if (cancels === undefined) {
      this.answer(txn, request, 481, [], now);
      return;
    }
    const tag = session?.localTag ?? this.site.opts.newTag();
    txn.respond(createResponse(request, 200, "OK", { toTag: tag }), now);
    if (session !== undefined && session.serverTxn !== undefined && cancels.request !== undefined) {
      cancels.respond(createResponse(cancels.request, 487, undefined, { toTag: tag }), now);
      session.receiveCancel(now);
    }
  }

  /** An ACK for a 2xx (§13.3.1.4, §17.1.1.3): to its dialog's session, or absorbed. */
  handleAck(ack: SipRequest, now: number): void {
    let toTag: string | undefined;
    let key: string;
    try {
      toTag = ack.toTag;
      key = dialogKey(ack.callId, toTag ?? "", ack.fromTag ?? "");
    } catch {
      this.site.counters.stray++;
      return;
    }
    const dialog = toTag === undefined ? undefined : this.site.dialogs.get(key);
    const session = dialog?.usages.find((u): u is InviteSession<F> => u instanceof InviteSession);
    if (session === undefined) {
      // An ACK without its INVITE: nothing to do, and nothing to answer (§17.1.1.3).
      this.site.counters.stray++;
      return;
    }
    session.receiveAck(ack, now);
  }

  /** Answers a request from the core itself, counting the status. */
  answer(txn: ServerTransaction<F>, request: SipRequest, status: number, headers: [string, string][], now: number): void {
    this.count(status);
    try {
      txn.respond(sessionResponse(request, status, request.toTag ?? this.site.opts.newTag(), headers), now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
    }
  }

  private count(status: number): void {
    this.site.counters.answered[status] = (this.site.counters.answered[status] ?? 0) + 1;
  }
}
