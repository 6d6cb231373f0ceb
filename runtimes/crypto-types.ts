/**
 * Native cryptographic primitives a runtime may lend to siphon's SRTP core. Everything here is
 * optional: the Wasm core implements all of it portably, and a runtime only supplies what it measurably
 * does faster.
 *
 * Measured (172-byte SRTP packets, bench/srtp.mjs; full table in src/srtp/context.ts): a long-lived
 * native AES-ECB cipher producing keystream for many packets per call lifts AES_CM_128_HMAC_SHA1_80 from
 * ~0.8M to ~1.4M pkt/s on Node, ~0.73M to ~1.0M on Deno and ~0.95M to ~1.3M on Bun (AEAD_AES_128_GCM:
 * ~0.67M to ~1.2M on Node). One call per packet would lose (a native call costs ~1 µs, the Wasm AES of
 * 160 bytes ~0.7 µs), so contexts batch the calls. Per-packet native cipher or HMAC objects are slower
 * than Wasm (object creation costs microseconds) and node:crypto has no reusable HMAC state, so
 * HMAC-SHA1 and GHASH stay in Wasm.
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
