/**
 * What a JavaScript runtime must give siphon. Each runtime folder (`runtimes/node`, `runtimes/deno`,
 * `runtimes/bun`) fills one {@link Runtime} record of closures with its own APIs; everything above
 * (`src/driver`) is written once against this record with web-standard APIs only.
 *
 * Addresses are IP literals (IPv6 without brackets) and ports. Handlers are given when a socket is
 * opened so no data can arrive before someone listens for it.
 */

import type { SrtpCrypto } from "./crypto-types.ts";

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
  close(): void;
}

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

/** A connected byte stream (TCP or TLS). */
export interface StreamConnection {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
  /**
   * Queues bytes for sending; the runtime buffers when the socket is not writable, up to
   * {@link MAX_WRITE_BUFFER} (then the connection is closed and `onClose` gets an error).
   */
  write(data: Uint8Array): void;
  /** Closes the connection; `onClose` follows once. */
  close(): void;
}

export interface StreamHandlers {
  /** Bytes received, in order. The chunk may be reused by the runtime after the call: copy to keep. */
  onData(chunk: Uint8Array): void;
  /** The connection is gone (closed by either side, or failed with `error`). Called at most once. */
  onClose(error?: unknown): void;
}

/** A listening TCP, TLS or WebSocket server. */
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

export interface StreamConnectOptions {
  host: string;
  port: number;
  /** Connect with TLS when present. */
  tls?: TlsClientOptions;
}

export interface StreamListenOptions {
  host: string;
  port: number;
  /** Accept TLS when present. */
  tls?: TlsServerOptions;
}

/**
 * One WebSocket connection. Each WebSocket message carries exactly one SIP message (RFC 7118 §5).
 */
export interface MessageConnection {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
  /** Sends one message: a string goes as a text frame, bytes as a binary frame. */
  send(data: string | Uint8Array): void;
  close(): void;
}

export interface MessageHandlers {
  onMessage(data: string | Uint8Array): void;
  /** The connection is gone. Called at most once. */
  onClose(error?: unknown): void;
}

export interface WebSocketConnectOptions {
  /** `ws://host:port/path` or `wss://...`. */
  url: string;
  /** The subprotocol to ask for; SIP uses `"sip"` (RFC 7118 §4.1). */
  protocol: string;
  tls?: TlsClientOptions;
}

export interface WebSocketListenOptions {
  host: string;
  port: number;
  /** The subprotocol the server insists on; handshakes without it are refused (RFC 7118 §4.1). */
  protocol: string;
  /** Serve WSS when present. */
  tls?: TlsServerOptions;
}

/** An SRV record (RFC 2782). */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** Target host name, without a trailing dot. */
  target: string;
}

/** A NAPTR record (RFC 3403). */
export interface NaptrRecord {
  order: number;
  preference: number;
  /** Flags, e.g. `"s"` (next lookup is SRV) or `"a"` (next lookup is A/AAAA). */
  flags: string;
  /** Service, e.g. `"SIP+D2U"`, `"SIPS+D2T"`. */
  service: string;
  regexp: string;
  /** Replacement domain, without a trailing dot. */
  replacement: string;
}

/** An address record, from A (`family` 4) or AAAA (`family` 6). */
export interface AddressRecord {
  address: string;
  family: 4 | 6;
}

/**
 * DNS lookups used by RFC 3263 server location. A name with no records of the type resolves to an
 * empty array; only transport failures (no server, timeout) reject.
 */
export interface DnsResolver {
  /** A and AAAA records (IPv4 first), including the hosts file where the runtime consults it. */
  lookup(host: string): Promise<AddressRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
}

/** A timer handle, opaque to everyone but the runtime that made it. */
export type TimerHandle = unknown;

/**
 * The record every runtime adapter fills. Closures only, declared once here, so the driver can take
 * any runtime (or a fake one in tests).
 */
export interface Runtime {
  readonly name: RuntimeName;
  /** Monotonic milliseconds (not wall-clock time), for the sans-I/O cores' `now`. */
  now(): number;
  setTimer(ms: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
  udpBind(options: { host: string; port: number }, handlers: DatagramHandlers): Promise<DatagramSocket>;
  /** Opens a TCP (or, with `tls`, a TLS) connection. Rejects when the connection cannot be made. */
  streamConnect(options: StreamConnectOptions, handlers: StreamHandlers): Promise<StreamConnection>;
  /** Listens for TCP (or TLS) connections; `onConnection` returns the handlers for each one. */
  streamListen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => StreamHandlers,
  ): Promise<Listener>;
  /** Opens a WebSocket client connection. Rejects if the handshake fails or the subprotocol is refused. */
  webSocketConnect(options: WebSocketConnectOptions, handlers: MessageHandlers): Promise<MessageConnection>;
  /** Serves WebSocket (or WSS) upgrades on any path. */
  webSocketListen(
    options: WebSocketListenOptions,
    onConnection: (connection: MessageConnection) => MessageHandlers,
  ): Promise<Listener>;
  readonly dns: DnsResolver;
  /** Native AES for SRTP where it beats the Wasm core (runtimes/<rt>/crypto.ts). */
  readonly srtpCrypto?: SrtpCrypto;
}
