/**
 * Via (RFC 3261 §20.42, §18.2.1, §25.1; `rport` RFC 3581; IPv6 RFC 5118).
 *
 *     Via           = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm)
 *     via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
 *     sent-protocol = protocol-name SLASH protocol-version SLASH transport
 *     sent-by       = host [ COLON port ]
 *     via-params    = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension
 *     via-received  = "received" EQUAL (IPv4address / IPv6address)
 *     response-port = "rport" [EQUAL 1*DIGIT]                          (RFC 3581 §3)
 *     SLASH = SWS "/" SWS     COLON = SWS ":" SWS
 */
import type { ParseResult } from "../errors.ts";
import type { SipErrorCode } from "./errors.ts";
import { isToken, readToken, readUint, scan, scanToken, scanUint, skipLws } from "./grammar.ts";
import { attempt, fail, run } from "./failure.ts";
import { formatHost, isHost, isIpv4, parseIpv6, readHost } from "./host.ts";
import { addParam, formatGenericParams, getParam, param, readParam, setParam } from "./params.ts";
import type { Params, Via } from "./types.ts";

/** A parsed via-parm: prints as its RFC 3261 §20.42 text (`SIP/2.0/UDP host:port;branch=...`). */
export class ViaValue implements Via {
  protocol: string;
  transport: string;
  host: string;
  port: number | undefined;
  branch: string | undefined;
  received: string | undefined;
  rport: number | true | undefined;
  params: Params;

  constructor(
    protocol: string,
    transport: string,
    host: string,
    port: number | undefined,
    branch: string | undefined,
    received: string | undefined,
    rport: number | true | undefined,
    params: Params,
  ) {
    this.protocol = protocol;
    this.transport = transport;
    this.host = host;
    this.port = port;
    this.branch = branch;
    this.received = received;
    this.rport = rport;
    this.params = params;
  }

  /** The via-parm as text. */
  toString(): string {
    return formatVia(this);
  }

  /** The fields as a plain object. */
  toJSON(): Via {
    const { protocol, transport, host, port, branch, received, rport, params } = this;
    return { protocol, transport, host, port, branch, received, rport, params };
  }
}

function expectSlash(text: string, pos: number, end: number): number {
  pos = skipLws(text, pos, end);
  if (pos >= end || text.charCodeAt(pos) !== 0x2f) fail("BAD_VIA", "expected '/' in sent-protocol", pos);
  return skipLws(text, pos + 1, end);
}

/** True when `SIP/2.0/` (the name in any case) is at `pos`: the sent-protocol of every SIP message. */
function isSip20(text: string, pos: number, end: number): boolean {
  return (
    pos + 8 <= end &&
    (text.charCodeAt(pos) | 0x20) === 0x73 &&
    (text.charCodeAt(pos + 1) | 0x20) === 0x69 &&
    (text.charCodeAt(pos + 2) | 0x20) === 0x70 &&
    text.charCodeAt(pos + 3) === 0x2f &&
    text.charCodeAt(pos + 4) === 0x32 &&
    text.charCodeAt(pos + 5) === 0x2e &&
    text.charCodeAt(pos + 6) === 0x30 &&
    text.charCodeAt(pos + 7) === 0x2f
  );
}

/** The upper-cased transport token `text[pos, end)`; the RFC 3261 §25.1 / RFC 7118 names as constants. */
function transportName(text: string, pos: number, end: number): string {
  const n = end - pos;
  if (n === 3 || n === 2) {
    const a = text.charCodeAt(pos) & 0xdf;
    const b = text.charCodeAt(pos + 1) & 0xdf;
    const c = n === 3 ? text.charCodeAt(pos + 2) & 0xdf : 0;
    // `& 0xdf` upper-cases letters; the token characters it also maps are not letters of these names
    if (a === 0x55 && b === 0x44 && c === 0x50 && isLetters(text, pos, end)) return "UDP";
    if (a === 0x54 && b === 0x43 && c === 0x50 && isLetters(text, pos, end)) return "TCP";
    if (a === 0x54 && b === 0x4c && c === 0x53 && isLetters(text, pos, end)) return "TLS";
    if (a === 0x57 && b === 0x53 && isLetters(text, pos, end)) return c === 0 ? "WS" : c === 0x53 ? "WSS" : text.slice(pos, end).toUpperCase();
  }
  return text.slice(pos, end).toUpperCase();
}

function isLetters(text: string, pos: number, end: number): boolean {
  for (let p = pos; p < end; p++) {
    const c = text.charCodeAt(p) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

function readViaParm(text: string, pos: number, end: number): ViaValue {
  pos = skipLws(text, pos, end);
  let protocol: string;
  if (isSip20(text, pos, end)) {
    protocol = "SIP/2.0";
    pos = skipLws(text, pos + 8, end);
  } else {
    const name = readToken(text, pos, end, "BAD_VIA", "protocol name");
    pos = expectSlash(text, scan.end, end);
    const version = readToken(text, pos, end, "BAD_VIA", "protocol version");
    pos = expectSlash(text, scan.end, end);
    protocol = name.toUpperCase() + "/" + version;
  }
  const transportEnd = scanToken(text, pos, end);
  if (transportEnd === pos) fail("BAD_VIA", "expected transport", pos);
  const transport = transportName(text, pos, transportEnd);
  pos = skipLws(text, transportEnd, end);
  if (pos === transportEnd) fail("BAD_VIA", "expected whitespace before sent-by", pos);
  const host = readHost(text, pos, end, "BAD_VIA");
  pos = scan.end;
  let port: number | undefined;
  if (pos < end) {
    let colon = pos;
    let c = text.charCodeAt(pos);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      colon = skipLws(text, pos, end);
      c = colon < end ? text.charCodeAt(colon) : 0;
    }
    if (c === 0x3a) {
      port = readUint(text, skipLws(text, colon + 1, end), end, 65535, "BAD_VIA", "sent-by port", "BAD_VIA");
      pos = scan.end;
    }
  }
  // via-params: the known ones are picked up while the object is built (first occurrence wins).
  const params: Params = {};
  const paramsAt = pos;
  let branch: string | null | undefined;
  let branchToken = false;
  let received: string | null | undefined;
  let rportText: string | null | undefined;
  let ttl: string | null | undefined;
  let maddr: string | null | undefined;
  let n = 0;
  for (;;) {
    pos = readParam(text, pos, end, "BAD_VIA", "received");
    const name = param.name;
    if (name === "") break;
    const value = param.value;
    // Named stores for the names Via defines keep those sites monomorphic; a repeat is ignored.
    if (name === "branch") {
      if (branch !== undefined) continue;
      params.branch = branch = value;
      branchToken = param.token;
    } else if (name === "rport") {
      if (rportText !== undefined) continue;
      params.rport = rportText = value;
    } else if (name === "received") {
      if (received !== undefined) continue;
      params.received = received = value;
    } else if (name === "ttl") {
      if (ttl !== undefined) continue;
      params.ttl = ttl = value;
    } else if (name === "maddr") {
      if (maddr !== undefined) continue;
      params.maddr = maddr = value;
    } else if (!addParam(params, name, value, n)) {
      continue;
    }
    n++;
  }
  if (branch === null || (branch !== undefined && !branchToken && !isToken(branch))) {
    fail("BAD_VIA", "branch must be a token", paramsAt);
  }
  if (received === null || (received !== undefined && !isIpAddress(received))) {
    fail("BAD_VIA", "received must be an IP address", paramsAt);
  }
  let rport: number | true | undefined;
  if (rportText === null) {
    rport = true;
  } else if (rportText !== undefined) {
    const r = scanUint(rportText, 0, rportText.length, 65535);
    if (r < 1 || scan.end !== rportText.length) fail("BAD_VIA", "rport must be a port 1..65535", paramsAt);
    rport = r;
  }
  if (ttl !== undefined) {
    // ttl = 1*3DIGIT ; 0 to 255
    const t = ttl === null || ttl.length > 3 ? -1 : scanUint(ttl, 0, ttl.length, 255);
    if (t < 0 || scan.end !== (ttl as string).length) fail("BAD_VIA", "ttl must be 0..255", paramsAt);
  }
  if (maddr !== undefined && (maddr === null || !isHost(maddr))) fail("BAD_VIA", "maddr must be a host", paramsAt);
  scan.end = pos;
  return new ViaValue(protocol, transport, host, port, branch ?? undefined, received ?? undefined, rport, params);
}

/** received = IPv4address / IPv6address; the bracketed form is tolerated (RFC 5118 §4.5). */
function isIpAddress(s: string): boolean {
  if (s.charCodeAt(0) === 0x5b) return s.charCodeAt(s.length - 1) === 0x5d && parseIpv6(s, 1, s.length - 1) !== undefined;
  return isIpv4(s, 0, s.length) || parseIpv6(s, 0, s.length) !== undefined;
}

/**
 * Parses one Via field value, which may hold several comma-separated via-parms (top first).
 * Protocol name and transport are upper-cased; LWS is allowed around `/` and `:` (RFC 4475
 * §3.1.1.1 wsinv). Each value prints as its via-parm (`String(via)`).
 * @throws SipParseError `BAD_VIA` (e.g. RFC 4475 §3.1.2.1 badinv01 `;;,;,,`) with the offset.
 */
export function parseVia(text: string): Via[] {
  return run(readVia, text);
}

/** {@link parseVia} as a result value: `{ ok: false, code, offset }` for malformed text, no Error built. */
export function tryParseVia(text: string): ParseResult<Via[], SipErrorCode> {
  return attempt(readVia, text);
}

/** @internal {@link parseVia} inside src/sip. */
export function readVia(text: string): Via[] {
  const end = text.length;
  // Made with its first value: an empty array grown by push would reserve room for 17.
  const out: Via[] = [readViaParm(text, 0, end)];
  let p = skipLws(text, scan.end, end);
  if (p >= end) return out;
  for (;;) {
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_VIA", "expected ',' or ';' after a via-parm", p);
    p++;
    out.push(readViaParm(text, p, end));
    p = skipLws(text, scan.end, end);
    if (p >= end) return out;
  }
}

/**
 * Formats one via-parm: `SIP/2.0/UDP host:port;params`. `branch`, `received` and `rport`, when
 * set, override the same-named entries of `params` (`rport: true` is written without a value).
 */
export function formatVia(v: Via): string {
  const fields: Record<string, string | null | undefined> = {
    branch: v.branch,
    received: v.received,
    rport: v.rport === undefined ? undefined : v.rport === true ? null : String(v.rport),
  };
  const params: Params = {};
  for (const k of Object.keys(v.params)) {
    const f = Object.hasOwn(fields, k) ? fields[k] : undefined;
    setParam(params, k, f !== undefined ? f : v.params[k]);
  }
  for (const k of Object.keys(fields)) {
    if (fields[k] !== undefined) setParam(params, k, fields[k]);
  }
  // received may be a bare IPv6 address (via-received), which is not a gen-value: write it as is.
  const received = getParam(params, "received");
  let tail: string;
  if (typeof received === "string" && received.indexOf(":") >= 0) {
    tail = "";
    for (const k of Object.keys(params)) {
      tail += k === "received" ? `;received=${received}` : formatGenericParams({ [k]: params[k]! });
    }
  } else {
    tail = formatGenericParams(params);
  }
  const port = v.port === undefined ? "" : `:${v.port}`;
  return `${v.protocol}/${v.transport} ${formatHost(v.host)}${port}${tail}`;
}
