// SRTP/SRTCP protect and unprotect over packets in linear memory (RFC 3711 §3.3, §3.4, §4.1.1,
// §4.2; RFC 7714 §8, §9). Replay and rollover state live in TS; this file only transforms bytes:
// the caller passes the ROC (SRTP) or the SRTCP index, and gets back a length or an error code.
import { aesEncrypt, o0, o1, o2, o3 } from "./aes";
import { ghashFeed, ghashFinish, ghashHi, ghashLo, ghashPad, ghashStart } from "./ghash";
import { hmacDiff, hmacSha1, hmacWrite } from "./hmac";
import { D_NR, D_RK, D_SALT, ERR_AUTH_FAILED, KS, S_GCM, S_GHASH_RTCP, S_GHASH_RTP, S_RTCP, S_RTP, TMP } from "./layout";
import {
  OP_RTCP_PROTECT, OP_RTCP_UNPROTECT, OP_RTP_PROTECT, OP_RTP_UNPROTECT,
  pBlocks, pEncLen, pEncOff, pErr, pIdx, pIdxOff, pOut, pSeq, pSsrc, pTagLen, pTagOff, plan, setRtpIds,
} from "./packet";

const BLOCK: usize = TMP + 384; // one keystream block for partial tails
const SAVED: usize = TMP + 416; // received tag, saved before the ROC overwrites it
const AAD: usize = TMP + 448; // SRTCP GCM additional data (header and E+index)

// Initial counter block of the current packet (big-endian word values).
let c0: u32 = 0;
let c1: u32 = 0;
let c2: u32 = 0;
let c3: u32 = 0;
/** Next unread keystream block in KS when a native cipher produced it. */
let ksCur: usize = 0;

/**
 * Sets the initial counter block. AES-CM (RFC 3711 §4.1.1):
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i = ROC || SEQ or the SRTCP index.
 * GCM (RFC 7714 §8.1, §9.1): IV = (0x0000 || SSRC || ROC || SEQ) XOR salt, or
 * (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt; J0 = IV || 0x00000001.
 */
function counterBlock(dir: usize, gcm: bool, rtcp: bool, roc: u32): void {
  const s0 = load<u32>(dir + D_SALT);
  const s1 = load<u32>(dir + D_SALT, 4);
  const s2 = load<u32>(dir + D_SALT, 8);
  const s3 = load<u32>(dir + D_SALT, 12);
  const idx = pIdx & 0x7fffffff;
  if (!gcm) {
    c0 = s0;
    c1 = s1 ^ pSsrc;
    if (rtcp) {
      c2 = s2 ^ (idx >> 16);
      c3 = s3 ^ (idx << 16);
    } else {
      c2 = s2 ^ roc;
      c3 = s3 ^ (pSeq << 16);
    }
  } else {
    c0 = s0 ^ (pSsrc >> 16);
    if (rtcp) {
      c1 = s1 ^ (pSsrc << 16);
      c2 = s2 ^ idx;
    } else {
      c1 = s1 ^ ((pSsrc << 16) | (roc >> 16));
      c2 = s2 ^ ((roc << 16) | pSeq);
    }
    c3 = 1;
  }
}

/** XORs AES-CTR keystream (counter words c0..c2, ctr from `ctr`) into `len` bytes at p. */
function ctrXorWasm(dir: usize, ctr: u32, p: usize, len: i32): void {
  const rk = dir + D_RK;
  const nr = load<i32>(dir + D_NR);
  while (len >= 16) {
    aesEncrypt(rk, nr, c0, c1, c2, ctr);
    store<u32>(p, load<u32>(p) ^ bswap<u32>(o0));
    store<u32>(p, load<u32>(p, 4) ^ bswap<u32>(o1), 4);
    store<u32>(p, load<u32>(p, 8) ^ bswap<u32>(o2), 8);
    store<u32>(p, load<u32>(p, 12) ^ bswap<u32>(o3), 12);
    p += 16;
    len -= 16;
    ctr++;
  }
  if (len > 0) {
    aesEncrypt(rk, nr, c0, c1, c2, ctr);
    store<u32>(BLOCK, bswap<u32>(o0));
    store<u32>(BLOCK, bswap<u32>(o1), 4);
    store<u32>(BLOCK, bswap<u32>(o2), 8);
    store<u32>(BLOCK, bswap<u32>(o3), 12);
    for (let i: usize = 0; i < <usize>len; i++) store<u8>(p + i, load<u8>(p + i) ^ load<u8>(BLOCK + i));
  }
}

/** XORs keystream taken from KS at ksCur into `len` bytes at p and advances ksCur by whole blocks. */
function ctrXorExt(p: usize, len: i32): void {
  let k = ksCur;
  ksCur += <usize>((len + 15) & ~15);
  if (ASC_FEATURE_SIMD) {
    while (len >= 16) {
      v128.store(p, v128.xor(v128.load(p), v128.load(k)));
      p += 16;
      k += 16;
      len -= 16;
    }
  } else {
    while (len >= 8) {
      store<u64>(p, load<u64>(p) ^ load<u64>(k));
      p += 8;
      k += 8;
      len -= 8;
    }
  }
  for (let i: usize = 0; i < <usize>len; i++) store<u8>(p + i, load<u8>(p + i) ^ load<u8>(k + i));
}

@inline function ctrXor(ext: bool, dir: usize, ctr: u32, p: usize, len: i32): void {
  if (len <= 0) return;
  if (ext) ctrXorExt(p, len);
  else ctrXorWasm(dir, ctr, p, len);
}

// E_K(J0) for the GCM tag, as big-endian word values in m0..m3.
let m0: u32 = 0;
let m1: u32 = 0;
let m2: u32 = 0;
let m3: u32 = 0;

function tagMask(ext: bool, dir: usize): void {
  if (ext) {
    m0 = bswap<u32>(load<u32>(ksCur));
    m1 = bswap<u32>(load<u32>(ksCur, 4));
    m2 = bswap<u32>(load<u32>(ksCur, 8));
    m3 = bswap<u32>(load<u32>(ksCur, 12));
    ksCur += 16;
  } else {
    aesEncrypt(dir + D_RK, load<i32>(dir + D_NR), c0, c1, c2, c3);
    m0 = o0;
    m1 = o1;
    m2 = o2;
    m3 = o3;
  }
}

/** Writes the GCM tag (GHASH result XOR E_K(J0)) at dst. */
function gcmWriteTag(dst: usize): void {
  const th = ghashHi() ^ ((<u64>m0 << 32) | <u64>m1);
  const tl = ghashLo() ^ ((<u64>m2 << 32) | <u64>m3);
  store<u64>(dst, bswap<u64>(th));
  store<u64>(dst, bswap<u64>(tl), 8);
}

/** Constant-time check of the GCM tag at `tag`: 0 when it matches. */
function gcmTagDiff(tag: usize): u64 {
  const th = ghashHi() ^ ((<u64>m0 << 32) | <u64>m1);
  const tl = ghashLo() ^ ((<u64>m2 << 32) | <u64>m3);
  return (bswap<u64>(load<u64>(tag)) ^ th) | (bswap<u64>(load<u64>(tag, 8)) ^ tl);
}

// GHASH over the SRTCP AAD: header (8 bytes) and the E+index word, or with E = 0 (RFC 7714 §9.2)
// the whole unencrypted packet and the E+index word.
function ghashRtcpAad(p: usize, aadBody: i32): void {
  ghashFeed(p, aadBody);
  store<u32>(AAD, bswap<u32>(pIdx));
  ghashFeed(AAD, 4);
  ghashPad();
}

/** Processes one packet; returns the new length or a negative error code. */
export function processOne(op: i32, slot: usize, p: usize, len: i32, arg: u32, ext: bool): i32 {
  plan(op, slot, p, len, arg);
  if (pErr < 0) return pErr;
  const gcm = load<u32>(slot + S_GCM) != 0;
  const rtcp = op >= OP_RTCP_PROTECT;
  const dir = slot + (rtcp ? S_RTCP : S_RTP);
  const roc = arg;
  const ksEnd = ksCur + (<usize>pBlocks << 4);
  counterBlock(dir, gcm, rtcp, roc);
  const enc = p + <usize>pEncOff;
  let result = pOut;

  if (!gcm) {
    if (op == OP_RTP_PROTECT) {
      // RFC 3711 §4.2: the tag covers the authenticated portion || ROC.
      ctrXor(ext, dir, c3, enc, pEncLen);
      store<u32>(p + <usize>pTagOff, bswap<u32>(roc));
      hmacSha1(dir, p, pTagOff + 4);
      hmacWrite(p + <usize>pTagOff, pTagLen);
    } else if (op == OP_RTP_UNPROTECT) {
      // RFC 3711 §3.3 step 5/6: authenticate first, decrypt only authentic packets.
      memory.copy(SAVED, p + <usize>pTagOff, <usize>pTagLen);
      store<u32>(p + <usize>pTagOff, bswap<u32>(roc));
      hmacSha1(dir, p, pTagOff + 4);
      if (hmacDiff(SAVED, pTagLen) != 0) result = ERR_AUTH_FAILED;
      else ctrXor(ext, dir, c3, enc, pEncLen);
    } else if (op == OP_RTCP_PROTECT) {
      ctrXor(ext, dir, c3, enc, pEncLen);
      store<u32>(p + <usize>pIdxOff, bswap<u32>(pIdx));
      hmacSha1(dir, p, pIdxOff + 4);
      hmacWrite(p + <usize>pTagOff, pTagLen);
    } else {
      hmacSha1(dir, p, pIdxOff + 4);
      if (hmacDiff(p + <usize>pTagOff, pTagLen) != 0) result = ERR_AUTH_FAILED;
      else ctrXor(ext, dir, c3, enc, pEncLen);
    }
  } else {
    tagMask(ext, dir);
    const ctr = c3 + 1;
    const table = slot + (rtcp ? S_GHASH_RTCP : S_GHASH_RTP);
    if (op == OP_RTP_PROTECT) {
      // RFC 7714 §8.2: AAD = the RTP header including CSRCs and extension; tag appended.
      ctrXor(ext, dir, ctr, enc, pEncLen);
      ghashStart(table);
      ghashFeed(p, pEncOff);
      ghashPad();
      ghashFeed(enc, pEncLen);
      ghashFinish(pEncOff, pEncLen);
      gcmWriteTag(p + <usize>pTagOff);
    } else if (op == OP_RTP_UNPROTECT) {
      ghashStart(table);
      ghashFeed(p, pEncOff);
      ghashPad();
      ghashFeed(enc, pEncLen);
      ghashFinish(pEncOff, pEncLen);
      if (gcmTagDiff(p + <usize>pTagOff) != 0) result = ERR_AUTH_FAILED;
      else ctrXor(ext, dir, ctr, enc, pEncLen);
    } else if (op == OP_RTCP_PROTECT) {
      // RFC 7714 §9.1: AAD = first 8 octets || E+index; tag, then E+index, after the ciphertext.
      ctrXor(ext, dir, ctr, enc, pEncLen);
      ghashStart(table);
      ghashRtcpAad(p, 8);
      ghashFeed(enc, pEncLen);
      ghashFinish(12, pEncLen);
      gcmWriteTag(p + <usize>pTagOff);
      store<u32>(p + <usize>pIdxOff, bswap<u32>(pIdx));
    } else {
      const encrypted = pIdx >> 31 != 0;
      const aadBody = encrypted ? 8 : pTagOff;
      ghashStart(table);
      ghashRtcpAad(p, aadBody);
      ghashFeed(enc, pEncLen);
      ghashFinish(aadBody + 4, pEncLen);
      if (gcmTagDiff(p + <usize>pTagOff) != 0) result = ERR_AUTH_FAILED;
      else ctrXor(ext, dir, ctr, enc, pEncLen);
    }
  }
  // Keep the keystream cursor aligned with what srtp_ctr wrote, whether or not it was used.
  if (ext) ksCur = ksEnd;
  return result;
}

/** Writes the counter blocks of one packet at `out` (big-endian); returns the bytes written. */
export function counterOne(op: i32, slot: usize, p: usize, len: i32, arg: u32, out: usize): i32 {
  plan(op, slot, p, len, arg);
  if (pErr < 0) return 0;
  const gcm = load<u32>(slot + S_GCM) != 0;
  const rtcp = op >= OP_RTCP_PROTECT;
  counterBlock(slot + (rtcp ? S_RTCP : S_RTP), gcm, rtcp, arg);
  const b0 = bswap<u32>(c0);
  const b1 = bswap<u32>(c1);
  const b2 = bswap<u32>(c2);
  for (let i = 0; i < pBlocks; i++) {
    const q = out + (<usize>i << 4);
    store<u32>(q, b0);
    store<u32>(q, b1, 4);
    store<u32>(q, b2, 8);
    store<u32>(q, bswap<u32>(c3 + <u32>i), 12);
  }
  return pBlocks << 4;
}

/**
 * Writes the counter blocks of `count` consecutive SRTP packet indices, starting at (roc, seq) for
 * `ssrc`, `blocks` blocks per packet (GCM: J0 first), at `out`; returns the bytes written. Used to fetch
 * keystream for the next packets of a stream in one native call.
 */
export function counterRun(slot: usize, ssrc: u32, roc: u32, seq: u32, count: i32, blocks: i32, out: usize): i32 {
  const gcm = load<u32>(slot + S_GCM) != 0;
  let q = out;
  for (let k = 0; k < count; k++) {
    setRtpIds(ssrc, seq);
    counterBlock(slot + S_RTP, gcm, false, roc);
    const b0 = bswap<u32>(c0);
    const b1 = bswap<u32>(c1);
    const b2 = bswap<u32>(c2);
    for (let j = 0; j < blocks; j++) {
      store<u32>(q, b0);
      store<u32>(q, b1, 4);
      store<u32>(q, b2, 8);
      store<u32>(q, bswap<u32>(c3 + <u32>j), 12);
      q += 16;
    }
    seq = (seq + 1) & 0xffff;
    if (seq == 0) roc++;
  }
  return <i32>(q - out);
}

export function resetKs(): void {
  ksCur = KS;
}
