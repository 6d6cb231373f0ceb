/**
 * What the engine stores, behind interfaces it owns: the registrations of the location service and
 * the call-detail records. `createMemoryStorage` keeps them in memory (tests, a throw-away server);
 * `createSqliteStorage` in an embedded SQLite file through the runtime's driver. A shared store for
 * several instances implements the same two interfaces.
 */
import type { CallRecord } from "../b2bua/index.ts";
import type { Binding, BindingChange } from "../registrar/index.ts";

/** The registrations, as the location service changes them. */
export interface RegistrationStore {
  /** Every stored binding not expired at `now` (ms since the epoch); expired ones are deleted. */
  load(now: number): Promise<Binding[]>;
  /**
   * Stores the changes, in order. Resolves once they are durable (the transaction committed);
   * rejects with a `StorageError` when they are not, and then none of them is stored.
   */
  apply(changes: readonly BindingChange[]): Promise<void>;
}

/** A call-detail record as stored: the engine's record and the store's sequence number. */
export type StoredCallRecord = CallRecord & {
  /** Assigned by the store, increasing: newer records have higher numbers. */
  readonly seq: number;
};

/** Options of {@link CdrStore.list}. */
export interface CdrQuery {
  /** Most records returned, newest first. Default 100, at most 1000. */
  limit?: number;
  /** Only records with a `seq` below this (paging backwards). */
  before?: number;
}

/** The call-detail records. */
export interface CdrStore {
  /** Stores a record (the `end` of a call); resolves once it is durable, with its `seq`. */
  add(record: CallRecord): Promise<number>;
  /** Records, newest first. */
  list(query?: CdrQuery): Promise<StoredCallRecord[]>;
}

/** A storage back end: both stores and its lifecycle. */
export interface Storage {
  /** `memory` or `sqlite`. */
  readonly kind: string;
  /** Where it is (a file path), for the start-up banner. */
  readonly location: string;
  readonly registrations: RegistrationStore;
  readonly cdrs: CdrStore;
  /** Waits for pending writes to commit. */
  flush(): Promise<void>;
  /** Flushes, then closes; later writes reject with StorageError CLOSED. */
  close(): Promise<void>;
}
