/**
 * SRTP key derivation (RFC 3711 §4.3) with key_derivation_rate 0: each session key is the AES-CM PRF
 * (§4.3.3) keystream under the master key, IV = (master_salt XOR label << 48) * 2^16. Labels 0..2 make
 * the SRTP encryption key, authentication key and salt; labels 3..5 the SRTCP ones (§4.3.2).
 * RFC 7714 §11: a 12-byte GCM master salt is used zero-padded to 112 bits.
 */
import { KEY_RTCP, KEY_RTP_AUTH, KEY_RTP_KEY, KEY_RTP_SALT } from "./abi.generated.ts";
import type { SrtpEngine } from "./engine.ts";
import { SrtpPacketError } from "./errors.ts";
import type { SrtpProfileInfo } from "./profiles.ts";

/** The six KDF labels of RFC 3711 §4.3.2. */
export const SrtpLabel = {
  RtpEncryption: 0,
  RtpAuthentication: 1,
  RtpSalt: 2,
  RtcpEncryption: 3,
  RtcpAuthentication: 4,
  RtcpSalt: 5,
} as const;

/** Session-key authentication key length: HMAC-SHA1 keys are 160 bits (RFC 3711 §8.2). */
export const AUTH_KEY_LENGTH = 20;

function badKey(message: string): SrtpPacketError {
  return new SrtpPacketError("BAD_KEY", `SRTP: ${message}`);
}

/** Runs the PRF for one label; the output is left at `out` in Wasm memory. */
function prf(e: SrtpEngine, keyLen: number, label: number, out: number, outLen: number): void {
  const r = e.x.srtp_prf(e.io, keyLen, e.io + 32, label, out, outLen);
  if (r < 0) throw badKey("master key must be 16 or 32 bytes");
}

/**
 * Derives `length` bytes for `label` from a master key and salt (RFC 3711 §4.3.1, kdr = 0).
 * Exposed for tests and key export; contexts derive their keys inside Wasm memory.
 */
export function deriveSrtpKey(e: SrtpEngine, masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Uint8Array {
  if (masterSalt.length > 14) throw badKey("master salt longer than 14 bytes");
  if (length > 1024) throw badKey("derived length too large");
  loadMaster(e, masterKey, masterSalt);
  try {
    prf(e, masterKey.length, label, e.io + 64, length);
    return e.u8.slice(e.io + 64, e.io + 64 + length);
  } finally {
    e.u8.fill(0, e.io, e.io + 64 + length);
  }
}

function loadMaster(e: SrtpEngine, masterKey: Uint8Array, masterSalt: Uint8Array): void {
  e.u8.fill(0, e.io, e.io + 64);
  e.u8.set(masterKey, e.io);
  e.u8.set(masterSalt, e.io + 32);
}

/** Derives all session keys of `profile` into the key region, ready for srtp_setup. */
export function deriveIntoKeyRegion(e: SrtpEngine, p: SrtpProfileInfo, masterKey: Uint8Array, masterSalt: Uint8Array): void {
  if (masterKey.length !== p.keyLength) throw badKey(`${p.name} needs a ${p.keyLength}-byte master key`);
  if (masterSalt.length !== p.saltLength) throw badKey(`${p.name} needs a ${p.saltLength}-byte master salt`);
  loadMaster(e, masterKey, masterSalt);
  const k = e.keys;
  e.u8.fill(0, k, k + 256);
  try {
    for (const base of [0, KEY_RTCP]) {
      const l = base === 0 ? 0 : 3;
      prf(e, p.keyLength, l + 0, k + base + KEY_RTP_KEY, p.keyLength);
      prf(e, p.keyLength, l + 2, k + base + KEY_RTP_SALT, p.saltLength);
      if (!p.aead) prf(e, p.keyLength, l + 1, k + base + KEY_RTP_AUTH, AUTH_KEY_LENGTH);
    }
  } finally {
    e.u8.fill(0, e.io, e.io + 64);
  }
}

/** Session keys given directly (test vectors such as RFC 7714 §16 list session keys, not master keys). */
export interface SrtpSessionKeys {
  rtpKey: Uint8Array;
  rtpSalt: Uint8Array;
  rtpAuthKey?: Uint8Array;
  rtcpKey: Uint8Array;
  rtcpSalt: Uint8Array;
  rtcpAuthKey?: Uint8Array;
}

/** Writes given session keys into the key region, ready for srtp_setup. */
export function loadSessionKeys(e: SrtpEngine, p: SrtpProfileInfo, s: SrtpSessionKeys): void {
  const k = e.keys;
  e.u8.fill(0, k, k + 256);
  const put = (v: Uint8Array | undefined, len: number, at: number) => {
    if (!v || v.length !== len) throw badKey(`${p.name}: session key of ${len} bytes expected`);
    e.u8.set(v, k + at);
  };
  put(s.rtpKey, p.keyLength, KEY_RTP_KEY);
  put(s.rtpSalt, p.saltLength, KEY_RTP_SALT);
  put(s.rtcpKey, p.keyLength, KEY_RTCP + KEY_RTP_KEY);
  put(s.rtcpSalt, p.saltLength, KEY_RTCP + KEY_RTP_SALT);
  if (!p.aead) {
    put(s.rtpAuthKey, AUTH_KEY_LENGTH, KEY_RTP_AUTH);
    put(s.rtcpAuthKey, AUTH_KEY_LENGTH, KEY_RTCP + KEY_RTP_AUTH);
  }
}
