/**
 * Transaction timers (RFC 3261 §17, Appendix A Table 4; RFC 6026 §7). Every timer is derived from the
 * three base values T1, T2 and T4, so a deployment that knows its round-trip time tunes T1 alone.
 *
 *     Timer    Value               Section         Meaning
 *     T1       500 ms              17.1.1.1        RTT estimate
 *     T2       4 s                 17.1.2.2        longest retransmit interval (non-INVITE, INVITE responses)
 *     T4       5 s                 17.1.2.2        longest time a message stays in the network
 *     A        T1, doubling        17.1.1.2        INVITE request retransmit, unreliable only
 *     B        64*T1               17.1.1.2        INVITE client transaction timeout
 *     D        >32 s UDP, 0 TCP    17.1.1.2        wait for response retransmits
 *     E        T1, doubling to T2  17.1.2.2        non-INVITE request retransmit, unreliable only
 *     F        64*T1               17.1.2.2        non-INVITE client transaction timeout
 *     G        T1, doubling to T2  17.2.1          INVITE response retransmit, unreliable only
 *     H        64*T1               17.2.1          wait for ACK
 *     I        T4 UDP, 0 TCP       17.2.1          wait for ACK retransmits
 *     J        64*T1 UDP, 0 TCP    17.2.2          wait for non-INVITE request retransmits
 *     K        T4 UDP, 0 TCP       17.1.2.2        wait for response retransmits
 *     L        64*T1               RFC 6026 §7.1   wait for INVITE retransmits after a 2xx (server)
 *     M        64*T1               RFC 6026 §7.2   wait for 2xx retransmits (client)
 *     Trying   200 ms              17.2.1          send 100 Trying if the TU has not answered yet
 */
export interface TimerConfig {
  /** T1, the round-trip time estimate, in ms. Default 500. */
  t1: number;
  /** T2, the longest retransmit interval for non-INVITE requests and INVITE responses, in ms. Default 4000. */
  t2: number;
  /** T4, the longest time a message stays in the network, in ms. Default 5000. */
  t4: number;
  /** Timer D for unreliable transports, in ms (RFC 3261: at least 32 s). Default 32000. */
  timerD: number;
  /**
   * How long an INVITE server transaction waits for a provisional or final response from the TU
   * before it sends 100 Trying itself (RFC 3261 §17.2.1: 200 ms). 0 sends the 100 at once.
   */
  trying: number;
}

/** RFC 3261 Appendix A defaults. */
export const DEFAULT_TIMERS: Readonly<TimerConfig> = Object.freeze({
  t1: 500,
  t2: 4000,
  t4: 5000,
  timerD: 32000,
  trying: 200,
});

/** The timers a transaction may run, by their RFC name. */
export type TimerName = "A" | "B" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M" | "Trying";

/** Fills in the defaults and checks the values; a broken configuration is a programming error. */
export function resolveTimers(config?: Partial<TimerConfig>): Readonly<TimerConfig> {
  const t: TimerConfig = { ...DEFAULT_TIMERS, ...config };
  for (const [name, value] of Object.entries(t)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`timer ${name} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  if (t.t1 <= 0) throw new RangeError("T1 must be > 0");
  if (t.t2 < t.t1) throw new RangeError("T2 must be >= T1");
  return Object.freeze(t);
}

/** 64*T1: Timers B, F, H, L, M, and J on unreliable transports. */
export function sixtyFourT1(t: Readonly<TimerConfig>): number {
  return 64 * t.t1;
}
