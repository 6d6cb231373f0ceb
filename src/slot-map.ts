/**
 * A map by string key whose values sit in an array of slots, the `Map` holding only each key's slot
 * number. For maps of short-lived objects whose number swings with the traffic: a call's dialog,
 * session and client context, a proxy's request contexts. (The transaction layer's tables stay
 * Maps: they hold every completed transaction for its 32 s, so they do not swing, and slot maps
 * there changed nothing measurable.)
 *
 * Why not a `Map` of the objects: V8 replaces a `Map`'s hash table whenever it grows, shrinks or
 * compacts away deleted entries, and leaves the old table, with every key and value it held, where
 * it was until the next full collection. A map of calls in progress does that on every swing of the
 * number of calls (a burst of 64 INVITEs up, their BYEs down), and a table left in the old
 * generation keeps the young objects it points to alive through each scavenge: whole calls, long
 * finished, were copied twice and promoted (a simulated call with 64 in flight: 6.2 kB promoted per
 * call against 1.5 kB with slot maps, and 1.3–1.9 times the CPU). Here the abandoned tables hold
 * only keys and small integers; a value's slot is cleared when its entry is deleted, so nothing
 * holds a finished call.
 *
 * The subset of `Map` the cores use; iteration follows insertion order as a `Map`'s does.
 * @internal
 */
export class SlotMap<V> {
  private readonly index = new Map<string, number>();
  private slots: (V | undefined)[] = [];
  /** Free slot numbers (a stack). */
  private free: number[] = [];

  /** Number of entries. */
  get size(): number {
    return this.index.size;
  }

  get(key: string): V | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.slots[i];
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  set(key: string, value: V): this {
    const i = this.index.get(key);
    if (i !== undefined) {
      this.slots[i] = value;
      return this;
    }
    const slot = this.free.length > 0 ? this.free.pop()! : this.slots.length;
    this.slots[slot] = value;
    this.index.set(key, slot);
    return this;
  }

  delete(key: string): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    this.slots[i] = undefined;
    this.index.delete(key);
    if (this.index.size === 0 && this.slots.length > 4096) {
      // A burst is over: give the large slot array back.
      this.slots = [];
      this.free = [];
    } else {
      this.free.push(i);
    }
    return true;
  }

  /** The values, in insertion order of their keys. */
  *values(): IterableIterator<V> {
    for (const i of this.index.values()) yield this.slots[i]!;
  }

  /** The keys, in insertion order. */
  keys(): IterableIterator<string> {
    return this.index.keys();
  }
}
