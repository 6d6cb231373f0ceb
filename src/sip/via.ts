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
import {
  fail,
  formatGenericParams,
  formatHost,
  getParam,
  isHost,
  isToken,
  parseGenericParams,
  parseIpv4,
  parseIpv6,
  readHost,
  readToken,
  readUint,
  scan,
  scanUint,
  setParam,
  skipLws,
} from "./grammar.ts";
import type { Params, Via } from "./types.ts";

function expectSlash(text: string, pos: number, end: number): number {
  pos = skipLws(text, pos, end);
  if (pos >= end || text.charCodeAt(pos) !== 0x2f) fail("BAD_VIA", "expected '/' in sent-protocol", pos);
  return skipLws(text, pos + 1, end);
}

function readVia(text: string, pos: number, end: number): Via {
  pos = skipLws(text, pos, end);
  const name = readToken(text, pos, end, "BAD_VIA", "protocol name");
  pos = expectSlash(text, scan.end, end);
  const version = readToken(text, pos, end, "BAD_VIA", "protocol version");
  pos = expectSlash(text, scan.end, end);
  const transport = readToken(text, pos, end, "BAD_VIA", "transport");
  pos = skipLws(text, scan.end, end);
  if (pos === scan.end) fail("BAD_VIA", "expected whitespace before sent-by", pos);
  const host = readHost(text, pos, end, "BAD_VIA");
  pos = scan.end;
  let port: number | undefined;
  const colon = skipLws(text, pos, end);
  if (colon < end && text.charCodeAt(colon) === 0x3a) {
    port = readUint(text, skipLws(text, colon + 1, end), end, 65535, "BAD_VIA", "sent-by port", "BAD_VIA");
    pos = scan.end;
  }
  const params: Params = {};
  const after = parseGenericParams(text, pos, end, params, "BAD_VIA", "received");
  const branch = getParam(params, "branch");
  if (branch === null || (branch !== undefined && !isToken(branch))) fail("BAD_VIA", "branch must be a token", pos);
  const received = getParam(params, "received");
  if (received === null || (received !== undefined && !isIpAddress(received))) {
    fail("BAD_VIA", "received must be an IP address", pos);
  }
  const rportText = getParam(params, "rport");
  let rport: number | true | undefined;
  if (rportText === null) {
    rport = true;
  } else if (rportText !== undefined) {
    const n = scanUint(rportText, 0, rportText.length, 65535);
    if (n < 1 || scan.end !== rportText.length) fail("BAD_VIA", "rport must be a port 1..65535", pos);
    rport = n;
  }
  const ttl = getParam(params, "ttl");
  if (ttl !== undefined) {
    // ttl = 1*3DIGIT ; 0 to 255
    const n = ttl === null || ttl.length > 3 ? -1 : scanUint(ttl, 0, ttl.length, 255);
    if (n < 0 || scan.end !== (ttl as string).length) fail("BAD_VIA", "ttl must be 0..255", pos);
  }
  const maddr = getParam(params, "maddr");
  if (maddr !== undefined && (maddr === null || !isHost(maddr))) fail("BAD_VIA", "maddr must be a host", pos);
  scan.end = after;
  return {
    protocol: name.toUpperCase() + "/" + version,
    transport: transport.toUpperCase(),
    host,
    port,
    branch: branch ?? undefined,
    received: received ?? undefined,
    rport,
    params,
  };
}

/** received = IPv4address / IPv6address; the bracketed form is tolerated (RFC 5118 §4.5). */
function isIpAddress(s: string): boolean {
  if (s.charCodeAt(0) === 0x5b) return s.charCodeAt(s.length - 1) === 0x5d && parseIpv6(s, 1, s.length - 1) !== undefined;
  return parseIpv4(s, 0, s.length) !== undefined || parseIpv6(s, 0, s.length) !== undefined;
}

/**
 * Parses one Via field value, which may hold several comma-separated via-parms (top first).
 * Protocol name and transport are upper-cased; LWS is allowed around `/` and `:` (RFC 4475
 * §3.1.1.1 wsinv). Throws SipParseError `BAD_VIA` (e.g. RFC 4475 §3.1.2.1 badinv01 `;;,;,,`).
 */
export function parseVia(text: string): Via[] {
  const out: Via[] = [];
  const end = text.length;
  let p = 0;
  for (;;) {
    out.push(readVia(text, p, end));
    p = skipLws(text, scan.end, end);
    if (p >= end) return out;
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_VIA", "expected ',' or ';' after a via-parm", p);
    p++;
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
