import { createResponse, formatContact, formatUri, SipParseError } from "../../sip/index.ts";
import { SlotMap } from "../../slot-map.ts";
import type { SipRequest, SipResponse, SipUri } from "../../sip/index.ts";
import type { RequestChallenger } from "../../session/index.ts";
import { TransactionError, TransactionLayer } from "../../transaction/index.ts";
import type {
  ClientTransaction,
  ServerTransaction,
  TransactionEvent,
  TransactionFlow,
  Transmit,
} from "../../transaction/index.ts";
import { TimerHeap } from "../../transaction/timer-heap.ts";
import { Queue } from "../../queue.ts";
import { randomHex } from "../../random.ts";
import { Branch, ResponseContext } from "./context.ts";
import type { ProxyTarget } from "./context.ts";
import { newCounters } from "./counters.ts";
import type { ProxyCounters } from "./counters.ts";
import type { ProxyEvent } from "./events.ts";
import { addressOfRecord } from "./location.ts";
import type { ProxyLocation } from "./location.ts";
import type { ForkingMode, ProxyCoreOptions, ProxyTransport } from "./options.ts";
import { fnv, loopHash, postprocessRoute, preprocessRoute, prependRoutes, sipUri } from "./routing.ts";
import { validateRequest } from "./validate.ts";

/**
 * Makes a stateful proxy core (RFC 3261 §16), sans-I/O.
 *
 * ```ts
 * const proxy = createProxyCore({ transport, location, domains: ["example.com"] });
 * proxy.handleMessage(message, flow, now);          // or handleTransactionEvent(e, now) on a shared layer
 * for (let t; (t = proxy.pollTransmit()); ) send(t);
 * const next = proxy.pollTimeout();                 // then handleTimeout(next)
 * ```
 */
export function createProxyCore<F extends TransactionFlow = TransactionFlow>(options: ProxyCoreOptions<F>): ProxyCore<F> {
  return new ProxyCore<F>(options);
}

/**
 * A stateful forking proxy (RFC 3261 §16) on a transaction layer. Each new request is validated
 * (§16.3), its route information preprocessed (§16.4), its targets found (§16.5: the location
 * service for the domains it serves, else the Request-URI), and it is forwarded on one branch per
 * target (§16.6) in parallel, in sequence or by q-value groups, with Record-Route (double when the
 * two sides differ, RFC 5658), Max-Forwards, Max-Breadth (RFC 5393) and a branch that detects loops.
 * Responses are forwarded as §16.7 says (provisional and 2xx at once, the best final one when every
 * branch is done, 6xx ending the search, 3xx recursed when asked), Timer C guards every INVITE
 * branch (§16.8), a CANCEL cancels every pending branch (§16.10), and an ACK for a 2xx is routed
 * statelessly (§16.11). In-dialog requests follow their Route.
 */
export class ProxyCore<F extends TransactionFlow = TransactionFlow> {
  /** The transaction layer the core runs on. */
  readonly transactions: TransactionLayer<F>;
  /** Live counters; read freely. */
  readonly counters: ProxyCounters = newCounters();
  private readonly owns: boolean;
  private readonly transport: ProxyTransport<F>;
  private readonly location: ProxyLocation<F>;
  private readonly domains: ReadonlySet<string>;
  private readonly recordRoute: boolean;
  private readonly forking: ForkingMode;
  private readonly timerC: number;
  private readonly recurse: boolean;
  private readonly maxTargets: number;
  private readonly maxBreadth: number;
  private readonly supported: ReadonlySet<string>;
  private readonly authenticate: RequestChallenger | undefined;
  private readonly emit: boolean;
  private readonly onOutput: (() => void) | undefined;
  /** Every branch of ours starts with this (RFC 3261 §8.1.1.7 magic cookie, then the instance). */
  private readonly prefix: string;
  private branchSeq: number;
  // Requests in progress: slot maps, so that no hash table a Map leaves behind as their number
  // swings keeps finished requests alive (src/slot-map.ts).
  private readonly contexts = new SlotMap<ResponseContext<F>>();
  private readonly branches = new SlotMap<Branch<F>>();
  private readonly timers = new TimerHeap<Branch<F>>();
  private readonly events = new Queue<ProxyEvent<F>>();
  private readonly isLocal: (uri: SipUri) => boolean;

  /** @internal Use {@link createProxyCore}. */
  constructor(options: ProxyCoreOptions<F>) {
    const t = options.transactions;
    this.owns = !(t instanceof TransactionLayer);
    this.transactions = t instanceof TransactionLayer
      ? t
      // §16.3 replaces the UAS checks of §8.2 (416 and 420 on Require are the UAS's), and a proxy
      // answers CANCEL after cancelling its branches (§16.10), not with an immediate 487.
      : new TransactionLayer<F>({ checks: false, autoCancel: false, ...t, ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
    this.transport = options.transport;
    this.location = options.location;
    this.domains = new Set((options.domains ?? []).map((d) => d.toLowerCase()));
    this.recordRoute = options.recordRoute ?? true;
    this.forking = options.forking ?? "q-groups";
    this.timerC = options.timerC ?? 180_000;
    this.recurse = options.recurseOnRedirect ?? false;
    this.maxTargets = options.maxTargets ?? 16;
    this.maxBreadth = options.maxBreadth ?? 60;
    this.supported = new Set((options.supported ?? []).map((s) => s.toLowerCase()));
    this.authenticate = options.authenticate;
    this.emit = options.events ?? true;
    this.onOutput = options.onOutput;
    this.prefix = `z9hG4bKsp${options.instance ?? randomHex(3)}`;
    this.branchSeq = Number.parseInt(randomHex(3), 16);
    const transport = this.transport;
    this.isLocal = (uri) => transport.isLocal(uri);
  }

  /** Response contexts alive (requests being proxied, and answered ones until their transaction ends). */
  get contextCount(): number {
    return this.contexts.size;
  }

  /** Branches alive (until their client transaction ends). */
  get branchCount(): number {
    return this.branches.size;
  }

  // ---------------------------------------------------------------- inputs

  /** A message from the network, for a core that owns its transaction layer. */
  handleMessage(message: SipRequest | SipResponse, flow: F, now: number): void {
    this.transactions.handleMessage(message, flow, now);
    this.drainLayer(now);
  }

  /** The transport failed to send a message of transaction `id` (see TransactionLayer.handleTransportError). */
  handleTransportError(id: string, now: number, cause?: unknown): void {
    this.transactions.handleTransportError(id, now, cause);
    this.drainLayer(now);
  }

  /** One event of the transaction layer (a shared layer's, or the core's own). */
  handleTransactionEvent(event: TransactionEvent<F>, now: number): void {
    switch (event.type) {
      case "request":
        if (event.request.method === "CANCEL") this.receiveCancel(event.request, event.transaction, event.cancels, now);
        else this.receiveRequest(event.request, event.transaction, event.flow, now);
        return;
      case "ack":
        this.receiveAck(event.request, now);
        return;
      case "response":
        this.receiveResponse(event.response, event.transaction, now);
        return;
      case "stray-response":
        // §16.7: a response matching no client transaction is forwarded statelessly; the only ones
        // worth it, 2xx retransmissions of an INVITE, still match the client transaction for
        // Timer M (RFC 6026 §7.2), so what is left here is dropped.
        this.counters.dropped++;
        return;
      case "cancel": {
        // A layer with autoCancel answered the CANCEL and sent 487 upstream: cancel the branches.
        const ctx = this.contexts.get(event.transaction.id);
        if (ctx !== undefined) {
          ctx.finalSent = true;
          this.cancelContext(ctx, reasonHeaders(event.request), now);
        }
        return;
      }
      case "timeout":
      case "transport-error": {
        const b = this.branches.get(event.transaction.id);
        // §16.8 / §16.7: a branch whose client transaction timed out behaves as if it received a
        // 408; §16.9: "If the transport layer notifies a proxy of an error when it tries to forward
        // a request [...] the proxy MUST behave as if the forwarded request received a 503".
        if (b !== undefined) this.giveUp(b, event.type === "timeout" ? 408 : 503, now);
        return;
      }
      case "terminated": {
        const id = event.transaction.id;
        const b = this.branches.get(id);
        if (b !== undefined) {
          if (b.timer !== undefined) this.timers.remove(b.timer);
          b.timer = undefined;
          this.branches.delete(id);
          return;
        }
        this.contexts.delete(id);
        return;
      }
      default:
        return;
    }
  }

  /** Fires Timer C of every branch due at `now` (and the layer's timers, when the core owns it). */
  handleTimeout(now: number): void {
    for (let e = this.timers.popDue(now); e !== undefined; e = this.timers.popDue(now)) {
      const b = e.value;
      b.timer = undefined;
      this.timerCFired(b, now);
    }
    if (this.owns) {
      this.transactions.handleTimeout(now);
      this.drainLayer(now);
    }
  }

  // ---------------------------------------------------------------- outputs

  /** The next message to send (from the transaction layer). */
  pollTransmit(): Transmit<F> | undefined {
    return this.transactions.pollTransmit();
  }

  /** The next {@link ProxyEvent}. */
  pollEvent(): ProxyEvent<F> | undefined {
    return this.events.shift();
  }

  /** When `handleTimeout` must next be called (absolute ms), or undefined. */
  pollTimeout(): number | undefined {
    const own = this.timers.peek()?.at;
    if (!this.owns) return own;
    const layer = this.transactions.pollTimeout();
    return own === undefined ? layer : layer === undefined ? own : Math.min(own, layer);
  }

  // ---------------------------------------------------------------- requests

  private receiveRequest(request: SipRequest, server: ServerTransaction<F>, flow: F, now: number): void {
    this.counters.requests++;
    let loop: string;
    try {
      loop = loopHash(request);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.answer(server, request, 400, [], now);
      return;
    }
    const refusal = validateRequest(request, this.supported, () => this.looped(request, loop));
    if (refusal !== undefined) {
      this.answer(server, request, refusal.status, refusal.headers, now);
      return;
    }
    if (this.authenticate !== undefined && request.toTag === undefined) {
      // §22.3: "a proxy server MAY challenge the originator [...] by responding with 407".
      const r = this.authenticate.verify(request, now);
      if (r !== undefined) {
        this.answer(server, request, r.status, r.headers, now);
        return;
      }
    }
    let targets: ProxyTarget<F>[] | "self";
    let breadth: number;
    try {
      preprocessRoute(request, this.isLocal);
      targets = this.targetSet(request, now);
      breadth = this.breadthOf(request);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.answer(server, request, 400, [], now);
      return;
    }
    if (targets === "self") {
      // A request for the proxy itself (a Request-URI of ours without a user part): an OPTIONS
      // ping gets 200 (§11.2), anything else 404.
      this.answer(server, request, request.method === "OPTIONS" ? 200 : 404, [], now);
      return;
    }
    if (targets.length === 0) {
      // §16.5: "If the target set remains empty after applying all of the above, the proxy MUST
      // return an error response, which SHOULD be the 480 (Temporarily Unavailable) response."
      this.answer(server, request, 480, [], now);
      return;
    }
    // §16.2 / §17.2.1: a stateful proxy answers an INVITE 100 (Trying) at once, so that the
    // previous hop stops retransmitting while the branches ring.
    if (request.method === "INVITE") server.respond(createResponse(request, 100, "Trying"), now);
    const ctx = new ResponseContext<F>(server, request, flow, loop, breadth);
    ctx.addTargets(targets, this.maxTargets);
    this.contexts.set(server.id, ctx);
    this.next(ctx, now);
  }

  /**
   * The target set (RFC 3261 §16.5): in-dialog requests and requests with a Route left after §16.4
   * go to their Request-URI; a Request-URI of a served domain (or of the proxy, with a user part)
   * to the bindings of its address of record, highest q first; any other to itself.
   */
  private targetSet(request: SipRequest, now: number): ProxyTarget<F>[] | "self" {
    const uri = request.uriText;
    const ruri = sipUri(request.uri)!;
    if (request.toTag !== undefined || request.hasHeader("Route")) return [{ uri, q: 1 }];
    const local = this.transport.isLocal(ruri);
    if (local && ruri.user === undefined) return "self";
    // §16.5: "If the domain of the Request-URI indicates a domain this element is not responsible
    // for, the Request-URI MUST be placed into the target set as the only target".
    if (!local && !this.domains.has(ruri.host.toLowerCase())) return [{ uri, q: 1 }];
    const targets: ProxyTarget<F>[] = [];
    for (const b of this.location.lookup(addressOfRecord(ruri)!, now)) {
      targets.push({ uri: b.contact, q: b.q ?? 1, path: b.path, flow: b.flow });
    }
    // §16.6: targets are processed "in order of q-value, highest first" (stable among equals).
    return targets.sort((a, b) => b.q - a.q);
  }

  /** RFC 5393 §5.3: the request's Max-Breadth, or the default when it has none (or a bad one). */
  private breadthOf(request: SipRequest): number {
    const v = request.header("Max-Breadth");
    if (v === undefined) return this.maxBreadth;
    const n = /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : Number.NaN;
    return Number.isNaN(n) ? this.maxBreadth : n;
  }

  /** §16.3 step 4: a Via of ours whose branch carries this request's loop hash. */
  private looped(request: SipRequest, loop: string): boolean {
    const mark = `${this.prefix}.${loop}.`;
    // The field text first: parsing every Via of every request only to find none of ours is the
    // common case's whole cost.
    if (!request.headers("Via").some((f) => f.includes(mark))) return false;
    for (const v of request.via) if (v.branch?.startsWith(mark) === true) return true;
    return false;
  }

  /** Starts the next branches while none is pending and targets are left; else, when all are done, answers. */
  private next(ctx: ResponseContext<F>, now: number): void {
    while (!ctx.stopped && !ctx.finalSent && ctx.pending === 0 && ctx.targets.length > 0) {
      const group = this.takeGroup(ctx);
      // RFC 5393 §5.3.3: parallel branches share the Max-Breadth; a lone branch keeps it.
      const share = group.length > 1 ? Math.max(1, Math.floor(ctx.breadth / group.length)) : undefined;
      for (const t of group) this.startBranch(ctx, t, share, now);
    }
    if (ctx.pending === 0 && !ctx.finalSent) this.finish(ctx, now);
  }

  /** The targets to try at once, by the forking mode, at most Max-Breadth of them (RFC 5393 §5.3.3). */
  private takeGroup(ctx: ResponseContext<F>): ProxyTarget<F>[] {
    const limit = Math.max(1, ctx.breadth);
    let n = 1;
    if (this.forking === "parallel") n = ctx.targets.length;
    else if (this.forking === "q-groups") {
      const q = ctx.targets[0]!.q;
      while (n < ctx.targets.length && ctx.targets[n]!.q === q) n++;
    }
    return ctx.targets.splice(0, Math.min(n, limit));
  }

  /** Forwards a copy of the request to one target (RFC 3261 §16.6). */
  private startBranch(ctx: ResponseContext<F>, target: ProxyTarget<F>, breadth: number | undefined, now: number): void {
    const request = ctx.request;
    // Step 1: "Make a copy of the received request".
    const copy = request.clone();
    // Step 2: "Update the Request-URI".
    copy.uri = target.uri;
    // Step 3: "If the copy contains a Max-Forwards header field, the proxy MUST decrement its value
    // by one (1). If the copy does not contain a Max-Forwards header field, the proxy MUST add one
    // with a field value, which SHOULD be 70."
    const mf = request.maxForwards;
    copy.setHeader("Max-Forwards", String(mf === undefined ? 70 : mf - 1));
    if (breadth !== undefined) copy.setHeader("Max-Breadth", String(breadth));
    // Step 5 with RFC 3327 §5.3: the registration's Path becomes the first Route values.
    if (target.path !== undefined && target.path.length > 0) prependRoutes(copy, target.path);
    let nextHop: string;
    try {
      // Step 6: "Postprocess routing information"; step 7: "Determine the next-hop address".
      nextHop = postprocessRoute(copy);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      ctx.consider(400, undefined);
      return;
    }
    // Step 8: "Add a Via header field value" with a branch of our own: the loop hash, then a count.
    copy.addHeader("Via", `SIP/2.0/UDP invalid;branch=${this.prefix}.${ctx.loop}.${(this.branchSeq++ >>> 0).toString(36)}`, { prepend: true });
    // Step 4: "If this proxy wishes to remain on the path of future requests in a dialog created by
    // this request [...] it MUST insert a Record-Route header field value in the copy before any
    // existing Record-Route header field values".
    const rr = this.recordRoute && request.toTag === undefined && request.method !== "REGISTER";
    const inbound = rr ? this.transport.recordRoute(ctx.flow) : undefined;
    if (inbound !== undefined) copy.addHeader("Record-Route", `<${inbound};lr>`, { prepend: true });
    const flow = this.transport.route(copy, nextHop, target.flow);
    if (flow === undefined) {
      // No way to the next hop: as a transport failure, §16.9 (a 503, sent upstream as 500).
      ctx.consider(503, undefined);
      return;
    }
    if (inbound !== undefined) {
      // RFC 5658 §3.2: when the two sides are reached over different transports or interfaces,
      // "the proxy [...] inserts two Record-Route header fields", the top one for the side the
      // request goes to, so each side's route set leads into the proxy by its own side.
      const outbound = this.transport.recordRoute(flow);
      if (outbound !== inbound) copy.addHeader("Record-Route", `<${outbound};lr>`, { prepend: true });
    }
    let txn: ClientTransaction<F>;
    try {
      // Step 10: "Forward the new request" through a new client transaction.
      txn = this.transactions.sendRequest(copy, flow, now);
    } catch (error) {
      if (!(error instanceof TransactionError)) throw error;
      ctx.consider(503, undefined);
      return;
    }
    const b = new Branch<F>(ctx, txn, target.uri);
    ctx.branches.push(b);
    ctx.pending++;
    this.branches.set(txn.id, b);
    this.counters.branches++;
    // §16.8: "Timer C MUST be set for each client transaction when an INVITE request is proxied."
    if (txn.kind === "invite-client") b.timer = this.timers.insert(now + this.timerC, b);
    this.queueEvent({ type: "forwarded", request: copy, target: target.uri, flow });
  }

  // ---------------------------------------------------------------- responses

  private receiveResponse(response: SipResponse, txn: ClientTransaction<F>, now: number): void {
    const b = this.branches.get(txn.id);
    if (b === undefined) {
      this.counters.dropped++;
      return;
    }
    const ctx = b.context;
    const status = response.status;
    // §16.7 step 3: "The proxy removes the topmost Via header field value from the response. If no
    // Via header field values remain in the response, the response was meant for this element and
    // MUST NOT be forwarded."
    response.removeFirstValue("Via");
    if (!response.hasHeader("Via")) {
      this.counters.dropped++;
      if (status >= 200) this.settle(b, now);
      return;
    }
    if (status < 200) {
      b.provisional = true;
      if (status > 100 && b.timer !== undefined && !b.givingUp) {
        // §16.8: "If the client transaction receives a provisional response, Timer C MUST be reset
        // [...] with status codes 101 to 199".
        this.timers.remove(b.timer);
        b.timer = this.timers.insert(now + this.timerC, b);
      }
      // §16.7 step 5: "Any provisional response other than 100 (Trying)" MUST be forwarded
      // immediately, until a final response has been sent on the server transaction.
      if (status > 100 && !ctx.finalSent) this.forward(ctx, response, now);
      return;
    }
    const first = !b.final;
    this.settle(b, now);
    if (status < 300) {
      // §16.7 step 5: "Any 2xx response" MUST be forwarded immediately, and "After a final
      // response has been sent on the server transaction, [...] Any 2xx response to an INVITE".
      if (!ctx.finalSent || ctx.request.method === "INVITE") this.forward(ctx, response, now);
      if (first) this.stop(ctx, [], now);
      return;
    }
    // Non-2xx finals reach the TU once per client transaction (§17.1.1.2).
    if (!first || ctx.finalSent) return;
    if (status >= 600) {
      // §16.7 step 5: "If a 6xx response is received, it is not immediately forwarded, but the
      // stateful proxy SHOULD cancel all client pending transactions as described in Section 10,
      // and it MUST NOT create any new branches in this context."
      this.stop(ctx, [], now);
    }
    let keep = true;
    if (status < 400 && this.recurse && !ctx.stopped) keep = this.recurseOn(ctx, response);
    if (keep) ctx.consider(status, response);
    this.next(ctx, now);
  }

  /**
   * §16.5: "If the proxy [...] recurse[s], [...] it MAY add the contacts in a 3xx response to the
   * target set." §16.7 step 4: "it MUST remove them from the response before adding the response to
   * the response context. However, a proxy SHOULD NOT recurse to a non-SIPS URI if the
   * Request-URI of the original request was a SIPS URI. If the proxy recurses on all of the
   * contacts in a 3xx response, the proxy SHOULD NOT add the resulting contactless response to the
   * response context." Returns whether the response stays in the context.
   */
  private recurseOn(ctx: ResponseContext<F>, response: SipResponse): boolean {
    let contacts;
    try {
      contacts = response.contact;
    } catch (error) {
      if (error instanceof SipParseError) return true;
      throw error;
    }
    const sips = ctx.request.uri.scheme === "sips";
    const kept: typeof contacts = [];
    const targets: ProxyTarget<F>[] = [];
    for (const c of contacts) {
      const u = c.wildcard ? undefined : sipUri(c.uri);
      if (c.wildcard || u === undefined || (sips && u.scheme !== "sips")) kept.push(c);
      else targets.push({ uri: formatUri(u), q: c.q ?? 1 });
    }
    ctx.addTargets(targets, this.maxTargets);
    if (kept.length === 0) return false;
    response.setHeader("Contact", kept.map(formatContact));
    return true;
  }

  /** Marks a branch done (a final response, or given up), counting it out of the pending ones. */
  private settle(b: Branch<F>, _now: number): void {
    if (b.timer !== undefined) this.timers.remove(b.timer);
    b.timer = undefined;
    if (b.final) return;
    b.final = true;
    b.context.pending--;
  }

  /** A branch that gave no final response ends as if it received `status` (§16.8, §16.9). */
  private giveUp(b: Branch<F>, status: number, now: number): void {
    if (b.final) return;
    this.settle(b, now);
    const ctx = b.context;
    if (ctx.finalSent) return;
    ctx.consider(status, undefined);
    this.next(ctx, now);
  }

  /**
   * §16.8: "If timer C should fire, the proxy MUST either reset the timer with any value it
   * chooses, or terminate the client transaction. If the client transaction has received a
   * provisional response, the proxy MUST generate a CANCEL request matching that transaction. If
   * the client transaction has not received a provisional response, the proxy MUST behave as if the
   * transaction received a 408 (Request Timeout) response." After the CANCEL the branch waits
   * 64*T1 for its 487 (an INVITE client transaction in Proceeding has no timer), then ends as a 408.
   */
  private timerCFired(b: Branch<F>, now: number): void {
    if (b.final) return;
    if (!b.givingUp) this.counters.timerC++;
    if (b.provisional && !b.givingUp) {
      b.givingUp = true;
      this.cancelBranch(b, [], now);
      b.timer = this.timers.insert(now + 64 * this.transactions.timers.t1, b);
      return;
    }
    this.giveUp(b, 408, now);
  }

  /** No new branches; CANCEL the pending ones (§16.7 step 10, §16.10). */
  private stop(ctx: ResponseContext<F>, headers: [string, string][], now: number): void {
    ctx.stopped = true;
    ctx.targets.length = 0;
    for (const b of ctx.branches) if (!b.final) this.cancelBranch(b, headers, now);
  }

  private cancelBranch(b: Branch<F>, headers: [string, string][], now: number): void {
    if (b.cancelSent || b.transaction.kind !== "invite-client") return;
    b.cancelSent = true;
    this.counters.cancels++;
    // §9.1 through the layer: sent now after a provisional response, else once one arrives.
    this.transactions.cancel(b.transaction, now, { headers });
  }

  /** Sends the best final response upstream once every branch is done (§16.7 step 6, 7, 9). */
  private finish(ctx: ResponseContext<F>, now: number): void {
    let status = ctx.bestStatus;
    let response = ctx.best;
    if (status === 0) status = ctx.cancelled ? 487 : 408;
    if (response === undefined) {
      // §16.7 step 6: "If no final response has been received [...] the proxy MUST send a 408".
      response = createResponse(ctx.request, status, undefined, { toTag: randomHex(8) });
    } else if (status === 401 || status === 407) {
      const own = new Set([...response.headers("WWW-Authenticate"), ...response.headers("Proxy-Authenticate")]);
      for (const [name, value] of ctx.challenges) if (!own.has(value)) response.addHeader(name, value);
    }
    if (status === 503) {
      // §16.7 step 6: "If the selected response is a 503 (Service Unavailable) response, the proxy
      // MUST generate a 500 (Server Internal Error) response and forward that upstream."
      response = createResponse(ctx.request, 500, undefined, { toTag: response.toTag ?? randomHex(8) });
      status = 500;
    }
    ctx.finalSent = true;
    this.forward(ctx, response, now);
    this.queueEvent({ type: "final", request: ctx.request, status, local: ctx.best === undefined });
  }

  /** §16.7 step 9: the response goes out on the server transaction (a 2xx after a final one, statelessly). */
  private forward(ctx: ResponseContext<F>, response: SipResponse, now: number): void {
    this.counters.responses++;
    const status = response.status;
    if (status >= 200 && status < 300) ctx.finalSent = true;
    if (!ctx.server.respond(response, now) && status >= 200 && status < 300) {
      // RFC 6026 §8.5: a 2xx that finds the server transaction done still goes upstream.
      this.transactions.sendStateless(response, ctx.flow);
    }
  }

  // ---------------------------------------------------------------- CANCEL and ACK

  /**
   * §16.10: "If a matching response context is found, the element MUST immediately return a 200
   * (OK) response to the CANCEL request. [...] the element MUST cancel any pending client
   * transactions associated with the response context [...] and MUST NOT create new branches".
   * The caller's 487 is the branches' own, chosen as any final response (§16.7).
   */
  private receiveCancel(cancel: SipRequest, server: ServerTransaction<F>, cancels: ServerTransaction<F> | undefined, now: number): void {
    const ctx = cancels === undefined ? undefined : this.contexts.get(cancels.id);
    if (ctx === undefined || ctx.finalSent) {
      // Nothing of ours to cancel (§9.2's 481; §16.10 would forward it statelessly, which only a
      // proxy that forgot the INVITE needs).
      this.answer(server, cancel, 481, [], now);
      return;
    }
    server.respond(createResponse(cancel, 200, "OK", { toTag: ctx.server.toTag ?? randomHex(8) }), now);
    this.cancelContext(ctx, reasonHeaders(cancel), now);
  }

  private cancelContext(ctx: ResponseContext<F>, headers: [string, string][], now: number): void {
    ctx.cancelled = true;
    this.stop(ctx, headers, now);
    if (ctx.pending === 0 && !ctx.finalSent) this.finish(ctx, now);
  }

  /**
   * An ACK for a 2xx (its own transaction, §13.2.2.4) is routed statelessly (§16.11): §16.4 route
   * processing, Max-Forwards, the next hop from Route or Request-URI, and a Via whose branch is a
   * hash of the incoming one, the same for each retransmission (§16.11: "the same branch").
   */
  private receiveAck(ack: SipRequest, now: number): void {
    try {
      const mf = ack.maxForwards;
      if (mf === 0) {
        this.counters.dropped++;
        return;
      }
      preprocessRoute(ack, this.isLocal);
      const ruri = sipUri(ack.uri);
      if (ruri === undefined || (!ack.hasHeader("Route") && this.transport.isLocal(ruri))) {
        this.counters.dropped++;
        return;
      }
      ack.setHeader("Max-Forwards", String(mf === undefined ? 70 : mf - 1));
      const nextHop = postprocessRoute(ack);
      const branch = `${this.prefix}.${fnv(`${ack.branch ?? ""}\u0000${ack.callId}\u0000${ack.cseq.seq}`)}`;
      ack.addHeader("Via", `SIP/2.0/UDP invalid;branch=${branch}`, { prepend: true });
      const flow = this.transport.route(ack, nextHop, undefined);
      if (flow === undefined) {
        this.counters.dropped++;
        return;
      }
      this.counters.acks++;
      this.transactions.sendStateless(ack, flow);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.counters.dropped++;
    }
    void now;
  }

  // ---------------------------------------------------------------- helpers

  /** The proxy answers a request itself (§16.3 refusals, 407, 480, …). */
  private answer(server: ServerTransaction<F>, request: SipRequest, status: number, headers: readonly [string, string][], now: number): void {
    const c = this.counters.local;
    c[status] = (c[status] ?? 0) + 1;
    const response = createResponse(request, status, undefined, { toTag: randomHex(8), headers: [...headers] });
    server.respond(response, now);
    if (request.method !== "CANCEL") this.queueEvent({ type: "final", request, status, local: true });
  }

  private queueEvent(event: ProxyEvent<F>): void {
    if (!this.emit) return;
    this.events.push(event);
    if (this.events.length === 1) this.onOutput?.();
  }

  private drainLayer(now: number): void {
    if (!this.owns) return;
    for (let e = this.transactions.pollEvent(); e !== undefined; e = this.transactions.pollEvent()) this.handleTransactionEvent(e, now);
  }
}

/** RFC 3326: the Reason of a CANCEL goes on to the CANCELs the proxy sends. */
function reasonHeaders(cancel: SipRequest): [string, string][] {
  return cancel.headers("Reason").map((v): [string, string] => ["Reason", v]);
}
