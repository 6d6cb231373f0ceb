// GHASH (NIST SP 800-38D §6.4) with Shoup's 8-bit tables: the 256 multiples of H by one byte (4 KiB per
// key), and a 256-entry reduction table for the 8 bits shifted out per step. Table lookups depend on
// data, so like the T-table AES this is not cache-timing safe.
import { TMP } from "./layout";

/** Reduction of the 8 bits shifted out of Z, as the 16 high bits to fold into Z's top (u16 each). */
const R8: usize = memory.data(256 * 2, 16);
/** Partial-block buffer for streaming input (16 bytes). */
const PEND: usize = TMP + 256;

// R8[b]: shift a Z whose only bits are the byte b (lowest 8 bits) right by 8, one bit at a time,
// reducing by x^128 = x^7 + x^2 + x + 1 (0xE1 in GCM's reflected bit order) at each step.
function initR8(): void {
  for (let b: u32 = 0; b < 256; b++) {
    let zh: u64 = 0;
    let zl: u64 = <u64>b;
    for (let i = 0; i < 8; i++) {
      const t = (zl & 1) * 0xe100000000000000;
      zl = (zh << 63) | (zl >> 1);
      zh = (zh >> 1) ^ t;
    }
    store<u16>(R8 + (<usize>b << 1), <u16>(zh >> 48));
  }
}
initR8();

/** Running GHASH value Y (big-endian halves). */
let yh: u64 = 0;
let yl: u64 = 0;
let pendLen: i32 = 0;
let tbl: usize = 0;

/** Builds the 8-bit table of multiples of H = (hh, hl) at `t`. */
export function ghashTable(t: usize, hh: u64, hl: u64): void {
  store<u64>(t, 0);
  store<u64>(t, 0, 8);
  // Entry 128 (byte 10000000b) is H itself: a byte's high bit is the lowest power of x.
  let vh = hh;
  let vl = hl;
  for (let i: usize = 128; i > 0; i >>= 1) {
    store<u64>(t + (i << 4), vh);
    store<u64>(t + (i << 4), vl, 8);
    const r = (vl & 1) * 0xe100000000000000;
    vl = (vh << 63) | (vl >> 1);
    vh = (vh >> 1) ^ r;
  }
  for (let i: usize = 2; i < 256; i <<= 1) {
    const ih = load<u64>(t + (i << 4));
    const il = load<u64>(t + (i << 4), 8);
    for (let j: usize = 1; j < i; j++) {
      store<u64>(t + ((i + j) << 4), ih ^ load<u64>(t + (j << 4)));
      store<u64>(t + ((i + j) << 4), il ^ load<u64>(t + (j << 4), 8), 8);
    }
  }
}

/** Starts a GHASH under the table at `t`. */
export function ghashStart(t: usize): void {
  tbl = t;
  yh = 0;
  yl = 0;
  pendLen = 0;
}

// Y = (Y ^ X) * H for the block X = (xh, xl): Horner over the 16 bytes, last byte first.
@inline function mulBlock(xh: u64, xl: u64): void {
  const t = tbl;
  const ah = yh ^ xh;
  const al = yl ^ xl;
  let e = t + (<usize>(al & 0xff) << 4);
  let zh = load<u64>(e);
  let zl = load<u64>(e, 8);
  for (let i: u64 = 1; i < 16; i++) {
    const byte = i < 8 ? (al >> (i << 3)) & 0xff : (ah >> ((i - 8) << 3)) & 0xff;
    const rem = <usize>(zl & 0xff);
    zl = (zh << 56) | (zl >> 8);
    zh = (zh >> 8) ^ (<u64>load<u16>(R8 + (rem << 1)) << 48);
    e = t + (<usize>byte << 4);
    zh ^= load<u64>(e);
    zl ^= load<u64>(e, 8);
  }
  yh = zh;
  yl = zl;
}

/** Feeds `len` bytes at `p` (a segment may end mid-block; call ghashPad at the segment's end). */
export function ghashFeed(p: usize, len: i32): void {
  if (pendLen > 0) {
    while (len > 0 && pendLen < 16) {
      store<u8>(PEND + <usize>pendLen, load<u8>(p));
      pendLen++;
      p++;
      len--;
    }
    if (pendLen < 16) return;
    mulBlock(bswap<u64>(load<u64>(PEND)), bswap<u64>(load<u64>(PEND, 8)));
    pendLen = 0;
  }
  while (len >= 16) {
    mulBlock(bswap<u64>(load<u64>(p)), bswap<u64>(load<u64>(p, 8)));
    p += 16;
    len -= 16;
  }
  while (len > 0) {
    store<u8>(PEND + <usize>pendLen, load<u8>(p));
    pendLen++;
    p++;
    len--;
  }
}

/** Zero-pads a pending partial block and folds it in (end of the AAD or of the ciphertext). */
export function ghashPad(): void {
  if (pendLen == 0) return;
  for (let i = pendLen; i < 16; i++) store<u8>(PEND + <usize>i, 0);
  mulBlock(bswap<u64>(load<u64>(PEND)), bswap<u64>(load<u64>(PEND, 8)));
  pendLen = 0;
}

/** Folds in the length block (bit lengths of AAD and ciphertext); the result is in ghashHi/ghashLo. */
export function ghashFinish(aadLen: i32, ctLen: i32): void {
  ghashPad();
  mulBlock(<u64>aadLen << 3, <u64>ctLen << 3);
}

export function ghashHi(): u64 {
  return yh;
}
export function ghashLo(): u64 {
  return yl;
}
