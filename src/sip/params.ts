/**
 * Header and URI parameters (RFC 3261 §25.1):
 *
 *     *( SEMI generic-param )
 *     generic-param = token [ EQUAL gen-value ]
 *     gen-value     = token / host / quoted-string
 *     SEMI = SWS ";" SWS    EQUAL = SWS "=" SWS
 *
 * Parameter objects are plain objects filled without touching their prototype (a parameter may be
 * named `__proto__`); the first occurrence of a name wins. The names the parsers look at (`branch`,
 * `tag`, `transport`...) are returned as the same interned string constants, so building and
 * reading the objects needs no string hashing on the common path.
 *
 * Internal to src/sip: not re-exported by src/sip/index.ts.
 */
import type { SipErrorCode } from "./errors.ts";
import { C_TOKEN, CLASS, is, isToken, quote, readQuoted, scan, scanToken, skipLws } from "./grammar.ts";
import { fail } from "./failure.ts";
import { parseIpv6 } from "./host.ts";
import type { Params } from "./types.ts";

/** True when the letters `lit` (lower-case ASCII letters only) are at `text[pos]`, in any case. */
export function lettersAt(text: string, pos: number, lit: string): boolean {
  for (let i = 0; i < lit.length; i++) {
    if ((text.charCodeAt(pos + i) | 0x20) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The lower-cased parameter name `text[pos, end)` (RFC 3261 §7.3.1: names are case-insensitive).
 * Names the parsers use (Via, From/To, Contact, SIP URI and Digest parameters) come back as string
 * constants; others as a new string.
 */
export function paramName(text: string, pos: number, end: number): string {
  const n = end - pos;
  // Every constant below is letters only, so `c | 0x20` matches exactly its two cases.
  switch (text.charCodeAt(pos) | 0x20) {
    case 0x61: // a
      if (n === 9 && lettersAt(text, pos, "algorithm")) return "algorithm";
      break;
    case 0x62: // b
      if (n === 6 && lettersAt(text, pos, "branch")) return "branch";
      break;
    case 0x63: // c
      if (n === 6 && lettersAt(text, pos, "cnonce")) return "cnonce";
      if (n === 4 && lettersAt(text, pos, "comp")) return "comp";
      break;
    case 0x64: // d
      if (n === 6 && lettersAt(text, pos, "domain")) return "domain";
      break;
    case 0x65: // e
      if (n === 7 && lettersAt(text, pos, "expires")) return "expires";
      break;
    case 0x6c: // l
      if (n === 2 && lettersAt(text, pos, "lr")) return "lr";
      break;
    case 0x6d: // m
      if (n === 5 && lettersAt(text, pos, "maddr")) return "maddr";
      if (n === 6 && lettersAt(text, pos, "method")) return "method";
      break;
    case 0x6e: // n
      if (n === 5 && lettersAt(text, pos, "nonce")) return "nonce";
      if (n === 2 && lettersAt(text, pos, "nc")) return "nc";
      break;
    case 0x6f: // o
      if (n === 6 && lettersAt(text, pos, "opaque")) return "opaque";
      break;
    case 0x71: // q
      if (n === 1) return "q";
      if (n === 3 && lettersAt(text, pos, "qop")) return "qop";
      break;
    case 0x72: // r
      if (n === 5) {
        if (lettersAt(text, pos, "rport")) return "rport";
        if (lettersAt(text, pos, "realm")) return "realm";
      } else if (n === 8) {
        if (lettersAt(text, pos, "received")) return "received";
        if (lettersAt(text, pos, "response")) return "response";
      }
      break;
    case 0x73: // s
      if (n === 5 && lettersAt(text, pos, "stale")) return "stale";
      break;
    case 0x74: // t
      if (n === 3) {
        if (lettersAt(text, pos, "tag")) return "tag";
        if (lettersAt(text, pos, "ttl")) return "ttl";
      } else if (n === 9 && lettersAt(text, pos, "transport")) {
        return "transport";
      }
      break;
    case 0x75: // u
      if (n === 4 && lettersAt(text, pos, "user")) return "user";
      if (n === 3 && lettersAt(text, pos, "uri")) return "uri";
      if (n === 8 && lettersAt(text, pos, "username")) return "username";
      break;
  }
  return text.slice(pos, end).toLowerCase();
}

/**
 * Adds a parameter unless `count` (how many the parser already added to `params`) is non-zero and
 * the name is there: the first occurrence wins. `__proto__` becomes an own property, never the
 * prototype. Returns whether it was added.
 */
export function addParam(params: Record<string, unknown>, name: string, value: unknown, count: number): boolean {
  if (count !== 0 && Object.hasOwn(params, name)) return false;
  if (name === "__proto__") {
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    params[name] = value;
  }
  return true;
}

/**
 * Sets a parameter without touching the object's prototype (a parameter may be named
 * `__proto__`). The first occurrence of a name wins.
 */
export function setParam(params: Record<string, unknown>, name: string, value: unknown): void {
  addParam(params, name, value, 1);
}

/** An own parameter value, or undefined (never an inherited Object.prototype member). */
export function getParam(params: Params, name: string): string | null | undefined {
  return Object.hasOwn(params, name) ? params[name] : undefined;
}

/**
 * The last parameter read by {@link readParam}: `name` is "" when there was none (no `;`);
 * `value` is null for a name without a value; `token` is true when the value was written as a
 * token (so it is one), false when it was a quoted string or an address.
 */
export const param: { name: string; value: string | null; token: boolean } = { name: "", value: null, token: false };

/**
 * Reads one `SEMI generic-param` at `pos` (whitespace before it skipped) into {@link param} and
 * returns the position after it. When the next character is not `;`, `param.name` is "" and the
 * position of that character is returned: the caller decides whether it is `,`, the end, or an
 * error. The unquoted value of the parameter named `ipv6Param` may also hold colons and brackets
 * (a Via `received` IPv6 address, RFC 5118 §4.5); the caller validates it.
 */
export function readParam(text: string, pos: number, end: number, code: SipErrorCode, ipv6Param?: string): number {
  // Whitespace is rare around ";" and "=": look at the character before calling skipLws.
  let c = pos < end ? text.charCodeAt(pos) : -1;
  if (c !== 0x3b) {
    if (isWs(c)) {
      pos = skipLws(text, pos, end);
      c = pos < end ? text.charCodeAt(pos) : -1;
    }
    if (c !== 0x3b) {
      param.name = "";
      return pos;
    }
  }
  pos++;
  if (pos < end && isWs(text.charCodeAt(pos))) pos = skipLws(text, pos, end);
  const nameEnd = scanToken(text, pos, end);
  if (nameEnd === pos) fail(code, "expected a parameter name", pos);
  const name = paramName(text, pos, nameEnd);
  pos = nameEnd;
  let value: string | null = null;
  let token = false;
  if (pos < end) {
    c = text.charCodeAt(pos);
    if (isWs(c)) {
      pos = skipLws(text, pos, end);
      c = pos < end ? text.charCodeAt(pos) : -1;
    }
    if (c === 0x3d) {
      pos++;
      c = pos < end ? text.charCodeAt(pos) : -1;
      if (isWs(c)) {
        pos = skipLws(text, pos, end);
        c = pos < end ? text.charCodeAt(pos) : -1;
      }
      if (name === ipv6Param && c !== 0x22) {
        // Via received = IPv4address / IPv6address: an IPv6 address without brackets (RFC 5118 §4.5).
        let q = pos;
        while (q < end) {
          const d = text.charCodeAt(q);
          if (!is(d, C_TOKEN) && d !== 0x3a && d !== 0x5b && d !== 0x5d) break;
          q++;
        }
        if (q === pos) fail(code, "expected a parameter value", pos);
        value = text.slice(pos, q);
        pos = q;
      } else if (c >= 0 && c < 128 && (CLASS[c]! & C_TOKEN) !== 0) {
        // gen-value = token (the common case; see readGenValue for the others)
        const e = scanToken(text, pos + 1, end);
        value = text.slice(pos, e);
        token = true;
        pos = e;
      } else {
        value = readGenValue(text, pos, end, code);
        token = genValueToken;
        pos = scan.end;
      }
    }
  }
  param.name = name;
  param.value = value;
  param.token = token;
  return pos;
}

/** SP / HTAB / CR / LF: a character that may start LWS. */
function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Parses header parameters `*( SEMI generic-param )` starting at `pos` into `params`. Names are
 * lower-cased; quoted values are unquoted. Stops (returning the position, with any whitespace
 * before it skipped) at the first character that is not `;`. See {@link readParam}.
 */
export function parseGenericParams(
  text: string,
  pos: number,
  end: number,
  params: Params,
  code: SipErrorCode,
  ipv6Param?: string,
): number {
  let n = 0;
  for (const _ in params) {
    n = 1;
    break;
  }
  for (;;) {
    pos = readParam(text, pos, end, code, ipv6Param);
    if (param.name === "") return pos;
    if (addParam(params, param.name, param.value, n)) n++;
  }
}

/** Whether the last {@link readGenValue} read a token (not a quoted string or IPv6 reference). */
let genValueToken = false;

/** gen-value = token / host / quoted-string (host includes an IPv6reference). */
export function readGenValue(text: string, pos: number, end: number, code: SipErrorCode): string {
  if (pos < end) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) {
      genValueToken = false;
      return readQuoted(text, pos, end, code);
    }
    if (c === 0x5b) {
      let p = pos + 1;
      while (p < end && text.charCodeAt(p) !== 0x5d) p++;
      if (p >= end) fail(code, "unterminated IPv6 reference", pos);
      if (parseIpv6(text, pos + 1, p) === undefined) fail(code, "invalid IPv6 reference", pos);
      scan.end = p + 1;
      genValueToken = false;
      return text.slice(pos, p + 1);
    }
  }
  const e = scanToken(text, pos, end);
  if (e === pos) fail(code, "expected a parameter value", pos);
  scan.end = e;
  genValueToken = true;
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
