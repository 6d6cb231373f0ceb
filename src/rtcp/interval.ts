/**
 * The RTCP transmission interval of RFC 3550 §6.3 and A.7 as pure functions of the session state,
 * a random source and `now` (milliseconds). No clock, no timers: the caller keeps the returned
 * state, arms its own timer for `tn`, and calls {@link rtcpOnExpire} when it fires.
 */

/** RFC 3550 §6.2: senders share 1/4 of the RTCP bandwidth when they are at most 1/4 of members. */
const SENDER_BW_FRACTION = 0.25;
const RECEIVER_BW_FRACTION = 1 - SENDER_BW_FRACTION;
/** A.7: e - 3/2, compensating for the timer reconsideration algorithm converging below the mean. */
const COMPENSATION = Math.E - 1.5;

/** What the interval depends on (A.7 `rtcp_interval` arguments, §6.3). */
export interface RtcpIntervalParams {
  /** Current estimate of session members, including ourselves (>= 1). */
  readonly members: number;
  /** Members that sent RTP since the last two reports, including ourselves if we did. */
  readonly senders: number;
  /** RTCP bandwidth in octets per second (typically 5% of the session bandwidth, §6.2). */
  readonly rtcpBandwidth: number;
  /** Whether we sent RTP since our second-to-last report (§6.3). */
  readonly weSent: boolean;
  /** Average compound RTCP packet size in octets, lower-layer headers included (§6.3.3). */
  readonly avgRtcpSize: number;
  /** True until the first RTCP packet is sent: halves the minimum (§6.2). */
  readonly initial: boolean;
  /** Minimum interval in seconds (default 5, §6.2; may be reduced, e.g. 360 / kbit/s). */
  readonly minInterval?: number;
}

/**
 * The deterministic calculated interval Td in seconds (§6.3.1, A.7 before randomization):
 * members · avg size / bandwidth, where senders get a quarter of the bandwidth and only count
 * themselves when they are at most a quarter of the members; at least the minimum (halved
 * initially).
 */
export function rtcpDeterministicInterval(s: RtcpIntervalParams): number {
  let minTime = s.minInterval ?? 5;
  if (s.initial) minTime /= 2;
  let n = s.members;
  let bw = s.rtcpBandwidth;
  if (s.senders <= s.members * SENDER_BW_FRACTION) {
    if (s.weSent) {
      bw *= SENDER_BW_FRACTION;
      n = s.senders;
    } else {
      bw *= RECEIVER_BW_FRACTION;
      n -= s.senders;
    }
  }
  let t = bw > 0 ? (s.avgRtcpSize * n) / bw : Infinity;
  if (!(t >= minTime)) t = minTime;
  return t;
}

/**
 * The randomized interval T in seconds (A.7 `rtcp_interval`): Td times a uniform factor in
 * [0.5, 1.5), divided by e - 3/2. `random()` must return a uniform number in [0, 1).
 */
export function rtcpInterval(s: RtcpIntervalParams, random: () => number): number {
  return (rtcpDeterministicInterval(s) * (random() + 0.5)) / COMPENSATION;
}

/** The state of the RTCP timer rules (§6.3), as A.7 names it; times in ms. */
export interface RtcpTimerState extends RtcpIntervalParams {
  /** Member estimate when `tn` was last computed (for reverse reconsideration, §6.3.4). */
  readonly pmembers: number;
  /** Time the last RTCP packet was sent. */
  readonly tp: number;
  /** Time the next RTCP packet is scheduled. */
  readonly tn: number;
}

/** Initial parameters of a session (§6.3.2). */
export interface RtcpTimerInit {
  readonly rtcpBandwidth: number;
  /** Probable size of the first compound RTCP packet (octets). */
  readonly avgRtcpSize: number;
  readonly minInterval?: number;
}

/**
 * §6.3.2 initialization: tp = now, members = pmembers = 1, senders = 0, we_sent false, initial
 * true, and the first report scheduled at now + T.
 */
export function rtcpTimerStart(init: RtcpTimerInit, now: number, random: () => number): RtcpTimerState {
  const base = {
    members: 1,
    senders: 0,
    pmembers: 1,
    rtcpBandwidth: init.rtcpBandwidth,
    weSent: false,
    avgRtcpSize: init.avgRtcpSize,
    initial: true,
    tp: now,
    tn: now,
    ...(init.minInterval !== undefined ? { minInterval: init.minInterval } : {}),
  };
  return { ...base, tn: now + rtcpInterval(base, random) * 1000 };
}

/** The outcome of the timer expiring. */
export interface RtcpExpiry {
  /** Send a compound RTCP packet now, then call {@link rtcpOnSent} with its size. */
  readonly send: boolean;
  /** The state to keep (when not sending, `tn` is the reconsidered time to re-arm for). */
  readonly state: RtcpTimerState;
}

/**
 * A.7 OnExpire for a report (§6.3.6): recompute T with the current state; if tp + T is still in
 * the future, reschedule to it without sending (timer reconsideration); otherwise send now.
 */
export function rtcpOnExpire(s: RtcpTimerState, now: number, random: () => number): RtcpExpiry {
  const tn = s.tp + rtcpInterval(s, random) * 1000;
  if (tn <= now) return { send: true, state: { ...s, pmembers: s.members } };
  return { send: false, state: { ...s, tn, pmembers: s.members } };
}

/**
 * After sending a compound packet of `packetSize` octets at `now` (§6.3.6): avg_rtcp_size
 * = 1/16 · size + 15/16 · avg, tp = now, initial = false, and the next report at now + T.
 */
export function rtcpOnSent(s: RtcpTimerState, packetSize: number, now: number, random: () => number): RtcpTimerState {
  const next = {
    ...s,
    avgRtcpSize: packetSize / 16 + (15 / 16) * s.avgRtcpSize,
    tp: now,
    initial: false,
    pmembers: s.members,
  };
  return { ...next, tn: now + rtcpInterval(next, random) * 1000 };
}

/** §6.3.3: a received RTCP compound of `packetSize` octets updates the average size. */
export function rtcpOnReceived(s: RtcpTimerState, packetSize: number): RtcpTimerState {
  return { ...s, avgRtcpSize: packetSize / 16 + (15 / 16) * s.avgRtcpSize };
}

/**
 * §6.3.4 reverse reconsideration, when the member count drops (BYE or timeout) to `members`:
 * if members < pmembers, tn = now + (members/pmembers)·(tn − now) and
 * tp = now − (members/pmembers)·(now − tp); then pmembers = members.
 */
export function rtcpOnMembersLeft(s: RtcpTimerState, members: number, senders: number, now: number): RtcpTimerState {
  if (members >= s.pmembers) return { ...s, members, senders };
  const r = members / s.pmembers;
  return { ...s, members, senders, tn: now + r * (s.tn - now), tp: now - r * (now - s.tp), pmembers: members };
}
