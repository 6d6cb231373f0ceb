import { createResponse } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { SiphonError } from "../errors.ts";
import { buildCancel } from "./cancel.ts";
import { newCounters } from "./counters.ts";
import type { TransactionCounters } from "./counters.ts";
import { TransactionError } from "./errors.ts";
import { InviteClientTransaction } from "./invite-client.ts";
import { InviteServerTransaction } from "./invite-server.ts";
import { clientKey, mergeKey, responseKey, serverKeys } from "./key.ts";
import type { ServerKeys } from "./key.ts";
import { randomToken } from "./message-util.ts";
import { NonInviteClientTransaction } from "./non-invite-client.ts";
import { NonInviteServerTransaction } from "./non-invite-server.ts";
import { OutputQueue } from "./queue.ts";
import { TimerHeap } from "./timer-heap.ts";
import type { TimerEntry } from "./timer-heap.ts";
import { resolveTimers } from "./timers.ts";
import type { TimerConfig, TimerName } from "./timers.ts";
import type { AnyTransaction, ClientTransaction, ServerTransaction, TimerRef, Transaction, TransactionHost } from "./transaction.ts";
import type { TransactionEvent, TransactionFlow, Transmit } from "./types.ts";

/** Options of a {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  /** T1, T2, T4, Timer D, the 100 Trying delay (RFC 3261 Appendix A defaults). */
  timers?: Partial<TimerConfig>;
  /**
   * Most live server transactions. A new request beyond it is answered 503 (Service Unavailable)
   * with Retry-After, statelessly. Default 10000.
   */
  maxServerTransactions?: number;
  /** Most live client transactions; `sendRequest` beyond it throws TOO_MANY_TRANSACTIONS. Default 10000. */
  maxClientTransactions?: number;
  /** Retry-After (seconds) of the overload 503 (RFC 3261 §20.33). Default 5. */
  retryAfter?: number;
  /**
   * Answer merged requests 482 (Loop Detected), RFC 3261 §8.2.2.2. A UAS concern (a proxy must not),
   * so off by default.
   */
  detectMergedRequests?: boolean;
  /**
   * Handle CANCEL as a UAS (RFC 3261 §9.2): 481 when nothing matches; otherwise 200 to the CANCEL,
   * 487 to a pending INVITE, and a `cancel` event. When false, the CANCEL is a `request` event with
   * `cancels` set and the TU answers. Default true.
   */
  autoCancel?: boolean;
  /** Emit `terminated` events. Default true. */
  emitTerminated?: boolean;
  /** Generates To tags for responses the layer makes itself (default: 64 random bits, hex). */
  newTag?: () => string;
}

/**
 * The SIP transaction layer, sans-I/O (RFC 3261 §17, RFC 6026). Feed it parsed messages with the flow
 * they came on, transport failures, and the clock; drain transmits, TU events and the next deadline.
 *
 * ```ts
 * layer.handleRequest(msg, flow, now);
 * for (let t; (t = layer.pollTransmit()); ) transport.send(t.message, t.flow);
 * for (let e; (e = layer.pollEvent()); ) tu.handle(e);
 * const next = layer.pollTimeout(); // call handleTimeout(now) then
 * ```
 *
 * Lookups are one Map probe per message (§17.1.3 / §17.2.3 keys, see key.ts); timers sit in one
 * binary heap (O(log n) arm/cancel, O(1) next deadline); Terminated transactions are dropped at once.
 */
export class TransactionLayer<F extends TransactionFlow = TransactionFlow> {
  /** Resolved timer values. */
  readonly timers: Readonly<TimerConfig>;
  /** Live counters; read freely. */
  readonly counters: TransactionCounters = newCounters();
  private readonly maxServer: number;
  private readonly maxClient: number;
  private readonly retryAfter: number;
  private readonly detectMerged: boolean;
  private readonly autoCancel: boolean;
  private readonly emitTerminated: boolean;
  private readonly tagger: () => string;

  private readonly clients = new Map<string, ClientTransaction<F>>();
  private readonly servers = new Map<string, ServerTransaction<F>>();
  private readonly cancelIndex = new Map<string, ServerTransaction<F>>();
  private readonly ackIndex = new Map<string, ServerTransaction<F>>();
  private readonly mergeIndex = new Map<string, ServerTransaction<F>>();
  private readonly heap = new TimerHeap<TimerRef>();
  private readonly transmits = new OutputQueue<Transmit<F>>();
  private readonly events = new OutputQueue<TransactionEvent<F>>();
  private readonly host: TransactionHost<F>;

  constructor(options: TransactionLayerOptions = {}) {
    this.timers = resolveTimers(options.timers);
    this.maxServer = options.maxServerTransactions ?? 10000;
    this.maxClient = options.maxClientTransactions ?? 10000;
    this.retryAfter = options.retryAfter ?? 5;
    this.detectMerged = options.detectMergedRequests ?? false;
    this.autoCancel = options.autoCancel ?? true;
    this.emitTerminated = options.emitTerminated ?? true;
    this.tagger = options.newTag ?? (() => randomToken(8));
    this.host = this.makeHost();
  }

  /** Live client transactions. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Live server transactions. */
  get serverCount(): number {
    return this.servers.size;
  }

  /** Armed timers (for diagnostics: bounded by the live transactions times four). */
  get timerCount(): number {
    return this.heap.size;
  }

  /** A live transaction by id. */
  get(id: string): AnyTransaction<F> | undefined {
    return this.clients.get(id) ?? this.servers.get(id);
  }

  // ---------------------------------------------------------------- inputs

  /** A request arrived on `flow` (RFC 3261 §17.2.3 matching; new ones create server transactions). */
  handleRequest(request: SipRequest, flow: F, now: number): void {
    let keys: ServerKeys | undefined;
    let merge: string | undefined;
    try {
      keys = serverKeys(request);
      // The fields every transaction needs (§8.1.1); parse them now so a bad one is a 400 here and
      // never an exception half-way through creating a transaction.
      void request.callId;
      void request.from;
      if (request.cseq.method !== request.method) {
        // §8.1.1.5: "The method MUST match that of the request."
        this.badRequest(request, flow, new TransactionError("BAD_REQUEST", "CSeq method differs from the request method"));
        return;
      }
      const toTag = request.toTag;
      if (this.detectMerged && toTag === undefined && request.method !== "ACK") merge = mergeKey(request);
    } catch (error) {
      if (error instanceof SiphonError) {
        this.badRequest(request, flow, error);
        return;
      }
      throw error;
    }
    if (keys === undefined) {
      // No Via: there is nowhere to send a response (§18.2.2); drop.
      this.counters.malformed++;
      return;
    }

    if (request.method === "ACK") {
      const txn = keys.rfc3261 ? this.servers.get(keys.id) : this.ack2543(request, keys);
      if (txn !== undefined && txn.kind === "invite-server") {
        txn.receiveRequest(request, flow, now);
        return;
      }
      // §17.2.3 / §13.2.2.4: an ACK matching no transaction is an ACK for a 2xx; it goes to the TU.
      this.counters.strayAcks++;
      this.events.push({ type: "ack", request, flow, transaction: undefined });
      return;
    }

    const existing = this.servers.get(keys.id);
    if (existing !== undefined) {
      existing.receiveRequest(request, flow, now);
      return;
    }

    if (this.servers.size >= this.maxServer) {
      this.rejectOverload(request, flow, now);
      return;
    }

    if (merge !== undefined) {
      const other = this.mergeIndex.get(merge);
      if (other !== undefined) {
        // §8.2.2.2: "If the From tag, Call-ID, and CSeq exactly match those associated with an
        // ongoing transaction, but the request does not match that transaction (based on the
        // matching rules in Section 17.2.3), the UAS core SHOULD generate a 482 (Loop Detected)
        // response and pass it to the server transaction."
        const txn = this.createServer(request, flow, keys, undefined, now);
        this.counters.merged482++;
        txn.respond(createResponse(request, 482, "Loop Detected", { toTag: this.tagger() }), now);
        return;
      }
    }

    const txn = this.createServer(request, flow, keys, merge, now);
    if (request.method === "CANCEL") {
      this.receiveCancel(txn as NonInviteServerTransaction<F>, keys, now);
      return;
    }
    this.events.push({ type: "request", transaction: txn, request, flow });
    if (txn.kind === "invite-server") txn.start(now);
  }

  /** A response arrived on `flow` (RFC 3261 §17.1.3 matching). */
  handleResponse(response: SipResponse, flow: F, now: number): void {
    let key: string | undefined;
    try {
      key = responseKey(response);
    } catch (error) {
      if (error instanceof SiphonError) {
        this.counters.malformed++;
        return;
      }
      throw error;
    }
    const txn = key === undefined ? undefined : this.clients.get(key);
    if (txn === undefined) {
      // §18.1.2: "If there are any client transactions in existence, the client transport uses the
      // matching procedures of Section 17.1.3 [...]. If there is a match, the response MUST be
      // passed to that transaction. Otherwise, the response MUST be passed to the core."
      this.counters.strayResponses++;
      this.events.push({ type: "stray-response", response, flow });
      return;
    }
    txn.receiveResponse(response, flow, now);
    if (txn.kind === "invite-client" && txn.cancelPending !== undefined) {
      // §9.1: "If no provisional response has been received, the CANCEL request MUST NOT be sent;
      // rather, the client MUST wait for the arrival of a provisional response before sending the
      // request. If the original request has generated a final response, the CANCEL SHOULD NOT be
      // sent, as it is an effective no-op [...]"
      const headers = txn.cancelPending;
      if (txn.state === "Proceeding") {
        txn.cancelPending = undefined;
        this.sendCancel(txn, headers, now);
      } else if (txn.state !== "Calling") {
        txn.cancelPending = undefined;
      }
    }
  }

  /** Any parsed message: dispatches to handleRequest or handleResponse. */
  handleMessage(message: SipRequest | SipResponse, flow: F, now: number): void {
    if (message.isRequest) this.handleRequest(message as SipRequest, flow, now);
    else this.handleResponse(message as SipResponse, flow, now);
  }

  /**
   * The transport failed to send a message of transaction `id` (Transmit.transaction), RFC 3261
   * §17.1.4 / §17.2.4. Returns false when no such transaction is live.
   */
  handleTransportError(id: string, now: number, cause?: unknown): boolean {
    const txn = this.get(id);
    if (txn === undefined) return false;
    txn.transportError(now, cause);
    return true;
  }

  /** Fires every timer due at `now`. */
  handleTimeout(now: number): void {
    for (let e = this.heap.popDue(now); e !== undefined; e = this.heap.popDue(now)) {
      e.value.timerFired(e.tag as TimerName, now);
    }
  }

  // ---------------------------------------------------------------- TU requests

  /**
   * Starts a client transaction for `request` towards `dest` (the flow the driver resolved per
   * RFC 3263). The top Via must carry the branch (RFC 3261 §8.1.1.7, `newBranch()`); ACK has no
   * client transaction (send the ACK for a 2xx with `sendStateless`).
   */
  sendRequest(request: SipRequest, dest: F, now: number): ClientTransaction<F> {
    const method = request.method;
    if (method === "ACK") {
      throw new TransactionError("BAD_REQUEST", "ACK has no client transaction (RFC 3261 §17.1.1.3): use sendStateless");
    }
    const branch = request.topVia?.branch;
    if (branch === undefined || branch === "") {
      throw new TransactionError("BAD_REQUEST", "the request's top Via has no branch (RFC 3261 §8.1.1.7)");
    }
    const id = clientKey(branch, method);
    if (this.clients.has(id)) {
      throw new TransactionError("BAD_REQUEST", `a client transaction with branch ${branch} and method ${method} exists`);
    }
    if (this.clients.size >= this.maxClient) {
      throw new TransactionError("TOO_MANY_TRANSACTIONS", `at most ${this.maxClient} client transactions`);
    }
    const txn = method === "INVITE"
      ? new InviteClientTransaction<F>(this.host, id, request, dest)
      : new NonInviteClientTransaction<F>(this.host, id, request, dest);
    this.clients.set(id, txn);
    this.counters.clientCreated++;
    this.counters.active[txn.kind][txn.state]!++;
    txn.start(now);
    return txn;
  }

  /**
   * Cancels a pending INVITE (RFC 3261 §9.1): builds the CANCEL and sends it in its own non-INVITE
   * client transaction, now if a provisional response has arrived, else as soon as one does.
   * Returns the CANCEL transaction when sent now; undefined when deferred or when the INVITE already
   * has a final response (a no-op).
   */
  cancel(
    invite: ClientTransaction<F>,
    now: number,
    options: { headers?: [string, string][] } = {},
  ): NonInviteClientTransaction<F> | undefined {
    if (invite.kind !== "invite-client") {
      // §9.1: "a CANCEL request SHOULD NOT be sent to cancel a request other than INVITE."
      throw new TransactionError("BAD_REQUEST", "only INVITE client transactions are cancelled");
    }
    const headers = options.headers ?? [];
    switch (invite.state) {
      case "Calling":
        invite.cancelPending = headers;
        return undefined;
      case "Proceeding":
        return this.sendCancel(invite, headers, now);
      default:
        return undefined;
    }
  }

  /**
   * Queues a message outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4, sent by the TU
   * straight to the transport), a 2xx retransmission by the UAS core, a stateless proxy's forward.
   */
  sendStateless(message: SipRequest | SipResponse, flow: F): void {
    this.transmits.push({ message, flow, transaction: undefined, retransmission: false });
  }

  /**
   * Refuses a message the driver cannot take (its inbound queue is full, InboundQueue): a request
   * other than ACK is answered 503 with Retry-After (RFC 3261 §21.5.4: "The server MAY indicate
   * when the client should retry the request in a Retry-After header field"), statelessly; ACKs
   * and responses are dropped. Both are counted.
   */
  rejectOverload(message: SipRequest | SipResponse, flow: F, _now: number): void {
    if (!message.isRequest || (message as SipRequest).method === "ACK") {
      this.counters.overloadDropped++;
      return;
    }
    const request = message as SipRequest;
    try {
      const res = createResponse(request, 503, "Service Unavailable", {
        toTag: request.toTag ?? this.tagger(),
        headers: [["Retry-After", String(this.retryAfter)]],
      });
      this.transmits.push({ message: res, flow, transaction: undefined, retransmission: false });
      this.counters.overload503++;
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      this.counters.malformed++;
    }
  }

  // ---------------------------------------------------------------- outputs

  /** The next message to hand to the transport. */
  pollTransmit(): Transmit<F> | undefined {
    return this.transmits.shift();
  }

  /** The next event for the transaction user. */
  pollEvent(): TransactionEvent<F> | undefined {
    return this.events.shift();
  }

  /** When `handleTimeout` must next be called (absolute ms), or undefined when no timer runs. */
  pollTimeout(): number | undefined {
    return this.heap.peek()?.at;
  }

  // ---------------------------------------------------------------- internals

  private createServer(
    request: SipRequest,
    flow: F,
    keys: ServerKeys,
    merge: string | undefined,
    _now: number,
  ): ServerTransaction<F> {
    const txn = request.method === "INVITE"
      ? new InviteServerTransaction<F>(this.host, keys.id, request, flow)
      : new NonInviteServerTransaction<F>(this.host, keys.id, request, flow);
    this.servers.set(keys.id, txn);
    if (request.method !== "CANCEL" && !this.cancelIndex.has(keys.cancel)) {
      this.cancelIndex.set(keys.cancel, txn);
      txn.indexKeys.push(keys.cancel);
    }
    if (keys.ack2543 !== undefined && request.method === "INVITE") {
      this.ackIndex.set(keys.ack2543, txn);
      txn.indexKeys.push(keys.ack2543);
    }
    if (merge !== undefined && !this.mergeIndex.has(merge)) {
      this.mergeIndex.set(merge, txn);
      txn.indexKeys.push(merge);
    }
    this.counters.serverCreated++;
    this.counters.active[txn.kind][txn.state]!++;
    return txn;
  }

  /** RFC 2543 ACK: same INVITE fields, and the To tag of the response the transaction sent (§17.2.3). */
  private ack2543(request: SipRequest, keys: ServerKeys): ServerTransaction<F> | undefined {
    const txn = keys.ack2543 === undefined ? undefined : this.ackIndex.get(keys.ack2543);
    if (txn === undefined) return undefined;
    if (txn.kind !== "invite-server") return undefined;
    return txn.sentToTag === request.toTag ? txn : undefined;
  }

  /** §9.2, UAS side. */
  private receiveCancel(cancelTxn: NonInviteServerTransaction<F>, keys: ServerKeys, now: number): void {
    const request = cancelTxn.request!;
    // §9.2: "The TU determines the transaction to be cancelled by taking the CANCEL request, and
    // then assuming that the request method is anything but CANCEL or ACK and applying the
    // transaction matching procedures of Section 17.2.3."
    const target = this.cancelIndex.get(keys.cancel);
    if (target === undefined) this.counters.cancelUnmatched++;
    else this.counters.cancelMatched++;
    if (!this.autoCancel) {
      this.events.push({ type: "request", transaction: cancelTxn, request, flow: cancelTxn.flow, cancels: target });
      return;
    }
    if (target === undefined) {
      // §9.2: "If the UAS did not find a matching transaction for the CANCEL according to the
      // procedure above, it SHOULD respond to the CANCEL with a 481 (Call Leg/Transaction Does Not Exist)."
      cancelTxn.respond(createResponse(request, 481, "Call/Transaction Does Not Exist", { toTag: this.tagger() }), now);
      return;
    }
    // §9.2: "The To tag of the response to the CANCEL and the To tag in the response to the
    // original request SHOULD be the same."
    const toTag = target.toTag ?? request.toTag ?? this.tagger();
    target.toTag ??= toTag;
    // §9.2: "Regardless of the method of the original request, as long as the CANCEL matched an
    // existing transaction, the UAS answers the CANCEL request itself with a 200 (OK) response."
    cancelTxn.respond(createResponse(request, 200, "OK", { toTag }), now);
    if (target.kind === "invite-server" && target.state === "Proceeding") {
      // §9.2: "If the original request was an INVITE, the UAS SHOULD immediately respond to the
      // INVITE with a 487 (Request Terminated)." ... "if the UAS has not issued a final response
      // for the original request"
      target.respond(createResponse(target.request!, 487, "Request Terminated", { toTag }), now);
      this.events.push({ type: "cancel", transaction: target, request });
    }
  }

  private sendCancel(
    invite: InviteClientTransaction<F>,
    headers: [string, string][],
    now: number,
  ): NonInviteClientTransaction<F> {
    // §9.1: "The destination address, port, and transport for the CANCEL MUST be identical to
    // those used to send the original request."
    return this.sendRequest(buildCancel(invite.request!, headers), invite.flow, now) as NonInviteClientTransaction<F>;
  }

  /** §8.2 / §16.3: a request whose mandatory fields do not parse gets a stateless 400 when possible. */
  private badRequest(request: SipRequest, flow: F, error: SiphonError): void {
    this.counters.malformed++;
    if (request.method === "ACK") return;
    try {
      const res = createResponse(request, 400, "Bad Request", {
        toTag: this.tagger(),
        headers: [["Warning", `399 siphon "${error.message.replace(/["\\\r\n]/g, " ")}"`]],
      });
      this.transmits.push({ message: res, flow, transaction: undefined, retransmission: false });
    } catch (again) {
      if (!(again instanceof SiphonError)) throw again;
    }
  }

  private forget(txn: AnyTransaction<F>): void {
    if (txn.kind === "invite-client" || txn.kind === "non-invite-client") {
      if (this.clients.get(txn.id) === txn) this.clients.delete(txn.id);
      return;
    }
    if (this.servers.get(txn.id) === txn) this.servers.delete(txn.id);
    for (const k of txn.indexKeys) {
      if (this.cancelIndex.get(k) === txn) this.cancelIndex.delete(k);
      if (this.ackIndex.get(k) === txn) this.ackIndex.delete(k);
      if (this.mergeIndex.get(k) === txn) this.mergeIndex.delete(k);
    }
  }

  private makeHost(): TransactionHost<F> {
    const counters = this.counters;
    const transmits = this.transmits;
    const events = this.events;
    const heap = this.heap;
    return {
      timers: this.timers,
      send: (txn, message, flow, retransmission) => {
        if (retransmission) counters.retransmissionsSent++;
        transmits.push({ message, flow, transaction: txn.id, retransmission });
      },
      emit: (event) => {
        if (event.type === "timeout") counters.timeouts++;
        else if (event.type === "transport-error") counters.transportErrors++;
        events.push(event);
      },
      arm: (txn: Transaction<F>, name: TimerName, at: number): TimerEntry<TimerRef> =>
        heap.insert(at, txn as Transaction<TransactionFlow>, name),
      disarm: (entry) => heap.remove(entry),
      entered: (txn, from, to) => {
        const live = counters.active[txn.kind];
        live[from]!--;
        if (to !== "Terminated") {
          live[to]!++;
          return;
        }
        counters.terminated++;
        this.forget(txn as AnyTransaction<F>);
        if (this.emitTerminated) events.push({ type: "terminated", transaction: txn });
      },
      absorbed: () => {
        counters.retransmissionsAbsorbed++;
      },
      newTag: this.tagger,
    };
  }
}
