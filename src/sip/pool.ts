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
