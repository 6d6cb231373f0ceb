import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint, splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1): where the peer wants
 * RTCP when it is not on the RTP port + 1.
 */
export interface SdpRtcp {
  port: number;
  netType?: string | undefined;
  addrType?: string | undefined;
  address?: string | undefined;
}

/** @internal Reads an rtcp value, or returns undefined when it is malformed. */
export function readRtcp(value: string): SdpRtcp | undefined {
  const f = splitFields(value);
  if (f.length !== 1 && f.length !== 4) return undefined;
  const port = parseUint(f[0]!, 65535);
  if (port < 0) return undefined;
  return f.length === 1 ? { port } : { port, netType: f[1]!, addrType: f[2]!, address: f[3]! };
}

/**
 * Parses an `a=rtcp` value (RFC 3605 §2.1). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseRtcp: (value: string) => SdpRtcp = throwingParser(readRtcp, "a=rtcp");

/** {@link parseRtcp} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseRtcp: (value: string) => ParseResult<SdpRtcp, SdpErrorCode> = resultParser(readRtcp);

/** Formats an rtcp value. */
export function formatRtcp(r: SdpRtcp): string {
  return r.address === undefined ? `${r.port}` : `${r.port} ${r.netType ?? "IN"} ${r.addrType ?? "IP4"} ${r.address}`;
}

/**
 * `a=rtcp-fb:<fmt> <type> [<subtype>]` (RFC 4585 §4.2): `format` is a payload type or `*`;
 * `parameters` is what follows the type (`pli`, `fir`, `trr-int 100`), undefined when nothing does.
 */
export interface SdpRtcpFeedback {
  format: string;
  type: string;
  parameters?: string | undefined;
}

/** @internal Reads an rtcp-fb value, or returns undefined when it is malformed. */
export function readRtcpFeedback(value: string): SdpRtcpFeedback | undefined {
  const s1 = value.indexOf(" ");
  if (s1 <= 0) return undefined;
  const rest = value.slice(s1 + 1).trimStart();
  if (!rest) return undefined;
  const s2 = rest.indexOf(" ");
  const fb: SdpRtcpFeedback = { format: value.slice(0, s1), type: s2 < 0 ? rest : rest.slice(0, s2) };
  if (s2 >= 0) fb.parameters = rest.slice(s2 + 1).trimStart();
  return fb;
}

/**
 * Parses an `a=rtcp-fb` value (RFC 4585 §4.2). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseRtcpFeedback: (value: string) => SdpRtcpFeedback = throwingParser(readRtcpFeedback, "a=rtcp-fb");

/** {@link parseRtcpFeedback} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseRtcpFeedback: (value: string) => ParseResult<SdpRtcpFeedback, SdpErrorCode> = resultParser(readRtcpFeedback);

/** Formats an rtcp-fb value. */
export function formatRtcpFeedback(fb: SdpRtcpFeedback): string {
  return fb.parameters === undefined ? `${fb.format} ${fb.type}` : `${fb.format} ${fb.type} ${fb.parameters}`;
}
