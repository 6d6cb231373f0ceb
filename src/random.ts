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

/** The character codes of the hex digits. */
const DIGIT: readonly number[] = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Scratch arrays of character codes, one per byte count up to 16 (the hex is twice as long). */
const MAX_CODES = 32;
const CODES: number[][] = Array.from({ length: MAX_CODES / 2 + 1 }, (_, n) => new Array<number>(2 * n).fill(0));

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
  if (end - at <= MAX_CODES / 2) {
    // One flat string made from character codes: appending two digits at a time would make a
    // new string per byte and leave a rope that every later hash or copy has to flatten.
    const codes = CODES[end - at]!;
    for (let i = at, j = 0; i < end; i++, j += 2) {
      const v = b[i]!;
      codes[j] = DIGIT[v >> 4]!;
      codes[j + 1] = DIGIT[v & 15]!;
    }
    return String.fromCharCode.apply(null, codes);
  }
  let s = "";
  for (let i = at; i < end; i++) s += HEX[b[i]!]!;
  return s;
}
