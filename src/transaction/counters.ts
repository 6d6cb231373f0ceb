import type { TransactionKind } from "./transaction.ts";

/** Operational counters of a TransactionLayer (all monotonic except `active`). */
export interface TransactionCounters {
  /** Live transactions by machine and state (Terminated ones are removed, so never counted here). */
  readonly active: Record<TransactionKind, Record<string, number>>;
  clientCreated: number;
  serverCreated: number;
  terminated: number;
  /** Requests and responses this layer sent again (timers A, E, G; or triggered by a retransmission). */
  retransmissionsSent: number;
  /** Retransmitted requests and responses that matched a transaction and went no further. */
  retransmissionsAbsorbed: number;
  /** Timer B, F or H reported to the TU. */
  timeouts: number;
  transportErrors: number;
  /** Responses that matched no client transaction (RFC 3261 §18.1.2). */
  strayResponses: number;
  /** ACKs matching no server transaction, passed to the TU (ACKs for 2xx, §17.1.1.3). */
  strayAcks: number;
  /** 503 (Service Unavailable) answers sent because the transactions in progress reached their bound. */
  overload503: number;
  /** 503 answers to new requests sent while the driver ran late (`setOverloaded`). */
  overloadShed: number;
  /** ACKs and responses dropped by `rejectOverload`. */
  overloadDropped: number;
  /** Absorbing records expired early to stay within `absorbingMemory`, oldest first. */
  absorbingDropped: number;
  /** New requests answered 416: Request-URI scheme not served (RFC 3261 §8.2.2.1). */
  rejectedScheme: number;
  /** New requests answered 420: unsupported Require option tag (RFC 3261 §8.2.2.3). */
  rejectedExtension: number;
  /** 482 (Loop Detected) answers to merged requests (RFC 3261 §8.2.2.2). */
  merged482: number;
  /** CANCELs matched to a transaction / answered 481 (RFC 3261 §9.2). */
  cancelMatched: number;
  cancelUnmatched: number;
  /**
   * Messages whose Via, CSeq, From, To, Call-ID, Max-Forwards or Request-URI could not be parsed, or
   * whose mandatory fields were missing or repeated (requests answered 400 when possible).
   */
  malformed: number;
}

/** A fresh set of counters with every live state at zero. */
export function newCounters(): TransactionCounters {
  return {
    active: {
      "invite-client": { Calling: 0, Proceeding: 0, Accepted: 0, Completed: 0 },
      "non-invite-client": { Trying: 0, Proceeding: 0, Completed: 0 },
      "invite-server": { Proceeding: 0, Completed: 0, Confirmed: 0, Accepted: 0 },
      "non-invite-server": { Trying: 0, Proceeding: 0, Completed: 0 },
    },
    clientCreated: 0,
    serverCreated: 0,
    terminated: 0,
    retransmissionsSent: 0,
    retransmissionsAbsorbed: 0,
    timeouts: 0,
    transportErrors: 0,
    strayResponses: 0,
    strayAcks: 0,
    overload503: 0,
    overloadShed: 0,
    overloadDropped: 0,
    absorbingDropped: 0,
    rejectedScheme: 0,
    rejectedExtension: 0,
    merged482: 0,
    cancelMatched: 0,
    cancelUnmatched: 0,
    malformed: 0,
  };
}
