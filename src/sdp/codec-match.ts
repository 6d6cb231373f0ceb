import { parseFormatParameters } from "./fmtp.ts";
import type { SdpCodec } from "./capabilities.ts";
import type { MediaDescription } from "./media-description.ts";
import type { SdpRtpMap } from "./rtpmap.ts";

/** One entry of an m= line's format list with its encoding and format parameters. */
export interface OfferedFormat {
  payloadType: number;
  rtpMap: SdpRtpMap;
  fmtp: string | undefined;
}

/** The RTP formats of a media section that have an encoding (rtpmap or static), in m= order. */
export function formatsOf(m: MediaDescription): OfferedFormat[] {
  const out: OfferedFormat[] = [];
  for (const pt of m.payloadTypes) {
    const rtpMap = m.rtpMap(pt);
    if (rtpMap) out.push({ payloadType: pt, rtpMap, fmtp: m.fmtpText(pt) });
  }
  return out;
}

/** True for RFC 4733 named events; RFC 3264 §10.1 spells it `telephone-events`. */
export function isTelephoneEvent(name: string): boolean {
  const n = name.toLowerCase();
  return n === "telephone-event" || n === "telephone-events";
}

/**
 * Parameters whose values must be equal at both ends or the streams cannot interoperate, with
 * their defaults: H.264 packetization-mode (RFC 6184 §8.2.2) and AMR/AMR-WB octet-align (RFC 4867
 * §8.3.1). Everything else in an fmtp is a receiver's preference that the sender honours.
 */
const MUST_MATCH: Record<string, readonly [string, string][]> = {
  h264: [["packetization-mode", "0"]],
  amr: [["octet-align", "0"]],
  "amr-wb": [["octet-align", "0"]],
};

/** True when a local codec and an offered format are the same codec (RFC 3264 §6.1). */
export function sameCodec(local: SdpCodec, offered: OfferedFormat): boolean {
  const r = offered.rtpMap;
  if (local.clockRate !== r.clockRate || local.name.toLowerCase() !== r.encoding.toLowerCase()) return false;
  if ((local.channels ?? 1) !== (r.channels ?? 1)) return false;
  const rules = MUST_MATCH[r.encoding.toLowerCase()];
  if (!rules) return true;
  const a = parseFormatParameters(local.fmtp ?? "");
  const b = parseFormatParameters(offered.fmtp ?? "");
  for (const [name, dflt] of rules) if ((a[name] ?? dflt) !== (b[name] ?? dflt)) return false;
  return true;
}

/** True when an rtpmap describes the same encoding as another (name, clock rate and channels). */
export function sameEncoding(a: SdpRtpMap, b: SdpRtpMap): boolean {
  return a.clockRate === b.clockRate && (a.channels ?? 1) === (b.channels ?? 1) && a.encoding.toLowerCase() === b.encoding.toLowerCase();
}
