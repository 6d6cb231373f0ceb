/**
 * Shared RFC 3261 §25.1 character classes and scanner helpers for the SIP value parsers.
 *
 * Everything here scans UTF-16 code units by index (`charCodeAt`) against a 128-entry class table,
 * never with backtracking regular expressions, so each parser is linear in its input. Scanners take
 * `(text, pos, end)` and return the position after what they consumed; a second result, when there
 * is one, is left in {@link scan} (module state, valid until the next scanner call).
 *
 * Internal to src/sip: not re-exported by src/sip/index.ts.
 */
import { SipParseError } from "./errors.ts";
import type { SipErrorCode } from "./errors.ts";
import type { Params } from "./types.ts";

// --- character classes (RFC 3261 §25.1) -------------------------------------------------------

/** ALPHA / DIGIT. */
export const C_ALNUM = 1;
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
export const C_TOKEN = 2;
/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")". */
export const C_UNRESERVED = 4;
/** user = unreserved / user-unreserved ("&" / "=" / "+" / "$" / "," / ";" / "?" / "/"). */
export const C_USER = 8;
/** password = unreserved / "&" / "=" / "+" / "$" / ",". */
export const C_PASSWORD = 16;
/** paramchar = param-unreserved ("[" / "]" / "/" / ":" / "&" / "+" / "$") / unreserved. */
export const C_PARAM = 32;
/** hname/hvalue = hnv-unreserved ("[" / "]" / "/" / "?" / ":" / "+" / "$") / unreserved. */
export const C_HNV = 64;
/** uric = reserved / unreserved (RFC 2396), plus "[" and "]" (RFC 2732) for absoluteURI. */
export const C_URIC = 128;
/** HEXDIG. */
export const C_HEX = 256;
/** DIGIT. */
export const C_DIGIT = 512;
/** word (Call-ID, §25.1): alphanum and - . ! % * _ + ` ' ~ ( ) < > : \ " / [ ] ? { }. */
export const C_WORD = 1024;
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (after the first character). */
export const C_SCHEME = 2048;
/** hostname characters: alphanum / "-" / ".". */
export const C_HOSTCHAR = 4096;
/** ALPHA. */
export const C_ALPHA = 8192;

/** Class bits for code units 0..127; anything above 127 has no class. */
export const CLASS: Uint16Array = /* @__PURE__ */ buildClasses();

function buildClasses(): Uint16Array {
  const t = new Uint16Array(128);
  const add = (chars: string, bits: number): void => {
    for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)]! |= bits;
  };
  const digits = "0123456789";
  const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const alnum = digits + alpha;
  const mark = "-_.!~*'()";
  add(alpha, C_ALPHA | C_SCHEME);
  add(digits, C_DIGIT | C_SCHEME);
  add(alnum, C_ALNUM | C_TOKEN | C_UNRESERVED | C_USER | C_PASSWORD | C_PARAM | C_HNV | C_URIC | C_WORD | C_HOSTCHAR);
  add("0123456789ABCDEFabcdef", C_HEX);
  add("-.!%*_+`'~", C_TOKEN);
  add(mark, C_UNRESERVED | C_USER | C_PASSWORD | C_PARAM | C_HNV | C_URIC);
  add("&=+$,;?/", C_USER);
  add("&=+$,", C_PASSWORD);
  add("[]/:&+$", C_PARAM);
  add("[]/?:+$", C_HNV);
  add(";/?:@&=+$,[]", C_URIC);
  add("-.!%*_+`'~()<>:\\\"/[]?{}", C_WORD);
  add("+-.", C_SCHEME);
  add("-.", C_HOSTCHAR);
  return t;
}

/** True when code unit `c` has any of the class bits in `mask`. */
export function is(c: number, mask: number): boolean {
  return c < 128 && (CLASS[c]! & mask) !== 0;
}

// --- errors -----------------------------------------------------------------------------------

/** Throws a {@link SipParseError} with a value code at a character offset. */
export function fail(code: SipErrorCode, message: string, offset: number): never {
  throw new SipParseError(code, message, offset);
}

// --- whitespace -------------------------------------------------------------------------------

/**
 * Skips LWS / SWS (RFC 3261 §25.1: `[*WSP CRLF] 1*WSP`): spaces, tabs and CRLF (or a bare LF)
 * line folds that are followed by a space or tab.
 */
export function skipLws(text: string, pos: number, end: number): number {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c === 0x20 || c === 0x09) {
      pos++;
    } else if (c === 0x0d || c === 0x0a) {
      let p = pos + 1;
      if (c === 0x0d && p < end && text.charCodeAt(p) === 0x0a) p++;
      if (p < end && (text.charCodeAt(p) === 0x20 || text.charCodeAt(p) === 0x09)) pos = p + 1;
      else return pos;
    } else {
      return pos;
    }
  }
  return pos;
}

/** Scans characters of class `mask` from `pos`; returns the first position not in the class. */
export function scanClass(text: string, pos: number, end: number, mask: number): number {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c >= 128 || (CLASS[c]! & mask) === 0) break;
    pos++;
  }
  return pos;
}

/** Scans a token (§25.1); returns the end (== pos when there is none). */
export function scanToken(text: string, pos: number, end: number): number {
  return scanClass(text, pos, end, C_TOKEN);
}

/** Reads a required token or fails with `code`; the token text is returned. */
export function readToken(text: string, pos: number, end: number, code: SipErrorCode, what: string): string {
  const e = scanToken(text, pos, end);
  if (e === pos) fail(code, `expected ${what}`, pos);
  scan.end = e;
  return text.slice(pos, e);
}

/** Second results of scanners (the position after the scanned item). */
export const scan = { end: 0 };

// --- numbers ----------------------------------------------------------------------------------

/**
 * Scans `1*DIGIT` and returns its value; -1 when there is no digit, -2 when the value exceeds
 * `max`. The digits are consumed either way ({@link scan}.end), and the arithmetic stops growing
 * once past `max`, so an overlong run (RFC 4475 §3.1.2.4 scalar02) costs one pass and no bigint.
 */
export function scanUint(text: string, pos: number, end: number, max: number): number {
  let v = 0;
  let p = pos;
  let over = false;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c < 0x30 || c > 0x39) break;
    if (!over) {
      v = v * 10 + (c - 0x30);
      if (v > max) over = true;
    }
    p++;
  }
  scan.end = p;
  if (p === pos) return -1;
  return over ? -2 : v;
}

/** Reads a required unsigned integer in 0..max, failing with `code` (or BAD_NUMBER on overflow). */
export function readUint(
  text: string,
  pos: number,
  end: number,
  max: number,
  code: SipErrorCode,
  what: string,
  overflowCode: SipErrorCode = "BAD_NUMBER",
): number {
  const v = scanUint(text, pos, end, max);
  if (v === -1) fail(code, `expected ${what}`, pos);
  if (v === -2) fail(overflowCode, `${what} out of range 0..${max}`, pos);
  return v;
}

// --- quoted strings ---------------------------------------------------------------------------

/**
 * Scans a quoted-string whose opening DQUOTE is at `pos` (RFC 3261 §25.1):
 *
 *     quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
 *     qdtext        = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
 *     quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 *
 * Returns the content with quoted-pairs resolved; {@link scan}.end is after the closing quote.
 */
export function readQuoted(text: string, pos: number, end: number, code: SipErrorCode): string {
  let p = pos + 1;
  let start = p;
  let out = "";
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === 0x22) {
      scan.end = p + 1;
      return out + text.slice(start, p);
    }
    if (c === 0x5c) {
      if (p + 1 >= end) break;
      const n = text.charCodeAt(p + 1);
      if (n === 0x0d || n === 0x0a) fail(code, "CR or LF in a quoted-pair", p + 1);
      out += text.slice(start, p);
      start = p + 1;
      p += 2;
      continue;
    }
    if (c < 0x20 && c !== 0x09) {
      // A line fold inside the quotes is LWS; any other control character is not qdtext.
      const q = c === 0x0d || c === 0x0a ? skipLws(text, p, end) : p;
      if (q === p) fail(code, "control character in a quoted string", p);
      p = q;
      continue;
    }
    if (c === 0x7f) fail(code, "DEL in a quoted string", p);
    p++;
  }
  return fail(code, "unterminated quoted string", pos);
}

/** Writes `s` as a quoted-string, escaping `"` and `\` and control characters as quoted-pairs. */
export function quote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || (c < 0x20 && c !== 0x09) || c === 0x7f) {
      if (c === 0x0d || c === 0x0a) throw new RangeError("a quoted string cannot carry CR or LF");
      out += s.slice(start, i) + "\\";
      start = i;
    }
  }
  return out + s.slice(start) + '"';
}

/** True when `s` is a non-empty token. */
export function isToken(s: string): boolean {
  return s.length > 0 && scanToken(s, 0, s.length) === s.length;
}

// --- %-escapes (RFC 3261 §19.1.2, §25.1 escaped = "%" HEXDIG HEXDIG) -------------------------

let utf8Decoder: TextDecoder | undefined;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Validates `text[pos, end)` as `*( <class mask> / escaped )` and returns it with escapes
 * resolved. Escaped octets are decoded as UTF-8 (invalid sequences become U+FFFD); `%00` stays a
 * NUL character (RFC 4475 §3.1.1.4).
 */
export function unescapeRange(
  text: string,
  pos: number,
  end: number,
  mask: number,
  code: SipErrorCode,
  what: string,
): string {
  let pct = -1;
  for (let p = pos; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c < 128 && (CLASS[c]! & mask) !== 0) continue;
    if (c === 0x25) {
      if (p + 2 >= end || hexVal(text.charCodeAt(p + 1)) < 0 || hexVal(text.charCodeAt(p + 2)) < 0) {
        fail(code, `bad %-escape in ${what}`, p);
      }
      if (pct < 0) pct = p;
      p += 2;
      continue;
    }
    fail(code, `character not allowed in ${what}`, p);
  }
  if (pct < 0) return text.slice(pos, end);
  let out = text.slice(pos, pct);
  let bytes: number[] | undefined;
  let p = pct;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === 0x25) {
      const b = (hexVal(text.charCodeAt(p + 1)) << 4) | hexVal(text.charCodeAt(p + 2));
      if (b < 0x80 && bytes === undefined) out += String.fromCharCode(b);
      else (bytes ??= []).push(b);
      p += 3;
    } else {
      if (bytes !== undefined) {
        out += decodeUtf8(bytes);
        bytes = undefined;
      }
      out += text[p];
      p++;
    }
  }
  if (bytes !== undefined) out += decodeUtf8(bytes);
  return out;
}

function decodeUtf8(bytes: number[]): string {
  utf8Decoder ??= new TextDecoder("utf-8", { ignoreBOM: true }); // keep a leading U+FEFF: it is data here
  return utf8Decoder.decode(new Uint8Array(bytes));
}

const HEX_UPPER = "0123456789ABCDEF";

function pushPct(out: string, b: number): string {
  return out + "%" + HEX_UPPER[b >> 4] + HEX_UPPER[b & 15];
}

/**
 * Escapes every character of `s` outside class `mask` as `%HH` over its UTF-8 bytes (RFC 3261
 * §19.1.2). Lone surrogates are written as U+FFFD.
 */
export function escapeText(s: string, mask: number): string {
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & mask) === 0) break;
    i++;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) {
      out = (CLASS[c]! & mask) !== 0 ? out + s[i] : pushPct(out, c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x800) {
      out = pushPct(pushPct(out, 0xc0 | (c >> 6)), 0x80 | (c & 63));
    } else if (c < 0x10000) {
      out = pushPct(pushPct(pushPct(out, 0xe0 | (c >> 12)), 0x80 | ((c >> 6) & 63)), 0x80 | (c & 63));
    } else {
      out = pushPct(
        pushPct(pushPct(pushPct(out, 0xf0 | (c >> 18)), 0x80 | ((c >> 12) & 63)), 0x80 | ((c >> 6) & 63)),
        0x80 | (c & 63),
      );
    }
  }
  return out;
}

// --- parameters -------------------------------------------------------------------------------

/**
 * Sets a parameter without touching the object's prototype (a parameter may be named
 * `__proto__`). The first occurrence of a name wins.
 */
export function setParam(params: Record<string, unknown>, name: string, value: unknown): void {
  if (Object.hasOwn(params, name)) return;
  if (name === "__proto__") {
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    params[name] = value;
  }
}

/** An own parameter value, or undefined (never an inherited Object.prototype member). */
export function getParam(params: Params, name: string): string | null | undefined {
  return Object.hasOwn(params, name) ? params[name] : undefined;
}

/**
 * Parses header parameters (RFC 3261 §25.1) starting at `pos`:
 *
 *     *( SEMI generic-param )
 *     generic-param = token [ EQUAL gen-value ]
 *     gen-value     = token / host / quoted-string
 *     SEMI = SWS ";" SWS    EQUAL = SWS "=" SWS
 *
 * Names are lower-cased; quoted values are unquoted. Stops (returning the position, with any
 * whitespace before it skipped) at the first character that is not `;` — the caller decides
 * whether that is `,`, the end, or an error. The unquoted value of the parameter named
 * `ipv6Param` may also hold colons and brackets (an IPv6 address); the caller validates it.
 */
export function parseGenericParams(
  text: string,
  pos: number,
  end: number,
  params: Params,
  code: SipErrorCode,
  ipv6Param?: string,
): number {
  for (;;) {
    pos = skipLws(text, pos, end);
    if (pos >= end || text.charCodeAt(pos) !== 0x3b) return pos;
    pos = skipLws(text, pos + 1, end);
    const nameEnd = scanToken(text, pos, end);
    if (nameEnd === pos) fail(code, "expected a parameter name", pos);
    const name = text.slice(pos, nameEnd).toLowerCase();
    pos = skipLws(text, nameEnd, end);
    let value: string | null = null;
    if (pos < end && text.charCodeAt(pos) === 0x3d) {
      pos = skipLws(text, pos + 1, end);
      if (name === ipv6Param && pos < end && text.charCodeAt(pos) !== 0x22) {
        // Via received = IPv4address / IPv6address: an IPv6 address without brackets (RFC 5118 §4.5).
        let q = pos;
        while (q < end) {
          const c = text.charCodeAt(q);
          if (c !== 0x3a && c !== 0x5b && c !== 0x5d && !is(c, C_TOKEN)) break;
          q++;
        }
        if (q === pos) fail(code, "expected a parameter value", pos);
        value = text.slice(pos, q);
        pos = q;
      } else {
        value = readGenValue(text, pos, end, code);
        pos = scan.end;
      }
    }
    setParam(params, name, value);
  }
}

/** gen-value = token / host / quoted-string (host includes an IPv6reference). */
export function readGenValue(text: string, pos: number, end: number, code: SipErrorCode): string {
  if (pos < end) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) return readQuoted(text, pos, end, code);
    if (c === 0x5b) {
      let p = pos + 1;
      while (p < end && text.charCodeAt(p) !== 0x5d) p++;
      if (p >= end) fail(code, "unterminated IPv6 reference", pos);
      const v = text.slice(pos, p + 1);
      if (parseIpv6(v, 1, v.length - 1) === undefined) fail(code, "invalid IPv6 reference", pos);
      scan.end = p + 1;
      return v;
    }
  }
  const e = scanToken(text, pos, end);
  if (e === pos) fail(code, "expected a parameter value", pos);
  scan.end = e;
  return text.slice(pos, e);
}

/** Formats a generic-param value: as is when it is a token or an IPv6 reference, else quoted. */
export function formatGenValue(v: string): string {
  if (isToken(v)) return v;
  if (v.length > 2 && v.charCodeAt(0) === 0x5b && parseIpv6(v, 1, v.length - 1) !== undefined) return v;
  return quote(v);
}

/** Formats header parameters as `;name=value...`. */
export function formatGenericParams(params: Params): string {
  let out = "";
  for (const name of Object.keys(params)) {
    const v = params[name];
    out += v === null || v === undefined ? `;${name}` : `;${name}=${formatGenValue(v)}`;
  }
  return out;
}

// --- hosts (RFC 3261 §25.1, RFC 5954 §4.1, RFC 5118) ------------------------------------------

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
    while (q < end && is(text.charCodeAt(q), C_HEX)) q++;
    if (q < end && text.charCodeAt(q) === 0x2e) {
      const v4 = parseIpv4(text, p, end);
      if (v4 === undefined) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      p = end;
      break;
    }
    if (q === p || q - p > 4) return undefined;
    groups.push(parseInt(text.slice(p, q), 16));
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

/** Parses `text[pos, end)` as a dotted-quad IPv4 address (each part 0..255), or undefined. */
export function parseIpv4(text: string, pos: number, end: number): number[] | undefined {
  const parts: number[] = [];
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
    if (p === s || v > 255) return undefined;
    parts.push(v);
    if (i < 3) {
      if (p >= end || text.charCodeAt(p) !== 0x2e) return undefined;
      p++;
    }
  }
  return p === end ? parts : undefined;
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
 * {@link scan}.end.
 */
export function readHost(text: string, pos: number, end: number, code: SipErrorCode): string {
  if (pos < end && text.charCodeAt(pos) === 0x5b) {
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
  // One pass: find the end, and check the hostname rules (§25.1) or the IPv4 form on the way.
  let p = pos;
  let labelStart = pos;
  let prevLabelStart = pos;
  let digitsOnly = true;
  let upper = false;
  let ok = true;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === 0x2e) {
      // no empty label, no label ending in "-"
      if (p === labelStart || text.charCodeAt(p - 1) === 0x2d) ok = false;
      prevLabelStart = labelStart;
      labelStart = p + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      // digit
    } else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
      digitsOnly = false;
      if (c < 0x61) upper = true;
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
    if (parseIpv4(text, pos, p) === undefined) fail(code, "invalid IPv4 address", pos);
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

/** Case-insensitive ASCII comparison. */
export function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}
