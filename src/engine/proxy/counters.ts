/** Live counters of a proxy core: what it was given and every decision it took. */
export interface ProxyCounters {
  /** Requests that created a server transaction at the proxy (ACK and CANCEL aside). */
  requests: number;
  /** Branches started (RFC 3261 §16.6). */
  branches: number;
  /** ACKs for 2xx forwarded statelessly (RFC 3261 §16.11, §13.2.2.4). */
  acks: number;
  /** Responses forwarded upstream (RFC 3261 §16.7 step 9). */
  responses: number;
  /** CANCELs sent to pending branches (RFC 3261 §16.10, §16.7 step 10). */
  cancels: number;
  /** Timer C fired (RFC 3261 §16.8). */
  timerC: number;
  /** Final responses the proxy made itself, by status (483, 482, 420, 416, 407, 480, 440, 500, …). */
  local: Record<number, number>;
  /** Messages dropped: an ACK or a response with nowhere to go, a response to no branch. */
  dropped: number;
}

export function newCounters(): ProxyCounters {
  return { requests: 0, branches: 0, acks: 0, responses: 0, cancels: 0, timerC: 0, local: {}, dropped: 0 };
}
