/**
 * The structured lines of RFC 8866 §5: origin (o=), connection (c=), bandwidth (b=) and timing
 * (t=, r=). Each has a plain-object shape, a reader of the line's value that returns `undefined` when
 * the value is malformed (the description parser knows the line and reports it), the public
 * `parseX`/`tryParseX` pair made from it, and a formatter.
 */
import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2).
 * The id and version are kept as digit strings: they are 64-bit in practice (NTP timestamps) and
 * must survive a round trip exactly.
 */
export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/**
 * `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). `ttl` is the IPv4 multicast TTL
 * (`224.2.1.1/127`), `count` the number of addresses (`224.2.1.1/127/3`, or `ff00::1/3` for IPv6).
 */
export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
  ttl?: number;
  count?: number;
}

/** `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8): CT and AS in kbit/s, TIAS (RFC 3890) in bit/s. */
export interface SdpBandwidth {
  type: string;
  value: number;
}

/**
 * One time description (RFC 8866 §5.9, §5.10): `t=<start-time> <stop-time>` in NTP seconds (0 for
 * unbounded) and the `r=` lines that follow it, kept as their text (`7d 1h 0 25h`).
 */
export interface SdpTiming {
  start: number;
  stop: number;
  repeats: string[];
}

/** Splits a value on runs of spaces (RFC 8866 separates fields by one SP; peers sometimes use more). */
export function splitFields(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && value.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    let j = i + 1;
    while (j < n && value.charCodeAt(j) !== 32) j++;
    out.push(value.slice(i, j));
    i = j;
  }
  return out;
}

/** True when `s` is one or more ASCII digits. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Parses a decimal integer in [0, max], or returns -1. */
export function parseUint(s: string, max: number): number {
  if (s.length === 0 || s.length > 16) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= max ? v : -1;
}

/** @internal Reads an o= value, or returns undefined when it is malformed. */
export function readOrigin(value: string): SdpOrigin | undefined {
  const f = splitFields(value);
  if (f.length !== 6 || !isDigits(f[1]!) || !isDigits(f[2]!)) return undefined;
  return { username: f[0]!, sessionId: f[1]!, sessionVersion: f[2]!, netType: f[3]!, addrType: f[4]!, address: f[5]! };
}

/** Parses an o= value (RFC 8866 §5.2). @throws SdpParseError BAD_ORIGIN when it is malformed. */
export const parseOrigin: (value: string) => SdpOrigin = throwingParser(readOrigin, "o=", "BAD_ORIGIN");

/** {@link parseOrigin} as a result value: `{ ok: false, code: "BAD_ORIGIN", offset: 0 }`, no Error built. */
export const tryParseOrigin: (value: string) => ParseResult<SdpOrigin, SdpErrorCode> = resultParser(readOrigin, "BAD_ORIGIN");

/** Formats an o= value. */
export function formatOrigin(o: SdpOrigin): string {
  return `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`;
}

/** @internal Reads a c= value, or returns undefined when it is malformed. */
export function readConnection(value: string): SdpConnection | undefined {
  const f = splitFields(value);
  if (f.length !== 3) return undefined;
  const addr = f[2]!;
  const slash = addr.indexOf("/");
  if (slash < 0) return { netType: f[0]!, addrType: f[1]!, address: addr };
  if (slash === 0) return undefined;
  const parts = addr.slice(slash + 1).split("/");
  if (parts.length > 2) return undefined;
  const a = parseUint(parts[0]!, 0xffffffff);
  const b = parts.length === 2 ? parseUint(parts[1]!, 0xffffffff) : 0;
  if (a < 0 || b < 0) return undefined;
  const c: SdpConnection = { netType: f[0]!, addrType: f[1]!, address: addr.slice(0, slash) };
  // RFC 8866 §5.7: IPv6 multicast has no TTL, so its one suffix is the address count.
  if (f[1] === "IP6") {
    if (parts.length === 2) return undefined;
    c.count = a;
  } else {
    c.ttl = a;
    if (parts.length === 2) c.count = b;
  }
  return c;
}

/** Parses a c= value (RFC 8866 §5.7). @throws SdpParseError BAD_CONNECTION when it is malformed. */
export const parseConnection: (value: string) => SdpConnection = throwingParser(readConnection, "c=", "BAD_CONNECTION");

/** {@link parseConnection} as a result value: `{ ok: false, code: "BAD_CONNECTION", offset: 0 }`, no Error built. */
export const tryParseConnection: (value: string) => ParseResult<SdpConnection, SdpErrorCode> = resultParser(readConnection, "BAD_CONNECTION");

/** Formats a c= value. */
export function formatConnection(c: SdpConnection): string {
  let s = `${c.netType} ${c.addrType} ${c.address}`;
  if (c.ttl !== undefined) s += `/${c.ttl}`;
  if (c.count !== undefined) s += `/${c.count}`;
  return s;
}

/** @internal Reads a b= value, or returns undefined when it is malformed. */
export function readBandwidth(value: string): SdpBandwidth | undefined {
  const colon = value.indexOf(":");
  if (colon <= 0) return undefined;
  const v = parseUint(value.slice(colon + 1), Number.MAX_SAFE_INTEGER);
  return v < 0 ? undefined : { type: value.slice(0, colon), value: v };
}

/** Parses a b= value (RFC 8866 §5.8). @throws SdpParseError BAD_BANDWIDTH when it is malformed. */
export const parseBandwidth: (value: string) => SdpBandwidth = throwingParser(readBandwidth, "b=", "BAD_BANDWIDTH");

/** {@link parseBandwidth} as a result value: `{ ok: false, code: "BAD_BANDWIDTH", offset: 0 }`, no Error built. */
export const tryParseBandwidth: (value: string) => ParseResult<SdpBandwidth, SdpErrorCode> = resultParser(readBandwidth, "BAD_BANDWIDTH");

/** Formats a b= value. */
export function formatBandwidth(b: SdpBandwidth): string {
  return `${b.type}:${b.value}`;
}

/** @internal Reads a t= value into a timing without repeats, or returns undefined when it is malformed. */
export function readTiming(value: string): SdpTiming | undefined {
  const f = splitFields(value);
  if (f.length !== 2) return undefined;
  const start = parseUint(f[0]!, Number.MAX_SAFE_INTEGER);
  const stop = parseUint(f[1]!, Number.MAX_SAFE_INTEGER);
  return start < 0 || stop < 0 ? undefined : { start, stop, repeats: [] };
}

/** Checks an r= value: `<repeat interval> <active duration> <offsets from start-time>` (RFC 8866 §5.10). */
export function isRepeat(value: string): boolean {
  return splitFields(value).length >= 3;
}

/** True for the unspecified addresses that mean "do not send to me" (RFC 3264 §8.4, RFC 2543 hold). */
export function isNullAddress(address: string): boolean {
  return address === "0.0.0.0" || address === "::" || address === "0:0:0:0:0:0:0:0";
}
