import { RtcpError, RtcpErrorCode, rtcpFailure } from "./errors.ts";
import type { RtcpParseFailure } from "./errors.ts";
import { beginRtcpPacket, readRtcpFraming, RtcpPacketType } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { parseSenderReport, senderReportSize, writeSenderReport } from "./sender-report.ts";
import type { SenderReport } from "./sender-report.ts";
import { parseReceiverReport, receiverReportSize, writeReceiverReport } from "./receiver-report.ts";
import type { ReceiverReport } from "./receiver-report.ts";
import { parseSourceDescription, sourceDescriptionSize, writeSourceDescription } from "./sdes.ts";
import type { SourceDescription } from "./sdes.ts";
import { goodbyeSize, parseGoodbye, writeGoodbye } from "./bye.ts";
import type { Goodbye } from "./bye.ts";
import { applicationDefinedSize, parseApplicationDefined, writeApplicationDefined } from "./app.ts";
import type { ApplicationDefined } from "./app.ts";
import { genericFeedbackSize, parseGenericFeedback, writeGenericFeedback } from "./feedback.ts";
import type { GenericFeedback } from "./feedback.ts";
import { genericNackSize, NACK_FMT, parseGenericNack, writeGenericNack } from "./nack.ts";
import type { GenericNack } from "./nack.ts";
import { parsePictureLossIndication, pictureLossIndicationSize, PLI_FMT, writePictureLossIndication } from "./pli.ts";
import type { PictureLossIndication } from "./pli.ts";
import { FIR_FMT, fullIntraRequestSize, parseFullIntraRequest, writeFullIntraRequest } from "./fir.ts";
import type { FullIntraRequest } from "./fir.ts";
import { extendedReportSize, parseExtendedReport, writeExtendedReport } from "./xr.ts";
import type { ExtendedReport } from "./xr.ts";

/** An RTCP packet of a type not decoded here, kept as bytes. */
export interface UnknownRtcpPacket extends RtcpPacketCommon {
  readonly type: "unknown";
  readonly packetType: number;
  /** The 5-bit count/format field. */
  readonly count: number;
  /** Body after the 4-byte header, padding excluded (a multiple of 4 bytes); a view when parsed. */
  readonly body: Uint8Array;
}

/** Any RTCP packet, discriminated by `type`. */
export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | ApplicationDefined
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | GenericFeedback
  | ExtendedReport
  | UnknownRtcpPacket;

/** One parsed packet and the offset after it. */
export interface RtcpPacketParsed {
  readonly ok: true;
  readonly packet: RtcpPacket;
  readonly next: number;
}

/** Parses one RTCP packet of any type at `offset` (for compound parsing, see {@link parseRtcpCompound}). */
export function parseRtcpPacket(bytes: Uint8Array, offset = 0): RtcpPacketParsed | RtcpParseFailure {
  const f = readRtcpFraming(bytes, offset);
  if (!f.ok) return f;
  switch (f.packetType) {
    case RtcpPacketType.SR:
      return parseSenderReport(bytes, offset);
    case RtcpPacketType.RR:
      return parseReceiverReport(bytes, offset);
    case RtcpPacketType.SDES:
      return parseSourceDescription(bytes, offset);
    case RtcpPacketType.BYE:
      return parseGoodbye(bytes, offset);
    case RtcpPacketType.APP:
      return parseApplicationDefined(bytes, offset);
    case RtcpPacketType.RTPFB:
      return f.count === NACK_FMT ? parseGenericNack(bytes, offset) : parseGenericFeedback(bytes, offset);
    case RtcpPacketType.PSFB:
      if (f.count === PLI_FMT) return parsePictureLossIndication(bytes, offset);
      if (f.count === FIR_FMT) return parseFullIntraRequest(bytes, offset);
      return parseGenericFeedback(bytes, offset);
    case RtcpPacketType.XR:
      return parseExtendedReport(bytes, offset);
    default:
      return {
        ok: true,
        packet: {
          type: "unknown",
          packetType: f.packetType,
          count: f.count,
          body: bytes.subarray(f.bodyStart, f.bodyEnd),
          paddingLength: f.paddingLength,
        },
        next: f.end,
      };
  }
}

/** Options of {@link parseRtcpCompound}. */
export interface ParseRtcpCompoundOptions {
  /**
   * Accept reduced-size RTCP (RFC 5506 §3): the datagram need not start with SR/RR. Negotiated
   * with `a=rtcp-rsize`. Default false: the RFC 3550 A.2 first-packet rule applies.
   */
  readonly reducedSize?: boolean;
}

/** A parsed compound (or, with reduced size, non-compound) RTCP datagram. */
export interface RtcpCompoundParsed {
  readonly ok: true;
  readonly packets: RtcpPacket[];
}

/**
 * Parses an RTCP datagram (`bytes[offset .. offset+length)`) and applies the header validity
 * checks of RFC 3550 A.2:
 * - every packet has version 2 and a length that stays inside the datagram, and the lengths add
 *   up exactly to the datagram's length;
 * - the first packet is SR or RR, and its P bit is clear (unless `reducedSize`, RFC 5506 §3.1);
 * - only the last packet may carry padding (§6.4.1).
 * The packets' own checks (counts, items) apply too. Never throws on bad input.
 */
export function parseRtcpCompound(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  options?: ParseRtcpCompoundOptions,
): RtcpCompoundParsed | RtcpParseFailure {
  if (offset < 0 || length < 0 || offset + length > bytes.length) return rtcpFailure(RtcpErrorCode.TooShort, offset);
  if (length === 0) return rtcpFailure(RtcpErrorCode.Empty, offset);
  const end = offset + length;
  // Parse within a view bounded by the datagram so no packet can read past it.
  const view = offset === 0 && end === bytes.length ? bytes : bytes.subarray(0, end);
  const packets: RtcpPacket[] = [];
  let p = offset;
  while (p < end) {
    const f = readRtcpFraming(view, p);
    if (!f.ok) return f;
    if (packets.length === 0 && !options?.reducedSize) {
      if (f.packetType !== RtcpPacketType.SR && f.packetType !== RtcpPacketType.RR) {
        return rtcpFailure(RtcpErrorCode.FirstNotReport, p + 1);
      }
      if (f.padding) return rtcpFailure(RtcpErrorCode.PaddingNotLast, p);
    }
    if (f.padding && f.end !== end) return rtcpFailure(RtcpErrorCode.PaddingNotLast, p);
    const r = parseRtcpPacket(view, p);
    if (!r.ok) return r;
    packets.push(r.packet);
    p = r.next;
  }
  return { ok: true, packets };
}

/** Bytes {@link writeRtcpPacket} writes for `p`. */
export function rtcpPacketSize(p: RtcpPacket): number {
  switch (p.type) {
    case "sr":
      return senderReportSize(p);
    case "rr":
      return receiverReportSize(p);
    case "sdes":
      return sourceDescriptionSize(p);
    case "bye":
      return goodbyeSize(p);
    case "app":
      return applicationDefinedSize(p);
    case "nack":
      return genericNackSize(p);
    case "pli":
      return pictureLossIndicationSize(p);
    case "fir":
      return fullIntraRequestSize(p);
    case "rtpfb":
    case "psfb":
      return genericFeedbackSize(p);
    case "xr":
      return extendedReportSize(p);
    case "unknown":
      return 4 + p.body.length + (p.paddingLength ?? 0);
    default:
      return assertNever(p);
  }
}

/** Writes any RTCP packet at `dst[offset]`; returns the bytes written. */
export function writeRtcpPacket(p: RtcpPacket, dst: Uint8Array, offset: number): number {
  switch (p.type) {
    case "sr":
      return writeSenderReport(p, dst, offset);
    case "rr":
      return writeReceiverReport(p, dst, offset);
    case "sdes":
      return writeSourceDescription(p, dst, offset);
    case "bye":
      return writeGoodbye(p, dst, offset);
    case "app":
      return writeApplicationDefined(p, dst, offset);
    case "nack":
      return writeGenericNack(p, dst, offset);
    case "pli":
      return writePictureLossIndication(p, dst, offset);
    case "fir":
      return writeFullIntraRequest(p, dst, offset);
    case "rtpfb":
    case "psfb":
      return writeGenericFeedback(p, dst, offset);
    case "xr":
      return writeExtendedReport(p, dst, offset);
    case "unknown": {
      const size = rtcpPacketSize(p);
      if (!Number.isInteger(p.packetType) || p.packetType < 0 || p.packetType > 255) {
        throw new RtcpError(RtcpErrorCode.FieldOutOfRange, "packet type must be 0..255");
      }
      const at = beginRtcpPacket(dst, offset, size, p.count, p.packetType, p.paddingLength ?? 0);
      dst.set(p.body, at);
      return size;
    }
    default:
      return assertNever(p);
  }
}

/** Bytes {@link writeRtcpCompound} writes: the sum of the packets' sizes. */
export function rtcpCompoundSize(packets: readonly RtcpPacket[]): number {
  let n = 0;
  for (const p of packets) n += rtcpPacketSize(p);
  return n;
}

/**
 * Writes packets back to back as one compound datagram; returns the bytes written. It does not
 * reorder or add packets: RFC 3550 §6.1 wants SR/RR first and an SDES with CNAME in every
 * compound, and only the last packet padded — the caller's choice, checked here for padding.
 */
export function writeRtcpCompound(packets: readonly RtcpPacket[], dst: Uint8Array, offset: number): number {
  let p = offset;
  packets.forEach((pk, i) => {
    if ((pk.paddingLength ?? 0) > 0 && i !== packets.length - 1) {
      throw new RtcpError(RtcpErrorCode.PaddingNotLast, "only the last packet of a compound may be padded");
    }
    p += writeRtcpPacket(pk, dst, p);
  });
  return p - offset;
}

/** Encodes packets as one compound datagram in a new array. */
export function encodeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  const out = new Uint8Array(rtcpCompoundSize(packets));
  writeRtcpCompound(packets, out, 0);
  return out;
}

function assertNever(x: never): never {
  throw new Error(`unexpected RTCP packet ${JSON.stringify(x)}`);
}
