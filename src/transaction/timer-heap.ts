/**
 * A binary min-heap of deadlines with O(log n) insert, remove and pop and O(1) peek. Each entry
 * remembers its position, so a transaction cancels a timer (Timer A on a provisional, Timer F on a
 * final) without searching. Ties fire in arming order, which keeps simulated runs deterministic.
 */
export class TimerHeap<T> {
  private readonly heap: TimerEntry<T>[] = [];
  private seq = 0;

  /** Number of armed entries. */
  get size(): number {
    return this.heap.length;
  }

  /** Arms `value` (with a `tag`, e.g. the timer name) to fire at `at` (ms); `remove` cancels it. */
  insert(at: number, value: T, tag = ""): TimerEntry<T> {
    const entry: TimerEntry<T> = { at, seq: this.seq++, index: this.heap.length, value, tag };
    this.heap.push(entry);
    this.up(entry.index);
    return entry;
  }

  /** Removes an armed entry; a no-op for an entry already popped or removed. */
  remove(entry: TimerEntry<T>): void {
    const i = entry.index;
    if (i < 0 || this.heap[i] !== entry) return;
    entry.index = -1;
    const last = this.heap.pop()!;
    if (last === entry) return;
    this.heap[i] = last;
    last.index = i;
    this.down(i);
    this.up(last.index);
  }

  /** The earliest entry, or undefined when none is armed. */
  peek(): TimerEntry<T> | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): TimerEntry<T> | undefined {
    const top = this.heap[0];
    if (top === undefined || top.at > now) return undefined;
    this.remove(top);
    return top;
  }

  private less(a: TimerEntry<T>, b: TimerEntry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    const e = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!this.less(e, parent)) break;
      h[i] = parent;
      parent.index = i;
      i = p;
    }
    h[i] = e;
    e.index = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      const child = h[c]!;
      if (!this.less(child, e)) break;
      h[i] = child;
      child.index = i;
      i = c;
    }
    h[i] = e;
    e.index = i;
  }
}

/** One armed deadline. `index` is -1 once the entry has fired or been removed. */
export interface TimerEntry<T> {
  readonly at: number;
  readonly seq: number;
  index: number;
  readonly value: T;
  readonly tag: string;
}
