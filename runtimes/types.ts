/**
 * What a JavaScript runtime gives siphon: the record the driver needs (`src/driver/runtime.ts`:
 * clock, timers, random, UDP, TCP/TLS streams, DNS), what the server needs (`src/engine/server/runtime.ts`)
 * and native crypto SRTP may borrow. Each runtime
 * folder (`runtimes/node`, `runtimes/deno`, `runtimes/bun`) fills one {@link Runtime} record with its
 * own APIs; the interfaces belong to the layers that use them, the adapters implement them.
 */
import type { ServerRuntime } from "../src/engine/server/runtime.ts";
import type { SrtpCrypto } from "./crypto-types.ts";

export type * from "../src/driver/runtime.ts";
export type { AddressRecord, DnsResolver, NaptrRecord, SrvRecord } from "../src/transport/dns.ts";
export { CLOSE_GRACE, MAX_WRITE_BUFFER } from "../src/driver/runtime.ts";
export type { HttpHandler, HttpListener, ServerRuntime, StopSignal } from "../src/engine/server/runtime.ts";
export type { SqliteDatabase, SqliteOpener, SqliteStatement, SqliteValue } from "../src/engine/storage/sqlite.ts";

/**
 * A runtime record: what the driver needs, what the server adds (wall clock, SQLite, HTTP, files,
 * environment, signals), and native AES for SRTP where it beats the Wasm core.
 */
export interface Runtime extends ServerRuntime {
  /** Native AES for SRTP (runtimes/<rt>/crypto.ts). */
  readonly srtpCrypto?: SrtpCrypto;
}
