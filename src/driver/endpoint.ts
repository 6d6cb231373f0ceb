import type { SipRequest, SipResponse, SipUri } from "../sip/index.ts";
import { deliverEvent, TransactionLayer } from "../transaction/index.ts";
import type {
  ClientTransaction,
  ServerTransaction,
  TransactionEvent,
  TransactionLayerOptions,
  TransactionUser,
} from "../transaction/index.ts";
import { TargetList, TransportLayer, locateServer } from "../transport/index.ts";
import type { Flow, ListeningPoint, LocateOptions, Target, TransportEvent, TransportOptions } from "../transport/index.ts";
import { pooledRandom } from "../random.ts";
import { INPUT_FIRST_AFTER_MS, OverloadMonitor } from "./overload.ts";
import type { OverloadOptions, OverloadState } from "./overload.ts";
import type { DriverRuntime, TimerHandle, TlsClientOptions } from "./runtime.ts";
import { Sockets } from "./sockets.ts";
import type { ListenOptions } from "./sockets.ts";
import type { TransportUser } from "./transport-user.ts";

/** Options of {@link createSipEndpoint}: the transport core's options plus the runtime and the users. */
export interface SipEndpointOptions extends TransportOptions {
  /** The runtime record (`await loadRuntime()` from `@siphon/siphon/runtimes`, or any {@link DriverRuntime}). */
  runtime: DriverRuntime;
  listen: ListenOptions[];
  /** Trust settings for outbound TLS and WSS connections. */
  tlsClient?: TlsClientOptions;
  /**
   * Run a transaction layer (RFC 3261 §17) on top: inbound messages go to it, its transmits and
   * timers are driven here, and its events reach `transactionUser` (and `onTransactionEvent`).
   * Without it, `transportUser.receiveMessage` gets every inbound message.
   */
  transactions?: TransactionLayerOptions | true;
  /** The transaction user: requests to answer, responses, ACKs, timeouts, transport failures. */
  transactionUser?: TransactionUser<Flow>;
  /** The same events as values, for a user written against `TransactionEvent` (a sans-I/O core). */
  onTransactionEvent?: (event: TransactionEvent<Flow>) => void;
  /** The transport user: inbound messages without a transaction layer, send failures, closed connections. */
  transportUser?: TransportUser;
  /**
   * Overload control (with a transaction layer): while the driver runs late, new out-of-dialog
   * requests get 503 with Retry-After. `false` turns it off.
   */
  overload?: OverloadOptions | false;
}

/**
 * A SIP endpoint on a runtime: sockets, timers and the sans-I/O transport (and, optionally,
 * transaction) cores driven together. Everything here is web-standard; the runtime record does I/O.
 */
export interface SipEndpoint {
  readonly runtime: DriverRuntime;
  readonly transport: TransportLayer;
  /** Present when `transactions` was given. */
  readonly transactions: TransactionLayer<Flow> | undefined;
  /** The bound listening points (ports resolved). */
  readonly listeningPoints: readonly ListeningPoint[];
  /** How late the driver runs, and whether it sheds load. */
  readonly overload: OverloadState;
  /** Fills the top Via and picks UDP/TCP for `request` towards `target` (RFC 3261 §18.1.1). */
  prepareRequest(request: SipRequest, target: Target): Flow;
  /** Sends a message outside any transaction (stateless): requests to `flow`, responses per §18.2.2. */
  send(message: SipRequest | SipResponse, flow: Flow, tag?: unknown): void;
  /** Starts a client transaction for `request` to `target` (needs `transactions`). */
  request(request: SipRequest, target: Target): ClientTransaction<Flow>;
  /**
   * Answers a request through its server transaction and sends the answer now. Returns false when
   * the transaction discards it (RFC 3261 §17.2: a response after the final one).
   */
  respond(transaction: ServerTransaction<Flow>, response: SipResponse): boolean;
  /** RFC 3263 server location with the runtime's DNS. */
  locate(uri: SipUri, options?: LocateOptions): Promise<TargetList>;
  /**
   * Runs the cores now. Rarely needed: the endpoint runs them after every input, and a transaction
   * answered from outside its callbacks (`transaction.respond` after an await) is sent within the
   * same turn of the event loop.
   */
  flush(): void;
  /** Monotonic milliseconds of the runtime, the `now` the cores run on. */
  now(): number;
  /** Closes every connection, listener and socket. */
  close(): Promise<void>;
}

/**
 * Opens the listening points and returns a running endpoint.
 *
 * ```ts
 * import { loadRuntime } from "@siphon/siphon/runtimes";
 * import { createSipEndpoint } from "@siphon/siphon/driver";
 * const ep = await createSipEndpoint({
 *   runtime: await loadRuntime(),
 *   listen: [{ transport: "UDP", host: "127.0.0.1", port: 5060 }],
 *   transactions: true,
 *   transactionUser: {
 *     receiveRequest(request, transaction) {
 *       ep.respond(transaction, createResponse(request, 200, "OK", { toTag: "a1b2" }));
 *     },
 *   },
 * });
 * ```
 */
export async function createSipEndpoint(options: SipEndpointOptions): Promise<SipEndpoint> {
  const rt = options.runtime;
  const core = new TransportLayer({ randomBytes: pooledRandom((n) => rt.randomBytes(n)), ...options });
  let scheduled = false;
  const txOptions = options.transactions === undefined ? undefined : options.transactions === true ? {} : options.transactions;
  const txl =
    txOptions === undefined
      ? undefined
      : new TransactionLayer<Flow>({
          ...txOptions,
          // A TU that answers outside the driver's callbacks: drain within this turn of the loop.
          onOutput: () => {
            if (pumping || scheduled || closed) return;
            scheduled = true;
            queueMicrotask(() => {
              scheduled = false;
              pump();
            });
          },
        });
  const monitor = new OverloadMonitor(options.overload === false ? { maxDelay: Infinity } : options.overload);
  const overloadControl = options.overload !== false && txl !== undefined;
  const tu = options.transactionUser;
  const user = options.transportUser;
  let timer: TimerHandle | undefined;
  let timerAt: number | undefined;
  /** The timer fired late and was put back one turn, behind the input already received. */
  let yielded = false;
  /** Input arrived since the last timer fired: keep a probe timer armed (overload.ts). */
  let active = false;
  let pumping = false;
  let closed = false;

  const onTransportEvent = (e: TransportEvent, now: number) => {
    switch (e.type) {
      case "message":
        if (txl) txl.handleMessage(e.message, e.flow, now);
        else user?.receiveMessage?.(e.message, e.flow);
        return;
      case "error":
        if (txl && typeof e.tag === "string") txl.handleTransportError(e.tag, now, e.error);
        user?.transportFailed?.(e.error, e.message, e.flow);
        return;
      case "connection-closed":
        user?.connectionClosed?.(e.flow, e.error);
        return;
    }
  };

  /** Drains every core until nothing moves, then arms one timer for the earliest deadline. */
  const pump = () => {
    if (pumping || closed) return;
    pumping = true;
    try {
      const now = rt.now();
      for (let moved = true; moved; ) {
        moved = false;
        if (txl) {
          for (let t; (t = txl.pollTransmit()); ) {
            moved = true;
            core.send(t.message, t.flow, now, t.transaction, t.bytes);
          }
        }
        for (let a; (a = core.pollAction()); ) {
          moved = true;
          sockets.perform(a);
        }
        for (let e; (e = core.pollEvent()); ) {
          moved = true;
          onTransportEvent(e, now);
        }
        if (txl) {
          for (let e; (e = txl.pollEvent()); ) {
            moved = true;
            if (tu) deliverEvent(tu, e);
            options.onTransactionEvent?.(e);
          }
        }
      }
    } finally {
      pumping = false;
    }
    arm();
  };

  const fire = () => {
    const due = timerAt!;
    timer = undefined;
    const now = rt.now();
    if (!yielded) {
      if (overloadControl && monitor.observe(due, now)) txl!.setOverloaded(monitor.overloaded);
      if (now - due > INPUT_FIRST_AFTER_MS) {
        // Held past the deadline: what arrived meanwhile (the 100 that stops Timer A, the response
        // that completes a transaction) is read first, one turn of the event loop later, so that
        // a busy moment does not retransmit what was already answered.
        yielded = true;
        timer = rt.setTimer(0, fire);
        return;
      }
    }
    yielded = false;
    timerAt = undefined;
    active = false;
    const a = core.pollTimeout();
    if (a !== undefined && a <= now) core.handleTimeout(now);
    const b = txl?.pollTimeout();
    if (b !== undefined && b <= now) txl!.handleTimeout(now);
    pump();
  };

  const arm = () => {
    if (closed) return;
    const a = core.pollTimeout();
    const b = txl?.pollTimeout();
    let at = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    if (overloadControl && (active || monitor.overloaded)) {
      // A probe within probeInterval; an armed timer that is soon enough already is one.
      const now = rt.now();
      const probe = timerAt !== undefined && timerAt <= now + monitor.probeInterval ? timerAt : now + monitor.probeInterval;
      at = at === undefined ? probe : Math.min(at, probe);
    }
    if (at === timerAt) return;
    if (timer !== undefined) rt.clearTimer(timer);
    timer = undefined;
    timerAt = at;
    if (at !== undefined) timer = rt.setTimer(Math.max(0, at - rt.now()), fire);
  };

  const input = (work: (now: number) => void) => {
    if (closed) return;
    if (!active) {
      // Traffic starts: arm the probe before the work, so that the probe measures the work too.
      active = true;
      arm();
    }
    work(rt.now());
    pump();
  };

  const sockets = new Sockets(rt, core, input, options.tlsClient);
  const points: ListeningPoint[] = [];
  try {
    for (const l of options.listen) points.push(await sockets.listen(l));
  } catch (error) {
    await sockets.close();
    throw error;
  }

  const endpoint: SipEndpoint = {
    runtime: rt,
    transport: core,
    transactions: txl,
    listeningPoints: points,
    overload: monitor,
    prepareRequest: (request, target) => core.prepareRequest(request, target),
    send(message, flow, tag) {
      core.send(message, flow, rt.now(), tag);
      pump();
    },
    request(request, target) {
      if (!txl) throw new Error("createSipEndpoint: request() needs the transactions option");
      const flow = core.prepareRequest(request, target);
      const txn = txl.sendRequest(request, flow, rt.now());
      pump();
      return txn;
    },
    respond(transaction, response) {
      const sent = transaction.respond(response, rt.now());
      pump();
      return sent;
    },
    locate: (uri, locateOptions) => locateServer(uri, rt.dns, locateOptions),
    flush: pump,
    now: () => rt.now(),
    async close() {
      if (closed) return;
      core.close(rt.now());
      for (let a; (a = core.pollAction()); ) sockets.perform(a);
      closed = true;
      if (timer !== undefined) rt.clearTimer(timer);
      await sockets.close();
    },
  };
  return endpoint;
}
