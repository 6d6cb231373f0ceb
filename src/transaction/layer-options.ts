import { randomToken } from "./message-util.ts";
import type { RequestChecks } from "./request-checks.ts";
import { resolveTimers } from "./timers.ts";
import type { TimerConfig } from "./timers.ts";

/** Options of a TransactionLayer. */
export interface TransactionLayerOptions {
  /** T1, T2, T4, Timer D, the 100 Trying delay (RFC 3261 Appendix A defaults). */
  timers?: Partial<TimerConfig>;
  /**
   * Most server transactions in progress (answering, or an INVITE waiting for its ACK): what costs
   * the TU work. A new request beyond it is answered 503 (Service Unavailable) with Retry-After,
   * statelessly. Transactions that only absorb retransmissions do not count (see
   * `absorbingMemory`). Default 10000.
   */
  maxServerTransactions?: number;
  /**
   * Most client transactions in progress; `sendRequest` beyond it throws TOO_MANY_TRANSACTIONS.
   * Completed ones that only absorb retransmissions, and INVITE ones in Accepted (RFC 6026 §7.2),
   * do not count. Default 10000.
   */
  maxClientTransactions?: number;
  /**
   * Memory budget, in estimated bytes, of the transactions that only absorb retransmissions
   * (non-INVITE server Completed for 64*T1 on UDP, INVITE server Accepted and Confirmed, client
   * Completed, INVITE client Accepted). Over it the oldest expire early, counted in
   * `absorbingDropped`: a retransmission reaching an expired one is then taken as a new request
   * (a 2xx reaching an expired INVITE client goes to the TU as a stray response). Default 256 MiB: 10 000 non-INVITE
   * requests per second over UDP for the 32 s of Timer J take about 200 MB.
   */
  absorbingMemory?: number;
  /** Retry-After (seconds) of the 503 answers (RFC 3261 §20.33, §21.5.4). Default 5. */
  retryAfter?: number;
  /**
   * The UAS checks of RFC 3261 §8.2 on every new request before the TU sees it: 400 for missing,
   * repeated or malformed mandatory header fields (always, since no response can be built safely
   * from them otherwise), 416 for a Request-URI scheme not served, 420 for an unsupported Require
   * option tag. `false` turns off 416 and 420 (a proxy applies RFC 3261 §16.3 instead).
   */
  checks?: RequestChecks | false;
  /**
   * Answer merged requests 482 (Loop Detected), RFC 3261 §8.2.2.2. A UAS concern (a proxy must not),
   * so off by default.
   */
  detectMergedRequests?: boolean;
  /**
   * Handle CANCEL as a UAS (RFC 3261 §9.2): 481 when nothing matches; otherwise 200 to the CANCEL,
   * 487 to a pending INVITE, and a `cancel` event. When false, the CANCEL is a `request` event with
   * `cancels` set and the TU answers. Default true.
   */
  autoCancel?: boolean;
  /** Emit `terminated` events. Default true. */
  emitTerminated?: boolean;
  /** Generates To tags for responses the layer makes itself (default: 64 random bits, hex). */
  newTag?: () => string;
  /**
   * Called when the layer queues a transmit or an event while none was queued: lets a driver drain
   * what a TU queued from outside the driver's loop (an answer sent after a database lookup), so
   * that no answer waits for the next input.
   */
  onOutput?: () => void;
}

/** The options with their defaults filled in. */
export interface ResolvedOptions {
  readonly timers: Readonly<TimerConfig>;
  readonly maxServer: number;
  readonly maxClient: number;
  readonly absorbingMemory: number;
  readonly retryAfter: string;
  readonly schemes: ReadonlySet<string> | undefined;
  readonly supported: ReadonlySet<string>;
  readonly detectMerged: boolean;
  readonly autoCancel: boolean;
  readonly emitTerminated: boolean;
  readonly newTag: () => string;
  readonly onOutput: (() => void) | undefined;
}

/** Fills in the defaults. */
export function resolveOptions(options: TransactionLayerOptions): ResolvedOptions {
  const checks = options.checks ?? {};
  return {
    timers: resolveTimers(options.timers),
    maxServer: options.maxServerTransactions ?? 10000,
    maxClient: options.maxClientTransactions ?? 10000,
    absorbingMemory: options.absorbingMemory ?? 256 * 1024 * 1024,
    retryAfter: String(options.retryAfter ?? 5),
    schemes: checks === false ? undefined : new Set((checks.uriSchemes ?? ["sip", "sips", "tel"]).map((s) => s.toLowerCase())),
    supported: new Set((checks === false ? [] : (checks.supported ?? [])).map((t) => t.toLowerCase())),
    detectMerged: options.detectMergedRequests ?? false,
    autoCancel: options.autoCancel ?? true,
    emitTerminated: options.emitTerminated ?? true,
    newTag: options.newTag ?? (() => randomToken(8)),
    onOutput: options.onOutput,
  };
}
