/**
 * Small byte arrays carved out of shared 16 KiB blocks. Allocating a typed array larger than 64
 * bytes costs an off-heap backing store per call in V8 (several hundred ns, more than parsing a
 * message); a view into a block costs tens. The price is that a retained view keeps its block
 * alive, as with Node's Buffer pool; arrays over 4 KiB get their own buffer.
 */
const BLOCK = 16384;
const MAX_POOLED = 4096;

let block = new Uint8Array(BLOCK);
let used = 0;

/** A zero-filled byte array of `n` bytes, possibly a view into a shared block. */
export function allocBytes(n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n);
  if (used + n > BLOCK) {
    block = new Uint8Array(BLOCK);
    used = 0;
  }
  const out = block.subarray(used, used + n);
  // Keep every view 8-byte aligned, as a fresh ArrayBuffer would be.
  used = (used + n + 7) & ~7;
  return out;
}

/**
 * Serialized messages get their own blocks, of 256 KiB: they are many (every message sent), and V8
 * charges each array buffer a fixed cost far above its bytes (backing store, tracking entry,
 * external-memory accounting: on Node, making and holding 16 KiB arrays cost 55–85 µs each,
 * 256 KiB ones about 170 µs, 5 to 8 times less per byte). They are also short-lived — handed to the
 * transport and dropped — so a large block is not held by one message kept for the length of a
 * call, as a parsed message's or a body's block may be: those keep the smaller blocks above.
 */
const OUT_BLOCK = 262144;
let outBlock = new Uint8Array(0);
let outUsed = 0;

/** {@link allocBytes} for serializer output: a view into a block of its own kind, made on first use. */
export function allocSerialized(n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n);
  if (outUsed + n > outBlock.length) {
    outBlock = new Uint8Array(OUT_BLOCK);
    outUsed = 0;
  }
  const out = outBlock.subarray(outUsed, outUsed + n);
  outUsed = (outUsed + n + 7) & ~7;
  return out;
}

const encoder = new TextEncoder();
const BODY_BLOCK = 8192;
const MAX_POOLED_BODY = 1024;
let bodyBlock = new Uint8Array(BODY_BLOCK);
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
  if (bodyUsed + n > BODY_BLOCK) {
    bodyBlock = new Uint8Array(BODY_BLOCK);
    bodyUsed = 0;
  }
  const out = bodyBlock.subarray(bodyUsed, bodyUsed + n);
  const r = encoder.encodeInto(s, out);
  if (r.read !== n) return encoder.encode(s);
  bodyUsed += n;
  return out;
}
