/**
 * Small byte arrays carved out of shared 16 KiB blocks. Allocating a typed array larger than 64
 * bytes costs an off-heap backing store per call in V8 (several hundred ns, more than parsing a
 * message); a view into a block costs tens. The price is that a retained view keeps its block
 * alive, as with Node's Buffer pool; arrays over 4 KiB get their own buffer.
 */
const MAX_POOLED = 4096;

/** A kind of block views are carved from: the current block, how much of it is used, the size of the next. */
interface Blocks {
  block: Uint8Array;
  used: number;
  readonly size: number;
}

/** A zero-filled view of `n` bytes from the current block of `b` (a new block when it is full). */
function carve(b: Blocks, n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n);
  if (b.used + n > b.block.length) {
    b.block = new Uint8Array(b.size);
    b.used = 0;
  }
  const out = b.block.subarray(b.used, b.used + n);
  // Keep every view 8-byte aligned, as a fresh ArrayBuffer would be.
  b.used = (b.used + n + 7) & ~7;
  return out;
}

/** Parsed messages' copies and other small arrays: 16 KiB blocks, made on first use. */
const small: Blocks = { block: new Uint8Array(0), used: 0, size: 16384 };

/**
 * Serialized messages get their own blocks, of 256 KiB: they are many (every message sent), and V8
 * charges each array buffer a fixed cost far above its bytes (backing store, tracking entry,
 * external-memory accounting: on Node, making and holding 16 KiB arrays cost 55–85 µs each,
 * 256 KiB ones about 170 µs, 5 to 8 times less per byte). They are also short-lived — handed to the
 * transport and dropped — so a large block is not held by one message kept for the length of a
 * call, as a parsed message's or a body's block may be: those keep smaller blocks.
 */
const serialized: Blocks = { block: new Uint8Array(0), used: 0, size: 262144 };

/** A zero-filled byte array of `n` bytes, possibly a view into a shared block. */
export function allocBytes(n: number): Uint8Array {
  return carve(small, n);
}

/** {@link allocBytes} for serializer output, from blocks of its own kind. */
export function allocSerialized(n: number): Uint8Array {
  return carve(serialized, n);
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
