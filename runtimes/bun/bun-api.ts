/**
 * The slice of the `Bun` namespace this adapter uses, typed here so the repository's tsc needs no
 * bun-types (whose globals clash with @types/node and the DOM lib). Read through {@link bun}.
 */

export interface BunSocket {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Returns how many bytes were written (fewer when the kernel buffer is full; -1 when closed). */
  write(data: Uint8Array): number;
  end(): void;
  terminate?(): void;
  setNoDelay?(noDelay?: boolean): boolean;
  data: unknown;
}

export interface BunSocketHandler {
  open?(socket: BunSocket): void;
  data?(socket: BunSocket, data: Uint8Array): void;
  drain?(socket: BunSocket): void;
  close?(socket: BunSocket, error?: Error): void;
  error?(socket: BunSocket, error: Error): void;
  connectError?(socket: BunSocket, error: Error): void;
  end?(socket: BunSocket): void;
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}

export interface BunTlsOptions {
  cert?: string;
  key?: string;
  ca?: string[];
  serverName?: string;
  /** OpenSSL cipher list (BoringSSL under Bun). */
  ciphers?: string;
}

export interface BunTcpListener {
  readonly hostname: string;
  readonly port: number;
  stop(closeActiveConnections?: boolean): void;
}

export interface BunUdpSocket {
  readonly hostname: string;
  readonly port: number;
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}



export interface BunApi {
  udpSocket(options: {
    hostname: string;
    port: number;
    binaryType?: "uint8array";
    socket: {
      data?(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
      error?(socket: BunUdpSocket, error: Error): void;
    };
  }): Promise<BunUdpSocket>;
  connect(options: {
    hostname: string;
    port: number;
    tls?: BunTlsOptions | boolean;
    socket: BunSocketHandler;
  }): Promise<BunSocket>;
  listen(options: { hostname: string; port: number; tls?: BunTlsOptions; socket: BunSocketHandler }): BunTcpListener;
}

/** The running Bun namespace. Only call this under Bun. */
export function bun(): BunApi {
  return (globalThis as unknown as { Bun: BunApi }).Bun;
}
