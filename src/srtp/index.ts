/**
 * SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 profiles (RFC 4568, RFC 6188) and AES-GCM
 * (RFC 7714), on the Wasm core; sans-I/O.
 *
 * ```ts
 * const tx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey, masterSalt });
 * const srtp = tx.protectRtp(rtp);
 * ```
 */
export { SrtpContext, createSrtpContext } from "./context.ts";
export type { SrtpContextOptions } from "./context.ts";
export { SrtpAuthError, SrtpError, SrtpLimitError, SrtpPacketError, SrtpReplayError } from "./errors.ts";
export type { SrtpErrorDetails } from "./errors.ts";
export { SrtpErrorCode, srtpErrorName } from "./error-codes.ts";
export { SRTP_PROFILES, srtpProfile } from "./profiles.ts";
export type { SrtpProfileInfo, SrtpProfileName } from "./profiles.ts";
export type { AesEcbEncryptor, SrtpCrypto } from "../../runtimes/crypto-types.ts";
