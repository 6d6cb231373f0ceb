/**
 * Runs a session core (src/session) on a driver endpoint (src/driver): the endpoint's transaction
 * layer is handed to the core, its transaction events go to the core, requests are routed with the
 * endpoint's `prepareRequest` (RFC 3261 §8.1.2: next hop = first Route, else the remote target;
 * IP literals only — no DNS on this synchronous path), our Contact is the listening point the flow
 * uses, and the core's own deadline is armed on the runtime's clock. Used by
 * `examples/answer-server.ts` and by its test; every runtime API comes through the Runtime record.
 */
import type { Runtime } from "../runtimes/index.ts";
import { createSipEndpoint, type ListenOptions, type SipEndpoint } from "../src/driver/index.ts";
import type { TransactionLayerOptions } from "../src/transaction/index.ts";
import { createSessionCore, type SessionCore, type SessionCoreOptions, type SessionEvent } from "../src/session/index.ts";
import { parseUri } from "../src/sip/index.ts";
import { bracket, defaultPort, isIpLiteral, type Flow, type TransportProtocol } from "../src/transport/index.ts";

/** Options of {@link createSessionEndpoint}. */
export interface SessionEndpointOptions extends Omit<SessionCoreOptions<Flow>, "transport" | "transactions"> {
  /** The runtime record (`await loadRuntime()`). */
  runtime: Runtime;
  /** Options of the endpoint's transaction layer (limits, timers). */
  transactions?: TransactionLayerOptions;
  /** The listening points to open. */
  listen: ListenOptions[];
  /** The user part of our Contact. Default `siphon`. */
  user?: string;
  /** Every session event, after the core made it; call session methods with `now`. */
  onSessionEvent(event: SessionEvent<Flow>, now: number): void;
  /** Transport failures the endpoint reports. */
  onTransportError?(message: string): void;
}

/** A session core running on a driver endpoint. */
export interface SessionEndpoint {
  /** The driver endpoint (sockets, transport and transaction layers). */
  readonly endpoint: SipEndpoint;
  /** The session core running on it. */
  readonly core: SessionCore<Flow>;
  /** Monotonic ms of the runtime. */
  now(): number;
  /** Drains the core's events and the endpoint's outputs, and re-arms the core's timer: call it after session calls. */
  flush(): void;
  /** Stops the core's timer and closes the endpoint. */
  close(): Promise<void>;
}

/** Where a request goes when its next hop is `uri` (a SIP URI with an IP literal host). */
function targetOf(uri: string, fallback: TransportProtocol): { transport: TransportProtocol; host: string; port: number } | undefined {
  let parsed;
  try {
    parsed = parseUri(uri.startsWith("<") ? uri.slice(1, uri.indexOf(">")) : uri);
  } catch {
    return undefined;
  }
  if (parsed.scheme !== "sip" && parsed.scheme !== "sips") return undefined;
  const u = parsed as { host: string; port?: number; params: Record<string, string | null> };
  if (!isIpLiteral(u.host)) return undefined;
  const param = u.params["transport"]?.toUpperCase();
  const transport = (param === "UDP" || param === "TCP" || param === "TLS" || param === "WS" || param === "WSS"
    ? param
    : parsed.scheme === "sips" ? "TLS" : fallback) as TransportProtocol;
  return { transport, host: u.host, port: u.port ?? defaultPort(transport) };
}

/** Opens the listening points and runs a session core on them. */
export async function createSessionEndpoint(options: SessionEndpointOptions): Promise<SessionEndpoint> {
  const rt = options.runtime;
  const user = options.user ?? "siphon";
  let core: SessionCore<Flow> | undefined;
  let timer: unknown;
  let timerAt: number | undefined;
  let flushing = false;
  const endpoint = await createSipEndpoint({
    runtime: rt,
    listen: options.listen,
    transactions: options.transactions ?? true,
    onTransactionEvent(event) {
      core?.handleTransactionEvent(event, rt.now());
      drain();
    },
    transportUser: {
      transportFailed(error) {
        options.onTransportError?.(`${error.code} ${error.message}`);
      },
    },
  });
  const points = endpoint.listeningPoints;
  const fallback = points[0]?.transport ?? "UDP";
  const { runtime: _runtime, listen: _listen, transactions: _transactions, ...sessionOptions } = options;
  core = createSessionCore<Flow>({
    ...sessionOptions,
    transactions: endpoint.transactions!,
    transport: {
      route(request, nextHop) {
        const target = targetOf(nextHop, fallback);
        if (target === undefined) return undefined;
        try {
          return endpoint.prepareRequest(request, target);
        } catch {
          return undefined;
        }
      },
      contact(flow) {
        // §8.1.1.8: a URI the peer can reach us at, on the transport the dialog uses.
        const lp = points.find((p) => p.id === flow.listeningPoint) ?? points.find((p) => p.transport === flow.transport) ?? points[0]!;
        const t = lp.transport === "UDP" ? "" : `;transport=${lp.transport.toLowerCase()}`;
        return `sip:${user}@${bracket(lp.sentByHost)}:${lp.sentByPort}${t}`;
      },
    },
  });

  /** Hands the core's events to the application, then arms one timer for the core's next deadline. */
  function drain(): void {
    if (flushing || core === undefined) return;
    flushing = true;
    try {
      for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) options.onSessionEvent(e, rt.now());
    } finally {
      flushing = false;
    }
    arm();
  }

  function arm(): void {
    const at = core!.pollTimeout();
    if (at === timerAt) return;
    if (timer !== undefined) rt.clearTimer(timer);
    timer = undefined;
    timerAt = at;
    if (at === undefined) return;
    timer = rt.setTimer(Math.max(0, at - rt.now()), () => {
      timer = undefined;
      timerAt = undefined;
      core!.handleTimeout(rt.now());
      flush();
    });
  }

  function flush(): void {
    drain();
    endpoint.flush();
    drain();
  }

  return {
    endpoint,
    core,
    now: () => rt.now(),
    flush,
    async close() {
      if (timer !== undefined) rt.clearTimer(timer);
      timer = undefined;
      await endpoint.close();
    },
  };
}
