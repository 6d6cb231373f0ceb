import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkPadding, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { readReportBlock, REPORT_BLOCK_SIZE, writeReportBlock } from "./report-block.ts";
import type { ReportBlock } from "./report-block.ts";

/** A Receiver Report (RFC 3550 §6.4.2). */
export interface ReceiverReport extends RtcpPacketCommon {
  readonly type: "rr";
  /** SSRC of the packet sender (the reporter). */
  readonly ssrc: number;
  /** Up to 31 reception report blocks (none is valid: an empty RR). */
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension (a multiple of 4 bytes); a view when parsed. */
  readonly profileExtension?: Uint8Array;
}

/**
 * Parses the RR at `offset`.
 *
 * ```text
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=RR=201   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     SSRC of packet sender                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                 report blocks (RC x 24 bytes)                 |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function tryParseReceiverReport(bytes: Uint8Array, offset = 0): ParseResultEnd<ReceiverReport, RtcpErrorCode> {
  const f = framingOf(bytes, offset, RtcpPacketType.RR);
  if (!f.ok) return f;
  const p = f.bodyStart;
  if (p + 4 + f.count * REPORT_BLOCK_SIZE > f.bodyEnd) return parseFailure("BAD_COUNT", offset);
  const reports: ReportBlock[] = [];
  for (let i = 0; i < f.count; i++) reports.push(readReportBlock(bytes, p + 4 + i * REPORT_BLOCK_SIZE));
  return {
    ok: true,
    value: {
      type: "rr",
      ssrc: u32(bytes, p),
      reports,
      profileExtension: bytes.subarray(p + 4 + f.count * REPORT_BLOCK_SIZE, f.bodyEnd),
      paddingLength: f.paddingLength,
    },
    end: f.end,
  };
}

/** Bytes {@link writeReceiverReport} writes. */
export function receiverReportSize(rr: ReceiverReport): number {
  return 8 + rr.reports.length * REPORT_BLOCK_SIZE + (rr.profileExtension?.length ?? 0) + (rr.paddingLength ?? 0);
}

/** Writes `rr` at `dst[offset]`; returns the bytes written. */
export function writeReceiverReport(rr: ReceiverReport, dst: Uint8Array, offset: number): number {
  const size = receiverReportSize(rr);
  if (rr.reports.length > 31) throw new RtcpError("FIELD_OUT_OF_RANGE", "at most 31 report blocks per RR");
  checkPadding(rr.profileExtension?.length ?? 0, rr.paddingLength ?? 0);
  checkUints(0xffffffff, { ssrc: rr.ssrc });
  let p = beginRtcpPacket(dst, offset, size, rr.reports.length, RtcpPacketType.RR, rr.paddingLength ?? 0);
  put32(dst, p, rr.ssrc);
  p += 4;
  for (const r of rr.reports) p += writeReportBlock(r, dst, p);
  if (rr.profileExtension) dst.set(rr.profileExtension, p);
  return size;
}

/** Encodes `rr` into a new array. */
export function encodeReceiverReport(rr: ReceiverReport): Uint8Array {
  const out = new Uint8Array(receiverReportSize(rr));
  writeReceiverReport(rr, out, 0);
  return out;
}
