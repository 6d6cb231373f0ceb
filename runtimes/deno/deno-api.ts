/**
 * The slice of the `Deno` namespace this adapter uses, typed here because the repository's tsc does
 * not know `Deno`. Read through {@link deno} so no ambient declaration can clash with Deno's own.
 */

export interface DenoNetAddr {
  transport: "tcp" | "udp";
  hostname: string;
  port: number;
}

export interface DenoConn {
  readonly localAddr: DenoNetAddr;
  readonly remoteAddr: DenoNetAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  /** Half-closes: sends FIN (TCP) or close_notify (TLS); reading goes on. */
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  /** TLS connections only: completes the handshake (otherwise it happens lazily on first I/O). */
  handshake?(): Promise<unknown>;
}

export interface DenoListener {
  readonly addr: DenoNetAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}



export interface DenoSrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface DenoNaptrRecord {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
  replacement: string;
}

export interface DenoApi {
  connect(options: { hostname: string; port: number; transport?: "tcp" }): Promise<DenoConn>;
  connectTls(options: { hostname: string; port: number; caCerts?: string[] }): Promise<DenoConn>;
  listen(options: { hostname: string; port: number; transport?: "tcp" }): DenoListener;
  resolveDns(query: string, recordType: "SRV"): Promise<DenoSrvRecord[]>;
  resolveDns(query: string, recordType: "NAPTR"): Promise<DenoNaptrRecord[]>;
  readonly errors: { NotFound: new (...args: never[]) => Error };
}

/** The running Deno namespace. Only call this under Deno. */
export function deno(): DenoApi {
  return (globalThis as unknown as { Deno: DenoApi }).Deno;
}
