import type { SipMessage, SipStreamFramer } from "../sip/index.ts";
import { normalizeHost } from "./address.ts";
import type { Address, Flow, TransportProtocol } from "./types.ts";
import type { WebSocketSession } from "./websocket.ts";

/** A message waiting for its connection to open. */
export interface Pending {
  data: Uint8Array;
  message: SipMessage | undefined;
  flow: Flow;
  tag: unknown;
}

/** A TCP, TLS, WS or WSS connection as the transport core tracks it. */
export interface Connection {
  readonly id: number;
  readonly transport: TransportProtocol;
  /** True when we opened it (we then send the keep-alive pings). */
  readonly outbound: boolean;
  readonly remote: Address;
  /** Reuse key: transport and peer address. */
  readonly key: string;
  /** Inbound: the source the per-address limit counts it under; undefined for outbound ones. */
  readonly source: string | undefined;
  readonly listeningPoint: number | undefined;
  /** `connecting` until the stream (and for WS/WSS the WebSocket handshake) is up. */
  state: "connecting" | "open";
  /** TCP and TLS: SIP framing by Content-Length (RFC 3261 §18.3). */
  readonly framer: SipStreamFramer | undefined;
  /** WS and WSS: the WebSocket handshake and framing (RFC 6455, RFC 7118). */
  readonly ws: WebSocketSession | undefined;
  pending: Pending[];
  /** Last SIP message either way (idle close). */
  lastMessage: number;
  /** Last bytes either way (keep-alive). */
  lastActivity: number;
  pingSentAt: number | undefined;
  /** Since when an incomplete message sits in the framer (slowloris). */
  partialSince: number | undefined;
  openedAt: number;
  /** Inbound: no complete SIP message has arrived yet (the first-message deadline applies). */
  silent: boolean;
  /** After a framing error: the close is due then; nothing more is read, answers still go out. */
  closingAt: number | undefined;
}

/** The timeouts that apply to connections (milliseconds; keepAlive 0 = no pings). */
export interface ConnectionTiming {
  idleTimeout: number;
  keepAlive: number;
  pongTimeout: number;
  partialTimeout: number;
  firstMessageTimeout: number;
  connectTimeout: number;
}

/** Connection reuse key (RFC 3261 §18: reuse a connection to the same peer and transport). */
export function connectionKey(transport: TransportProtocol, host: string, port: number): string {
  return `${transport} ${normalizeHost(host)} ${port}`;
}

/** What is due on a connection at `now`, most severe first. */
export type ConnectionDue =
  | "linger"
  | "connect-timeout"
  | "first-message-timeout"
  | "pong-timeout"
  | "slowloris"
  | "idle"
  | "ping"
  | undefined;

/** What is due on `conn` at `now`. */
export function connectionDue(conn: Connection, now: number, t: ConnectionTiming): ConnectionDue {
  if (conn.closingAt !== undefined) return now >= conn.closingAt ? "linger" : undefined;
  if (conn.state === "connecting") return now - conn.openedAt >= t.connectTimeout ? "connect-timeout" : undefined;
  // An accepted connection must deliver a whole SIP message soon: that bounds the TLS handshake,
  // the WebSocket upgrade and a silent or trickling peer, far below the idle timeout.
  if (conn.silent && now - conn.openedAt >= t.firstMessageTimeout) return "first-message-timeout";
  // RFC 5626 §4.4.1: no pong within 10 seconds means the flow failed.
  if (conn.pingSentAt !== undefined && now - conn.pingSentAt >= t.pongTimeout) return "pong-timeout";
  if (conn.partialSince !== undefined && now - conn.partialSince >= t.partialTimeout) return "slowloris";
  if (now - conn.lastMessage >= t.idleTimeout) return "idle";
  if (sendsPings(conn, t) && conn.pingSentAt === undefined && now - conn.lastActivity >= t.keepAlive) return "ping";
  return undefined;
}

/** The earliest time something may be due on the connection. */
export function connectionDeadline(conn: Connection, t: ConnectionTiming): number {
  if (conn.closingAt !== undefined) return conn.closingAt;
  if (conn.state === "connecting") return conn.openedAt + t.connectTimeout;
  let at = conn.lastMessage + t.idleTimeout;
  if (conn.silent) at = Math.min(at, conn.openedAt + t.firstMessageTimeout);
  if (conn.pingSentAt !== undefined) at = Math.min(at, conn.pingSentAt + t.pongTimeout);
  else if (sendsPings(conn, t)) at = Math.min(at, conn.lastActivity + t.keepAlive);
  if (conn.partialSince !== undefined) at = Math.min(at, conn.partialSince + t.partialTimeout);
  return at;
}

/**
 * The client side of a flow sends the keep-alive pings: CRLFCRLF on TCP and TLS (RFC 5626
 * §4.4.1), a WebSocket ping on WS and WSS (RFC 6455 §5.5.2).
 */
export function sendsPings(conn: Connection, t: ConnectionTiming): boolean {
  return conn.outbound && t.keepAlive > 0;
}
