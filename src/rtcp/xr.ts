import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";

/** XR block type of the VoIP Metrics Report Block (RFC 3611 §4.7). */
export const XR_VOIP_METRICS = 7;

/**
 * VoIP Metrics Report Block (RFC 3611 §4.7), 36 bytes:
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     BT=7      |   reserved    |       block length = 8        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        SSRC of source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   loss rate   | discard rate  | burst density |  gap density  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       burst duration          |         gap duration          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     round trip delay          |       end system delay        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | signal level  |  noise level  |     RERL      |     Gmin      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   R factor    | ext. R factor |    MOS-LQ     |    MOS-CQ     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   RX config   |   reserved    |          JB nominal           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          JB maximum           |          JB abs max           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Reserved fields are ignored on receipt and written as zero.
 */
export interface VoipMetricsBlock {
  readonly blockType: 7;
  readonly ssrc: number;
  /** Fraction lost, 8-bit fixed point (/256). */
  readonly lossRate: number;
  readonly discardRate: number;
  readonly burstDensity: number;
  readonly gapDensity: number;
  /** Milliseconds. */
  readonly burstDuration: number;
  readonly gapDuration: number;
  readonly roundTripDelay: number;
  readonly endSystemDelay: number;
  /** dBm0, signed (127 = unavailable). */
  readonly signalLevel: number;
  /** dBm0, signed (127 = unavailable). */
  readonly noiseLevel: number;
  /** Residual echo return loss, dB (127 = unavailable). */
  readonly rerl: number;
  readonly gmin: number;
  readonly rFactor: number;
  readonly extRFactor: number;
  /** MOS × 10 (127 = unavailable). */
  readonly mosLq: number;
  readonly mosCq: number;
  readonly rxConfig: number;
  readonly jbNominal: number;
  readonly jbMaximum: number;
  readonly jbAbsMax: number;
}

/** An XR report block of a type not decoded here, kept as bytes. */
export interface UnknownXrBlock {
  readonly blockType: number;
  /** The 8 type-specific bits of the block header. */
  readonly typeSpecific: number;
  /** Block contents after the 4-byte block header (a multiple of 4 bytes); a view when parsed. */
  readonly data: Uint8Array;
}

/** One XR report block. */
export type XrBlock = VoipMetricsBlock | UnknownXrBlock;

/** An Extended Report packet (RFC 3611 §2). */
export interface ExtendedReport extends RtcpPacketCommon {
  readonly type: "xr";
  readonly ssrc: number;
  readonly blocks: readonly XrBlock[];
}

/** Whether an XR block is a decoded VoIP Metrics block. */
export function isVoipMetricsBlock(b: XrBlock): b is VoipMetricsBlock {
  return b.blockType === XR_VOIP_METRICS && "jbAbsMax" in b;
}

const s8 = (v: number) => (v > 127 ? v - 256 : v);
const u16 = (b: Uint8Array, p: number) => (b[p]! << 8) | b[p + 1]!;

/**
 * Parses the XR packet at `offset` (RFC 3611 §2):
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|reserved |   PT=XR=207   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :                         report blocks                         :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * block: |  BT  | type-specific | block length (words, excl. this header) |
 * ```
 * A block running past the packet, or a VoIP Metrics block whose length is not 8, is `BadItem`.
 */
export function tryParseExtendedReport(bytes: Uint8Array, offset = 0): ParseResultEnd<ExtendedReport, RtcpErrorCode> {
  const f = framingOf(bytes, offset, RtcpPacketType.XR);
  if (!f.ok) return f;
  if (f.bodyStart + 4 > f.bodyEnd) return parseFailure("TOO_SHORT", offset);
  const blocks: XrBlock[] = [];
  let p = f.bodyStart + 4;
  while (p < f.bodyEnd) {
    if (p + 4 > f.bodyEnd) return parseFailure("BAD_ITEM", p);
    const bt = bytes[p]!;
    const len = u16(bytes, p + 2) * 4;
    const end = p + 4 + len;
    if (end > f.bodyEnd) return parseFailure("BAD_ITEM", p);
    if (bt === XR_VOIP_METRICS) {
      if (len !== 32) return parseFailure("BAD_ITEM", p);
      const q = p + 4;
      blocks.push({
        blockType: XR_VOIP_METRICS,
        ssrc: u32(bytes, q),
        lossRate: bytes[q + 4]!,
        discardRate: bytes[q + 5]!,
        burstDensity: bytes[q + 6]!,
        gapDensity: bytes[q + 7]!,
        burstDuration: u16(bytes, q + 8),
        gapDuration: u16(bytes, q + 10),
        roundTripDelay: u16(bytes, q + 12),
        endSystemDelay: u16(bytes, q + 14),
        signalLevel: s8(bytes[q + 16]!),
        noiseLevel: s8(bytes[q + 17]!),
        rerl: bytes[q + 18]!,
        gmin: bytes[q + 19]!,
        rFactor: bytes[q + 20]!,
        extRFactor: bytes[q + 21]!,
        mosLq: bytes[q + 22]!,
        mosCq: bytes[q + 23]!,
        rxConfig: bytes[q + 24]!,
        jbNominal: u16(bytes, q + 26),
        jbMaximum: u16(bytes, q + 28),
        jbAbsMax: u16(bytes, q + 30),
      });
    } else {
      blocks.push({ blockType: bt, typeSpecific: bytes[p + 1]!, data: bytes.subarray(p + 4, end) });
    }
    p = end;
  }
  return { ok: true, value: { type: "xr", ssrc: u32(bytes, f.bodyStart), blocks, paddingLength: f.paddingLength }, end: f.end };
}

function blockSize(b: XrBlock): number {
  return isVoipMetricsBlock(b) ? 36 : 4 + b.data.length;
}

/** Bytes {@link writeExtendedReport} writes. */
export function extendedReportSize(x: ExtendedReport): number {
  let n = 8;
  for (const b of x.blocks) n += blockSize(b);
  return n + (x.paddingLength ?? 0);
}

/** Writes `x` at `dst[offset]`; returns the bytes written. */
export function writeExtendedReport(x: ExtendedReport, dst: Uint8Array, offset: number): number {
  const size = extendedReportSize(x);
  checkUints(0xffffffff, { ssrc: x.ssrc });
  let p = beginRtcpPacket(dst, offset, size, 0, RtcpPacketType.XR, x.paddingLength ?? 0);
  put32(dst, p, x.ssrc);
  p += 4;
  for (const b of x.blocks) {
    if (isVoipMetricsBlock(b)) {
      checkUints(255, {
        lossRate: b.lossRate, discardRate: b.discardRate, burstDensity: b.burstDensity, gapDensity: b.gapDensity,
        rerl: b.rerl, gmin: b.gmin, rFactor: b.rFactor, extRFactor: b.extRFactor, mosLq: b.mosLq, mosCq: b.mosCq,
        rxConfig: b.rxConfig,
      });
      checkUints(0xffff, {
        burstDuration: b.burstDuration, gapDuration: b.gapDuration, roundTripDelay: b.roundTripDelay,
        endSystemDelay: b.endSystemDelay, jbNominal: b.jbNominal, jbMaximum: b.jbMaximum, jbAbsMax: b.jbAbsMax,
      });
      checkUints(0xffffffff, { ssrc: b.ssrc });
      for (const v of [b.signalLevel, b.noiseLevel]) {
        if (!Number.isInteger(v) || v < -128 || v > 127) throw new RtcpError("FIELD_OUT_OF_RANGE", "XR signal/noise level must be 8-bit signed");
      }
      dst.set([XR_VOIP_METRICS, 0, 0, 8], p);
      const q = p + 4;
      put32(dst, q, b.ssrc);
      dst.set([b.lossRate, b.discardRate, b.burstDensity, b.gapDensity], q + 4);
      put16(dst, q + 8, b.burstDuration);
      put16(dst, q + 10, b.gapDuration);
      put16(dst, q + 12, b.roundTripDelay);
      put16(dst, q + 14, b.endSystemDelay);
      dst.set([b.signalLevel & 0xff, b.noiseLevel & 0xff, b.rerl, b.gmin, b.rFactor, b.extRFactor, b.mosLq, b.mosCq, b.rxConfig, 0], q + 16);
      put16(dst, q + 26, b.jbNominal);
      put16(dst, q + 28, b.jbMaximum);
      put16(dst, q + 30, b.jbAbsMax);
      p += 36;
    } else {
      if (b.data.length & 3 || b.data.length > 0x3fffc) throw new RtcpError("FIELD_OUT_OF_RANGE", "XR block data must be a multiple of 4 bytes");
      checkUints(255, { blockType: b.blockType, typeSpecific: b.typeSpecific });
      dst[p] = b.blockType;
      dst[p + 1] = b.typeSpecific;
      put16(dst, p + 2, b.data.length >> 2);
      dst.set(b.data, p + 4);
      p += 4 + b.data.length;
    }
  }
  return size;
}

/** Encodes `x` into a new array. */
export function encodeExtendedReport(x: ExtendedReport): Uint8Array {
  const out = new Uint8Array(extendedReportSize(x));
  writeExtendedReport(x, out, 0);
  return out;
}

function put16(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v & 0xff;
}
