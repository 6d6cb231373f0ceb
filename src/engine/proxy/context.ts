import type { SipRequest, SipResponse } from "../../sip/index.ts";
import type { ClientTransaction, ServerTransaction, TransactionFlow } from "../../transaction/index.ts";
import type { TimerEntry } from "../../transaction/timer-heap.ts";

/** A target of the target set (RFC 3261 §16.5): a URI, its q-value, and how to reach it. */
export interface ProxyTarget<F extends TransactionFlow> {
  readonly uri: string;
  readonly q: number;
  readonly path?: readonly string[] | undefined;
  readonly flow?: F | undefined;
}

/** One forwarded copy of a request and its client transaction (RFC 3261 §16.6). */
export class Branch<F extends TransactionFlow> {
  /** A provisional response arrived (RFC 3261 §16.8: Timer C then CANCELs instead of giving up). */
  provisional = false;
  /** A final response arrived, or the proxy gave the branch up (Timer C, timeout, transport error). */
  final = false;
  cancelSent = false;
  /** Timer C (INVITE only); after it fired once on a branch with a provisional, the wait for its 487. */
  timer: TimerEntry<Branch<F>> | undefined = undefined;
  givingUp = false;

  constructor(
    readonly context: ResponseContext<F>,
    readonly transaction: ClientTransaction<F>,
    readonly target: string,
  ) {}
}

/** 4xx responses that tell the caller how to resubmit (RFC 3261 §16.7 step 6). */
const PREFERRED = new Set([401, 407, 415, 420, 484]);

/**
 * How good a final response is as the one to send upstream (RFC 3261 §16.7 step 6): "The proxy
 * MUST choose from the 6xx class responses if any exist in the context. If no 6xx class responses
 * are present, the proxy SHOULD choose from the lowest response class stored in the response
 * context. [...] The proxy SHOULD give preference to responses that provide information affecting
 * resubmission of this request, such as 401, 407, 415, 420, and 484 if the 4xx class is chosen."
 * A response the proxy made up for a branch that gave none (408, 503) comes last in its class.
 */
export function responseRank(status: number, synthetic: boolean): number {
  const cls = Math.floor(status / 100);
  const base = cls === 6 ? 1000 : (10 - cls) * 100;
  return base + (PREFERRED.has(status) ? 50 : 0) + (synthetic ? 0 : 20);
}

/**
 * The response context of one request a proxy handles statefully (RFC 3261 §16.2, §16.7): the
 * server transaction, the request as received (after §16.4), the targets not yet tried, the
 * branches, and the best final response so far.
 */
export class ResponseContext<F extends TransactionFlow> {
  /** Targets not yet tried, highest q first (RFC 3261 §16.6). */
  readonly targets: ProxyTarget<F>[] = [];
  /** Every target URI ever added (RFC 3261 §16.5: a URI is added to the target set once). */
  readonly seen = new Set<string>();
  readonly branches: Branch<F>[] = [];
  /** Branches with no final response yet. */
  pending = 0;
  /** No new branches: a 2xx or 6xx arrived, or the request was cancelled (§16.7 step 5, §16.10). */
  stopped = false;
  cancelled = false;
  /** A final response went upstream (§16.7: "until a final response has been sent"). */
  finalSent = false;
  best: SipResponse | undefined = undefined;
  bestStatus = 0;
  bestRank = -1;
  /** Challenges of every 401 and 407 received (§16.7 step 7). */
  readonly challenges: [string, string][] = [];

  constructor(
    readonly server: ServerTransaction<F>,
    readonly request: SipRequest,
    readonly flow: F,
    /** The request's loop-detection hash (§16.6 step 8), part of every branch. */
    readonly loop: string,
    /** Max-Breadth to share among parallel branches (RFC 5393 §5.3). */
    readonly breadth: number,
  ) {}

  /** Adds targets (URIs not seen before, up to `max` in all), keeping the list ordered by q. */
  addTargets(targets: readonly ProxyTarget<F>[], max: number): void {
    for (const t of targets) {
      if (this.seen.size >= max || this.seen.has(t.uri)) continue;
      this.seen.add(t.uri);
      let i = this.targets.length;
      while (i > 0 && this.targets[i - 1]!.q < t.q) i--;
      this.targets.splice(i, 0, t);
    }
  }

  /** Stores a final response (or, without one, a status the proxy stands in with) if it is the best so far. */
  consider(status: number, response: SipResponse | undefined): void {
    if (response !== undefined && (status === 401 || status === 407)) {
      // §16.7 step 7: "the proxy MUST collect any WWW-Authenticate and Proxy-Authenticate header
      // field values from all other 401 (Unauthorized) and 407 (Proxy Authentication Required)
      // responses received so far in this response context and add them to this response".
      for (const name of ["WWW-Authenticate", "Proxy-Authenticate"]) {
        for (const v of response.headers(name)) if (this.challenges.length < 32) this.challenges.push([name, v]);
      }
    }
    const rank = responseRank(status, response === undefined);
    if (rank <= this.bestRank) return;
    this.best = response;
    this.bestStatus = status;
    this.bestRank = rank;
  }
}
