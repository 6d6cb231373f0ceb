/**
 * SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 profiles (RFC 4568, RFC 6188) and AES-GCM
 * (RFC 7714), on the Wasm core; sans-I/O (no clock, no sockets).
 *
 * ```ts
 * const tx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey, masterSalt });
 * const srtp = tx.protectRtp(rtp);
 * const rx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey, masterSalt, crypto });
 * const rtpAgain = rx.unprotectRtp(srtp); // throws SrtpAuthError, SrtpReplayError, ...
 * ```
 *
 * Error policy: the single-packet forms (`protectRtp`, `unprotectRtp`, `...InPlace`, RTCP alike)
 * throw only {@link SrtpPacketError} (truncated, oversized, wrong version, no room for the tag),
 * {@link SrtpAuthError}, {@link SrtpReplayError} and {@link SrtpLimitError}, all `SiphonError`s with
 * an {@link SrtpErrorCode}. The batch forms (`protectRtpBatch`, ...) never throw for packet problems:
 * each packet's result is its new length or a negative number, whose code {@link srtpErrorCode}
 * gives.
 *
 * Crypto: AES, HMAC-SHA1 and GHASH run in Wasm (T-table AES and 8-bit-table GHASH are not
 * cache-timing safe; tag comparison is constant-time). The `crypto` option takes a runtime adapter's
 * {@link SrtpCrypto} (`runtime.srtpCrypto` from `@siphon/siphon/runtimes`), whose native AES-ECB then
 * produces keystream.
 */
export { createSrtpContext } from "./context.ts";
export type { SrtpContext, SrtpContextOptions } from "./context.ts";
export {
  SrtpAuthError,
  SrtpError,
  srtpErrorCode,
  SrtpLimitError,
  SrtpPacketError,
  SrtpReplayError,
} from "./errors.ts";
export type { SrtpErrorCode, SrtpErrorOptions } from "./errors.ts";
export { SRTP_PROFILES, srtpProfile } from "./profiles.ts";
export type { SrtpProfileInfo, SrtpProfileName } from "./profiles.ts";
export type { AesEcbEncryptor, SrtpCrypto } from "./crypto.ts";
