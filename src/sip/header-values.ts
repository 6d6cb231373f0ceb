/**
 * Typed parsers for single-purpose SIP header values (RFC 3261 §20, §25.1 and extensions). Each
 * takes the field value (as stored on a message: unfolded, trimmed) and returns a plain value, or
 * throws `SipParseError` with a value code and the character offset of the problem. The message
 * accessors (`msg.cseq`, `msg.contentType`, ...) run the internal `readX` forms.
 *
 * Addresses are in name-addr.ts, Via in via.ts, URIs in uri.ts, Content-Type in media-type.ts,
 * credentials and challenges in auth-value.ts, Date in sip-date.ts.
 */
import {
  C_TOKEN,
  C_WORD,
  expectEnd,
  isToken,
  readToken,
  readUint,
  requireLws,
  scan,
  scanClass,
  scanUint,
  skipLws,
} from "./grammar.ts";
import { fail, run } from "./failure.ts";
import { getParam, parseGenericParams } from "./params.ts";
import type { CSeq, EventValue, Params, RAck, ReplacesValue, SessionExpires, SubscriptionState } from "./types.ts";

/** 2^31 - 1: the largest CSeq / RSeq / RAck number (RFC 3261 §8.1.1.5, RFC 3262 §7.1). */
const MAX_SEQ = 0x7fffffff;
/** 2^32 - 1: the largest delta-seconds (RFC 3261 §20.19). */
const MAX_DELTA = 0xffffffff;

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
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseCSeq(text: string): CSeq {
  return run(readCSeq, text);
}

/** @internal {@link parseCSeq} inside src/sip. */
export function readCSeq(text: string): CSeq {
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
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseDeltaSeconds(text: string): number {
  return run(readDeltaSeconds, text);
}

/** @internal {@link parseDeltaSeconds} inside src/sip. */
export function readDeltaSeconds(text: string): number {
  const v = readDelta(text, skipLws(text, 0, text.length), "delta-seconds");
  expectEnd(text, scan.end, "BAD_NUMBER");
  return v;
}

/**
 * A comma-separated token list: Allow (methods), Supported, Require, Unsupported, Proxy-Require
 * (option-tags) — RFC 3261 §20.5, §20.32, §20.37, §20.40, §20.29. An empty value gives `[]`
 * (Allow and Supported may be empty).
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseTokenList(text: string): string[] {
  return run(readTokenList, text);
}

/** @internal {@link parseTokenList} inside src/sip. */
export function readTokenList(text: string): string[] {
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
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseMaxForwards(text: string): number {
  return run(readMaxForwards, text);
}

/** @internal {@link parseMaxForwards} inside src/sip. */
export function readMaxForwards(text: string): number {
  const v = readUint(text, skipLws(text, 0, text.length), text.length, 255, "BAD_NUMBER", "Max-Forwards");
  expectEnd(text, scan.end, "BAD_NUMBER");
  return v;
}

/** RSeq (RFC 3262 §7.1): `1*DIGIT`, 1..2^31-1.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseRSeq(text: string): number {
  return run(readRSeq, text);
}

/** @internal {@link parseRSeq} inside src/sip. */
export function readRSeq(text: string): number {
  const p = skipLws(text, 0, text.length);
  const v = readUint(text, p, text.length, MAX_SEQ, "BAD_NUMBER", "RSeq");
  if (v === 0) fail("BAD_NUMBER", "RSeq must be 1..2147483647", p);
  expectEnd(text, scan.end, "BAD_NUMBER");
  return v;
}

/** RAck (RFC 3262 §7.2): `response-num LWS CSeq-num LWS Method`.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseRAck(text: string): RAck {
  return run(readRAck, text);
}

/** @internal {@link parseRAck} inside src/sip. */
export function readRAck(text: string): RAck {
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

// --- events (RFC 6665) ------------------------------------------------------------------------

/**
 * Event (RFC 6665 §8.2.1): `event-type *( SEMI event-param )`, where
 * `event-type = event-package *( "." event-template )` and `id` is a token.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseEvent(text: string): EventValue {
  return run(readEvent, text);
}

/** @internal {@link parseEvent} inside src/sip. */
export function readEvent(text: string): EventValue {
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
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseSubscriptionState(text: string): SubscriptionState {
  return run(readSubscriptionState, text);
}

/** @internal {@link parseSubscriptionState} inside src/sip. */
export function readSubscriptionState(text: string): SubscriptionState {
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
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseReplaces(text: string): ReplacesValue {
  return run(readReplaces, text);
}

/** @internal {@link parseReplaces} inside src/sip. */
export function readReplaces(text: string): ReplacesValue {
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

/** Session-Expires (RFC 4028 §4): `delta-seconds *(SEMI (refresher-param / generic-param))`.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseSessionExpires(text: string): SessionExpires {
  return run(readSessionExpires, text);
}

/** @internal {@link parseSessionExpires} inside src/sip. */
export function readSessionExpires(text: string): SessionExpires {
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

/** Min-SE (RFC 4028 §5): `delta-seconds *(SEMI generic-param)`; returns the seconds.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseMinSE(text: string): number {
  return run(readMinSE, text);
}

/** @internal {@link parseMinSE} inside src/sip. */
export function readMinSE(text: string): number {
  const end = text.length;
  const seconds = readDelta(text, skipLws(text, 0, end), "Min-SE");
  expectEnd(text, parseGenericParams(text, scan.end, end, {}, "BAD_HEADER_VALUE"), "BAD_HEADER_VALUE");
  return seconds;
}
