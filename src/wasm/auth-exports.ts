/**
 * Exports of the digest-authentication core (assembly/auth/). Offsets and lengths are relative to
 * the IO region (`auth_io()`); results are lengths, or ERR_RANGE (-1) for an unknown algorithm or a
 * range outside the region. Algorithm ids: ALG_MD5, ALG_SHA256, ALG_SHA512_256. The constants come
 * from assembly/auth/abi.json (src/auth/abi.generated.ts).
 */
export interface AuthCoreExports {
  /** Base of the IO region. */
  auth_io(): number;
  /** Size of the IO region in bytes. */
  auth_io_size(): number;
  /** Hashes IO[off, off+len), lower-case hex at IO[dst]; the hex length (32 or 64) or -1. */
  auth_hash(alg: number, off: number, len: number, dst: number): number;
  /** Starts a hash fed in pieces; 0 or -1. */
  auth_begin(alg: number): number;
  /** Feeds IO[off, off+len) to the hash begun by auth_begin; 0 or -1. */
  auth_update(off: number, len: number): number;
  /** Ends the hash begun by auth_begin, hex at IO[dst]; the hex length or -1. */
  auth_end(dst: number): number;
  /** HMAC-SHA-256 key schedule (64 bytes) of the key IO[off, off+len) at IO[dst]; 64 or -1. */
  auth_hmac_key(off: number, len: number, dst: number): number;
  /** HMAC-SHA-256 of IO[off, off+len) under the schedule at IO[key], 32 bytes at IO[dst]; 32 or -1. */
  auth_hmac(key: number, off: number, len: number, dst: number): number;
}
