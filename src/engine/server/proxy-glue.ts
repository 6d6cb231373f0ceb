/**
 * The proxy core (src/engine/proxy) on the server's front endpoint: its transport (next hops
 * located with RFC 3263 in the background, a binding's flow reused as RFC 5626 asks, Record-Route
 * naming the listening point of each side) and Timer C on the runtime clock. The endpoint's
 * transaction events reach it through {@link FrontProxy.handleTransactionEvent}.
 */
import type { SipEndpoint, TimerHandle } from "../../driver/index.ts";
import { NextHops } from "../../driver/next-hops.ts";
import type { RequestChallenger } from "../../session/index.ts";
import type { SipRequest, SipUri } from "../../sip/index.ts";
import type { TransactionEvent } from "../../transaction/index.ts";
import { bracket, defaultPort, unbracket } from "../../transport/index.ts";
import type { Flow, ListeningPoint, Target } from "../../transport/index.ts";
import { createProxyCore } from "../proxy/index.ts";
import type { ProxyCore, ProxyLocation } from "../proxy/index.ts";

/** The proxy on the front endpoint. */
export interface FrontProxy {
  readonly core: ProxyCore<Flow>;
  handleTransactionEvent(event: TransactionEvent<Flow>): void;
  close(): void;
}

/** Runs a proxy core on `endpoint` (made with `checks: false, autoCancel: false`). */
export function frontProxy(
  endpoint: SipEndpoint,
  o: { location: ProxyLocation<Flow>; domains: readonly string[]; aliases: readonly string[]; authenticate?: RequestChallenger },
): FrontProxy {
  const rt = endpoint.runtime;
  const points = endpoint.listeningPoints;
  const udp = points.some((p) => p.transport === "UDP");
  const hops = new NextHops((uri) => endpoint.locate(uri, { transports: udp ? ["UDP", "TCP", "TLS"] : ["TCP", "TLS"] }), () => rt.now());
  const names = new Set(o.aliases.map((a) => unbracket(a.toLowerCase())));
  const own = new Set<string>();
  for (const p of points) for (const h of [p.sentByHost, p.local.host]) own.add(`${unbracket(h.toLowerCase())}:${p.sentByPort}`);
  const ports = new Set(points.map((p) => p.sentByPort));
  const rr = new Map<number | undefined, string>();

  const prepare = (request: SipRequest, target: Target): Flow | undefined => {
    try {
      return endpoint.prepareRequest(request, target.transport === "UDP" && !udp ? { ...target, transport: "TCP" } : target);
    } catch {
      return undefined;
    }
  };
  const pointOf = (flow: Flow): ListeningPoint | undefined => points.find((p) => p.id === flow.listeningPoint) ?? points.find((p) => p.transport === flow.transport);

  const core = createProxyCore<Flow>({
    location: o.location,
    domains: o.domains,
    transactions: endpoint.transactions!,
    events: false,
    ...(o.authenticate ? { authenticate: o.authenticate } : {}),
    transport: {
      route(request, nextHop, flow) {
        // RFC 5626 §5.3: a request for an outbound binding goes over the flow it registered on.
        if (flow !== undefined) return prepare(request, { transport: flow.transport, host: flow.remote.host, port: flow.remote.port });
        const target = hops.targets(nextHop)?.[0];
        if (target === undefined) hops.warm(nextHop);
        return target === undefined ? undefined : prepare(request, target);
      },
      recordRoute(flow) {
        const lp = pointOf(flow);
        let uri = rr.get(lp?.id);
        if (uri === undefined) {
          // RFC 3261 §16.6 step 4, RFC 5658: this side's address, its transport explicit.
          const t = lp?.transport ?? flow.transport;
          uri = `sip:${bracket(lp?.sentByHost ?? "invalid")}${lp ? `:${lp.sentByPort}` : ""}${t === "UDP" ? "" : `;transport=${t.toLowerCase()}`}`;
          rr.set(lp?.id, uri);
        }
        return uri;
      },
      isLocal(uri: SipUri) {
        const host = unbracket(uri.host.toLowerCase());
        // A port that is none of ours names another SIP entity on one of our addresses — the call
        // engine on 127.0.0.1, a phone on this host — and requests for it (an ACK for its 2xx, a
        // BYE) must go on to it (RFC 3261 §16.4, §19.1.4: URIs with different ports differ).
        if (uri.port !== undefined) return own.has(`${host}:${uri.port}`) || (names.has(host) && ports.has(uri.port));
        return names.has(host) || own.has(`${host}:${defaultPort(uri.scheme === "sips" ? "TLS" : "UDP")}`);
      },
    },
  });

  let timer: TimerHandle | undefined;
  let timerAt: number | undefined;
  let closed = false;
  const arm = () => {
    const at = core.pollTimeout();
    if (at === timerAt || closed) return;
    if (timer !== undefined) rt.clearTimer(timer);
    timer = undefined;
    timerAt = at;
    if (at === undefined) return;
    timer = rt.setTimer(Math.max(0, at - rt.now()), () => {
      timer = undefined;
      timerAt = undefined;
      if (closed) return;
      core.handleTimeout(rt.now());
      endpoint.flush();
      arm();
    });
  };

  return {
    core,
    handleTransactionEvent(event) {
      if (closed) return;
      core.handleTransactionEvent(event, rt.now());
      arm();
    },
    close() {
      closed = true;
      if (timer !== undefined) rt.clearTimer(timer);
    },
  };
}
