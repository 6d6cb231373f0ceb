import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint, splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]` (RFC 8866 §6.6).
 * For audio the encoding parameter is the channel count; it is undefined when absent (one channel).
 */
export interface SdpRtpMap {
  payloadType: number;
  encoding: string;
  clockRate: number;
  channels?: number | undefined;
}

/** @internal Reads an rtpmap value, or returns undefined when it is malformed. */
export function readRtpMap(value: string): SdpRtpMap | undefined {
  const f = splitFields(value);
  if (f.length !== 2) return undefined;
  const pt = parseUint(f[0]!, 127);
  if (pt < 0) return undefined;
  const enc = f[1]!;
  const s1 = enc.indexOf("/");
  if (s1 <= 0) return undefined;
  const s2 = enc.indexOf("/", s1 + 1);
  const rate = parseUint(enc.slice(s1 + 1, s2 < 0 ? enc.length : s2), 0xffffffff);
  if (rate <= 0) return undefined;
  if (s2 < 0) return { payloadType: pt, encoding: enc.slice(0, s1), clockRate: rate };
  const ch = parseUint(enc.slice(s2 + 1), 255);
  return ch <= 0 ? undefined : { payloadType: pt, encoding: enc.slice(0, s1), clockRate: rate, channels: ch };
}

/**
 * Parses an `a=rtpmap` value (RFC 8866 §6.6). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseRtpMap: (value: string) => SdpRtpMap = throwingParser(readRtpMap, "a=rtpmap");

/** {@link parseRtpMap} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseRtpMap: (value: string) => ParseResult<SdpRtpMap, SdpErrorCode> = resultParser(readRtpMap);

/** Formats an rtpmap value. */
export function formatRtpMap(m: SdpRtpMap): string {
  return m.channels === undefined
    ? `${m.payloadType} ${m.encoding}/${m.clockRate}`
    : `${m.payloadType} ${m.encoding}/${m.clockRate}/${m.channels}`;
}

function st(payloadType: number, encoding: string, clockRate: number, channels?: number): SdpRtpMap {
  return channels === undefined ? { payloadType, encoding, clockRate } : { payloadType, encoding, clockRate, channels };
}

/**
 * The static payload types of RFC 3551 §6 (Tables 4 and 5), which an m= line may use without an
 * rtpmap (RFC 8866 §6.6: "static payload types ... need not be described by rtpmap").
 */
const STATIC: readonly (SdpRtpMap | undefined)[] = (() => {
  const t: (SdpRtpMap | undefined)[] = [];
  for (const m of [
    st(0, "PCMU", 8000), st(3, "GSM", 8000), st(4, "G723", 8000), st(5, "DVI4", 8000), st(6, "DVI4", 16000),
    st(7, "LPC", 8000), st(8, "PCMA", 8000), st(9, "G722", 8000), st(10, "L16", 44100, 2), st(11, "L16", 44100),
    st(12, "QCELP", 8000), st(13, "CN", 8000), st(14, "MPA", 90000), st(15, "G728", 8000), st(16, "DVI4", 11025),
    st(17, "DVI4", 22050), st(18, "G729", 8000), st(25, "CelB", 90000), st(26, "JPEG", 90000), st(28, "nv", 90000),
    st(31, "H261", 90000), st(32, "MPV", 90000), st(33, "MP2T", 90000), st(34, "H263", 90000),
  ]) t[m.payloadType] = m;
  return t;
})();

/** The RFC 3551 static mapping of payload type `pt`, or undefined for dynamic or unassigned types. */
export function staticRtpMap(pt: number): SdpRtpMap | undefined {
  return pt >= 0 && pt < 35 ? STATIC[pt] : undefined;
}

/** True for the dynamic payload type range 96–127 (RFC 3551 §3). */
export function isDynamicPayloadType(pt: number): boolean {
  return pt >= 96 && pt <= 127;
}

/** The RFC 3551 static payload type of an encoding, or undefined when it has none. */
export function staticPayloadType(name: string, clockRate: number, channels = 1): number | undefined {
  const n = name.toLowerCase();
  for (let pt = 0; pt < STATIC.length; pt++) {
    const m = STATIC[pt];
    if (m && m.clockRate === clockRate && (m.channels ?? 1) === channels && m.encoding.toLowerCase() === n) return pt;
  }
  return undefined;
}
