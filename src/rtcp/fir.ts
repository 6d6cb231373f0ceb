import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { beginFeedback, readFeedback } from "./feedback.ts";

/** FMT of Full Intra Request (RFC 5104 §4.3.1). */
export const FIR_FMT = 4;

/** One FIR FCI entry: the media sender asked for a decoder refresh, and the command's sequence number. */
export interface FirEntry {
  readonly ssrc: number;
  /** 8-bit command sequence number. */
  readonly sequenceNumber: number;
}

/** A Full Intra Request (PSFB, FMT = 4). */
export interface FullIntraRequest extends RtcpPacketCommon {
  readonly type: "fir";
  readonly senderSsrc: number;
  /** Unused by FIR and sent as 0 (RFC 5104 §4.3.1.2): the targets are in the FCI. */
  readonly mediaSsrc: number;
  readonly entries: readonly FirEntry[];
}

/**
 * Parses a FIR at `offset` (RFC 5104 §4.3.1.1).
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The FCI holds one or more 8-byte entries; anything else is `BadLength`. The reserved bits are
 * ignored on receipt and written as zero.
 */
export function tryParseFullIntraRequest(bytes: Uint8Array, offset = 0): ParseResultEnd<FullIntraRequest, RtcpErrorCode> {
  const h = readFeedback(bytes, offset, RtcpPacketType.PSFB);
  if (!("f" in h)) return h;
  if (h.f.count !== FIR_FMT) return parseFailure("WRONG_TYPE", offset);
  const len = h.f.bodyEnd - h.fci;
  if (len < 8 || len % 8 !== 0) return parseFailure("BAD_LENGTH", offset + 2);
  const entries: FirEntry[] = [];
  for (let p = h.fci; p < h.f.bodyEnd; p += 8) entries.push({ ssrc: u32(bytes, p), sequenceNumber: bytes[p + 4]! });
  return {
    ok: true,
    value: { type: "fir", senderSsrc: h.senderSsrc, mediaSsrc: h.mediaSsrc, entries, paddingLength: h.f.paddingLength },
    end: h.f.end,
  };
}

/** Bytes {@link writeFullIntraRequest} writes. */
export function fullIntraRequestSize(f: FullIntraRequest): number {
  return 12 + f.entries.length * 8 + (f.paddingLength ?? 0);
}

/** Writes `f` at `dst[offset]`; returns the bytes written. */
export function writeFullIntraRequest(f: FullIntraRequest, dst: Uint8Array, offset: number): number {
  if (f.entries.length < 1) throw new RtcpError("FIELD_OUT_OF_RANGE", "a FIR needs at least one entry");
  let p = beginFeedback(dst, offset, RtcpPacketType.PSFB, FIR_FMT, f.senderSsrc, f.mediaSsrc, f.entries.length * 8, f.paddingLength ?? 0);
  for (const e of f.entries) {
    if (!Number.isInteger(e.sequenceNumber) || e.sequenceNumber < 0 || e.sequenceNumber > 255 || !Number.isInteger(e.ssrc) || e.ssrc < 0 || e.ssrc > 0xffffffff) {
      throw new RtcpError("FIELD_OUT_OF_RANGE", "FIR entry out of range");
    }
    put32(dst, p, e.ssrc);
    dst[p + 4] = e.sequenceNumber;
    dst[p + 5] = 0;
    dst[p + 6] = 0;
    dst[p + 7] = 0;
    p += 8;
  }
  return fullIntraRequestSize(f);
}

/** Encodes `f` into a new array. */
export function encodeFullIntraRequest(f: FullIntraRequest): Uint8Array {
  const out = new Uint8Array(fullIntraRequestSize(f));
  writeFullIntraRequest(f, out, 0);
  return out;
}
