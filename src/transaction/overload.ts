/**
 * A bounded FIFO for the driver's inbound messages: the driver pushes what the transport delivered
 * and drains it into the transaction layer. When it is full, `push` refuses and the driver calls
 * `TransactionLayer.rejectOverload` (a 503 with Retry-After for requests other than ACK; ACKs and
 * responses dropped, RFC 3261 §21.5.4, RFC 5390 §3), so a flood costs a bounded amount of memory and
 * the messages already queued still complete.
 */
export class InboundQueue<T> {
  /** Most items held at once. */
  readonly capacity: number;
  private readonly ring: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Items refused because the queue was full. */
  rejected = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be an integer >= 1");
    this.capacity = capacity;
    this.ring = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends an item; false (and counted) when the queue is full. */
  push(item: T): boolean {
    if (this.count === this.capacity) {
      this.rejected++;
      return false;
    }
    this.ring[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return true;
  }

  /** Removes the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }
}
