import { SiphonError } from "../errors.ts";
import { SRTP_ERROR_BY_NUMBER, SRTP_ERROR_TEXT } from "./abi.generated.ts";
import type { SrtpErrorCode } from "./abi.generated.ts";

export type { SrtpErrorCode };

/** What an SRTP error tells beyond its code, when known. */
export interface SrtpErrorOptions {
  /** SSRC of the packet (RTP SSRC, or the SRTCP sender SSRC). */
  ssrc?: number;
  /** Packet index: ROC * 65536 + SEQ for SRTP, the 31-bit SRTCP index. */
  index?: number;
  cause?: unknown;
}

/**
 * The code of a negative result of the batch forms (`protectRtpBatch`, ...), which write numbers
 * so that a batch allocates nothing per packet; undefined for a non-negative result (a length).
 */
export function srtpErrorCode(result: number): SrtpErrorCode | undefined {
  return result < 0 ? SRTP_ERROR_BY_NUMBER[-result] : undefined;
}

/** Base of the SRTP errors: `code`, and the packet's `ssrc` and `index` when known. */
export class SrtpError extends SiphonError {
  declare readonly code: SrtpErrorCode;
  /** SSRC of the packet (RTP SSRC, or the SRTCP sender SSRC), when known. */
  readonly ssrc: number | undefined;
  /** Packet index (ROC * 65536 + SEQ, or the SRTCP index), when known. */
  readonly index: number | undefined;

  constructor(code: SrtpErrorCode, message: string, options?: SrtpErrorOptions) {
    super(code, message, options);
    this.ssrc = options?.ssrc;
    this.index = options?.index;
  }
}

/** A packet failed authentication (RFC 3711 §3.3 step 5; RFC 7714 §8.2, §9.2): forged or corrupted. */
export class SrtpAuthError extends SrtpError {}

/** A packet index was already received or is older than the replay window (RFC 3711 §3.3.2). */
export class SrtpReplayError extends SrtpError {}

/**
 * The key must not be used any more: 2^48 SRTP or 2^31 SRTCP packets (RFC 3711 §9.2), the ROC would
 * leave 32 bits, or the stream limit of the context is reached. Re-key; the index never wraps.
 */
export class SrtpLimitError extends SrtpError {}

/**
 * A packet is truncated, oversized or has a wrong version, the caller's buffer lacks room, or a key
 * or profile is unusable.
 */
export class SrtpPacketError extends SrtpError {}

/** @internal The error for a code (or a negative result), with the packet's SSRC and index. */
export function srtpErrorFor(code: SrtpErrorCode | number, ssrc?: number, index?: number): SrtpError {
  const c = typeof code === "number" ? (srtpErrorCode(code < 0 ? code : -code) ?? "TOO_SHORT") : code;
  const where = ssrc !== undefined ? ` (ssrc ${ssrc >>> 0}${index !== undefined ? `, index ${index}` : ""})` : "";
  const message = `SRTP: ${SRTP_ERROR_TEXT[c]}${where}`;
  const options = ssrc === undefined ? undefined : { ssrc, index };
  switch (c) {
    case "AUTH_FAILED":
      return new SrtpAuthError(c, message, options);
    case "REPLAY":
      return new SrtpReplayError(c, message, options);
    case "LIMIT":
      return new SrtpLimitError(c, message, options);
    default:
      return new SrtpPacketError(c, message, options);
  }
}
