import { SiphonError } from "../errors.ts";
import { SrtpErrorCode, srtpErrorName } from "./error-codes.ts";

/** Details attached to SRTP errors when known. */
export interface SrtpErrorDetails {
  /** SSRC of the packet (RTP SSRC, or the SRTCP sender SSRC). */
  ssrc?: number;
  /** Packet index: ROC * 65536 + SEQ for SRTP, the 31-bit SRTCP index. */
  index?: number;
}

/** Base of the SRTP errors; `code` is a {@link SrtpErrorCode} name, `errno` its integer. */
export class SrtpError extends SiphonError {
  readonly errno: SrtpErrorCode;
  readonly ssrc: number | undefined;
  readonly index: number | undefined;
  constructor(errno: SrtpErrorCode, message: string, details?: SrtpErrorDetails) {
    super(srtpErrorName(errno), message);
    this.errno = errno;
    this.ssrc = details?.ssrc;
    this.index = details?.index;
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

/** A packet is truncated, oversized, has a wrong version, or the caller's buffer lacks room. */
export class SrtpPacketError extends SrtpError {}

/** Maps a negated or positive error code to its error object. */
export function srtpErrorFor(code: number, details?: SrtpErrorDetails): SrtpError {
  const errno = (code < 0 ? -code : code) as SrtpErrorCode;
  const where = details?.ssrc !== undefined ? ` (ssrc ${details.ssrc >>> 0}${details.index !== undefined ? `, index ${details.index}` : ""})` : "";
  switch (errno) {
    case SrtpErrorCode.AuthFailed:
      return new SrtpAuthError(errno, `SRTP authentication failed${where}`, details);
    case SrtpErrorCode.Replay:
      return new SrtpReplayError(errno, `SRTP replayed or too old packet${where}`, details);
    case SrtpErrorCode.Limit:
      return new SrtpLimitError(errno, `SRTP packet index limit reached${where}`, details);
    default:
      return new SrtpPacketError(errno, `SRTP bad packet: ${srtpErrorName(errno)}${where}`, details);
  }
}
