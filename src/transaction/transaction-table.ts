import type { SipRequest } from "../sip/index.ts";
import { AbsorbingRecords, KEPT_OBJECT_OVERHEAD, RECORD_OVERHEAD } from "./absorbing.ts";
import type { TransactionCounters } from "./counters.ts";
import type { ServerKeys } from "./key.ts";
import { ServerIndex } from "./server-index.ts";
import { TimerHeap } from "./timer-heap.ts";
import type { TimerEntry } from "./timer-heap.ts";
import type { TimerName } from "./timers.ts";
import type { AnyTransaction, ClientTransaction, ServerTransaction, TimerRef, Transaction } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

const isClient = (txn: Transaction<TransactionFlow>) => txn.kind === "invite-client" || txn.kind === "non-invite-client";

/**
 * The live transactions of a layer: the client and server maps keyed by their RFC 3261 §17.1.3 /
 * §17.2.3 match keys (one Map probe per message), the server transactions' secondary index, the
 * timer heap of the transactions in progress (O(log n) arm and cancel, O(1) next deadline), and the
 * absorbing records on their first-in first-out expiry lists within the memory budget.
 */
export class TransactionTable<F extends TransactionFlow> {
  /** Every live client / server transaction, in progress or absorbing, by match key. */
  readonly clients = new Map<string, ClientTransaction<F>>();
  readonly servers = new Map<string, ServerTransaction<F>>();
  readonly index = new ServerIndex<F>();
  private readonly heap = new TimerHeap<TimerRef>();
  private readonly absorbing: AbsorbingRecords;
  private absorbingClients = 0;

  constructor(
    budget: number,
    private readonly counters: TransactionCounters,
  ) {
    this.absorbing = new AbsorbingRecords(budget);
  }

  /** Server transactions in progress: what `maxServerTransactions` bounds. */
  get serversInProgress(): number {
    return this.servers.size - (this.absorbing.count - this.absorbingClients);
  }

  /** Client transactions in progress: what `maxClientTransactions` bounds. */
  get clientsInProgress(): number {
    return this.clients.size - this.absorbingClients;
  }

  /** Absorbing records and their estimated bytes. */
  get absorbingRecords(): { readonly count: number; readonly bytes: number } {
    return { count: this.absorbing.count, bytes: this.absorbing.bytes };
  }

  /** Armed heap timers. */
  get timerCount(): number {
    return this.heap.size;
  }

  addClient(txn: ClientTransaction<F>): void {
    this.clients.set(txn.id, txn);
    this.counters.clientCreated++;
    this.counters.active[txn.kind][txn.state]!++;
  }

  addServer(txn: ServerTransaction<F>, request: SipRequest, keys: ServerKeys, mergeKey: string | undefined): void {
    this.servers.set(txn.id, txn);
    this.index.file(txn, request, keys, mergeKey);
    this.counters.serverCreated++;
    this.counters.active[txn.kind][txn.state]!++;
  }

  /** Arms a heap timer (TransactionHost.arm). */
  arm(txn: Transaction<F>, name: TimerName, at: number): TimerEntry<TimerRef> {
    return this.heap.insert(at, txn as Transaction<TransactionFlow>, name);
  }

  disarm(entry: TimerEntry<TimerRef>): void {
    this.heap.remove(entry);
  }

  /**
   * Makes `txn` an absorbing record: charged against the memory budget, expired from its timer's
   * list. A non-INVITE server record drops its CANCEL and merge index entries (a CANCEL for an
   * answered non-INVITE request has no effect, §9.2); INVITE records keep theirs, so a late CANCEL
   * still gets its 200 and an RFC 2543 ACK its match. Over the budget, the oldest records expire
   * now, through their machine's own timer branch.
   */
  absorb(txn: AnyTransaction<F>, name: TimerName, delay: number, now: number): void {
    txn.absorbTimer = name;
    // A whole millisecond, rounded up: a record waits up to 1 ms longer, and its deadline is a
    // small integer kept in the object itself, where a fractional one (a driver's `now` always is)
    // would be a number object of its own for each record, 4 per call held for 32 s.
    txn.absorbAt = Math.ceil(now + delay);
    txn.absorbCost = RECORD_OVERHEAD + txn.id.length + txn.retainedLength + (txn.keepsObject ? KEPT_OBJECT_OVERHEAD : 0);
    if (isClient(txn)) this.absorbingClients++;
    else if (txn.kind === "non-invite-server") this.index.unfile(txn);
    for (const old of this.absorbing.add(txn, delay)) {
      if (isClient(old)) this.absorbingClients--;
      this.counters.absorbingDropped++;
      old.timerFired(old.absorbTimer!, now);
    }
  }

  /** Removes a terminated transaction from every map, index and budget. */
  forget(txn: AnyTransaction<F>): void {
    if (txn.absorbCost !== 0) {
      if (isClient(txn)) this.absorbingClients--;
      this.absorbing.remove(txn);
    }
    if (txn.kind === "invite-client" || txn.kind === "non-invite-client") {
      if (this.clients.get(txn.id) === txn) this.clients.delete(txn.id);
      return;
    }
    if (this.servers.get(txn.id) === txn) this.servers.delete(txn.id);
    this.index.unfile(txn);
  }

  /** Fires every heap timer due at `now` and expires the absorbing records due. */
  fireDue(now: number): void {
    for (let e = this.heap.popDue(now); e !== undefined; e = this.heap.popDue(now)) {
      e.value.timerFired(e.tag as TimerName, now);
    }
    for (let t = this.absorbing.popDue(now); t !== undefined; t = this.absorbing.popDue(now)) {
      t.timerFired(t.absorbTimer!, now);
    }
  }

  /** The earliest deadline, or undefined when nothing runs. */
  nextDeadline(): number | undefined {
    const a = this.heap.peek()?.at;
    const b = this.absorbing.nextDeadline();
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }
}
