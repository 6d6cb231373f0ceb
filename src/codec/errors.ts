import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";

/**
 * Why a payload could not be parsed or written, or a conversion refused its buffers.
 *
 * | code | meaning |
 * |---|---|
 * | `TOO_SHORT` | The payload is shorter than its format's fixed part, or a range outside the input. |
 * | `BAD_LENGTH` | The payload length is not valid for the format (an odd-length L16 payload, RFC 3551 §4.5.11). |
 * | `TOO_LONG` | The destination is too small, or the input exceeds what the call can hold. |
 * | `FIELD_OUT_OF_RANGE` | A field value is out of range for writing. |
 * | `RESERVED_BIT_SET` | A bit the format requires to be zero is set (RFC 3389 §3: the level octet's first bit). |
 * | `BAD_OPTION` | An option the codec cannot take (a G.722 bitrate other than 64000, 56000 or 48000). |
 * | `CLOSED` | The encoder or decoder was closed. |
 * | `LIMIT` | Every state of the codec's fixed pool is in use (G.722: see `G722_MAX_STATES`). |
 */
export type CodecErrorCode = (typeof CODEC_ERROR_CODES)[number];

/** Every {@link CodecErrorCode}: the layer's one list (not re-exported by the entry point). */
export const CODEC_ERROR_CODES = [
  "TOO_SHORT",
  "BAD_LENGTH",
  "TOO_LONG",
  "FIELD_OUT_OF_RANGE",
  "RESERVED_BIT_SET",
  "BAD_OPTION",
  "CLOSED",
  "LIMIT",
] as const;

/**
 * Thrown by the codec layer's throwing parsers, by writers and converters given values or buffers
 * they cannot handle. `offset` is where in the input (or the destination) the problem was found.
 */
export class CodecError extends SiphonError {
  declare readonly code: CodecErrorCode;
  /** Byte offset in the input (or the destination) where the problem was found; 0 when none applies. */
  readonly offset: number;

  constructor(code: CodecErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.offset = options?.offset ?? 0;
  }
}

/** @internal The error a throwing form raises for a failure value. */
export function codecError(f: ParseFailure<CodecErrorCode>): CodecError {
  return new CodecError(f.code, `codec: ${f.code} at byte ${f.offset}`, { offset: f.offset });
}
