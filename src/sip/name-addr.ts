/**
 * Addresses with display names and header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1):
 * From, To, Contact, Route, Record-Route, Refer-To, Referred-By, Reply-To.
 *
 *     name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 *     addr-spec    = SIP-URI / SIPS-URI / absoluteURI
 *     display-name = *(token LWS) / quoted-string
 *     LAQUOT = SWS "<"          RAQUOT = ">" SWS
 *     from-spec    = ( name-addr / addr-spec ) *( SEMI from-param )
 *     Contact      = ( STAR / (contact-param *(COMMA contact-param)))
 *     contact-param = (name-addr / addr-spec) *(SEMI contact-params)
 *
 * §20.10: when the URI is written without angle brackets (addr-spec form), everything after its
 * first `;` is a header parameter, and a URI holding `,`, `?` or `;` must be enclosed in `<>`.
 */
import type { ParseResult } from "../errors.ts";
import type { SipErrorCode } from "./errors.ts";
import { quote, readQuoted, scan, scanToken, scanUint, skipLws } from "./grammar.ts";
import { attempt, fail, run } from "./failure.ts";
import { addParam, formatGenericParams, param, readParam, setParam } from "./params.ts";
import type { Contact, ContactAddress, ContactWildcard, FromTo, NameAddr, Params, Uri } from "./types.ts";
import { formatUri, readSipUri, readUriRange } from "./uri.ts";

/** A parsed address: prints as its name-addr text (`"Alice" <sip:alice@example.com>;tag=1`). */
export class NameAddrValue implements NameAddr {
  displayName: string | undefined;
  uri: Uri;
  params: Params;

  constructor(displayName: string | undefined, uri: Uri, params: Params) {
    this.displayName = displayName;
    this.uri = uri;
    this.params = params;
  }

  /** The address as text, always in the name-addr form with angle brackets (RFC 3261 §20.10). */
  toString(): string {
    return formatNameAddr(this);
  }

  /** The fields as a plain object. */
  toJSON(): NameAddr {
    return { displayName: this.displayName, uri: plainUri(this.uri), params: this.params };
  }
}

/** A parsed From or To value (RFC 3261 §20.20, §20.39). */
export class FromToValue extends NameAddrValue implements FromTo {
  tag: string | undefined;

  constructor(displayName: string | undefined, uri: Uri, params: Params, tag: string | undefined) {
    super(displayName, uri, params);
    this.tag = tag;
  }

  override toString(): string {
    return formatFromTo(this);
  }

  override toJSON(): FromTo {
    return { displayName: this.displayName, uri: plainUri(this.uri), params: this.params, tag: this.tag };
  }
}

/** A parsed Contact address (RFC 3261 §20.10). */
export class ContactAddressValue extends NameAddrValue implements ContactAddress {
  readonly wildcard = false as const;
  expires: number | undefined;
  q: number | undefined;

  constructor(displayName: string | undefined, uri: Uri, params: Params) {
    super(displayName, uri, params);
    this.expires = undefined;
    this.q = undefined;
  }

  override toString(): string {
    return formatContact(this);
  }

  override toJSON(): ContactAddress {
    const { displayName, params, expires, q } = this;
    return { wildcard: false, displayName, uri: plainUri(this.uri), params, expires, q };
  }
}

/** `Contact: *` (RFC 3261 §10.2.2). */
class ContactWildcardValue implements ContactWildcard {
  readonly wildcard = true as const;

  toString(): string {
    return "*";
  }

  toJSON(): ContactWildcard {
    return { wildcard: true };
  }
}

/** A URI as a plain object (parsed URIs have toJSON). */
function plainUri(uri: Uri): Uri {
  const j = (uri as { toJSON?: () => Uri }).toJSON;
  return typeof j === "function" ? j.call(uri) : uri;
}

/** Largest delta-seconds (RFC 3261 §20.19: up to 2^32 - 1). */
const MAX_DELTA = 0xffffffff;

/**
 * Reads one `(name-addr / addr-spec) *(SEMI generic-param)` at `pos`; {@link scan}.end is left
 * after its parameters (whitespace skipped).
 */
function readAddress(text: string, pos: number, end: number): NameAddrValue {
  pos = skipLws(text, pos, end);
  if (pos >= end) fail("BAD_NAME_ADDR", "expected an address", pos);
  let displayName: string | undefined;
  let c = text.charCodeAt(pos);
  let angle = c === 0x3c;
  if (c === 0x22) {
    displayName = readQuoted(text, pos, end, "BAD_NAME_ADDR");
    pos = skipLws(text, scan.end, end);
    if (pos >= end || text.charCodeAt(pos) !== 0x3c) fail("BAD_NAME_ADDR", "expected '<' after the display name", pos);
    angle = true;
  } else if (!angle) {
    const e = scanToken(text, pos, end);
    // A scheme is made of token characters and is followed by ":"; a display name is not.
    if (!(e > pos && e < end && text.charCodeAt(e) === 0x3a)) {
      let name = "";
      let p = pos;
      for (;;) {
        const te = scanToken(text, p, end);
        if (te === p) break;
        name = name === "" ? text.slice(p, te) : name + " " + text.slice(p, te);
        p = skipLws(text, te, end);
      }
      if (p >= end || text.charCodeAt(p) !== 0x3c || name === "") {
        // RFC 4475 §3.1.2.15 baddn: a display name with non-token characters must be quoted.
        fail("BAD_NAME_ADDR", "display name must be tokens or a quoted string, followed by <URI>", p);
      }
      displayName = name;
      pos = p;
      angle = true;
    }
  }
  let uri: Uri | undefined;
  if (angle && isSipColon(text, pos + 1, end)) {
    // Common case `<sip:...>`: the URI grammar stops at the ">", found without a scan of its own.
    // Anything else (no ">" there, or a parse error) goes the way below, which finds the ">"
    // first and reports the same errors as before.
    try {
      const u = readSipUri(text, pos + 5, end);
      if (scan.end < end && text.charCodeAt(scan.end) === 0x3e) {
        uri = u;
        pos = scan.end + 1;
      }
    } catch {
      uri = undefined;
    }
  }
  if (uri === undefined && angle) {
    // Nothing but the URI between the brackets (RFC 4475 §3.1.2.14 badaspec).
    const start = pos + 1;
    let gt = start;
    while (gt < end && text.charCodeAt(gt) !== 0x3e) gt++;
    if (gt >= end) fail("BAD_NAME_ADDR", "missing '>'", pos);
    uri = readUriRange(text, start, gt);
    pos = gt + 1;
  } else if (uri === undefined) {
    let e = pos;
    while (e < end) {
      c = text.charCodeAt(e);
      if (c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) break;
      // RFC 3261 §20.10; RFC 4475 §3.1.2.13 regbadct: headers need the name-addr form.
      if (c === 0x3f) fail("BAD_NAME_ADDR", "a URI with '?' must be enclosed in <>", e);
      e++;
    }
    uri = readUriRange(text, pos, e);
    pos = e;
  }
  const params: Params = {};
  let tag: string | null | undefined;
  let expires: string | null | undefined;
  let q: string | null | undefined;
  let n = 0;
  for (;;) {
    pos = readParam(text, pos, end, "BAD_NAME_ADDR");
    const name = param.name;
    if (name === "") break;
    const value = param.value;
    // Named stores for the names the callers lift out keep those sites monomorphic; a repeat is ignored.
    if (name === "tag") {
      if (tag !== undefined) continue;
      params.tag = tag = value;
    } else if (name === "expires") {
      if (expires !== undefined) continue;
      params.expires = expires = value;
    } else if (name === "q") {
      if (q !== undefined) continue;
      params.q = q = value;
    } else if (!addParam(params, name, value, n)) {
      continue;
    }
    n++;
  }
  found.tag = tag;
  found.expires = expires;
  found.q = q;
  scan.end = pos;
  return new NameAddrValue(displayName, uri, params);
}

/** The `tag`, `expires` and `q` parameters of the last {@link readAddress} (undefined when absent). */
const found: { tag: string | null | undefined; expires: string | null | undefined; q: string | null | undefined } = {
  tag: undefined,
  expires: undefined,
  q: undefined,
};

/** True when `sip:` (the scheme in any case) is at `pos`. */
function isSipColon(text: string, pos: number, end: number): boolean {
  return (
    pos + 4 <= end &&
    (text.charCodeAt(pos) | 0x20) === 0x73 &&
    (text.charCodeAt(pos + 1) | 0x20) === 0x69 &&
    (text.charCodeAt(pos + 2) | 0x20) === 0x70 &&
    text.charCodeAt(pos + 3) === 0x3a
  );
}

/**
 * Parses a single name-addr / addr-spec with header parameters (e.g. Refer-To, Referred-By). The
 * value prints as the address (`String(na)`).
 * @throws SipParseError `BAD_NAME_ADDR` or `BAD_URI` with the character offset of the problem.
 */
export function parseNameAddr(text: string): NameAddr {
  return run(readNameAddr, text);
}

/** {@link parseNameAddr} as a result value: `{ ok: false, code, offset }` for malformed text, no Error built. */
export function tryParseNameAddr(text: string): ParseResult<NameAddr, SipErrorCode> {
  return attempt(readNameAddr, text);
}

/** @internal {@link parseNameAddr} inside src/sip. */
export function readNameAddr(text: string): NameAddrValue {
  const na = readAddress(text, 0, text.length);
  const p = skipLws(text, scan.end, text.length);
  if (p < text.length) fail("BAD_NAME_ADDR", "unexpected character after the address", p);
  return na;
}

/**
 * Parses a comma-separated list of addresses (Route, Record-Route, Contact without `*`). Commas
 * inside quoted strings and angle brackets are not separators.
 * @throws SipParseError as {@link parseNameAddr}.
 */
export function parseNameAddrList(text: string): NameAddr[] {
  return run(readNameAddrList, text);
}

/** @internal {@link parseNameAddrList} inside src/sip. */
export function readNameAddrList(text: string): NameAddr[] {
  const out: NameAddr[] = [];
  const end = text.length;
  let p = 0;
  for (;;) {
    out.push(readAddress(text, p, end));
    p = skipLws(text, scan.end, end);
    if (p >= end) return out;
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_NAME_ADDR", "expected ',' between addresses", p);
    p++;
  }
}

/**
 * Formats an address in the name-addr form (`"Display" <uri>;params`): always with angle brackets,
 * so URIs with `,`, `?` or `;` stay intact (§20.10). The display name is quoted whenever present.
 * Throws RangeError if the display name holds CR or LF (no quoted-pair can carry them).
 */
export function formatNameAddr(na: NameAddr): string {
  const dn = na.displayName === undefined ? "" : quote(na.displayName) + " ";
  return `${dn}<${formatUri(na.uri)}>${formatGenericParams(na.params)}`;
}

// --- From / To --------------------------------------------------------------------------------

/**
 * Parses a From or To value (§20.20, §20.39); `tag` (§19.3) is lifted out of the parameters.
 * @throws SipParseError as {@link parseNameAddr}.
 */
export function parseFromTo(text: string): FromTo {
  return run(readFromTo, text);
}

/** @internal {@link parseFromTo} inside src/sip. */
export function readFromTo(text: string): FromToValue {
  const na = readNameAddr(text);
  const tag = found.tag;
  if (tag === null) fail("BAD_NAME_ADDR", "tag parameter without a value", 0);
  return new FromToValue(na.displayName, na.uri, na.params, tag);
}

/** Formats a From or To value; `tag`, when set, overrides `params.tag`. */
export function formatFromTo(ft: FromTo): string {
  return formatNameAddr({ displayName: ft.displayName, uri: ft.uri, params: withParams(ft.params, "tag", ft.tag) });
}

/** A copy of `params` with `name` set to `value` (in place of an existing entry), unless undefined. */
function withParams(params: Params, name: string, value: string | null | undefined): Params {
  if (value === undefined) return params;
  const out: Params = {};
  let done = false;
  for (const k of Object.keys(params)) {
    if (k === name) {
      setParam(out, k, value);
      done = true;
    } else {
      setParam(out, k, params[k]);
    }
  }
  if (!done) setParam(out, name, value);
  return out;
}

// --- Contact ----------------------------------------------------------------------------------

/**
 * Parses a Contact value (§20.10): `*` gives one wildcard entry (§10.2.2); otherwise each address
 * gets `expires` (delta-seconds, 0..2^32-1, else BAD_NUMBER — RFC 4475 §3.1.2.4 scalar02) and `q`
 * (qvalue, 0..1 with at most three decimals, else BAD_NUMBER) lifted out of its parameters.
 * @throws SipParseError as {@link parseNameAddr}.
 */
export function parseContactList(text: string): Contact[] {
  return run(readContactList, text);
}

/** @internal {@link parseContactList} inside src/sip. */
export function readContactList(text: string): Contact[] {
  const end = text.length;
  const s = skipLws(text, 0, end);
  if (s < end && text.charCodeAt(s) === 0x2a && skipLws(text, s + 1, end) === end) return [new ContactWildcardValue()];
  const out: Contact[] = [];
  let p = 0;
  for (;;) {
    const start = skipLws(text, p, end);
    const na = readAddress(text, start, end);
    const after = scan.end;
    const c = new ContactAddressValue(na.displayName, na.uri, na.params);
    const ex = found.expires;
    if (ex !== undefined) c.expires = readDelta(ex, start);
    const q = found.q;
    if (q !== undefined) c.q = readQvalue(q, start);
    out.push(c);
    p = skipLws(text, after, end);
    if (p >= end) return out;
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_NAME_ADDR", "expected ',' between contacts", p);
    p++;
  }
}

function readDelta(v: string | null, at: number): number {
  const n = v === null ? -1 : scanUint(v, 0, v.length, MAX_DELTA);
  if (n < 0 || scan.end !== (v as string).length) fail("BAD_NUMBER", "contact expires must be 0..4294967295", at);
  return n;
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (§25.1). */
function readQvalue(v: string | null, at: number): number {
  if (v === null || v.length === 0 || v.length > 5) return fail("BAD_NUMBER", "q must be a qvalue 0..1", at);
  const lead = v.charCodeAt(0);
  let ok = lead === 0x30 || lead === 0x31;
  if (ok && v.length > 1) {
    ok = v.charCodeAt(1) === 0x2e;
    for (let i = 2; ok && i < v.length; i++) {
      const c = v.charCodeAt(i);
      ok = lead === 0x31 ? c === 0x30 : c >= 0x30 && c <= 0x39;
    }
  }
  if (!ok) fail("BAD_NUMBER", "q must be a qvalue 0..1", at);
  // thousandths / 1000 is the correctly rounded double of the decimal, as Number(v) would give
  let m = lead - 0x30;
  for (let i = 2; i < 5; i++) m = m * 10 + (i < v.length ? v.charCodeAt(i) - 0x30 : 0);
  return m / 1000;
}

/** Formats a qvalue with at most three decimals. */
function formatQ(q: number): string {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be 0..1, got ${q}`);
  return String(Math.round(q * 1000) / 1000);
}

/** Formats one Contact value; `expires` and `q`, when set, override the parameters. */
export function formatContact(c: Contact): string {
  if (c.wildcard) return "*";
  let params = withParams(c.params, "expires", c.expires === undefined ? undefined : String(c.expires));
  params = withParams(params, "q", c.q === undefined ? undefined : formatQ(c.q));
  return formatNameAddr({ displayName: c.displayName, uri: c.uri, params });
}
