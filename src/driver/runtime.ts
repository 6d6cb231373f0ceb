/**
 * What the driver needs from a JavaScript runtime: a clock and timers, random bytes, UDP sockets,
 * TCP and TLS streams, and DNS. The driver owns this interface; each runtime folder
 * (`runtimes/node`, `runtimes/deno`, `runtimes/bun`) fills one record of closures with its own APIs,
 * and a test fills one with a virtual clock and network. WebSocket is not here: the transport core
 * runs it over a TCP or TLS stream (RFC 6455), the same on every runtime.
 *
 * Addresses are IP literals (IPv6 without brackets) and ports. Handlers are given when a socket is
 * opened so no data can arrive before someone listens for it.
 */
import type { DnsResolver } from "../transport/index.ts";

/** The runtimes siphon knows. */
export type RuntimeName = "node" | "deno" | "bun";

/** An IP address and port. `host` is an IP literal; IPv6 is written without brackets. */
export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

/** A bound UDP socket. */
export interface DatagramSocket {
  /** The address actually bound (port 0 resolved to the assigned port). */
  readonly local: SocketAddress;
  /** Sends one datagram; failures are reported to `onError`, never thrown. */
  send(data: Uint8Array, host: string, port: number): void;
  /**
   * Where the runtime has it: fixes the socket's peer (a connected UDP socket), or frees it again
   * with `undefined`. The kernel then drops datagrams from any other address, and sends to the
   * peer skip the runtime's per-datagram address handling. A send to another address frees the
   * socket first. Until the runtime has connected it, sends go as before.
   */
  connect?(peer: SocketAddress | undefined): void;
  /** Closes the socket; the datagrams sent before still go out. */
  close(): void;
  /**
   * The kernel's receive buffer in bytes, where the runtime can read it back (Linux reports
   * twice what was asked, up to twice net.core.rmem_max).
   */
  readonly receiveBuffer?: number;
}

/** Where to bind a UDP socket, and what to ask of the kernel for it. */
export interface DatagramBindOptions {
  /** IP literal to bind. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /**
   * Bytes of kernel receive buffer to ask for. Datagrams wait there while the process is busy (a
   * garbage collection, a scheduler that gave the core to another process); each one dropped
   * when it is full costs a SIP retransmission (500 ms and more). A runtime whose fastest socket
   * cannot ask for it binds a slower one that can; without it, the runtime's default.
   */
  receiveBuffer?: number;
}

/** What a UDP socket reports. */
export interface DatagramHandlers {
  /** One datagram. `data` may be a view into a buffer the runtime reuses: copy it to keep it. */
  onMessage(data: Uint8Array, from: SocketAddress): void;
  onError?(error: unknown): void;
}

/**
 * Most bytes a connection may hold unsent. A peer that stops reading would otherwise grow the
 * send buffer without bound; past this the adapter closes the connection with an error.
 */
export const MAX_WRITE_BUFFER = 4 * 1024 * 1024;

/** How long `close()` waits for written bytes to leave before it drops the connection. */
export const CLOSE_GRACE = 2000;

/** A connected byte stream (TCP or TLS). */
export interface StreamConnection {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
  /**
   * Queues bytes for sending; the runtime buffers when the socket is not writable, up to
   * {@link MAX_WRITE_BUFFER} (then the connection is closed and `onClose` gets an error). The bytes
   * are not used after the call returns.
   */
  write(data: Uint8Array): void;
  /**
   * Closes the connection once the bytes already written are sent (an HTTP refusal, a WebSocket
   * close frame), dropping it after {@link CLOSE_GRACE} ms if they do not leave; `onClose` follows once.
   */
  close(): void;
}

/** What a stream connection reports. */
export interface StreamHandlers {
  /** Bytes received, in order. The chunk may be reused by the runtime after the call: copy to keep. */
  onData(chunk: Uint8Array): void;
  /** The connection is gone (closed by either side, or failed with `error`). Called at most once. */
  onClose(error?: unknown): void;
}

/** A listening TCP or TLS server. */
export interface Listener {
  readonly local: SocketAddress;
  close(): Promise<void>;
}

/** TLS options for a client. PEM strings. */
export interface TlsClientOptions {
  /** Trusted CA certificates (PEM); the runtime's default store when absent. */
  ca?: string[];
  /** SNI and certificate name to check; defaults to the host connected to. */
  serverName?: string;
}

/** TLS options for a server. PEM strings. */
export interface TlsServerOptions {
  cert: string;
  key: string;
}

/** Where and how to open a stream. */
export interface StreamConnectOptions {
  host: string;
  port: number;
  /** Connect with TLS when present. */
  tls?: TlsClientOptions;
}

/** Where to listen for streams. */
export interface StreamListenOptions {
  host: string;
  port: number;
  /**
   * Accept TLS when present: TLS 1.3, or TLS 1.2 with forward-secret (ECDHE) suites only. The
   * connection is reported at TCP accept, before the handshake, so that the handshake counts
   * against the connection limits and deadlines like anything else a peer holds open; its data
   * arrives after the handshake.
   */
  tls?: TlsServerOptions;
}

/** A timer handle, opaque to everyone but the runtime that made it. */
export type TimerHandle = unknown;

/**
 * The record every runtime adapter fills. Closures only, declared once here, so the driver can take
 * any runtime (or a fake one in tests).
 */
export interface DriverRuntime {
  readonly name: RuntimeName;
  /** Monotonic milliseconds (not wall-clock time), for the sans-I/O cores' `now`. */
  now(): number;
  setTimer(ms: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
  udpBind(options: DatagramBindOptions, handlers: DatagramHandlers): Promise<DatagramSocket>;
  /** Opens a TCP (or, with `tls`, a TLS) connection. Rejects when the connection cannot be made. */
  streamConnect(options: StreamConnectOptions, handlers: StreamHandlers): Promise<StreamConnection>;
  /**
   * Listens for TCP (or TLS) connections; `onConnection`, called at TCP accept (TLS included),
   * returns the handlers for each one.
   */
  streamListen(options: StreamListenOptions, onConnection: (connection: StreamConnection) => StreamHandlers): Promise<Listener>;
  /** A and AAAA, SRV and NAPTR lookups (RFC 3263 server location). */
  readonly dns: DnsResolver;
}
