/**
 * The generic grammar of challenge and credentials values (RFC 7235 §2.1, §4.1; RFC 3261 §25.1),
 * read without regular expressions or exceptions:
 *
 *     WWW-Authenticate = 1#challenge
 *     challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *     auth-param  = token BWS "=" BWS ( token / quoted-string )
 *     token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * One header value may hold several challenges (`Digest realm="a", ..., Digest realm="b", ...`): a
 * name that follows a comma and is not followed by "=" starts the next one. Values are unquoted,
 * with quoted-pairs resolved; names are lower-cased.
 *
 * Internal to src/auth.
 */
import type { ParseResult } from "../errors.ts";
import { AuthError, authFail } from "./errors.ts";
import type { AuthErrorCode } from "./errors.ts";

/** One challenge or credentials value: its scheme and parameters. */
export interface AuthItem {
  /** The scheme as written (`Digest`). */
  scheme: string;
  /** Parameters as consecutive name, value pairs (names lower-cased, values unquoted). */
  params: string[];
  /** The token68 form (`Bearer mF_9.B5f-4.1JqM`), when the value has one instead of parameters. */
  token68?: string;
  /** Character offset of the scheme in the header value. */
  offset: number;
}

const T_TOKEN = 1;
const T_68 = 2;
/** Class bits for code units 0..127: token (RFC 3261 §25.1 and RFC 7230 tchar) and token68 characters. */
const CLASS = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128);
  const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (const c of alnum) t[c.charCodeAt(0)] = T_TOKEN | T_68;
  for (const c of "-._~+") t[c.charCodeAt(0)] = T_TOKEN | T_68;
  for (const c of "!%*`'#$&^|") t[c.charCodeAt(0)] = T_TOKEN;
  t[0x2f] = T_68; // "/"
  return t;
})();

function scanClass(s: string, p: number, bit: number): number {
  const n = s.length;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c >= 128 || (CLASS[c]! & bit) === 0) break;
    p++;
  }
  return p;
}

function skipWs(s: string, p: number): number {
  const n = s.length;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c !== 0x20 && c !== 0x09) break;
    p++;
  }
  return p;
}

/** Where the last quoted-string ended (valid after {@link readQuoted} returned a string). */
let quotedEnd = 0;

/**
 * Reads the quoted-string starting at `p` (a DQUOTE): its content with quoted-pairs resolved, or a
 * negative number: -1 when unterminated or holding a control character.
 */
function readQuoted(s: string, p: number): string | -1 {
  const n = s.length;
  let i = p + 1;
  let start = i;
  let out = "";
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      quotedEnd = i + 1;
      return out + s.slice(start, i);
    }
    // RFC 3261 §25.1 qdtext and quoted-pair exclude CR, LF and the other controls except HTAB.
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return -1;
    if (c === 0x5c) {
      const d = s.charCodeAt(i + 1);
      if (i + 1 >= n || (d < 0x20 && d !== 0x09) || d === 0x7f) return -1;
      out += s.slice(start, i);
      start = i + 1;
      i++;
    }
  }
  return -1;
}

/** The parameter names of RFC 7616 §3.3–3.4, by length: returned as constants, not new strings. */
const KNOWN: readonly (readonly string[])[] = /* @__PURE__ */ (() => {
  const t: string[][] = [];
  for (const n of ["username", "username*", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc", "userhash", "stale", "domain", "charset"]) {
    (t[n.length] ??= []).push(n);
  }
  return t;
})();

/**
 * The lower-cased name `s[a, b)` (auth-param names are case-insensitive, RFC 7235 §2.1): a Digest
 * parameter name comes back as a string constant, anything else as a new string.
 */
function paramName(s: string, a: number, b: number): string {
  const known = KNOWN[b - a];
  if (known !== undefined) {
    next: for (const k of known) {
      // Letters differ from their upper case only in bit 0x20, and no other token character
      // becomes a letter or "*" by setting it.
      for (let i = 0; i < k.length; i++) if ((s.charCodeAt(a + i) | 0x20) !== (k.charCodeAt(i) | 0x20)) continue next;
      return k;
    }
  }
  return s.slice(a, b).toLowerCase();
}

/**
 * Parses a WWW-Authenticate, Proxy-Authenticate, Authorization or Proxy-Authorization value into
 * its challenges or credentials, in order. Failures carry the character offset of the problem.
 */
export function tryParseAuthItems(text: string): ParseResult<AuthItem[], AuthErrorCode> {
  const n = text.length;
  const items: AuthItem[] = [];
  let p = skipWs(text, 0);
  for (;;) {
    // Empty list elements (",,") are allowed and ignored (RFC 7230 §7).
    while (p < n && text.charCodeAt(p) === 0x2c) p = skipWs(text, p + 1);
    if (p >= n) break;
    const schemeEnd = scanClass(text, p, T_TOKEN);
    if (schemeEnd === p) return authFail("BAD_SYNTAX", p);
    const item: AuthItem = { scheme: text.slice(p, schemeEnd), params: [], offset: p };
    items.push(item);
    p = skipWs(text, schemeEnd);
    if (p >= n) break;
    if (text.charCodeAt(p) === 0x2c) continue;
    if (p === schemeEnd) return authFail("BAD_SYNTAX", p);
    // token68: a run of its characters and "=" padding, then the end or a comma.
    const t68 = scanClass(text, p, T_68);
    let pad = t68;
    while (pad < n && text.charCodeAt(pad) === 0x3d) pad++;
    const after = skipWs(text, pad);
    if (t68 > p && (after >= n || text.charCodeAt(after) === 0x2c)) {
      item.token68 = text.slice(p, pad);
      p = after;
      continue;
    }
    // auth-params, until the end or a name not followed by "=" (the next challenge's scheme).
    for (;;) {
      const nameEnd = scanClass(text, p, T_TOKEN);
      if (nameEnd === p) return authFail("BAD_SYNTAX", p);
      let q = skipWs(text, nameEnd);
      if (q >= n || text.charCodeAt(q) !== 0x3d) {
        if (item.params.length === 0) return authFail("BAD_SYNTAX", q);
        break; // p is the next scheme
      }
      q = skipWs(text, q + 1);
      let value: string;
      if (q < n && text.charCodeAt(q) === 0x22) {
        const v = readQuoted(text, q);
        if (v === -1) return authFail("BAD_QUOTED_STRING", q);
        value = v;
        q = quotedEnd;
      } else {
        const e = scanClass(text, q, T_TOKEN);
        if (e === q) return authFail("BAD_SYNTAX", q);
        value = text.slice(q, e);
        q = e;
      }
      item.params.push(paramName(text, p, nameEnd), value);
      q = skipWs(text, q);
      if (q >= n) return { ok: true, value: items };
      if (text.charCodeAt(q) !== 0x2c) return authFail("BAD_SYNTAX", q);
      p = skipWs(text, q + 1);
      while (p < n && text.charCodeAt(p) === 0x2c) p = skipWs(text, p + 1);
      if (p >= n) return { ok: true, value: items };
    }
  }
  if (items.length === 0) return authFail("EMPTY", 0);
  return { ok: true, value: items };
}

/** True when `s` has a character no header value may carry: CR, LF, NUL or another control but HTAB. */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Scans a value to be written: throws for a control character (it would end or break the header
 * line), and returns 1 when it must be escaped in a quoted-string, 2 when it is a token, else 0.
 */
function scanValue(name: string, v: string): number {
  let token = v.length > 0;
  let escape = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw new AuthError("BAD_PARAM_VALUE", `Digest ${name} has a control character`);
    if (c === 0x22 || c === 0x5c) escape = true;
    if (token && (c >= 128 || (CLASS[c]! & T_TOKEN) === 0)) token = false;
  }
  return escape ? 1 : token ? 2 : 0;
}

function quoted(name: string, v: string, kind: number): string {
  return kind === 1 ? `${name}="${v.replace(/["\\]/g, "\\$&")}"` : `${name}="${v}"`;
}

/**
 * `name="value"` (RFC 3261 §25.1 quoted-string, `"` and `\` escaped). Throws {@link AuthError}
 * BAD_PARAM_VALUE for a control character: header injection.
 */
export function quotedParam(name: string, v: string): string {
  return quoted(name, v, scanValue(name, v));
}

/** `name=value` as a token when the value is one, else as {@link quotedParam}. */
export function tokenParam(name: string, v: string): string {
  const kind = scanValue(name, v);
  return kind === 2 ? `${name}=${v}` : quoted(name, v, kind);
}
