import { createRequest, createResponse } from "../sip/index.ts";
import { H } from "../sip/header-names.ts";
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
import { MAX_AUTH_RETRIES, requestForRetry, withNewBranch } from "./challenge.ts";
import { Queue } from "../queue.ts";
import { SlotMap } from "../slot-map.ts";
import { TimerHeap } from "../transaction/timer-heap.ts";
import { dialogKey } from "./dialog.ts";
import type { Dialog } from "./dialog.ts";
import { SessionError } from "./errors.ts";
import type { SessionEvent } from "./events.ts";
import { RequestRouter } from "./core-requests.ts";
import { DiscardedFork } from "./fork.ts";
import type { SessionHost } from "./host.ts";
import { InviteSession } from "./invite-session.ts";
import type { InviteInit } from "./invite-session.ts";
import type { MediaHandlerFactory } from "./media.ts";
import { capabilities } from "./messages.ts";
import { resolveOptions } from "./options.ts";
import type { ResolvedOptions, SessionCoreOptions, SessionTransport } from "./options.ts";
import { OutgoingRequest } from "./outgoing-request.ts";
import type { ClientContext, ClientOwner, Purpose } from "./outgoing-request.ts";
import { timerRequestHeaders } from "./session-timer.ts";
import { newCounters } from "./counters.ts";
import type { SessionCounters } from "./counters.ts";
import type { OutgoingRequestInit, RespondInit } from "./session-api.ts";
import { asRoute, initialNextHop, uriOf } from "./route-set.ts";
import { own } from "./strings.ts";

/** Most times one request goes to the next target of its next hop (RFC 3263 §4.3). */
const MAX_FAILOVERS = 8;

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
  readonly counters: SessionCounters = newCounters();
  private readonly owned: boolean;
  private readonly opts: ResolvedOptions;
  private readonly transport: SessionTransport<F>;
  private readonly makeMedia: MediaHandlerFactory;
  // Calls in progress, by key: slot maps, so that no hash table a Map leaves behind as their number
  // swings keeps finished calls alive (see src/slot-map.ts).
  private readonly dialogs = new SlotMap<Dialog>();
  private readonly contexts = new SlotMap<ClientContext<F>>();
  private readonly servers = new SlotMap<InviteSession<F>>();
  private readonly forking = new SlotMap<InviteSession<F>>();
  // The transaction layer's deadline heap and the cores' one queue: 2xx and reliable 1xx
  // retransmissions, fork windows, glare back-off, session refresh and expiry; events in order.
  private readonly deadlines = new TimerHeap<InviteSession<F>>();
  private readonly events = new Queue<SessionEvent<F>>();
  private readonly host: SessionHost<F>;
  private readonly router: RequestRouter<F>;
  private readonly onOutput: (() => void) | undefined;
  private live = 0;
  private lastNow = 0;
  /** Why the last `send` found no way out. */
  private refusal: "NO_ROUTE" | "OVERLOADED" = "NO_ROUTE";

  /** Use {@link createSessionCore}. */
  constructor(options: SessionCoreOptions<F>) {
    this.opts = resolveOptions(options);
    this.transport = options.transport;
    this.makeMedia = options.media;
    this.onOutput = options.onOutput;
    if (options.transactions instanceof TransactionLayer) {
      this.transactions = options.transactions;
      this.owned = false;
    } else {
      // A UAS core detects merged requests (§8.2.2.2); the layer answers CANCEL itself (§9.2).
      this.transactions = new TransactionLayer<F>({ detectMergedRequests: true, ...options.transactions });
      this.owned = true;
    }
    // §8.2.2.3: the transaction layer's Require check must know the extensions this core implements.
    this.transactions.supportOptionTags(this.opts.optionTags);
    this.host = this.makeHost();
    const core = this;
    this.router = new RequestRouter<F>({
      opts: this.opts,
      counters: this.counters,
      dialogs: this.dialogs,
      servers: this.servers,
      host: this.host,
      emit: (event) => core.emit(event),
      full: () => core.live >= core.opts.maxSessions,
      newSession: (callId) => {
        core.live++;
        return new InviteSession<F>(core.host, "uas", callId, core.opts.newTag(), core.makeMedia({ role: "uas", callId }));
      },
    });
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
    if (!message.isRequest && !hasResponseFields(message)) {
      // §8.1.3.3 / §20: a response without From, To, Call-ID or CSeq cannot be matched or ACKed;
      // dropped and counted here, before a transaction would build an ACK from it.
      this.counters.malformed++;
      return;
    }
    this.transactions.handleMessage(message, flow, now);
    if (this.owned) this.drainTransactions(now);
  }

  /** An event of the transaction layer (the driver passes those of its layer here). */
  handleTransactionEvent(event: TransactionEvent<F>, now: number): void {
    this.lastNow = now;
    switch (event.type) {
      case "request":
        this.router.handleRequest(event.transaction, event.request, event.flow, event.cancels, now);
        return;
      case "ack":
        this.router.handleAck(event.request, now);
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
        if (this.failover(ctx, now)) return;
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
    for (let d = this.deadlines.popDue(now); d !== undefined; d = this.deadlines.popDue(now)) d.value.deadlineFired(d, now);
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
    const own = this.deadlines.peek()?.at;
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
    const branch = newBranch();
    const request = createRequest({
      method: "INVITE",
      uri: requestUri,
      from: `${init.from};tag=${tag}`,
      to: init.to,
      callId,
      cseq: 1,
      via: `SIP/2.0/UDP invalid;branch=${branch}`,
      headers,
    });
    request._knownTags(undefined, undefined, branch);
    const session = new InviteSession<F>(this.host, "uac", callId, tag, this.makeMedia({ role: "uac", callId }));
    this.live++;
    this.counters.outgoing++;
    try {
      session.start(request, initialNextHop(init), init.offer ?? true, init.direction, now);
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
  request(init: OutgoingRequestInit, now: number): OutgoingRequest<F> {
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
      this.emit({ type: "response", exchange: x, status, response });
    });
    const nextHop = initialNextHop(init);
    if (this.send(request, nextHop, exchange, "request", undefined, init.contact ?? false, 0, now) === undefined) {
      throw this.host.sendError(nextHop);
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

  // ------------------------------------------------------------------------ responses

  private onResponse(txn: ClientTransaction<F>, response: SipResponse, now: number): void {
    const ctx = this.contexts.get(txn.id);
    const status = response.status;
    if (ctx === undefined) {
      if (txn.kind === "invite-client" && status >= 200 && status < 300) {
        try {
          this.stray2xx(txn, response, now);
        } catch (error) {
          if (!(error instanceof SiphonError)) throw error;
          this.counters.malformed++;
        }
      } else this.counters.stray++;
      return;
    }
    if (status >= 200) this.contexts.delete(txn.id);
    else if (status > 100) ctx.heard = true;
    try {
      if ((status === 401 || status === 407) && this.retryWithCredentials(ctx, response, now)) return;
      if (status === 503 && this.failover(ctx, now)) return;
      ctx.owner.receiveResponse(ctx, response, now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      // A field the session needed did not parse (a bad RSeq, Record-Route…): the response is
      // dropped and counted. A final one ends its transaction all the same, and with no usable
      // response the request is treated as timed out (§8.1.3.1: a timeout counts as a 408).
      this.counters.malformed++;
      if (status >= 200) ctx.owner.requestFailed(ctx, 408, now);
    }
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
    const sent = this.send(next, ctx.nextHop, ctx.owner, ctx.purpose, ctx.dialog, ctx.contact, ctx.tries + 1, now);
    if (sent === undefined) return false;
    this.counters.authRetries++;
    ctx.owner.resent(ctx, sent);
    return true;
  }

  /**
   * RFC 3263 §4.3: after a timeout, a transport error or a 503 "the client SHOULD create a new
   * request, which is identical to the previous, but has a different value of the Via branch ID
   * [...]. That request is sent to the next element in the list": the transport's `failover` names
   * the flow to that element. Not once a provisional response showed the request got through.
   */
  private failover(ctx: ClientContext<F>, now: number): boolean {
    const transport = this.transport;
    if (transport.failover === undefined || ctx.heard || ctx.hops >= MAX_FAILOVERS) return false;
    const next = withNewBranch(ctx.request);
    const flow = transport.failover(next, ctx.nextHop, ctx.transaction.flow);
    if (flow === undefined) return false;
    const sent = this.start(next, flow, ctx, ctx.tries, ctx.hops + 1, now);
    if (sent === undefined) return false;
    this.counters.failovers++;
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
      this.refusal = "NO_ROUTE";
      return undefined;
    }
    const auth = this.opts.authenticator;
    if (auth?.preauthorize !== undefined && tries === 0 && !request.hasHeader("Authorization") && !request.hasHeader("Proxy-Authorization")) {
      // §22.2: credentials cached for the destination and realm go on the next request up front.
      for (const [name, value] of auth.preauthorize(request)) request.addHeader(name, value);
    }
    return this.start(request, flow, { owner, purpose, dialog, nextHop, contact }, tries, 0, now);
  }

  /** Starts the client transaction of a routed request and files its context. */
  private start(
    request: SipRequest,
    flow: F,
    like: Pick<ClientContext<F>, "owner" | "purpose" | "dialog" | "nextHop" | "contact">,
    tries: number,
    hops: number,
    now: number,
  ): ClientContext<F> | undefined {
    if (like.contact) request.setHeader("Contact", `<${this.transport.contact(flow)}>`);
    let transaction: ClientTransaction<F>;
    try {
      transaction = this.transactions.sendRequest(request, flow, now);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      this.counters.overloaded++;
      this.refusal = "OVERLOADED";
      return undefined;
    }
    const ctx: ClientContext<F> = {
      owner: like.owner,
      purpose: like.purpose,
      request,
      dialog: like.dialog,
      nextHop: like.nextHop,
      transaction,
      contact: like.contact,
      tries,
      hops,
      heard: false,
    };
    this.contexts.set(transaction.id, ctx);
    return ctx;
  }

  /** Queues a session event, telling the driver when the queue was empty. */
  private emit(event: SessionEvent<F>): void {
    this.events.push(event);
    if (this.events.length === 1) this.onOutput?.();
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
      sendError: (nextHop) =>
        core.refusal === "OVERLOADED"
          ? new SessionError("OVERLOADED", "the transaction layer takes no more client transactions")
          : new SessionError("NO_ROUTE", `no flow reaches ${nextHop}`),
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
      emit: (event) => core.emit(event),
      arm: (session, at) => {
        const entry = core.deadlines.insert(at, session);
        if (core.onOutput !== undefined && core.deadlines.peek() === entry) core.onOutput();
        return entry;
      },
      disarm: (deadline) => core.deadlines.remove(deadline),
      addDialog: (dialog) => {
        core.dialogs.set(dialog.key, dialog);
      },
      removeDialog: (dialog) => {
        if (core.dialogs.get(dialog.key) === dialog) core.dialogs.delete(dialog.key);
      },
      watchForks: (session, on) => {
        // Only forking "all" needs the session for a fork's 2xx that made no early dialog; with
        // "first" such a 2xx is ACKed and BYEd from its INVITE transaction alone (stray2xx).
        if (core.opts.forking !== "all") return;
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
      answered: (status) => {
        core.counters.answered[status] = (core.counters.answered[status] ?? 0) + 1;
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

/** Whether a response has the fields a UAC core needs from every response (RFC 3261 §20, Table 2). */
function hasResponseFields(response: SipResponse): boolean {
  return response._first(H.TO) !== undefined && response._first(H.FROM) !== undefined &&
    response._first(H.CALL_ID) !== undefined && response._first(H.CSEQ) !== undefined;
}
