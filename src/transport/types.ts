import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { TransportError } from "./errors.ts";

/** A SIP transport as written in Via (RFC 3261 §20.42; RFC 7118 §5 for WS and WSS). */
export type TransportProtocol = "UDP" | "TCP" | "TLS" | "WS" | "WSS";

/** An IP literal (IPv6 without brackets) and a port. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/**
 * Where a message travels: the transport, the peer, and (when known) the listening point and the
 * connection. Server transactions keep the flow a request arrived on and answer on it; the
 * transaction layer reads `transport` and `reliable` only (it satisfies its `TransactionFlow`).
 */
export interface Flow {
  readonly transport: TransportProtocol;
  /** True for TCP, TLS, WS, WSS. */
  readonly reliable: boolean;
  /** The peer: the packet source for inbound messages, the resolved target for outbound ones. */
  readonly remote: Address;
  /** Id of the listening point the message arrived on or leaves from. */
  readonly listeningPoint?: number | undefined;
  /** Id of the connection (stream and WebSocket transports). */
  readonly connection?: number | undefined;
  /** The target's host name, for the TLS certificate check and the WebSocket URL; default `remote.host`. */
  readonly hostname?: string | undefined;
  /** Resource path for a WebSocket connection (RFC 7118 §4.1); default `/`. */
  readonly path?: string | undefined;
}

/** A listening point to open (RFC 3261 §18: "a transport layer ... listening on an address and port"). */
export interface ListeningPointOptions {
  transport: TransportProtocol;
  /** Bind address (IP literal). */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /**
   * The host to write in Via sent-by (and Contact) when it differs from the bind address: needed
   * when binding to 0.0.0.0 or ::, or behind a static NAT.
   */
  advertisedHost?: string;
  advertisedPort?: number;
}

/** An open listening point. */
export interface ListeningPoint {
  readonly id: number;
  readonly transport: TransportProtocol;
  /** The bound address (port 0 resolved). */
  readonly local: Address;
  /** sent-by host written in Via. */
  readonly sentByHost: string;
  /** sent-by port written in Via. */
  readonly sentByPort: number;
}

/** Options of the transport core; every timeout in milliseconds. */
export interface TransportOptions {
  /**
   * Largest request sent over UDP. RFC 3261 §18.1.1: a request "within 200 bytes of the path MTU, or
   * larger than 1300 bytes and the path MTU is unknown" goes over a congestion-controlled transport
   * (TCP). Default 1300 (unknown MTU); set `pathMtu` instead when the MTU is known.
   */
  udpMaxRequestSize?: number;
  /** Known path MTU: the UDP limit becomes `pathMtu - 200`. */
  pathMtu?: number;
  /** Most connections (inbound and outbound) at once; further inbound ones are refused. Default 1024. */
  maxConnections?: number;
  /**
   * Most inbound connections from one address (an IPv6 peer counts by its /64 prefix), so that one
   * peer cannot take every connection. Default 128.
   */
  maxConnectionsPerAddress?: number;
  /**
   * Close an accepted connection that has not delivered a complete SIP message this long after it
   * was accepted: it bounds the TLS handshake, the WebSocket upgrade and a silent peer. Default 10 000.
   */
  firstMessageTimeout?: number;
  /** Give up an outbound connection (TCP/TLS connect and WebSocket handshake) after this long. Default 10 000. */
  connectTimeout?: number;
  /** Close a connection that carried no SIP message for this long. Default 300 000. */
  idleTimeout?: number;
  /**
   * Send a CRLFCRLF ping (RFC 5626 §4.4.1) on an outbound TCP/TLS connection idle for this long.
   * Connections we accepted are only answered (the client side pings). 0 disables. Default 60 000.
   */
  keepAliveInterval?: number;
  /** A ping not answered by a pong within this is a failed flow (RFC 5626 §4.4.1: 10 s). Default 10 000. */
  pongTimeout?: number;
  /** Close a connection that holds an incomplete message for this long (slowloris). Default 30 000. */
  partialMessageTimeout?: number;
  /**
   * Size limits for parsing and framing (src/sip SipLimits). `maxMessageSize` also bounds a
   * WebSocket message, checked on the length its frames announce before any payload is buffered.
   */
  maxMessageSize?: number;
  maxHeaders?: number;
  maxHeaderLength?: number;
  /** Most events waiting to be polled; inbound messages beyond are dropped and counted. Default 4096. */
  maxPendingEvents?: number;
  /** Add `rport` to the Via of requests sent over UDP (RFC 3581 §3). Default true. */
  rport?: boolean;
  /** Answer requests that cannot be parsed but whose request line and Via can be read with 400. Default true. */
  answerMalformed?: boolean;
  /** sent-by host for WebSocket client connections without a listening point (RFC 7118 §5.2 suggests a random `.invalid` name). */
  webSocketViaHost?: string;
  /** Random bytes (default `crypto.getRandomValues`); injectable for deterministic tests. */
  randomBytes?: (length: number) => Uint8Array;
}

/** I/O the driver must perform, drained with `pollAction()`. */
export type TransportAction =
  /** Send a datagram from listening point `listeningPoint`. */
  | { readonly type: "datagram"; readonly listeningPoint: number; readonly remote: Address; readonly data: Uint8Array }
  /**
   * Open connection `connection` to `remote`: a TCP stream for TCP and WS, a TLS stream (checked
   * against `hostname`) for TLS and WSS; answer with `handleConnected` or `handleConnectFailed`. The
   * core runs the WebSocket handshake itself.
   */
  | {
    readonly type: "connect";
    readonly connection: number;
    readonly transport: TransportProtocol;
    readonly remote: Address;
    readonly hostname: string;
    readonly path: string;
  }
  /** Write bytes on a stream connection (for WS/WSS, already WebSocket frames). */
  | { readonly type: "write"; readonly connection: number; readonly data: Uint8Array }
  /** Close a connection (idle, failed keep-alive, framing error, over a limit). */
  | { readonly type: "close"; readonly connection: number };

/** What the transport tells its user, drained with `pollEvent()`. */
export type TransportEvent =
  /** A SIP message arrived (requests carry `received`/`rport` per RFC 3261 §18.2.1 and RFC 3581 §4). */
  | { readonly type: "message"; readonly message: SipRequest | SipResponse; readonly flow: Flow }
  /**
   * A message could not be sent (RFC 3261 §18.4); `tag` is what the sender passed to `send` (the
   * transaction id, say), for `TransactionLayer.handleTransportError`.
   */
  | {
    readonly type: "error";
    readonly error: TransportError;
    readonly message?: SipRequest | SipResponse | undefined;
    readonly flow?: Flow | undefined;
    readonly tag?: unknown;
  }
  /** A connection closed; flows naming it are dead (RFC 5626 flow failure). */
  | { readonly type: "connection-closed"; readonly connection: number; readonly flow: Flow; readonly error?: unknown };

/** Counters; read freely. */
export interface TransportCounters {
  messagesIn: number;
  messagesOut: number;
  /** Datagrams / stream messages that did not parse (or whose top Via did not). */
  malformed: number;
  /** Of those, requests answered 400. */
  malformedAnswered: number;
  /** Responses whose top Via sent-by was not ours (RFC 3261 §18.1.2). */
  responsesDiscarded: number;
  /** Inbound messages dropped because the event queue was full. */
  queueDropped: number;
  connectionsOpened: number;
  /** Inbound connections refused by a limit (in total or per address). */
  connectionsRefused: number;
  /** Of those, refused because their address held its share (`maxConnectionsPerAddress`). */
  connectionsRefusedAddress: number;
  /** Accepted connections closed for delivering no complete SIP message in time. */
  firstMessageTimeouts: number;
  /** WebSocket handshakes refused (not an upgrade, no "sip" subprotocol, bad version or key). */
  webSocketRefused: number;
  connectionsClosed: number;
  /** Connections closed because of a framing error, size limit, slowloris or failed keep-alive. */
  connectionsFailed: number;
  idleClosed: number;
  pingsSent: number;
  pongsSent: number;
  /** Requests moved from UDP to TCP by the size rule of RFC 3261 §18.1.1. */
  udpToTcp: number;
  /** Responses whose Via maddr was not honoured: neither multicast nor the request's source. */
  maddrIgnored: number;
  sendErrors: number;
}
