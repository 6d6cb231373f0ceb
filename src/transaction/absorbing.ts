import { Queue } from "../queue.ts";
import type { TimerName } from "./timers.ts";
import type { Transaction } from "./transaction.ts";

/**
 * Estimated heap bytes of an absorbing record besides its key and its kept message: the transaction
 * object, its map entry and its expiry-list slot. Measured on Node 20 (no pointer compression):
 * 100 000 non-INVITE server records holding a 307-byte 200 OK took 598 B each.
 */
export const RECORD_OVERHEAD = 240;

/**
 * Estimated heap bytes of a message a record keeps as an object because it could not be written
 * as bytes (a value the serializer refuses): measured on Node 20, an INVITE of a dozen header
 * fields held 1.6 kB once its parsed values were let go of. Records otherwise keep bytes only.
 */
export const KEPT_OBJECT_OVERHEAD = 1600;

/**
 * The transactions that only absorb retransmissions (RFC 3261 §17: non-INVITE server Completed,
 * Timer J; INVITE server Confirmed, Timer I; non-INVITE client Completed, Timer K; INVITE client
 * Completed, Timer D; RFC 6026 §7.1: INVITE server Accepted, Timer L; §7.2: INVITE client
 * Accepted, Timer M, which also passes further 2xx responses up). They are not work in
 * progress: they answer a retransmission from what they kept and otherwise wait for one timer.
 *
 * Each such timer has one duration per layer, so records expire in the order they were filed: one
 * first-in first-out list per timer name expires them in O(1), instead of the timer heap's
 * O(log n). Their memory is charged against a budget; a record filed over the budget makes the
 * oldest records expire early, so the budget bounds what a flood can make the server hold and a
 * flood never turns into refusals.
 */
export class AbsorbingRecords {
  /** Live records' estimated bytes. */
  bytes = 0;
  /** Live records. */
  count = 0;
  private readonly lists = new Map<TimerName, { delay: number; queue: Queue<Transaction> }>();

  constructor(readonly budget: number) {}

  /**
   * Files `txn` (its `absorbTimer` and `absorbAt` set) for `delay` ms. Returns the records that must
   * expire at once to stay within the budget, oldest first (possibly `txn` itself when alone it is
   * over the budget).
   */
  add(txn: Transaction, delay: number): Transaction[] {
    const name = txn.absorbTimer!;
    let list = this.lists.get(name);
    if (list === undefined) {
      list = { delay, queue: new Queue<Transaction>() };
      this.lists.set(name, list);
    }
    list.queue.push(txn);
    this.bytes += txn.absorbCost;
    this.count++;
    const evicted: Transaction[] = [];
    while (this.bytes > this.budget) {
      const oldest = this.shiftOldest();
      if (oldest === undefined) break;
      evicted.push(oldest);
      this.remove(oldest);
    }
    return evicted;
  }

  /** Stops charging a record that ended (expired, evicted or failed); its list slot goes stale. */
  remove(txn: Transaction): void {
    if (txn.absorbCost === 0) return;
    this.bytes -= txn.absorbCost;
    this.count--;
    txn.absorbCost = 0;
  }

  /** The earliest expiry (a stale list head may make it early: harmless, nothing is due then). */
  nextDeadline(): number | undefined {
    let at: number | undefined;
    for (const { queue } of this.lists.values()) {
      const head = queue.peek();
      if (head !== undefined && (at === undefined || head.absorbAt < at)) at = head.absorbAt;
    }
    return at;
  }

  /** Removes and returns a live record whose timer is due at `now`, skipping stale list slots. */
  popDue(now: number): Transaction | undefined {
    for (const [name, { queue }] of this.lists) {
      for (let head = queue.peek(); head !== undefined && head.absorbAt <= now; head = queue.peek()) {
        queue.shift();
        if (this.isLive(head, name)) return head;
      }
    }
    return undefined;
  }

  /** The record filed first among the lists' live heads, removed from its list. */
  private shiftOldest(): Transaction | undefined {
    let best: { name: TimerName; queue: Queue<Transaction>; filed: number } | undefined;
    for (const [name, { delay, queue }] of this.lists) {
      let head = queue.peek();
      while (head !== undefined && !this.isLive(head, name)) {
        queue.shift();
        head = queue.peek();
      }
      if (head !== undefined && (best === undefined || head.absorbAt - delay < best.filed)) {
        best = { name, queue, filed: head.absorbAt - delay };
      }
    }
    return best?.queue.shift();
  }

  private isLive(txn: Transaction, name: TimerName): boolean {
    return txn.absorbTimer === name && txn.absorbCost !== 0;
  }
}
