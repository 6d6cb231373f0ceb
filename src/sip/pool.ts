/**
 * Small byte arrays carved out of shared 256 KiB blocks. Allocating a typed array larger than 64
 * bytes costs an off-heap backing store per call in V8 (several hundred ns, more than parsing a
 * message); a view into a block costs tens. The price is that a retained view keeps its block
 * alive, as with Node's Buffer pool; arrays over 4 KiB get their own buffer.
 *
 * The blocks themselves are large because V8 charges each array buffer a fixed cost far above its
 * bytes (backing store, tracking entry, external-memory accounting): on Node, making and holding
 * 16 KiB arrays cost 55–85 µs each, 256 KiB ones about 170 µs, 5 to 8 times less per byte. The
 * first block of each kind is made on first use.
 */
const BLOCK = 262144;
const MAX_POOLED = 4096;

let block = new Uint8Array(0);
let used = 0;

/** A zero-filled byte array of `n` bytes, possibly a view into a shared block. */
export function allocBytes(n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n);
  if (used + n > block.length) {
    block = new Uint8Array(BLOCK);
    used = 0;
  }
  const out = block.subarray(used, used + n);
  // Keep every view 8-byte aligned, as a fresh ArrayBuffer would be.
  used = (used + n + 7) & ~7;
  return out;
}

const encoder = new TextEncoder();
const BODY_BLOCK = 262144;
const MAX_POOLED_BODY = 1024;
let bodyBlock = new Uint8Array(0);
let bodyUsed = 0;

/**
 * `s` encoded as UTF-8, for a message body given as text. A short body is a view into a block of
 * its own kind (bodies live as long as their messages, so they share blocks with each other, not
 * with the serializer's short-lived arrays); `TextEncoder.encode` would give each one an off-heap
 * backing store.
 */
export function encodeBody(s: string): Uint8Array {
  const n = s.length;
  // A UTF-8 encoding is at least as many bytes as UTF-16 code units: only ASCII fits in `n`.
  if (n > MAX_POOLED_BODY) return encoder.encode(s);
  if (bodyUsed + n > bodyBlock.length) {
    bodyBlock = new Uint8Array(BODY_BLOCK);
    bodyUsed = 0;
  }
  const out = bodyBlock.subarray(bodyUsed, bodyUsed + n);
  const r = encoder.encodeInto(s, out);
  if (r.read !== n) return encoder.encode(s);
  bodyUsed += n;
  return out;
}
