import { SsrcDemuxer } from "../rtp/index.ts";
import type { RtpHeaderReader } from "../rtp/index.ts";
import { DtmfReceiver } from "./dtmf-receiver.ts";
import type { DtmfReceiverEvent } from "./dtmf-receiver.ts";
import type { PcmFrame } from "./pcm-stream.ts";
import type { PlayoutConfig, ReceiveFormat } from "./rtp-source.ts";
import { RtpSource } from "./rtp-source.ts";
import { BurstGapTracker } from "./voip-metrics.ts";
import type { BurstGapMetrics } from "./voip-metrics.ts";

/**
 * The receiving half of an RTP session: packets that passed the source-address and SRTP checks
 * come here with their parsed header. Their payload type must be one negotiated (an audio format,
 * telephone-event or CN); their SSRC routes them (RFC 3550 §8) to the source being played. A
 * packet from another SSRC starts a candidate, which replaces the played source once it has passed
 * RFC 3550 A.1's probation (two packets in sequence) and the played one has gone quiet or said BYE —
 * the peer restarted its stream, or a new party took over (transfer, re-INVITE); the playout starts
 * afresh and the change is counted. One candidate at a time: a stream of packets each with its own
 * SSRC only ever replaces the candidate, so memory stays bounded. A timestamp that jumps against
 * the arrival clock (by more than a second) restarts the playout too.
 */

/** The receive side of a negotiation. */
export interface ReceiveConfig extends PlayoutConfig {
  /** Audio formats by payload type. */
  readonly formats: ReadonlyMap<number, ReceiveFormat>;
  /** telephone-event's clock rate. */
  readonly telephoneEventClockRate: number;
}

/** Counters the receiver keeps. */
export interface ReceiverCounters {
  unknownPayloadType: number;
  wrongSsrc: number;
  ssrcChanges: number;
  timestampJumps: number;
  codecChanges: number;
}

/** What the receiver tells the session. */
export type ReceiverEvent = DtmfReceiverEvent | { readonly type: "ssrc-change"; readonly previous: number; readonly ssrc: number };

/** Totals of the sources no longer played, so call figures cover the whole call. */
interface Retired {
  received: number;
  expected: number;
  late: number;
  duplicates: number;
  concealedMs: number;
}

/** A timestamp this far off the arrival clock is a jump, not jitter, ms. */
const JUMP_MS = 1000;

/** The receiver; see the module comment. */
export class RtpReceiver {
  #config: ReceiveConfig;
  readonly #demux = new SsrcDemuxer<RtpSource>();
  #active: RtpSource | undefined;
  #candidate: RtpSource | undefined;
  readonly #dtmf: DtmfReceiver;
  readonly metrics: BurstGapTracker;
  readonly #emit: (e: ReceiverEvent) => void;
  readonly counters: ReceiverCounters = { unknownPayloadType: 0, wrongSsrc: 0, ssrcChanges: 0, timestampJumps: 0, codecChanges: 0 };
  readonly #retired: Retired = { received: 0, expected: 0, late: 0, duplicates: 0, concealedMs: 0 };
  #silence: Int16Array | undefined;

  constructor(config: ReceiveConfig, emit: (e: ReceiverEvent) => void) {
    this.#config = config;
    this.#emit = emit;
    this.#dtmf = new DtmfReceiver({ clockRate: config.telephoneEventClockRate });
    this.metrics = new BurstGapTracker(config.ptimeMs);
  }

  /** The source being played. */
  get source(): RtpSource | undefined {
    return this.#active;
  }

  /** A renegotiation: new formats apply to the next packets (the playout restarts on a new one). */
  configure(config: ReceiveConfig): void {
    this.#config = config;
    const a = this.#active;
    if (a?.format && a.playout && config.formats.get(a.format.payloadType)?.codec !== a.format.codec) {
      // Its format is gone: the next packet (in a format still negotiated) starts a new playout.
      this.#retire(a, false);
      a.playout = undefined;
    }
  }

  /**
   * Takes one RTP packet (header in `h`, payload `payload`, already a copy the receiver may keep).
   * Returns false when it was refused (unknown payload type, or an SSRC that is not played).
   */
  receive(h: RtpHeaderReader, payload: Uint8Array, now: number): boolean {
    const c = this.#config;
    const pt = h.payloadType;
    const audio = c.formats.get(pt);
    const event = pt === c.telephoneEventPayloadType;
    if (!audio && !event && pt !== c.comfortNoisePayloadType) {
      this.counters.unknownPayloadType++;
      return false;
    }
    const src = this.#route(h, now);
    if (src === undefined) return false;
    src.lastAt = now;
    const ext = src.extend(h.sequenceNumber);
    const inOrder = ext === src.highestSeq;
    if (audio && (src.playout === undefined || src.format?.payloadType !== pt || src.format.codec !== audio.codec)) {
      // A new codec (the peer may switch among the negotiated ones): a playout for it.
      if (src.format !== undefined) this.counters.codecChanges++;
      this.#retire(src, false);
      src.play(audio, c);
    } else if (src.playout === undefined) {
      const first = c.formats.values().next().value;
      if (first === undefined) return false;
      src.play(first, c);
    }
    if (!event && inOrder) this.#checkJump(src, h.timestamp, now);
    const r = src.playout!.push(
      { sequenceNumber: h.sequenceNumber, timestamp: h.timestamp, payloadType: pt, payload, marker: h.marker },
      now,
    );
    if (r === "late") this.metrics.discarded(ext);
    else if (r !== "duplicate") this.metrics.received(ext);
    return true;
  }

  // The source a packet belongs to, with its RFC 3550 A.1 statistics updated; undefined when it
  // is not played.
  #route(h: RtpHeaderReader, now: number): RtpSource | undefined {
    const known = this.#demux.get(h.ssrc);
    let active = this.#active;
    if (active === undefined) {
      active = this.#active = new RtpSource(h.ssrc, this.#clockRate(), now);
      this.#demux.set(h.ssrc, active);
    }
    if (known === active || active.ssrc === h.ssrc) {
      active.stats.update(h.sequenceNumber, h.timestamp, now);
      return active;
    }
    let cand = known;
    if (cand === undefined) {
      // One candidate at a time: a newer SSRC replaces the previous one.
      if (this.#candidate) this.#demux.delete(this.#candidate.ssrc);
      cand = this.#candidate = new RtpSource(h.ssrc, this.#clockRate(), now);
      this.#demux.set(h.ssrc, cand);
    }
    cand.stats.update(h.sequenceNumber, h.timestamp, now);
    cand.lastAt = now;
    const quiet = active.bye || now - active.lastAt >= 3 * this.#config.ptimeMs;
    if (!cand.stats.valid || !quiet) {
      this.counters.wrongSsrc++;
      return undefined;
    }
    // RFC 3550 A.1: a source validated by its sequence replaces the one that went quiet.
    this.#retire(active, true);
    this.#demux.delete(active.ssrc);
    active.close();
    this.#candidate = undefined;
    this.#active = cand;
    this.metrics.restart();
    this.counters.ssrcChanges++;
    this.#emit({ type: "ssrc-change", previous: active.ssrc, ssrc: cand.ssrc });
    return cand;
  }

  #clockRate(): number {
    const f = this.#config.formats.values().next().value;
    return f?.codec.clockRate ?? 8000;
  }

  // Keeps the figures of a playout (or a whole source) that is going away.
  #retire(src: RtpSource, whole: boolean): void {
    const p = src.playout;
    if (p) {
      const s = p.buffer.stats;
      this.#retired.late += s.late;
      this.#retired.duplicates += s.duplicates;
      this.#retired.concealedMs += (s.concealedSamples * 1000) / p.buffer.clockRate;
    }
    if (whole) {
      this.#retired.received += src.stats.received;
      this.#retired.expected += src.stats.expected;
    }
  }

  // The timestamp moved against the arrival clock by more than JUMP_MS: a new timeline.
  #checkJump(src: RtpSource, ts: number, now: number): void {
    if (src.lastAudioAt >= 0) {
      const dts = ((((ts - src.lastAudioTs) | 0) * 1000) / src.stats.clockRate);
      if (Math.abs(dts - (now - src.lastAudioAt)) > JUMP_MS) {
        this.counters.timestampJumps++;
        src.playout!.buffer.reset();
      }
    }
    src.lastAudioTs = ts >>> 0;
    src.lastAudioAt = now;
  }

  /** RTCP BYE from `ssrc`: its source is done; a new one takes over at once. */
  bye(ssrc: number): boolean {
    const s = this.#demux.get(ssrc);
    if (s === undefined) return false;
    s.bye = true;
    return true;
  }

  /**
   * One media-clock tick: the frame to play now at the application's rate (silence before
   * anything arrived), and the telephone events that came due, through the RFC 4733 receiver.
   * With `decode` false only the events are taken (nobody listens to the audio).
   */
  tick(now: number, decode: boolean): PcmFrame | undefined {
    const src = this.#active;
    const playout = src?.playout;
    let frame: PcmFrame | undefined;
    if (playout) {
      const pulled = decode ? playout.pull(now) : undefined;
      const events = pulled ? pulled.frame.events : playout.buffer.pull(now).events;
      for (let i = 0; i < events.length; i++) this.#dtmf.handlePacket(events[i]!, now);
      if (pulled) frame = { samples: src!.toOutput(pulled.samples), sampleRate: src!.outputRate, channels: 1 };
    } else if (decode) {
      const rate = this.#config.sampleRate ?? this.#config.formats.values().next().value?.codec.sampleRate ?? 8000;
      const n = Math.round((rate * this.#config.ptimeMs) / 1000);
      if (this.#silence?.length !== n) this.#silence = new Int16Array(n);
      frame = { samples: this.#silence, sampleRate: rate, channels: 1 };
    }
    this.#dtmf.handleTimeout(now);
    for (let e; (e = this.#dtmf.pollEvent()); ) this.#emit(e);
    return frame;
  }

  /** When the DTMF receiver wants a timeout (an event whose end packets were lost). */
  pollTimeout(): number | undefined {
    return this.#dtmf.pollTimeout();
  }

  /** Reception figures of the whole call (retired sources included). */
  totals(): Retired & { jitterMs: number; jitterBufferMs: number; burstGap: BurstGapMetrics } {
    const r = this.#retired;
    const src = this.#active;
    const s = src?.playout?.buffer.stats;
    const clock = src?.playout?.buffer.clockRate ?? 8000;
    return {
      received: r.received + (src?.stats.received ?? 0),
      expected: r.expected + (src?.stats.expected ?? 0),
      late: r.late + (s?.late ?? 0),
      duplicates: r.duplicates + (s?.duplicates ?? 0),
      concealedMs: r.concealedMs + (s ? (s.concealedSamples * 1000) / clock : 0),
      jitterMs: src ? (src.stats.jitter * 1000) / src.stats.clockRate : 0,
      // The E-model's delay is what playout runs at (ITU-T G.107 Ta is a mean one-way delay),
      // not a burst just read after a stall of the process and not yet played.
      jitterBufferMs: s?.averageDelayMs ?? 0,
      burstGap: this.metrics.metrics(),
    };
  }

  /** Frees the decoders. */
  close(): void {
    this.#active?.close();
    this.#candidate?.close();
  }
}
