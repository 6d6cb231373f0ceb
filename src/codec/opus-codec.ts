import { OpusError, opusErrorCode } from "./opus-errors.ts";
import { OPUS_MAX_FRAME, OPUS_MAX_PACKET, opusLibrary } from "./opus-wasm.ts";
import type { OpusLibrary } from "./opus-wasm.ts";

/**
 * Opus (RFC 6716) encoder and decoder on libopus in WebAssembly, for RTP (RFC 7587): 16-bit PCM
 * frames in, packets out, and back; concealment of a lost packet by libopus's PLC, or by its
 * in-band FEC when the next packet has arrived (`opus_decode` with `decode_fec = 1` on the next
 * packet, for the lost packet's duration — the use libopus documents).
 */

/** Sample rates libopus encodes from and decodes to. */
export type OpusSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;
/** Audio bandwidths (RFC 6716 §2). */
export type OpusBandwidth = "narrowband" | "mediumband" | "wideband" | "superwideband" | "fullband";

/** Options of {@link createOpusEncoder}. */
export interface OpusEncoderOptions {
  /** Rate of the PCM given to `encode`. Default 48000. */
  readonly sampleRate?: OpusSampleRate;
  /** Default 1. */
  readonly channels?: 1 | 2;
  /** `voip` (default: speech, with FEC and DTX worth having), `audio`, or `lowdelay`. */
  readonly application?: "voip" | "audio" | "lowdelay";
  /** Target bitrate in bit/s (500..512000), or `"auto"` (libopus chooses; default) or `"max"`. */
  readonly bitrate?: number | "auto" | "max";
  /** In-band FEC (RFC 7587 `useinbandfec`): LBRR copies of each frame in the next packet. Default false. */
  readonly fec?: boolean;
  /** Expected packet loss in percent (0..100); FEC is only spent when it is above 0. Default 10 with FEC, else 0. */
  readonly packetLossPercent?: number;
  /** Discontinuous transmission (RFC 7587 `usedtx`). Default false. */
  readonly dtx?: boolean;
  /** Constant bitrate (RFC 7587 `cbr`). Default false (VBR). */
  readonly cbr?: boolean;
  /** 0..10; CPU against quality. Default libopus's (9). */
  readonly complexity?: number;
  /** Highest bandwidth to code (RFC 7587 `maxplaybackrate` maps onto it). Default fullband. */
  readonly maxBandwidth?: OpusBandwidth;
  /** Frame duration: 2.5, 5, 10, 20 (default), 40 or 60 ms. */
  readonly frameMs?: 2.5 | 5 | 10 | 20 | 40 | 60;
}

/** Options of {@link createOpusDecoder}. */
export interface OpusDecoderOptions {
  /** Rate of the PCM `decode` returns (libopus resamples internally). Default 48000. */
  readonly sampleRate?: OpusSampleRate;
  /** Default 1. */
  readonly channels?: 1 | 2;
}

// opus_defines.h request and value codes.
const CTL = {
  SET_BITRATE: 4002, SET_MAX_BANDWIDTH: 4004, SET_VBR: 4006, SET_COMPLEXITY: 4010,
  SET_INBAND_FEC: 4012, SET_PACKET_LOSS_PERC: 4014, SET_DTX: 4016,
  GET_LOOKAHEAD: 4027, GET_LAST_PACKET_DURATION: 4039,
} as const;
const APPLICATION = { voip: 2048, audio: 2049, lowdelay: 2051 } as const;
const BANDWIDTH = { narrowband: 1101, mediumband: 1102, wideband: 1103, superwideband: 1104, fullband: 1105 } as const;
const OPUS_AUTO = -1000;
const OPUS_BITRATE_MAX = -1;
const RATES = new Set([8000, 12000, 16000, 24000, 48000]);

// States not closed by their owner are freed when collected.
const registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry<number>((ptr) => opusLibrary().e.free(ptr)) : undefined;

function check(ret: number, what: string): number {
  if (ret < 0) throw new OpusError(opusErrorCode(ret), `libopus ${what}: ${opusErrorCode(ret)}`);
  return ret;
}

/**
 * A libopus state in Wasm memory: allocated once, freed by `close()` (or, as a safety net, when the
 * owner is collected). Shared by the encoder and the decoder.
 */
abstract class OpusState {
  readonly #lib: OpusLibrary;
  #st: number;

  protected constructor(size: number, what: string) {
    this.#lib = opusLibrary();
    this.#st = this.#lib.e.malloc(size);
    if (!this.#st) throw new OpusError("ALLOC_FAIL", `libopus: no memory for ${what}`);
    registry?.register(this, this.#st, this);
  }

  /** The library, for subclasses. @internal */
  protected get lib(): OpusLibrary {
    return this.#lib;
  }

  /** The state's address; throws `CLOSED` after {@link OpusState.close}. */
  protected live(): number {
    if (!this.#st) throw new OpusError("CLOSED", `${this.constructor.name} is closed`);
    return this.#st;
  }

  /** Frees the libopus state; later calls throw `CLOSED`. */
  close(): void {
    if (this.#st) {
      registry?.unregister(this);
      this.#lib.e.free(this.#st);
      this.#st = 0;
    }
  }
}

/** An Opus encoder; see {@link createOpusEncoder}. */
export class OpusEncoder extends OpusState {
  readonly sampleRate: OpusSampleRate;
  readonly channels: 1 | 2;
  /** Samples per channel in one frame (`frameMs` at `sampleRate`). */
  readonly frameSamples: number;

  constructor(options: OpusEncoderOptions = {}) {
    const rate = options.sampleRate ?? 48000;
    const channels = options.channels ?? 1;
    const frameMs = options.frameMs ?? 20;
    if (!RATES.has(rate)) throw new OpusError("BAD_OPTION", `Opus encodes at 8, 12, 16, 24 or 48 kHz, not ${rate}`);
    if (channels !== 1 && channels !== 2) throw new OpusError("BAD_OPTION", "Opus channels must be 1 or 2");
    if (![2.5, 5, 10, 20, 40, 60].includes(frameMs)) throw new OpusError("BAD_OPTION", `Opus frames are 2.5..60 ms, not ${frameMs}`);
    super(opusLibrary().e.opus_encoder_get_size(channels), "an encoder");
    this.sampleRate = rate;
    this.channels = channels;
    this.frameSamples = (rate * frameMs) / 1000;
    try {
      check(this.lib.e.opus_encoder_init(this.live(), rate, channels, APPLICATION[options.application ?? "voip"]), "encoder init");
      const bitrate = options.bitrate ?? "auto";
      this.setBitrate(bitrate);
      if (options.complexity !== undefined) this.#ctl(CTL.SET_COMPLEXITY, options.complexity, 0, 10);
      if (options.cbr) this.#ctl(CTL.SET_VBR, 0, 0, 1);
      if (options.dtx) this.#ctl(CTL.SET_DTX, 1, 0, 1);
      if (options.maxBandwidth) this.#ctl(CTL.SET_MAX_BANDWIDTH, BANDWIDTH[options.maxBandwidth], 1101, 1105);
      this.setFec(options.fec ?? false, options.packetLossPercent ?? (options.fec ? 10 : 0));
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Changes the target bitrate (e.g. after an RTCP report or a re-INVITE's `maxaveragebitrate`). */
  setBitrate(bitrate: number | "auto" | "max"): void {
    const v = bitrate === "auto" ? OPUS_AUTO : bitrate === "max" ? OPUS_BITRATE_MAX : bitrate;
    if (typeof bitrate === "number" && !(Number.isInteger(bitrate) && bitrate >= 500 && bitrate <= 512_000)) {
      throw new OpusError("BAD_OPTION", "Opus bitrate must be an integer 500..512000 bit/s");
    }
    this.#ctl(CTL.SET_BITRATE, v, -1000, 512_000);
  }

  /** Turns in-band FEC on or off, with the packet loss (percent) it should protect against. */
  setFec(on: boolean, packetLossPercent: number): void {
    this.#ctl(CTL.SET_INBAND_FEC, on ? 1 : 0, 0, 1);
    this.#ctl(CTL.SET_PACKET_LOSS_PERC, Math.round(packetLossPercent), 0, 100);
  }

  /** Samples per channel of look-ahead (the codec's algorithmic delay beyond the frame). */
  get lookahead(): number {
    return this.lib.e.opus_encoder_ctl_get(this.live(), CTL.GET_LOOKAHEAD);
  }

  /**
   * Encodes one frame (`frameSamples × channels` interleaved samples) into `dst[offset]`; returns
   * the packet's length (1 or 2 bytes in DTX silence, which RFC 7587 §3.3 says need not be sent).
   */
  encodeInto(pcm: Int16Array, dst: Uint8Array, offset = 0): number {
    const st = this.live();
    const lib = this.lib;
    if (pcm.length !== this.frameSamples * this.channels) {
      throw new OpusError("BAD_OPTION", `Opus frame must hold ${this.frameSamples * this.channels} samples, got ${pcm.length}`);
    }
    lib.i16().set(pcm, lib.pcmPtr >> 1);
    const n = check(lib.e.opus_encode(st, lib.pcmPtr, this.frameSamples, lib.packetPtr, OPUS_MAX_PACKET), "encode");
    if (offset < 0 || offset + n > dst.length) throw new OpusError("BUFFER_TOO_SMALL", "Opus packet destination too small");
    dst.set(lib.u8().subarray(lib.packetPtr, lib.packetPtr + n), offset);
    return n;
  }

  /** Encodes one frame into a new packet. */
  encode(pcm: Int16Array): Uint8Array {
    const out = new Uint8Array(OPUS_MAX_PACKET);
    return out.slice(0, this.encodeInto(pcm, out, 0));
  }

  #ctl(request: number, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new OpusError("BAD_OPTION", `Opus CTL ${request}: value ${value} out of range`);
    }
    check(this.lib.e.opus_encoder_ctl_set(this.live(), request, value), `CTL ${request}`);
  }
}

/**
 * An Opus decoder; see {@link createOpusDecoder}. Its `decode` and `conceal` fit the media
 * layer's `PlayoutDecoder`, so it plugs into the jitter buffer's playout directly.
 */
export class OpusDecoder extends OpusState {
  readonly sampleRate: OpusSampleRate;
  readonly channels: 1 | 2;
  /** Packets libopus refused as corrupt (decoded as concealment instead). */
  invalidPackets = 0;

  constructor(options: OpusDecoderOptions = {}) {
    const rate = options.sampleRate ?? 48000;
    const channels = options.channels ?? 1;
    if (!RATES.has(rate)) throw new OpusError("BAD_OPTION", `Opus decodes to 8, 12, 16, 24 or 48 kHz, not ${rate}`);
    if (channels !== 1 && channels !== 2) throw new OpusError("BAD_OPTION", "Opus channels must be 1 or 2");
    super(opusLibrary().e.opus_decoder_get_size(channels), "a decoder");
    this.sampleRate = rate;
    this.channels = channels;
    const ret = this.lib.e.opus_decoder_init(this.live(), rate, channels);
    if (ret < 0) {
      this.close();
      check(ret, "decoder init");
    }
  }

  /**
   * Decodes one packet into interleaved PCM (a new array). A corrupt or oversized packet gives an
   * empty array and counts in `invalidPackets`: network input never throws.
   */
  decode(packet: Uint8Array): Int16Array {
    if (packet.length === 0 || packet.length > OPUS_MAX_PACKET) {
      this.invalidPackets++;
      return new Int16Array(0);
    }
    return this.#run(packet, OPUS_MAX_FRAME, 0) ?? new Int16Array(0);
  }

  /**
   * Audio for a lost packet of `samples` per channel (a multiple of 2.5 ms at `sampleRate`):
   * recovered from the in-band FEC of `next` (the packet after the gap) when given and it
   * carries FEC, else libopus's PLC (which it also falls back to by itself).
   */
  conceal(samples: number, next?: Uint8Array): Int16Array {
    const quantum = this.sampleRate / 400;
    if (!Number.isInteger(samples) || samples <= 0 || samples > OPUS_MAX_FRAME || samples % quantum !== 0) {
      throw new OpusError("BAD_OPTION", `Opus concealment is a multiple of 2.5 ms up to 120 ms, not ${samples} samples`);
    }
    if (next && next.length > 0 && next.length <= OPUS_MAX_PACKET) {
      const pcm = this.#run(next, samples, 1);
      if (pcm) return pcm;
    }
    return this.#run(undefined, samples, 0) ?? new Int16Array(samples * this.channels);
  }

  /** Duration in samples per channel of the last packet decoded (or concealed). */
  get lastPacketDuration(): number {
    return this.lib.e.opus_decoder_ctl_get(this.live(), CTL.GET_LAST_PACKET_DURATION);
  }

  #run(packet: Uint8Array | undefined, frameSize: number, fec: 0 | 1): Int16Array | undefined {
    const st = this.live();
    const lib = this.lib;
    let data = 0;
    if (packet) {
      lib.u8().set(packet, lib.packetPtr);
      data = lib.packetPtr;
    }
    const n = lib.e.opus_decode(st, data, packet?.length ?? 0, lib.pcmPtr, frameSize, fec);
    if (n < 0) {
      this.invalidPackets++;
      return undefined;
    }
    const start = lib.pcmPtr >> 1;
    return lib.i16().slice(start, start + n * this.channels);
  }
}

/** A new Opus encoder. Throws {@link OpusError} `BAD_OPTION` for options libopus cannot take. */
export function createOpusEncoder(options: OpusEncoderOptions = {}): OpusEncoder {
  return new OpusEncoder(options);
}

/** A new Opus decoder. Throws {@link OpusError} `BAD_OPTION` for options libopus cannot take. */
export function createOpusDecoder(options: OpusDecoderOptions = {}): OpusDecoder {
  return new OpusDecoder(options);
}
