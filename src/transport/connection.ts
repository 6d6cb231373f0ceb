import type { SipMessage, SipStreamFramer } from "../sip/index.ts";
import { normalizeHost } from "./address.ts";
import type { Address, Flow, TransportProtocol } from "./types.ts";

/** How long an outbound connection may take to open. */
export const CONNECT_TIMEOUT = 10_000;

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
  readonly listeningPoint: number | undefined;
  state: "connecting" | "open";
  /** TCP and TLS only: WebSocket messages arrive framed. */
  framer: SipStreamFramer | undefined;
  pending: Pending[];
  /** Last SIP message either way (idle close). */
  lastMessage: number;
  /** Last bytes either way (keep-alive). */
  lastActivity: number;
  pingSentAt: number | undefined;
  /** Since when an incomplete message sits in the framer (slowloris). */
  partialSince: number | undefined;
  openedAt: number;
}

/** The timeouts that apply to connections (milliseconds; keepAlive 0 = no pings). */
export interface ConnectionTiming {
  idleTimeout: number;
  keepAlive: number;
  pongTimeout: number;
  partialTimeout: number;
}

/** Connection reuse key (RFC 3261 §18: reuse a connection to the same peer and transport). */
export function connectionKey(transport: TransportProtocol, host: string, port: number): string {
  return `${transport} ${normalizeHost(host)} ${port}`;
}

/** What is due on a connection at `now`, most severe first. */
export type ConnectionDue = "connect-timeout" | "pong-timeout" | "slowloris" | "idle" | "ping" | undefined;

export function connectionDue(conn: Connection, now: number, t: ConnectionTiming): ConnectionDue {
  if (conn.state === "connecting") return now - conn.openedAt >= CONNECT_TIMEOUT ? "connect-timeout" : undefined;
  // RFC 5626 §4.4.1: no pong within 10 seconds means the flow failed.
  if (conn.pingSentAt !== undefined && now - conn.pingSentAt >= t.pongTimeout) return "pong-timeout";
  if (conn.partialSince !== undefined && now - conn.partialSince >= t.partialTimeout) return "slowloris";
  if (now - conn.lastMessage >= t.idleTimeout) return "idle";
  if (sendsPings(conn, t) && conn.pingSentAt === undefined && now - conn.lastActivity >= t.keepAlive) return "ping";
  return undefined;
}

/** The earliest time something may be due on the connection. */
export function connectionDeadline(conn: Connection, t: ConnectionTiming): number {
  if (conn.state === "connecting") return conn.openedAt + CONNECT_TIMEOUT;
  let at = conn.lastMessage + t.idleTimeout;
  if (conn.pingSentAt !== undefined) at = Math.min(at, conn.pingSentAt + t.pongTimeout);
  else if (sendsPings(conn, t)) at = Math.min(at, conn.lastActivity + t.keepAlive);
  if (conn.partialSince !== undefined) at = Math.min(at, conn.partialSince + t.partialTimeout);
  return at;
}

/** RFC 5626 §4.4.1: the client side of a TCP/TLS flow sends the CRLFCRLF pings. */
export function sendsPings(conn: Connection, t: ConnectionTiming): boolean {
  return conn.outbound && conn.framer !== undefined && t.keepAlive > 0;
}
