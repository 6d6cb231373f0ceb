import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkPadding, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpFraming, RtcpPacketCommon } from "./header.ts";

/**
 * The common part of RFC 4585 §6.1 feedback messages (RTPFB = 205, PSFB = 206):
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * ```
 */
export interface FeedbackFraming {
  readonly f: RtcpFraming;
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** Offset of the FCI. */
  readonly fci: number;
}

/** Reads the feedback header of a packet of `packetType`; the FCI is `[fci, f.bodyEnd)`. */
export function readFeedback(bytes: Uint8Array, offset: number, packetType: number): FeedbackFraming | ParseFailure<RtcpErrorCode> {
  const f = framingOf(bytes, offset, packetType);
  if (!f.ok) return f;
  if (f.bodyStart + 8 > f.bodyEnd) return parseFailure("TOO_SHORT", offset);
  return { f, senderSsrc: u32(bytes, f.bodyStart), mediaSsrc: u32(bytes, f.bodyStart + 4), fci: f.bodyStart + 8 };
}

/** Writes the feedback header (and the RTCP header) of a packet with `fciLength` bytes of FCI; returns the FCI offset. */
export function beginFeedback(
  dst: Uint8Array,
  offset: number,
  packetType: number,
  fmt: number,
  senderSsrc: number,
  mediaSsrc: number,
  fciLength: number,
  paddingLength = 0,
): number {
  checkPadding(fciLength, paddingLength);
  checkUints(0xffffffff, { senderSsrc, mediaSsrc });
  const p = beginRtcpPacket(dst, offset, 12 + fciLength + paddingLength, fmt, packetType, paddingLength);
  put32(dst, p, senderSsrc);
  put32(dst, p + 4, mediaSsrc);
  return p + 8;
}

/** A transport-layer (RTPFB) or payload-specific (PSFB) feedback message of a format not decoded here. */
export interface GenericFeedback extends RtcpPacketCommon {
  readonly type: "rtpfb" | "psfb";
  /** FMT field. */
  readonly fmt: number;
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** Feedback control information, a multiple of 4 bytes; a view when parsed. */
  readonly fci: Uint8Array;
}

/** Parses any RTPFB or PSFB message at `offset` without decoding its FCI (RFC 4585 §6.1). */
export function tryParseGenericFeedback(bytes: Uint8Array, offset = 0): ParseResultEnd<GenericFeedback, RtcpErrorCode> {
  const pt = offset >= 0 && offset + 1 < bytes.length ? bytes[offset + 1]! : 0;
  const type = pt === RtcpPacketType.RTPFB ? "rtpfb" : "psfb";
  const h = readFeedback(bytes, offset, pt === RtcpPacketType.RTPFB ? RtcpPacketType.RTPFB : RtcpPacketType.PSFB);
  if (!("f" in h)) return h;
  return {
    ok: true,
    value: {
      type,
      fmt: h.f.count,
      senderSsrc: h.senderSsrc,
      mediaSsrc: h.mediaSsrc,
      fci: bytes.subarray(h.fci, h.f.bodyEnd),
      paddingLength: h.f.paddingLength,
    },
    end: h.f.end,
  };
}

/** Bytes {@link writeGenericFeedback} writes. */
export function genericFeedbackSize(g: GenericFeedback): number {
  return 12 + g.fci.length + (g.paddingLength ?? 0);
}

/** Writes `g` at `dst[offset]`; returns the bytes written. */
export function writeGenericFeedback(g: GenericFeedback, dst: Uint8Array, offset: number): number {
  const pt = g.type === "rtpfb" ? RtcpPacketType.RTPFB : RtcpPacketType.PSFB;
  const p = beginFeedback(dst, offset, pt, g.fmt, g.senderSsrc, g.mediaSsrc, g.fci.length, g.paddingLength ?? 0);
  dst.set(g.fci, p);
  return genericFeedbackSize(g);
}

/** Encodes `g` into a new array. */
export function encodeGenericFeedback(g: GenericFeedback): Uint8Array {
  const out = new Uint8Array(genericFeedbackSize(g));
  writeGenericFeedback(g, out, 0);
  return out;
}
