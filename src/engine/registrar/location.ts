/**
 * The location service (RFC 3261 §10.2, §16.5): the bindings of every address-of-record, in
 * memory, with their expiry. Sans-I/O: time comes in as `now` (ms since the epoch, since bindings
 * outlive the process); expired bindings leave at `handleTimeout(now)` and are reported by
 * `pollEvent()`, the next expiry by `pollTimeout()`. The registrar changes it; a proxy reads it with
 * {@link LocationService.lookup}; a store keeps its changes (see `src/engine/storage`).
 */
import { Queue } from "../../queue.ts";
import type { Flow } from "../../transport/index.ts";
import { bindingKey } from "./binding.ts";
import type { Binding, BindingChange } from "./binding.ts";

/** What happened to a binding. */
export interface LocationEvent {
  /**
   * `registered` (new), `refreshed` (an existing one updated), `removed` (by a REGISTER with
   * expires 0 or `*`), `expired` (its time ran out, RFC 3261 §10.2.1.1), `flow-failed` (the
   * connection of an outbound binding closed, RFC 5626 §5.2).
   */
  readonly type: "registered" | "refreshed" | "removed" | "expired" | "flow-failed";
  readonly binding: Binding;
}

interface Due {
  at: number;
  aor: string;
  key: string;
}

/** Most events kept undrained; past it the oldest are dropped (and counted). */
const MAX_EVENTS = 65_536;

/** The bindings of every AOR; see the module doc. */
export class LocationService {
  readonly #aors = new Map<string, Map<string, Binding>>();
  /** A binary min-heap of expiry times; entries of bindings refreshed since are skipped when due. */
  #heap: Due[] = [];
  #count = 0;
  readonly #events = new Queue<LocationEvent>();
  #droppedEvents = 0;

  /** Live bindings, over every AOR. */
  get size(): number {
    return this.#count;
  }

  /** AORs with at least one binding. */
  get aorCount(): number {
    return this.#aors.size;
  }

  /** Events dropped because nobody drained them. */
  get droppedEvents(): number {
    return this.#droppedEvents;
  }

  /** The bindings of `aor` (expired ones left out), any order. */
  bindings(aor: string, now: number): Binding[] {
    const m = this.#aors.get(aor);
    if (m === undefined) return [];
    const out: Binding[] = [];
    for (const b of m.values()) if (b.expiresAt > now) out.push(b);
    return out;
  }

  /**
   * The contacts to try for `aor` (RFC 3261 §16.5: the target set), highest q first, the most
   * recently refreshed first among equal q (RFC 5626 §5.2 asks for the most recent flow of an
   * instance first).
   */
  lookup(aor: string, now: number): Binding[] {
    return this.bindings(aor, now).sort((a, b) => b.q - a.q || b.updatedAt - a.updatedAt);
  }

  /** Every live binding, for the status API and tests. */
  *all(): IterableIterator<Binding> {
    for (const m of this.#aors.values()) yield* m.values();
  }

  /** Applies changes made by the registrar (or read from a store) and reports them as events. */
  apply(changes: readonly BindingChange[]): void {
    for (const c of changes) {
      if (c.type === "put") this.#put(c.binding, true);
      else this.#remove(c.aor, c.key, "removed");
    }
  }

  /** Loads bindings from a store at start, without events. Expired ones are skipped. */
  load(bindings: Iterable<Binding>, now: number): number {
    let n = 0;
    for (const b of bindings) {
      if (b.expiresAt <= now) continue;
      this.#put(b, false);
      n++;
    }
    return n;
  }

  /** Puts `aor`'s bindings back as they were (a store refused the change that replaced them). */
  restore(aor: string, before: readonly Binding[]): void {
    const m = this.#aors.get(aor);
    if (m !== undefined) {
      this.#count -= m.size;
      this.#aors.delete(aor);
    }
    for (const b of before) this.#put(b, false);
  }

  /**
   * A connection closed: outbound bindings whose flow it was are removed (RFC 5626 §5.2: the flow
   * is the only way to the client; it registers again over a new one). Returns the removed bindings.
   */
  flowFailed(flow: Pick<Flow, "connection" | "transport">): BindingChange[] {
    if (flow.connection === undefined) return [];
    const gone: BindingChange[] = [];
    for (const [aor, m] of this.#aors) {
      for (const [key, b] of m) {
        if (b.regId !== undefined && b.flow?.connection === flow.connection && b.flow.transport === flow.transport) {
          gone.push({ type: "remove", aor, key });
        }
      }
    }
    for (const g of gone) if (g.type === "remove") this.#remove(g.aor, g.key, "flow-failed");
    return gone;
  }

  /** The next expiry, or undefined when there are no bindings. */
  pollTimeout(): number | undefined {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      const b = this.#aors.get(top.aor)?.get(top.key);
      if (b !== undefined && b.expiresAt === top.at) return top.at;
      this.#pop();
    }
    return undefined;
  }

  /**
   * Removes the bindings expired at `now` (RFC 3261 §10.2.1.1: "the registrar ... removes the
   * binding" when its expiration interval passes) and returns their removals for the store.
   */
  handleTimeout(now: number): BindingChange[] {
    const out: BindingChange[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) {
      const due = this.#pop()!;
      const b = this.#aors.get(due.aor)?.get(due.key);
      if (b === undefined || b.expiresAt !== due.at) continue;
      this.#remove(due.aor, due.key, "expired");
      out.push({ type: "remove", aor: due.aor, key: due.key });
    }
    return out;
  }

  pollEvent(): LocationEvent | undefined {
    return this.#events.shift();
  }

  #emit(e: LocationEvent): void {
    if (this.#events.length >= MAX_EVENTS) {
      this.#events.shift();
      this.#droppedEvents++;
    }
    this.#events.push(e);
  }

  #put(b: Binding, report: boolean): void {
    let m = this.#aors.get(b.aor);
    if (m === undefined) this.#aors.set(b.aor, (m = new Map()));
    const key = bindingKey(b);
    const old = m.get(key);
    if (old === undefined) this.#count++;
    m.set(key, b);
    if (old === undefined || old.expiresAt !== b.expiresAt) this.#push({ at: b.expiresAt, aor: b.aor, key });
    if (report) this.#emit({ type: old === undefined ? "registered" : "refreshed", binding: b });
  }

  #remove(aor: string, key: string, why: LocationEvent["type"]): void {
    const m = this.#aors.get(aor);
    const b = m?.get(key);
    if (m === undefined || b === undefined) return;
    m.delete(key);
    this.#count--;
    if (m.size === 0) this.#aors.delete(aor);
    this.#emit({ type: why, binding: b });
  }

  #push(d: Due): void {
    // Entries of refreshed bindings stay until due; rebuild when they outnumber the live ones.
    if (this.#heap.length > 2 * this.#count + 1024) this.#rebuild();
    const h = this.#heap;
    h.push(d);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  #pop(): Due | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  #rebuild(): void {
    const live: Due[] = [];
    for (const [aor, m] of this.#aors) for (const [key, b] of m) live.push({ at: b.expiresAt, aor, key });
    live.sort((a, b) => a.at - b.at);
    this.#heap = live;
  }
}
