/**
 * A first-in first-out queue with a size limit, for the outputs of a sans-I/O engine that its
 * driver drains (`pollTransmit`, `pollEvent`, `pollAudio`): when nobody drains it, the oldest entry
 * gives way to the newest and is counted, so memory stays bounded whatever the caller does.
 */
export class BoundedQueue<T> {
  readonly #limit: number;
  #items: (T | undefined)[] = [];
  #head = 0;
  /** Entries dropped to make room. */
  dropped = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends `item`, dropping the oldest entry when the queue is full. */
  push(item: T): void {
    if (this.length >= this.#limit) {
      this.#items[this.#head++] = undefined;
      this.dropped++;
    }
    this.#items.push(item);
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
