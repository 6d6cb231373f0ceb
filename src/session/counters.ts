/** Counters of a session core (monotonic); read freely. */
export interface SessionCounters {
  /** Sessions made for our INVITEs (forks kept with forking "all" included). */
  outgoing: number;
  /** INVITEs received that reached the application as sessions. */
  incoming: number;
  /** Requests answered by the core itself, by status (§8.2: 400, 405, 415, 420, 422, 481, 488, 491, 500, 501, 503). */
  answered: Record<number, number>;
  /** Messages that fit no state and were absorbed: ACKs, 1xx/2xx and PRACKs out of place (counted, never thrown). */
  stray: number;
  /** Responses dropped because a field the session needed did not parse. */
  malformed: number;
  /** Requests that could not be routed (the transport found no flow). */
  noRoute: number;
  /** Requests the transaction layer refused (its maxClientTransactions was reached). */
  overloaded: number;
  /** Requests sent again with credentials after a 401/407 (§22.2). */
  authRetries: number;
  /** Requests sent to the next target of their next hop after a timeout, transport error or 503 (RFC 3263 §4.3). */
  failovers: number;
  /** Requests refused by the challenger (RFC 3261 §22.1): 401/407 sent. */
  challenged: number;
  /** Extra 2xx of forked INVITEs ended with ACK and BYE (§13.2.2.4). */
  forksDiscarded: number;
}

/** A fresh set of counters. @internal */
export function newCounters(): SessionCounters {
  return { outgoing: 0, incoming: 0, answered: {}, stray: 0, malformed: 0, noRoute: 0, overloaded: 0, authRetries: 0, failovers: 0, challenged: 0, forksDiscarded: 0 };
}
