import { formatVia } from "../sip/index.ts";
import type { SipRequest, Via } from "../sip/index.ts";
import { defaultPort, hostPort, isIpLiteral, isIpv6, isUnspecified, normalizeHost, unbracket } from "./address.ts";
import { TransportError } from "./errors.ts";
import type { Address, ListeningPoint, TransportProtocol } from "./types.ts";
import { clientVia, replaceTopVia } from "./via.ts";

/**
 * The listening points of a transport (RFC 3261 §18: "a transport layer ... listening on an address
 * and port") and what they decide on the client side: which one a request leaves from, the sent-by
 * it writes in the top Via (§18.1.1), and which sent-by values are ours, the test a response must
 * pass (§18.1.2).
 */
export class ListeningPoints {
  private readonly points = new Map<number, ListeningPoint>();
  /** Every `host:port` this transport writes as sent-by. */
  private readonly sentBys = new Set<string>();

  constructor(
    /** sent-by of WebSocket clients without a listening point (RFC 7118 §5.2). */
    private readonly wsViaHost: string,
    /** Ask for `rport` on UDP (RFC 3581 §3). */
    private readonly rport: boolean,
    private readonly newBranch: () => string,
  ) {}

  /** Registers a bound listening point; `advertised` is what Via says when it differs. */
  add(id: number, transport: TransportProtocol, local: Address, advertised?: { host?: string | undefined; port?: number | undefined }): ListeningPoint {
    const host = advertised?.host ?? local.host;
    if (isUnspecified(host)) {
      throw new TransportError("NO_LISTENING_POINT", `listening on ${local.host} needs an advertisedHost for Via`);
    }
    const lp: ListeningPoint = {
      id,
      transport,
      local: { host: unbracket(local.host), port: local.port },
      sentByHost: unbracket(host),
      sentByPort: advertised?.port ?? local.port,
    };
    this.points.set(id, lp);
    this.sentBys.add(hostPort(normalizeHost(lp.sentByHost), lp.sentByPort));
    return lp;
  }

  remove(id: number): void {
    this.points.delete(id);
  }

  get(id: number): ListeningPoint | undefined {
    return this.points.get(id);
  }

  list(): ListeningPoint[] {
    return [...this.points.values()];
  }

  /** A listening point of `transport` in the family of `host` (for Via and for sending). */
  pick(transport: TransportProtocol, host: string): ListeningPoint | undefined {
    const v6 = isIpLiteral(host) ? isIpv6(host) : undefined;
    let any: ListeningPoint | undefined;
    for (const lp of this.points.values()) {
      if (lp.transport !== transport) continue;
      if (v6 === undefined || isIpv6(lp.local.host) === v6) return lp;
      any ??= lp;
    }
    return v6 === undefined ? any : undefined;
  }

  /**
   * RFC 3261 §18.1.2: "If the value of the sent-by parameter in that header field value does not
   * correspond to a value that the client transport is configured to insert into requests, the
   * response MUST be silently discarded."
   */
  isOurs(via: Via): boolean {
    return this.sentBys.has(hostPort(normalizeHost(via.host), via.port ?? defaultPort(via.transport)));
  }

  /** §18.1.1: the transport fills in sent-by and the transport; the branch stays the TU's. */
  fillVia(request: SipRequest, transport: TransportProtocol, host: string): void {
    const lp = this.pick(transport, host) ?? this.pick(transport, "");
    let sentByHost: string;
    let sentByPort: number | undefined;
    if (lp) {
      sentByHost = lp.sentByHost;
      sentByPort = lp.sentByPort;
    } else if (transport === "WS" || transport === "WSS") {
      // RFC 7118 §5.2: a WebSocket client cannot be reached at an address of its own.
      sentByHost = this.wsViaHost;
      sentByPort = undefined;
    } else {
      // A client-only stream transport: responses come back on the connection (§18.2.2).
      const other = this.list().find((p) => isIpv6(p.sentByHost) === isIpv6(host)) ?? this.points.values().next().value;
      sentByHost = other?.sentByHost ?? this.wsViaHost;
      sentByPort = undefined;
    }
    this.sentBys.add(hostPort(normalizeHost(sentByHost), sentByPort ?? defaultPort(transport)));
    let existing: Via | undefined;
    try {
      existing = request.topVia;
    } catch {
      existing = undefined;
    }
    const via = clientVia(existing, transport, sentByHost, sentByPort, transport === "UDP" && this.rport, this.newBranch);
    if (existing) replaceTopVia(request, via);
    else request.addHeader("Via", formatVia(via), { prepend: true });
  }
}
