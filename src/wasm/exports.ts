import type { SipCoreExports } from "./sip-exports.ts";
import type { RtpCoreExports } from "./rtp-exports.ts";
import type { SrtpCoreExports } from "./srtp-exports.ts";
import type { CodecCoreExports } from "./codec-exports.ts";
import type { AuthCoreExports } from "./auth-exports.ts";

/**
 * Every export of the Wasm core (assembly/index.ts), typed once. Each layer declares its own
 * part in `<layer>-exports.ts`; all functions take pointers and lengths into `memory` and return
 * a length, a count, or a negative error code.
 */
export interface SiphonWasmExports extends SipCoreExports, RtpCoreExports, SrtpCoreExports, CodecCoreExports, AuthCoreExports {
  readonly memory: WebAssembly.Memory;
  /** Runs the module's static initializers (exported as `_start`, called once by the loader). */
  _start(): void;
  /** ABI version of the exports. */
  siphon_abi(): number;
  /** 1 when the build uses the SIMD feature. */
  siphon_simd(): number;
}
