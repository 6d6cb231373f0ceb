/**
 * The session core's timers: one 4-ary min-heap of deadlines for every session (2xx and reliable 1xx
 * retransmissions, fork windows, glare back-off, session refresh and expiry). A 4-ary heap is half
 * as deep as a binary one, which suits a heap that is mostly re-armed (each 2xx retransmission
 * re-arms its entry). Each entry knows its slot, so cancelling is O(log n) with no search; equal
 * deadlines fire in arming order, which keeps simulated runs deterministic.
 */
export class Deadlines<T> {
  private readonly items: Deadline<T>[] = [];
  private order = 0;

  /** Armed deadlines. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest deadline (ms), or undefined when none is armed. */
  get next(): number | undefined {
    return this.items[0]?.at;
  }

  /** Arms `owner`'s timer `slot` at `at`. */
  add(at: number, owner: T, slot: number): Deadline<T> {
    const d: Deadline<T> = { at, order: this.order++, pos: this.items.length, owner, slot };
    this.items.push(d);
    this.rise(d.pos);
    return d;
  }

  /** Disarms `d`; a no-op when it already fired or was removed. */
  delete(d: Deadline<T>): void {
    const items = this.items;
    const pos = d.pos;
    if (pos < 0 || items[pos] !== d) return;
    d.pos = -1;
    const last = items.pop()!;
    if (last === d) return;
    items[pos] = last;
    last.pos = pos;
    this.sink(pos);
    this.rise(last.pos);
  }

  /** Takes out the earliest deadline when it is due at `now`. */
  takeDue(now: number): Deadline<T> | undefined {
    const first = this.items[0];
    if (first === undefined || first.at > now) return undefined;
    this.delete(first);
    return first;
  }

  private static before<T>(a: Deadline<T>, b: Deadline<T>): boolean {
    return a.at === b.at ? a.order < b.order : a.at < b.at;
  }

  private rise(pos: number): void {
    const items = this.items;
    const d = items[pos]!;
    while (pos > 0) {
      const up = (pos - 1) >> 2;
      const parent = items[up]!;
      if (!Deadlines.before(d, parent)) break;
      items[pos] = parent;
      parent.pos = pos;
      pos = up;
    }
    items[pos] = d;
    d.pos = pos;
  }

  private sink(pos: number): void {
    const items = this.items;
    const n = items.length;
    const d = items[pos]!;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= n) break;
      let best = first;
      const stop = Math.min(first + 4, n);
      for (let c = first + 1; c < stop; c++) if (Deadlines.before(items[c]!, items[best]!)) best = c;
      if (!Deadlines.before(items[best]!, d)) break;
      items[pos] = items[best]!;
      items[pos]!.pos = pos;
      pos = best;
    }
    items[pos] = d;
    d.pos = pos;
  }
}

/** One armed deadline; `pos` is -1 once it fired or was disarmed. */
export interface Deadline<T> {
  readonly at: number;
  readonly order: number;
  pos: number;
  readonly owner: T;
  readonly slot: number;
}

/**
 * A first-in first-out ring of the core's events: a power-of-two array with head and tail indexes,
 * doubled when full, so pushing and polling never copy the queue.
 */
export class Ring<T> {
  private buf: (T | undefined)[] = new Array(16);
  private head = 0;
  private tail = 0;

  get length(): number {
    return (this.tail - this.head) & (this.buf.length - 1);
  }

  push(item: T): void {
    this.buf[this.tail] = item;
    this.tail = (this.tail + 1) & (this.buf.length - 1);
    if (this.tail === this.head) this.grow();
  }

  shift(): T | undefined {
    if (this.head === this.tail) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    return item;
  }

  private grow(): void {
    const old = this.buf;
    const n = old.length;
    const buf: (T | undefined)[] = new Array(n * 2);
    for (let i = 0; i < n; i++) buf[i] = old[(this.head + i) & (n - 1)];
    this.buf = buf;
    this.head = 0;
    this.tail = n;
  }
}
