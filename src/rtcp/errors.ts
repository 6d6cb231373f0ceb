import { SiphonError } from "../errors.ts";

/** Error codes of the RTCP layer. */
export const RtcpErrorCode = {
  /** Fewer bytes than the header or the packet's fixed part needs. */
  TooShort: 1,
  /** Version is not 2 (RFC 3550 §6.4.1, A.2). */
  BadVersion: 2,
  /** The length field points past the end of the datagram (RFC 3550 A.2). */
  BadLength: 3,
  /** Padding count is zero or larger than the packet body (RFC 3550 §6.4.1). */
  BadPadding: 4,
  /** The count field does not agree with the body (report blocks, SDES chunks, BYE SSRCs, ...). */
  BadCount: 5,
  /** A compound packet's first packet is neither SR nor RR (RFC 3550 A.2; relaxed by RFC 5506). */
  FirstNotReport: 6,
  /** Padding on a packet that is not the last of the compound (RFC 3550 §6.4.1, A.2). */
  PaddingNotLast: 7,
  /** An SDES item, BYE reason or XR block runs past its packet. */
  BadItem: 8,
  /** The packet is not of the type the parser was asked for. */
  WrongType: 9,
  /** A field value is out of range for writing. */
  FieldOutOfRange: 10,
  /** The destination is too small. */
  TooLong: 11,
  /** An empty datagram where a compound packet was expected. */
  Empty: 12,
} as const;

/** One of the {@link RtcpErrorCode} integers. */
export type RtcpErrorCode = (typeof RtcpErrorCode)[keyof typeof RtcpErrorCode];

const NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(RtcpErrorCode)) NAMES[code] = name;

/** The name of an RTCP error code, or `"Unknown"`. */
export function rtcpErrorName(code: number): string {
  return NAMES[code] ?? "Unknown";
}

/** The failure arm of every RTCP parser. */
export interface RtcpParseFailure {
  readonly ok: false;
  readonly code: RtcpErrorCode;
  /** Offset into the input where the problem was found. */
  readonly at: number;
}

/** Builds an {@link RtcpParseFailure}. */
export function rtcpFailure(code: RtcpErrorCode, at: number): RtcpParseFailure {
  return { ok: false, code, at };
}

/** Thrown by RTCP writers given values they cannot encode or a destination too small. */
export class RtcpError extends SiphonError {
  readonly rtcpCode: RtcpErrorCode;

  constructor(rtcpCode: RtcpErrorCode, message: string, options?: { cause?: unknown }) {
    super(`RTCP_${rtcpErrorName(rtcpCode)}`, message, options);
    this.rtcpCode = rtcpCode;
  }
}
