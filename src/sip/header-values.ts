/**
 * Typed parsers for single-purpose SIP header values (RFC 3261 §20, §25.1 and extensions). Each
 * takes the field value (as stored on a message: unfolded, trimmed) and returns a plain value, or
 * throws {@link SipParseError} with a value code and the character offset of the problem.
 *
 * Addresses are in name-addr.ts, Via in via.ts, URIs in uri.ts.
 */
import {
  C_TOKEN,
  C_WORD,
  fail,
  isToken,
  quote,
  readQuoted,
  readToken,
  readUint,
  scan,
  scanClass,
  scanToken,
  scanUint,
  skipLws,
} from "./grammar.ts";
import { addParam, formatGenericParams, getParam, paramName, parseGenericParams, setParam } from "./params.ts";
import type { SipErrorCode } from "./errors.ts";
import type { AuthValue, CSeq, EventValue, MediaType, Params, RAck, ReplacesValue, SessionExpires, SubscriptionState } from "./types.ts";

/** 2^31 - 1: the largest CSeq / RSeq / RAck number (RFC 3261 §8.1.1.5, RFC 3262 §7.1). */
const MAX_SEQ = 0x7fffffff;
/** 2^32 - 1: the largest delta-seconds (RFC 3261 §20.19). */
const MAX_DELTA = 0xffffffff;

/** Fails unless only whitespace is left from `pos`. */
function expectEnd(text: string, pos: number, code: SipErrorCode): void {
  pos = skipLws(text, pos, text.length);
  if (pos < text.length) fail(code, "unexpected character", pos);
}

/** Requires at least one whitespace character at `pos` (LWS) and skips it. */
function requireLws(text: string, pos: number, code: SipErrorCode): number {
  const p = skipLws(text, pos, text.length);
  if (p === pos) fail(code, "expected whitespace", pos);
  return p;
}

/** Reads delta-seconds (0..2^32-1) at pos; overflow or garbage is BAD_NUMBER. */
function readDelta(text: string, pos: number, what: string): number {
  return readUint(text, pos, text.length, MAX_DELTA, "BAD_NUMBER", what);
}

/** A parameter value parsed as delta-seconds, or undefined when absent. */
function deltaParam(params: Params, name: string): number | undefined {
  const v = getParam(params, name);
  if (v === undefined) return undefined;
  const n = v === null ? -1 : scanUint(v, 0, v.length, MAX_DELTA);
  if (n < 0 || scan.end !== (v as string).length) fail("BAD_NUMBER", `${name} must be delta-seconds 0..4294967295`, 0);
  return n;
}

// --- CSeq, numbers, token lists ---------------------------------------------------------------

/**
 * CSeq (RFC 3261 §20.16): `1*DIGIT LWS Method`; the number is 0..2^31-1 (§8.1.1.5). Any problem,
 * overflow included (RFC 4475 §3.1.2.4 scalar02), is BAD_CSEQ.
 */
export function parseCSeq(text: string): CSeq {
  let p = skipLws(text, 0, text.length);
  const seq = readUint(text, p, text.length, MAX_SEQ, "BAD_CSEQ", "CSeq number", "BAD_CSEQ");
  p = requireLws(text, scan.end, "BAD_CSEQ");
  const method = readToken(text, p, text.length, "BAD_CSEQ", "CSeq method");
  expectEnd(text, scan.end, "BAD_CSEQ");
  return { seq, method };
}

/**
 * delta-seconds (RFC 3261 §20.19 Expires, §25.1): `1*DIGIT`, 0..2^32-1. Overflow (RFC 4475
 * §3.1.2.4 scalar02) is BAD_NUMBER; the caller may then apply the default the RFC allows.
 */
export function parseDeltaSeconds(text: string): number {
  const v = readDelta(text, skipLws(text, 0, text.length), "delta-seconds");
  expectEnd(text, scan.end, "BAD_NUMBER");
  return v;
}

/**
 * A comma-separated token list: Allow (methods), Supported, Require, Unsupported, Proxy-Require
 * (option-tags) — RFC 3261 §20.5, §20.32, §20.37, §20.40, §20.29. An empty value gives `[]`
 * (Allow and Supported may be empty).
 */
export function parseTokenList(text: string): string[] {
  const out: string[] = [];
  const end = text.length;
  let p = skipLws(text, 0, end);
  if (p >= end) return out;
  for (;;) {
    out.push(readToken(text, p, end, "BAD_HEADER_VALUE", "a token"));
    p = skipLws(text, scan.end, end);
    if (p >= end) return out;
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_HEADER_VALUE", "expected ',' between tokens", p);
    p = skipLws(text, p + 1, end);
  }
}

/**
 * Max-Forwards (RFC 3261 §20.22): `1*DIGIT`, 0..255; leading zeros are allowed (RFC 4475 §3.1.1.1
 * wsinv `0068`). Out of range (RFC 4475 §3.1.2.4 scalar02 `300`) is BAD_NUMBER.
 */
export function parseMaxForwards(text: string): number {
  const v = readUint(text, skipLws(text, 0, text.length), text.length, 255, "BAD_NUMBER", "Max-Forwards");
  expectEnd(text, scan.end, "BAD_NUMBER");
  return v;
}

/** RSeq (RFC 3262 §7.1): `1*DIGIT`, 1..2^31-1. */
export function parseRSeq(text: string): number {
  const p = skipLws(text, 0, text.length);
  const v = readUint(text, p, text.length, MAX_SEQ, "BAD_NUMBER", "RSeq");
  if (v === 0) fail("BAD_NUMBER", "RSeq must be 1..2147483647", p);
  expectEnd(text, scan.end, "BAD_NUMBER");
  return v;
}

/** RAck (RFC 3262 §7.2): `response-num LWS CSeq-num LWS Method`. */
export function parseRAck(text: string): RAck {
  let p = skipLws(text, 0, text.length);
  const rseq = readUint(text, p, text.length, MAX_SEQ, "BAD_HEADER_VALUE", "RAck response-num");
  if (rseq === 0) fail("BAD_NUMBER", "RAck response-num must be 1..2147483647", p);
  p = requireLws(text, scan.end, "BAD_HEADER_VALUE");
  const cseq = readUint(text, p, text.length, MAX_SEQ, "BAD_HEADER_VALUE", "RAck CSeq-num");
  p = requireLws(text, scan.end, "BAD_HEADER_VALUE");
  const method = readToken(text, p, text.length, "BAD_HEADER_VALUE", "RAck method");
  expectEnd(text, scan.end, "BAD_HEADER_VALUE");
  return { rseq, cseq, method };
}

// --- authentication ---------------------------------------------------------------------------

/**
 * A challenge or credentials value (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25.1; RFC 8760):
 *
 *     challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 *     credentials = ("Digest" LWS digest-response) / other-response
 *     auth-param  = auth-param-name EQUAL ( token / quoted-string )
 *
 * Parameter names are lower-cased, values kept verbatim (quoted ones unquoted) — `algorithm`
 * values such as `SHA-256` or `SHA-512-256-sess` (RFC 8760 §2.1) are not interpreted.
 */
export function parseAuth(text: string): AuthValue {
  const end = text.length;
  let p = skipLws(text, 0, end);
  const scheme = readToken(text, p, end, "BAD_HEADER_VALUE", "an auth scheme");
  p = requireLws(text, scan.end, "BAD_HEADER_VALUE");
  const params: Record<string, string> = {};
  let n = 0;
  for (;;) {
    const nameEnd = scanToken(text, p, end);
    if (nameEnd === p) fail("BAD_HEADER_VALUE", "expected an auth-param name", p);
    const name = paramName(text, p, nameEnd);
    p = skipLws(text, nameEnd, end);
    if (p >= end || text.charCodeAt(p) !== 0x3d) fail("BAD_HEADER_VALUE", "expected '=' in an auth-param", p);
    p = skipLws(text, p + 1, end);
    const value =
      p < end && text.charCodeAt(p) === 0x22
        ? readQuoted(text, p, end, "BAD_HEADER_VALUE")
        : readToken(text, p, end, "BAD_HEADER_VALUE", "an auth-param value");
    if (addParam(params, name, value, n)) n++;
    p = skipLws(text, scan.end, end);
    if (p >= end) return { scheme, params };
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_HEADER_VALUE", "expected ',' between auth-params", p);
    p = skipLws(text, p + 1, end);
  }
}

/** Digest parameters written as tokens (RFC 3261 §25.1, RFC 7616 §3.4): the rest are quoted. */
const DIGEST_TOKENS = new Set(["algorithm", "stale", "nc", "userhash"]);

/**
 * Formats a challenge or credentials value. For Digest, `algorithm`, `stale`, `nc`, `userhash`
 * and — in credentials (a value with `response` or `username`) — `qop` are written as tokens,
 * everything else quoted (§25.1 digest-cln / dig-resp); other schemes quote only non-tokens.
 */
export function formatAuth(a: AuthValue): string {
  const digest = a.scheme.toLowerCase() === "digest";
  const credentials = Object.hasOwn(a.params, "response") || Object.hasOwn(a.params, "username");
  const parts: string[] = [];
  for (const name of Object.keys(a.params)) {
    const v = a.params[name]!;
    const bare = digest ? DIGEST_TOKENS.has(name) || (name === "qop" && credentials) : true;
    parts.push(`${name}=${bare && isToken(v) ? v : quote(v)}`);
  }
  return `${a.scheme} ${parts.join(", ")}`;
}

// --- events (RFC 6665) ------------------------------------------------------------------------

/**
 * Event (RFC 6665 §8.2.1): `event-type *( SEMI event-param )`, where
 * `event-type = event-package *( "." event-template )` and `id` is a token.
 */
export function parseEvent(text: string): EventValue {
  const end = text.length;
  const p = skipLws(text, 0, end);
  const e = scanClass(text, p, end, C_TOKEN);
  if (e === p) fail("BAD_HEADER_VALUE", "expected an event type", p);
  const event = text.slice(p, e);
  // token-nodot segments: no empty package or template name.
  if (event.charCodeAt(0) === 0x2e || event.charCodeAt(event.length - 1) === 0x2e || event.indexOf("..") >= 0) {
    fail("BAD_HEADER_VALUE", "empty event package or template", p);
  }
  const params: Params = {};
  expectEnd(text, parseGenericParams(text, e, end, params, "BAD_HEADER_VALUE"), "BAD_HEADER_VALUE");
  const id = getParam(params, "id");
  if (id === null || (id !== undefined && !isToken(id))) fail("BAD_HEADER_VALUE", "id must be a token", e);
  return { event, id: id ?? undefined, params };
}

/**
 * Subscription-State (RFC 6665 §8.2.3): `substate-value *( SEMI subexp-params )` with `reason`,
 * `expires` and `retry-after` (delta-seconds, BAD_NUMBER when out of range). The state is
 * lower-cased.
 */
export function parseSubscriptionState(text: string): SubscriptionState {
  const end = text.length;
  const p = skipLws(text, 0, end);
  const state = readToken(text, p, end, "BAD_HEADER_VALUE", "a subscription state").toLowerCase();
  const params: Params = {};
  expectEnd(text, parseGenericParams(text, scan.end, end, params, "BAD_HEADER_VALUE"), "BAD_HEADER_VALUE");
  const reason = getParam(params, "reason");
  if (reason === null) fail("BAD_HEADER_VALUE", "reason needs a value", p);
  return {
    state,
    expires: deltaParam(params, "expires"),
    reason: reason ?? undefined,
    retryAfter: deltaParam(params, "retry-after"),
    params,
  };
}

// --- Replaces (RFC 3891) ----------------------------------------------------------------------

/**
 * Replaces (RFC 3891 §6.1): `callid *(SEMI replaces-param)`; `to-tag` and `from-tag` are required
 * (§3), `early-only` is a flag.
 */
export function parseReplaces(text: string): ReplacesValue {
  const end = text.length;
  const p = skipLws(text, 0, end);
  // callid = word [ "@" word ]
  let e = scanClass(text, p, end, C_WORD);
  if (e === p) fail("BAD_HEADER_VALUE", "expected a Call-ID", p);
  if (e < end && text.charCodeAt(e) === 0x40) {
    const w = scanClass(text, e + 1, end, C_WORD);
    if (w === e + 1) fail("BAD_HEADER_VALUE", "empty word after '@' in the Call-ID", w);
    e = w;
  }
  const callId = text.slice(p, e);
  const params: Params = {};
  expectEnd(text, parseGenericParams(text, e, end, params, "BAD_HEADER_VALUE"), "BAD_HEADER_VALUE");
  const toTag = getParam(params, "to-tag");
  const fromTag = getParam(params, "from-tag");
  if (typeof toTag !== "string" || typeof fromTag !== "string") {
    fail("BAD_HEADER_VALUE", "Replaces needs to-tag and from-tag (RFC 3891 §3)", e);
  }
  return { callId, toTag, fromTag, earlyOnly: getParam(params, "early-only") !== undefined, params };
}

// --- session timers (RFC 4028) ----------------------------------------------------------------

/** Session-Expires (RFC 4028 §4): `delta-seconds *(SEMI (refresher-param / generic-param))`. */
export function parseSessionExpires(text: string): SessionExpires {
  const end = text.length;
  const p = skipLws(text, 0, end);
  const seconds = readDelta(text, p, "Session-Expires");
  const params: Params = {};
  expectEnd(text, parseGenericParams(text, scan.end, end, params, "BAD_HEADER_VALUE"), "BAD_HEADER_VALUE");
  const r = getParam(params, "refresher");
  let refresher: "uac" | "uas" | undefined;
  if (r !== undefined) {
    const lower = r?.toLowerCase();
    if (lower !== "uac" && lower !== "uas") fail("BAD_HEADER_VALUE", "refresher must be uac or uas", p);
    refresher = lower;
  }
  return { seconds, refresher, params };
}

/** Min-SE (RFC 4028 §5): `delta-seconds *(SEMI generic-param)`; returns the seconds. */
export function parseMinSE(text: string): number {
  const end = text.length;
  const seconds = readDelta(text, skipLws(text, 0, end), "Min-SE");
  expectEnd(text, parseGenericParams(text, scan.end, end, {}, "BAD_HEADER_VALUE"), "BAD_HEADER_VALUE");
  return seconds;
}

// --- Content-Type -----------------------------------------------------------------------------

/**
 * Content-Type / media-type (RFC 3261 §20.15, §25.1):
 * `m-type SLASH m-subtype *(SEMI m-parameter)`, `m-parameter = m-attribute EQUAL m-value`.
 * Type and subtype are lower-cased into `type` (`"application/sdp"`); values are kept as written.
 */
export function parseMediaType(text: string): MediaType {
  const end = text.length;
  let p = skipLws(text, 0, end);
  const type = readToken(text, p, end, "BAD_HEADER_VALUE", "a media type");
  p = skipLws(text, scan.end, end);
  if (p >= end || text.charCodeAt(p) !== 0x2f) fail("BAD_HEADER_VALUE", "expected '/' in the media type", p);
  p = skipLws(text, p + 1, end);
  const subtype = readToken(text, p, end, "BAD_HEADER_VALUE", "a media subtype");
  const params: Params = {};
  const after = parseGenericParams(text, scan.end, end, params, "BAD_HEADER_VALUE");
  expectEnd(text, after, "BAD_HEADER_VALUE");
  for (const k of Object.keys(params)) {
    if (params[k] === null) fail("BAD_HEADER_VALUE", `media type parameter ${k} needs a value`, p);
  }
  return { type: (type + "/" + subtype).toLowerCase(), params };
}

/** Formats a media type with its parameters (`application/sdp;charset=utf-8`). */
export function formatMediaType(m: MediaType): string {
  return m.type + formatGenericParams(m.params);
}

// --- Date (RFC 3261 §20.17) -------------------------------------------------------------------

const WKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function twoDigits(text: string, pos: number): number {
  const a = text.charCodeAt(pos) - 0x30;
  const b = text.charCodeAt(pos + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Parses a Date value (RFC 3261 §20.17): only the rfc1123-date form, in GMT:
 *
 *     rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 *     date1        = 2DIGIT SP month SP 4DIGIT
 *     time         = 2DIGIT ":" 2DIGIT ":" 2DIGIT
 *
 * Returns milliseconds since the Unix epoch. Another zone (RFC 4475 §3.1.2.12 baddate, `EST`) or a
 * day that does not exist in the month is BAD_HEADER_VALUE. The weekday is checked for form only.
 */
export function parseSipDate(text: string): number {
  const s = text.trim();
  const bad = (): never => fail("BAD_HEADER_VALUE", "Date must be rfc1123-date in GMT", 0);
  // "Fri, 01 Jan 2010 16:00:00 GMT" is exactly 29 characters.
  if (s.length !== 29 || s[3] !== "," || s[4] !== " " || s[7] !== " " || s[11] !== " " || s[16] !== " ") bad();
  if (s[19] !== ":" || s[22] !== ":" || s[25] !== " " || s.slice(26) !== "GMT") bad();
  if (!WKDAYS.includes(s.slice(0, 3))) bad();
  const day = twoDigits(s, 5);
  const month = MONTHS.indexOf(s.slice(8, 11));
  const y1 = twoDigits(s, 12);
  const y2 = twoDigits(s, 14);
  const h = twoDigits(s, 17);
  const mi = twoDigits(s, 20);
  const sec = twoDigits(s, 23);
  if (month < 0 || y1 < 0 || y2 < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) bad();
  const year = y1 * 100 + y2;
  const d = new Date(0);
  d.setUTCFullYear(year, month + 1, 0); // day 0 of the next month: the last day of this one
  if (day < 1 || day > d.getUTCDate()) bad();
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(h, mi, sec, 0);
  return d.getTime();
}

/** Formats milliseconds since the epoch as an RFC 3261 §20.17 Date value (`Sat, 13 Nov 2010 23:29:00 GMT`). */
export function formatSipDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return (
    `${WKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`
  );
}
