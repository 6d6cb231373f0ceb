/**
 * Authorization, Proxy-Authorization, WWW-Authenticate and Proxy-Authenticate values (RFC 3261
 * §20.7, §20.27, §20.28, §20.44, §22; RFC 7235 §2.1, §4.1): the one reader of their grammar in
 * siphon. The message accessors read it into {@link AuthValue}s; the auth layer builds its Digest
 * challenges and credentials (RFC 7616) on the same scan. Computing Digest responses is the auth
 * layer's.
 *
 *     WWW-Authenticate = 1#challenge              ; several in one field (RFC 7235 §4.1)
 *     challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *     auth-param  = token BWS "=" BWS ( token / quoted-string )
 *     token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * A name that follows a comma and is not followed by "=" starts the next challenge. Empty list
 * elements are skipped (RFC 7230 §7); whitespace is SIP's LWS, line folds included (RFC 3261
 * §25.1). Parameter names are lower-cased and values unquoted (quoted-pairs resolved); values such
 * as `algorithm=SHA-512-256-sess` (RFC 8760 §2.1) are not interpreted. The scan throws nothing and
 * builds no Error: a request with a broken header costs one failure value.
 */
import { parseFailure } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { SipParseError } from "./errors.ts";
import type { SipErrorCode } from "./errors.ts";
import { C_TOKEN68, isToken, quote, scan, scanClass, scanToken, skipLws } from "./grammar.ts";
import { addParam } from "./params.ts";
import type { AuthValue } from "./types.ts";

/** @internal One challenge or credentials value as {@link scanAuthItems} reads it. */
export interface AuthItem {
  /** The scheme as written (`Digest`). */
  scheme: string;
  /** Parameters as consecutive name, value pairs, in order and repeats kept (names lower-cased, values unquoted). */
  params: string[];
  /** The token68 form (`Bearer mF_9.B5f-4.1JqM`), when the value has one instead of parameters. */
  token68?: string;
  /** Character offset of the scheme in the header value. */
  offset: number;
}

/** @internal Why {@link scanAuthItems} stopped; the auth layer reports these codes as they are. */
export type AuthSyntaxCode =
  | "EMPTY" // nothing but whitespace and commas
  | "BAD_SYNTAX" // a stray character, a name without "=", a missing value
  | "BAD_QUOTED_STRING"; // an unterminated quoted-string, or a control character in one

/** Skips whitespace: spaces and tabs here, line folds (rare in these values) through {@link skipLws}. */
function skipWs(s: string, p: number, n: number): number {
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c === 0x20 || c === 0x09) p++;
    else return c === 0x0d || c === 0x0a ? skipLws(s, p, n) : p;
  }
  return p;
}

/**
 * The quoted-string at `p` (a DQUOTE) with quoted-pairs resolved, its end left in `scan.end`; or
 * undefined when it is unterminated or holds a control character other than HTAB or a line fold
 * (RFC 3261 §25.1 qdtext, quoted-pair).
 */
function readQuotedValue(s: string, p: number): string | undefined {
  const n = s.length;
  let start = p + 1;
  let out = "";
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      scan.end = i + 1;
      return out + s.slice(start, i);
    }
    if (c === 0x5c) {
      const d = s.charCodeAt(i + 1);
      if (i + 1 >= n || (d < 0x20 && d !== 0x09) || d === 0x7f) return undefined;
      out += s.slice(start, i);
      start = i + 1;
      i++;
    } else if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      // A CRLF (or LF) followed by a space or tab is a line fold, LWS inside the quotes.
      const q = c === 0x0d || c === 0x0a ? skipLws(s, i, n) : i;
      if (q === i) return undefined;
      i = q - 1;
    }
  }
  return undefined;
}

/** The Digest parameter names (RFC 7616 §3.3–3.4), by length, first and last letter: one candidate each. */
const KNOWN_NAMES: ReadonlyMap<number, string> = /* @__PURE__ */ (() => {
  const m = new Map<number, string>();
  for (const n of ["username", "username*", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc", "userhash", "stale", "domain", "charset"]) {
    m.set((n.length << 14) | (n.charCodeAt(0) << 7) | n.charCodeAt(n.length - 1), n);
  }
  return m;
})();

/**
 * The lower-cased name `s[a, b)` (RFC 7235 §2.1: case-insensitive). A Digest parameter name comes
 * back as its string constant, so the records and switches built on it compare interned strings;
 * any other as a new string. (Letters differ from their upper case only in bit 0x20, and no other
 * token character becomes a letter by setting it.)
 */
function authParamName(s: string, a: number, b: number): string {
  const k = KNOWN_NAMES.get(((b - a) << 14) | ((s.charCodeAt(a) | 0x20) << 7) | (s.charCodeAt(b - 1) | 0x20));
  if (k !== undefined) {
    let i = 1;
    while (i < k.length - 1 && (s.charCodeAt(a + i) | 0x20) === k.charCodeAt(i)) i++;
    if (i >= k.length - 1) return k;
  }
  return s.slice(a, b).toLowerCase();
}

/**
 * @internal Scans a header value into its challenges or credentials, in order. Failures carry the
 * character offset of the problem.
 */
export function scanAuthItems(text: string): ParseResult<AuthItem[], AuthSyntaxCode> {
  const n = text.length;
  const items: AuthItem[] = [];
  let p = skipWs(text, 0, n);
  for (;;) {
    while (p < n && text.charCodeAt(p) === 0x2c) p = skipWs(text, p + 1, n);
    if (p >= n) break;
    const schemeEnd = scanToken(text, p, n);
    if (schemeEnd === p) return parseFailure("BAD_SYNTAX", p);
    const item: AuthItem = { scheme: text.slice(p, schemeEnd), params: [], offset: p };
    items.push(item);
    p = skipWs(text, schemeEnd, n);
    if (p >= n) break;
    if (text.charCodeAt(p) === 0x2c) continue;
    if (p === schemeEnd) return parseFailure("BAD_SYNTAX", p);
    // token68: a run of its characters and "=" padding, then the end or a comma.
    const t68 = scanClass(text, p, n, C_TOKEN68);
    let pad = t68;
    while (pad < n && text.charCodeAt(pad) === 0x3d) pad++;
    const after = skipWs(text, pad, n);
    if (t68 > p && (after >= n || text.charCodeAt(after) === 0x2c)) {
      item.token68 = text.slice(p, pad);
      p = after;
      continue;
    }
    // auth-params, until the end or a name not followed by "=" (the next challenge's scheme).
    for (;;) {
      const nameEnd = scanToken(text, p, n);
      if (nameEnd === p) return parseFailure("BAD_SYNTAX", p);
      let q = skipWs(text, nameEnd, n);
      if (q >= n || text.charCodeAt(q) !== 0x3d) {
        if (item.params.length === 0) return parseFailure("BAD_SYNTAX", q);
        break;
      }
      q = skipWs(text, q + 1, n);
      let value: string;
      if (q < n && text.charCodeAt(q) === 0x22) {
        const v = readQuotedValue(text, q);
        if (v === undefined) return parseFailure("BAD_QUOTED_STRING", q);
        value = v;
        q = scan.end;
      } else {
        const e = scanToken(text, q, n);
        if (e === q) return parseFailure("BAD_SYNTAX", q);
        value = text.slice(q, e);
        q = e;
      }
      item.params.push(authParamName(text, p, nameEnd), value);
      q = skipWs(text, q, n);
      if (q >= n) return { ok: true, value: items };
      if (text.charCodeAt(q) !== 0x2c) return parseFailure("BAD_SYNTAX", q);
      p = skipWs(text, q + 1, n);
      while (p < n && text.charCodeAt(p) === 0x2c) p = skipWs(text, p + 1, n);
      if (p >= n) return { ok: true, value: items };
    }
  }
  if (items.length === 0) return parseFailure("EMPTY", 0);
  return { ok: true, value: items };
}

/** A parsed value: prints as its header text, gives its fields to JSON. */
class ParsedAuthValue implements AuthValue {
  scheme: string;
  params: Record<string, string>;
  declare token68?: string;

  constructor(item: AuthItem) {
    this.scheme = item.scheme;
    const params: Record<string, string> = {};
    const p = item.params;
    // The first of a repeated name wins, as for every SIP parameter list (the auth layer refuses repeats).
    for (let i = 0, count = 0; i < p.length; i += 2) if (addParam(params, p[i]!, p[i + 1]!, count)) count++;
    this.params = params;
    if (item.token68 !== undefined) this.token68 = item.token68;
  }

  /** The value as header text (see {@link formatAuth}). */
  toString(): string {
    return formatAuth(this);
  }

  /** The fields as a plain object. */
  toJSON(): AuthValue {
    return this.token68 === undefined ? { scheme: this.scheme, params: this.params } : { scheme: this.scheme, params: this.params, token68: this.token68 };
  }
}

/** @internal The values of a scan, as the message accessors give them. */
export function authValues(items: readonly AuthItem[]): AuthValue[] {
  return items.map((item) => new ParsedAuthValue(item));
}

const SYNTAX_TEXT: Record<AuthSyntaxCode, string> = {
  EMPTY: "no challenge or credentials",
  BAD_SYNTAX: "malformed challenge or credentials",
  BAD_QUOTED_STRING: "unterminated quoted string, or a control character in one",
};

/** @internal What a failure of {@link scanAuthItems} says, for a SipParseError's message. */
export function authSyntaxText(code: AuthSyntaxCode): string {
  return SYNTAX_TEXT[code];
}

/**
 * Every challenge or credentials value in one header field (RFC 7235 §4.1 allows several), as a
 * result value: `{ ok: false, code: "BAD_HEADER_VALUE", offset }` for malformed text, no Error built.
 * Other schemes' values parse too (`Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==` has a `token68`, `Negotiate`
 * alone has neither parameters nor token68).
 */
export function tryParseAuth(text: string): ParseResult<AuthValue[], SipErrorCode> {
  const r = scanAuthItems(text);
  return r.ok ? { ok: true, value: authValues(r.value) } : parseFailure("BAD_HEADER_VALUE", r.offset);
}

/**
 * {@link tryParseAuth}, throwing. The values print as header text (`String(value)`).
 * @throws SipParseError `BAD_HEADER_VALUE` with the character offset of the problem.
 */
export function parseAuth(text: string): AuthValue[] {
  const r = scanAuthItems(text);
  if (r.ok) return authValues(r.value);
  throw new SipParseError("BAD_HEADER_VALUE", authSyntaxText(r.code), { offset: r.offset });
}

/** Digest parameters written as tokens (RFC 3261 §25.1, RFC 7616 §3.4): the rest are quoted. */
const DIGEST_TOKENS = new Set(["algorithm", "stale", "nc", "userhash"]);

/**
 * Formats a challenge or credentials value. For Digest, `algorithm`, `stale`, `nc`, `userhash`
 * and — in credentials (a value with `response` or `username`) — `qop` are written as tokens,
 * everything else quoted (§25.1 digest-cln / dig-resp); other schemes quote only non-tokens and
 * `realm` (RFC 7235 §2.2: a sender "MUST only generate the quoted-string syntax"). A `token68` is
 * written after the scheme instead of parameters.
 */
export function formatAuth(a: AuthValue): string {
  if (a.token68 !== undefined) return `${a.scheme} ${a.token68}`;
  const digest = a.scheme.toLowerCase() === "digest";
  const credentials = Object.hasOwn(a.params, "response") || Object.hasOwn(a.params, "username");
  const parts: string[] = [];
  for (const name of Object.keys(a.params)) {
    const v = a.params[name]!;
    const bare = digest ? DIGEST_TOKENS.has(name) || (name === "qop" && credentials) : name !== "realm";
    parts.push(`${name}=${bare && isToken(v) ? v : quote(v)}`);
  }
  return parts.length === 0 ? a.scheme : `${a.scheme} ${parts.join(", ")}`;
}
