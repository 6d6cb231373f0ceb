/**
 * Server nonces that the server verifies without storing them (RFC 7616 §3.3 suggests a nonce of
 * a time stamp and a hash keyed by a server secret): 24 bytes, written as 32 base64url characters,
 *
 *     issued-at (6 bytes, ms, big-endian) | random (6 bytes) | HMAC-SHA-256(secret, first 12 bytes | realm)[0..12)
 *
 * The random part makes every challenge's nonce unique (nonce counts are tracked per nonce); the
 * MAC makes a nonce this server did not issue, or issued for another realm, fail the check.
 *
 * Internal to src/auth.
 */
import { hmacKeySchedule, hmacSha256 } from "./hash.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64_INDEX = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

const BYTES = 24;
const CHARS = 32;
const MAC_AT = 12;
const MAC_BYTES = 12;

/** Issues and checks this server's nonces. */
export class NonceMint {
  readonly #schedule: Uint8Array;
  readonly #random: (n: number) => Uint8Array;
  /** The MAC input: stamp and random part, then the realm's UTF-8 bytes. */
  readonly #msg: Uint8Array;
  readonly #raw = new Uint8Array(BYTES);
  readonly #mac = new Uint8Array(MAC_BYTES);

  constructor(secret: Uint8Array, realm: string, random: (n: number) => Uint8Array) {
    this.#schedule = hmacKeySchedule(secret);
    this.#random = random;
    const r = new TextEncoder().encode(realm);
    this.#msg = new Uint8Array(12 + r.length);
    this.#msg.set(r, 12);
  }

  /** A new nonce issued at `now` (ms). */
  issue(now: number): string {
    const raw = this.#raw;
    let t = Math.max(0, Math.floor(now));
    for (let i = 5; i >= 0; i--) {
      raw[i] = t % 256;
      t = Math.floor(t / 256);
    }
    raw.set(this.#random(6), 6);
    this.#msg.set(raw.subarray(0, 12));
    hmacSha256(this.#schedule, this.#msg, raw, MAC_AT, MAC_BYTES);
    let s = "";
    for (let i = 0; i < BYTES; i += 3) {
      const v = (raw[i]! << 16) | (raw[i + 1]! << 8) | raw[i + 2]!;
      s += B64[v >>> 18]! + B64[(v >>> 12) & 63]! + B64[(v >>> 6) & 63]! + B64[v & 63]!;
    }
    return s;
  }

  /** When `nonce` was issued (ms), or -1 when this server did not issue it for this realm. */
  issuedAt(nonce: string): number {
    if (nonce.length !== CHARS) return -1;
    const raw = this.#raw;
    for (let i = 0, j = 0; i < CHARS; i += 4, j += 3) {
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const c = nonce.charCodeAt(i + k);
        const d = c < 128 ? B64_INDEX[c]! : -1;
        if (d < 0) return -1;
        v = (v << 6) | d;
      }
      raw[j] = v >>> 16;
      raw[j + 1] = (v >>> 8) & 255;
      raw[j + 2] = v & 255;
    }
    this.#msg.set(raw.subarray(0, 12));
    const mac = this.#mac;
    hmacSha256(this.#schedule, this.#msg, mac, 0, MAC_BYTES);
    let diff = 0;
    for (let i = 0; i < MAC_BYTES; i++) diff |= mac[i]! ^ raw[MAC_AT + i]!;
    if (diff !== 0) return -1;
    let t = 0;
    for (let i = 0; i < 6; i++) t = t * 256 + raw[i]!;
    return t;
  }
}
