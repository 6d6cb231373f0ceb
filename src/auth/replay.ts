/**
 * Nonce-count replay refusal with bounded memory (RFC 7616 §3.4.5: a server that tracks nc values
 * can detect a replayed request). Each nonce in use has an entry: the highest nc seen and a
 * 32-bit window of the counts below it, so requests sent in parallel under one nonce may arrive
 * out of order. At most `capacity` entries are kept; the oldest goes first, and its issue time
 * raises a floor: a nonce no entry knows and issued at or before the floor may have been evicted,
 * so it is refused as stale (the client retries with a fresh nonce) rather than accepted again.
 *
 * Internal to src/auth.
 */

/** What the server remembers of one nonce. */
export interface NonceUse {
  /** When the nonce was issued (ms), from its MAC-checked stamp. */
  readonly issuedAt: number;
  /** Highest nonce count seen. */
  max: number;
  /** Bit i set: count `max - i` was seen. */
  window: number;
  /** The cnonce of the first request under this nonce: cnonce-prime of RFC 7616 §3.4.2 (`-sess`). */
  readonly cnonce: string;
}

/** Outcome of recording a nonce count. */
export type CountResult = "ok" | "replay" | "forgotten";

const WINDOW = 32;

/** Bounded map of recent nonces to the counts seen with them. */
export class NonceCounts {
  readonly #capacity: number;
  readonly #uses = new Map<string, NonceUse>();
  #floor = -1;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Number of nonces tracked. */
  get size(): number {
    return this.#uses.size;
  }

  /** The entry of a nonce whose digest was verified before, if it is still kept. */
  get(nonce: string): NonceUse | undefined {
    return this.#uses.get(nonce);
  }

  /**
   * Records count `nc` of a nonce whose request digest has been verified: "ok" the first time a
   * count is seen, "replay" when it was seen or is older than the window, "forgotten" for an
   * unknown nonce issued at or before the eviction floor.
   */
  record(nonce: string, issuedAt: number, nc: number, cnonce: string, now: number, ttl: number): CountResult {
    const use = this.#uses.get(nonce);
    if (use === undefined) {
      if (issuedAt <= this.#floor) return "forgotten";
      this.#insert(nonce, { issuedAt, max: nc, window: 1, cnonce }, now, ttl);
      return "ok";
    }
    if (nc > use.max) {
      const shift = nc - use.max;
      use.window = shift >= WINDOW ? 1 : ((use.window << shift) | 1) >>> 0;
      use.max = nc;
      return "ok";
    }
    const back = use.max - nc;
    if (back >= WINDOW) return "replay";
    const bit = (1 << back) >>> 0;
    if ((use.window & bit) !== 0) return "replay";
    use.window = (use.window | bit) >>> 0;
    return "ok";
  }

  #insert(nonce: string, use: NonceUse, now: number, ttl: number): void {
    const uses = this.#uses;
    // Expired entries at the front cost nothing to drop: expired nonces are refused before this.
    for (const [k, v] of uses) {
      if (now - v.issuedAt <= ttl) break;
      uses.delete(k);
    }
    while (uses.size >= this.#capacity) {
      const first = uses.entries().next().value as [string, NonceUse];
      uses.delete(first[0]);
      if (first[1].issuedAt > this.#floor) this.#floor = first[1].issuedAt;
    }
    uses.set(nonce, use);
  }
}
