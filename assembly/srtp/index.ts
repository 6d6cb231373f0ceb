// SRTP/SRTCP core (RFC 3711, RFC 6188, RFC 7714): key derivation, AES (CM and GCM), HMAC-SHA1,
// over packets placed by TS in the IO region. See src/srtp/ for the context (ROC, replay, limits).
import { aesEncrypt, aesExpandKey, o0, o1, o2, o3 } from "./aes";
import { counterOne, counterRun, processOne, resetKs } from "./core";
import { ghashTable } from "./ghash";
import { hmacSetup } from "./hmac";
import {
  D_AUTH, D_KEY, D_NR, D_RK, D_SALT, DESC, DESC_COUNT, ERR_BAD_KEY, ERR_BAD_PROFILE, IO, IO_SIZE, KEY_RTCP,
  KEY_RTP_AUTH, KEY_RTP_KEY, KEY_RTP_SALT, KEYS, KS, KS_SIZE, MAX_PACKET, PROFILE_AEAD_AES_128_GCM,
  PROFILE_AEAD_AES_256_GCM, PROFILE_AES_256_CM_HMAC_SHA1_32, PROFILE_AES_256_CM_HMAC_SHA1_80,
  PROFILE_AES_CM_128_HMAC_SHA1_32, PROFILE_AES_CM_128_HMAC_SHA1_80, S_GCM, S_GHASH_RTCP, S_GHASH_RTP, S_KEYLEN,
  S_PROFILE, S_RTCP, S_RTCPTAG, S_RTP, S_RTPTAG, S_SALTLEN, SLOT_CM_SIZE, SLOT_COUNT, SLOT_SIZE, SLOTS, DIR_SIZE, CM_SLOT_COUNT, CM_SLOTS,
  DESC_ARG, DESC_LEN, DESC_PTR, DESC_RESULT, DESC_WORDS,
} from "./layout";

/** Base of the context slots. */
export function srtp_slots(): usize {
  return SLOTS;
}
export function srtp_slot_size(): i32 {
  return <i32>SLOT_SIZE;
}
/** Bytes of a slot an AES-CM context uses (GCM contexts use all srtp_slot_size() bytes). */
export function srtp_slot_cm_size(): i32 {
  return <i32>SLOT_CM_SIZE;
}
export function srtp_slot_count(): i32 {
  return SLOT_COUNT;
}
/** Base of the AES-CM-only slots (srtp_slot_cm_size() bytes each). */
export function srtp_cm_slots(): usize {
  return CM_SLOTS;
}
export function srtp_cm_slot_count(): i32 {
  return CM_SLOT_COUNT;
}
/** Packet region (IO_SIZE bytes). */
export function srtp_io(): usize {
  return IO;
}
export function srtp_io_size(): i32 {
  return IO_SIZE;
}
/** Keystream region for native ciphers (KS_SIZE bytes). */
export function srtp_ks(): usize {
  return KS;
}
export function srtp_ks_size(): i32 {
  return KS_SIZE;
}
/** Descriptor table: DESC_COUNT entries of [ptr, len, arg, result]. */
export function srtp_desc(): usize {
  return DESC;
}
export function srtp_desc_count(): i32 {
  return DESC_COUNT;
}
/** Key material region (512 bytes), see srtp_setup. */
export function srtp_keys(): usize {
  return KEYS;
}
export function srtp_max_packet(): i32 {
  return MAX_PACKET;
}

/**
 * The AES-CM PRF of RFC 3711 §4.3.3 with kdr = 0 (so r = 0): `outLen` bytes of AES-CM keystream
 * under the master key at `key`, with IV = (master_salt XOR (label << 48)) * 2^16 (§4.3.1). The salt
 * at `salt` is 14 bytes; a 12-byte GCM master salt is zero-padded to 14 by the caller (RFC 7714 §11).
 * Returns outLen, or ERR_BAD_KEY.
 */
export function srtp_prf(key: usize, keyLen: i32, salt: usize, label: u32, out: usize, outLen: i32): i32 {
  const rk = KEYS + 256;
  const nr = aesExpandKey(key, keyLen, rk);
  if (nr == 0) return ERR_BAD_KEY;
  const x0 = bswap<u32>(load<u32>(salt));
  const x1 = bswap<u32>(load<u32>(salt, 4)) ^ (label & 0xff);
  const x2 = bswap<u32>(load<u32>(salt, 8));
  const x3 = ((<u32>load<u8>(salt, 12) << 24) | (<u32>load<u8>(salt, 13) << 16));
  for (let i = 0; i < outLen; i += 16) {
    aesEncrypt(rk, nr, x0, x1, x2, x3 + <u32>(i >> 4));
    const q = out + <usize>i;
    const n = outLen - i < 16 ? outLen - i : 16;
    const b = KEYS + 496;
    store<u32>(b, bswap<u32>(o0));
    store<u32>(b, bswap<u32>(o1), 4);
    store<u32>(b, bswap<u32>(o2), 8);
    store<u32>(b, bswap<u32>(o3), 12);
    memory.copy(q, b, <usize>n);
  }
  memory.fill(rk, 0, 240);
  return outLen;
}

// Profile parameters: key length, salt length, SRTP tag, SRTCP tag, GCM. Ids are siphon's own.
function profileParams(profile: i32, slot: usize): bool {
  let keyLen = 16, saltLen = 14, rtpTag = 10, rtcpTag = 10, gcm = 0;
  switch (profile) {
    case PROFILE_AES_CM_128_HMAC_SHA1_80: break; // RFC 4568 §6.2.1
    case PROFILE_AES_CM_128_HMAC_SHA1_32: rtpTag = 4; break; // SRTCP keeps 80 bits
    case PROFILE_AES_256_CM_HMAC_SHA1_80: keyLen = 32; break; // RFC 6188 §4
    case PROFILE_AES_256_CM_HMAC_SHA1_32: keyLen = 32; rtpTag = 4; break;
    case PROFILE_AEAD_AES_128_GCM: saltLen = 12; rtpTag = 16; rtcpTag = 16; gcm = 1; break; // RFC 7714 §12
    case PROFILE_AEAD_AES_256_GCM: keyLen = 32; saltLen = 12; rtpTag = 16; rtcpTag = 16; gcm = 1; break;
    default: return false;
  }
  store<u32>(slot + S_PROFILE, profile);
  store<u32>(slot + S_KEYLEN, keyLen);
  store<u32>(slot + S_SALTLEN, saltLen);
  store<u32>(slot + S_RTPTAG, rtpTag);
  store<u32>(slot + S_RTCPTAG, rtcpTag);
  store<u32>(slot + S_GCM, gcm);
  return true;
}

function setupDir(dir: usize, table: usize, src: usize, keyLen: i32, saltLen: i32, gcm: bool): void {
  memory.fill(dir, 0, DIR_SIZE);
  memory.copy(dir + D_KEY, src + KEY_RTP_KEY, <usize>keyLen);
  const nr = aesExpandKey(src, keyLen, dir + D_RK);
  store<i32>(dir + D_NR, nr);
  for (let w: usize = 0; w < 4; w++) {
    let v: u32 = 0;
    for (let b: usize = 0; b < 4; b++) {
      const i = (w << 2) + b;
      v = (v << 8) | (i < <usize>saltLen ? <u32>load<u8>(src + KEY_RTP_SALT + i) : 0);
    }
    store<u32>(dir + D_SALT + (w << 2), v);
  }
  if (gcm) {
    // H = E_K(0^128) (SP 800-38D §7.1).
    aesEncrypt(dir + D_RK, nr, 0, 0, 0, 0);
    ghashTable(table, (<u64>o0 << 32) | <u64>o1, (<u64>o2 << 32) | <u64>o3);
  } else {
    memory.copy(dir + D_AUTH, src + KEY_RTP_AUTH, 20);
    hmacSetup(dir, src + KEY_RTP_AUTH);
  }
}

/**
 * Fills `slot` (srtp_slots() + i * srtp_slot_size(), or for an AES-CM profile srtp_cm_slots() + i *
 * srtp_slot_cm_size()) for `profile` from session
 * keys in the KEYS region (KEY_* offsets: SRTP keys from 0, SRTCP keys from KEY_RTCP). Returns 0 or
 * ERR_BAD_PROFILE. Clears the KEYS region afterwards.
 */
export function srtp_setup(slot: usize, profile: i32): i32 {
  if (!profileParams(profile, slot)) return ERR_BAD_PROFILE;
  const keyLen = <i32>load<u32>(slot + S_KEYLEN);
  const saltLen = <i32>load<u32>(slot + S_SALTLEN);
  const gcm = load<u32>(slot + S_GCM) != 0;
  setupDir(slot + S_RTP, slot + S_GHASH_RTP, KEYS, keyLen, saltLen, gcm);
  setupDir(slot + S_RTCP, slot + S_GHASH_RTCP, KEYS + KEY_RTCP, keyLen, saltLen, gcm);
  memory.fill(KEYS, 0, 512);
  return 0;
}

/**
 * Runs `op` (0 SRTP protect, 1 SRTP unprotect, 2 SRTCP protect, 3 SRTCP unprotect) over the first
 * `n` descriptors, writing each result (new length or negative error) into the descriptor. With
 * `ext` = 1, the keystream comes from the KS region, filled by srtp_ctr and a native block cipher.
 */
export function srtp_run(slot: usize, op: i32, n: i32, ext: i32): void {
  resetKs();
  if (n > DESC_COUNT) n = DESC_COUNT;
  for (let i = 0; i < n; i++) {
    const d = DESC + <usize>i * DESC_WORDS * 4;
    const r = processOne(op, slot, <usize>load<u32>(d + (DESC_PTR << 2)), load<i32>(d + (DESC_LEN << 2)), load<u32>(d + (DESC_ARG << 2)), ext != 0);
    store<i32>(d + (DESC_RESULT << 2), r);
  }
}

/**
 * Writes the counter blocks for `op` over the first `n` descriptors into KS, one packet after the
 * other; returns the number of bytes written (a multiple of 16), for a native AES-ECB to encrypt in
 * place before srtp_run(..., ext = 1).
 */
export function srtp_ctr(slot: usize, op: i32, n: i32): i32 {
  if (n > DESC_COUNT) n = DESC_COUNT;
  let off = 0;
  for (let i = 0; i < n; i++) {
    const d = DESC + <usize>i * DESC_WORDS * 4;
    off += counterOne(op, slot, <usize>load<u32>(d + (DESC_PTR << 2)), load<i32>(d + (DESC_LEN << 2)), load<u32>(d + (DESC_ARG << 2)), KS + <usize>off);
  }
  return off;
}

/**
 * Writes into KS the counter blocks of `count` consecutive SRTP packets of `ssrc` from index
 * (roc, seq), `blocks` per packet; returns bytes written, or 0 when they would not fit in KS.
 */
export function srtp_ctr_run(slot: usize, ssrc: u32, roc: u32, seq: u32, count: i32, blocks: i32): i32 {
  if (count <= 0 || blocks <= 0 || count * blocks > (KS_SIZE >> 4)) return 0;
  return counterRun(slot, ssrc, roc, seq & 0xffff, count, blocks, KS);
}
