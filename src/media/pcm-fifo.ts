/**
 * A bounded FIFO of 16-bit PCM samples between an application that writes audio in pieces of any
 * length and a sender that takes one frame per ptime. A ring of fixed size: memory does not grow
 * whatever the writer does, and a write that does not fit is refused in part (the count taken is
 * returned) rather than overwriting what is queued.
 */
export class PcmFifo {
  readonly #ring: Int16Array;
  #head = 0; // next sample to read
  #length = 0;

  constructor(capacity: number) {
    this.#ring = new Int16Array(Math.max(1, Math.ceil(capacity)));
  }

  /** Samples the FIFO holds at most. */
  get capacity(): number {
    return this.#ring.length;
  }

  /** Samples queued. */
  get length(): number {
    return this.#length;
  }

  /** Appends as many of `samples` as fit; returns how many were taken. */
  write(samples: Int16Array): number {
    const ring = this.#ring;
    const n = Math.min(samples.length, ring.length - this.#length);
    const tail = (this.#head + this.#length) % ring.length;
    const first = Math.min(n, ring.length - tail);
    // The whole write in one piece (the usual frame) needs no view of `samples`.
    if (first === samples.length) ring.set(samples, tail);
    else ring.set(samples.subarray(0, first), tail);
    if (n > first) ring.set(samples.subarray(first, n), 0);
    this.#length += n;
    return n;
  }

  /** Moves the oldest `dst.length` samples into `dst`; false (and nothing moved) when fewer are queued. */
  read(dst: Int16Array): boolean {
    const n = dst.length;
    if (n > this.#length) return false;
    const ring = this.#ring;
    const first = Math.min(n, ring.length - this.#head);
    dst.set(ring.subarray(this.#head, this.#head + first));
    if (n > first) dst.set(ring.subarray(0, n - first), first);
    this.#head = (this.#head + n) % ring.length;
    this.#length -= n;
    return true;
  }

  /** Drops up to `n` of the oldest samples. */
  skip(n: number): void {
    const k = Math.min(n, this.#length);
    this.#head = (this.#head + k) % this.#ring.length;
    this.#length -= k;
  }

  /** Empties the FIFO. */
  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }
}
