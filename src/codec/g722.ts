import { CodecError } from "./errors.ts";
import { check, g722Core, giveSlot, takeSlot } from "./g722-pool.ts";
import type { G722Core } from "./g722-pool.ts";

/**
 * ITU-T G.722: 7 kHz wideband audio in 64 kbit/s by sub-band ADPCM (RTP payload type 9, `G722`).
 * 16-bit PCM at 16 kHz in and out; one octet per pair of samples. RFC 3551 §4.5.2: the RTP clock
 * runs at 8000 Hz although the audio is sampled at 16000 Hz, so a 20 ms packet carries 160 octets,
 * 320 samples, and advances the timestamp by 160.
 *
 * The coder runs in the Wasm core (assembly/codec/g722*.ts), bit-exact with the ITU-T reference:
 * it reproduces sequence 2 of the Recommendation's digital test sequences (Appendix II) in every
 * mode, and FFmpeg's `adpcm_g722` output except where the transmit QMF's output leaves 15 bits,
 * which the ITU reference limits and FFmpeg does not (test/codec/g722*.test.ts). Each encoder and decoder holds one state of the
 * core's fixed pool ({@link G722_MAX_STATES}) until `close()`.
 */

/**
 * G.722's bit rates: mode 1 (64000) uses all 6 bits of the lower-band code; modes 2 (56000) and 3
 * (48000) leave its last 1 or 2 bits to an auxiliary data channel. RTP carries 64 kbit/s octets in
 * every mode; a mode 2 or 3 decoder ignores those bits, a mode 2 or 3 encoder sends them as zero.
 */
export type G722Bitrate = 64000 | 56000 | 48000;

/** Options of {@link createG722Encoder} and {@link createG722Decoder}. */
export interface G722Options {
  /** Default 64000 (mode 1). */
  readonly bitrate?: G722Bitrate;
}

/** Rate of the PCM G.722 codes, Hz. */
export const G722_SAMPLE_RATE = 16000;
/** The RTP timestamp clock of G.722, Hz (RFC 3551 §4.5.2). */
export const G722_CLOCK_RATE = 8000;
/**
 * G.722 encoders and decoders open at once in a process, together: the states of the Wasm core's
 * fixed pool (256 bytes each). One more throws CodecError `LIMIT`.
 */
export const G722_MAX_STATES = 8192;

const MODES: Readonly<Record<number, number>> = { 64000: 1, 56000: 2, 48000: 3 };

function modeOf(options: G722Options): [G722Bitrate, number] {
  const bitrate = options.bitrate ?? 64000;
  const mode = MODES[bitrate];
  if (mode === undefined) throw new CodecError("BAD_OPTION", `G.722 runs at 64000, 56000 or 48000 bit/s, not ${String(bitrate)}`);
  return [bitrate, mode];
}

/** One state of the core's pool: taken on creation, given back by close() or when collected. */
abstract class G722State {
  /** The bit rate (mode) of the stream. */
  readonly bitrate: G722Bitrate;
  /** 16000: the PCM's rate. */
  readonly sampleRate = G722_SAMPLE_RATE;
  /** 8000: the RTP timestamp rate (RFC 3551 §4.5.2). */
  readonly clockRate = G722_CLOCK_RATE;
  /** @internal The core's G.722 views and pool. */
  protected readonly core: G722Core;
  #slot: number;

  protected constructor(options: G722Options) {
    const [bitrate, mode] = modeOf(options);
    this.bitrate = bitrate;
    this.core = g722Core();
    this.#slot = takeSlot(mode, this);
  }

  /** @internal The state's slot; throws CodecError `CLOSED` after {@link G722State.close}. */
  protected slot(): number {
    if (this.#slot < 0) throw new CodecError("CLOSED", `${this.constructor.name} is closed`);
    return this.#slot;
  }

  /** Back to the initial state (the Recommendation's reset), e.g. for a new stream on the same object. */
  reset(): void {
    check(this.core.e.g722_reset(this.slot()));
  }

  /** Gives the state back to the pool; later calls throw CodecError `CLOSED`. Idempotent. */
  close(): void {
    if (this.#slot >= 0) {
      giveSlot(this.#slot, this);
      this.#slot = -1;
    }
  }
}

/** A G.722 encoder; see {@link createG722Encoder}. */
export class G722Encoder extends G722State {
  /** @internal Use {@link createG722Encoder}. */
  constructor(options: G722Options = {}) {
    super(options);
  }

  /**
   * Encodes 16 kHz samples (an even count: one octet per pair) into `out` (a new array by default);
   * returns the `pcm.length / 2` octets written (a view of `out` when it is longer). The state
   * carries over from call to call, so a stream may be cut into frames anywhere on a pair boundary.
   * Throws CodecError `BAD_LENGTH` for an odd count, `TOO_LONG` when `out` is too small.
   */
  encode(pcm: Int16Array, out?: Uint8Array): Uint8Array {
    const slot = this.slot();
    if (pcm.length % 2 !== 0) throw new CodecError("BAD_LENGTH", `G.722 encodes pairs of samples, got ${pcm.length}`);
    const n = pcm.length >> 1;
    const dst = out ?? new Uint8Array(n);
    if (dst.length < n) throw new CodecError("TOO_LONG", `G.722 destination holds ${dst.length} octets, ${n} needed`);
    const c = this.core;
    for (let done = 0; done < pcm.length; done += c.capacity) {
      const len = Math.min(c.capacity, pcm.length - done);
      c.pcm.set(pcm.subarray(done, done + len));
      const written = check(c.e.g722_encode(slot, c.pcmPtr, len, c.codePtr));
      dst.set(c.codes.subarray(0, written), done >> 1);
    }
    return dst.length === n ? dst : dst.subarray(0, n);
  }

  /**
   * @internal Pointer-level encode for buffers already in the core's memory (the media engine):
   * `n` (even, at most the core's capacity) samples at `src` into n / 2 octets at `dst`.
   */
  encodeAt(src: number, n: number, dst: number): number {
    return check(this.core.e.g722_encode(this.slot(), src, n, dst));
  }
}

/**
 * A G.722 decoder; see {@link createG722Decoder}. Its `sampleRate` and `decode` fit the media
 * layer's `PlayoutDecoder` (with the playout's `clockRate` set to {@link G722_CLOCK_RATE}).
 */
export class G722Decoder extends G722State {
  /** @internal Use {@link createG722Decoder}. */
  constructor(options: G722Options = {}) {
    super(options);
  }

  /**
   * Decodes octets into 16 kHz samples, two per octet, into `out` (a new array by default);
   * returns the samples written (a view of `out` when it is longer). Every octet value is a valid
   * code word, so network input never fails; only a closed decoder (`CLOSED`) or a short `out`
   * (`TOO_LONG`) throws.
   */
  decode(bytes: Uint8Array, out?: Int16Array): Int16Array {
    const slot = this.slot();
    const n = bytes.length * 2;
    const dst = out ?? new Int16Array(n);
    if (dst.length < n) throw new CodecError("TOO_LONG", `G.722 destination holds ${dst.length} samples, ${n} needed`);
    const c = this.core;
    const step = c.capacity >> 1;
    for (let done = 0; done < bytes.length; done += step) {
      const len = Math.min(step, bytes.length - done);
      c.codes.set(bytes.subarray(done, done + len));
      const written = check(c.e.g722_decode(slot, c.codePtr, len, c.pcmPtr));
      dst.set(c.pcm.subarray(0, written), done * 2);
    }
    return dst.length === n ? dst : dst.subarray(0, n);
  }

  /**
   * @internal Pointer-level decode for payloads already in the core's memory (the media engine):
   * `n` octets (at most half the core's capacity) at `src` into 2n samples at `dst`.
   */
  decodeAt(src: number, n: number, dst: number): number {
    return check(this.core.e.g722_decode(this.slot(), src, n, dst));
  }
}

/**
 * A new G.722 encoder holding one state of the core's pool until `close()`. Throws CodecError
 * `BAD_OPTION` for an unknown bitrate, `LIMIT` when every state is in use.
 */
export function createG722Encoder(options: G722Options = {}): G722Encoder {
  return new G722Encoder(options);
}

/** A new G.722 decoder; as {@link createG722Encoder}. */
export function createG722Decoder(options: G722Options = {}): G722Decoder {
  return new G722Decoder(options);
}
