/**
 * Hosts in SIP URIs, Via sent-by and parameters (RFC 3261 §25.1, RFC 5954 §4.1, RFC 5118):
 *
 *     host          = hostname / IPv4address / IPv6reference
 *     hostname      = *( domainlabel "." ) toplabel [ "." ]
 *     domainlabel   = alphanum / alphanum *( alphanum / "-" ) alphanum
 *     toplabel      = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 *     IPv4address   = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
 *     IPv6reference = "[" IPv6address "]"
 *
 * Scanners index UTF-16 code units and allocate nothing on the hostname and IPv4 paths.
 *
 * Internal to src/sip: not re-exported by src/sip/index.ts.
 */
import { C_ALPHA, C_DIGIT, C_HEX, C_HOSTCHAR, CLASS, is, scan } from "./grammar.ts";
import { fail } from "./failure.ts";
import type { SipErrorCode } from "./errors.ts";

/**
 * Parses IPv6 address text `text[pos, end)` (no brackets) into eight 16-bit groups, or returns
 * undefined when it is not one:
 *
 *     IPv6address = hexpart [ ":" IPv4address ]     (RFC 3261; corrected by RFC 5954 §4.1)
 *     hexpart     = hexseq / hexseq "::" [ hexseq ] / "::" [ hexseq ]
 *     hexseq      = hex4 *( ":" hex4)
 *     hex4        = 1*4HEXDIG
 *
 * The RFC 5118 §4.10 form with an extra colon before an embedded IPv4 address (`2001:db8:::192.0.2.1`,
 * produced by the RFC 3261 ABNF bug) is accepted as if written with two.
 */
export function parseIpv6(text: string, pos: number, end: number): number[] | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let seenGap = false;
  let p = pos;
  if (p >= end) return undefined;
  if (text.charCodeAt(p) === 0x3a) {
    if (p + 1 >= end || text.charCodeAt(p + 1) !== 0x3a) return undefined;
    seenGap = true;
    p += 2;
    if (p < end && text.charCodeAt(p) === 0x3a) {
      if (!ipv4Follows(text, p + 1, end)) return undefined;
      p++; // RFC 5118 §4.10: ":::" before an IPv4 address
    }
    if (p >= end) return [0, 0, 0, 0, 0, 0, 0, 0];
  }
  for (;;) {
    const groups = seenGap ? tail : head;
    // An embedded IPv4 address may end the text (after at least one colon or the gap).
    let q = p;
    let v = 0;
    for (; q < end; q++) {
      const c = text.charCodeAt(q);
      if (c >= 128 || (CLASS[c]! & C_HEX) === 0) break;
      v = (v << 4) | (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
    }
    if (q < end && text.charCodeAt(q) === 0x2e) {
      const v4 = ipv4Value(text, p, end);
      if (v4 < 0) return undefined;
      groups.push(Math.floor(v4 / 0x10000), v4 & 0xffff);
      p = end;
      break;
    }
    if (q === p || q - p > 4) return undefined;
    groups.push(v);
    p = q;
    if (p >= end) break;
    if (text.charCodeAt(p) !== 0x3a) return undefined;
    p++;
    if (p < end && text.charCodeAt(p) === 0x3a) {
      if (seenGap) return undefined;
      seenGap = true;
      p++;
      if (p < end && text.charCodeAt(p) === 0x3a) {
        // RFC 5118 §4.10: tolerate ":::" only when an IPv4 address follows.
        if (!ipv4Follows(text, p + 1, end)) return undefined;
        p++;
      }
      if (p >= end) break;
    } else if (p >= end) {
      return undefined; // trailing single colon
    }
    if (head.length + tail.length > 8) return undefined;
  }
  const n = head.length + tail.length;
  if (seenGap ? n > 7 : n !== 8) return undefined;
  const out = head.slice();
  for (let i = n; i < 8; i++) out.push(0);
  for (let i = 0; i < tail.length; i++) out[8 - tail.length + i] = tail[i]!;
  return out;
}

function ipv4Follows(text: string, pos: number, end: number): boolean {
  let r = pos;
  while (r < end && is(text.charCodeAt(r), C_DIGIT)) r++;
  return r > pos && r < end && text.charCodeAt(r) === 0x2e;
}

/**
 * `text[pos, end)` as a dotted-quad IPv4 address (each part 0..255, 1 to 3 digits) packed into
 * an unsigned 32-bit number, or -1 when it is not one. Allocates nothing.
 */
function ipv4Value(text: string, pos: number, end: number): number {
  let out = 0;
  let p = pos;
  for (let i = 0; i < 4; i++) {
    let v = 0;
    const s = p;
    while (p < end && p - s < 3) {
      const c = text.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      p++;
    }
    if (p === s || v > 255) return -1;
    out = out * 256 + v;
    if (i < 3) {
      if (p >= end || text.charCodeAt(p) !== 0x2e) return -1;
      p++;
    }
  }
  return p === end ? out : -1;
}

/** Parses `text[pos, end)` as a dotted-quad IPv4 address (each part 0..255), or undefined. */
export function parseIpv4(text: string, pos: number, end: number): number[] | undefined {
  const v = ipv4Value(text, pos, end);
  if (v < 0) return undefined;
  return [Math.floor(v / 0x1000000), (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

/** True when `text[pos, end)` is a dotted-quad IPv4 address (RFC 3261 §25.1 IPv4address). */
export function isIpv4(text: string, pos: number, end: number): boolean {
  return ipv4Value(text, pos, end) >= 0;
}

/**
 * True when `text[pos, end)` is a hostname (RFC 3261 §25.1):
 *
 *     hostname    = *( domainlabel "." ) toplabel [ "." ]
 *     domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
 *     toplabel    = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 */
export function isHostname(text: string, pos: number, end: number): boolean {
  if (pos >= end) return false;
  if (text.charCodeAt(end - 1) === 0x2e) end--; // optional trailing dot
  let labelStart = pos;
  for (let p = pos; p <= end; p++) {
    const c = p < end ? text.charCodeAt(p) : 0x2e;
    if (c === 0x2e) {
      if (p === labelStart) return false;
      if (text.charCodeAt(p - 1) === 0x2d || text.charCodeAt(labelStart) === 0x2d) return false;
      if (p === end && !is(text.charCodeAt(labelStart), C_ALPHA)) return false;
      labelStart = p + 1;
    } else if (c >= 128 || (CLASS[c]! & C_HOSTCHAR) === 0) {
      return false;
    }
  }
  return true;
}

/**
 * Scans `host` (hostname / IPv4address / IPv6reference) at `pos`; returns it (hostname and IPv6
 * lower-cased; the RFC 5118 §4.10 three-colon form rewritten with two) and leaves the end in
 * {@link scan}.end. The hostname rules (§25.1) or the IPv4 form are checked during the one scan
 * that finds the end; only an IPv6 reference is scanned twice.
 */
export function readHost(text: string, pos: number, end: number, code: SipErrorCode): string {
  if (pos < end && text.charCodeAt(pos) === 0x5b) return readIpv6Reference(text, pos, end, code);
  let p = pos;
  let labelStart = pos;
  let prevLabelStart = pos;
  let digitsOnly = true;
  let upper = false;
  let ok = true;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c >= 0x61 && c <= 0x7a) {
      digitsOnly = false;
    } else if (c === 0x2e) {
      // no empty label, no label ending in "-"
      if (p === labelStart || text.charCodeAt(p - 1) === 0x2d) ok = false;
      prevLabelStart = labelStart;
      labelStart = p + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      // digit
    } else if (c >= 0x41 && c <= 0x5a) {
      digitsOnly = false;
      upper = true;
    } else if (c === 0x2d) {
      digitsOnly = false;
      if (p === labelStart) ok = false; // no label starting with "-"
    } else {
      break;
    }
    p++;
  }
  if (p === pos) fail(code, "expected a host", pos);
  scan.end = p;
  if (digitsOnly) {
    if (ipv4Value(text, pos, p) < 0) fail(code, "invalid IPv4 address", pos);
    return text.slice(pos, p);
  }
  // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum, before an optional trailing dot
  const top = labelStart === p ? prevLabelStart : labelStart;
  if (!ok || text.charCodeAt(p - 1) === 0x2d || !is(text.charCodeAt(top), C_ALPHA) || (labelStart === p && top === p)) {
    fail(code, "invalid host name", pos);
  }
  const h = text.slice(pos, p);
  return upper ? h.toLowerCase() : h;
}

function readIpv6Reference(text: string, pos: number, end: number, code: SipErrorCode): string {
  let p = pos + 1;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c !== 0x3a && c !== 0x2e && !is(c, C_HEX)) break;
    p++;
  }
  if (p >= end || text.charCodeAt(p) !== 0x5d) fail(code, "unterminated IPv6 reference", pos);
  if (parseIpv6(text, pos + 1, p) === undefined) fail(code, "invalid IPv6 address", pos + 1);
  scan.end = p + 1;
  let v = text.slice(pos, p + 1).toLowerCase();
  const bug = v.indexOf(":::");
  if (bug >= 0) v = v.slice(0, bug) + v.slice(bug + 1);
  return v;
}

/** True when `s` is a valid host (hostname, IPv4 address or bracketed IPv6 reference). */
export function isHost(s: string): boolean {
  try {
    readHost(s, 0, s.length, "BAD_URI");
    return scan.end === s.length;
  } catch {
    return false;
  }
}

/** Writes a host, adding the brackets an IPv6 address needs in a URI or Via (RFC 5118 §4.3). */
export function formatHost(host: string): string {
  return host.indexOf(":") >= 0 && host.charCodeAt(0) !== 0x5b ? `[${host}]` : host;
}

/**
 * A comparison key for a host (RFC 3261 §19.1.4: hosts compare case-insensitively): IPv6
 * references become their eight groups so that `[2001:db8::10]` equals `[2001:db8:0:0:0:0:0:10]`.
 */
export function hostKey(host: string): string {
  if (host.charCodeAt(0) === 0x5b) {
    const g = parseIpv6(host, 1, host.length - 1);
    if (g !== undefined) return `[${g.join(":")}]`;
  }
  return host.toLowerCase();
}
