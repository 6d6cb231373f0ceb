// GHASH (NIST SP 800-38D §6.4) with Shoup's 4-bit tables: 16 multiples of H per key (256 bytes), and
// a 16-entry reduction table. Table lookups depend on data, so like the T-table AES this is not
// cache-timing safe.
import { D_HH, D_HL, TMP } from "./layout";

// Reduction constants for the 4 bits shifted out at each step (multiples of 0xE1 in GCM bit order).
const LAST4: usize = memory.data<u16>([
  0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
  0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0,
]);

/** Partial-block buffer for streaming input (16 bytes). */
const PEND: usize = TMP + 256;

/** Running GHASH value Y (big-endian halves). */
let yh: u64 = 0;
let yl: u64 = 0;
let pendLen: i32 = 0;
let tbl: usize = 0;

/** Builds the 4-bit table of multiples of H = (hh, hl) for the direction at `dir`. */
export function ghashTable(dir: usize, hh: u64, hl: u64): void {
  const HH = dir + D_HH;
  const HL = dir + D_HL;
  store<u64>(HH, 0);
  store<u64>(HL, 0);
  // Index 8 (nibble 1000b) is H itself: the nibble's high bit is the x^0 coefficient.
  store<u64>(HH + 64, hh);
  store<u64>(HL + 64, hl);
  let vh = hh;
  let vl = hl;
  for (let i: usize = 4; i > 0; i >>= 1) {
    const t = (vl & 1) * 0xe100000000000000;
    vl = (vh << 63) | (vl >> 1);
    vh = (vh >> 1) ^ t;
    store<u64>(HH + (i << 3), vh);
    store<u64>(HL + (i << 3), vl);
  }
  for (let i: usize = 2; i <= 8; i <<= 1) {
    const ih = load<u64>(HH + (i << 3));
    const il = load<u64>(HL + (i << 3));
    for (let j: usize = 1; j < i; j++) {
      store<u64>(HH + ((i + j) << 3), ih ^ load<u64>(HH + (j << 3)));
      store<u64>(HL + ((i + j) << 3), il ^ load<u64>(HL + (j << 3)));
    }
  }
}

/** Starts a GHASH under the table of direction `dir`. */
export function ghashStart(dir: usize): void {
  tbl = dir;
  yh = 0;
  yl = 0;
  pendLen = 0;
}

// Y = (Y ^ X) * H for the block X = (xh, xl).
@inline function mulBlock(xh: u64, xl: u64): void {
  const HH = tbl + D_HH;
  const HL = tbl + D_HL;
  const ah = yh ^ xh;
  const al = yl ^ xl;
  let nib = <usize>(al & 0xf);
  let zh = load<u64>(HH + (nib << 3));
  let zl = load<u64>(HL + (nib << 3));
  // Bytes 15..0 of the block, low nibble then high nibble (byte 15 is the low byte of `al`).
  for (let i = 0; i < 16; i++) {
    const byte = i < 8 ? <u32>(al >> (<u64>i << 3)) & 0xff : <u32>(ah >> (<u64>(i - 8) << 3)) & 0xff;
    if (i != 0) {
      const rem = <usize>(zl & 0xf);
      zl = (zh << 60) | (zl >> 4);
      zh = (zh >> 4) ^ (<u64>load<u16>(LAST4 + (rem << 1)) << 48);
      nib = <usize>(byte & 0xf);
      zh ^= load<u64>(HH + (nib << 3));
      zl ^= load<u64>(HL + (nib << 3));
    }
    const rem = <usize>(zl & 0xf);
    zl = (zh << 60) | (zl >> 4);
    zh = (zh >> 4) ^ (<u64>load<u16>(LAST4 + (rem << 1)) << 48);
    nib = <usize>(byte >> 4);
    zh ^= load<u64>(HH + (nib << 3));
    zl ^= load<u64>(HL + (nib << 3));
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

/** Folds in the length block (bit lengths of AAD and ciphertext) and returns Y in yh/yl. */
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
