/**
 * SIP and SIPS URIs (RFC 3261 §19.1, §25.1; RFC 5118), the entry point for every URI (tel URIs are in
 * tel-uri.ts, comparison in uri-equals.ts), and any other absoluteURI kept opaque.
 *
 *     SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *     SIPS-URI = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
 *     userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 *     hostport = host [ ":" port ]          host = hostname / IPv4address / IPv6reference
 *     uri-parameters = *( ";" uri-parameter )   headers = "?" header *( "&" header )
 */
import type { ParseResult } from "../errors.ts";
import type { SipErrorCode } from "./errors.ts";
import {
  C_ALPHA,
  C_DIGIT,
  C_HNV,
  C_PARAM,
  C_PASSWORD,
  C_SCHEME,
  C_URIC,
  C_USER,
  CLASS,
  escapeText,
  is,
  isToken,
  readUint,
  scan,
  scanClass,
  skipLws,
  unescapeRange,
} from "./grammar.ts";
import { attempt, fail, run } from "./failure.ts";
import { formatHost, isHost, readHost } from "./host.ts";
import { addParam, paramName, setParam } from "./params.ts";
import { formatTelUri, formatUriParams, readTelUri } from "./tel-uri.ts";
import type { OtherUri, Params, SipUri, Uri } from "./types.ts";

/** A parsed SIP or SIPS URI: prints as its RFC 3261 §19.1 text (re-escaped where needed). */
export class SipUriValue implements SipUri {
  readonly scheme: "sip" | "sips";
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  params: Params;
  headers: Record<string, string>;

  constructor(
    scheme: "sip" | "sips",
    user: string | undefined,
    password: string | undefined,
    host: string,
    port: number | undefined,
    params: Params,
    headers: Record<string, string>,
  ) {
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.params = params;
    this.headers = headers;
  }

  /** The URI as text (RFC 3261 §19.1, §25.1). */
  toString(): string {
    return formatUri(this);
  }

  /** The fields as a plain object. */
  toJSON(): SipUri {
    const { scheme, user, password, host, port, params, headers } = this;
    return { scheme, user, password, host, port, params, headers };
  }
}

/** Any other absolute URI, kept verbatim: prints as `scheme:opaque`. */
export class OtherUriValue implements OtherUri {
  readonly scheme: string;
  opaque: string;

  constructor(scheme: string, opaque: string) {
    this.scheme = scheme;
    this.opaque = opaque;
  }

  /** The URI as text. */
  toString(): string {
    return this.scheme + ":" + this.opaque;
  }

  /** The fields as a plain object. */
  toJSON(): OtherUri {
    return { scheme: this.scheme, opaque: this.opaque };
  }
}

/**
 * Parses a URI (surrounding whitespace ignored). `sip:` and `sips:` URIs are parsed fully, `tel:`
 * per RFC 3966, any other `scheme:` as an {@link OtherUri}. The value prints as the URI
 * (`String(uri)`).
 *
 * %-escapes in the user, password, parameters and headers are resolved (RFC 3261 §19.1.2); a
 * Request-URI carrying headers (RFC 4475 §3.1.2.11 escruri) parses, and the caller sees
 * `headers` non-empty.
 * @throws SipParseError `BAD_URI` with the character offset of the problem.
 */
export function parseUri(text: string): Uri {
  return run(readUri, text);
}

/** {@link parseUri} as a result value: `{ ok: false, code, offset }` for malformed text, no Error built. */
export function tryParseUri(text: string): ParseResult<Uri, SipErrorCode> {
  return attempt(readUri, text);
}

/** @internal {@link parseUri} inside src/sip (throws the layer's internal failure). */
export function readUri(text: string): Uri {
  const start = skipLws(text, 0, text.length);
  let end = text.length;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return readUriRange(text, start, end);
}

/** @internal Parses exactly `text[start, end)` as a URI; error offsets are relative to `text`. */
export function readUriRange(text: string, start: number, end: number): Uri {
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
  if (scheme === "tel") return readTelUri(text, colon + 1, end);
  return parseOther(text, colon + 1, end, scheme);
}

// --- sip / sips -------------------------------------------------------------------------------

/**
 * Scans characters of `mask` or `%`. Returns the end position times two, plus one when a `%` was
 * met: then the escapes need validating and resolving by unescapeRange; without one the range is
 * already valid as it stands.
 */
function scanEsc(text: string, pos: number, end: number, mask: number): number {
  let pct = 0;
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c < 128 && (CLASS[c]! & mask) !== 0) pos++;
    else if (c === 0x25) {
      pct = 1;
      pos++;
    } else break;
  }
  return pos * 2 + pct;
}

function parseSip(text: string, pos: number, end: number, scheme: "sip" | "sips"): SipUriValue {
  const uri = readSip(text, pos, end, scheme);
  if (scan.end < end) fail("BAD_URI", "unexpected character in SIP URI", scan.end);
  return uri;
}

/**
 * Reads a `sip:` URI whose scheme and colon end just before `pos` (RFC 3261 §25.1 SIP-URI), as
 * far as its grammar goes, and leaves the position after it in {@link scan}.end. Every part of
 * the URI stops at a character its grammar does not allow, so the URI of `<sip:...>` ends at the
 * `>` without looking for it first; the caller checks that character. Throws as {@link readUri}.
 */
export function readSipUri(text: string, pos: number, end: number): SipUriValue {
  return readSip(text, pos, end, "sip");
}

function readSip(text: string, pos: number, end: number, scheme: "sip" | "sips"): SipUriValue {
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
    const n2 = scanEsc(text, ns, end, C_PARAM);
    const ne = n2 >> 1;
    if (ne === ns) fail("BAD_URI", "empty URI parameter name", ns);
    const name = n2 & 1
      ? unescapeRange(text, ns, ne, C_PARAM, "BAD_URI", "a URI parameter").toLowerCase()
      : paramName(text, ns, ne);
    p = ne;
    let value: string | null = null;
    if (p < end && text.charCodeAt(p) === 0x3d) {
      const v2 = scanEsc(text, p + 1, end, C_PARAM);
      const ve = v2 >> 1;
      if (ve === p + 1) fail("BAD_URI", "empty URI parameter value", ve);
      value = v2 & 1 ? unescapeRange(text, p + 1, ve, C_PARAM, "BAD_URI", "a URI parameter") : text.slice(p + 1, ve);
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
      const ne = scanEsc(text, ns, end, C_HNV) >> 1;
      if (ne === ns) fail("BAD_URI", "empty URI header name", ns);
      if (ne >= end || text.charCodeAt(ne) !== 0x3d) fail("BAD_URI", "expected '=' in a URI header", ne);
      const ve = scanEsc(text, ne + 1, end, C_HNV) >> 1;
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
  return new SipUriValue(scheme, user, password, host, port, params, headers);
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

// --- other schemes ----------------------------------------------------------------------------

function parseOther(text: string, pos: number, end: number, scheme: string): OtherUriValue {
  if (pos >= end) fail("BAD_URI", "empty URI after the scheme", pos);
  // opaque-part / hier-part: uric characters and escapes only (RFC 2396 via RFC 3261 §25.1).
  unescapeRange(text, pos, end, C_URIC, "BAD_URI", "the URI");
  return new OtherUriValue(scheme, text.slice(pos, end));
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
  if (uri.scheme === "tel" && "number" in uri) return formatTelUri(uri);
  return uri.scheme + ":" + (uri as OtherUri).opaque;
}
