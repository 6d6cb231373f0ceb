import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";
import { RTP_ERROR_BY_NUMBER, RTP_ERROR_TEXT } from "./abi.generated.ts";
import type { RtpErrorCode } from "./abi.generated.ts";

export type { RtpErrorCode };

/**
 * The code of a negative result of the allocation-free paths (`RtpHeaderReader.read`,
 * `RtpBatch.status`), which return integers so that nothing is allocated per packet; undefined for
 * a non-negative result.
 */
export function rtpErrorCode(result: number): RtpErrorCode | undefined {
  return result < 0 ? RTP_ERROR_BY_NUMBER[-result] : undefined;
}

/**
 * Thrown by the RTP layer's throwing forms (`parseRtpPacket`, ...) and by writers handed values
 * they cannot encode. `offset` is where in the input (or the destination) the problem was found.
 */
export class RtpError extends SiphonError {
  declare readonly code: RtpErrorCode;
  /** Byte offset in the input (or the destination) where the problem was found; 0 when none applies. */
  readonly offset: number;

  constructor(code: RtpErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.offset = options?.offset ?? 0;
  }
}

/** @internal The error a throwing form raises for a failure value. */
export function rtpError(f: ParseFailure<RtpErrorCode>): RtpError {
  return new RtpError(f.code, `RTP: ${RTP_ERROR_TEXT[f.code]} at byte ${f.offset}`, { offset: f.offset });
}
