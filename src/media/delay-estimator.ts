/**
 * The jitter buffer's target delay: how long packets must wait so that all but a small fraction
 * of them arrive in time. Each packet's delay relative to the fastest recent packet (its transit
 * time minus the minimum transit over the last `window` packets, so a drifting clock does not
 * bias it) goes into a histogram of 1 ms bins that forgets with a time constant of about
 * `1 / (1 − forget)` packets; the target is its `quantile`. The interarrival jitter of RFC 3550
 * A.8 is kept alongside, for statistics.
 */
export class DelayEstimator {
  readonly #bins: Float64Array;
  readonly #forget: number;
  readonly #quantile: number;
  readonly #window: number;
  #weight = 1;
  #total = 0;
  #count = 0;
  // Sliding-window minimum of transit times: a monotonic deque of (index, transit).
  readonly #dqIndex: Float64Array;
  readonly #dqValue: Float64Array;
  #dqHead = 0;
  #dqTail = 0;
  #prevTransit = NaN;
  #jitter = 0;
  #cached = 0;
  #dirty = true;

  constructor(options: { readonly maxDelayMs: number; readonly quantile?: number; readonly forget?: number; readonly window?: number }) {
    this.#bins = new Float64Array(Math.ceil(options.maxDelayMs) + 1);
    this.#quantile = options.quantile ?? 0.95;
    this.#forget = options.forget ?? 0.996;
    this.#window = options.window ?? 256;
    this.#dqIndex = new Float64Array(this.#window + 2);
    this.#dqValue = new Float64Array(this.#window + 2);
  }

  /** Packets observed. */
  get count(): number {
    return this.#count;
  }

  /** The lowest transit time of the recent window, ms (NaN before any packet). */
  get minTransitMs(): number {
    return this.#dqHead === this.#dqTail ? NaN : this.#dqValue[this.#dqHead]!;
  }

  /** RFC 3550 A.8 interarrival jitter, in ms. */
  get jitterMs(): number {
    return this.#jitter;
  }

  /**
   * Observes one packet: `transitMs` is its arrival time minus its media time (any fixed offset
   * cancels out).
   */
  observe(transitMs: number): void {
    const i = this.#count++;
    // A.8: J += (|D| − J) / 16.
    if (!Number.isNaN(this.#prevTransit)) this.#jitter += (Math.abs(transitMs - this.#prevTransit) - this.#jitter) / 16;
    this.#prevTransit = transitMs;
    const cap = this.#dqIndex.length;
    while (this.#dqTail !== this.#dqHead && this.#dqValue[(this.#dqTail - 1 + cap) % cap]! >= transitMs) {
      this.#dqTail = (this.#dqTail - 1 + cap) % cap;
    }
    this.#dqIndex[this.#dqTail] = i;
    this.#dqValue[this.#dqTail] = transitMs;
    this.#dqTail = (this.#dqTail + 1) % cap;
    while (this.#dqIndex[this.#dqHead]! <= i - this.#window) this.#dqHead = (this.#dqHead + 1) % cap;
    const rel = transitMs - this.#dqValue[this.#dqHead]!;
    const bin = Math.min(this.#bins.length - 1, Math.max(0, Math.round(rel)));
    // Forgetting without touching every bin: newer samples weigh more, by 1/forget each.
    this.#weight /= this.#forget;
    this.#bins[bin] = this.#bins[bin]! + this.#weight;
    this.#total += this.#weight;
    if (this.#weight > 1e200) {
      for (let b = 0; b < this.#bins.length; b++) this.#bins[b] = this.#bins[b]! / this.#weight;
      this.#total /= this.#weight;
      this.#weight = 1;
    }
    this.#dirty = true;
  }

  /** The `quantile` of the relative delay, in ms (0 before any packet). */
  delayMs(): number {
    if (!this.#dirty) return this.#cached;
    const want = this.#total * this.#quantile;
    let acc = 0;
    let b = 0;
    for (; b < this.#bins.length - 1; b++) {
      acc += this.#bins[b]!;
      if (acc >= want) break;
    }
    this.#cached = this.#count === 0 ? 0 : b;
    this.#dirty = false;
    return this.#cached;
  }

  /** Forgets everything (a new stream). */
  reset(): void {
    this.#bins.fill(0);
    this.#weight = 1;
    this.#total = 0;
    this.#count = 0;
    this.#dqHead = this.#dqTail = 0;
    this.#prevTransit = NaN;
    this.#jitter = 0;
    this.#dirty = true;
  }
}
