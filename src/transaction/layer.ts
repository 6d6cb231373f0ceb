import { createResponse } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { SiphonError } from "../errors.ts";
import { Queue } from "../queue.ts";
import { answerCancel, buildCancel } from "./cancel.ts";
import { newCounters } from "./counters.ts";
import type { TransactionCounters } from "./counters.ts";
import { TransactionError } from "./errors.ts";
import { InviteClientTransaction } from "./invite-client.ts";
import { resolveOptions } from "./layer-options.ts";
import type { ResolvedOptions, TransactionLayerOptions } from "./layer-options.ts";
import { InviteServerTransaction } from "./invite-server.ts";
import { clientKey, mergeKey, responseKey, serverKeys } from "./key.ts";
import type { ServerKeys } from "./key.ts";
import { NonInviteClientTransaction } from "./non-invite-client.ts";
import { NonInviteServerTransaction } from "./non-invite-server.ts";
import type { ServerIndex } from "./server-index.ts";
import { mandatoryFault, policyFault } from "./request-checks.ts";
import type { RequestFault } from "./request-checks.ts";
import { overloadResponse, refusal } from "./stateless.ts";
import { TransactionTable } from "./transaction-table.ts";
import type { TimerConfig } from "./timers.ts";
import type { AnyTransaction, ClientTransaction, ServerTransaction, TransactionHost } from "./transaction.ts";
import type { TransactionEvent, TransactionFlow, Transmit } from "./types.ts";

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
 * Lookups are one Map probe per message (§17.1.3 / §17.2.3 keys, see key.ts). Transactions in
 * progress run their timers on one binary heap (O(log n) arm/cancel, O(1) next deadline);
 * transactions that only absorb retransmissions are small records on first-in first-out expiry
 * lists (absorbing.ts), outside the limit on transactions in progress and within a memory budget.
 * New requests pass the UAS checks of §8.2 (request-checks.ts) before the TU sees them.
 */
export class TransactionLayer<F extends TransactionFlow = TransactionFlow> {
  /** Resolved timer values. */
  readonly timers: Readonly<TimerConfig>;
  /** Live counters; read freely. */
  readonly counters: TransactionCounters = newCounters();
  private readonly o: ResolvedOptions;

  /** Every live client / server transaction, in progress or absorbing, by match key. */
  private readonly table: TransactionTable<F>;
  private readonly clients: Map<string, ClientTransaction<F>>;
  private readonly servers: Map<string, ServerTransaction<F>>;
  private readonly index: ServerIndex<F>;
  private readonly transmits = new Queue<Transmit<F>>();
  private readonly events = new Queue<TransactionEvent<F>>();
  private readonly host: TransactionHost<F>;
  private shedding = false;

  constructor(options: TransactionLayerOptions = {}) {
    this.o = resolveOptions(options);
    this.timers = this.o.timers;
    this.table = new TransactionTable<F>(this.o.absorbingMemory, this.counters);
    this.clients = this.table.clients;
    this.servers = this.table.servers;
    this.index = this.table.index;
    this.host = this.makeHost();
  }

  /**
   * Adds option tags the TU supports (RFC 3261 §8.2.2.3): a new request whose Require names a tag
   * outside this set (and `checks.supported`) is answered 420 with Unsupported before the TU sees it.
   * A session core adds the extensions it implements (100rel, timer) to the layer it runs on.
   */
  supportOptionTags(tags: Iterable<string>): void {
    const set = this.o.supported as Set<string>;
    for (const t of tags) set.add(t.toLowerCase());
  }

  /** Live client transactions (in progress and absorbing). */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Live server transactions (in progress and absorbing). */
  get serverCount(): number {
    return this.servers.size;
  }

  /** Server transactions in progress: what `maxServerTransactions` bounds. */
  get serversInProgress(): number {
    return this.table.serversInProgress;
  }

  /** Client transactions in progress: what `maxClientTransactions` bounds. */
  get clientsInProgress(): number {
    return this.table.clientsInProgress;
  }

  /**
   * Client transactions whose request has no final response yet (Trying, Proceeding, Calling):
   * what a TU shutting down waits for so that its BYEs and CANCELs reach the peer (RFC 3261 §17.1).
   */
  get clientsUnanswered(): number {
    const a = this.counters.active;
    return a["non-invite-client"]["Trying"]! + a["non-invite-client"]["Proceeding"]! + a["invite-client"]["Calling"]! + a["invite-client"]["Proceeding"]!;
  }

  /** Transactions that only absorb retransmissions, and their estimated bytes. */
  get absorbingRecords(): { readonly count: number; readonly bytes: number } {
    return this.table.absorbingRecords;
  }

  /** Armed heap timers (for diagnostics: bounded by the transactions in progress times two). */
  get timerCount(): number {
    return this.table.timerCount;
  }

  /** A live transaction by id. */
  get(id: string): AnyTransaction<F> | undefined {
    return this.clients.get(id) ?? this.servers.get(id);
  }

  /**
   * Overload control (set by the driver while it runs late): new out-of-dialog requests (no To tag)
   * other than ACK and CANCEL get a stateless 503 with Retry-After (RFC 3261 §21.5.4) instead of a
   * transaction. Retransmissions, ACK, CANCEL, in-dialog requests and responses are handled as usual.
   */
  setOverloaded(overloaded: boolean): void {
    this.shedding = overloaded;
  }

  // ---------------------------------------------------------------- inputs

  /**
   * A request arrived on `flow`: a retransmission or ACK goes to its transaction (§17.2.3); a new
   * request passes the §8.2 checks, then creates a server transaction and a `request` event.
   */
  handleRequest(request: SipRequest, flow: F, now: number): void {
    let keys: ServerKeys | undefined;
    try {
      keys = serverKeys(request);
    } catch (error) {
      if (!(error instanceof SiphonError)) throw error;
      this.refuse(request, flow, mandatoryFault(request) ?? { status: 400, text: error.message, headers: [], broken: [] });
      return;
    }
    if (keys === undefined) {
      // No Via: there is nowhere to send a response (§18.2.2); drop.
      this.counters.malformed++;
      return;
    }
    const method = request.method;
    const existing = method === "ACK" && !keys.rfc3261 ? this.index.ack2543(request, keys) : this.servers.get(keys.id);
    if (existing !== undefined) {
      existing.receiveRequest(request, flow, now);
      return;
    }

    // A new request. No response is ever built from one whose mandatory fields do not parse.
    const fault = mandatoryFault(request);
    if (fault !== undefined) {
      this.refuse(request, flow, fault);
      return;
    }
    if (method === "ACK") {
      // §17.2.3 / §13.2.2.4: an ACK matching no transaction is an ACK for a 2xx; it goes to the TU.
      this.counters.strayAcks++;
      this.queueEvent({ type: "ack", request, flow, transaction: undefined });
      return;
    }
    if (method === "CANCEL") {
      // Never shed: a CANCEL ends work (§9.2) and completes at once.
      this.receiveCancel(this.createServer(request, flow, keys, undefined), keys, now);
      return;
    }
    if (this.shedding && request.toTag === undefined) {
      this.counters.overloadShed++;
      this.answer503(request, flow);
      return;
    }
    if (this.serversInProgress >= this.o.maxServer) {
      this.counters.overload503++;
      this.answer503(request, flow);
      return;
    }
    if (this.o.schemes !== undefined) {
      const policy = policyFault(request, this.o.schemes, this.o.supported);
      if (policy !== undefined) {
        this.refuse(request, flow, policy);
        return;
      }
    }

    let merge: string | undefined;
    if (this.o.detectMerged && request.toTag === undefined) {
      merge = mergeKey(request);
      if (this.index.merged(merge)) {
        // §8.2.2.2: "If the From tag, Call-ID, and CSeq exactly match those associated with an
        // ongoing transaction, but the request does not match that transaction (based on the
        // matching rules in Section 17.2.3), the UAS core SHOULD generate a 482 (Loop Detected)
        // response and pass it to the server transaction."
        const txn = this.createServer(request, flow, keys, undefined);
        this.counters.merged482++;
        txn.respond(createResponse(request, 482, "Loop Detected", { toTag: this.o.newTag() }), now);
        return;
      }
    }

    const txn = this.createServer(request, flow, keys, merge);
    this.queueEvent({ type: "request", transaction: txn, request, flow });
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
      this.queueEvent({ type: "stray-response", response, flow });
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

  /** Fires every timer due at `now`, and expires the absorbing records due. */
  handleTimeout(now: number): void {
    this.table.fireDue(now);
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
    // The branch by a light scan of the top Via: the TU built this Via, and parsing it whole here
    // would cost more than the rest of sending.
    const branch = request.branch;
    if (branch === undefined || branch === "") {
      throw new TransactionError("BAD_REQUEST", "the request's top Via has no branch (RFC 3261 §8.1.1.7)");
    }
    const id = clientKey(branch, method);
    if (this.clients.has(id)) {
      throw new TransactionError("BAD_REQUEST", `a client transaction with branch ${branch} and method ${method} exists`);
    }
    if (this.clientsInProgress >= this.o.maxClient) {
      throw new TransactionError("TOO_MANY_TRANSACTIONS", `at most ${this.o.maxClient} client transactions in progress`);
    }
    const txn = method === "INVITE"
      ? new InviteClientTransaction<F>(this.host, id, request, dest)
      : new NonInviteClientTransaction<F>(this.host, id, request, dest);
    this.table.addClient(txn);
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
    this.queueTransmit({ message, flow, transaction: undefined, retransmission: false });
  }

  /**
   * Refuses a message the driver cannot take: a request other than ACK is answered 503 with
   * Retry-After (RFC 3261 §21.5.4: "The server MAY indicate when the client should retry the request
   * in a Retry-After header field"), statelessly, or 400 when its mandatory fields do not parse; ACKs
   * and responses are dropped. Both are counted.
   */
  rejectOverload(message: SipRequest | SipResponse, flow: F, _now: number): void {
    if (!message.isRequest || (message as SipRequest).method === "ACK") {
      this.counters.overloadDropped++;
      return;
    }
    this.counters.overload503++;
    this.answer503(message as SipRequest, flow);
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
    return this.table.nextDeadline();
  }

  // ---------------------------------------------------------------- internals

  private queueTransmit(t: Transmit<F>): void {
    this.transmits.push(t);
    if (this.transmits.length === 1 && this.events.length === 0) this.o.onOutput?.();
  }

  private queueEvent(e: TransactionEvent<F>): void {
    this.events.push(e);
    if (this.events.length === 1 && this.transmits.length === 0) this.o.onOutput?.();
  }

  private createServer(request: SipRequest, flow: F, keys: ServerKeys, merge: string | undefined): ServerTransaction<F> {
    const txn = request.method === "INVITE"
      ? new InviteServerTransaction<F>(this.host, keys.id, request, flow)
      : new NonInviteServerTransaction<F>(this.host, keys.id, request, flow);
    this.table.addServer(txn, request, keys, merge);
    return txn;
  }

  /** §9.2, UAS side. */
  private receiveCancel(cancelTxn: ServerTransaction<F>, keys: ServerKeys, now: number): void {
    const request = cancelTxn.request!;
    // §9.2: "The TU determines the transaction to be cancelled by taking the CANCEL request, and
    // then assuming that the request method is anything but CANCEL or ACK and applying the
    // transaction matching procedures of Section 17.2.3."
    const target = this.index.cancelTarget(keys, this.servers);
    if (target === undefined) this.counters.cancelUnmatched++;
    else this.counters.cancelMatched++;
    if (!this.o.autoCancel) {
      this.queueEvent({ type: "request", transaction: cancelTxn, request, flow: cancelTxn.flow, cancels: target });
      return;
    }
    if (answerCancel(cancelTxn, target, this.o.newTag, now)) {
      this.queueEvent({ type: "cancel", transaction: target as InviteServerTransaction<F>, request });
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

  /** 503 with Retry-After, statelessly (RFC 3261 §21.5.4). */
  private answer503(request: SipRequest, flow: F): void {
    this.sendResponse(overloadResponse(request, this.o.retryAfter, this.o.newTag), flow);
  }

  /** A request refused before the TU sees it (RFC 3261 §8.2), counted by why. ACKs are never answered. */
  private refuse(request: SipRequest, flow: F, fault: RequestFault): void {
    const c = this.counters;
    if (fault.status === 416) c.rejectedScheme++;
    else if (fault.status === 420) c.rejectedExtension++;
    else c.malformed++;
    if (request.method !== "ACK") this.sendResponse(refusal(request, fault, this.o.newTag()), flow);
  }

  private sendResponse(response: SipResponse | undefined, flow: F): void {
    if (response !== undefined) this.queueTransmit({ message: response, flow, transaction: undefined, retransmission: false });
  }

  private makeHost(): TransactionHost<F> {
    const counters = this.counters;
    const table = this.table;
    return {
      timers: this.timers,
      send: (txn, message, flow, retransmission, bytes) => {
        if (retransmission) counters.retransmissionsSent++;
        this.queueTransmit({ message, flow, transaction: txn.id, retransmission, bytes });
      },
      emit: (event) => {
        if (event.type === "timeout") counters.timeouts++;
        else if (event.type === "transport-error") counters.transportErrors++;
        this.queueEvent(event);
      },
      arm: (txn, name, at) => table.arm(txn, name, at),
      disarm: (entry) => table.disarm(entry),
      absorb: (txn, name, delay, now) => table.absorb(txn as AnyTransaction<F>, name, delay, now),
      entered: (txn, from, to) => {
        const live = counters.active[txn.kind];
        live[from]!--;
        if (to !== "Terminated") {
          live[to]!++;
          return;
        }
        counters.terminated++;
        table.forget(txn as AnyTransaction<F>);
        if (this.o.emitTerminated) this.queueEvent({ type: "terminated", transaction: txn });
      },
      absorbed: () => {
        counters.retransmissionsAbsorbed++;
      },
      newTag: this.o.newTag,
    };
  }
}
