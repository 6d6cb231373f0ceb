import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkPadding, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { readReportBlock, REPORT_BLOCK_SIZE, writeReportBlock } from "./report-block.ts";
import type { ReportBlock } from "./report-block.ts";

/** A Sender Report (RFC 3550 §6.4.1). */
export interface SenderReport extends RtcpPacketCommon {
  readonly type: "sr";
  /** SSRC of the sender. */
  readonly ssrc: number;
  /** NTP timestamp, integer seconds since 1900 (most significant word). */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction of a second in 1/2^32 units. */
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  /** Up to 31 reception report blocks. */
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension after the report blocks (a multiple of 4 bytes); a view when parsed. */
  readonly profileExtension?: Uint8Array;
}

/**
 * Parses the SR at `offset`.
 *
 * ```text
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                 report blocks (RC x 24 bytes)                 |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function tryParseSenderReport(bytes: Uint8Array, offset = 0): ParseResultEnd<SenderReport, RtcpErrorCode> {
  const f = framingOf(bytes, offset, RtcpPacketType.SR);
  if (!f.ok) return f;
  const p = f.bodyStart;
  if (p + 24 + f.count * REPORT_BLOCK_SIZE > f.bodyEnd) return parseFailure("BAD_COUNT", offset);
  const reports: ReportBlock[] = [];
  for (let i = 0; i < f.count; i++) reports.push(readReportBlock(bytes, p + 24 + i * REPORT_BLOCK_SIZE));
  const packet: SenderReport = {
    type: "sr",
    ssrc: u32(bytes, p),
    ntpSeconds: u32(bytes, p + 4),
    ntpFraction: u32(bytes, p + 8),
    rtpTimestamp: u32(bytes, p + 12),
    packetCount: u32(bytes, p + 16),
    octetCount: u32(bytes, p + 20),
    reports,
    profileExtension: bytes.subarray(p + 24 + f.count * REPORT_BLOCK_SIZE, f.bodyEnd),
    paddingLength: f.paddingLength,
  };
  return { ok: true, value: packet, end: f.end };
}

/** Bytes {@link writeSenderReport} writes. */
export function senderReportSize(sr: SenderReport): number {
  return 4 + 24 + sr.reports.length * REPORT_BLOCK_SIZE + (sr.profileExtension?.length ?? 0) + (sr.paddingLength ?? 0);
}

/** Writes `sr` at `dst[offset]`; returns the bytes written. Throws {@link RtcpError} on bad values. */
export function writeSenderReport(sr: SenderReport, dst: Uint8Array, offset: number): number {
  const size = senderReportSize(sr);
  const ext = sr.profileExtension?.length ?? 0;
  if (sr.reports.length > 31) throw new RtcpError("FIELD_OUT_OF_RANGE", "at most 31 report blocks per SR");
  checkPadding(ext, sr.paddingLength ?? 0);
  checkUints(0xffffffff, {
    ssrc: sr.ssrc,
    ntpSeconds: sr.ntpSeconds,
    ntpFraction: sr.ntpFraction,
    rtpTimestamp: sr.rtpTimestamp,
    packetCount: sr.packetCount,
    octetCount: sr.octetCount,
  });
  let p = beginRtcpPacket(dst, offset, size, sr.reports.length, RtcpPacketType.SR, sr.paddingLength ?? 0);
  put32(dst, p, sr.ssrc);
  put32(dst, p + 4, sr.ntpSeconds);
  put32(dst, p + 8, sr.ntpFraction);
  put32(dst, p + 12, sr.rtpTimestamp);
  put32(dst, p + 16, sr.packetCount);
  put32(dst, p + 20, sr.octetCount);
  p += 24;
  for (const r of sr.reports) p += writeReportBlock(r, dst, p);
  if (sr.profileExtension) dst.set(sr.profileExtension, p);
  return size;
}

/** Encodes `sr` into a new array. */
export function encodeSenderReport(sr: SenderReport): Uint8Array {
  const out = new Uint8Array(senderReportSize(sr));
  writeSenderReport(sr, out, 0);
  return out;
}
