import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import { RtcpError } from "./errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { beginRtcpPacket, checkPadding, checkUints, framingOf, put32, RtcpPacketType, u32 } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";

/** An application-defined packet (RFC 3550 §6.7). */
export interface ApplicationDefined extends RtcpPacketCommon {
  readonly type: "app";
  /** 5-bit subtype. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  /** Application data, a multiple of 4 bytes; a view when parsed. */
  readonly data: Uint8Array;
}

/**
 * Parses the APP packet at `offset`.
 *
 * ```text
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P| subtype |   PT=APP=204  |             length            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           SSRC/CSRC                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                          name (ASCII)                         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   application-dependent data                ...
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export function tryParseApplicationDefined(bytes: Uint8Array, offset = 0): ParseResultEnd<ApplicationDefined, RtcpErrorCode> {
  const f = framingOf(bytes, offset, RtcpPacketType.APP);
  if (!f.ok) return f;
  const p = f.bodyStart;
  if (p + 8 > f.bodyEnd) return parseFailure("TOO_SHORT", offset);
  return {
    ok: true,
    value: {
      type: "app",
      subtype: f.count,
      ssrc: u32(bytes, p),
      name: String.fromCharCode(bytes[p + 4]!, bytes[p + 5]!, bytes[p + 6]!, bytes[p + 7]!),
      data: bytes.subarray(p + 8, f.bodyEnd),
      paddingLength: f.paddingLength,
    },
    end: f.end,
  };
}

/** Bytes {@link writeApplicationDefined} writes. */
export function applicationDefinedSize(a: ApplicationDefined): number {
  return 12 + a.data.length + (a.paddingLength ?? 0);
}

/** Writes `a` at `dst[offset]`; returns the bytes written. */
export function writeApplicationDefined(a: ApplicationDefined, dst: Uint8Array, offset: number): number {
  if (a.name.length !== 4 || !/^[\x00-\xff]{4}$/.test(a.name)) {
    throw new RtcpError("FIELD_OUT_OF_RANGE", "APP name must be 4 characters (ASCII)");
  }
  checkPadding(a.data.length, a.paddingLength ?? 0);
  checkUints(0xffffffff, { ssrc: a.ssrc });
  const size = applicationDefinedSize(a);
  const p = beginRtcpPacket(dst, offset, size, a.subtype, RtcpPacketType.APP, a.paddingLength ?? 0);
  put32(dst, p, a.ssrc);
  for (let i = 0; i < 4; i++) dst[p + 4 + i] = a.name.charCodeAt(i);
  dst.set(a.data, p + 8);
  return size;
}

/** Encodes `a` into a new array. */
export function encodeApplicationDefined(a: ApplicationDefined): Uint8Array {
  const out = new Uint8Array(applicationDefinedSize(a));
  writeApplicationDefined(a, out, 0);
  return out;
}
