/**
 * The hash functions of digest authentication (RFC 7616 §3.2, RFC 8760 §2.1) on the Wasm core:
 * MD5, SHA-256 and SHA-512/256 of UTF-8 text or bytes to lower-case hex (RFC 7616 §3.4: the digest
 * is written as LHEX), and HMAC-SHA-256 (RFC 2104) for the server's nonces. Synchronous, so the
 * sans-I/O cores can call them; WebCrypto's digest is asynchronous and has neither MD5 nor
 * SHA-512/256.
 *
 * Internal to src/auth.
 */
import { wasmCore } from "../wasm/index.ts";
import type { SiphonWasmExports } from "../wasm/index.ts";
import { ALG_MD5, ALG_SHA256, ALG_SHA512_256, ERR_RANGE } from "./abi.generated.ts";

/** A hash of RFC 7616 §3.2 as the Wasm core numbers it (assembly/auth/abi.json). */
export type HashId = typeof ALG_MD5 | typeof ALG_SHA256 | typeof ALG_SHA512_256;
/** MD5 (RFC 1321). */
export const MD5: HashId = ALG_MD5;
/** SHA-256 (FIPS 180-4 §6.2). */
export const SHA256: HashId = ALG_SHA256;
/** SHA-512/256 (FIPS 180-4 §6.7). */
export const SHA512_256: HashId = ALG_SHA512_256;

/** Hex digits of each hash's output (RFC 8760 §2.2: 32 for MD5, 64 for the SHA-2 ones). */
export function hexLength(h: HashId): 32 | 64 {
  return h === MD5 ? 32 : 64;
}

interface Core {
  ex: SiphonWasmExports;
  io: Uint8Array;
  base: number;
  /** Bytes of IO usable for one input: the last 128 hold outputs and HMAC key schedules. */
  cap: number;
  out: number;
}

let core: Core | undefined;

function getCore(): Core {
  if (core) return core;
  const c = wasmCore();
  const size = c.exports.auth_io_size();
  core = { ex: c.exports, io: c.u8, base: c.exports.auth_io(), cap: size - 128, out: size - 128 };
  return core;
}

const encoder = new TextEncoder();

/** Two-character strings for each pair of lower-case hex digits, indexed by their char codes. */
const PAIRS: string[] = (() => {
  const digits = "0123456789abcdef";
  const t: string[] = [];
  for (const a of digits) for (const b of digits) t[(a.charCodeAt(0) - 0x30) * 55 + b.charCodeAt(0) - 0x30] = a + b;
  return t;
})();

/** Reads the `n` hex characters the core wrote at the output offset. */
function readHex(c: Core, n: number): string {
  const io = c.io;
  let p = c.base + c.out;
  let s = "";
  for (const end = p + n; p < end; p += 2) s += PAIRS[(io[p]! - 0x30) * 55 + io[p + 1]! - 0x30];
  return s;
}

/**
 * Writes the UTF-8 form of `s` at IO[off] and returns its length, or -1 when it may not fit below
 * `limit`. ASCII (nearly every digest input) is copied code unit by code unit.
 */
function put(c: Core, s: string, off: number, limit: number): number {
  const n = s.length;
  if (off + n * 3 > limit) return -1;
  const io = c.io;
  const p = c.base + off;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 0x80) return encoder.encodeInto(s, io.subarray(p, c.base + limit)).written;
    io[p + i] = ch;
  }
  return n;
}

/** Hashes bytes already placed at IO[0, len). */
function finishHex(c: Core, h: HashId, len: number): string {
  const n = c.ex.auth_hash(h, 0, len, c.out);
  if (n === ERR_RANGE) throw new Error("auth core: hash input out of range");
  return readHex(c, n);
}

/** H(data) of RFC 7616 §3.4 for text: the hash of its UTF-8 bytes, as lower-case hex. */
export function hashHex(h: HashId, data: string): string {
  const c = getCore();
  const len = put(c, data, 0, c.cap);
  return len >= 0 ? finishHex(c, h, len) : hashBytesHex(h, encoder.encode(data));
}

/** H(bytes) as lower-case hex: the entity-body hash of qop=auth-int (RFC 7616 §3.4.3). */
export function hashBytesHex(h: HashId, bytes: Uint8Array): string {
  const c = getCore();
  if (bytes.length <= c.cap) {
    c.io.set(bytes, c.base);
    return finishHex(c, h, bytes.length);
  }
  c.ex.auth_begin(h);
  for (let i = 0; i < bytes.length; i += c.cap) {
    const piece = bytes.subarray(i, Math.min(i + c.cap, bytes.length));
    c.io.set(piece, c.base);
    c.ex.auth_update(0, piece.length);
  }
  return readHex(c, c.ex.auth_end(c.out));
}

/** Writes `parts` joined by ":" at IO[off]; the end offset, or -1 when they may not fit below `limit`. */
function putJoined(c: Core, parts: readonly string[], off: number, limit: number): number {
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) {
      if (off >= limit) return -1;
      c.io[c.base + off++] = 0x3a;
    }
    const n = put(c, parts[i]!, off, limit);
    if (n < 0) return -1;
    off += n;
  }
  return off;
}

/**
 * H(a ":" b ":" ...) — A1, A2 and KD(secret, data) = H(secret ":" data) of RFC 7616 §3.4 — with the
 * pieces written straight into the core's memory instead of joined into one string.
 */
export function hashJoin(h: HashId, parts: readonly string[]): string {
  const c = getCore();
  const end = putJoined(c, parts, 0, c.cap);
  return end >= 0 ? finishHex(c, h, end) : hashHex(h, parts.join(":"));
}

/**
 * KD(H(A1), data ":" H(A2)) of RFC 7616 §3.4.1 computed in the core's memory: A2 is hashed straight
 * into its place after the other pieces of the KD input (`kd`: H(A1), nonce and, with a qop, nc,
 * cnonce, qop), so neither digest becomes a string on the way. Leaves the response's hex at the
 * output and returns its length, or -1 when the inputs may not fit (the caller then uses strings).
 */
function responseInPlace(c: Core, h: HashId, kd: readonly string[], a2: readonly string[]): number {
  // KD input in the lower half of IO, A2 in the upper half.
  const half = c.cap >> 1;
  const a2End = putJoined(c, a2, half, c.cap);
  if (a2End < 0) return -1;
  let off = putJoined(c, kd, 0, half - 65);
  if (off < 0) return -1;
  c.io[c.base + off++] = 0x3a;
  const n = c.ex.auth_hash(h, half, a2End - half, off);
  return c.ex.auth_hash(h, 0, off + n, c.out);
}

/** The request-digest KD(H(A1), kd... ":" H(A2)) as lower-case hex (RFC 7616 §3.4.1). */
export function responseHex(h: HashId, kd: readonly string[], a2: readonly string[]): string {
  const c = getCore();
  const n = responseInPlace(c, h, kd, a2);
  return n >= 0 ? readHex(c, n) : hashJoin(h, [...kd, hashJoin(h, a2)]);
}

/**
 * Whether `expected` (the client's response, hex in either case) is the request-digest, compared
 * in constant time against the core's output without making a string of it.
 */
export function responseMatches(h: HashId, kd: readonly string[], a2: readonly string[], expected: string): boolean {
  const c = getCore();
  const n = responseInPlace(c, h, kd, a2);
  if (n < 0) return sameHexText(hashJoin(h, [...kd, hashJoin(h, a2)]), expected);
  if (expected.length !== n) return false;
  const io = c.io;
  const p = c.base + c.out;
  let diff = 0;
  // Hex digits differ from their upper-case forms only in bit 0x20; digits already have it set.
  for (let i = 0; i < n; i++) diff |= io[p + i]! ^ (expected.charCodeAt(i) | 0x20);
  return diff === 0;
}

/** True when two hex strings are the same digest, compared in constant time and case-insensitively. */
function sameHexText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a.charCodeAt(i) | 0x20) ^ (b.charCodeAt(i) | 0x20);
  return diff === 0;
}

/** The HMAC-SHA-256 key schedule (64 bytes) of `key` (RFC 2104 §2), kept by the caller. */
export function hmacKeySchedule(key: Uint8Array): Uint8Array {
  const c = getCore();
  if (key.length > c.cap - 64) key = hexToBytes(hashBytesHex(SHA256, key));
  c.io.set(key, c.base);
  const k = c.out;
  if (c.ex.auth_hmac_key(0, key.length, k) !== 64) throw new Error("auth core: HMAC key out of range");
  const schedule = c.io.slice(c.base + k, c.base + k + 64);
  c.io.fill(0, c.base, c.base + key.length);
  return schedule;
}

/**
 * HMAC-SHA-256 of `msg` under `schedule`, truncated to `n` bytes (at most 32), written into `dst`
 * at `at`.
 */
export function hmacSha256(schedule: Uint8Array, msg: Uint8Array, dst: Uint8Array, at: number, n: number): void {
  const c = getCore();
  if (msg.length > c.cap) throw new Error("auth core: HMAC message too long");
  const io = c.io;
  // The schedule goes in the first half of the output area, the MAC in the second.
  const k = c.out;
  const mac = c.out + 64;
  io.set(schedule, c.base + k);
  io.set(msg, c.base);
  c.ex.auth_hmac(k, 0, msg.length, mac);
  for (let i = 0; i < n; i++) dst[at + i] = io[c.base + mac + i]!;
}

/** Lower-case or upper-case hex to bytes; the caller has checked the digits. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
