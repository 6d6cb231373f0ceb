import {
  PROFILE_AEAD_AES_128_GCM,
  PROFILE_AEAD_AES_256_GCM,
  PROFILE_AES_256_CM_HMAC_SHA1_32,
  PROFILE_AES_256_CM_HMAC_SHA1_80,
  PROFILE_AES_CM_128_HMAC_SHA1_32,
  PROFILE_AES_CM_128_HMAC_SHA1_80,
} from "./abi.generated.ts";

/**
 * Protection profiles: RFC 4568 §6.2 names (AES_CM_128_HMAC_SHA1_80/_32), RFC 6188 (AES_256_CM_*),
 * RFC 7714 §14 (AEAD_AES_*_GCM).
 */
export type SrtpProfileName =
  | "AES_CM_128_HMAC_SHA1_80"
  | "AES_CM_128_HMAC_SHA1_32"
  | "AES_256_CM_HMAC_SHA1_80"
  | "AES_256_CM_HMAC_SHA1_32"
  | "AEAD_AES_128_GCM"
  | "AEAD_AES_256_GCM";

/** Sizes of one profile, in bytes. */
export interface SrtpProfileInfo {
  readonly name: SrtpProfileName;
  /** @internal Id passed to the Wasm core (assembly/srtp/abi.json). */
  readonly id: number;
  readonly keyLength: number;
  readonly saltLength: number;
  /** SRTP authentication tag. */
  readonly rtpTagLength: number;
  /** SRTCP authentication tag (80 bits for every AES-CM profile, RFC 4568 §6.2.1). */
  readonly rtcpTagLength: number;
  readonly aead: boolean;
  /** Bytes protect adds to an RTP packet. */
  readonly rtpOverhead: number;
  /** Bytes protect adds to an RTCP packet (E+index word and tag). */
  readonly rtcpOverhead: number;
}

function info(name: SrtpProfileName, id: number, key: number, salt: number, rtpTag: number, rtcpTag: number, aead: boolean): SrtpProfileInfo {
  return {
    name, id, keyLength: key, saltLength: salt, rtpTagLength: rtpTag, rtcpTagLength: rtcpTag, aead,
    rtpOverhead: rtpTag, rtcpOverhead: rtcpTag + 4,
  };
}

/** Every supported profile by name. */
export const SRTP_PROFILES: Readonly<Record<SrtpProfileName, SrtpProfileInfo>> = {
  AES_CM_128_HMAC_SHA1_80: info("AES_CM_128_HMAC_SHA1_80", PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14, 10, 10, false),
  AES_CM_128_HMAC_SHA1_32: info("AES_CM_128_HMAC_SHA1_32", PROFILE_AES_CM_128_HMAC_SHA1_32, 16, 14, 4, 10, false),
  AES_256_CM_HMAC_SHA1_80: info("AES_256_CM_HMAC_SHA1_80", PROFILE_AES_256_CM_HMAC_SHA1_80, 32, 14, 10, 10, false),
  AES_256_CM_HMAC_SHA1_32: info("AES_256_CM_HMAC_SHA1_32", PROFILE_AES_256_CM_HMAC_SHA1_32, 32, 14, 4, 10, false),
  AEAD_AES_128_GCM: info("AEAD_AES_128_GCM", PROFILE_AEAD_AES_128_GCM, 16, 12, 16, 16, true),
  AEAD_AES_256_GCM: info("AEAD_AES_256_GCM", PROFILE_AEAD_AES_256_GCM, 32, 12, 16, 16, true),
};

/** The profile named `name`, or undefined. */
export function srtpProfile(name: string): SrtpProfileInfo | undefined {
  return Object.prototype.hasOwnProperty.call(SRTP_PROFILES, name) ? SRTP_PROFILES[name as SrtpProfileName] : undefined;
}
