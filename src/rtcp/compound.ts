import { parseFailure, unwrap } from "../errors.ts";
import type { ParseResult, ParseResultEnd } from "../errors.ts";
import { RtcpError, rtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, readRtcpFraming, RtcpPacketType } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { tryParseSenderReport, senderReportSize, writeSenderReport } from "./sender-report.ts";
import type { SenderReport } from "./sender-report.ts";
import { tryParseReceiverReport, receiverReportSize, writeReceiverReport } from "./receiver-report.ts";
import type { ReceiverReport } from "./receiver-report.ts";
import { tryParseSourceDescription, sourceDescriptionSize, writeSourceDescription } from "./sdes.ts";
import type { SourceDescription } from "./sdes.ts";
import { goodbyeSize, tryParseGoodbye, writeGoodbye } from "./bye.ts";
import type { Goodbye } from "./bye.ts";
import { applicationDefinedSize, tryParseApplicationDefined, writeApplicationDefined } from "./app.ts";
import type { ApplicationDefined } from "./app.ts";
import { genericFeedbackSize, tryParseGenericFeedback, writeGenericFeedback } from "./feedback.ts";
import type { GenericFeedback } from "./feedback.ts";
import { genericNackSize, NACK_FMT, tryParseGenericNack, writeGenericNack } from "./nack.ts";
import type { GenericNack } from "./nack.ts";
import { tryParsePictureLossIndication, pictureLossIndicationSize, PLI_FMT, writePictureLossIndication } from "./pli.ts";
import type { PictureLossIndication } from "./pli.ts";
import { FIR_FMT, fullIntraRequestSize, tryParseFullIntraRequest, writeFullIntraRequest } from "./fir.ts";
import type { FullIntraRequest } from "./fir.ts";
import { extendedReportSize, tryParseExtendedReport, writeExtendedReport } from "./xr.ts";
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

/**
 * Parses one RTCP packet of any type at `offset`; `end` in the result is the offset just past it.
 * A compound datagram is parsed, with its validity checks, by {@link tryParseRtcpCompound}.
 * Never throws: bad input gives a failure value ({@link RtcpErrorCode}, byte offset).
 */
export function tryParseRtcpPacket(bytes: Uint8Array, offset = 0): ParseResultEnd<RtcpPacket, RtcpErrorCode> {
  const f = readRtcpFraming(bytes, offset);
  if (!f.ok) return f;
  switch (f.packetType) {
    case RtcpPacketType.SR:
      return tryParseSenderReport(bytes, offset);
    case RtcpPacketType.RR:
      return tryParseReceiverReport(bytes, offset);
    case RtcpPacketType.SDES:
      return tryParseSourceDescription(bytes, offset);
    case RtcpPacketType.BYE:
      return tryParseGoodbye(bytes, offset);
    case RtcpPacketType.APP:
      return tryParseApplicationDefined(bytes, offset);
    case RtcpPacketType.RTPFB:
      return f.count === NACK_FMT ? tryParseGenericNack(bytes, offset) : tryParseGenericFeedback(bytes, offset);
    case RtcpPacketType.PSFB:
      if (f.count === PLI_FMT) return tryParsePictureLossIndication(bytes, offset);
      if (f.count === FIR_FMT) return tryParseFullIntraRequest(bytes, offset);
      return tryParseGenericFeedback(bytes, offset);
    case RtcpPacketType.XR:
      return tryParseExtendedReport(bytes, offset);
    default:
      return {
        ok: true,
        value: {
          type: "unknown",
          packetType: f.packetType,
          count: f.count,
          body: bytes.subarray(f.bodyStart, f.bodyEnd),
          paddingLength: f.paddingLength,
        },
        end: f.end,
      };
  }
}

/**
 * {@link tryParseRtcpPacket} for callers that treat a malformed packet as an exception.
 * @throws RtcpError with the code and byte offset of the problem.
 */
export function parseRtcpPacket(bytes: Uint8Array, offset = 0): RtcpPacket {
  return unwrap(tryParseRtcpPacket(bytes, offset), rtcpError);
}

/** Options of {@link tryParseRtcpCompound} and {@link parseRtcpCompound}. */
export interface ParseRtcpCompoundOptions {
  /**
   * Accept reduced-size RTCP (RFC 5506 §3): the datagram need not start with SR/RR. Negotiated
   * with `a=rtcp-rsize`. Default false: the RFC 3550 A.2 first-packet rule applies.
   */
  readonly reducedSize?: boolean;
}

/**
 * Parses an RTCP datagram (`bytes[offset .. offset+length)`) and applies the header validity
 * checks of RFC 3550 A.2:
 * - every packet has version 2 and a length that stays inside the datagram, and the lengths add
 *   up exactly to the datagram's length;
 * - the first packet is SR or RR, and its P bit is clear (unless `reducedSize`, RFC 5506 §3.1);
 * - only the last packet may carry padding (§6.4.1).
 * The packets' own checks (counts, items) apply too. The result is the packets in order. Never
 * throws: bad input gives a failure value ({@link RtcpErrorCode}, byte offset).
 */
export function tryParseRtcpCompound(
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
  options?: ParseRtcpCompoundOptions,
): ParseResult<RtcpPacket[], RtcpErrorCode> {
  if (offset < 0 || length < 0 || offset + length > bytes.length) return parseFailure("TOO_SHORT", offset);
  if (length === 0) return parseFailure("EMPTY", offset);
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
        return parseFailure("FIRST_NOT_REPORT", p + 1);
      }
      if (f.padding) return parseFailure("PADDING_NOT_LAST", p);
    }
    if (f.padding && f.end !== end) return parseFailure("PADDING_NOT_LAST", p);
    const r = tryParseRtcpPacket(view, p);
    if (!r.ok) return r;
    packets.push(r.value);
    p = r.end;
  }
  return { ok: true, value: packets };
}

/**
 * {@link tryParseRtcpCompound} for callers that treat a malformed datagram as an exception.
 * @throws RtcpError with the code and byte offset of the problem.
 */
export function parseRtcpCompound(
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
  options?: ParseRtcpCompoundOptions,
): RtcpPacket[] {
  return unwrap(tryParseRtcpCompound(bytes, offset, length, options), rtcpError);
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
        throw new RtcpError("FIELD_OUT_OF_RANGE", "packet type must be 0..255");
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
      throw new RtcpError("PADDING_NOT_LAST", "only the last packet of a compound may be padded");
    }
    p += writeRtcpPacket(pk, dst, p);
  });
  return p - offset;
}

/** Encodes one packet into a new array. */
export function encodeRtcpPacket(p: RtcpPacket): Uint8Array {
  const out = new Uint8Array(rtcpPacketSize(p));
  writeRtcpPacket(p, out, 0);
  return out;
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
