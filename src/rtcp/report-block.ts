/**
 * Reception report blocks (RFC 3550 §6.4.1), 24 bytes each; the value type is the RTP layer's
 * {@link ReportBlock}, which `RtpReceiveStats.report` produces.
 *
 * ```text
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
import type { ReportBlock } from "../rtp/receive-stats.ts";
import { RtcpError } from "./errors.ts";
import { checkUints, put32, u32 } from "./header.ts";

export type { ReportBlock };

/** Size of one report block. */
export const REPORT_BLOCK_SIZE = 24;

/** Reads a report block at `p` (the caller has checked 24 bytes are there). */
export function readReportBlock(b: Uint8Array, p: number): ReportBlock {
  // The cumulative loss is a signed 24-bit two's-complement number.
  const lost = (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!;
  return {
    ssrc: u32(b, p),
    fractionLost: b[p + 4]!,
    cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    extendedHighestSequence: u32(b, p + 8),
    jitter: u32(b, p + 12),
    lastSenderReport: u32(b, p + 16),
    delaySinceLastSenderReport: u32(b, p + 20),
  };
}

/** Writes a report block at `p` (room checked by the caller); returns 24. */
export function writeReportBlock(r: ReportBlock, b: Uint8Array, p: number): number {
  checkUints(0xffffffff, {
    ssrc: r.ssrc,
    extendedHighestSequence: r.extendedHighestSequence,
    jitter: r.jitter,
    lastSenderReport: r.lastSenderReport,
    delaySinceLastSenderReport: r.delaySinceLastSenderReport,
  });
  checkUints(255, { fractionLost: r.fractionLost });
  if (!Number.isInteger(r.cumulativeLost) || r.cumulativeLost < -0x800000 || r.cumulativeLost > 0x7fffff) {
    throw new RtcpError("FIELD_OUT_OF_RANGE", "cumulativeLost must fit 24-bit signed");
  }
  put32(b, p, r.ssrc);
  const lost = r.cumulativeLost & 0xffffff;
  b[p + 4] = r.fractionLost;
  b[p + 5] = lost >>> 16;
  b[p + 6] = (lost >>> 8) & 0xff;
  b[p + 7] = lost & 0xff;
  put32(b, p + 8, r.extendedHighestSequence);
  put32(b, p + 12, r.jitter);
  put32(b, p + 16, r.lastSenderReport);
  put32(b, p + 20, r.delaySinceLastSenderReport);
  return REPORT_BLOCK_SIZE;
}
