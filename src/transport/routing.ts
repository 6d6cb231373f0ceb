import type { Via } from "../sip/index.ts";
import { defaultPort, isMulticast, isReliable, normalizeHost } from "./address.ts";
import type { TransportProtocol } from "./types.ts";

/** Where RFC 3261 §18.2.2 sends a response. */
export type ResponseRoute =
  /** On the connection the request came in on. */
  | { readonly kind: "connection" }
  /**
   * To an address (an IP literal, or a name that would need RFC 3263 §5 resolution).
   * `maddrIgnored` when the Via named a `maddr` that was not honoured.
   */
  | {
    readonly kind: "address";
    readonly transport: TransportProtocol;
    readonly host: string;
    readonly port: number;
    readonly maddrIgnored?: boolean;
  }
  | { readonly kind: "none"; readonly reason: string };

/**
 * RFC 3261 §18.2.2 with RFC 3581 §4: the destination of a response from its top Via, given whether
 * the connection of the original request is still open and where the request came from.
 *
 * `maddr` is honoured only where it cannot turn the server into a reflector: a multicast group (what
 * §18.2.2 has it for: "the response MUST be forwarded to the address listed there" is how a request
 * sent to a multicast group gets its answers back) or the request's own source. Any other `maddr`
 * would let a datagram naming a third party's address send that party the response and, for an
 * INVITE, up to ten Timer G retransmissions of it; such a `maddr` is ignored and the response follows
 * the rules below it (received, rport, sent-by).
 */
export function responseRoute(via: Via, connectionOpen: boolean, source: string): ResponseRoute {
  const transport = via.transport.toUpperCase() as TransportProtocol;
  if (isReliable(transport)) {
    // "If the 'sent-protocol' is a reliable transport protocol such as TCP or SCTP, or TLS over
    // those, the response MUST be sent using the existing connection to the source of the original
    // request that created the transaction, if that connection is still open."
    if (connectionOpen) return { kind: "connection" };
    if (transport === "WS" || transport === "WSS") {
      // RFC 7118 §5.3: a server cannot open a connection back to a WebSocket client.
      return { kind: "none", reason: "the WebSocket connection of the request is closed" };
    }
    // "If that connection is no longer open, the server SHOULD open a connection to the IP address
    // in the 'received' parameter, if present, using the port in the 'sent-by' value, or the
    // default port for that transport, if no port is specified."
    return { kind: "address", transport, host: via.received ?? via.host, port: via.port ?? defaultPort(transport) };
  }
  const maddr = via.params["maddr"];
  const hasMaddr = typeof maddr === "string" && maddr !== "";
  if (hasMaddr && (isMulticast(maddr) || normalizeHost(maddr) === normalizeHost(source))) {
    // "Otherwise, if the Via header field value contains a 'maddr' parameter, the response MUST be
    // forwarded to the address listed there, using the port indicated in 'sent-by', or port 5060."
    return { kind: "address", transport: "UDP", host: maddr, port: via.port ?? 5060 };
  }
  const ignored = hasMaddr ? { maddrIgnored: true } : {};
  if (typeof via.rport === "number") {
    // RFC 3581 §4: "the response MUST be sent to the IP address listed in the 'received' parameter,
    // and the port in the 'rport' parameter", from the address and port the request arrived on.
    return { kind: "address", transport: "UDP", host: via.received ?? via.host, port: via.rport, ...ignored };
  }
  if (via.received !== undefined) {
    // "Otherwise (for unreliable unicast transports), if the top Via has a 'received' parameter, the
    // response MUST be sent to the address in the 'received' parameter, using the port indicated in
    // the 'sent-by' value, or using port 5060 if none is specified explicitly."
    return { kind: "address", transport: "UDP", host: via.received, port: via.port ?? 5060, ...ignored };
  }
  // "Otherwise, if it is not receiver-tagged, the response MUST be sent to the address indicated by
  // the 'sent-by' value, using the procedures in Section 5 of [4]" (RFC 3263).
  return { kind: "address", transport: "UDP", host: via.host, port: via.port ?? 5060, ...ignored };
}
