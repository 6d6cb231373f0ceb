import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { RtcpPacketType } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { beginFeedback, readFeedback } from "./feedback.ts";

/** FMT of the generic NACK (RFC 4585 §6.2.1). */
export const NACK_FMT = 1;

/** One generic NACK FCI entry: a lost packet ID and a bitmask of the 16 following losses. */
export interface NackItem {
  /** PID: sequence number of a lost packet. */
  readonly pid: number;
  /** BLP: bit i set means PID + i + 1 is lost too. */
  readonly blp: number;
}

/** A generic NACK (RTPFB, FMT = 1). */
export interface GenericNack extends RtcpPacketCommon {
  readonly type: "nack";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly items: readonly NackItem[];
}

/**
 * Parses a generic NACK at `offset` (RFC 4585 §6.2.1).
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * One or more FCI entries follow the feedback header; a packet with none is `BadCount`.
 */
export function tryParseGenericNack(bytes: Uint8Array, offset = 0): ParseResultEnd<GenericNack, RtcpErrorCode> {
  const h = readFeedback(bytes, offset, RtcpPacketType.RTPFB);
  if (!("f" in h)) return h;
  if (h.f.count !== NACK_FMT) return parseFailure("WRONG_TYPE", offset);
  const n = (h.f.bodyEnd - h.fci) >> 2;
  if (n < 1) return parseFailure("BAD_COUNT", h.fci);
  const items: NackItem[] = [];
  for (let i = 0, p = h.fci; i < n; i++, p += 4) {
    items.push({ pid: (bytes[p]! << 8) | bytes[p + 1]!, blp: (bytes[p + 2]! << 8) | bytes[p + 3]! });
  }
  return {
    ok: true,
    value: { type: "nack", senderSsrc: h.senderSsrc, mediaSsrc: h.mediaSsrc, items, paddingLength: h.f.paddingLength },
    end: h.f.end,
  };
}

/** Bytes {@link writeGenericNack} writes. */
export function genericNackSize(n: GenericNack): number {
  return 12 + n.items.length * 4 + (n.paddingLength ?? 0);
}

/** Writes `n` at `dst[offset]`; returns the bytes written. */
export function writeGenericNack(n: GenericNack, dst: Uint8Array, offset: number): number {
  if (n.items.length < 1) throw new RtcpError("FIELD_OUT_OF_RANGE", "a generic NACK needs at least one item");
  let p = beginFeedback(dst, offset, RtcpPacketType.RTPFB, NACK_FMT, n.senderSsrc, n.mediaSsrc, n.items.length * 4, n.paddingLength ?? 0);
  for (const it of n.items) {
    if (!Number.isInteger(it.pid) || it.pid < 0 || it.pid > 0xffff || !Number.isInteger(it.blp) || it.blp < 0 || it.blp > 0xffff) {
      throw new RtcpError("FIELD_OUT_OF_RANGE", "NACK pid/blp must be 16-bit");
    }
    dst[p] = it.pid >>> 8;
    dst[p + 1] = it.pid & 0xff;
    dst[p + 2] = it.blp >>> 8;
    dst[p + 3] = it.blp & 0xff;
    p += 4;
  }
  return genericNackSize(n);
}

/** Encodes `n` into a new array. */
export function encodeGenericNack(n: GenericNack): Uint8Array {
  const out = new Uint8Array(genericNackSize(n));
  writeGenericNack(n, out, 0);
  return out;
}

/** The lost sequence numbers a list of NACK items names, in FCI order (RFC 4585 §6.2.1). */
export function nackSequenceNumbers(items: readonly NackItem[]): number[] {
  const out: number[] = [];
  for (const it of items) {
    out.push(it.pid);
    for (let i = 0; i < 16; i++) if (it.blp & (1 << i)) out.push((it.pid + i + 1) & 0xffff);
  }
  return out;
}

/**
 * Packs lost sequence numbers into NACK items: each item covers its PID and the 16 numbers after
 * it (mod 2^16). Input order is kept for PIDs; duplicates are merged.
 */
export function nackItemsFor(lost: readonly number[]): NackItem[] {
  const items: { pid: number; blp: number }[] = [];
  let cur: { pid: number; blp: number } | undefined;
  for (const raw of lost) {
    const s = raw & 0xffff;
    const d = cur ? (s - cur.pid) & 0xffff : 0;
    if (cur && d === 0) continue;
    if (cur && d <= 16) {
      cur.blp |= 1 << (d - 1);
      continue;
    }
    cur = { pid: s, blp: 0 };
    items.push(cur);
  }
  return items;
}
