/**
 * tel URIs (RFC 3966), as they appear in SIP Request-URIs and addresses (RFC 3261 §19.1.6).
 *
 *     telephone-uri = "tel:" ( global-number / local-number )     (RFC 3966 §3)
 *     global-number = "+" *phonedigit DIGIT *phonedigit *par
 *     local-number  = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex *par context *par
 *     par           = parameter / extension / isdn-subaddress
 *
 * Internal to src/sip: `parseUri` (uri.ts) dispatches here on the `tel` scheme.
 */
import { C_ALNUM, C_HEX, C_PARAM, C_URIC, escapeText, is, unescapeRange } from "./grammar.ts";
import { fail } from "./failure.ts";
import { isHostname } from "./host.ts";
import { getParam, setParam } from "./params.ts";
import type { Params, TelUri } from "./types.ts";

/** A parsed tel URI: prints as its RFC 3966 text. */
export class TelUriValue implements TelUri {
  readonly scheme = "tel" as const;
  number: string;
  global: boolean;
  params: Params;

  constructor(number: string, global: boolean, params: Params) {
    this.number = number;
    this.global = global;
    this.params = params;
  }

  /** The URI as text (RFC 3966 §3). */
  toString(): string {
    return formatTelUri(this);
  }

  /** The fields as a plain object. */
  toJSON(): TelUri {
    return { scheme: "tel", number: this.number, global: this.global, params: this.params };
  }
}

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

/** Parses the part of a tel URI after `tel:`, text[pos, end). Throws as the value parsers do. */
export function readTelUri(text: string, pos: number, end: number): TelUriValue {
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
  return new TelUriValue(text.slice(pos, numberEnd), global, params);
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

/** Formats a tel URI; parameter names and values are %-escaped where paramchar does not allow them. */
export function formatTelUri(uri: TelUri): string {
  return "tel:" + uri.number + formatUriParams(uri.params);
}

/** `;name=value...` of uri-parameters, %-escaping outside paramchar (RFC 3261 §19.1.2). */
export function formatUriParams(params: Params): string {
  let out = "";
  for (const name of Object.keys(params)) {
    const v = params[name];
    out += ";" + escapeText(name, C_PARAM);
    if (v !== null && v !== undefined) out += "=" + escapeText(v, C_PARAM);
  }
  return out;
}

/** The digits of a number without visual separators, lower-cased, `%23` as `#` (RFC 3966 §4). */
export function phoneDigits(s: string): string {
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
