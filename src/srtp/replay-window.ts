/**
 * The replay list of RFC 3711 §3.3.2 as a sliding bitmask: the highest index received, and one bit per
 * index in the `size` indices at and below it (stored circularly, bit `index % size`). Updated only
 * after a packet authenticates, so forged packets cannot move it.
 */
export class ReplayWindow {
  readonly size: number;
  /** Highest index accepted, -1 before the first. */
  highest = -1;
  private readonly bits: Uint32Array;

  constructor(size: number) {
    this.size = size;
    this.bits = new Uint32Array(Math.ceil(size / 32));
  }

  /** Whether `index` may be accepted: not seen, and within the window (or ahead of it). */
  check(index: number): boolean {
    if (index > this.highest) return true;
    if (this.highest - index >= this.size) return false;
    const b = index % this.size;
    return (this.bits[b >>> 5] & (1 << (b & 31))) === 0;
  }

  /** Records `index` as received, sliding the window forward when it is the new highest. */
  accept(index: number): void {
    const size = this.size;
    if (index > this.highest) {
      const ahead = index - this.highest;
      if (this.highest < 0 || ahead >= size) {
        this.bits.fill(0);
      } else {
        // Indices skipped over were not received: clear their (recycled) bits.
        for (let i = this.highest + 1; i < index; i++) {
          const b = i % size;
          this.bits[b >>> 5] &= ~(1 << (b & 31));
        }
      }
      this.highest = index;
    }
    const b = index % size;
    this.bits[b >>> 5] |= 1 << (b & 31);
  }
}
