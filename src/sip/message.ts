import { SipParseError } from "./errors.ts";
import { H, HEADER_NAMES, headerId } from "./header-names.ts";
import {
  parseAuth,
  parseCSeq,
  parseDeltaSeconds,
  parseEvent,
  parseMaxForwards,
  parseMediaType,
  parseMinSE,
  parseRAck,
  parseReplaces,
  parseRSeq,
  parseSessionExpires,
  parseSubscriptionState,
  parseTokenList,
} from "./header-values.ts";
import { parseContactList, parseFromTo, parseNameAddr, parseNameAddrList } from "./name-addr.ts";
import { slotValid, tokenizeCopy, type Tokens } from "./tokenizer.ts";
import { T_A_LEN, T_A_OFF, T_B_LEN, T_B_OFF, T_BODY_LEN, T_BODY_OFF, T_C_LEN, T_C_OFF, T_COUNT, T_ENTRY, T_FIRST, T_FIRST_IDS, T_FIXED, T_FLAGS, T_STATUS } from "./abi.generated.ts";
import type {
  AuthValue,
  Contact,
  CSeq,
  EventValue,
  FromTo,
  HeaderField,
  MediaType,
  NameAddr,
  RAck,
  ReplacesValue,
  SessionExpires,
  SubscriptionState,
  Uri,
  Via,
} from "./types.ts";
import { allocBytes } from "./pool.ts";
import { parseUri } from "./uri.ts";
import { parseVia } from "./via.ts";

/** A header field once the message has been changed: id, name as written, value. */
interface Field {
  id: number;
  name: string;
  value: string;
  /**
   * For a field decoded from the parsed bytes and not changed since: its whole line(s) in the
   * message text, [raw, rawEnd) with the line end, so serialization can copy runs of untouched lines.
   * -1 otherwise.
   */
  raw: number;
  rawEnd: number;
}

// ignoreBOM: a value may begin with U+FEFF (RFC 4475 §3.1.1.2), which must be kept.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const EMPTY = new Uint8Array(0);

/** Folding LWS (CRLF followed by whitespace) is equivalent to one SP (RFC 3261 §7.3.1). */
function unfold(s: string): string {
  return s.replace(/[ \t]*\r?\n[ \t]+/g, " ");
}

/**
 * The value of header parameter `name` (lower-case) of the first value in a name-addr or Via field:
 * parameters begin at the first ";" outside quotes and <>, and the value ends at a "," outside quotes.
 * The same scan as the Wasm tokenizer's, for messages that were built or changed.
 */
export function findHeaderParam(v: string, name: string): string | undefined {
  let inParams = false;
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = v.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x2c) {
      return undefined;
    } else if (c === 0x3c && !inParams) {
      const close = v.indexOf(">", i);
      if (close < 0) return undefined;
      i = close;
    } else if (c === 0x3b) {
      inParams = true;
      let j = i + 1;
      while (j < n && (v.charCodeAt(j) === 0x20 || v.charCodeAt(j) === 0x09)) j++;
      if (v.length - j >= name.length && v.slice(j, j + name.length).toLowerCase() === name) {
        let k = j + name.length;
        while (k < n && (v.charCodeAt(k) === 0x20 || v.charCodeAt(k) === 0x09)) k++;
        if (k < n && v.charCodeAt(k) === 0x3d) {
          k++;
          while (k < n && (v.charCodeAt(k) === 0x20 || v.charCodeAt(k) === 0x09)) k++;
          let e = k;
          while (e < n && isTokenCode(v.charCodeAt(e))) e++;
          return e > k ? v.slice(k, e) : undefined;
        }
        if (k >= n || v.charCodeAt(k) === 0x3b || v.charCodeAt(k) === 0x2c) return undefined;
      }
      i = j - 1;
    }
  }
  return undefined;
}

/** RFC 3261 §25.1 token characters. */
function isTokenCode(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x21 || c === 0x25 || c === 0x2a || c === 0x5f || c === 0x2b || c === 0x60 || c === 0x27 || c === 0x7e
  );
}

/** Index of the first comma outside quoted strings and angle brackets, or -1. */
export function topLevelComma(s: string): number {
  let angle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) return i;
  }
  return -1;
}

/**
 * A SIP message (RFC 3261 §7). Parsed messages keep their bytes and a token table and decode a
 * header only when it is asked for; the first change materializes the header list. Typed accessors
 * parse lazily, cache their result, and throw `SipParseError` (with `header`) on a malformed value.
 *
 * A message parsed from a `Uint8Array` holds that array (no copy): do not change it afterwards.
 */
export abstract class SipMessage {
  abstract readonly isRequest: boolean;

  /** @internal Message bytes (parsed messages only). */
  _src: Uint8Array;
  /**
   * @internal Token table (parsed, unchanged messages only): the Wasm ring (this message's slot at
   * `_tb`, valid while the slot's generation is `_gen`) or a private copy (`_tb` 0, `_gen` 0).
   */
  _tok: ArrayLike<number> | null;
  /** @internal */
  _tb = 0;
  /** @internal */
  _slot = 0;
  /** @internal */
  _gen = 0;
  /** @internal Header list once materialized. */
  _fields: Field[] | null;
  /** @internal */
  _body: Uint8Array;
  /** @internal Parsed accessor values by header id. */
  _cache: Map<number, unknown> | null = null;
  /** @internal True while the bytes in `_src` still serialize this message exactly. */
  _pristine: boolean;
  /** @internal The message has only ASCII bytes. */
  _ascii: boolean;
  /**
   * @internal For ASCII messages, the text of the message (at least its header section), decoded once:
   * byte offsets are character offsets, so every value is a cheap substring of it.
   */
  _head: string | null = null;

  /** @internal */
  constructor(src: Uint8Array, fields: Field[] | null, body: Uint8Array) {
    this._src = src;
    this._tok = null;
    this._fields = fields;
    this._body = body;
    this._ascii = true;
    this._pristine = false;
  }

  /** @internal The token table, copied out of the Wasm ring first if its slot has been reused. */
  _t(): ArrayLike<number> {
    if (this._gen !== 0 && !slotValid(this._slot, this._gen)) {
      this._tok = tokenizeCopy(this._src);
      this._tb = 0;
      this._gen = 0;
    }
    return this._tok!;
  }

  // ---- raw header access -------------------------------------------------------------------------

  /** @internal Text of bytes [off, off+len) of the message. */
  _slice(off: number, len: number): string {
    if (len === 0) return "";
    if (this._ascii) {
      const head = (this._head ??= utf8.decode(this._src.subarray(0, this._t()[this._tb + T_BODY_OFF]!)));
      return head.substring(off, off + len);
    }
    return utf8.decode(this._src.subarray(off, off + len));
  }

  /** @internal Decoded value of token entry `e` (index of its first slot). */
  _tokValue(e: number): string {
    const tok = this._t();
    const s = this._slice(tok[e + 3]!, tok[e + 4]!);
    return tok[e + 5]! & 1 ? unfold(s) : s;
  }

  /** @internal Decoded name of token entry `e`. */
  _tokName(e: number): string {
    const tok = this._t();
    return this._slice(tok[e + 1]!, tok[e + 2]!);
  }

  /** @internal Token entry index of the first header with id (or, for id 0, lower-cased name), or -1. */
  _tokFind(id: number, lname: string): number {
    const tok = this._t();
    const tb = this._tb;
    if (id !== 0 && id <= T_FIRST_IDS) {
      const e = tok[tb + T_FIRST + id - 1]!;
      return e === 0 ? -1 : tb + e;
    }
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
      if (tok[e] === id && (id !== 0 || this._tokName(e).toLowerCase() === lname)) return e;
    }
    return -1;
  }

  /** @internal Values of every header with that id (or unknown name). */
  _values(id: number, lname: string): string[] {
    const out: string[] = [];
    if (this._tok) {
      const tok = this._t();
      const tb = this._tb;
      const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
      for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
        if (tok[e] === id && (id !== 0 || this._tokName(e).toLowerCase() === lname)) out.push(this._tokValue(e));
      }
    } else {
      for (const f of this._fields!) {
        if (f.id === id && (id !== 0 || f.name.toLowerCase() === lname)) out.push(f.value);
      }
    }
    return out;
  }

  /** @internal First value of the header with that id (known headers only). */
  _first(id: number): string | undefined {
    if (this._tok) {
      const e = this._tokFind(id, "");
      return e < 0 ? undefined : this._tokValue(e);
    }
    for (const f of this._fields!) if (f.id === id) return f.value;
    return undefined;
  }

  /** The first value of a header (name case-insensitive; compact forms such as `v` match `Via`). */
  header(name: string): string | undefined {
    const id = headerId(name);
    if (id !== 0) return this._first(id);
    return this._values(0, name.toLowerCase())[0];
  }

  /** Every value of a header in order, one per header field line (lists in one line are not split). */
  headers(name: string): string[] {
    const id = headerId(name);
    return this._values(id, id === 0 ? name.toLowerCase() : "");
  }

  /** Whether the message has a header of that name. */
  hasHeader(name: string): boolean {
    return this.header(name) !== undefined;
  }

  /** Every header field in order; unknown headers verbatim, folding replaced by one space. */
  headerFields(): HeaderField[] {
    return this._materialize().map((f) => ({ name: f.name, value: f.value }));
  }

  /** @internal The header list, decoding it from the token table on first use. */
  _materialize(): Field[] {
    if (this._fields) return this._fields;
    const tok = this._t();
    const tb = this._tb;
    const fields: Field[] = [];
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    // Line i runs from its name to the next line's name; the last to the empty line. Copying
    // lines verbatim is only right when every line ended in CRLF (bare LF is accepted on input).
    const verbatim = this._ascii && (tok[tb + T_FLAGS]! & 4) === 0;
    const headEnd = tok[tb + T_BODY_OFF]! - 2;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
      const raw = verbatim ? tok[e + 1]! : -1;
      const rawEnd = verbatim ? (e + T_ENTRY < end ? tok[e + T_ENTRY + 1]! : headEnd) : -1;
      fields.push({ id: tok[e]!, name: this._tokName(e), value: this._tokValue(e), raw, rawEnd });
    }
    this._fields = fields;
    return fields;
  }

  /** @internal Called before any change: header list materialized, caches and raw bytes dropped. */
  _change(): Field[] {
    this._decodeStartLine();
    const f = this._materialize();
    this._tok = null;
    this._pristine = false;
    this._cache = null;
    return f;
  }

  /**
   * Adds a header field: at the end, or with `prepend` before the first field of that name (the
   * place for a new top Via or Record-Route, RFC 3261 §16.6).
   */
  addHeader(name: string, value: string, opts?: { prepend?: boolean }): this {
    const fields = this._change();
    const id = headerId(name);
    const field: Field = { id, name, value, raw: -1, rawEnd: -1 };
    if (opts?.prepend) {
      const lname = name.toLowerCase();
      const i = fields.findIndex((f) => f.id === id && (id !== 0 || f.name.toLowerCase() === lname));
      if (i >= 0) {
        fields.splice(i, 0, field);
        return this;
      }
      // No field of that name yet: a new top Via goes first of all.
      if (id === H.VIA) {
        fields.unshift(field);
        return this;
      }
    }
    fields.push(field);
    return this;
  }

  /** Replaces every field of that name with the given value(s), in the place of the first one. */
  setHeader(name: string, value: string | string[]): this {
    const fields = this._change();
    const id = headerId(name);
    const lname = name.toLowerCase();
    const values = typeof value === "string" ? [value] : value;
    const match = (f: Field) => f.id === id && (id !== 0 || f.name.toLowerCase() === lname);
    let at = fields.findIndex(match);
    if (at < 0) at = fields.length;
    const kept = fields.filter((f) => !match(f));
    const before = fields.slice(0, at).filter((f) => !match(f)).length;
    kept.splice(before, 0, ...values.map((v) => ({ id, name, value: v, raw: -1, rawEnd: -1 })));
    this._fields = kept;
    return this;
  }

  /** Removes every field of that name; returns how many were removed. */
  removeHeader(name: string): number {
    const fields = this._change();
    const id = headerId(name);
    const lname = name.toLowerCase();
    const kept = fields.filter((f) => !(f.id === id && (id !== 0 || f.name.toLowerCase() === lname)));
    this._fields = kept;
    return fields.length - kept.length;
  }

  /**
   * Removes the first comma-separated value of the first field of that name (the top Via of a
   * response at a proxy, RFC 3261 §16.7; the top Route, §16.4). Returns false when there is none.
   */
  removeFirstValue(name: string): boolean {
    const fields = this._change();
    const id = headerId(name);
    const lname = name.toLowerCase();
    const i = fields.findIndex((f) => f.id === id && (id !== 0 || f.name.toLowerCase() === lname));
    if (i < 0) return false;
    const f = fields[i]!;
    const comma = topLevelComma(f.value);
    if (comma < 0) fields.splice(i, 1);
    else fields[i] = { id: f.id, name: f.name, value: f.value.slice(comma + 1).trim(), raw: -1, rawEnd: -1 };
    return true;
  }

  // ---- body --------------------------------------------------------------------------------------

  /** The message body (a view of the parsed bytes for parsed messages). */
  get body(): Uint8Array {
    return this._body;
  }

  set body(b: Uint8Array) {
    const cache = this._cache;
    this._change();
    this._cache = cache;
    this._body = b;
  }

  /** The body decoded as UTF-8. */
  get bodyText(): string {
    return utf8.decode(this._body);
  }

  /** Sets the body (a string is UTF-8 encoded) and, when given, the Content-Type. */
  setBody(body: Uint8Array | string, contentType?: string): this {
    this.body = typeof body === "string" ? new TextEncoder().encode(body) : body;
    if (contentType !== undefined) this.setHeader("Content-Type", contentType);
    return this;
  }

  // ---- typed accessors ---------------------------------------------------------------------------

  /** @internal Parses the first value of a header once and caches the result. */
  _typed<T>(id: number, parse: (v: string) => T): T | undefined {
    const cache = (this._cache ??= new Map());
    if (cache.has(id)) return cache.get(id) as T | undefined;
    const v = this._first(id);
    let result: T | undefined;
    try {
      result = v === undefined ? undefined : parse(v);
    } catch (e) {
      throw wrap(e, HEADER_NAMES[id]!);
    }
    cache.set(id, result);
    return result;
  }

  /** @internal Parses every value of a list header (all fields, in order) once and caches the result. */
  _list<T>(id: number, parse: (v: string) => T | T[]): T[] {
    const cache = (this._cache ??= new Map());
    const hit = cache.get(id) as T[] | undefined;
    if (hit) return hit;
    const out: T[] = [];
    try {
      for (const v of this._values(id, "")) {
        const r = parse(v);
        if (Array.isArray(r)) for (const x of r) out.push(x);
        else out.push(r);
      }
    } catch (e) {
      throw wrap(e, HEADER_NAMES[id]!);
    }
    cache.set(id, out);
    return out;
  }

  /** Call-ID (RFC 3261 §20.8). Throws when absent. */
  get callId(): string {
    const v = this._first(H.CALL_ID);
    if (v === undefined) throw missing("Call-ID");
    return v;
  }

  /** CSeq (RFC 3261 §20.16). Throws when absent or malformed. */
  get cseq(): CSeq {
    if (this._tok) {
      // The tokenizer read the number and located the method of a well-formed CSeq.
      const cache = (this._cache ??= new Map());
      const hit = cache.get(H.CSEQ) as CSeq | undefined;
      if (hit) return hit;
      const e = this._tokFind(H.CSEQ, "");
      const tok = this._t();
      if (e >= 0 && tok[e + 7] !== 0) {
        const end = tok[e + 3]! + tok[e + 4]!;
        const v: CSeq = { seq: tok[e + 6]!, method: this._slice(tok[e + 7]!, end - tok[e + 7]!) };
        cache.set(H.CSEQ, v);
        return v;
      }
    }
    return this._typed(H.CSEQ, parseCSeq) ?? throwMissing("CSeq");
  }

  /** From (RFC 3261 §20.20). Throws when absent or malformed. */
  get from(): FromTo {
    return this._typed(H.FROM, parseFromTo) ?? throwMissing("From");
  }

  /** To (RFC 3261 §20.39). Throws when absent or malformed. */
  get to(): FromTo {
    return this._typed(H.TO, parseFromTo) ?? throwMissing("To");
  }

  /** The From tag, read without parsing the whole From value. */
  get fromTag(): string | undefined {
    return this._tok ? this._tagOf(H.FROM) : this._paramOf(H.FROM, "tag");
  }

  /** The To tag, read without parsing the whole To value. */
  get toTag(): string | undefined {
    return this._tok ? this._tagOf(H.TO) : this._paramOf(H.TO, "tag");
  }

  /** The branch of the top Via (RFC 3261 §8.1.1.7), read without parsing the Via. */
  get branch(): string | undefined {
    return this._tok ? this._tagOf(H.VIA) : this._paramOf(H.VIA, "branch");
  }

  /** @internal A tag / branch parameter of the first field with that id, found by a light scan. */
  _paramOf(id: number, name: string): string | undefined {
    const v = this._first(id);
    return v === undefined ? undefined : findHeaderParam(v, name);
  }

  /** @internal The tag / branch parameter the tokenizer located in the first field with that id. */
  _tagOf(id: number): string | undefined {
    const e = this._tokFind(id, "");
    if (e < 0) return undefined;
    const tok = this._t();
    const len = tok[e + 7]!;
    return len === 0 ? undefined : this._slice(tok[e + 6]!, len);
  }

  /** Every Via value, top first (RFC 3261 §20.42); empty when there is none. */
  get via(): Via[] {
    return this._list(H.VIA, parseVia);
  }

  /** The top Via, or undefined. */
  get topVia(): Via | undefined {
    return this.via[0];
  }

  /** Max-Forwards (RFC 3261 §20.22), 0..255. */
  get maxForwards(): number | undefined {
    return this._typed(H.MAX_FORWARDS, parseMaxForwards);
  }

  /** Contact values in order (RFC 3261 §20.10), including the `*` wildcard. */
  get contact(): Contact[] {
    return this._list(H.CONTACT, parseContactList);
  }

  /** Route values in order (RFC 3261 §20.34). */
  get route(): NameAddr[] {
    return this._list(H.ROUTE, parseNameAddrList);
  }

  /** Record-Route values in order (RFC 3261 §20.30). */
  get recordRoute(): NameAddr[] {
    return this._list(H.RECORD_ROUTE, parseNameAddrList);
  }

  /** Content-Type (RFC 3261 §20.15). */
  get contentType(): MediaType | undefined {
    return this._typed(H.CONTENT_TYPE, parseMediaType);
  }

  /** The body length, which is what serialization writes as Content-Length. */
  get contentLength(): number {
    return this._body.length;
  }

  /** Expires (RFC 3261 §20.19), delta-seconds. */
  get expires(): number | undefined {
    return this._typed(H.EXPIRES, parseDeltaSeconds);
  }

  /** Allow (RFC 3261 §20.5): methods, all fields combined. */
  get allow(): string[] {
    return this._list(H.ALLOW, parseTokenList);
  }

  /** Supported (RFC 3261 §20.37): option tags. */
  get supported(): string[] {
    return this._list(H.SUPPORTED, parseTokenList);
  }

  /** Require (RFC 3261 §20.32): option tags. */
  get require(): string[] {
    return this._list(H.REQUIRE, parseTokenList);
  }

  /** Unsupported (RFC 3261 §20.40): option tags. */
  get unsupported(): string[] {
    return this._list(H.UNSUPPORTED, parseTokenList);
  }

  /** Proxy-Require (RFC 3261 §20.29): option tags. */
  get proxyRequire(): string[] {
    return this._list(H.PROXY_REQUIRE, parseTokenList);
  }

  /** Authorization values (RFC 3261 §20.7). */
  get authorization(): AuthValue[] {
    return this._list(H.AUTHORIZATION, parseAuth);
  }

  /** Proxy-Authorization values (RFC 3261 §20.28). */
  get proxyAuthorization(): AuthValue[] {
    return this._list(H.PROXY_AUTHORIZATION, parseAuth);
  }

  /** WWW-Authenticate challenges (RFC 3261 §20.44). */
  get wwwAuthenticate(): AuthValue[] {
    return this._list(H.WWW_AUTHENTICATE, parseAuth);
  }

  /** Proxy-Authenticate challenges (RFC 3261 §20.27). */
  get proxyAuthenticate(): AuthValue[] {
    return this._list(H.PROXY_AUTHENTICATE, parseAuth);
  }

  /** RSeq (RFC 3262 §7.1). */
  get rseq(): number | undefined {
    return this._typed(H.RSEQ, parseRSeq);
  }

  /** RAck (RFC 3262 §7.2). */
  get rack(): RAck | undefined {
    return this._typed(H.RACK, parseRAck);
  }

  /** Event (RFC 6665 §8.2.1). */
  get event(): EventValue | undefined {
    return this._typed(H.EVENT, parseEvent);
  }

  /** Subscription-State (RFC 6665 §8.2.3). */
  get subscriptionState(): SubscriptionState | undefined {
    return this._typed(H.SUBSCRIPTION_STATE, parseSubscriptionState);
  }

  /** Refer-To (RFC 3515 §2.1). */
  get referTo(): NameAddr | undefined {
    return this._typed(H.REFER_TO, parseNameAddr);
  }

  /** Referred-By (RFC 3892 §3). */
  get referredBy(): NameAddr | undefined {
    return this._typed(H.REFERRED_BY, parseNameAddr);
  }

  /** Replaces (RFC 3891 §6.1). */
  get replaces(): ReplacesValue | undefined {
    return this._typed(H.REPLACES, parseReplaces);
  }

  /** Session-Expires (RFC 4028 §4). */
  get sessionExpires(): SessionExpires | undefined {
    return this._typed(H.SESSION_EXPIRES, parseSessionExpires);
  }

  /** Min-SE (RFC 4028 §5), seconds. */
  get minSE(): number | undefined {
    return this._typed(H.MIN_SE, parseMinSE);
  }

  // ---- start line and serialization --------------------------------------------------------------

  /** The start line without CRLF. */
  abstract startLine(): string;

  /** @internal Decodes the lazily read parts of the start line before the token table goes. */
  abstract _decodeStartLine(): void;

  /** @internal Byte range of the whole message in `_src` while pristine: [start, end). */
  _rawRange(): [number, number] {
    const tok = this._t();
    const tb = this._tb;
    // The start line is the first thing after any leading CRLFs; the end is the end of the body.
    return [tok[tb + T_A_OFF]!, tok[tb + T_BODY_OFF]! + tok[tb + T_BODY_LEN]!];
  }

  /**
   * A plain description for JSON.stringify and loggers: the start line, the header fields and the
   * body as text. (The internal state includes views of the shared Wasm memory, not for printing.)
   */
  toJSON(): { startLine: string; headers: HeaderField[]; body: string } {
    return { startLine: this.startLine(), headers: this.headerFields(), body: this.bodyText };
  }

  /** Node's, Deno's and Bun's console show the same description as toJSON. */
  [Symbol.for("nodejs.util.inspect.custom")](): unknown {
    return this.toJSON();
  }

  /** The serialized message as text (the body decoded as UTF-8). */
  toString(): string {
    return utf8.decode(serializeBytes(this));
  }

  /** A deep copy that can be changed independently. */
  clone(): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._fields = this._fields ? this._fields.map((f) => ({ ...f })) : null;
    c._cache = null;
    return c;
  }
}

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessage {
  readonly isRequest = true as const;
  /** @internal */
  _method: string | undefined;
  /** @internal */
  _uriText: string | undefined;
  /** @internal */
  _uri: Uri | undefined;

  /** @internal Use parseMessage or createRequest. */
  constructor(method: string | undefined, uriText: string | undefined, src: Uint8Array, fields: Field[] | null, body: Uint8Array) {
    super(src, fields, body);
    this._method = method;
    this._uriText = uriText;
  }

  /** The method, case-sensitive as written (RFC 3261 §7.1). */
  get method(): string {
    if (this._method === undefined) {
      const tok = this._t();
      this._method = this._slice(tok[this._tb + T_A_OFF]!, tok[this._tb + T_A_LEN]!);
    }
    return this._method;
  }

  set method(m: string) {
    this._change();
    this._method = m;
  }

  /** The Request-URI as written. */
  get uriText(): string {
    if (this._uriText === undefined) {
      const tok = this._t();
      this._uriText = this._slice(tok[this._tb + T_B_OFF]!, tok[this._tb + T_B_LEN]!);
    }
    return this._uriText;
  }

  /** The Request-URI, parsed on first use; set it with a Uri or a string. */
  get uri(): Uri {
    if (this._uri === undefined) {
      try {
        this._uri = parseUri(this.uriText);
      } catch (e) {
        throw wrap(e, "Request-URI");
      }
    }
    return this._uri;
  }

  set uri(u: Uri | string) {
    const text = typeof u === "string" ? u : formatUriLazy(u);
    this._change();
    this._uriText = text;
    this._uri = typeof u === "string" ? undefined : u;
  }

  startLine(): string {
    return `${this.method} ${this.uriText} SIP/2.0`;
  }

  _decodeStartLine(): void {
    void this.method;
    void this.uriText;
  }
}

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessage {
  readonly isRequest = false as const;
  /** @internal */
  _status: number;
  /** @internal */
  _reason: string | undefined;

  /** @internal Use parseMessage or createResponse. */
  constructor(status: number, reason: string | undefined, src: Uint8Array, fields: Field[] | null, body: Uint8Array) {
    super(src, fields, body);
    this._status = status;
    this._reason = reason;
  }

  /** Status code, 100..699. */
  get status(): number {
    return this._status;
  }

  set status(s: number) {
    this._change();
    this._status = s;
  }

  /** Reason phrase (may be empty, RFC 4475 §3.1.1.13). */
  get reason(): string {
    if (this._reason === undefined) {
      const tok = this._t();
      this._reason = this._slice(tok[this._tb + T_C_OFF]!, tok[this._tb + T_C_LEN]!);
    }
    return this._reason;
  }

  set reason(r: string) {
    this._change();
    this._reason = r;
  }

  startLine(): string {
    return `SIP/2.0 ${this._status} ${this.reason}`;
  }

  _decodeStartLine(): void {
    void this.reason;
  }
}

/**
 * Builds the message object for a token table (see tokenizer.ts). `text` is the message as a string
 * when the caller parsed a string that is all ASCII (then no bytes need decoding).
 */
export function messageFromTokens(t: Tokens): SipRequest | SipResponse {
  const { src, tok, base } = t;
  const bo = tok[base + T_BODY_OFF]!;
  const bl = tok[base + T_BODY_LEN]!;
  const body = bl === 0 ? EMPTY : src.subarray(bo, bo + bl);
  const m =
    tok[base] === 1
      ? new SipRequest(undefined, undefined, src, null, body)
      : new SipResponse(tok[base + T_STATUS]!, undefined, src, null, body);
  const flags = tok[base + T_FLAGS]!;
  m._tok = tok;
  m._tb = base;
  m._slot = t.slot;
  m._gen = t.gen;
  m._ascii = (flags & 1) === 0;
  m._pristine = (flags & 2) !== 0;
  m._head = t.text;
  return m;
}

/** @internal Creates a changed-from-scratch message (see build.ts). */
export function newRequest(method: string, uriText: string, fields: Field[], body: Uint8Array): SipRequest {
  return new SipRequest(method, uriText, EMPTY, fields, body);
}

/** @internal */
export function newResponse(status: number, reason: string, fields: Field[], body: Uint8Array): SipResponse {
  return new SipResponse(status, reason, EMPTY, fields, body);
}

/** @internal Header field record for build.ts. */
export function field(name: string, value: string): Field {
  return { id: headerId(name), name, value, raw: -1, rawEnd: -1 };
}

// ---- serialization --------------------------------------------------------------------------------

const encoder = new TextEncoder();

/** @internal The head (start line + headers + empty line) as text, with the right Content-Length. */
export function headText(m: SipMessage): string {
  const fields = m._fields ?? m._materialize();
  // Runs of untouched parsed lines are copied from the message text as one substring each.
  const text = m._head;
  let runA = -1;
  let runB = -1;
  let s = m.startLine() + "\r\n";
  let wroteLength = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.id === H.CONTENT_LENGTH) {
      // Serialization writes the true body length once, in the place of the first Content-Length.
      if (wroteLength) continue;
      wroteLength = true;
      if (runA >= 0) {
        s += text!.substring(runA, runB);
        runA = -1;
      }
      s += f.name + ": " + m._body.length + "\r\n";
      continue;
    }
    if (f.raw >= 0 && text !== null) {
      if (f.raw === runB) runB = f.rawEnd;
      else {
        if (runA >= 0) s += text.substring(runA, runB);
        runA = f.raw;
        runB = f.rawEnd;
      }
      continue;
    }
    if (runA >= 0) {
      s += text!.substring(runA, runB);
      runA = -1;
    }
    s += f.name + ": " + f.value + "\r\n";
  }
  if (runA >= 0) s += text!.substring(runA, runB);
  if (!wroteLength) s += "Content-Length: " + m._body.length + "\r\n";
  return s + "\r\n";
}

/** @internal Serializes to a new array. */
export function serializeBytes(m: SipMessage): Uint8Array {
  if (m._pristine) {
    // Unchanged since parsing: the parsed bytes are the serialization (a view, no copy).
    const [a, b] = m._rawRange();
    return m._src.subarray(a, b);
  }
  const text = headText(m);
  const body = m._body;
  // One allocation: ASCII text is as many bytes as characters; otherwise encode and join.
  const out = allocBytes(text.length + body.length);
  const r = encoder.encodeInto(text, out);
  if (r.read === text.length && r.written === text.length) {
    out.set(body, text.length);
    return out;
  }
  const head = encoder.encode(text);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return all;
}

/** @internal Serializes into `dst` at `offset`; returns bytes written or throws RangeError. */
export function serializeInto(m: SipMessage, dst: Uint8Array, offset: number): number {
  if (m._pristine) {
    const [a, b] = m._rawRange();
    if (offset + (b - a) > dst.length) throw new RangeError("serializeMessageInto: buffer too small");
    dst.set(m._src.subarray(a, b), offset);
    return b - a;
  }
  const text = headText(m);
  const r = encoder.encodeInto(text, dst.subarray(offset));
  if (r.read < text.length || offset + r.written + m._body.length > dst.length) {
    throw new RangeError("serializeMessageInto: buffer too small");
  }
  dst.set(m._body, offset + r.written);
  return r.written + m._body.length;
}

// ---- helpers --------------------------------------------------------------------------------------

let formatUriFn: ((u: Uri) => string) | undefined;
/** @internal build.ts registers formatUri here, so message.ts does not import the formatters. */
export function registerUriFormatter(f: (u: Uri) => string): void {
  formatUriFn = f;
}
function formatUriLazy(u: Uri): string {
  if (!formatUriFn) throw new Error("no URI formatter registered");
  return formatUriFn(u);
}

function missing(name: string): SipParseError {
  return new SipParseError("MISSING_HEADER", `no ${name} header`, 0, { header: name });
}

function throwMissing(name: string): never {
  throw missing(name);
}

function wrap(e: unknown, header: string): unknown {
  if (e instanceof SipParseError && e.header === undefined) {
    return new SipParseError(e.code, `${header}: ${e.message}`, e.offset, { header, cause: e });
  }
  return e;
}
