/**
 * Native cryptographic primitives a runtime may lend to the SRTP core. Everything here is optional:
 * the Wasm core implements all of it portably, and a runtime adapter (runtimes/<name>/crypto.ts)
 * supplies only what it measurably does faster.
 *
 * A long-lived native AES-ECB cipher producing keystream for many packets per call beats the Wasm
 * AES (bench/srtp.mjs, figures in bench/README.md); one call per packet would lose (a native call
 * costs about 1 µs, the Wasm AES of 160 bytes about 0.7 µs), so contexts batch the calls.
 * Per-packet native cipher or HMAC objects are slower than Wasm (object creation costs
 * microseconds) and node:crypto has no reusable HMAC state, so HMAC-SHA1 and GHASH stay in Wasm.
 */

/**
 * Encrypts whole 16-byte blocks of `src` into `dst` (same length, a multiple of 16; the two may be
 * the same view) with AES in ECB mode under the key it was created with.
 */
export type AesEcbEncryptor = (src: Uint8Array, dst: Uint8Array) => void;

/** The crypto a runtime adapter offers to SRTP contexts (`createSrtpContext({ crypto })`). */
export interface SrtpCrypto {
  /** A short name for reports and benchmarks (`"node:crypto"`). */
  readonly name: string;
  /** A long-lived AES-ECB encryptor for a 16- or 32-byte key. */
  createAesEcb(key: Uint8Array): AesEcbEncryptor;
}
