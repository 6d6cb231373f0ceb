/**
 * Shared RFC 3261 §25.1 character classes and scanner helpers for the SIP value parsers.
 *
 * Everything here scans UTF-16 code units by index (`charCodeAt`) against a 128-entry class table,
 * never with backtracking regular expressions, so each parser is linear in its input. Scanners take
 * `(text, pos, end)` and return the position after what they consumed; a second result, when there
 * is one, is left in {@link scan} (module state, valid until the next scanner call).
 *
 * Hosts are in host.ts, header and URI parameters in params.ts. Internal to src/sip: not
 * re-exported by src/sip/index.ts. The scanners fail through failure.ts.
 */
import type { SipErrorCode } from "./errors.ts";
import { fail } from "./failure.ts";

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
/** token68 (RFC 7235 §2.1) without its "=" padding: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/". */
export const C_TOKEN68 = 16384;

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
  add(alnum + "-._~+/", C_TOKEN68);
  return t;
}

/** True when code unit `c` has any of the class bits in `mask`. */
export function is(c: number, mask: number): boolean {
  return c < 128 && (CLASS[c]! & mask) !== 0;
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

/** Fails unless only whitespace is left from `pos`. */
export function expectEnd(text: string, pos: number, code: SipErrorCode): void {
  pos = skipLws(text, pos, text.length);
  if (pos < text.length) fail(code, "unexpected character", pos);
}

/** Requires at least one whitespace character at `pos` (LWS) and skips it. */
export function requireLws(text: string, pos: number, code: SipErrorCode): number {
  const p = skipLws(text, pos, text.length);
  if (p === pos) fail(code, "expected whitespace", pos);
  return p;
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

/** Case-insensitive ASCII comparison. */
export function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}
