/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966; RFC 5118), and any other absoluteURI
 * kept opaque.
 *
 *     SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *     SIPS-URI = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
 *     userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 *     hostport = host [ ":" port ]          host = hostname / IPv4address / IPv6reference
 *     uri-parameters = *( ";" uri-parameter )   headers = "?" header *( "&" header )
 *
 *     telephone-uri = "tel:" ( global-number / local-number )     (RFC 3966 §3)
 *     global-number = "+" *phonedigit DIGIT *phonedigit *par
 *     local-number  = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex *par context *par
 */
import { SipParseError } from "./errors.ts";
import {
  C_ALNUM,
  C_ALPHA,
  C_DIGIT,
  C_HEX,
  C_HNV,
  C_PARAM,
  C_PASSWORD,
  C_SCHEME,
  C_URIC,
  C_USER,
  CLASS,
  equalsIgnoreCase,
  escapeText,
  fail,
  is,
  isToken,
  readUint,
  scan,
  scanClass,
  skipLws,
  unescapeRange,
} from "./grammar.ts";
import { formatHost, hostKey, isHost, isHostname, readHost } from "./host.ts";
import { addParam, getParam, paramName, setParam } from "./params.ts";
import type { OtherUri, Params, SipUri, TelUri, Uri } from "./types.ts";

/** Result of {@link tryParseUri}. */
export type UriResult = { ok: true; uri: Uri } | { ok: false; error: SipParseError };

/**
 * Parses a URI (surrounding whitespace ignored). `sip:` and `sips:` URIs are parsed fully, `tel:`
 * per RFC 3966, any other `scheme:` as an {@link OtherUri}. Throws {@link SipParseError} (`BAD_URI`)
 * with the character offset of the problem.
 *
 * %-escapes in the user, password, parameters and headers are resolved (RFC 3261 §19.1.2); a
 * Request-URI carrying headers (RFC 4475 §3.1.2.11 escruri) parses, and the caller sees
 * `headers` non-empty.
 */
export function parseUri(text: string): Uri {
  const start = skipLws(text, 0, text.length);
  let end = text.length;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return parseUriRange(text, start, end);
}

/** {@link parseUri} returning a result value instead of throwing. */
export function tryParseUri(text: string): UriResult {
  try {
    return { ok: true, uri: parseUri(text) };
  } catch (e) {
    if (e instanceof SipParseError) return { ok: false, error: e };
    throw e;
  }
}

/** Parses exactly `text[start, end)` as a URI; error offsets are relative to `text`. */
export function parseUriRange(text: string, start: number, end: number): Uri {
  if (start >= end) fail("BAD_URI", "empty URI", start);
  if (!is(text.charCodeAt(start), C_ALPHA)) fail("BAD_URI", "URI scheme must start with a letter", start);
  const colon = scanClass(text, start + 1, end, C_SCHEME);
  if (colon >= end || text.charCodeAt(colon) !== 0x3a) fail("BAD_URI", "expected scheme ':'", colon);
  if (colon - start === 3 && (text.charCodeAt(start) | 0x20) === 0x73) {
    // "sip" in any case: every character is a letter here, so `| 0x20` compares exactly.
    if ((text.charCodeAt(start + 1) | 0x20) === 0x69 && (text.charCodeAt(start + 2) | 0x20) === 0x70) {
      return parseSip(text, colon + 1, end, "sip");
    }
  }
  const scheme = text.slice(start, colon).toLowerCase();
  if (scheme === "sip" || scheme === "sips") return parseSip(text, colon + 1, end, scheme);
  if (scheme === "tel") return parseTel(text, colon + 1, end);
  return parseOther(text, colon + 1, end, scheme);
}

// --- sip / sips -------------------------------------------------------------------------------

/** Whether the last {@link scanEsc} met a `%`. */
let scannedPct = false;

/**
 * Scans characters of `mask` or `%`; {@link scannedPct} tells whether there was a `%` (then the
 * escapes are validated and resolved by unescapeRange; without one the range is already valid).
 */
function scanEsc(text: string, pos: number, end: number, mask: number): number {
  let pct = false;
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c < 128 && (CLASS[c]! & mask) !== 0) pos++;
    else if (c === 0x25) {
      pct = true;
      pos++;
    } else break;
  }
  scannedPct = pct;
  return pos;
}

function parseSip(text: string, pos: number, end: number, scheme: "sip" | "sips"): SipUri {
  const uri = readSip(text, pos, end, scheme);
  if (scan.end < end) fail("BAD_URI", "unexpected character in SIP URI", scan.end);
  return uri;
}

/**
 * Reads a `sip:` URI whose scheme and colon end just before `pos` (RFC 3261 §25.1 SIP-URI), as
 * far as its grammar goes, and leaves the position after it in {@link scan}.end. Every part of
 * the URI stops at a character its grammar does not allow, so the URI of `<sip:...>` ends at the
 * `>` without looking for it first; the caller checks that character. Throws SipParseError
 * (`BAD_URI`) as {@link parseUri}.
 */
export function readSipUri(text: string, pos: number, end: number): SipUri {
  return readSip(text, pos, end, "sip");
}

function readSip(text: string, pos: number, end: number, scheme: "sip" | "sips"): SipUri {
  // The first "@" ends the userinfo: no other part of a SIP URI may hold an unescaped "@".
  // On the way, note the first ":" and whether user and password need unescapeRange (a "%", or a
  // character of the other class) or are valid as they stand.
  let at = -1;
  let colon = -1;
  let plainUser = true;
  let plainPassword = true;
  for (let p = pos; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === 0x40) {
      at = p;
      break;
    }
    if (c === 0x3a) {
      if (colon < 0) colon = p;
      else plainPassword = false;
      continue;
    }
    if (c >= 128) break;
    const k = CLASS[c]!;
    if ((k & (C_USER | C_PASSWORD)) === 0) {
      if (c !== 0x25) break;
      if (colon < 0) plainUser = false;
      else plainPassword = false;
    } else if (colon < 0) {
      if ((k & C_USER) === 0) plainUser = false;
    } else if ((k & C_PASSWORD) === 0) {
      plainPassword = false;
    }
  }
  let user: string | undefined;
  let password: string | undefined;
  let p = pos;
  if (at >= 0) {
    if (colon < 0) colon = at;
    if (colon === pos) fail("BAD_URI", "empty user part", pos);
    user = plainUser ? text.slice(pos, colon) : unescapeRange(text, pos, colon, C_USER, "BAD_URI", "the user part");
    if (colon < at) {
      password = plainPassword
        ? text.slice(colon + 1, at)
        : unescapeRange(text, colon + 1, at, C_PASSWORD, "BAD_URI", "the password");
    }
    p = at + 1;
  }
  const host = readHost(text, p, end, "BAD_URI");
  p = scan.end;
  let port: number | undefined;
  if (p < end && text.charCodeAt(p) === 0x3a) {
    port = readUint(text, p + 1, end, 65535, "BAD_URI", "port", "BAD_URI");
    p = scan.end;
  }
  const params: Params = {};
  let n = 0;
  let transport = false;
  let lr = false;
  while (p < end && text.charCodeAt(p) === 0x3b) {
    const ns = p + 1;
    const ne = scanEsc(text, ns, end, C_PARAM);
    if (ne === ns) fail("BAD_URI", "empty URI parameter name", ns);
    const name = scannedPct
      ? unescapeRange(text, ns, ne, C_PARAM, "BAD_URI", "a URI parameter").toLowerCase()
      : paramName(text, ns, ne);
    p = ne;
    let value: string | null = null;
    if (p < end && text.charCodeAt(p) === 0x3d) {
      const ve = scanEsc(text, p + 1, end, C_PARAM);
      if (ve === p + 1) fail("BAD_URI", "empty URI parameter value", ve);
      value = scannedPct ? unescapeRange(text, p + 1, ve, C_PARAM, "BAD_URI", "a URI parameter") : text.slice(p + 1, ve);
      checkUriParam(name, value, p + 1);
      p = ve;
    }
    // Named stores for the most common names keep those sites monomorphic; a repeat is ignored.
    if (name === "transport") {
      if (transport) continue;
      transport = true;
      params.transport = value;
      n++;
    } else if (name === "lr") {
      if (lr) continue;
      lr = true;
      params.lr = value;
      n++;
    } else if (addParam(params, name, value, n)) {
      n++;
    }
  }
  const headers: Record<string, string> = {};
  if (p < end && text.charCodeAt(p) === 0x3f) {
    for (;;) {
      const ns = p + 1;
      const ne = scanEsc(text, ns, end, C_HNV);
      if (ne === ns) fail("BAD_URI", "empty URI header name", ns);
      if (ne >= end || text.charCodeAt(ne) !== 0x3d) fail("BAD_URI", "expected '=' in a URI header", ne);
      const ve = scanEsc(text, ne + 1, end, C_HNV);
      const name = unescapeRange(text, ns, ne, C_HNV, "BAD_URI", "a URI header");
      const value = unescapeRange(text, ne + 1, ve, C_HNV, "BAD_URI", "a URI header");
      // Repeated headers combine as a comma-separated list (RFC 3261 §7.3.1).
      if (Object.hasOwn(headers, name)) headers[name] += "," + value;
      else setParam(headers, name, value);
      p = ve;
      if (p >= end || text.charCodeAt(p) !== 0x26) break;
    }
  }
  scan.end = p;
  return { scheme, user, password, host, port, params, headers };
}

/** Known uri-parameter values (RFC 3261 §19.1.1, §25.1). */
function checkUriParam(name: string, value: string, at: number): void {
  switch (name) {
    case "ttl":
      // ttl = 1*3DIGIT ; 0 to 255
      if (value.length > 3 || scanClass(value, 0, value.length, C_DIGIT) !== value.length || Number(value) > 255) {
        fail("BAD_URI", "ttl must be 0..255", at);
      }
      break;
    case "maddr":
      if (!isHost(value)) fail("BAD_URI", "maddr must be a host", at);
      break;
    case "transport":
    case "user":
    case "method":
      if (!isToken(value)) fail("BAD_URI", `${name} must be a token`, at);
      break;
  }
}

// --- tel (RFC 3966) ---------------------------------------------------------------------------

/** visual-separator = "-" / "." / "(" / ")" (RFC 3966 §3). */
function isVisual(c: number): boolean {
  return c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29;
}

/** Validates global-number-digits (`"+" *phonedigit DIGIT *phonedigit`) in text[pos, end). */
function isGlobalDigits(text: string, pos: number, end: number): boolean {
  if (pos >= end || text.charCodeAt(pos) !== 0x2b) return false;
  let digit = false;
  for (let p = pos + 1; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c >= 0x30 && c <= 0x39) digit = true;
    else if (!isVisual(c)) return false;
  }
  return digit;
}

function parseTel(text: string, pos: number, end: number): TelUri {
  let p = pos;
  while (p < end && text.charCodeAt(p) !== 0x3b) p++;
  const numberEnd = p;
  const global = pos < end && text.charCodeAt(pos) === 0x2b;
  if (global) {
    if (!isGlobalDigits(text, pos, numberEnd)) fail("BAD_URI", "invalid global number", pos);
  } else {
    // local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex; "#" may be %23
    let digit = false;
    for (let q = pos; q < numberEnd; q++) {
      const c = text.charCodeAt(q);
      if (is(c, C_HEX) || c === 0x2a || c === 0x23) digit = true;
      else if (c === 0x25 && q + 2 < numberEnd && text.charCodeAt(q + 1) === 0x32 && text.charCodeAt(q + 2) === 0x33) {
        digit = true;
        q += 2;
      } else if (!isVisual(c)) fail("BAD_URI", "invalid character in a local number", q);
    }
    if (!digit) fail("BAD_URI", "empty telephone number", pos);
  }
  const params: Params = {};
  while (p < end) {
    // here text[p] is ";"
    const ns = p + 1;
    const ne = scanPname(text, ns, end);
    if (ne === ns) fail("BAD_URI", "empty tel parameter name", ns);
    const name = text.slice(ns, ne).toLowerCase();
    p = ne;
    let value: string | null = null;
    if (p < end && text.charCodeAt(p) === 0x3d) {
      let ve = p + 1;
      while (ve < end && text.charCodeAt(ve) !== 0x3b) ve++;
      if (ve === p + 1) fail("BAD_URI", "empty tel parameter value", ve);
      value = unescapeRange(text, p + 1, ve, name === "isub" ? C_URIC : C_PARAM, "BAD_URI", "a tel parameter");
      checkTelParam(name, value, p + 1);
      p = ve;
    } else if (name === "ext" || name === "isub" || name === "phone-context") {
      fail("BAD_URI", `${name} needs a value`, p);
    }
    if (p < end && text.charCodeAt(p) !== 0x3b) fail("BAD_URI", "unexpected character in tel URI", p);
    setParam(params, name, value);
  }
  // RFC 3966 §5.1.5: a local number MUST carry phone-context.
  if (!global && getParam(params, "phone-context") === undefined) {
    fail("BAD_URI", "a local tel number needs phone-context (RFC 3966 §5.1.5)", pos);
  }
  return { scheme: "tel", number: text.slice(pos, numberEnd), global, params };
}

/** pname = 1*( alphanum / "-" ) (RFC 3966 §3). */
function scanPname(text: string, pos: number, end: number): number {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c === 0x2d || is(c, C_ALNUM)) pos++;
    else break;
  }
  return pos;
}

function checkTelParam(name: string, value: string, at: number): void {
  if (name === "ext") {
    // extension = ";ext=" 1*phonedigit
    let digit = false;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) digit = true;
      else if (!isVisual(c)) fail("BAD_URI", "ext must be phone digits", at);
    }
    if (!digit) fail("BAD_URI", "ext must be phone digits", at);
  } else if (name === "phone-context") {
    // descriptor = domainname / global-number-digits
    const ok = value.charCodeAt(0) === 0x2b ? isGlobalDigits(value, 0, value.length) : isHostname(value, 0, value.length);
    if (!ok) fail("BAD_URI", "phone-context must be a domain name or a global number", at);
  }
}

// --- other schemes ----------------------------------------------------------------------------

function parseOther(text: string, pos: number, end: number, scheme: string): OtherUri {
  if (pos >= end) fail("BAD_URI", "empty URI after the scheme", pos);
  // opaque-part / hier-part: uric characters and escapes only (RFC 2396 via RFC 3261 §25.1).
  unescapeRange(text, pos, end, C_URIC, "BAD_URI", "the URI");
  return { scheme, opaque: text.slice(pos, end) };
}

// --- formatting -------------------------------------------------------------------------------

/**
 * Formats a URI, %-escaping each component's characters that its grammar does not allow
 * unescaped (RFC 3261 §19.1.2): user (unreserved / user-unreserved), password, uri-parameters
 * (paramchar) and headers (hnv-unreserved / unreserved). An IPv6 host without brackets gets them.
 */
export function formatUri(uri: Uri): string {
  if (uri.scheme === "sip" || uri.scheme === "sips") {
    const u = uri as SipUri;
    let out = u.scheme + ":";
    if (u.user !== undefined) {
      out += escapeText(u.user, C_USER);
      if (u.password !== undefined) out += ":" + escapeText(u.password, C_PASSWORD);
      out += "@";
    }
    out += formatHost(u.host);
    if (u.port !== undefined) out += ":" + u.port;
    out += formatUriParams(u.params);
    let sep = "?";
    for (const name of Object.keys(u.headers)) {
      out += sep + escapeText(name, C_HNV) + "=" + escapeText(u.headers[name]!, C_HNV);
      sep = "&";
    }
    return out;
  }
  if (uri.scheme === "tel" && "number" in uri) {
    return "tel:" + uri.number + formatUriParams(uri.params);
  }
  return uri.scheme + ":" + (uri as OtherUri).opaque;
}

function formatUriParams(params: Params): string {
  let out = "";
  for (const name of Object.keys(params)) {
    const v = params[name];
    out += ";" + escapeText(name, C_PARAM);
    if (v !== null && v !== undefined) out += "=" + escapeText(v, C_PARAM);
  }
  return out;
}

// --- comparison -------------------------------------------------------------------------------

/** uri-parameters that make two SIP URIs differ when present in only one (RFC 3261 §19.1.4). */
const MUST_MATCH = ["user", "ttl", "method", "maddr", "transport"];

/**
 * URI equivalence.
 *
 * SIP/SIPS (RFC 3261 §19.1.4): the schemes must be the same; user and password compare
 * case-sensitively and must both be present or both absent; hosts compare case-insensitively
 * (IPv6 references by value, RFC 5118); ports must both be absent or equal (absent ≠ 5060); a
 * uri-parameter present in both must match case-insensitively; `user`, `ttl`, `method`, `maddr`
 * and `transport` present in only one make the URIs differ, other one-sided parameters are
 * ignored; headers must all be present in both and match. Escapes are compared as their
 * characters (the parsed values already hold them resolved — so an escaped reserved character
 * compares equal to the bare one, which §19.1.4 strictly does not ask for).
 *
 * tel (RFC 3966 §4): both global or both local; numbers equal once visual separators are
 * removed; the same parameter names; values compare case-insensitively, phone-context as a
 * domain name or, for a global number, digit by digit.
 *
 * Other schemes: scheme and opaque part byte for byte.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === "sip" || a.scheme === "sips") return sipEquals(a as SipUri, b as SipUri);
  if (a.scheme === "tel" && "number" in a && "number" in b) return telEquals(a, b);
  return (a as OtherUri).opaque === (b as OtherUri).opaque;
}

function sipEquals(a: SipUri, b: SipUri): boolean {
  if (a.user !== b.user || a.password !== b.password || a.port !== b.port) return false;
  if (a.host !== b.host && hostKey(a.host) !== hostKey(b.host)) return false;
  for (const name of Object.keys(a.params)) {
    const va = a.params[name];
    const vb = getParam(b.params, name);
    if (vb === undefined) {
      if (MUST_MATCH.includes(name)) return false;
    } else if (!paramValuesEqual(va, vb)) {
      return false;
    }
  }
  for (const name of MUST_MATCH) {
    if (getParam(b.params, name) !== undefined && getParam(a.params, name) === undefined) return false;
  }
  const ha = Object.keys(a.headers);
  const hb = Object.keys(b.headers);
  if (ha.length !== hb.length) return false;
  for (const name of ha) {
    const other = hb.find((n) => equalsIgnoreCase(n, name));
    if (other === undefined || a.headers[name] !== b.headers[other]) return false;
  }
  return true;
}

function paramValuesEqual(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return equalsIgnoreCase(a, b);
}

function phoneDigits(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isVisual(c)) continue;
    if (c === 0x25 && s.slice(i, i + 3) === "%23") {
      out += "#";
      i += 2;
      continue;
    }
    out += s[i]!.toLowerCase();
  }
  return out;
}

function telEquals(a: TelUri, b: TelUri): boolean {
  if (a.global !== b.global || phoneDigits(a.number) !== phoneDigits(b.number)) return false;
  const ka = Object.keys(a.params);
  if (ka.length !== Object.keys(b.params).length) return false;
  for (const name of ka) {
    const va = a.params[name];
    const vb = getParam(b.params, name);
    if (vb === undefined) return false;
    if (name === "phone-context" && typeof va === "string" && typeof vb === "string" && va.startsWith("+")) {
      if (!vb.startsWith("+") || phoneDigits(va) !== phoneDigits(vb)) return false;
    } else if (!paramValuesEqual(va, vb)) {
      return false;
    }
  }
  return true;
}
