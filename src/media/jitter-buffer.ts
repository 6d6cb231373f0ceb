import { DelayEstimator } from "./delay-estimator.ts";
import { checkOption } from "./errors.ts";
import type { JitterBufferStats, JitterFrame, JitterPacket } from "./jitter-frame.ts";

export type { JitterBufferStats, JitterFrame, JitterPacket } from "./jitter-frame.ts";

/**
 * A sans-I/O adaptive jitter buffer for one RTP audio stream. Codec-agnostic: it holds payloads
 * with their sequence numbers and timestamps and hands back, once per ptime, what to play — a
 * packet to decode, a gap to conceal (with the packet after it when it is already here, for
 * Opus in-band FEC), comfort noise (RFC 3389) or silence — plus the RFC 4733 telephone-event
 * packets that have come due, in sequence order. Decoding happens after `pull` (see
 * `AudioPlayout` for G.711-style PCM with concealment).
 *
 * Behaviour:
 * - **Reordering and duplicates**: packets are kept by extended sequence number; a sequence
 *   number seen in the last 1024 is a duplicate and dropped.
 * - **Late packets**: a packet whose turn has passed (it was concealed) is counted `late` and
 *   discarded; it no longer counts as lost (RFC 3611 §4.7.1 distinguishes lost from discarded).
 * - **Loss**: sequence numbers skipped at playout and never received are `lost`.
 * - **Adaptive depth**: the target delay is the 95th percentile of each packet's delay relative
 *   to the fastest recent packet, plus one frame, within [`minDelayMs`, `maxDelayMs`].
 * - **Shrinking** (target fell, or the sender's clock runs fast): when the buffered audio stays
 *   above target + 1 frame, one frame is dropped — a comfort-noise or silence frame when there
 *   is one, else an audio frame once the excess reaches 2 frames — at most one every 8 frames;
 *   an excess of more than 4 frames (a burst: the sender or this process stalled, then caught
 *   up) goes at one frame every 2, so 400 ms of burst are gone in about a second. **Growing** (target rose, delay
 *   spike, the sender's clock runs slow): when the buffer runs dry, playout stops and the
 *   concealment frames inserted meanwhile become delay; playout resumes once the target depth is
 *   buffered. Frames are dropped and inserted whole: no time-scale modification.
 * - **Stalls of this process**: packets pushed more than two frames after the last pull were
 *   read after the process was held; their delay is estimated from the fastest recent transit,
 *   within the hold, not from when they were read, and pulls for ticks being caught up (more than
 *   a frame before the last push) neither drop frames nor move the average depth.
 * - **Talk spurts**: a packet that follows the last one played without a gap in sequence numbers
 *   but later in time (silence suppression, DTX) is played once it has waited its target delay;
 *   until then the gap is comfort noise (after an RFC 3389 packet) or silence, never loss.
 *
 * Memory is bounded by `maxPackets` buffered packets; more are dropped oldest-first (`overflow`).
 */

/** Options of {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** RTP timestamp rate of the audio format, Hz (8000 for PCMU; 48000 for Opus). */
  readonly clockRate: number;
  /** Playout frame (packetization time), ms. Default 20. */
  readonly ptimeMs?: number;
  /** Lowest target delay, ms. Default one frame. */
  readonly minDelayMs?: number;
  /** Highest target delay, ms. Default 300. */
  readonly maxDelayMs?: number;
  /** Target delay before enough packets were seen to measure, ms. Default 60. */
  readonly initialDelayMs?: number;
  /** Fraction of packets that should arrive in time. Default 0.95. */
  readonly quantile?: number;
  /** Payload type of `telephone-event` (RFC 4733), passed through as events. */
  readonly telephoneEventPayloadType?: number;
  /** Payload type of `CN` (RFC 3389; static 13 at 8 kHz). Default 13. */
  readonly comfortNoisePayloadType?: number;
  /**
   * Duration of an audio packet in timestamp units, when the codec can tell (G.711: payload
   * length; Opus: from its TOC byte). Default: one frame.
   */
  readonly packetDuration?: (packet: JitterPacket) => number;
  /** Most packets held. Default 2 × maxDelay / ptime + 16. */
  readonly maxPackets?: number;
}

interface Entry {
  readonly seq: number; // extended
  readonly ts: number; // extended
  readonly arrival: number;
  readonly duration: number;
  readonly packet: JitterPacket;
}

/** Playout state: see the figure above `#transition`. */
export type JitterBufferState = "buffering" | "playing" | "stalled";

const HISTORY = 1024;
/** Excess depth, in frames, beyond which the buffer shrinks at the fast pace (a burst). */
const BURST_FRAMES = 4;
const NO_EVENTS: readonly JitterPacket[] = Object.freeze([]);
const TWO32 = 4294967296;

/** The adaptive jitter buffer; see the module comment for its behaviour. */
export class JitterBuffer {
  readonly clockRate: number;
  readonly ptimeMs: number;
  readonly #frame: number; // timestamp units per frame
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #initialDelay: number;
  readonly #maxPackets: number;
  readonly #dtmfPt: number;
  readonly #cnPt: number;
  readonly #duration: ((p: JitterPacket) => number) | undefined;
  readonly #estimator: DelayEstimator;
  readonly #stats: JitterBufferStats;

  // Sequence/timestamp extension, from the highest sequence number seen.
  #highSeq = -1;
  #highTs = 0;
  #highTs32 = 0;
  readonly #seen = new Float64Array(HISTORY).fill(-1);
  // Audio and comfort-noise packets waiting, sorted by extended sequence number.
  #queue: Entry[] = [];
  #events: Entry[] = [];
  // Playout.
  #state: JitterBufferState = "buffering";
  #playTs = 0;
  #lastSeq = -1; // extended sequence number last played (or skipped)
  #firstSeq = 0; // the first one played: gaps are counted from here
  #stalledAt = -1;
  #cn: JitterPacket | undefined;
  #level = 0; // filtered buffered delay, ms
  #noDropUntil = 0;
  #eventEnd = -Infinity;
  #lastPullAt = -1;
  #lastPushAt = -Infinity;

  constructor(options: JitterBufferOptions) {
    const ptime = options.ptimeMs ?? 20;
    checkOption(Number.isInteger(options.clockRate) && options.clockRate > 0, "jitter buffer: clockRate must be a positive integer");
    checkOption(ptime > 0 && ptime <= 200, "jitter buffer: ptimeMs must be in (0, 200]");
    this.clockRate = options.clockRate;
    this.ptimeMs = ptime;
    this.#frame = Math.round((options.clockRate * ptime) / 1000);
    this.#minDelay = options.minDelayMs ?? ptime;
    this.#maxDelay = options.maxDelayMs ?? 300;
    checkOption(this.#minDelay >= 0 && this.#maxDelay >= this.#minDelay && this.#maxDelay <= 10_000, "jitter buffer: need 0 ≤ minDelayMs ≤ maxDelayMs ≤ 10 s");
    this.#initialDelay = Math.min(this.#maxDelay, Math.max(this.#minDelay, options.initialDelayMs ?? 60));
    this.#maxPackets = options.maxPackets ?? Math.ceil((2 * this.#maxDelay) / ptime) + 16;
    checkOption(Number.isInteger(this.#maxPackets) && this.#maxPackets >= 2, "jitter buffer: maxPackets must be ≥ 2");
    this.#dtmfPt = options.telephoneEventPayloadType ?? -1;
    this.#cnPt = options.comfortNoisePayloadType ?? 13;
    this.#duration = options.packetDuration;
    this.#estimator = new DelayEstimator({ maxDelayMs: this.#maxDelay, quantile: options.quantile ?? 0.95 });
    this.#stats = {
      received: 0, late: 0, lost: 0, duplicates: 0, overflow: 0, dropped: 0, inserted: 0,
      concealedFrames: 0, concealedSamples: 0, currentDelayMs: 0, averageDelayMs: 0, targetDelayMs: this.#initialDelay, jitterMs: 0,
    };
  }

  /** The playout state. */
  get state(): JitterBufferState {
    return this.#state;
  }

  /** A snapshot of the counters. */
  get stats(): JitterBufferStats {
    return { ...this.#stats, currentDelayMs: this.#bufferedMs(), averageDelayMs: Math.max(0, this.#level), targetDelayMs: this.targetDelayMs, jitterMs: this.#estimator.jitterMs };
  }

  /** The delay the buffer aims at now, ms. */
  get targetDelayMs(): number {
    if (this.#estimator.count < 16) return this.#initialDelay;
    return Math.min(this.#maxDelay, Math.max(this.#minDelay, this.#estimator.delayMs() + this.ptimeMs));
  }

  /**
   * Takes one received packet at `now` (ms). Returns what became of it: `queued` (or `event` for
   * a telephone-event packet), `duplicate`, `late` (its turn has passed; counted, dropped).
   */
  push(packet: JitterPacket, now: number): "queued" | "event" | "duplicate" | "late" {
    const seq16 = packet.sequenceNumber & 0xffff;
    let seq: number;
    let ts: number;
    if (this.#highSeq < 0) {
      seq = seq16 + 0x10000;
      ts = packet.timestamp >>> 0;
      this.#highSeq = seq;
      this.#highTs = ts;
      this.#highTs32 = ts;
    } else {
      seq = this.#highSeq + ((((seq16 - (this.#highSeq & 0xffff)) & 0xffff) ^ 0x8000) - 0x8000);
      ts = this.#highTs + (((packet.timestamp >>> 0) - this.#highTs32) | 0);
      if (seq > this.#highSeq) {
        if (seq - this.#highSeq > 3000) return this.#restart(packet, now);
        this.#highSeq = seq;
        this.#highTs = ts;
        this.#highTs32 = packet.timestamp >>> 0;
      }
    }
    const slot = seq & (HISTORY - 1);
    if (this.#seen[slot] === seq || seq <= this.#highSeq - HISTORY) {
      this.#stats.duplicates++;
      return "duplicate";
    }
    this.#seen[slot] = seq;
    this.#stats.received++;
    const isEvent = packet.payloadType === this.#dtmfPt;
    if (this.#lastSeq >= 0 && seq <= this.#lastSeq) {
      // Its turn has passed: it was counted lost when playout skipped it (if playout had begun).
      if (seq >= this.#firstSeq) this.#stats.lost--;
      if (isEvent) {
        this.#events.push({ seq, ts, arrival: now, duration: 0, packet });
        return "event";
      }
      this.#stats.late++;
      return "late";
    }
    const duration = isEvent || packet.payloadType === this.#cnPt ? this.#frame : (this.#duration?.(packet) ?? this.#frame);
    const arrival = this.#arrival(ts, now);
    if (now > this.#lastPushAt) this.#lastPushAt = now;
    const entry: Entry = { seq, ts, arrival, duration, packet };
    if (isEvent) {
      insertSorted(this.#events, entry);
      return "event";
    }
    this.#estimator.observe(arrival - (ts * 1000) / this.clockRate);
    insertSorted(this.#queue, entry);
    if (this.#queue.length > this.#maxPackets) {
      // Oldest first: it would be played first, but the newest audio matters more.
      const old = this.#queue.shift()!;
      this.#seen[old.seq & (HISTORY - 1)] = -1;
      this.#stats.overflow++;
      this.#stats.received--;
    }
    return "queued";
  }

  /** The frame to play at `now` (call once per ptime); see {@link JitterFrame}. */
  pull(now: number): JitterFrame {
    this.#lastPullAt = now;
    const state = this.#state;
    switch (state) {
      case "buffering":
      case "stalled": {
        if (this.#mayStart(now)) {
          this.#transition("playing");
          break;
        }
        const events = this.#dueEvents();
        // After running dry, keep concealing (the concealer fades out) for up to maxDelay.
        if (state === "stalled" && now - this.#stalledAt < this.#maxDelay) {
          this.#stats.inserted++;
          return this.#conceal(events, false, undefined);
        }
        return this.#filler("silence", this.#playTs, events, false);
      }
      case "playing":
        break;
      default:
        assertNever(state);
    }
    const events = this.#dueEvents();
    const level = this.#bufferedMs();
    // A pull for a tick more than a frame in the past (the media clock catching up after this
    // process was held) sees packets read after the hold, ahead of their time: depth that the
    // catching up itself plays out. It neither moves the level nor drops a frame.
    const catchingUp = now + this.ptimeMs < this.#lastPushAt;
    if (!catchingUp) this.#level += (level - this.#level) / 8;
    const next = this.#queue[0];
    const half = this.#frame / 2;
    if (next && next.ts < this.#playTs + half) {
      // Due (or overdue). Shrink first if the buffer has stayed too deep.
      const excess = this.#level - this.targetDelayMs;
      const after = this.#queue[1];
      const silent = next.packet.payloadType === this.#cnPt;
      const deep = Math.min(excess, level - this.targetDelayMs);
      if (!catchingUp && after && after.seq === next.seq + 1 && now >= this.#noDropUntil && deep > this.ptimeMs && (silent || deep > 2 * this.ptimeMs)) {
        // One frame at a time, then let the level settle. A burst (a stalled sender catching
        // up, the packets of a stall of our own process read at once) leaves far more than
        // the drift of two clocks: that excess goes at one frame in two ticks, not in eight,
        // so the call does not carry its delay for seconds (RFC 3550 §6.4.1's jitter is of
        // arrival times; a delay the burst added is not jitter to keep).
        const burst = deep > BURST_FRAMES * this.ptimeMs;
        this.#noDropUntil = now + (burst ? 2 : 8) * this.ptimeMs;
        this.#queue.shift();
        this.#countGap(next.seq);
        this.#lastSeq = next.seq;
        this.#stats.dropped++;
        this.#level -= this.ptimeMs;
        if (silent) this.#cn = next.packet;
        return this.#play(this.#queue.shift()!, events);
      }
      return this.#play(this.#queue.shift()!, events);
    }
    if (next) {
      const contiguous = this.#noGap(next.seq);
      const held = now - next.arrival;
      // A new talk spurt, or a timestamp jump: play once it has waited its delay.
      const jump = next.ts - this.#playTs > (this.#maxDelay * this.clockRate) / 1000;
      if ((contiguous || jump) && held >= this.targetDelayMs - this.ptimeMs) {
        return this.#play(this.#queue.shift()!, events);
      }
      if (contiguous) return this.#filler(this.#cn ? "comfort-noise" : "silence", this.#playTs, events, true);
      return this.#conceal(events, true, next.packet);
    }
    if (this.#cn) return this.#filler("comfort-noise", this.#playTs, events, true);
    // A telephone event in progress replaces the audio (RFC 4733 §2.5.1.1): silence, not loss.
    if (this.#playTs < this.#eventEnd) return this.#filler("silence", this.#playTs, events, true);
    // Ran dry: conceal without advancing, and wait for the target depth again.
    this.#transition("stalled");
    this.#stalledAt = now;
    this.#stats.inserted++;
    return this.#conceal(events, false, undefined);
  }

  /** Forgets the stream (new SSRC, or a restart); counters are kept. */
  reset(): void {
    this.#queue = [];
    this.#events = [];
    this.#highSeq = -1;
    this.#seen.fill(-1);
    this.#state = "buffering";
    this.#lastSeq = -1;
    this.#stalledAt = -1;
    this.#cn = undefined;
    this.#level = 0;
    this.#eventEnd = -Infinity;
    this.#lastPullAt = -1;
    this.#lastPushAt = -Infinity;
    this.#estimator.reset();
  }

  /**
   * The playout states:
   *
   * ```text
   *   buffering ──(target depth buffered, or the first packet waited its delay)──▶ playing
   *   playing ──(nothing left to play, no comfort noise, no event)──▶ stalled
   *   stalled ──(target depth buffered again)──▶ playing          reset() ──▶ buffering
   * ```
   */
  #transition(to: JitterBufferState): void {
    const from = this.#state;
    switch (to) {
      case "playing":
        if (from === "playing") throw new Error("jitter buffer: already playing");
        // Playout starts (or resumes) with the oldest packet buffered.
        this.#playTs = this.#queue[0]!.ts;
        if (this.#lastSeq < 0) {
          this.#lastSeq = this.#queue[0]!.seq - 1;
          this.#firstSeq = this.#queue[0]!.seq;
        }
        this.#stalledAt = -1;
        break;
      case "stalled":
        if (from !== "playing") throw new Error(`jitter buffer: stall from ${from}`);
        break;
      case "buffering":
        throw new Error("jitter buffer: buffering is entered by reset() only");
      default:
        assertNever(to);
    }
    this.#state = to;
  }

  #restart(packet: JitterPacket, now: number): "queued" | "event" | "duplicate" | "late" {
    this.reset();
    return this.push(packet, now);
  }

  // When the packet arrived. Pushed more than two frames after the last pull, it was read after
  // this process was held (playout had stopped too): it waited in the socket for an unknown part
  // of the hold, which is not network jitter (RFC 3550 §6.4.1 measures the path's). It is taken
  // to have come when the recent fastest transit says it could have, within the hold.
  #arrival(ts: number, now: number): number {
    const last = this.#lastPullAt;
    if (last < 0 || now - last <= 2 * this.ptimeMs) return now;
    const fastest = this.#estimator.minTransitMs;
    if (Number.isNaN(fastest)) return now;
    return Math.min(now, Math.max(last, (ts * 1000) / this.clockRate + fastest));
  }

  #mayStart(now: number): boolean {
    if (this.#queue.length === 0) return false;
    return this.#bufferedMs() >= this.targetDelayMs || now - this.#queue[0]!.arrival >= this.targetDelayMs - this.ptimeMs;
  }

  #play(e: Entry, events: readonly JitterPacket[]): JitterFrame {
    this.#countGap(e.seq);
    this.#lastSeq = e.seq;
    this.#playTs = e.ts + e.duration;
    if (e.packet.payloadType === this.#cnPt) {
      this.#cn = e.packet;
      return { kind: "comfort-noise", timestamp: wrap(e.ts), samples: e.duration, packet: e.packet, events };
    }
    this.#cn = undefined;
    return { kind: "audio", timestamp: wrap(e.ts), samples: e.duration, packet: e.packet, events };
  }

  #conceal(events: readonly JitterPacket[], advance: boolean, next: JitterPacket | undefined): JitterFrame {
    const ts = this.#playTs;
    if (advance) this.#playTs += this.#frame;
    this.#stats.concealedFrames++;
    this.#stats.concealedSamples += this.#frame;
    return next
      ? { kind: "conceal", timestamp: wrap(ts), samples: this.#frame, next, events }
      : { kind: "conceal", timestamp: wrap(ts), samples: this.#frame, events };
  }

  #filler(kind: "comfort-noise" | "silence", ts: number, events: readonly JitterPacket[], advance: boolean): JitterFrame {
    if (advance) this.#playTs += this.#frame;
    return kind === "comfort-noise" && this.#cn
      ? { kind, timestamp: wrap(ts), samples: this.#frame, packet: this.#cn, events }
      : { kind: "silence", timestamp: wrap(ts), samples: this.#frame, events };
  }

  // Sequence numbers between the last played and `seq` never received are lost.
  #countGap(seq: number): void {
    if (this.#lastSeq < 0) return;
    const from = Math.max(this.#lastSeq + 1, seq - HISTORY + 1);
    for (let s = from; s < seq; s++) if (this.#seen[s & (HISTORY - 1)] !== s) this.#stats.lost++;
  }

  #noGap(seq: number): boolean {
    if (seq - this.#lastSeq > HISTORY) return false;
    for (let s = this.#lastSeq + 1; s < seq; s++) if (this.#seen[s & (HISTORY - 1)] !== s) return false;
    return true;
  }

  #dueEvents(): readonly JitterPacket[] {
    if (this.#events.length === 0) return NO_EVENTS;
    // An event is due once playout reaches its start; before playout starts, at once.
    const limit = this.#state === "playing" ? this.#playTs + this.#frame : Infinity;
    let n = 0;
    while (n < this.#events.length && this.#events[n]!.ts < limit) n++;
    if (n === 0) return NO_EVENTS;
    const due = this.#events.splice(0, n).map((e) => e.packet);
    for (let i = 0; i < n; i++) {
      // The event's duration so far (RFC 4733 §2.3.5) tells how long it covers the timeline.
      const p = due[i]!.payload;
      const ts = this.#highTs + ((((due[i]!.timestamp >>> 0) - this.#highTs32) | 0));
      if (p.length >= 4) this.#eventEnd = Math.max(this.#eventEnd, ts + ((p[2]! << 8) | p[3]!));
    }
    return due;
  }

  // Audio buffered ahead of playout, ms: up to the end of the last packet that continues the
  // timeline (a timestamp jump beyond its sequence gap starts a later talk spurt, not depth).
  #bufferedMs(): number {
    const q = this.#queue;
    if (q.length === 0) return 0;
    const playing = this.#state === "playing";
    let prevTs = playing ? this.#playTs : q[0]!.ts;
    let prevSeq = playing ? this.#lastSeq : q[0]!.seq - 1;
    const start = prevTs;
    let end = start;
    for (const e of q) {
      if (e.ts - prevTs > (e.seq - prevSeq) * 2 * this.#frame) break;
      end = Math.max(end, e.ts + e.duration);
      prevTs = e.ts;
      prevSeq = e.seq;
    }
    return ((end - start) * 1000) / this.clockRate;
  }
}

function assertNever(x: never): never {
  throw new Error(`jitter buffer: unexpected state ${String(x)}`);
}

function wrap(ts: number): number {
  return ((ts % TWO32) + TWO32) % TWO32;
}

// Packets mostly arrive in order: search from the end.
function insertSorted(list: Entry[], e: Entry): void {
  let i = list.length;
  if (i === 0 || list[i - 1]!.seq < e.seq) {
    list.push(e);
    return;
  }
  while (i > 0 && list[i - 1]!.seq > e.seq) i--;
  list.splice(i, 0, e);
}
