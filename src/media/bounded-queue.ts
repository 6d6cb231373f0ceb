/**
 * A first-in first-out queue with a size limit, for the outputs of a sans-I/O engine that its
 * driver drains (`pollTransmit`, `pollEvent`, `pollAudio`): when nobody drains it, the oldest entry
 * gives way to the newest and is counted, so memory stays bounded whatever the caller does.
 *
 * A ring over one array that doubles up to the limit: a queue filled and drained every media tick
 * allocates nothing once it has its size.
 */
export class BoundedQueue<T> {
  readonly #limit: number;
  #ring: (T | undefined)[] = new Array<T | undefined>(4);
  #head = 0;
  #size = 0;
  /** Entries dropped to make room. */
  dropped = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get length(): number {
    return this.#size;
  }

  /** Appends `item`, dropping the oldest entry when the queue is full. */
  push(item: T): void {
    if (this.#size >= this.#limit) {
      this.shift();
      this.dropped++;
    }
    let ring = this.#ring;
    if (this.#size === ring.length) ring = this.#grow();
    ring[(this.#head + this.#size) % ring.length] = item;
    this.#size++;
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const ring = this.#ring;
    const item = ring[this.#head];
    ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % ring.length;
    this.#size--;
    return item;
  }

  // Twice the room (never more than the limit needs), the entries moved to the start in order.
  #grow(): (T | undefined)[] {
    const old = this.#ring;
    const ring = new Array<T | undefined>(Math.min(this.#limit, old.length * 2));
    for (let i = 0; i < this.#size; i++) ring[i] = old[(this.#head + i) % old.length];
    this.#ring = ring;
    this.#head = 0;
    return ring;
  }
}
