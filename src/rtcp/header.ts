import { parseFailure } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";

/** RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611 §2). */
export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
  RTPFB: 205,
  PSFB: 206,
  XR: 207,
} as const;

/** Fields every parsed RTCP packet may carry. */
export interface RtcpPacketCommon {
  /**
   * Padding bytes at the end of the packet (count octet included); only the last packet of a
   * compound may have them (RFC 3550 §6.4.1). Absent or 0 for none.
   */
  readonly paddingLength?: number;
}

/**
 * One RTCP packet's framing, located by {@link readRtcpFraming}:
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `length` is the packet's size in 32-bit words minus one, header and padding included.
 */
export interface RtcpFraming {
  readonly ok: true;
  readonly padding: boolean;
  /** The 5-bit count field (RC, SC, FMT, subtype, depending on the type). */
  readonly count: number;
  readonly packetType: number;
  /** Offset of the first byte after the 4-byte header. */
  readonly bodyStart: number;
  /** End of the body: the packet end minus padding. */
  readonly bodyEnd: number;
  /** Offset just past the packet (start of the next packet of a compound). */
  readonly end: number;
  readonly paddingLength: number;
}

/**
 * Reads the common header at `offset` and locates the packet's body within `[offset, limit)`.
 * Checks version 2 and that the length field stays inside `limit` (RFC 3550 A.2), and the padding
 * count when P is set.
 */
export function readRtcpFraming(bytes: Uint8Array, offset: number, limit = bytes.length): RtcpFraming | ParseFailure<RtcpErrorCode> {
  if (offset < 0 || limit > bytes.length || offset + 4 > limit) return parseFailure("TOO_SHORT", offset);
  const b0 = bytes[offset]!;
  if (b0 >> 6 !== 2) return parseFailure("BAD_VERSION", offset);
  const end = offset + (((bytes[offset + 2]! << 8) | bytes[offset + 3]!) + 1) * 4;
  if (end > limit) return parseFailure("BAD_LENGTH", offset + 2);
  let paddingLength = 0;
  const padding = (b0 & 0x20) !== 0;
  if (padding) {
    paddingLength = bytes[end - 1]!;
    if (paddingLength === 0 || paddingLength > end - offset - 4) return parseFailure("BAD_PADDING", end - 1);
  }
  return {
    ok: true,
    padding,
    count: b0 & 0x1f,
    packetType: bytes[offset + 1]!,
    bodyStart: offset + 4,
    bodyEnd: end - paddingLength,
    end,
    paddingLength,
  };
}

/** Reads a packet's framing and checks its type: the first step of every typed parser. */
export function framingOf(bytes: Uint8Array, offset: number, packetType: number): RtcpFraming | ParseFailure<RtcpErrorCode> {
  const f = readRtcpFraming(bytes, offset);
  if (!f.ok) return f;
  if (f.packetType !== packetType) return parseFailure("WRONG_TYPE", offset + 1);
  return f;
}

/** Total size of a packet with a body of `bodyLength` bytes (a multiple of 4) and padding. */
export function rtcpPacketSize(bodyLength: number, paddingLength = 0): number {
  return 4 + bodyLength + paddingLength;
}

/**
 * Writes the common header for a packet of `size` bytes (header, body, padding) and the padding
 * itself; checks the destination. Returns `offset + 4`, where the body goes.
 */
export function beginRtcpPacket(
  dst: Uint8Array,
  offset: number,
  size: number,
  count: number,
  packetType: number,
  paddingLength = 0,
): number {
  if (offset < 0 || offset + size > dst.length) throw new RtcpError("TOO_LONG", "RTCP destination too small", { offset });
  if (size & 3 || size > 0x40000) throw new RtcpError("FIELD_OUT_OF_RANGE", "RTCP packet size must be a multiple of 4, <= 256 KiB");
  if (!Number.isInteger(count) || count < 0 || count > 31) throw new RtcpError("FIELD_OUT_OF_RANGE", `RTCP count ${count} > 31`);
  if (!Number.isInteger(paddingLength) || paddingLength < 0 || paddingLength > 255) {
    throw new RtcpError("FIELD_OUT_OF_RANGE", "RTCP padding must be 0..255");
  }
  dst[offset] = 0x80 | (paddingLength > 0 ? 0x20 : 0) | count;
  dst[offset + 1] = packetType;
  const words = size / 4 - 1;
  dst[offset + 2] = words >>> 8;
  dst[offset + 3] = words & 0xff;
  if (paddingLength > 0) {
    dst.fill(0, offset + size - paddingLength, offset + size - 1);
    dst[offset + size - 1] = paddingLength;
  }
  return offset + 4;
}

/** Checks that a packet's padding keeps it 32-bit aligned (RFC 3550 §6.4.1). */
export function checkPadding(bodyLength: number, paddingLength: number): void {
  if ((bodyLength + paddingLength) & 3) {
    throw new RtcpError("FIELD_OUT_OF_RANGE", "RTCP body + padding must be a multiple of 4");
  }
}

/** Big-endian u32 at `i`. */
export function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** Writes `v` as a big-endian u32 at `i`. */
export function put32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

/** Whether `v` is an integer in [0, max]. */
export function isUint(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

/** Throws FieldOutOfRange unless every named value is an integer in [0, max]. */
export function checkUints(max: number, fields: Record<string, number>): void {
  for (const [k, v] of Object.entries(fields)) {
    if (!isUint(v, max)) throw new RtcpError("FIELD_OUT_OF_RANGE", `RTCP field ${k} = ${v} out of range`);
  }
}
