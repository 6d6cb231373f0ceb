import {
  createG722Encoder,
  createOpusDecoder,
  createOpusEncoder,
  writeG711,
  decodeG711,
  opusDecoderOptionsFromFmtp,
  opusEncoderOptionsFromFmtp,
  opusPacketSamples,
  parseOpusFmtp,
} from "../codec/index.ts";
import type { G711Law, OpusSampleRate } from "../codec/index.ts";
import { createG722PlayoutDecoder } from "./g722-decoder.ts";
import { pcmBuffer } from "./packet-slab.ts";
import type { PlayoutDecoder } from "./playout.ts";
import type { CodecImpairment, CodecName } from "./quality.ts";

/**
 * The codecs an RTP session can send and receive, as plugs: a codec names its RTP format (the
 * `a=rtpmap` encoding name and clock rate) and makes encoders and decoders for one stream. The
 * session picks the first negotiated format it has a plug for, so a new codec (G.722, …) slots in
 * by adding its plug to the list given as `codecs` — nothing else in the media layer names a
 * codec.
 */

/** How a stream uses a codec: its packetization and the peer's format parameters. */
export interface AudioCodecParameters {
  /** Packetization time, ms (RFC 8866 §6.4 `a=ptime`). */
  readonly ptimeMs: number;
  /**
   * The PCM rate the application works at. A codec that can take it directly (Opus codes from
   * and decodes to 8, 12, 16, 24 or 48 kHz) uses it; otherwise the session resamples.
   */
  readonly sampleRate?: number;
  /** The peer's format parameters (`a=fmtp`): what it wants to receive. */
  readonly fmtp?: string | undefined;
}

/** One stream's encoder. */
export interface AudioEncoder {
  /** The PCM rate `encode` takes, Hz. */
  readonly sampleRate: number;
  /** Samples (mono) in one frame of the stream's ptime at `sampleRate`. */
  readonly frameSamples: number;
  /** The largest payload `encode` writes, bytes. */
  readonly maxPayload: number;
  /**
   * Encodes one frame of `frameSamples` samples into `dst` at `offset`; returns the payload's
   * length, or 0 when there is nothing worth sending (a DTX frame: RFC 7587 §3.3).
   */
  encode(pcm: Int16Array, dst: Uint8Array, offset: number): number;
  /** Frees what the encoder holds (a libopus state); optional. */
  close?(): void;
}

/** One stream's decoder: the playout's decoder, plus a way to free it. */
export interface AudioDecoder extends PlayoutDecoder {
  close?(): void;
}

/** A codec plug. */
export interface AudioCodec {
  /** Encoding name as in `a=rtpmap` (`PCMU`, `opus`, `G722`), compared case-insensitively. */
  readonly name: string;
  /** RTP timestamp rate, Hz (G.722: 8000, RFC 3551 §4.5.2; Opus: 48000, RFC 7587 §4.1). */
  readonly clockRate: number;
  /** Channels as written in `a=rtpmap` (Opus: 2, RFC 7587 §7); 1 when omitted. */
  readonly channels?: number;
  /** The static payload type (RFC 3551 Table 4), if it has one. */
  readonly payloadType?: number;
  /** The PCM rate of its audio when the application does not ask for another, Hz. */
  readonly sampleRate: number;
  /** Packetizations it can do, ms; the first is its default. Absent: any multiple of 10 ms. */
  readonly ptimes?: readonly number[];
  /** Our format parameters, offered in `a=fmtp` (what we want to receive). */
  readonly fmtp?: string;
  /** Its E-model values (ITU-T G.113 Appendix I), for the call-quality estimate. */
  readonly impairment?: CodecName | CodecImpairment;
  /** Algorithmic delay (look-ahead), ms, for the call-quality estimate. */
  readonly delayMs?: number;
  /**
   * Which packet-loss concealment its decoder does, for RTCP XR's receiver configuration (RFC 3611
   * §4.7.6): `standard` (replay or interpolation of the last audio, as the media layer's
   * pitch-repetition concealer) or `enhanced` (a model-based one, such as Opus's).
   */
  readonly concealment?: "standard" | "enhanced";
  createEncoder(parameters: AudioCodecParameters): AudioEncoder;
  createDecoder(parameters: AudioCodecParameters): AudioDecoder;
  /** Timestamp units a payload covers, when the codec can tell (G.711: its length); 0 if unknown. */
  packetDuration?(payload: Uint8Array): number;
}

/** The frame length of `ptimeMs` at `rate`, checked to be whole samples. */
function samplesPer(rate: number, ptimeMs: number): number {
  return Math.round((rate * ptimeMs) / 1000);
}

function g711(name: "PCMU" | "PCMA", law: G711Law, payloadType: 0 | 8, impairment: CodecName): AudioCodec {
  return {
    name,
    clockRate: 8000,
    payloadType,
    sampleRate: 8000,
    impairment,
    delayMs: 0,
    concealment: "standard",
    createEncoder(p) {
      const frameSamples = samplesPer(8000, p.ptimeMs);
      return {
        sampleRate: 8000,
        frameSamples,
        maxPayload: frameSamples,
        encode(pcm, dst, offset) {
          return writeG711(law, pcm, dst, offset);
        },
      };
    },
    createDecoder() {
      return { sampleRate: 8000, decode: (payload) => decodeG711(law, payload, pcmBuffer(payload.length)) };
    },
    // RFC 3551 §4.5.14: one octet per sample.
    packetDuration: (payload) => payload.length,
  };
}

/** G.711 μ-law (RFC 3551 §4.5.14), static payload type 0. */
export const PCMU: AudioCodec = g711("PCMU", "ulaw", 0, "pcmu");

/** G.711 A-law (RFC 3551 §4.5.14), static payload type 8. */
export const PCMA: AudioCodec = g711("PCMA", "alaw", 8, "pcma");

/**
 * G.722 (RFC 3551 §4.5.2): 16 kHz audio at 64 kbit/s, static payload type 9, whose RTP clock runs
 * at 8000 Hz although it samples at 16000 ("an error in the original specification" kept for
 * compatibility): one timestamp unit per octet, two samples per unit.
 */
export const G722: AudioCodec = {
  name: "G722",
  clockRate: 8000,
  payloadType: 9,
  sampleRate: 16000,
  impairment: "g722",
  delayMs: 1.5,
  concealment: "standard",
  createEncoder(p) {
    const enc = createG722Encoder();
    const frameSamples = samplesPer(16000, p.ptimeMs);
    return {
      sampleRate: 16000,
      frameSamples,
      maxPayload: frameSamples >> 1,
      encode(pcm, dst, offset) {
        const n = pcm.length >> 1;
        enc.encode(pcm, dst.subarray(offset, offset + n));
        return n;
      },
      close: () => enc.close(),
    };
  },
  createDecoder: () => createG722PlayoutDecoder(),
  packetDuration: (payload) => payload.length,
};

const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;

function opusRate(rate: number | undefined): OpusSampleRate {
  return (OPUS_RATES as readonly number[]).includes(rate ?? 0) ? (rate as OpusSampleRate) : 48000;
}

/**
 * Opus (RFC 7587) in mono: `opus/48000/2` in SDP whatever the channels coded (§7), the encoder set
 * from the peer's `a=fmtp` (maxaveragebitrate, useinbandfec, usedtx, cbr, maxplaybackrate: RFC 7587
 * §7.1), PCM at the application's rate when libopus takes it (no resampling), concealment by
 * libopus (PLC, or in-band FEC from the next packet).
 */
export const OPUS: AudioCodec = {
  name: "opus",
  clockRate: 48000,
  channels: 2,
  sampleRate: 48000,
  ptimes: [20, 10, 40, 60],
  fmtp: "useinbandfec=1",
  impairment: "opus-fec",
  delayMs: 6.5,
  concealment: "enhanced",
  createEncoder(p) {
    const sampleRate = opusRate(p.sampleRate);
    const remote = parseOpusFmtp(p.fmtp ?? "");
    const frameMs = [10, 20, 40, 60].includes(p.ptimeMs) ? (p.ptimeMs as 10 | 20 | 40 | 60) : 20;
    const enc = createOpusEncoder({ ...opusEncoderOptionsFromFmtp(remote), channels: 1, sampleRate, frameMs });
    return {
      sampleRate,
      frameSamples: enc.frameSamples,
      maxPayload: 1275 * 3,
      encode(pcm, dst, offset) {
        const n = enc.encodeInto(pcm, dst, offset);
        // RFC 7587 §3.3: a DTX frame of 1 or 2 bytes need not be sent.
        return n <= 2 && remote.useDtx ? 0 : n;
      },
      close: () => enc.close(),
    };
  },
  createDecoder(p) {
    const options = opusDecoderOptionsFromFmtp(parseOpusFmtp(p.fmtp ?? ""), opusRate(p.sampleRate));
    return createOpusDecoder({ ...options, channels: 1 });
  },
  packetDuration: (payload) => opusPacketSamples(payload, 48000),
};

/** The codec plugs a session knows by default, in our order of preference: wideband first. */
export const DEFAULT_AUDIO_CODECS: readonly AudioCodec[] = [OPUS, G722, PCMU, PCMA];

/** The plug for an `a=rtpmap` encoding name and clock rate, if the list has one. */
export function findAudioCodec(codecs: readonly AudioCodec[], name: string, clockRate: number): AudioCodec | undefined {
  const lower = name.toLowerCase();
  return codecs.find((c) => c.clockRate === clockRate && c.name.toLowerCase() === lower);
}

/** The ptime a codec sends at: the peer's `a=ptime` when the codec can do it, else its default. */
export function codecPtime(codec: AudioCodec, ptime: number | undefined, maxptime?: number): number {
  const allowed = codec.ptimes;
  let p = ptime ?? (allowed ? allowed[0]! : 20);
  if (allowed && !allowed.includes(p)) p = allowed[0]!;
  if (!allowed && (!(p >= 10 && p <= 200) || p % 10 !== 0)) p = 20;
  if (maxptime !== undefined && p > maxptime) {
    // RFC 8866 §6.5: never more than maxptime; fall back to the largest allowed that fits.
    const fit = (allowed ?? [10, 20, 30, 40, 50, 60]).filter((x) => x <= maxptime);
    if (fit.length > 0) p = Math.max(...fit);
  }
  return p;
}
