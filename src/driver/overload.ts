/** Overload control of a driver: what counts as running late, and how often it is measured. */
export interface OverloadOptions {
  /**
   * Shed new out-of-dialog requests (503 with Retry-After) while the driver runs more than this many
   * milliseconds late, two timers in a row (one is a stall, see {@link OverloadMonitor}). Default
   * 200: well under T1 (500 ms), when clients start retransmitting, and well over the pauses of a
   * healthy process (garbage collection, a burst of datagrams).
   */
  maxDelay?: number;
  /** While traffic flows, measure at least this often, in milliseconds. Default 50. */
  probeInterval?: number;
}

/** What the overload control has seen and decided; read freely. */
export interface OverloadState {
  /** How late the last timer fired, in milliseconds. */
  readonly lateness: number;
  /** The most it has been late. */
  readonly maxLateness: number;
  /** True while new requests are shed. */
  readonly overloaded: boolean;
  /** How many times shedding started. */
  readonly periods: number;
}

/**
 * Measures how late the driver runs and decides when to shed load. Every timer the driver arms is a
 * probe: it fires at its deadline on an idle event loop, and as late as the loop is busy otherwise
 * (a stalled TU, a long garbage collection, more input than the process can take). While traffic
 * flows the driver keeps a timer armed within `probeInterval`, so lateness is measured several times
 * per second; shedding starts when two timers in a row fire more than `maxDelay` late and stops at
 * the first one that is on time again. One late timer is a stall — a collection, a scheduler that
 * gave the core to another process, one long computation — whose backlog the next probe finds
 * worked off: the requests that waited behind it are answered, not shed. A process that takes more
 * than it can do stays late, and sheds from its second late probe on.
 */
export class OverloadMonitor implements OverloadState {
  lateness = 0;
  maxLateness = 0;
  overloaded = false;
  periods = 0;
  readonly maxDelay: number;
  readonly probeInterval: number;
  /** The last timer fired more than `maxDelay` late. */
  #lateBefore = false;

  constructor(options: OverloadOptions = {}) {
    this.maxDelay = options.maxDelay ?? 200;
    this.probeInterval = options.probeInterval ?? 50;
  }

  /** A timer armed for `due` fired at `now`. Returns true when the overloaded state changed. */
  observe(due: number, now: number): boolean {
    this.lateness = Math.max(0, now - due);
    if (this.lateness > this.maxLateness) this.maxLateness = this.lateness;
    const late = this.lateness > this.maxDelay;
    const over = late && (this.overloaded || this.#lateBefore);
    this.#lateBefore = late;
    if (over === this.overloaded) return false;
    this.overloaded = over;
    if (over) this.periods++;
    return true;
  }
}

/**
 * A driver's timer that fires more than this many milliseconds after its deadline was held by a
 * busy event loop, and input may be waiting behind it: the driver lets that input be read first
 * (one more turn of the loop) before it acts on the timer. Otherwise a loop held past T1 wakes to
 * retransmit requests and 2xx whose answers and ACKs are already in its socket buffers — work that
 * feeds the very delay that caused it.
 */
export const INPUT_FIRST_AFTER_MS = 2;
