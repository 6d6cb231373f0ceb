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

const shared = pooledRandom();

/** `n` random bytes as lower-case hex (tags, branches). */
export function randomHex(n: number, random: (n: number) => Uint8Array = shared): string {
  const b = random(n);
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? "0" : "") + b[i]!.toString(16);
  return s;
}
