// The three digest hashes of RFC 7616 §3.2 (MD5, SHA-256, SHA-512/256) behind one streaming
// interface over the STATE region: begin, update with any number of bytes, finish. Padding is
// built in the state's own block buffer, so inputs are never written to.
import { ALG_MD5, ALG_SHA256, ALG_SHA512_256, S_ALG, S_BLOCK, S_COUNT, S_FILL, S_H, S_TAIL, STATE, TMP } from "./layout";
import { md5Compress } from "./md5";
import { sha256Compress } from "./sha256-compress";
import { sha512_256Init, sha512Compress } from "./sha512";

/** Block size in bytes: 64, or 128 for SHA-512/256. */
@inline export function blockSize(alg: i32): usize {
  return alg == ALG_SHA512_256 ? 128 : 64;
}

/** Digest size in bytes: 16 for MD5, 32 for the others. */
@inline export function digestSize(alg: i32): i32 {
  return alg == ALG_MD5 ? 16 : 32;
}

/** SHA-256's initial hash value (FIPS 180-4 §5.3.3). */
export function sha256Init(st: usize): void {
  store<u32>(st, 0x6a09e667);
  store<u32>(st, 0xbb67ae85, 4);
  store<u32>(st, 0x3c6ef372, 8);
  store<u32>(st, 0xa54ff53a, 12);
  store<u32>(st, 0x510e527f, 16);
  store<u32>(st, 0x9b05688c, 20);
  store<u32>(st, 0x1f83d9ab, 24);
  store<u32>(st, 0x5be0cd19, 28);
}

@inline function compress(alg: i32, p: usize): void {
  if (alg == ALG_MD5) md5Compress(STATE + S_H, p);
  else if (alg == ALG_SHA256) sha256Compress(STATE + S_H, p);
  else sha512Compress(STATE + S_H, p);
}

/** Starts a hash of `alg` (the caller has checked it is 0..2). */
export function hashBegin(alg: i32): void {
  store<i32>(STATE + S_ALG, alg);
  store<i32>(STATE + S_FILL, 0);
  store<u64>(STATE + S_COUNT, 0);
  if (alg == ALG_MD5) {
    // RFC 1321 §3.3: words A, B, C, D as little-endian values.
    store<u32>(STATE + S_H, 0x67452301);
    store<u32>(STATE + S_H, 0xefcdab89, 4);
    store<u32>(STATE + S_H, 0x98badcfe, 8);
    store<u32>(STATE + S_H, 0x10325476, 12);
  } else if (alg == ALG_SHA256) {
    sha256Init(STATE + S_H);
  } else {
    sha512_256Init(STATE + S_H);
  }
}

/** Continues a SHA-256 from a saved chaining value after `count` bytes (an HMAC pad state). */
export function hashResume(state: usize, count: u64): void {
  store<i32>(STATE + S_ALG, ALG_SHA256);
  store<i32>(STATE + S_FILL, 0);
  store<u64>(STATE + S_COUNT, count);
  memory.copy(STATE + S_H, state, 32);
}

/** Feeds `len` bytes at `p`: whole blocks are compressed in place, the rest kept in the tail. */
export function hashUpdate(p: usize, len: usize): void {
  const alg = load<i32>(STATE + S_ALG);
  const bs = blockSize(alg);
  store<u64>(STATE + S_COUNT, load<u64>(STATE + S_COUNT) + <u64>len);
  let fill = <usize>load<i32>(STATE + S_FILL);
  if (fill > 0) {
    const take = min(bs - fill, len);
    memory.copy(STATE + S_TAIL + fill, p, take);
    fill += take;
    p += take;
    len -= take;
    if (fill < bs) {
      store<i32>(STATE + S_FILL, <i32>fill);
      return;
    }
    compress(alg, STATE + S_TAIL);
    fill = 0;
  }
  while (len >= bs) {
    compress(alg, p);
    p += bs;
    len -= bs;
  }
  memory.copy(STATE + S_TAIL, p, len);
  store<i32>(STATE + S_FILL, <i32>len);
}

/**
 * Pads and compresses the last block(s) (RFC 1321 §3.1–3.2; FIPS 180-4 §5.1) and leaves the digest
 * in byte order at TMP; returns its size.
 */
export function hashFinish(): i32 {
  const alg = load<i32>(STATE + S_ALG);
  const bs = blockSize(alg);
  const fill = <usize>load<i32>(STATE + S_FILL);
  const bits = load<u64>(STATE + S_COUNT) << 3;
  // The length field is 8 bytes (16 for SHA-512, whose upper half stays zero for any real input).
  const lenBytes: usize = bs == 128 ? 16 : 8;
  const b = STATE + S_BLOCK;
  memory.copy(b, STATE + S_TAIL, fill);
  store<u8>(b + fill, 0x80);
  const total = fill + 1 + lenBytes <= bs ? bs : bs << 1;
  memory.fill(b + fill + 1, 0, total - fill - 9);
  if (alg == ALG_MD5) store<u64>(b + total - 8, bits);
  else store<u64>(b + total - 8, bswap<u64>(bits));
  compress(alg, b);
  if (total > bs) compress(alg, b + bs);
  const h = STATE + S_H;
  if (alg == ALG_MD5) {
    memory.copy(TMP, h, 16);
    return 16;
  }
  if (alg == ALG_SHA256) {
    for (let i: usize = 0; i < 32; i += 4) store<u32>(TMP + i, bswap<u32>(load<u32>(h + i)));
  } else {
    // SHA-512/256: the first 256 bits of the final hash value (FIPS 180-4 §6.7).
    for (let i: usize = 0; i < 32; i += 8) store<u64>(TMP + i, bswap<u64>(load<u64>(h + i)));
  }
  return 32;
}

@inline function hexDigit(n: u32): u8 {
  return <u8>(n < 10 ? 0x30 + n : 0x57 + n);
}

/** Writes the `n` digest bytes at TMP as lower-case hex at `dst` (RFC 7616 §3.4: LHEX). */
export function hexOut(n: i32, dst: usize): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const v = <u32>load<u8>(TMP + i);
    store<u8>(dst + (i << 1), hexDigit(v >> 4));
    store<u8>(dst + (i << 1) + 1, hexDigit(v & 15));
  }
}
