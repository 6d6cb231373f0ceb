import { encodeComfortNoise, telephoneEventPackets, writeTelephoneEvent } from "../codec/index.ts";
import type { TelephoneEventPacket } from "../codec/index.ts";
import { writeRtpHeader } from "../rtp/index.ts";
import type { RtpHeader } from "../rtp/index.ts";
import type { AudioEncoder } from "./audio-codec.ts";
import { packetBuffer } from "./packet-slab.ts";
import { PcmFifo } from "./pcm-fifo.ts";
import { Resampler } from "./resample.ts";
import { rms } from "./tone-analysis.ts";

/**
 * The sending half of an RTP session: one frame per media-clock tick, encoded with the negotiated
 * codec into an RTP packet (RFC 3550 §5.1: the sequence number goes up by one per packet, the
 * timestamp by the samples of each frame whether it is sent or not, one random SSRC), the marker
 * bit on the first packet of each talkspurt (RFC 3551 §4.1), RFC 4733 telephone events in place of
 * audio while a digit is being sent (RFC 4733 §2.2 lets a source "block outgoing audio while event
 * reporting is in progress"), and RFC 3389 comfort noise instead of silent frames when the peer
 * accepts CN.
 */

/** The format the sender encodes. */
export interface SendFormat {
  readonly encoder: AudioEncoder;
  readonly payloadType: number;
  readonly clockRate: number;
  /** Timestamp units per frame (ptime at the RTP clock; G.722's is half its samples). */
  readonly frameTimestamp: number;
  readonly ptimeMs: number;
  /** telephone-event (RFC 4733), when negotiated at the audio's clock rate. */
  readonly telephoneEvent?: { readonly payloadType: number; readonly events: readonly number[] } | undefined;
  /** CN (RFC 3389), when negotiated. */
  readonly comfortNoisePayloadType?: number | undefined;
}

/** One digit (or event) to send. */
export interface DtmfTone {
  readonly event: number;
  readonly durationMs: number;
  /** −dBm0, 0..63. */
  readonly volume: number;
}

/** Where the sender hands its packets: `packet[0, length)`, with room after it for SRTP. */
export type PacketSink = (packet: Uint8Array, length: number) => void;

type MutableHeader = { -readonly [K in keyof RtpHeader]: RtpHeader[K] };

/** Frames below this level (dBov) are silence when comfort noise replaces them. */
const SILENCE_DBOV = -55;
/** How often comfort noise is refreshed during a silence, ms. */
const CN_REFRESH_MS = 1000;
/** Pause between two queued digits, ms. */
const DTMF_GAP_MS = 60;
const NO_COEFFICIENTS = new Uint8Array(0);
/** Most digits queued at once. */
const MAX_DTMF_QUEUE = 64;

/** The sender; see the module comment. */
export class RtpSender {
  #format: SendFormat;
  readonly #sink: PacketSink;
  readonly #header: MutableHeader;
  #fifo: PcmFifo;
  readonly #queueMs: number;
  #appRate: number;
  #resampler: Resampler | undefined;
  #frame: Int16Array;
  #silence: Int16Array;
  #marker = true;
  // Telephone events.
  readonly #dtmf: DtmfTone[] = [];
  #event: TelephoneEventPacket[] | undefined;
  #eventAt = 0; // index of the next packet of #event
  #eventStart = 0; // tick time the event began
  #dtmfQuietUntil = 0;
  // Comfort noise.
  #silentSince = -1;
  #cnSentAt = -Infinity;
  // For sender reports.
  #lastTs = 0;
  #lastAt = 0;
  /** Bytes of room the sink needs after each packet (the SRTP tag). */
  overhead = 0;
  packetsSent = 0;
  octetsSent = 0;
  /** Samples refused by {@link RtpSender.write} because the queue was full. */
  refusedSamples = 0;

  constructor(format: SendFormat, o: { ssrc: number; sequenceNumber: number; timestamp: number; sampleRate: number; queueMs: number; sink: PacketSink }) {
    this.#format = format;
    this.#sink = o.sink;
    this.#queueMs = o.queueMs;
    this.#appRate = o.sampleRate;
    this.#header = {
      padding: false,
      marker: false,
      payloadType: format.payloadType,
      sequenceNumber: o.sequenceNumber & 0xffff,
      timestamp: o.timestamp >>> 0,
      ssrc: o.ssrc >>> 0,
      csrcs: [],
      extension: undefined,
    };
    this.#fifo = new PcmFifo(0);
    this.#frame = this.#silence = new Int16Array(0);
    this.#setup();
  }

  /** Our SSRC. */
  get ssrc(): number {
    return this.#header.ssrc;
  }

  get format(): SendFormat {
    return this.#format;
  }

  /** Audio queued for sending, ms. */
  get queuedMs(): number {
    return (this.#fifo.length * 1000) / this.#format.encoder.sampleRate;
  }

  /** The PCM rate {@link RtpSender.write} takes. */
  get sampleRate(): number {
    return this.#appRate;
  }

  #setup(): void {
    const enc = this.#format.encoder;
    this.#fifo = new PcmFifo((enc.sampleRate * this.#queueMs) / 1000);
    this.#frame = new Int16Array(enc.frameSamples);
    this.#silence = new Int16Array(enc.frameSamples);
    this.#resampler = this.#appRate === enc.sampleRate ? undefined : new Resampler({ from: this.#appRate, to: enc.sampleRate });
  }

  /** A new format (re-INVITE); the queued audio is dropped when its rate changes. */
  setFormat(format: SendFormat, sampleRate: number): void {
    const old = this.#format;
    this.#format = format;
    this.#header.payloadType = format.payloadType;
    if (old.encoder.sampleRate !== format.encoder.sampleRate || sampleRate !== this.#appRate || old.encoder.frameSamples !== format.encoder.frameSamples) {
      this.#appRate = sampleRate;
      this.#setup();
    }
    this.#marker = true;
  }

  /** Starts a new source: SSRC, and random sequence number and timestamp (RFC 3550 §5.1). */
  restart(ssrc: number, sequenceNumber: number, timestamp: number): void {
    this.#header.ssrc = ssrc >>> 0;
    this.#header.sequenceNumber = sequenceNumber & 0xffff;
    this.#header.timestamp = timestamp >>> 0;
    this.#marker = true;
    this.#event = undefined;
  }

  /** Queues PCM at {@link RtpSender.sampleRate}; returns the samples taken (the rest did not fit). */
  write(samples: Int16Array): number {
    const r = this.#resampler;
    if (r === undefined) {
      const n = this.#fifo.write(samples);
      this.refusedSamples += samples.length - n;
      return n;
    }
    // Input samples whose output fits; a margin for the few the filter's state may add on top.
    const fits = Math.floor(((this.#fifo.capacity - this.#fifo.length) * r.from) / r.to);
    const take = Math.min(samples.length, Math.max(0, fits - 64));
    this.#fifo.write(r.process(take === samples.length ? samples : samples.subarray(0, take)));
    this.refusedSamples += samples.length - take;
    return take;
  }

  /** Drops the queued audio. */
  clearAudio(): void {
    this.#fifo.clear();
  }

  /** Queues digits (RFC 4733); false when telephone-event is not negotiated or the queue is full. */
  queueDtmf(tones: readonly DtmfTone[]): boolean {
    const te = this.#format.telephoneEvent;
    if (!te || this.#dtmf.length + tones.length > MAX_DTMF_QUEUE) return false;
    if (!tones.every((t) => te.events.includes(t.event))) return false;
    this.#dtmf.push(...tones);
    return true;
  }

  /** Digits waiting or being sent. */
  get dtmfPending(): number {
    return this.#dtmf.length + (this.#event ? 1 : 0);
  }

  /** The RTP timestamp that corresponds to `now` (for an SR, RFC 3550 §6.4.1). */
  timestampAt(now: number): number {
    return (this.#lastTs + Math.round(((now - this.#lastAt) * this.#format.clockRate) / 1000)) >>> 0;
  }

  /**
   * One media-clock tick at `now`: the frame for this instant goes out as audio, comfort noise or
   * telephone-event packets — or nothing, when `send` is false (hold: RFC 3264 §5.1, recvonly or
   * inactive), in which case the queued frame is dropped and the timestamp still advances.
   */
  tick(now: number, send: boolean): void {
    const f = this.#format;
    const h = this.#header;
    this.#lastTs = h.timestamp;
    this.#lastAt = now;
    if (!send) {
      this.#fifo.skip(f.encoder.frameSamples);
      this.#marker = true;
      this.#advance();
      return;
    }
    if (this.#sendEvent(now)) {
      this.#fifo.skip(f.encoder.frameSamples);
      this.#advance();
      return;
    }
    const frame = this.#fifo.read(this.#frame) ? this.#frame : this.#silence;
    if (f.comfortNoisePayloadType !== undefined && this.#silent(frame)) {
      this.#comfortNoise(now, frame, f.comfortNoisePayloadType);
      this.#advance();
      return;
    }
    this.#silentSince = -1;
    const buf = packetBuffer(12 + f.encoder.maxPayload + this.overhead);
    const n = f.encoder.encode(frame, buf, 12);
    if (n > 0) {
      h.marker = this.#marker;
      this.#emit(buf, n);
      this.#marker = false;
    } else {
      // Nothing sent (DTX): the next packet starts a talkspurt.
      this.#marker = true;
    }
    this.#advance();
  }

  /** The clock jumped ahead `ticks` frames (the driver fell behind): those frames are not sent. */
  skip(ticks: number): void {
    const f = this.#format;
    this.#fifo.skip(ticks * f.encoder.frameSamples);
    this.#header.timestamp = (this.#header.timestamp + ticks * f.frameTimestamp) >>> 0;
    this.#marker = true;
  }

  #advance(): void {
    this.#header.timestamp = (this.#header.timestamp + this.#format.frameTimestamp) >>> 0;
  }

  #emit(buf: Uint8Array, payloadLength: number): void {
    writeRtpHeader(this.#header, buf, 0);
    this.#header.sequenceNumber = (this.#header.sequenceNumber + 1) & 0xffff;
    this.packetsSent++;
    // RFC 3550 §6.4.1: the octet count is of payload only.
    this.octetsSent += payloadLength;
    this.#sink(buf, 12 + payloadLength);
  }

  // Sends the telephone-event packets due at this tick; true while an event holds the stream.
  #sendEvent(now: number): boolean {
    const f = this.#format;
    const te = f.telephoneEvent;
    if (this.#event === undefined) {
      if (this.#dtmf.length === 0 || !te || now < this.#dtmfQuietUntil) return false;
      const tone = this.#dtmf.shift()!;
      this.#event = telephoneEventPackets(
        { event: tone.event, durationMs: tone.durationMs, volume: tone.volume, clockRate: f.clockRate, packetIntervalMs: f.ptimeMs },
        { timestamp: this.#header.timestamp, sequenceNumber: this.#header.sequenceNumber },
      );
      this.#eventAt = 0;
      this.#eventStart = now;
    }
    const packets = this.#event;
    const h = this.#header;
    const savedTs = h.timestamp;
    while (this.#eventAt < packets.length && packets[this.#eventAt]!.offsetMs <= now - this.#eventStart + f.ptimeMs / 2) {
      const p = packets[this.#eventAt++]!;
      const buf = packetBuffer(12 + 4 + this.overhead);
      h.payloadType = te!.payloadType;
      h.marker = p.marker;
      // RFC 4733 §2.5.1: every packet of an event carries the event's start timestamp.
      h.timestamp = p.timestamp;
      writeTelephoneEvent(p.payload, buf, 12);
      this.#emit(buf, 4);
    }
    h.payloadType = f.payloadType;
    h.timestamp = savedTs;
    if (this.#eventAt >= packets.length) {
      this.#event = undefined;
      this.#dtmfQuietUntil = now + DTMF_GAP_MS;
      // Audio after the event starts a new talkspurt.
      this.#marker = true;
    }
    return true;
  }

  #silent(frame: Int16Array): boolean {
    if (frame === this.#silence) return true;
    const level = rms(frame);
    return level === 0 || 20 * Math.log10(level / 32768) < SILENCE_DBOV;
  }

  // RFC 3389 §4: one CN packet when the silence begins, refreshed while it lasts; no audio.
  #comfortNoise(now: number, frame: Int16Array, payloadType: number): void {
    this.#marker = true;
    if (this.#silentSince >= 0 && now - this.#cnSentAt < CN_REFRESH_MS) return;
    if (this.#silentSince < 0) this.#silentSince = now;
    this.#cnSentAt = now;
    const level = rms(frame);
    // §3: the noise level in −dBov, 0..127 (127 for digital silence).
    const dbov = level > 0 ? Math.min(127, Math.max(0, Math.round(-20 * Math.log10(level / 32768)))) : 127;
    const payload = encodeComfortNoise({ level: dbov, coefficients: NO_COEFFICIENTS });
    const buf = packetBuffer(12 + payload.length + this.overhead);
    buf.set(payload, 12);
    const h = this.#header;
    const pt = h.payloadType;
    h.payloadType = payloadType;
    h.marker = false;
    this.#emit(buf, payload.length);
    h.payloadType = pt;
  }
}
