// Digest-authentication core (RFC 7616 §3.2, RFC 8760 §2): MD5, SHA-256 and SHA-512/256 to
// lower-case hex, and HMAC-SHA-256 (RFC 2104) for the server's stateless nonces, over inputs placed
// by TS in the IO region. See src/auth/ for the digest computations around them.
import { ALG_SHA256, ALG_SHA512_256, ERR_RANGE, IO, IO_SIZE, TMP } from "./layout";
import { hashBegin, hashFinish, hashResume, hashUpdate, hexOut, sha256Init } from "./hash";
import { sha256Compress } from "./sha256-compress";

@inline function inRange(off: i32, len: i32): bool {
  return off >= 0 && len >= 0 && off <= IO_SIZE - len;
}

/** The IO region (auth_io_size() bytes): inputs, hex outputs, HMAC key states. */
export function auth_io(): usize {
  return IO;
}
export function auth_io_size(): i32 {
  return IO_SIZE;
}

/**
 * Hashes IO[off, off+len) with `alg` (0 MD5, 1 SHA-256, 2 SHA-512/256) and writes the digest as
 * lower-case hex at IO[dst]; returns the hex length (32 or 64), or ERR_RANGE.
 */
export function auth_hash(alg: i32, off: i32, len: i32, dst: i32): i32 {
  if (alg < 0 || alg > ALG_SHA512_256 || !inRange(off, len) || !inRange(dst, 64)) return ERR_RANGE;
  hashBegin(alg);
  hashUpdate(IO + <usize>off, <usize>len);
  const n = hashFinish();
  hexOut(n, IO + <usize>dst);
  return n << 1;
}

/** Starts a hash fed in pieces by auth_update; 0, or ERR_RANGE for an unknown algorithm. */
export function auth_begin(alg: i32): i32 {
  if (alg < 0 || alg > ALG_SHA512_256) return ERR_RANGE;
  hashBegin(alg);
  return 0;
}

/** Feeds IO[off, off+len) to the hash started by auth_begin; 0 or ERR_RANGE. */
export function auth_update(off: i32, len: i32): i32 {
  if (!inRange(off, len)) return ERR_RANGE;
  hashUpdate(IO + <usize>off, <usize>len);
  return 0;
}

/** Ends the hash started by auth_begin, hex at IO[dst]; returns the hex length or ERR_RANGE. */
export function auth_end(dst: i32): i32 {
  if (!inRange(dst, 64)) return ERR_RANGE;
  const n = hashFinish();
  hexOut(n, IO + <usize>dst);
  return n << 1;
}

/**
 * HMAC-SHA-256 key schedule (RFC 2104 §2): the SHA-256 chaining values after the key XOR ipad
 * block and after the key XOR opad block, 32 bytes each, written at IO[dst]. A key longer than
 * the 64-byte block is hashed first. Returns 64, or ERR_RANGE.
 */
export function auth_hmac_key(off: i32, len: i32, dst: i32): i32 {
  if (!inRange(off, len) || !inRange(dst, 64)) return ERR_RANGE;
  const key = TMP + 64; // 64-byte padded key
  memory.fill(key, 0, 64);
  if (len > 64) {
    hashBegin(ALG_SHA256);
    hashUpdate(IO + <usize>off, <usize>len);
    hashFinish();
    memory.copy(key, TMP, 32);
  } else {
    memory.copy(key, IO + <usize>off, <usize>len);
  }
  const block = TMP + 128;
  for (let pass = 0; pass < 2; pass++) {
    const pad: u8 = pass == 0 ? 0x36 : 0x5c;
    for (let i: usize = 0; i < 64; i++) store<u8>(block + i, load<u8>(key + i) ^ pad);
    const st = IO + <usize>dst + (pass == 0 ? 0 : 32);
    sha256Init(st);
    sha256Compress(st, block);
  }
  memory.fill(key, 0, 64);
  return 64;
}

/**
 * HMAC-SHA-256 of IO[off, off+len) under the key schedule at IO[key] (from auth_hmac_key); the
 * 32-byte MAC is written at IO[dst]. Returns 32, or ERR_RANGE.
 */
export function auth_hmac(key: i32, off: i32, len: i32, dst: i32): i32 {
  if (!inRange(key, 64) || !inRange(off, len) || !inRange(dst, 32)) return ERR_RANGE;
  hashResume(IO + <usize>key, 64);
  hashUpdate(IO + <usize>off, <usize>len);
  hashFinish();
  // Outer hash: the opad state, then the inner digest (now at TMP).
  hashResume(IO + <usize>key + 32, 64);
  hashUpdate(TMP, 32);
  hashFinish();
  memory.copy(IO + <usize>dst, TMP, 32);
  return 32;
}
