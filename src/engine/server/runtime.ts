/**
 * What the server needs from a runtime beyond the driver's record: the wall clock (bindings and
 * call records outlive the process), SQLite, an HTTP listener, files, environment and signals. The
 * engine owns this interface; `runtimes/node`, `runtimes/deno` and `runtimes/bun` fill it.
 */
import type { DriverRuntime, SocketAddress } from "../../driver/index.ts";
import type { SqliteOpener } from "../storage/sqlite.ts";

/** A running HTTP listener. */
export interface HttpListener {
  /** The address bound (port 0 resolved). */
  readonly local: SocketAddress;
  /** Stops accepting and closes the connections. */
  close(): Promise<void>;
}

/** Answers one HTTP request: web-standard `Request` in, `Response` out, the same on every runtime. */
export type HttpHandler = (request: Request) => Response | Promise<Response>;

/** The signals a server stops on. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** The runtime record a server runs on: the driver's, and the rest of {@link ServerRuntime}. */
export interface ServerRuntime extends DriverRuntime {
  /** Milliseconds since the epoch: expiry of stored bindings, call-record times, SIP Date. */
  wallTime(): number;
  /** Opens an SQLite file (see {@link SqliteOpener}). */
  openSqlite: SqliteOpener;
  /** Listens for HTTP/1.1 on `host:port` (port 0: any free port). Rejects when the port is taken. */
  serveHttp(options: { host: string; port: number }, handler: HttpHandler): Promise<HttpListener>;
  /** Creates a directory and its parents; nothing when it exists. */
  makeDirectory(path: string): Promise<void>;
  /** Reads a UTF-8 text file. */
  readTextFile(path: string): Promise<string>;
  /** An environment variable, or undefined (also when the runtime denies access to it). */
  env(name: string): string | undefined;
  /** Calls `handler` on the signal; returns a function that stops listening for it. */
  onSignal(signal: StopSignal, handler: () => void): () => void;
}
