import { CodecError, CodecErrorCode, codecFailure } from "./errors.ts";
import type { CodecParseFailure } from "./errors.ts";

/** An RFC 3389 comfort-noise payload (payload type 13 at 8 kHz, or dynamic). */
export interface ComfortNoise {
  /** Noise level in -dBov, 0..127 (§3.1): 0 is loudest, 127 is -127 dBov. */
  readonly level: number;
  /**
   * Quantized reflection coefficients, one byte each (§3.2); empty when the sender gives only a
   * level. A view of the input when parsed.
   */
  readonly coefficients: Uint8Array;
}

/** A parsed comfort-noise payload. */
export interface ComfortNoiseParsed {
  readonly ok: true;
  readonly noise: ComfortNoise;
}

/**
 * Parses an RFC 3389 comfort-noise payload.
 *
 * ```text
 *  0 1 2 3 4 5 6 7   then N bytes:  +-+-+-+-+-+-+-+-+
 * +-+-+-+-+-+-+-+-+                 |     N1 .. Nk    |  quantized reflection coefficients
 * |0|   level     |                 +-+-+-+-+-+-+-+-+
 * +-+-+-+-+-+-+-+-+
 * ```
 *
 * An empty payload is `TooShort`; a level octet with its first bit set is `ReservedBitSet`.
 */
export function parseComfortNoise(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
): ComfortNoiseParsed | CodecParseFailure {
  if (offset < 0 || length < 1 || offset + length > bytes.length) return codecFailure(CodecErrorCode.TooShort, offset);
  const level = bytes[offset]!;
  if (level & 0x80) return codecFailure(CodecErrorCode.ReservedBitSet, offset);
  return { ok: true, noise: { level, coefficients: bytes.subarray(offset + 1, offset + length) } };
}

/**
 * A quantized reflection coefficient as a number in [-1, 1): (q - 127) / 128, the dequantization
 * FFmpeg's RFC 3389 decoder uses.
 */
export function comfortNoiseReflectionCoefficient(q: number): number {
  return (q - 127) / 128;
}

/** Bytes {@link writeComfortNoise} writes: 1 + the number of coefficients. */
export function comfortNoiseSize(n: ComfortNoise): number {
  return 1 + n.coefficients.length;
}

/** Writes `n` at `dst[offset]`; returns the bytes written. */
export function writeComfortNoise(n: ComfortNoise, dst: Uint8Array, offset: number): number {
  if (!Number.isInteger(n.level) || n.level < 0 || n.level > 127) {
    throw new CodecError(CodecErrorCode.FieldOutOfRange, "comfort-noise level must be 0..127");
  }
  const size = comfortNoiseSize(n);
  if (offset < 0 || offset + size > dst.length) throw new CodecError(CodecErrorCode.TooLong, "comfort-noise destination too small");
  dst[offset] = n.level;
  dst.set(n.coefficients, offset + 1);
  return size;
}

/** Encodes `n` into a new payload. */
export function encodeComfortNoise(n: ComfortNoise): Uint8Array {
  const out = new Uint8Array(comfortNoiseSize(n));
  writeComfortNoise(n, out, 0);
  return out;
}
