import { createSessionCore, initialNextHop } from "../session/index.ts";
import type {
  InviteInit,
  InviteSession,
  OutgoingRequest,
  OutgoingRequestInit,
  RespondInit,
  SessionCore,
  SessionCoreOptions,
  SessionEvent,
} from "../session/index.ts";
import type { TransactionEvent, TransactionLayerOptions } from "../transaction/index.ts";
import { bracket } from "../transport/index.ts";
import type { Flow, ListeningPoint, LocateOptions, Target, TransportProtocol } from "../transport/index.ts";
import { createSipEndpoint } from "./endpoint.ts";
import type { SipEndpoint, SipEndpointOptions } from "./endpoint.ts";
import { NextHops } from "./next-hops.ts";
import { INPUT_FIRST_AFTER_MS } from "./overload.ts";
import type { DriverRuntime, TimerHandle } from "./runtime.ts";
import type { ListenOptions } from "./sockets.ts";

/** A public address to write in Contact instead of the listening point's (NAT, RFC 3261 §8.1.1.8). */
export interface PublicAddress {
  readonly host: string;
  /** Default: the listening point's port. */
  readonly port?: number;
}

/**
 * Options of {@link createSessionEndpoint}: the session core's (media, authenticator, challenger,
 * session timers, …) and the endpoint's (runtime, listening points, transport and transaction
 * settings).
 */
export interface SessionEndpointOptions extends Omit<SessionCoreOptions<Flow>, "transport" | "transactions" | "onOutput"> {
  /** The runtime record (`await loadRuntime()` from `@siphon/siphon/runtimes`, or any {@link DriverRuntime}). */
  runtime: DriverRuntime;
  /** The listening points to open. */
  listen: ListenOptions[];
  /** Options of the endpoint's transaction layer (limits, timers). */
  transactions?: TransactionLayerOptions;
  /** The transport core's options, outbound TLS trust, overload control (see `createSipEndpoint`). */
  endpoint?: Omit<SipEndpointOptions, "runtime" | "listen" | "transactions" | "transactionUser" | "onTransactionEvent">;
  /** The user part of our Contact. Default `siphon`. */
  contactUser?: string;
  /** Write this address in Contact instead of the listening point's (see also `setPublicAddress`). */
  publicAddress?: PublicAddress;
  /** How host names are located (RFC 3263): transports in order of preference, IPv6 first. */
  locate?: LocateOptions;
  /**
   * Sees every event of the transaction layer before the session core takes it — for counters and
   * traces (a load generator counting the final responses to its BYEs). It must not answer requests
   * or change messages: the core does that.
   */
  observeTransactions?: (event: TransactionEvent<Flow>, now: number) => void;
  /**
   * Every session event, in order, with the runtime's `now`: call session methods (`answer(now)`,
   * `bye(now)`, …) from here or from anywhere later; what they send goes out within the same turn
   * of the event loop.
   */
  onSessionEvent(event: SessionEvent<Flow>, now: number): void;
}

/**
 * A session core (src/session) running on a SIP endpoint (src/driver): real sockets, the runtime's
 * clock, RFC 3263 location. See {@link createSessionEndpoint}.
 */
export interface SessionEndpoint {
  /** The SIP endpoint underneath (sockets, transport and transaction layers, overload state). */
  readonly endpoint: SipEndpoint;
  /** The session core: counters, `sessionCount`, `dialogCount`, `respond`. */
  readonly core: SessionCore<Flow>;
  /** The bound listening points (ports resolved). */
  readonly listeningPoints: readonly ListeningPoint[];
  /**
   * Starts a call (see `SessionCore.invite`). The next hop — the first Route, else the Request-URI
   * — is located first when it is a host name (RFC 3263: NAPTR, SRV, A/AAAA), and the INVITE goes
   * to the first target, then to the next on a timeout, a transport error or a 503 (§4.3). With a
   * numeric host the INVITE is sent before this returns. Rejects with TransportError
   * RESOLVE_FAILED when the host cannot be located, SessionError NO_ROUTE or OVERLOADED.
   */
  invite(init: InviteInit): Promise<InviteSession<Flow>>;
  /** Sends a request outside any dialog (REGISTER, OPTIONS, MESSAGE…), located like {@link invite}. */
  request(init: OutgoingRequestInit): Promise<OutgoingRequest<Flow>>;
  /** Answers a `request` event (one of the application's `methods`). */
  respond(event: Extract<SessionEvent<Flow>, { type: "request" }>, status: number, init?: RespondInit): void;
  /** Our Contact URI for a flow (RFC 3261 §8.1.1.8), or for the first listening point. */
  contact(flow?: Flow): string;
  /** Sets (or, with undefined, clears) the public address written in Contact from now on. */
  setPublicAddress(address: PublicAddress | undefined): void;
  /** Monotonic milliseconds of the runtime: the `now` to give session methods. */
  now(): number;
  /**
   * Runs the cores now. Never needed: events, transmits and deadlines are handled within the turn
   * of the event loop that made them.
   */
  flush(): void;
  /** Stops the session core's timer and closes the endpoint (no BYE is sent for live sessions). */
  close(): Promise<void>;
}

/**
 * Opens the listening points and runs a session core on them: the user agent of a softphone, a
 * voice bot or a call generator, and the session side of a server.
 *
 * ```ts
 * const ua = await createSessionEndpoint({
 *   runtime: await loadRuntime(),
 *   listen: [{ transport: "UDP", host: "0.0.0.0", port: 5060, advertisedHost: "192.0.2.10" }],
 *   media: () => createSdpNegotiator({ address: "192.0.2.10", media: [{ port: 40000, codecs: [{ name: "PCMU", clockRate: 8000 }] }] }),
 *   authenticator: createDigestClient({ credentials: { username: "alice", password: "secret" } }),
 *   onSessionEvent(e, now) {
 *     if (e.type === "incoming") e.session.answer(now);
 *   },
 * });
 * const call = await ua.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@example.com>" });
 * ```
 *
 * Requests go to their next hop (RFC 3261 §8.1.2): a numeric host at once; a host name once
 * located (RFC 3263), the targets then kept for the requests that follow (in-dialog requests to a
 * host name not located yet find no route while it is located in the background). Our Contact is
 * the listening point of the flow (its advertised host and port), or the public address when one
 * is set. The core's deadlines run on the runtime's clock, and every output is drained within the
 * turn that made it.
 */
export async function createSessionEndpoint(options: SessionEndpointOptions): Promise<SessionEndpoint> {
  const rt = options.runtime;
  const user = options.contactUser ?? "siphon";
  const onSessionEvent = options.onSessionEvent;
  const observe = options.observeTransactions;
  let core: SessionCore<Flow> | undefined;
  /** Transaction events that came before the core existed (between two listening points opening). */
  const early: TransactionEvent<Flow>[] = [];
  let timer: TimerHandle | undefined;
  let timerAt: number | undefined;
  /** The timer fired late and was put back one turn, behind the input already received. */
  let yielded = false;
  let delivering = false;
  /** The core is handling an input whose outputs are drained right after (no microtask needed). */
  let handling = false;
  let scheduled = false;
  let closed = false;
  let publicAddress = options.publicAddress;
  const contacts = new Map<string, string>();

  const endpoint = await createSipEndpoint({
    ...options.endpoint,
    runtime: rt,
    listen: options.listen,
    // A UAS core detects merged requests (RFC 3261 §8.2.2.2).
    transactions: { detectMergedRequests: true, ...options.transactions },
    onTransactionEvent(event) {
      if (core === undefined) {
        if (early.length < 1024) early.push(event);
        return;
      }
      const now = rt.now();
      observe?.(event, now);
      // Inside the endpoint's loop: it sends what the core queued, and deliver() follows.
      handling = true;
      try {
        core.handleTransactionEvent(event, now);
      } finally {
        handling = false;
      }
      deliver();
    },
  });
  const points = endpoint.listeningPoints;
  const hops = new NextHops((uri) => endpoint.locate(uri, locateOptions()), () => rt.now());
  const udp = points.some((p) => p.transport === "UDP");

  function locateOptions(): LocateOptions {
    if (options.locate?.transports !== undefined) return options.locate;
    // RFC 3263 §4.1: the transports this client supports — UDP only from a UDP listening point,
    // streams from any (a connection of our own carries the responses back).
    const transports: TransportProtocol[] = udp ? ["UDP", "TCP", "TLS"] : ["TCP", "TLS"];
    return { ...options.locate, transports };
  }

  /** The flow of a request to `target`, its top Via filled in (RFC 3261 §18.1.1). */
  function prepare(request: Parameters<SipEndpoint["prepareRequest"]>[0], target: Target): Flow | undefined {
    // A UDP target without a UDP listening point goes over TCP to the same address and port.
    const t = target.transport === "UDP" && !udp ? { ...target, transport: "TCP" as const } : target;
    try {
      return endpoint.prepareRequest(request, t);
    } catch {
      return undefined;
    }
  }

  function contact(flow: Flow | undefined): string {
    const lp = (flow === undefined ? undefined : points.find((p) => p.id === flow.listeningPoint)) ??
      points.find((p) => p.transport === flow?.transport) ?? points[0];
    const transport = flow?.transport ?? lp?.transport ?? "UDP";
    const key = `${lp?.id}/${transport}`;
    let uri = contacts.get(key);
    if (uri === undefined) {
      // §8.1.1.8: "the Contact header field [...] contains a SIP or SIPS URI [...] the UA would like
      // to be contacted for subsequent requests", on the transport the dialog uses.
      const host = publicAddress?.host ?? lp?.sentByHost ?? "invalid";
      const port = publicAddress?.port ?? lp?.sentByPort;
      const param = transport === "UDP" ? "" : `;transport=${transport.toLowerCase()}`;
      uri = `sip:${user}@${bracket(host)}${port === undefined ? "" : `:${port}`}${param}`;
      contacts.set(key, uri);
    }
    return uri;
  }

  const { runtime: _r, listen: _l, transactions: _t, endpoint: _e, contactUser: _u, publicAddress: _p, locate: _o, onSessionEvent: _s, observeTransactions: _x, ...coreOptions } =
    options;
  const c = createSessionCore<Flow>({
    ...coreOptions,
    transactions: endpoint.transactions!,
    onOutput: schedule,
    transport: {
      route(request, nextHop) {
        const target = hops.targets(nextHop)?.[0];
        if (target === undefined) {
          // A host name nobody located yet (a Record-Route or Contact of a new dialog): locate it
          // for the next request; this one finds no route.
          hops.warm(nextHop);
          return undefined;
        }
        return prepare(request, target);
      },
      failover(request, nextHop, failed) {
        const next = hops.after(nextHop, failed);
        return next === undefined ? undefined : prepare(request, next);
      },
      contact,
    },
  });
  core = c;
  for (const e of early.splice(0)) {
    observe?.(e, rt.now());
    c.handleTransactionEvent(e, rt.now());
  }

  /** Hands the core's events to the application, then arms the core's deadline. */
  function deliver(): void {
    if (delivering || closed) return;
    delivering = true;
    try {
      for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) {
        warmDialog(e);
        onSessionEvent(e, rt.now());
      }
    } finally {
      delivering = false;
    }
    arm();
  }

  /** Locates the next hop of a new dialog in the background, for its in-dialog requests. */
  function warmDialog(e: SessionEvent<Flow>): void {
    if (e.type !== "progress" && e.type !== "answered" && e.type !== "incoming") return;
    const d = e.session.dialog;
    if (d !== undefined) hops.warm(d.nextHop);
  }

  function arm(): void {
    if (closed) return;
    const at = c.pollTimeout();
    // A timer armed for no later than the deadline stays: when it fires the core is asked again,
    // so a deadline that moved later (the earliest of them answered) costs no clear and re-arm.
    if (timer !== undefined && at !== undefined && timerAt! <= at) return;
    if (at === timerAt) return;
    if (timer !== undefined) rt.clearTimer(timer);
    timer = undefined;
    timerAt = at;
    if (at === undefined) return;
    timer = rt.setTimer(Math.max(0, at - rt.now()), fire);
  }

  function fire(): void {
    timer = undefined;
    if (closed) return;
    const now = rt.now();
    if (!yielded && timerAt !== undefined && now - timerAt > INPUT_FIRST_AFTER_MS) {
      // Held past the deadline: read what arrived meanwhile first (an ACK that stops the 2xx's
      // retransmission, §13.3.1.4), one turn of the event loop later.
      yielded = true;
      timer = rt.setTimer(0, fire);
      return;
    }
    yielded = false;
    timerAt = undefined;
    handling = true;
    try {
      c.handleTimeout(now);
    } finally {
      handling = false;
    }
    flush();
  }

  /** The core made output outside the endpoint's loop (a session call after an await): drain it this turn. */
  function schedule(): void {
    if (delivering || handling || scheduled || closed) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      flush();
    });
  }

  function flush(): void {
    deliver();
    endpoint.flush();
    deliver();
  }

  /** Locates the next hop of a new request outside any dialog, then sends it (at once when nothing needs locating). */
  async function located<T>(nextHop: string, send: () => T): Promise<T> {
    const pending = hops.prepare(nextHop);
    if (pending !== undefined) await pending;
    const result = send();
    flush();
    return result;
  }

  return {
    endpoint,
    core: c,
    listeningPoints: points,
    invite: (init) => located(initialNextHop(init), () => c.invite(init, rt.now())),
    request: (init) => located(initialNextHop(init), () => c.request(init, rt.now())),
    respond(event, status, init) {
      c.respond(event, status, rt.now(), init);
      flush();
    },
    contact,
    setPublicAddress(address) {
      publicAddress = address;
      contacts.clear();
    },
    now: () => rt.now(),
    flush,
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) rt.clearTimer(timer);
      timer = undefined;
      await endpoint.close();
    },
  };
}
