import { SiphonError } from "../errors.ts";

/** Error codes of the codec layer (payload formats and sample conversions). */
export const CodecErrorCode = {
  /** The payload is shorter than its format's fixed part. */
  TooShort: 1,
  /** The payload length is not valid for the format (e.g. odd-length L16). */
  BadLength: 2,
  /** The destination is too small, or the input exceeds what the call can hold. */
  TooLong: 3,
  /** A field value is out of range for writing. */
  FieldOutOfRange: 4,
  /** A bit the format requires to be zero is set (RFC 3389 §3: the level octet's first bit). */
  ReservedBitSet: 5,
} as const;

/** One of the {@link CodecErrorCode} integers. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

const NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(CodecErrorCode)) NAMES[code] = name;

/** The name of a codec error code, or `"Unknown"`. */
export function codecErrorName(code: number): string {
  return NAMES[code] ?? "Unknown";
}

/** The failure arm of the codec layer's parsers. */
export interface CodecParseFailure {
  readonly ok: false;
  readonly code: CodecErrorCode;
  /** Offset into the input where the problem was found. */
  readonly at: number;
}

/** Builds a {@link CodecParseFailure}. */
export function codecFailure(code: CodecErrorCode, at: number): CodecParseFailure {
  return { ok: false, code, at };
}

/** Thrown by codec writers and converters given values or buffers they cannot handle. */
export class CodecError extends SiphonError {
  readonly codecCode: CodecErrorCode;

  constructor(codecCode: CodecErrorCode, message: string, options?: { cause?: unknown }) {
    super(`CODEC_${codecErrorName(codecCode)}`, message, options);
    this.codecCode = codecCode;
  }
}
