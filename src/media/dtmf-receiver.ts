import { dtmfDigit, tryParseTelephoneEvent } from "../codec/index.ts";
import { checkOption } from "./errors.ts";

/**
 * Reception of RFC 4733 telephone events: turns the packets of an event — the first (marker
 * bit), the duration updates, the three redundant end packets — into one typed event per digit,
 * whatever was lost, duplicated or reordered on the way. Sans-I/O: `handlePacket(packet, now)`,
 * `handleTimeout(now)`, `pollEvent()`, `pollTimeout()`.
 *
 * ```text
 *            new timestamp                 E bit, or a newer event, or timeout
 *   idle ─────────────────────▶ active ─────────────────────────────────────▶ ended
 *     ▲                          │  ▲  same timestamp: duration update          │
 *     │                          └──┘  continuation segment (§2.5.1.3)          │
 *     └──────────────────────────────────── (ended is idle with a memory) ◀─────┘
 * ```
 */

/** A digit (or other event) began: the first packet of a new event arrived. */
export interface DtmfStart {
  readonly type: "dtmf-start";
  /** The DTMF digit, or undefined for a non-DTMF event code. */
  readonly digit: string | undefined;
  readonly event: number;
  /** Power level in −dBm0 (RFC 4733 §2.3.4). */
  readonly volume: number;
  /** RTP timestamp of the event's start. */
  readonly timestamp: number;
}

/** A digit is complete: emitted once per event, with its whole duration. */
export interface DtmfDigitEvent {
  readonly type: "dtmf";
  readonly digit: string | undefined;
  readonly event: number;
  /** Total duration in timestamp units (all segments of a long event). */
  readonly duration: number;
  /** Total duration in ms. */
  readonly durationMs: number;
  /** Power level in −dBm0 of the last packet. */
  readonly volume: number;
  readonly timestamp: number;
  /** How the end was known: an E-bit packet, a newer event, or the timeout (end packets lost). */
  readonly endedBy: "end-packet" | "new-event" | "timeout";
}

/** What {@link DtmfReceiver.pollEvent} gives. */
export type DtmfReceiverEvent = DtmfStart | DtmfDigitEvent;

/** The RTP fields the receiver needs. */
export interface DtmfPacket {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker?: boolean;
  readonly payload: Uint8Array;
}

/** Options of {@link DtmfReceiver}. */
export interface DtmfReceiverOptions {
  /** Timestamp rate of the telephone-event format. Default 8000. */
  readonly clockRate?: number;
  /**
   * How long an event without an end packet lasts past its last packet, ms. RFC 4733 §2.5.1.2
   * has updates every 50 ms by default; 4 missed updates end the event. Default 200.
   */
  readonly endTimeoutMs?: number;
}

/** Receiver states (see the figure in the module comment). */
export type DtmfReceiverState = "idle" | "active" | "ended";

// How many ended events to remember, to drop their late retransmissions.
const REMEMBER = 8;

/** The RFC 4733 receiver; see the module comment. */
export class DtmfReceiver {
  readonly clockRate: number;
  readonly endTimeoutMs: number;
  #state: DtmfReceiverState = "idle";
  readonly #events: DtmfReceiverEvent[] = [];
  // The event in progress.
  #event = 0;
  #start = 0; // timestamp of the first segment
  #segment = 0; // timestamp of the current segment
  #segmentDuration = 0;
  #before = 0; // duration of the segments before the current one
  #volume = 0;
  #lastAt = 0;
  readonly #ended: number[] = [];
  /** Packets dropped: malformed payloads, retransmissions and late packets of ended events. */
  ignored = 0;

  constructor(options: DtmfReceiverOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.endTimeoutMs = options.endTimeoutMs ?? 200;
    checkOption(this.clockRate > 0 && this.endTimeoutMs > 0, "DTMF receiver: clockRate and endTimeoutMs must be positive");
  }

  get state(): DtmfReceiverState {
    return this.#state;
  }

  /** Takes one telephone-event packet received at `now` (ms). */
  handlePacket(packet: DtmfPacket, now: number): void {
    const parsed = tryParseTelephoneEvent(packet.payload);
    if (!parsed.ok) {
      this.ignored++;
      return;
    }
    const e = parsed.value;
    const ts = packet.timestamp >>> 0;
    const state = this.#state;
    switch (state) {
      case "active": {
        // §2.5.2.1: packets with the event's timestamp update its duration; the E bit ends it.
        if (ts === this.#segment && e.event === this.#event) {
          this.#update(e.duration, e.volume, now);
          if (e.end) this.#finish("end-packet");
          return;
        }
        const ahead = diff(ts, this.#segment);
        // §2.5.1.3: a long event continues in a new segment whose timestamp follows the last
        // one's duration, without the marker bit.
        if (ahead > 0 && e.event === this.#event && !packet.marker && ahead <= this.#segmentDuration + this.#slack()) {
          this.#before += ahead;
          this.#segment = ts;
          this.#segmentDuration = 0;
          this.#update(e.duration, e.volume, now);
          if (e.end) this.#finish("end-packet");
          return;
        }
        if (ahead > 0) {
          // §2.5.2.1: a newer event ends the one whose end packets were lost.
          this.#finish("new-event");
          this.#begin(e.event, ts, e.duration, e.volume, e.end, now);
          return;
        }
        this.ignored++;
        return;
      }
      case "idle":
      case "ended": {
        // Retransmitted end packets and late updates of an ended event carry its timestamp.
        if (this.#ended.includes(ts) || (state === "ended" && diff(ts, this.#ended[this.#ended.length - 1]!) <= 0)) {
          this.ignored++;
          return;
        }
        // A new event, even if its first packet (marker bit) was lost.
        this.#begin(e.event, ts, e.duration, e.volume, e.end, now);
        return;
      }
      default:
        assertNever(state);
    }
  }

  /** Ends an event whose end packets were all lost, `endTimeoutMs` after its last packet. */
  handleTimeout(now: number): void {
    if (this.#state === "active" && now - this.#lastAt >= this.endTimeoutMs) this.#finish("timeout");
  }

  /** The next event, or undefined. */
  pollEvent(): DtmfReceiverEvent | undefined {
    return this.#events.shift();
  }

  /** When {@link DtmfReceiver.handleTimeout} should next be called, or undefined. */
  pollTimeout(): number | undefined {
    return this.#state === "active" ? this.#lastAt + this.endTimeoutMs : undefined;
  }

  #slack(): number {
    // Up to one update interval (50 ms) of duration may not have been reported before the jump.
    return Math.round(this.clockRate * 0.05);
  }

  #begin(event: number, ts: number, duration: number, volume: number, end: boolean, now: number): void {
    this.#transition("active");
    this.#event = event;
    this.#start = ts;
    this.#segment = ts;
    this.#segmentDuration = 0;
    this.#before = 0;
    this.#update(duration, volume, now);
    this.#events.push({ type: "dtmf-start", digit: dtmfDigit(event), event, volume, timestamp: ts });
    if (end) this.#finish("end-packet");
  }

  #update(duration: number, volume: number, now: number): void {
    // Updates may arrive out of order: the duration only grows.
    if (duration > this.#segmentDuration) this.#segmentDuration = duration;
    this.#volume = volume;
    this.#lastAt = now;
  }

  #finish(endedBy: DtmfDigitEvent["endedBy"]): void {
    this.#transition("ended");
    const duration = this.#before + this.#segmentDuration;
    this.#events.push({
      type: "dtmf",
      digit: dtmfDigit(this.#event),
      event: this.#event,
      duration,
      durationMs: (duration * 1000) / this.clockRate,
      volume: this.#volume,
      timestamp: this.#start,
      endedBy,
    });
    this.#ended.push(this.#segment);
    if (this.#start !== this.#segment) this.#ended.push(this.#start);
    while (this.#ended.length > REMEMBER) this.#ended.shift();
  }

  #transition(to: DtmfReceiverState): void {
    const from = this.#state;
    switch (to) {
      case "active":
        // From idle or ended (a new event), or from active via #finish first.
        if (from === "active") throw new Error("DTMF receiver: begin while active");
        break;
      case "ended":
        if (from !== "active") throw new Error(`DTMF receiver: end from ${from}`);
        break;
      case "idle":
        throw new Error("DTMF receiver: idle is only the initial state");
      default:
        assertNever(to);
    }
    this.#state = to;
  }
}

// Signed difference of two 32-bit RTP timestamps.
function diff(a: number, b: number): number {
  return ((a - b) | 0);
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${String(x)}`);
}
