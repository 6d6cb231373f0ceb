import { createRequest, createResponse, parseNameAddr, formatUri } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { SiphonError } from "../errors.ts";
import { newBranch, TransactionLayer } from "../transaction/index.ts";
import type {
  ClientTransaction,
  InviteServerTransaction,
  ServerTransaction,
  TimerConfig,
  Transmit,
  TransactionEvent,
  TransactionFlow,
} from "../transaction/index.ts";
import { MAX_AUTH_RETRIES, requestForRetry } from "./challenge.ts";
import { Deadlines, Ring } from "./deadlines.ts";
import { contactUri, Dialog, dialogKey } from "./dialog.ts";
import { SessionError } from "./errors.ts";
import type { SessionEvent } from "./events.ts";
import { DiscardedFork } from "./fork.ts";
import type { SessionHost } from "./host.ts";
import { InviteSession } from "./invite-session.ts";
import type { InviteInit } from "./invite-session.ts";
import type { MediaHandlerFactory } from "./media.ts";
import { capabilities, sessionResponse, warning } from "./messages.ts";
import { KNOWN_METHODS, resolveOptions } from "./options.ts";
import type { ResolvedOptions, SessionCoreOptions, SessionTransport } from "./options.ts";
import { OutgoingRequest } from "./outgoing-request.ts";
import type { ClientContext, ClientOwner, Purpose } from "./outgoing-request.ts";
import { negotiateAsUas, timerRequestHeaders } from "./session-timer.ts";
import { own } from "./strings.ts";

/** Counters of a session core (monotonic); read freely. */
export interface SessionCounters {
  /** Sessions made: our INVITEs, and INVITEs we received that reached the application. */
  outgoing: number;
  incoming: number;
  /** Requests answered by the core itself, by status (§8.2: 400, 405, 415, 420, 422, 481, 488, 491, 500, 501, 503). */
  answered: Record<number, number>;
  /** Messages that fit no state and were absorbed: ACKs, 1xx/2xx and PRACKs out of place (counted, never thrown). */
  stray: number;
  /** Requests that could not be routed (the transport found no flow). */
  noRoute: number;
  /** Requests sent again with credentials after a 401/407 (§22.2). */
  authRetries: number;
  /** Extra 2xx of forked INVITEs ended with ACK and BYE (§13.2.2.4). */
  forksDiscarded: number;
}

/** What to put in a request outside any dialog (`core.request`). */
export interface RequestInit {
  method: string;
  /** Request-URI. */
  uri: string;
  from: string;
  to: string;
  /** A pre-loaded route set (first hop first). */
  route?: readonly string[];
  callId?: string;
  cseq?: number;
  /** Contact, when the method needs one (REGISTER, §10.2.1). */
  contact?: boolean;
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}

/** Options of `respond`. */
export interface RespondInit {
  reason?: string;
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}

/**
 * The session core: the transaction user's core of a user agent (RFC 3261 §8, §12–§15) with INVITE
 * sessions (RFC 3262, RFC 3264, RFC 3311, RFC 4028, RFC 6337), sans-I/O. It sits on a
 * {@link TransactionLayer}: parsed messages or transaction events and `now` in; transmits (the
 * transaction layer's and its own: ACKs for 2xx, 2xx retransmissions), session events and its next
 * deadline out.
 *
 * ```ts
 * const core = createSessionCore({ transport, media });
 * core.handleMessage(message, flow, now);              // or handleTransactionEvent(e, now)
 * for (let t; (t = core.pollTransmit()); ) send(t);
 * for (let e; (e = core.pollEvent()); ) app(e);         // e.session.answer(now) ...
 * const next = core.pollTimeout();                      // then handleTimeout(next)
 * ```
 */
export class SessionCore<F extends TransactionFlow = TransactionFlow> {
  /** The transaction layer under the core. */
  readonly transactions: TransactionLayer<F>;
  /** Live counters. */
  readonly counters: SessionCounters = {
    outgoing: 0,
    incoming: 0,
    answered: {},
    stray: 0,
    noRoute: 0,
    authRetries: 0,
    forksDiscarded: 0,
  };
  private readonly owned: boolean;
  private readonly opts: ResolvedOptions;
  private readonly transport: SessionTransport<F>;
  private readonly makeMedia: MediaHandlerFactory;
  private readonly dialogs = new Map<string, Dialog>();
  private readonly contexts = new Map<string, ClientContext<F>>();
  private readonly servers = new Map<string, InviteSession<F>>();
  private readonly forking = new Map<string, InviteSession<F>>();
  private readonly deadlines = new Deadlines<InviteSession<F>>();
  private readonly events = new Ring<SessionEvent<F>>();
  private readonly host: SessionHost<F>;
  private live = 0;
  private lastNow = 0;

  /** Use {@link createSessionCore}. */
  constructor(options: SessionCoreOptions<F>) {
    this.opts = resolveOptions(options);
    this.transport = options.transport;
    this.makeMedia = options.media;
    if (options.transactions instanceof TransactionLayer) {
      this.transactions = options.transactions;
      this.owned = false;
    } else {
      // A UAS core detects merged requests (§8.2.2.2); the layer answers CANCEL itself (§9.2).
      this.transactions = new TransactionLayer<F>({ detectMergedRequests: true, ...options.transactions });
      this.owned = true;
    }
    this.host = this.makeHost();
  }

  /** Live sessions (including those whose BYE is still on its way). */
  get sessionCount(): number {
    return this.live;
  }

  /** Live dialogs (early and confirmed). */
  get dialogCount(): number {
    return this.dialogs.size;
  }

  /** Armed session timers (for diagnostics). */
  get timerCount(): number {
    return this.deadlines.size;
  }

  // ------------------------------------------------------------------------ inputs

  /**
   * A parsed message arrived on `flow`: through the core's own transaction layer (a core that was
   * handed an existing layer gets that layer's events through {@link handleTransactionEvent} instead).
   */
  handleMessage(message: SipRequest | SipResponse, flow: F, now: number): void {
    this.lastNow = now;
    this.transactions.handleMessage(message, flow, now);
    if (this.owned) this.drainTransactions(now);
  }

  /** An event of the transaction layer (the driver passes those of its layer here). */
  handleTransactionEvent(event: TransactionEvent<F>, now: number): void {
    this.lastNow = now;
    switch (event.type) {
      case "request":
        this.onRequest(event.transaction, event.request, event.flow, event.cancels, now);
        return;
      case "ack":
        this.onAck(event.request, now);
        return;
      case "response":
        this.onResponse(event.transaction, event.response, now);
        return;
      case "stray-response":
        // §18.1.2: a response matching no transaction is the core's to discard.
        this.counters.stray++;
        return;
      case "cancel":
        this.servers.get(event.transaction.id)?.receiveCancel(now);
        return;
      case "timeout":
      case "transport-error": {
        const ctx = this.contexts.get(event.transaction.id);
        if (ctx === undefined) return;
        this.contexts.delete(event.transaction.id);
        // §8.1.3.1: a timeout is treated as a 408; a transport failure as a 503.
        ctx.owner.requestFailed(ctx, event.type === "timeout" ? 408 : 503, now);
        return;
      }
      case "terminated":
        this.contexts.delete(event.transaction.id);
        return;
    }
  }

  /** Fires every timer due at `now` (the transaction layer's too, when the core owns it). */
  handleTimeout(now: number): void {
    this.lastNow = now;
    if (this.owned) {
      this.transactions.handleTimeout(now);
      this.drainTransactions(now);
    }
    for (let d = this.deadlines.takeDue(now); d !== undefined; d = this.deadlines.takeDue(now)) {
      d.owner.timerFired(d.slot, now);
    }
    if (this.owned) this.drainTransactions(now);
  }

  // ------------------------------------------------------------------------ outputs

  /** The next message to send: the transaction layer's and the core's (ACKs, 2xx retransmissions). */
  pollTransmit(): Transmit<F> | undefined {
    return this.transactions.pollTransmit();
  }

  /** The next session event. */
  pollEvent(): SessionEvent<F> | undefined {
    if (this.owned) this.drainTransactions(this.lastNow);
    return this.events.shift();
  }

  /** When `handleTimeout` must next be called (absolute ms), or undefined. */
  pollTimeout(): number | undefined {
    const own = this.deadlines.next;
    if (!this.owned) return own;
    const txn = this.transactions.pollTimeout();
    return own === undefined ? txn : txn === undefined ? own : Math.min(own, txn);
  }

  // ------------------------------------------------------------------------ application calls

  /**
   * Starts a call: sends an INVITE (with an offer from a new media handler unless `offer: false`),
   * Allow, Supported, and Session-Expires when session timers are on (RFC 4028 §7.1).
   */
  invite(init: InviteInit, now: number): InviteSession<F> {
    this.lastNow = now;
    if (this.live >= this.opts.maxSessions) throw new SessionError("TOO_MANY_SESSIONS", `at most ${this.opts.maxSessions} sessions`);
    const callId = own(init.callId ?? this.opts.newCallId());
    const tag = this.opts.newTag();
    const requestUri = init.requestUri ?? uriOf(init.to);
    const routes = (init.route ?? []).map(asRoute);
    const headers: [string, string][] = routes.map((r): [string, string] => ["Route", r]);
    capabilities(this.opts, headers);
    if (this.opts.reliable === "required") headers.push(["Require", "100rel"]);
    const timer = this.opts.timer;
    if (timer !== undefined) headers.push(...timerRequestHeaders(timer.expires, timer.minSE, timer.refresher));
    if (this.opts.userAgent !== undefined) headers.push(["User-Agent", this.opts.userAgent]);
    if (init.headers !== undefined) headers.push(...init.headers);
    const request = createRequest({
      method: "INVITE",
      uri: requestUri,
      from: `${init.from};tag=${tag}`,
      to: init.to,
      callId,
      cseq: 1,
      via: `SIP/2.0/UDP invalid;branch=${newBranch()}`,
      headers,
    });
    const session = new InviteSession<F>(this.host, "uac", callId, tag, this.makeMedia({ role: "uac", callId }));
    this.live++;
    this.counters.outgoing++;
    try {
      session.start(request, routes.length > 0 ? uriOf(routes[0]!) : requestUri, init.offer ?? true, init.direction, now);
    } catch (error) {
      this.live--;
      session.media.close();
      throw error;
    }
    return session;
  }

  /**
   * Sends a request outside any dialog (REGISTER, OPTIONS, MESSAGE…). A 401/407 is answered through
   * the authenticator; the final outcome arrives as a `response` event naming the returned exchange.
   */
  request(init: RequestInit, now: number): OutgoingRequest<F> {
    this.lastNow = now;
    if (init.method === "INVITE" || init.method === "ACK" || init.method === "CANCEL") {
      throw new SessionError("BAD_ARGUMENT", `${init.method} is sent with invite() or by the session`);
    }
    const routes = (init.route ?? []).map(asRoute);
    const headers: [string, string][] = routes.map((r): [string, string] => ["Route", r]);
    if (this.opts.userAgent !== undefined) headers.push(["User-Agent", this.opts.userAgent]);
    if (init.headers !== undefined) headers.push(...init.headers);
    const request = createRequest({
      method: init.method,
      uri: init.uri,
      from: `${init.from};tag=${this.opts.newTag()}`,
      to: init.to,
      callId: init.callId ?? this.opts.newCallId(),
      cseq: init.cseq ?? 1,
      via: `SIP/2.0/UDP invalid;branch=${newBranch()}`,
      headers,
      ...(init.body !== undefined ? { body: init.body, contentType: init.contentType ?? "application/octet-stream" } : {}),
    });
    const exchange = new OutgoingRequest<F>(request, undefined, (x, status, response) => {
      this.events.push({ type: "response", exchange: x, status, response });
    });
    const nextHop = routes.length > 0 ? uriOf(routes[0]!) : init.uri;
    if (this.send(request, nextHop, exchange, "request", undefined, init.contact ?? false, 0, now) === undefined) {
      throw new SessionError("NO_ROUTE", `no flow reaches ${nextHop}`);
    }
    return exchange;
  }

  /** Answers a `request` event (one of the application's methods). */
  respond(event: Extract<SessionEvent<F>, { type: "request" }>, status: number, now: number, init: RespondInit = {}): void {
    this.lastNow = now;
    const response = createResponse(event.request, status, init.reason, {
      toTag: event.session?.localTag ?? event.request.toTag ?? this.opts.newTag(),
      headers: init.headers ?? [],
      ...(init.body !== undefined ? { body: init.body, contentType: init.contentType ?? "application/octet-stream" } : {}),
    });
    event.transaction.respond(response, now);
  }

  // ------------------------------------------------------------------------ requests

  private onRequest(
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
      const toTag = request.toTag;
      if (toTag !== undefined) this.inDialog(txn, request, toTag, now);
      else this.outOfDialog(txn, request, flow, now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      // §8.2: a request whose fields do not parse gets 400 (with the reason in a Warning).
      this.answer(txn, request, 400, [["Warning", warning(399, error.message)]], now);
    }
  }

  /** §12.2.2: a request with a To tag belongs to a dialog, or gets 481. */
  private inDialog(txn: ServerTransaction<F>, request: SipRequest, toTag: string, now: number): void {
    const dialog = this.dialogs.get(dialogKey(request.callId, toTag, request.fromTag ?? ""));
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
    if (this.opts.appMethods.has(request.method)) {
      this.events.push({ type: "request", session, request, transaction: txn });
      return;
    }
    // No subscription usage here: a NOTIFY names a subscription that does not exist (RFC 6665 §4.1.3);
    // SUBSCRIBE and REFER are methods this user agent does not serve.
    if (request.method === "NOTIFY") this.answer(txn, request, 481, [], now);
    else this.answer(txn, request, 405, [["Allow", this.opts.allow]], now);
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
        this.answer(txn, request, 200, capabilities(this.opts, [["Accept", this.opts.acceptHeader]]), now);
        return;
      case "BYE":
      case "PRACK":
      case "UPDATE":
        // These exist only inside a dialog; without a To tag there is none (§12.2.2, §15.1.2).
        this.answer(txn, request, 481, [], now);
        return;
      default:
        if (this.opts.appMethods.has(method)) {
          if (this.precheck(txn, request, now)) return;
          this.events.push({ type: "request", session: undefined, request, transaction: txn });
          return;
        }
        // §8.2.1: "If the UAS recognizes but does not support the method of a request, it MUST
        // generate a 405 (Method Not Allowed) response. [...] The UAS MUST also add an Allow header
        // field"; §21.5.2: 501 when it does not recognize the method.
        if (KNOWN_METHODS.has(method)) this.answer(txn, request, 405, [["Allow", this.opts.allow]], now);
        else this.answer(txn, request, 501, [["Allow", this.opts.allow]], now);
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
    if (this.live >= this.opts.maxSessions) {
      this.answer(txn, request, 503, [["Retry-After", "5"]], now);
      return;
    }
    let interval;
    if (this.opts.timer !== undefined) {
      const decision = negotiateAsUas(request, this.opts.timer);
      if (decision.reject) {
        // RFC 4028 §8.1 / §9: 422 with our Min-SE.
        this.answer(txn, request, 422, [["Min-SE", String(decision.minSE)]], now);
        return;
      }
      interval = decision.interval;
    }
    const callId = own(request.callId);
    const session = new InviteSession<F>(this.host, "uas", callId, this.opts.newTag(), this.makeMedia({ role: "uas", callId }));
    this.live++;
    const refused = session.received(txn, request, flow, interval);
    if (refused !== undefined) {
      this.count(refused.status);
      txn.respond(refused, now);
      session.abandon();
      return;
    }
    this.servers.set(txn.id, session);
    this.counters.incoming++;
    this.events.push({ type: "incoming", session, request });
  }

  /**
   * §8.2.2.3 and §8.2.3: a request that requires an extension we lack gets 420 with Unsupported; a
   * session description of a type the media handler does not take gets 415 with Accept. Returns
   * true when the request was answered here.
   */
  private precheck(txn: ServerTransaction<F>, request: SipRequest, now: number): boolean {
    if (request.hasHeader("Require")) {
      const missing = request.require.filter((tag) => !this.opts.optionTags.has(tag.toLowerCase()));
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
      const type = request.contentType?.type ?? "application/sdp";
      if (!this.opts.accept.includes(type)) {
        // §8.2.3: "If a UAS does not understand the body [...] it MUST reject the request with a 415
        // (Unsupported Media Type) response. The response MUST contain an Accept header field".
        this.answer(txn, request, 415, [["Accept", this.opts.acceptHeader]], now);
        return true;
      }
    }
    return false;
  }

  /** §9.2 with `autoCancel` off: the CANCEL arrives as a request and the core answers both. */
  private manualCancel(txn: ServerTransaction<F>, request: SipRequest, cancels: ServerTransaction<F> | undefined, now: number): void {
    const session = cancels === undefined ? undefined : this.servers.get(cancels.id);
    if (cancels === undefined) {
      this.answer(txn, request, 481, [], now);
      return;
    }
    const tag = session?.localTag ?? this.opts.newTag();
    txn.respond(createResponse(request, 200, "OK", { toTag: tag }), now);
    if (session !== undefined && session.serverTxn !== undefined && cancels.request !== undefined) {
      cancels.respond(createResponse(cancels.request, 487, undefined, { toTag: tag }), now);
      session.receiveCancel(now);
    }
  }

  /** An ACK for a 2xx (§13.3.1.4, §17.1.1.3): to its dialog's session, or absorbed. */
  private onAck(ack: SipRequest, now: number): void {
    let toTag: string | undefined;
    let key: string;
    try {
      toTag = ack.toTag;
      key = dialogKey(ack.callId, toTag ?? "", ack.fromTag ?? "");
    } catch {
      this.counters.stray++;
      return;
    }
    const dialog = toTag === undefined ? undefined : this.dialogs.get(key);
    const session = dialog?.usages.find((u): u is InviteSession<F> => u instanceof InviteSession);
    if (session === undefined) {
      // An ACK without its INVITE: nothing to do, and nothing to answer (§17.1.1.3).
      this.counters.stray++;
      return;
    }
    session.receiveAck(ack, now);
  }

  // ------------------------------------------------------------------------ responses

  private onResponse(txn: ClientTransaction<F>, response: SipResponse, now: number): void {
    const ctx = this.contexts.get(txn.id);
    const status = response.status;
    if (ctx === undefined) {
      if (txn.kind === "invite-client" && status >= 200 && status < 300) this.stray2xx(txn, response, now);
      else this.counters.stray++;
      return;
    }
    if (status >= 200) this.contexts.delete(txn.id);
    if ((status === 401 || status === 407) && this.retryWithCredentials(ctx, response, now)) return;
    ctx.owner.receiveResponse(ctx, response, now);
  }

  /**
   * A 2xx to an INVITE whose transaction the core is done with (§13.2.2.4, RFC 6026 §7.2): a
   * retransmission (ACK it again), another fork's answer, or a 2xx for a session that is gone (ACK,
   * then BYE).
   */
  private stray2xx(txn: ClientTransaction<F>, response: SipResponse, now: number): void {
    const toTag = response.toTag;
    const fromTag = response.fromTag ?? "";
    const callId = response.callId;
    const dialog = toTag === undefined ? undefined : this.dialogs.get(dialogKey(callId, fromTag, toTag));
    if (dialog !== undefined) {
      for (const u of dialog.usages) {
        if (u instanceof InviteSession || u instanceof DiscardedFork) {
          u.receive2xxAgain(response, dialog, now);
          return;
        }
      }
    }
    const session = this.forking.get(callId + "\n" + fromTag);
    if (session !== undefined) {
      session.receive2xxAgain(response, dialog, now);
      return;
    }
    const invite = txn.request;
    if (invite !== undefined && toTag !== undefined) this.host.discard(invite, response, undefined, now);
    else this.counters.stray++;
  }

  /**
   * §22.2 / §22.3: a 401 or 407 is answered by sending the request again with credentials: a new
   * CSeq (the dialog's next one inside a dialog), the same Call-ID and tags, a new branch.
   */
  private retryWithCredentials(ctx: ClientContext<F>, challenge: SipResponse, now: number): boolean {
    const auth = this.opts.authenticator;
    if (auth === undefined || ctx.tries >= MAX_AUTH_RETRIES) return false;
    const seq = ctx.dialog !== undefined ? ctx.dialog.nextLocalSeq() : ctx.request.cseq.seq + 1;
    const next = requestForRetry(ctx.request, seq);
    const headers = auth.authorize(next, challenge);
    if (headers === undefined) return false;
    for (const [name, value] of headers) next.addHeader(name, value);
    const sent = this.send(next, ctx.nextHop, ctx.owner, ctx.purpose, ctx.dialog, false, ctx.tries + 1, now);
    if (sent === undefined) return false;
    this.counters.authRetries++;
    ctx.owner.resent(ctx, sent);
    return true;
  }

  // ------------------------------------------------------------------------ internals

  private send(
    request: SipRequest,
    nextHop: string,
    owner: ClientOwner<F>,
    purpose: Purpose,
    dialog: Dialog | undefined,
    contact: boolean,
    tries: number,
    now: number,
  ): ClientContext<F> | undefined {
    const flow = this.transport.route(request, nextHop);
    if (flow === undefined) {
      this.counters.noRoute++;
      return undefined;
    }
    if (contact) request.setHeader("Contact", `<${this.transport.contact(flow)}>`);
    let transaction: ClientTransaction<F>;
    try {
      transaction = this.transactions.sendRequest(request, flow, now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      this.counters.noRoute++;
      return undefined;
    }
    const ctx: ClientContext<F> = { owner, purpose, request, dialog, nextHop, transaction, tries };
    this.contexts.set(transaction.id, ctx);
    return ctx;
  }

  /** Answers a request from the core itself, counting the status. */
  private answer(txn: ServerTransaction<F>, request: SipRequest, status: number, headers: [string, string][], now: number): void {
    this.count(status);
    try {
      txn.respond(sessionResponse(request, status, request.toTag ?? this.opts.newTag(), headers), now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
    }
  }

  private count(status: number): void {
    this.counters.answered[status] = (this.counters.answered[status] ?? 0) + 1;
  }

  private drainTransactions(now: number): void {
    for (let e = this.transactions.pollEvent(); e !== undefined; e = this.transactions.pollEvent()) {
      this.handleTransactionEvent(e, now);
    }
  }

  private makeHost(): SessionHost<F> {
    const core = this;
    const txl = this.transactions;
    return {
      options: this.opts,
      get timers(): Readonly<TimerConfig> {
        return txl.timers;
      },
      send: (request, nextHop, owner, purpose, dialog, contact, now) =>
        core.send(request, nextHop, owner, purpose, dialog, contact, 0, now),
      sendAck: (ack, nextHop) => {
        const flow = core.transport.route(ack, nextHop);
        if (flow === undefined) {
          core.counters.noRoute++;
          return false;
        }
        txl.sendStateless(ack, flow);
        return true;
      },
      resend: (response, flow) => txl.sendStateless(response, flow),
      cancel: (invite, now) => {
        txl.cancel(invite, now);
      },
      contact: (flow) => core.transport.contact(flow),
      emit: (event) => core.events.push(event),
      arm: (session, slot, at) => core.deadlines.add(at, session, slot),
      disarm: (deadline) => core.deadlines.delete(deadline),
      addDialog: (dialog) => {
        core.dialogs.set(dialog.key, dialog);
      },
      removeDialog: (dialog) => {
        if (core.dialogs.get(dialog.key) === dialog) core.dialogs.delete(dialog.key);
      },
      watchForks: (session, on) => {
        const key = session.callId + "\n" + session.localTag;
        if (on) core.forking.set(key, session);
        else if (core.forking.get(key) === session) core.forking.delete(key);
      },
      releaseServer: (session) => {
        const txn = session.serverTxn;
        if (txn !== undefined && core.servers.get(txn.id) === session) core.servers.delete(txn.id);
      },
      released: () => {
        core.live--;
      },
      media: (context) => core.makeMedia(context),
      adopt: () => {
        core.live++;
        core.counters.outgoing++;
      },
      discard: (invite, response, _dialog, now) => {
        core.counters.forksDiscarded++;
        DiscardedFork.start(core.host, invite, response, now);
      },
      stray: () => {
        core.counters.stray++;
      },
    };
  }
}

/** Makes a {@link SessionCore}. */
export function createSessionCore<F extends TransactionFlow = TransactionFlow>(options: SessionCoreOptions<F>): SessionCore<F> {
  return new SessionCore<F>(options);
}

/** The URI of a name-addr or URI text (`Bob <sip:bob@b.example.com>;x=y` gives `sip:bob@b.example.com`). */
function uriOf(text: string): string {
  const lt = text.indexOf("<");
  if (lt >= 0) {
    const gt = text.indexOf(">", lt + 1);
    if (gt > lt) return text.slice(lt + 1, gt);
  }
  try {
    return formatUri(parseNameAddr(text).uri);
  } catch (error) {
    throw new SessionError("BAD_ARGUMENT", `not an address: ${text}`, { cause: error });
  }
}

/** A Route value in name-addr form (§20.34: `<uri>`). */
function asRoute(entry: string): string {
  return entry.includes("<") ? entry : `<${entry}>`;
}
