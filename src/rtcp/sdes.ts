import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";

/** SDES item types (RFC 3550 §6.5). */
export const SdesItemType = {
  END: 0,
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

/** One SDES item: its type and raw value (UTF-8 text for types 1-7; PRIV holds prefix length, prefix, value). */
export interface SdesItem {
  readonly type: number;
  /** 0..255 bytes; a view when parsed. */
  readonly value: Uint8Array;
}

/** One SDES chunk: a source and its items. */
export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

/** A Source Description packet (RFC 3550 §6.5). */
export interface SourceDescription extends RtcpPacketCommon {
  readonly type: "sdes";
  /** Up to 31 chunks. */
  readonly chunks: readonly SdesChunk[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** An SDES item from text (UTF-8). */
export function sdesItem(type: number, text: string): SdesItem {
  return { type, value: encoder.encode(text) };
}

/** An item's value as text (UTF-8, replacement characters for bad sequences). */
export function sdesItemText(item: SdesItem): string {
  return decoder.decode(item.value);
}

/**
 * Parses the SDES packet at `offset`.
 *
 * ```text
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                           SDES items                          |
 *        |                              ...                              |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * item:  |    type       |     length    | value (length octets) ...
 * ```
 *
 * Each chunk's item list ends with a null octet and is padded with nulls to a 32-bit boundary
 * (§6.5). Exactly SC chunks must fill the packet (`BAD_COUNT` otherwise); an item running past
 * the packet is `BadItem`.
 */
export function tryParseSourceDescription(bytes: Uint8Array, offset = 0): ParseResultEnd<SourceDescription, RtcpErrorCode> {
  const f = framingOf(bytes, offset, RtcpPacketType.SDES);
  if (!f.ok) return f;
  const chunks: SdesChunk[] = [];
  let p = f.bodyStart;
  for (let c = 0; c < f.count; c++) {
    if (p + 4 > f.bodyEnd) return parseFailure("BAD_COUNT", p);
    const ssrc = u32(bytes, p);
    p += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (p >= f.bodyEnd) return parseFailure("BAD_ITEM", p);
      const type = bytes[p]!;
      if (type === SdesItemType.END) {
        // The null octet, then padding to the next 32-bit boundary (chunks start aligned).
        p = (p - f.bodyStart + 4) & ~3;
        p += f.bodyStart;
        break;
      }
      if (p + 2 > f.bodyEnd) return parseFailure("BAD_ITEM", p);
      const len = bytes[p + 1]!;
      if (p + 2 + len > f.bodyEnd) return parseFailure("BAD_ITEM", p);
      items.push({ type, value: bytes.subarray(p + 2, p + 2 + len) });
      p += 2 + len;
    }
    if (p > f.bodyEnd) return parseFailure("BAD_ITEM", p);
    chunks.push({ ssrc, items });
  }
  // §6.5: the packet holds SC chunks and nothing else; bytes left over mean the count is wrong.
  if (p !== f.bodyEnd) return parseFailure("BAD_COUNT", p);
  return { ok: true, value: { type: "sdes", chunks, paddingLength: f.paddingLength }, end: f.end };
}

function chunkSize(c: SdesChunk): number {
  let n = 0;
  for (const i of c.items) n += 2 + i.value.length;
  // Items, at least one null octet, padded to 32 bits.
  return 4 + ((n + 1 + 3) & ~3);
}

/** Bytes {@link writeSourceDescription} writes. */
export function sourceDescriptionSize(s: SourceDescription): number {
  let n = 4;
  for (const c of s.chunks) n += chunkSize(c);
  return n + (s.paddingLength ?? 0);
}

/** Writes `s` at `dst[offset]`; returns the bytes written. */
export function writeSourceDescription(s: SourceDescription, dst: Uint8Array, offset: number): number {
  if (s.chunks.length > 31) throw new RtcpError("FIELD_OUT_OF_RANGE", "at most 31 SDES chunks per packet");
  if ((s.paddingLength ?? 0) & 3) throw new RtcpError("FIELD_OUT_OF_RANGE", "SDES padding must be a multiple of 4");
  const size = sourceDescriptionSize(s);
  let p = beginRtcpPacket(dst, offset, size, s.chunks.length, RtcpPacketType.SDES, s.paddingLength ?? 0);
  for (const c of s.chunks) {
    checkUints(0xffffffff, { ssrc: c.ssrc });
    const end = p + chunkSize(c);
    put32(dst, p, c.ssrc);
    p += 4;
    for (const i of c.items) {
      if (!Number.isInteger(i.type) || i.type < 1 || i.type > 255 || i.value.length > 255) {
        throw new RtcpError("FIELD_OUT_OF_RANGE", `SDES item type ${i.type} length ${i.value.length}`);
      }
      dst[p] = i.type;
      dst[p + 1] = i.value.length;
      dst.set(i.value, p + 2);
      p += 2 + i.value.length;
    }
    dst.fill(0, p, end);
    p = end;
  }
  return size;
}

/** Encodes `s` into a new array. */
export function encodeSourceDescription(s: SourceDescription): Uint8Array {
  const out = new Uint8Array(sourceDescriptionSize(s));
  writeSourceDescription(s, out, 0);
  return out;
}
