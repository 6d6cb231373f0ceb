// HMAC-SHA1 (RFC 2104) over packet bytes, with the inner and outer pad states computed once per key
// (srtp_setup), so a packet costs its own blocks plus one outer block.
import { sha1Compress } from "./sha1-compress";
import { D_IPAD, D_OPAD, TMP } from "./layout";

const H: usize = TMP; // working state, 5 words
const BLK: usize = TMP + 64; // tail blocks, 128 bytes

@inline function sha1Init(st: usize): void {
  store<u32>(st, 0x67452301);
  store<u32>(st, 0xefcdab89, 4);
  store<u32>(st, 0x98badcfe, 8);
  store<u32>(st, 0x10325476, 12);
  store<u32>(st, 0xc3d2e1f0, 16);
}

/** Computes the ipad/opad states of direction `dir` for the 20-byte key at `key`. */
export function hmacSetup(dir: usize, key: usize): void {
  for (let pass = 0; pass < 2; pass++) {
    const pad: u8 = pass == 0 ? 0x36 : 0x5c;
    for (let i: usize = 0; i < 64; i++) store<u8>(BLK + i, (i < 20 ? load<u8>(key + i) : 0) ^ pad);
    const st = dir + (pass == 0 ? D_IPAD : D_OPAD);
    sha1Init(st);
    sha1Compress(st, BLK);
  }
}

/**
 * HMAC-SHA1 of the `len` bytes at `p` under direction `dir`'s key; the 20-byte MAC is left in the
 * working state H as word values (read with hmacWord).
 */
export function hmacSha1(dir: usize, p: usize, len: i32): void {
  memory.copy(H, dir + D_IPAD, 20);
  let n = len;
  while (n >= 64) {
    sha1Compress(H, p);
    p += 64;
    n -= 64;
  }
  // Tail: remaining bytes, 0x80, zeros, and the 64-bit bit length of ipad block + message.
  memory.copy(BLK, p, n);
  store<u8>(BLK + <usize>n, 0x80);
  const blocks: i32 = n + 9 <= 64 ? 1 : 2;
  const end = <usize>(blocks << 6);
  memory.fill(BLK + <usize>n + 1, 0, end - <usize>n - 9);
  store<u64>(BLK + end - 8, bswap<u64>((<u64>len + 64) << 3));
  sha1Compress(H, BLK);
  if (blocks == 2) sha1Compress(H, BLK + 64);
  // Outer hash: opad state, then one block holding the inner digest.
  for (let i: usize = 0; i < 5; i++) store<u32>(BLK + (i << 2), bswap<u32>(load<u32>(H + (i << 2))));
  store<u8>(BLK + 20, 0x80);
  memory.fill(BLK + 21, 0, 35);
  store<u64>(BLK + 56, bswap<u64>(<u64>(64 + 20) << 3));
  memory.copy(H, dir + D_OPAD, 20);
  sha1Compress(H, BLK);
}

/** Writes the first `n` bytes of the last MAC at `dst`. */
export function hmacWrite(dst: usize, n: i32): void {
  for (let i: usize = 0; i < 5; i++) store<u32>(BLK + (i << 2), bswap<u32>(load<u32>(H + (i << 2))));
  memory.copy(dst, BLK, n);
}

/** Constant-time comparison of the first `n` bytes of the last MAC with the bytes at `tag`: 0 when equal. */
export function hmacDiff(tag: usize, n: i32): u32 {
  for (let i: usize = 0; i < 5; i++) store<u32>(BLK + (i << 2), bswap<u32>(load<u32>(H + (i << 2))));
  let d: u32 = 0;
  for (let i: usize = 0; i < <usize>n; i++) d |= <u32>(load<u8>(BLK + i) ^ load<u8>(tag + i));
  return d;
}
