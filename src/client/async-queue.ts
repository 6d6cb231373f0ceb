/**
 * A bounded queue read with `for await`: items pushed while nobody waits are kept (at most
 * `capacity`, the pusher checks `length` first); `close()` ends every iteration.
 */
export class AsyncQueue<T> {
  readonly capacity: number;
  readonly #items: T[] = [];
  readonly #waiters: ((r: IteratorResult<T>) => void)[] = [];
  #closed = false;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Items not read yet. */
  get length(): number {
    return this.#items.length;
  }

  /** Whether a reader waits for the next item. */
  get waiting(): boolean {
    return this.#waiters.length > 0;
  }

  push(item: T): void {
    if (this.#closed) return;
    const w = this.#waiters.shift();
    if (w !== undefined) w({ done: false, value: item });
    else if (this.#items.length < this.capacity) this.#items.push(item);
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w({ done: true, value: undefined });
  }

  iterator(): AsyncIterableIterator<T> {
    const self = this;
    return {
      next(): Promise<IteratorResult<T>> {
        const item = self.#items.shift();
        if (item !== undefined) return Promise.resolve({ done: false, value: item });
        if (self.#closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => self.#waiters.push(resolve));
      },
      return(): Promise<IteratorResult<T>> {
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
