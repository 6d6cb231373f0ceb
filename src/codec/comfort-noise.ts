import { parseFailure, unwrap } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { CodecError, codecError } from "./errors.ts";
import type { CodecErrorCode } from "./errors.ts";

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
 * An empty payload is `TOO_SHORT`; a level octet with its first bit set is `RESERVED_BIT_SET`.
 * The coefficients are a view of `bytes`.
 */
export function tryParseComfortNoise(
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
): ParseResult<ComfortNoise, CodecErrorCode> {
  if (offset < 0 || length < 1 || offset + length > bytes.length) return parseFailure("TOO_SHORT", offset);
  const level = bytes[offset]!;
  if (level & 0x80) return parseFailure("RESERVED_BIT_SET", offset);
  return { ok: true, value: { level, coefficients: bytes.subarray(offset + 1, offset + length) } };
}

/**
 * {@link tryParseComfortNoise} for callers that treat a malformed payload as an exception.
 * @throws CodecError with the code and byte offset of the problem.
 */
export function parseComfortNoise(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): ComfortNoise {
  return unwrap(tryParseComfortNoise(bytes, offset, length), codecError);
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
    throw new CodecError("FIELD_OUT_OF_RANGE", "comfort-noise level must be 0..127");
  }
  const size = comfortNoiseSize(n);
  if (offset < 0 || offset + size > dst.length) throw new CodecError("TOO_LONG", "comfort-noise destination too small");
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
