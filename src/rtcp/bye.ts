import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";

/** A Goodbye packet (RFC 3550 §6.6). */
export interface Goodbye extends RtcpPacketCommon {
  readonly type: "bye";
  /** Up to 31 SSRC/CSRC identifiers leaving the session. */
  readonly ssrcs: readonly number[];
  /** Reason for leaving (UTF-8, up to 255 bytes); a view when parsed. */
  readonly reason?: Uint8Array;
}

/**
 * Parses the BYE at `offset`.
 *
 * ```text
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function tryParseGoodbye(bytes: Uint8Array, offset = 0): ParseResultEnd<Goodbye, RtcpErrorCode> {
  const f = framingOf(bytes, offset, RtcpPacketType.BYE);
  if (!f.ok) return f;
  const p = f.bodyStart;
  if (p + f.count * 4 > f.bodyEnd) return parseFailure("BAD_COUNT", offset);
  const ssrcs: number[] = [];
  for (let i = 0; i < f.count; i++) ssrcs.push(u32(bytes, p + i * 4));
  let reason: Uint8Array | undefined;
  const r = p + f.count * 4;
  if (r < f.bodyEnd) {
    const len = bytes[r]!;
    if (r + 1 + len > f.bodyEnd) return parseFailure("BAD_ITEM", r);
    reason = bytes.subarray(r + 1, r + 1 + len);
  }
  const packet: Goodbye = reason ? { type: "bye", ssrcs, reason, paddingLength: f.paddingLength } : { type: "bye", ssrcs, paddingLength: f.paddingLength };
  return { ok: true, value: packet, end: f.end };
}

/** Bytes {@link writeGoodbye} writes. */
export function goodbyeSize(b: Goodbye): number {
  return 4 + b.ssrcs.length * 4 + (b.reason ? (1 + b.reason.length + 3) & ~3 : 0) + (b.paddingLength ?? 0);
}

/** Writes `b` at `dst[offset]`; returns the bytes written. */
export function writeGoodbye(b: Goodbye, dst: Uint8Array, offset: number): number {
  if (b.ssrcs.length > 31) throw new RtcpError("FIELD_OUT_OF_RANGE", "at most 31 SSRCs per BYE");
  if (b.reason && b.reason.length > 255) throw new RtcpError("FIELD_OUT_OF_RANGE", "BYE reason longer than 255 bytes");
  if ((b.paddingLength ?? 0) & 3) throw new RtcpError("FIELD_OUT_OF_RANGE", "BYE padding must be a multiple of 4");
  const size = goodbyeSize(b);
  let p = beginRtcpPacket(dst, offset, size, b.ssrcs.length, RtcpPacketType.BYE, b.paddingLength ?? 0);
  for (const s of b.ssrcs) {
    checkUints(0xffffffff, { ssrc: s });
    put32(dst, p, s);
    p += 4;
  }
  if (b.reason) {
    dst[p] = b.reason.length;
    dst.set(b.reason, p + 1);
    // The reason is padded with nulls to a 32-bit boundary.
    dst.fill(0, p + 1 + b.reason.length, p + ((1 + b.reason.length + 3) & ~3));
  }
  return size;
}

/** Encodes `b` into a new array. */
export function encodeGoodbye(b: Goodbye): Uint8Array {
  const out = new Uint8Array(goodbyeSize(b));
  writeGoodbye(b, out, 0);
  return out;
}
