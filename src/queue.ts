/**
 * A first-in first-out queue on a growable ring: O(1) `push` and `shift` with no copying, unlike
 * `Array.prototype.shift`. The one queue of the sans-I/O cores: their queued outputs (transmits,
 * events, I/O actions) and the transaction layer's expiry lists.
 * @internal
 */
export class Queue<T> {
  private ring: (T | undefined)[] = new Array<T | undefined>(16);
  private mask = 15;
  private head = 0;
  private size = 0;

  /** Number of queued items. */
  get length(): number {
    return this.size;
  }

  /** Appends an item. */
  push(item: T): void {
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    if (--this.size === 0 && this.ring.length > 4096) {
      // A burst is over: give the large ring back.
      this.ring = new Array<T | undefined>(16);
      this.mask = 15;
      this.head = 0;
    }
    return item;
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.size === 0 ? undefined : this.ring[this.head];
  }

  private grow(): void {
    const old = this.ring;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.ring = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
