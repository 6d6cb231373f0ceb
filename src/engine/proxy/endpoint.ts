import { createSipEndpoint } from "../../driver/index.ts";
import type { DriverRuntime, ListenOptions, SipEndpoint, SipEndpointOptions, TimerHandle } from "../../driver/index.ts";
import { NextHops } from "../../driver/next-hops.ts";
import type { SipUri } from "../../sip/index.ts";
import type { TransactionEvent, TransactionLayerOptions } from "../../transaction/index.ts";
import { bracket, defaultPort, unbracket } from "../../transport/index.ts";
import type { Flow, ListeningPoint, LocateOptions, Target, TransportProtocol } from "../../transport/index.ts";
import { createProxyCore } from "./core.ts";
import type { ProxyCore } from "./core.ts";
import type { ProxyEvent } from "./events.ts";
import type { ProxyCoreOptions, ProxyTransport } from "./options.ts";

/** Options of {@link attachProxy}: the proxy core's, and how the endpoint's side of it behaves. */
export interface AttachProxyOptions extends Omit<ProxyCoreOptions<Flow>, "transport" | "transactions" | "onOutput"> {
  /**
   * Host names (and addresses) that name this proxy besides its listening points' (RFC 3261 §16.4:
   * a Route or Request-URI naming one of them is the proxy's own). Lower case.
   */
  aliases?: readonly string[];
  /** How host names of next hops are located (RFC 3263); transports in order of preference. */
  locate?: LocateOptions;
  /** Every {@link ProxyEvent}, with the runtime's `now`. */
  onProxyEvent?(event: ProxyEvent<Flow>, now: number): void;
}

/** A proxy core running on a SIP endpoint: see {@link attachProxy}. */
export interface ProxyAttachment {
  /** The proxy core (counters, `contextCount`, `branchCount`). */
  readonly core: ProxyCore<Flow>;
  /** Hands one transaction event of the endpoint to the proxy (what `onTransactionEvent` should call). */
  handleTransactionEvent(event: TransactionEvent<Flow>): void;
  /** Stops the proxy's timer (Timer C); the endpoint stays open. */
  detach(): void;
}

/**
 * Runs a proxy core on an existing endpoint (made with `transactions: { checks: false, autoCancel:
 * false }`, RFC 3261 §16.3 and §16.10 being the proxy's), for a server that also runs a registrar
 * on it: its `onTransactionEvent` hands the proxy the events the proxy is to handle. Next hops
 * with a numeric host go out at once; a host name is located (RFC 3263) in the background, and the
 * request that met it first counts it unreachable (RFC 3261 §16.9). Record-Route names the
 * listening point of each side's flow, its transport in the `transport` parameter.
 */
export function attachProxy(endpoint: SipEndpoint, options: AttachProxyOptions): ProxyAttachment {
  const rt = endpoint.runtime;
  const points = endpoint.listeningPoints;
  const hops = new NextHops((uri) => endpoint.locate(uri, locateOptions()), () => rt.now());
  const udp = points.some((p) => p.transport === "UDP");
  const aliases = new Set((options.aliases ?? []).map((a) => unbracket(a.toLowerCase())));
  const ours = new Set<string>();
  for (const p of points) {
    for (const h of [p.sentByHost, p.local.host]) ours.add(`${unbracket(h.toLowerCase())}:${p.sentByPort}`).add(`${unbracket(h.toLowerCase())}:${p.local.port}`);
  }
  const ports = new Set(points.flatMap((p) => [p.sentByPort, p.local.port]));
  const recordRoutes = new Map<string, string>();
  let timer: TimerHandle | undefined;
  let timerAt: number | undefined;
  let detached = false;

  function locateOptions(): LocateOptions {
    if (options.locate?.transports !== undefined) return options.locate;
    const transports: TransportProtocol[] = udp ? ["UDP", "TCP", "TLS"] : ["TCP", "TLS"];
    return { ...options.locate, transports };
  }

  function prepare(request: Parameters<SipEndpoint["prepareRequest"]>[0], target: Target): Flow | undefined {
    // A UDP target without a UDP listening point goes over TCP to the same address and port.
    const t = target.transport === "UDP" && !udp ? { ...target, transport: "TCP" as const } : target;
    try {
      return endpoint.prepareRequest(request, t);
    } catch {
      return undefined;
    }
  }

  function pointOf(flow: Flow): ListeningPoint | undefined {
    return points.find((p) => p.id === flow.listeningPoint) ?? points.find((p) => p.transport === flow.transport) ?? points[0];
  }

  const transport: ProxyTransport<Flow> = {
    route(request, nextHop, flow) {
      if (flow !== undefined) {
        // RFC 5626 §5.3: a binding's flow: over that connection (or back to that address).
        const target: Target = { transport: flow.transport, host: flow.remote.host, port: flow.remote.port };
        if (flow.hostname !== undefined) target.hostname = flow.hostname;
        return prepare(request, target);
      }
      const target = hops.targets(nextHop)?.[0];
      if (target === undefined) {
        hops.warm(nextHop);
        return undefined;
      }
      return prepare(request, target);
    },
    recordRoute(flow) {
      const lp = pointOf(flow);
      const t = lp?.transport ?? flow.transport;
      const key = `${lp?.id}/${t}`;
      let uri = recordRoutes.get(key);
      if (uri === undefined) {
        const host = lp?.sentByHost ?? "invalid";
        // RFC 3261 §16.6 step 4 / RFC 5658: the URI of this side, its transport explicit.
        uri = `sip:${bracket(host)}${lp === undefined ? "" : `:${lp.sentByPort}`}${t === "UDP" ? "" : `;transport=${t.toLowerCase()}`}`;
        recordRoutes.set(key, uri);
      }
      return uri;
    },
    isLocal(uri: SipUri) {
      const host = unbracket(uri.host.toLowerCase());
      // A port that is none of ours names another SIP entity on one of our addresses — a call
      // engine on 127.0.0.1, a phone on this host — and requests for it (an ACK for its 2xx, a
      // BYE) must go on to it (RFC 3261 §16.4, §19.1.4: URIs with different ports differ).
      if (uri.port !== undefined) return ours.has(`${host}:${uri.port}`) || (aliases.has(host) && ports.has(uri.port));
      return aliases.has(host) || ours.has(`${host}:${defaultPort(uri.scheme === "sips" ? "TLS" : "UDP")}`);
    },
  };

  const { aliases: _a, locate: _l, onProxyEvent, ...coreOptions } = options;
  const core = createProxyCore<Flow>({ ...coreOptions, transport, transactions: endpoint.transactions!, events: onProxyEvent !== undefined });

  function drain(): void {
    if (onProxyEvent !== undefined) for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) onProxyEvent(e, rt.now());
    arm();
  }

  /** One runtime timer for the core's next deadline (Timer C). */
  function arm(): void {
    const at = core.pollTimeout();
    if (at === timerAt || detached) return;
    if (timer !== undefined) rt.clearTimer(timer);
    timer = undefined;
    timerAt = at;
    if (at === undefined) return;
    timer = rt.setTimer(Math.max(0, at - rt.now()), () => {
      timer = undefined;
      timerAt = undefined;
      if (detached) return;
      core.handleTimeout(rt.now());
      endpoint.flush();
      drain();
    });
  }

  return {
    core,
    handleTransactionEvent(event) {
      if (detached) return;
      core.handleTransactionEvent(event, rt.now());
      drain();
    },
    detach() {
      detached = true;
      if (timer !== undefined) rt.clearTimer(timer);
      timer = undefined;
    },
  };
}

/** Options of {@link createProxyEndpoint}: the proxy's and the endpoint's. */
export interface ProxyEndpointOptions extends AttachProxyOptions {
  /** The runtime record (`await loadRuntime()` from `@siphon/siphon/runtimes`, or any {@link DriverRuntime}). */
  runtime: DriverRuntime;
  /** The listening points to open (UDP, TCP, TLS, WS, WSS). */
  listen: ListenOptions[];
  /** Options of the endpoint's transaction layer (limits, timers); `checks` and `autoCancel` are the proxy's. */
  transactions?: Omit<TransactionLayerOptions, "checks" | "autoCancel" | "onOutput">;
  /** The transport core's options, outbound TLS trust, overload control (see `createSipEndpoint`). */
  endpoint?: Omit<SipEndpointOptions, "runtime" | "listen" | "transactions" | "transactionUser" | "onTransactionEvent">;
}

/** A stateful proxy on its own SIP endpoint. */
export interface ProxyEndpoint {
  /** The SIP endpoint underneath (sockets, transport and transaction layers, overload state). */
  readonly endpoint: SipEndpoint;
  /** The proxy core. */
  readonly core: ProxyCore<Flow>;
  /** The bound listening points (ports resolved). */
  readonly listeningPoints: readonly ListeningPoint[];
  /** Closes the endpoint. */
  close(): Promise<void>;
}

/**
 * Opens the listening points and runs a stateful proxy (RFC 3261 §16) on them.
 *
 * ```ts
 * const proxy = await createProxyEndpoint({
 *   runtime: await loadRuntime(),
 *   listen: [{ transport: "UDP", host: "192.0.2.10", port: 5060 }, { transport: "TCP", host: "192.0.2.10", port: 5060 }],
 *   domains: ["example.com"],
 *   location: registrar,        // anything with lookup(aor, now)
 * });
 * ```
 */
export async function createProxyEndpoint(options: ProxyEndpointOptions): Promise<ProxyEndpoint> {
  let attached: ProxyAttachment | undefined;
  const early: TransactionEvent<Flow>[] = [];
  const { runtime, listen, transactions, endpoint: endpointOptions, ...proxyOptions } = options;
  const endpoint = await createSipEndpoint({
    ...endpointOptions,
    runtime,
    listen,
    transactions: { ...transactions, checks: false, autoCancel: false },
    onTransactionEvent(event) {
      if (attached === undefined) {
        if (early.length < 1024) early.push(event);
        return;
      }
      attached.handleTransactionEvent(event);
    },
  });
  const a = attachProxy(endpoint, proxyOptions);
  attached = a;
  for (const e of early.splice(0)) a.handleTransactionEvent(e);
  endpoint.flush();
  return {
    endpoint,
    core: a.core,
    listeningPoints: endpoint.listeningPoints,
    async close() {
      a.detach();
      await endpoint.close();
    },
  };
}
