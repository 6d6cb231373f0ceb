import { RtpReceiveStats } from "../rtp/index.ts";
import type { AudioCodec, AudioDecoder } from "./audio-codec.ts";
import type { JitterBufferOptions } from "./jitter-buffer.ts";
import { AudioPlayout } from "./playout.ts";
import { Resampler } from "./resample.ts";

/**
 * One synchronization source of the peer as we receive it (RFC 3550 §8: a stream is known by its
 * SSRC): its RFC 3550 A.1/A.3/A.8 statistics, its playout (jitter buffer, decoder, concealment,
 * resampling to the application's rate) and the facts RTCP gives about it (CNAME, last SR).
 */

/** An audio format we can receive: a negotiated payload type with its codec plug. */
export interface ReceiveFormat {
  readonly payloadType: number;
  readonly codec: AudioCodec;
  /** The peer's format parameters, for the decoder (Opus `sprop-*`). */
  readonly fmtp: string | undefined;
}

/** What a source's playout is built from. */
export interface PlayoutConfig {
  readonly ptimeMs: number;
  /** The application's PCM rate; undefined: the decoder's own. */
  readonly sampleRate: number | undefined;
  readonly telephoneEventPayloadType: number | undefined;
  readonly comfortNoisePayloadType: number | undefined;
  readonly jitterBuffer: Omit<JitterBufferOptions, "clockRate" | "ptimeMs" | "telephoneEventPayloadType" | "comfortNoisePayloadType" | "packetDuration">;
}

/** A peer's source; see the module comment. */
export class RtpSource {
  readonly ssrc: number;
  readonly stats: RtpReceiveStats;
  /** The audio format being played, and its playout. */
  format: ReceiveFormat | undefined;
  playout: AudioPlayout | undefined;
  #decoder: AudioDecoder | undefined;
  #resampler: Resampler | undefined;
  /** Arrival time of the last packet, ms. */
  lastAt: number;
  /** The last in-order audio packet: timestamp and arrival, for timestamp jumps. */
  lastAudioTs = 0;
  lastAudioAt = -1;
  /** Highest extended sequence number seen (for the loss-pattern tracker). */
  highestSeq = -1;
  /** The peer said BYE for this SSRC (RFC 3550 §6.6). */
  bye = false;
  cname: string | undefined;

  constructor(ssrc: number, clockRate: number, now: number) {
    this.ssrc = ssrc >>> 0;
    this.stats = new RtpReceiveStats(ssrc, { clockRate });
    this.lastAt = now;
  }

  /**
   * The extended sequence number of `seq` (16 bits), relative to the highest seen; advances the
   * highest when it is newer.
   */
  extend(seq: number): number {
    if (this.highestSeq < 0) {
      this.highestSeq = (seq & 0xffff) + 0x10000;
      return this.highestSeq;
    }
    const h = this.highestSeq;
    const ext = h + ((((seq - h) & 0xffff) ^ 0x8000) - 0x8000);
    if (ext > h) this.highestSeq = ext;
    return ext;
  }

  /** Plays `format` from now on: a new decoder and jitter buffer (codec change, or the first packet). */
  play(format: ReceiveFormat, config: PlayoutConfig): void {
    this.#decoder?.close?.();
    const codec = format.codec;
    const decoder = codec.createDecoder({ ptimeMs: config.ptimeMs, sampleRate: config.sampleRate, fmtp: format.fmtp });
    this.#decoder = decoder;
    this.format = format;
    const rate = config.sampleRate;
    this.#resampler = rate === undefined || rate === decoder.sampleRate ? undefined : new Resampler({ from: decoder.sampleRate, to: rate });
    this.playout = new AudioPlayout({
      ...config.jitterBuffer,
      decoder,
      clockRate: codec.clockRate,
      ptimeMs: config.ptimeMs,
      ...(config.telephoneEventPayloadType !== undefined ? { telephoneEventPayloadType: config.telephoneEventPayloadType } : {}),
      ...(config.comfortNoisePayloadType !== undefined ? { comfortNoisePayloadType: config.comfortNoisePayloadType } : {}),
      ...(codec.packetDuration ? { packetDuration: durationOf(codec, Math.round((codec.clockRate * config.ptimeMs) / 1000)) } : {}),
    });
  }

  /** The PCM rate of {@link RtpSource.toOutput}'s frames. */
  get outputRate(): number {
    return this.#resampler?.to ?? this.#decoder?.sampleRate ?? 8000;
  }

  /** Playout PCM at the application's rate. */
  toOutput(pcm: Int16Array): Int16Array {
    return this.#resampler ? this.#resampler.process(pcm) : pcm;
  }

  /** Frees the decoder. */
  close(): void {
    this.#decoder?.close?.();
    this.#decoder = undefined;
  }
}

// The codec's idea of a payload's duration, or one frame when it cannot tell.
function durationOf(codec: AudioCodec, frame: number): (p: { readonly payload: Uint8Array }) => number {
  const f = codec.packetDuration!;
  return (p) => f(p.payload) || frame;
}
