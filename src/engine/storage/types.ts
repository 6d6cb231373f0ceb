/**
 * What the engine stores, behind interfaces it owns: the registrations of the location service and
 * the call-detail records. `createMemoryStorage` keeps them in memory (tests, a throw-away server);
 * `createSqliteStorage` in an embedded SQLite file through the runtime's driver. A shared store for
 * several instances implements the same two interfaces.
 */
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

/** How a call ended. */
export type CallDisposition = "answered" | "busy" | "no-answer" | "cancelled" | "rejected" | "failed";

/** Quality figures of a call's media, per leg where there are two. */
export interface CallQualityRecord {
  readonly leg?: string;
  readonly mos?: number;
  readonly lossPercent?: number;
  readonly jitterMs?: number;
  readonly rttMs?: number;
  readonly packetsReceived?: number;
  readonly packetsSent?: number;
}

/** A call-detail record. Times in ms since the epoch. */
export interface CallRecord {
  /** Assigned by the store. */
  readonly id?: number;
  readonly callId: string;
  /** The caller (From URI) and callee (To or Request-URI). */
  readonly caller: string;
  readonly callee: string;
  /** `transport:host:port` of the caller's first hop. */
  readonly source?: string | undefined;
  /** What handled the call: `proxy`, `b2bua`, a service name (`echo`). */
  readonly handler?: string | undefined;
  readonly startedAt: number;
  readonly answeredAt?: number | undefined;
  readonly endedAt: number;
  readonly disposition: CallDisposition;
  /** The final status of the INVITE, when there was one. */
  readonly status?: number | undefined;
  /** Why it ended (`bye`, `cancel`, `timeout`, a reason phrase). */
  readonly reason?: string | undefined;
  readonly codec?: string | undefined;
  readonly quality?: readonly CallQualityRecord[] | undefined;
}

/** Options of {@link CdrStore.list}. */
export interface CdrQuery {
  /** Most records returned, newest first. Default 100, at most 1000. */
  limit?: number;
  /** Only records with an id below this (paging backwards). */
  before?: number;
}

/** The call-detail records. */
export interface CdrStore {
  /** Stores a record; resolves once it is durable, with the id assigned. */
  add(record: CallRecord): Promise<number>;
  /** Records, newest first. */
  list(query?: CdrQuery): Promise<CallRecord[]>;
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
