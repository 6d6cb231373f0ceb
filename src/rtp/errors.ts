import { SiphonError } from "../errors.ts";

/**
 * Error codes of the RTP layer. The same positive integers cross the Wasm boundary, negated, as the
 * return value of `rtp_parse` and friends (assembly/rtp/index.ts).
 */
export const RtpErrorCode = {
  /** Fewer than the 12 bytes of the fixed header (RFC 3550 §5.1). */
  TooShort: 1,
  /** The version field is not 2 (RFC 3550 §5.1, A.1). */
  BadVersion: 2,
  /** The CSRC list announced by CC runs past the end of the packet. */
  CsrcTruncated: 3,
  /** The header extension (RFC 3550 §5.3.1) runs past the end of the packet. */
  ExtensionTruncated: 4,
  /** P is set but the padding count is zero or larger than the payload (RFC 3550 A.1). */
  BadPadding: 5,
  /** The packet does not fit the destination or the scratch buffer. */
  TooLong: 6,
  /** An RFC 8285 extension element runs past the extension, or uses a reserved ID. */
  BadExtensionElement: 7,
  /** The extension's "defined by profile" field is neither 0xBEDE nor 0x100X (RFC 8285 §4). */
  UnknownExtensionProfile: 8,
  /** A field value is out of range for writing (payload type > 127, more than 15 CSRCs, ...). */
  FieldOutOfRange: 9,
} as const;

/** One of the {@link RtpErrorCode} integers. */
export type RtpErrorCode = (typeof RtpErrorCode)[keyof typeof RtpErrorCode];

const NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(RtpErrorCode)) NAMES[code] = name;

/** The name of an RTP error code (`"TooShort"`, ...), or `"Unknown"`. */
export function rtpErrorName(code: number): string {
  return NAMES[code] ?? "Unknown";
}

/** The failure arm of every RTP byte-level parser: what went wrong and at which byte offset. */
export interface RtpParseFailure {
  readonly ok: false;
  readonly code: RtpErrorCode;
  /** Offset (into the input array) where the problem was found. */
  readonly at: number;
}

/** Builds an {@link RtpParseFailure}. */
export function rtpFailure(code: RtpErrorCode, at: number): RtpParseFailure {
  return { ok: false, code, at };
}

/**
 * Thrown by the RTP layer's throwing conveniences (and by writers handed values they cannot
 * encode). `code` is `"RTP_" + name`, `rtpCode` the integer.
 */
export class RtpError extends SiphonError {
  readonly rtpCode: RtpErrorCode;
  readonly at: number;

  constructor(rtpCode: RtpErrorCode, at: number, message?: string, options?: { cause?: unknown }) {
    super(`RTP_${rtpErrorName(rtpCode)}`, message ?? `RTP ${rtpErrorName(rtpCode)} at byte ${at}`, options);
    this.rtpCode = rtpCode;
    this.at = at;
  }
}
