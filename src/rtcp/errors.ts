import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";

/**
 * Why an RTCP packet could not be parsed or written (RFC 3550 §6, A.2; RFC 4585; RFC 5104; RFC 3611).
 *
 * | code | meaning |
 * |---|---|
 * | `TOO_SHORT` | Fewer bytes than the header or the packet's fixed part needs, or a range outside the input. |
 * | `BAD_VERSION` | Version is not 2 (RFC 3550 §6.4.1, A.2). |
 * | `BAD_LENGTH` | The length field points past the end of the datagram (A.2), or disagrees with the format (PLI, FIR). |
 * | `BAD_PADDING` | Padding count is zero or larger than the packet body (§6.4.1). |
 * | `BAD_COUNT` | The count field does not agree with the body (report blocks, SDES chunks, BYE SSRCs, NACK items). |
 * | `FIRST_NOT_REPORT` | A compound packet's first packet is neither SR nor RR (A.2; relaxed by RFC 5506). |
 * | `PADDING_NOT_LAST` | Padding on a packet that is not the last of the compound (§6.4.1, A.2). |
 * | `BAD_ITEM` | An SDES item, BYE reason or XR block runs past its packet. |
 * | `WRONG_TYPE` | The packet is not of the type the parser was asked for. |
 * | `FIELD_OUT_OF_RANGE` | A field value is out of range for writing. |
 * | `TOO_LONG` | The destination is too small. |
 * | `EMPTY` | An empty datagram where a compound packet was expected. |
 */
export type RtcpErrorCode = (typeof RTCP_ERROR_CODES)[number];

/** Every {@link RtcpErrorCode}: the layer's one list (not re-exported by the entry point). */
export const RTCP_ERROR_CODES = [
  "TOO_SHORT",
  "BAD_VERSION",
  "BAD_LENGTH",
  "BAD_PADDING",
  "BAD_COUNT",
  "FIRST_NOT_REPORT",
  "PADDING_NOT_LAST",
  "BAD_ITEM",
  "WRONG_TYPE",
  "FIELD_OUT_OF_RANGE",
  "TOO_LONG",
  "EMPTY",
] as const;

/**
 * Thrown by the RTCP layer's throwing forms (`parseRtcpCompound`, `parseRtcpPacket`) and by writers
 * given values they cannot encode or a destination too small. `offset` is where in the input (or
 * the destination) the problem was found.
 */
export class RtcpError extends SiphonError {
  declare readonly code: RtcpErrorCode;
  /** Byte offset in the input (or the destination) where the problem was found; 0 when none applies. */
  readonly offset: number;

  constructor(code: RtcpErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.offset = options?.offset ?? 0;
  }
}

/** @internal The error a throwing form raises for a failure value. */
export function rtcpError(f: ParseFailure<RtcpErrorCode>): RtcpError {
  return new RtcpError(f.code, `RTCP: ${f.code} at byte ${f.offset}`, { offset: f.offset });
}
