/**
 * Random bytes for branches, tags and Call-IDs, drawn from 4 KiB blocks of a cryptographic source.
 * One `crypto.getRandomValues` (or `randomFillSync`) call costs microseconds however few bytes it
 * returns; drawing 8 bytes per request from a block makes it a few nanoseconds.
 */
const BLOCK = 4096;

/** Wraps a source of random bytes so that it is called once per 4 KiB. The views returned are fresh copies. */
export function pooledRandom(source: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): (n: number) => Uint8Array {
  let block: Uint8Array = new Uint8Array(0);
  let used = 0;
  return (n: number): Uint8Array => {
    if (n > BLOCK) return source(n);
    if (used + n > block.length) {
      block = source(BLOCK);
      used = 0;
    }
    const out = block.slice(used, used + n);
    used += n;
    return out;
  };
}

/** Two lower-case hex digits per byte value. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));

/**
 * The default source's own block: {@link randomHex} reads its bytes in place, without the copy
 * `pooledRandom` hands out (a tag, a branch and a Call-ID per call would each allocate one).
 */
let hexBlock: Uint8Array<ArrayBuffer> = new Uint8Array(0);
let hexUsed = 0;

/** `n` random bytes as lower-case hex (tags, branches). */
export function randomHex(n: number, random?: (n: number) => Uint8Array): string {
  let b: Uint8Array;
  let at = 0;
  let end: number;
  if (random !== undefined || n > BLOCK) {
    b = random !== undefined ? random(n) : crypto.getRandomValues(new Uint8Array(n));
    end = b.length;
  } else {
    if (hexUsed + n > hexBlock.length) {
      // Refilled in place: the bytes are only read into strings, never handed out, and a new
      // array per refill would cost V8 an array buffer each time.
      if (hexBlock.length === 0) hexBlock = new Uint8Array(BLOCK);
      crypto.getRandomValues(hexBlock);
      hexUsed = 0;
    }
    b = hexBlock;
    at = hexUsed;
    end = at + n;
    hexUsed = end;
  }
  let s = "";
  for (let i = at; i < end; i++) s += HEX[b[i]!]!;
  return s;
}
