import { decodeG711, encodeG711 } from "../codec/index.ts";
import type { ParseResult } from "../errors.ts";
import { MediaError, mediaFailure } from "./errors.ts";
import type { MediaErrorCode } from "./errors.ts";

/**
 * WAV files (RIFF `WAVE`): 16-bit and 8-bit linear PCM, G.711 A-law (format 6) and μ-law
 * (format 7), mono or stereo, any sample rate; `WAVE_FORMAT_EXTENSIBLE` (0xFFFE) whose sub-format
 * is one of those. Samples on this side are interleaved host-order Int16.
 *
 * ```text
 * "RIFF" size "WAVE"                      the file: a RIFF chunk of form type WAVE
 *   "fmt " 16|18|40  format channels rate byteRate blockAlign bits [cbSize [validBits mask GUID]]
 *   "fact" 4  sampleFrames                 (non-PCM formats; ignored)
 *   "LIST" n  ...                          (metadata; ignored)
 *   "data" n  samples                      little-endian, frames of blockAlign bytes
 * ```
 * Chunks are word-aligned: an odd-sized chunk is followed by one pad byte (RIFF rule). Readers
 * meet files written while recording, whose `data` size is 0 or 0xFFFFFFFF, and files cut short:
 * the `data` chunk is then taken as what remains of the file, whole frames only.
 */

/** How a WAV file stores its samples. */
export type WavEncoding = "pcm16" | "pcm8" | "alaw" | "ulaw";

/** Decoded audio of a WAV file, or audio to write as one. */
export interface WavAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved samples, `channels` per frame. */
  readonly samples: Int16Array;
  /** Storage of the file read, or to write (default `"pcm16"`). */
  readonly encoding?: WavEncoding;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** Reads a WAV file; failures are values (see {@link parseWav} for the throwing form). */
export function tryParseWav(bytes: Uint8Array): ParseResult<WavAudio, MediaErrorCode> {
  if (bytes.length < 12) return mediaFailure("TOO_SHORT", 0);
  if (fourcc(bytes, 0) !== "RIFF") return mediaFailure("NOT_RIFF", 0);
  if (fourcc(bytes, 8) !== "WAVE") return mediaFailure("NOT_WAVE", 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  let fmt: { tag: number; channels: number; rate: number; align: number; bits: number; at: number } | undefined;
  while (at + 8 <= bytes.length) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "data") {
      if (!fmt) return mediaFailure("NO_FORMAT", at);
      // Streaming writers leave 0 or 0xFFFFFFFF; truncated files end early: use what is there.
      const avail = bytes.length - body;
      const len = size === 0 || size > avail ? avail : size;
      return decodeData(bytes.subarray(body, body + len - (len % fmt.align)), fmt);
    }
    if (size > bytes.length - body) return mediaFailure("BAD_CHUNK", at);
    if (id === "fmt ") {
      if (size < 16) return mediaFailure("BAD_FORMAT", at);
      let tag = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const rate = view.getUint32(body + 4, true);
      const align = view.getUint16(body + 12, true);
      const bits = view.getUint16(body + 14, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        // cbSize 22: valid bits, channel mask, then the sub-format GUID whose first two bytes
        // are the format tag (KSDATAFORMAT_SUBTYPE_PCM = 0x0001, …).
        if (size < 40) return mediaFailure("BAD_FORMAT", at);
        tag = view.getUint16(body + 24, true);
      }
      if (channels < 1 || rate < 1 || align !== (channels * bits) / 8) return mediaFailure("BAD_FORMAT", at);
      fmt = { tag, channels, rate, align, bits, at };
    }
    at = body + size + (size & 1);
  }
  return mediaFailure(fmt ? "NO_DATA" : "NO_FORMAT", at);
}

function decodeData(
  data: Uint8Array,
  fmt: { tag: number; channels: number; rate: number; align: number; bits: number; at: number },
): ParseResult<WavAudio, MediaErrorCode> {
  const base = { sampleRate: fmt.rate, channels: fmt.channels };
  if (fmt.tag === WAVE_FORMAT_PCM && fmt.bits === 16) {
    const n = data.length >> 1;
    const samples = new Int16Array(n);
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < n; i++) samples[i] = v.getInt16(2 * i, true);
    return { ok: true, value: { ...base, samples, encoding: "pcm16" } };
  }
  if (fmt.tag === WAVE_FORMAT_PCM && fmt.bits === 8) {
    // 8-bit WAV is unsigned, offset 128.
    const samples = Int16Array.from(data, (b) => (b - 128) << 8);
    return { ok: true, value: { ...base, samples, encoding: "pcm8" } };
  }
  if ((fmt.tag === WAVE_FORMAT_ALAW || fmt.tag === WAVE_FORMAT_MULAW) && fmt.bits === 8) {
    const law = fmt.tag === WAVE_FORMAT_ALAW ? "alaw" : "ulaw";
    return { ok: true, value: { ...base, samples: decodeG711(law, data), encoding: law } };
  }
  return mediaFailure("UNSUPPORTED_FORMAT", fmt.at);
}

/**
 * Reads a WAV file. Throws {@link MediaError} (`NOT_RIFF`, `BAD_CHUNK`, `UNSUPPORTED_FORMAT`, …)
 * with the byte offset of the offending chunk.
 */
export function parseWav(bytes: Uint8Array): WavAudio {
  const r = tryParseWav(bytes);
  if (!r.ok) throw new MediaError(r.code, `WAV: ${r.code} at byte ${r.offset}`, r.offset);
  return r.value;
}

function bytesPerSample(encoding: WavEncoding): number {
  return encoding === "pcm16" ? 2 : 1;
}

/** Bytes of the canonical 44-byte header (`fmt ` of 16 bytes; 18 with cbSize for G.711, plus `fact`). */
function headerSize(encoding: WavEncoding): number {
  return encoding === "alaw" || encoding === "ulaw" ? 12 + 26 + 12 + 8 : 44;
}

/** Bytes {@link writeWav} writes for `audio`. */
export function wavSize(audio: WavAudio): number {
  const enc = audio.encoding ?? "pcm16";
  const data = audio.samples.length * bytesPerSample(enc);
  return headerSize(enc) + data + (data & 1);
}

/**
 * Writes the RIFF header of a WAV file holding `dataBytes` bytes of samples (`frames` frames)
 * at `dst[offset]`; returns the header size. A recorder writes it first with sizes 0 and again
 * over the start of the file once the length is known.
 */
export function writeWavHeader(
  format: { readonly sampleRate: number; readonly channels: number; readonly encoding?: WavEncoding },
  dataBytes: number,
  dst: Uint8Array,
  offset: number,
): number {
  const enc = format.encoding ?? "pcm16";
  const { sampleRate, channels } = format;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || !Number.isInteger(channels) || channels < 1 || channels > 0xffff) {
    throw new MediaError("BAD_OPTION", "WAV: sample rate and channels must be positive integers");
  }
  const size = headerSize(enc);
  if (offset < 0 || offset + size > dst.length) throw new MediaError("BAD_OPTION", "WAV: destination too small");
  const v = new DataView(dst.buffer, dst.byteOffset + offset, size);
  const put = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) dst[offset + at + i] = s.charCodeAt(i);
  };
  const bps = bytesPerSample(enc);
  const g711 = enc === "alaw" || enc === "ulaw";
  put(0, "RIFF");
  v.setUint32(4, Math.min(0xffffffff, size - 8 + dataBytes + (dataBytes & 1)), true);
  put(8, "WAVE");
  put(12, "fmt ");
  v.setUint32(16, g711 ? 18 : 16, true);
  v.setUint16(20, enc === "alaw" ? WAVE_FORMAT_ALAW : enc === "ulaw" ? WAVE_FORMAT_MULAW : WAVE_FORMAT_PCM, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * bps, true);
  v.setUint16(32, channels * bps, true);
  v.setUint16(34, bps * 8, true);
  let at = 36;
  if (g711) {
    // Non-PCM formats carry cbSize and a fact chunk with the frame count.
    v.setUint16(36, 0, true);
    put(38, "fact");
    v.setUint32(42, 4, true);
    v.setUint32(46, Math.floor(dataBytes / (channels * bps)), true);
    at = 50;
  }
  put(at, "data");
  v.setUint32(at + 4, Math.min(0xffffffff, dataBytes), true);
  return size;
}

/** Writes `audio` as a WAV file at `dst[offset]`; returns the bytes written ({@link wavSize}). */
export function writeWav(audio: WavAudio, dst: Uint8Array, offset: number): number {
  const enc = audio.encoding ?? "pcm16";
  const size = wavSize(audio);
  if (offset < 0 || offset + size > dst.length) throw new MediaError("BAD_OPTION", "WAV: destination too small");
  const dataBytes = audio.samples.length * bytesPerSample(enc);
  let at = offset + writeWavHeader(audio, dataBytes, dst, offset);
  at += writeWavSamples(audio.samples, enc, dst, at);
  if (dataBytes & 1) dst[at] = 0;
  return size;
}

/** Encodes samples as WAV data bytes (little-endian PCM, or G.711) at `dst[offset]`; returns bytes written. */
export function writeWavSamples(samples: Int16Array, encoding: WavEncoding, dst: Uint8Array, offset: number): number {
  const n = samples.length;
  if (encoding === "pcm16") {
    const v = new DataView(dst.buffer, dst.byteOffset + offset, n * 2);
    for (let i = 0; i < n; i++) v.setInt16(2 * i, samples[i]!, true);
    return n * 2;
  }
  if (encoding === "pcm8") {
    for (let i = 0; i < n; i++) dst[offset + i] = ((samples[i]! >> 8) + 128) & 0xff;
    return n;
  }
  encodeG711(encoding, samples, dst.subarray(offset, offset + n));
  return n;
}

/** Encodes `audio` as a new WAV file. */
export function encodeWav(audio: WavAudio): Uint8Array {
  const out = new Uint8Array(wavSize(audio));
  writeWav(audio, out, 0);
  return out;
}
