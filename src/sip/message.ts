/**
 * The SIP message (RFC 3261 §7): the typed accessors over its header store (header-store.ts), the
 * start line, printing and copying. Requests and responses are in request.ts and response.ts,
 * serialization in serialize.ts.
 */
import { SipParseError } from "./errors.ts";
import { failureError } from "./failure.ts";
import { H, HEADER_NAMES } from "./header-names.ts";
import { MISS, SipHeaderStore } from "./header-store.ts";
import { findHeaderParam } from "./header-scan.ts";
import { authValues, scanAuthItems } from "./auth-value.ts";
import {
  readCSeq,
  readDeltaSeconds,
  readEvent,
  readMaxForwards,
  readMinSE,
  readRAck,
  readReplaces,
  readRSeq,
  readSessionExpires,
  readSubscriptionState,
  readTokenList,
} from "./header-values.ts";
import { readMediaType } from "./media-type.ts";
import { readContactList, readFromTo, readNameAddr, readNameAddrList } from "./name-addr.ts";
import { serializeBytes } from "./serialize.ts";
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
  Via,
} from "./types.ts";
import { readVia } from "./via.ts";

// ignoreBOM: a body may begin with U+FEFF, which must be kept.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * A SIP message (RFC 3261 §7). Parsed messages keep their bytes and a token table and decode a
 * header only when it is asked for; the first change materializes the header list. Typed accessors
 * parse lazily, cache their result, and throw `SipParseError` (with `header`) on a malformed value;
 * the auth accessors (`authorization`, `wwwAuthenticate`, …) leave a malformed field out instead,
 * since a message is usable without them. Parsed values print as SIP (`String(msg.from.uri)`, `` `${msg.contentType}` ``).
 *
 * A message parsed from a `Uint8Array` holds that array (no copy): do not change it afterwards.
 */
export abstract class SipMessage extends SipHeaderStore {
  /** True for a {@link SipRequest}, false for a {@link SipResponse}. */
  abstract readonly isRequest: boolean;

  // ---- typed accessors ---------------------------------------------------------------------------

  /** @internal Parses the first value of a header once and caches the result. */
  _typed<T>(id: number, read: (v: string) => T): T | undefined {
    const hit = this._cached(id);
    if (hit !== MISS) return hit as T | undefined;
    const v = this._first(id);
    let result: T | undefined;
    try {
      result = v === undefined ? undefined : read(v);
    } catch (e) {
      throw failureError(e, HEADER_NAMES[id]!);
    }
    this._store(id, result);
    return result;
  }

  /** @internal Parses every value of a list header (all fields, in order) once and caches the result. */
  _list<T>(id: number, read: (v: string) => T[]): T[] {
    const hit = this._cached(id);
    if (hit !== MISS) return hit as T[];
    let out: T[];
    try {
      // One field (the usual case): the reader's own fresh array is the list, with no second array
      // and no list of the field values to copy it through.
      if (this._count(id) === 1) out = read(this._first(id)!);
      else {
        out = [];
        for (const v of this._values(id, "")) for (const x of read(v)) out.push(x);
      }
    } catch (e) {
      throw failureError(e, HEADER_NAMES[id]!);
    }
    this._store(id, out);
    return out;
  }

  /** @internal The parsed single value of a header that must be present. */
  _required<T>(id: number, read: (v: string) => T): T {
    const v = this._typed(id, read);
    if (v === undefined) throw missing(HEADER_NAMES[id]!);
    return v;
  }

  /** Call-ID (RFC 3261 §20.8). Throws when absent. */
  get callId(): string {
    const v = this._first(H.CALL_ID);
    if (v === undefined) throw missing("Call-ID");
    return v;
  }

  /** CSeq (RFC 3261 §20.16). Throws when absent or malformed. */
  get cseq(): CSeq {
    const tt = this._tt;
    if (tt) {
      // The tokenizer read the number and located the method of a well-formed CSeq.
      const hit = this._cached(H.CSEQ);
      if (hit !== MISS && hit !== undefined) return hit as CSeq;
      const v = tt.cseq(H.CSEQ);
      if (v !== undefined) {
        this._store(H.CSEQ, v);
        return v;
      }
    }
    return this._required(H.CSEQ, readCSeq);
  }

  /** From (RFC 3261 §20.20). Throws when absent or malformed. */
  get from(): FromTo {
    return this._required(H.FROM, readFromTo);
  }

  /** To (RFC 3261 §20.39). Throws when absent or malformed. */
  get to(): FromTo {
    return this._required(H.TO, readFromTo);
  }

  /** The From tag, read without parsing the whole From value. */
  get fromTag(): string | undefined {
    return this._param(H.FROM, "tag");
  }

  /** The To tag, read without parsing the whole To value. */
  get toTag(): string | undefined {
    return this._param(H.TO, "tag");
  }

  /** The branch of the top Via (RFC 3261 §8.1.1.7), read without parsing the Via. */
  get branch(): string | undefined {
    return this._param(H.VIA, "branch");
  }

  /**
   * @internal A tag / branch parameter of the first field with that id (From, To or Via), found by a
   * light scan and kept until the headers change: the layers ask for them many times per message.
   */
  _param(id: number, name: string): string | undefined {
    const slot = id === H.FROM ? 0 : id === H.TO ? 1 : 2;
    const hit = slot === 0 ? this._pFrom : slot === 1 ? this._pTo : this._pVia;
    if (hit !== undefined) return hit ?? undefined;
    let v: string | undefined;
    if (this._tt) v = this._tt.param(id);
    else {
      const value = this._first(id);
      v = value === undefined ? undefined : findHeaderParam(value, name);
    }
    if (slot === 0) this._pFrom = v ?? null;
    else if (slot === 1) this._pTo = v ?? null;
    else this._pVia = v ?? null;
    return v;
  }

  /** Every Via value, top first (RFC 3261 §20.42); empty when there is none. */
  get via(): Via[] {
    return this._list(H.VIA, readVia);
  }

  /** The top Via, or undefined. */
  get topVia(): Via | undefined {
    return this.via[0];
  }

  /** Max-Forwards (RFC 3261 §20.22), 0..255. */
  get maxForwards(): number | undefined {
    return this._typed(H.MAX_FORWARDS, readMaxForwards);
  }

  /** Contact values in order (RFC 3261 §20.10), including the `*` wildcard. */
  get contact(): Contact[] {
    return this._list(H.CONTACT, readContactList);
  }

  /** Route values in order (RFC 3261 §20.34). */
  get route(): NameAddr[] {
    return this._list(H.ROUTE, readNameAddrList);
  }

  /** Record-Route values in order (RFC 3261 §20.30). */
  get recordRoute(): NameAddr[] {
    return this._list(H.RECORD_ROUTE, readNameAddrList);
  }

  /** Content-Type (RFC 3261 §20.15). */
  get contentType(): MediaType | undefined {
    return this._typed(H.CONTENT_TYPE, readMediaType);
  }

  /** The body length, which is what serialization writes as Content-Length. */
  get contentLength(): number {
    return this._body.length;
  }

  /** Expires (RFC 3261 §20.19), delta-seconds. */
  get expires(): number | undefined {
    return this._typed(H.EXPIRES, readDeltaSeconds);
  }

  /** Allow (RFC 3261 §20.5): methods, all fields combined. */
  get allow(): string[] {
    return this._list(H.ALLOW, readTokenList);
  }

  /** Supported (RFC 3261 §20.37): option tags. */
  get supported(): string[] {
    return this._list(H.SUPPORTED, readTokenList);
  }

  /** Require (RFC 3261 §20.32): option tags. */
  get require(): string[] {
    return this._list(H.REQUIRE, readTokenList);
  }

  /** Unsupported (RFC 3261 §20.40): option tags. */
  get unsupported(): string[] {
    return this._list(H.UNSUPPORTED, readTokenList);
  }

  /** Proxy-Require (RFC 3261 §20.29): option tags. */
  get proxyRequire(): string[] {
    return this._list(H.PROXY_REQUIRE, readTokenList);
  }

  /**
   * @internal The challenges or credentials of every field of an auth header, in order, cached.
   * A field that does not parse is left out instead of failing the message: a 401 with one broken
   * challenge still offers the others, and a proxy passes credentials for other realms untouched
   * (RFC 3261 §16.3). `validateMessage` reports such a field.
   */
  _auth(id: number): AuthValue[] {
    const hit = this._cached(id);
    if (hit !== MISS) return hit as AuthValue[];
    const out: AuthValue[] = [];
    for (const v of this._values(id, "")) {
      const r = scanAuthItems(v);
      if (r.ok) for (const a of authValues(r.value)) out.push(a);
    }
    this._store(id, out);
    return out;
  }

  /** Authorization credentials (RFC 3261 §20.7) of every field that parses; never throws. */
  get authorization(): AuthValue[] {
    return this._auth(H.AUTHORIZATION);
  }

  /** Proxy-Authorization credentials (RFC 3261 §20.28) of every field that parses; never throws. */
  get proxyAuthorization(): AuthValue[] {
    return this._auth(H.PROXY_AUTHORIZATION);
  }

  /**
   * WWW-Authenticate challenges (RFC 3261 §20.44) of every field that parses, several per field
   * when a server lists them so (RFC 7235 §4.1); never throws.
   */
  get wwwAuthenticate(): AuthValue[] {
    return this._auth(H.WWW_AUTHENTICATE);
  }

  /** Proxy-Authenticate challenges (RFC 3261 §20.27) of every field that parses; never throws. */
  get proxyAuthenticate(): AuthValue[] {
    return this._auth(H.PROXY_AUTHENTICATE);
  }

  /** RSeq (RFC 3262 §7.1). */
  get rseq(): number | undefined {
    return this._typed(H.RSEQ, readRSeq);
  }

  /** RAck (RFC 3262 §7.2). */
  get rack(): RAck | undefined {
    return this._typed(H.RACK, readRAck);
  }

  /** Event (RFC 6665 §8.2.1). */
  get event(): EventValue | undefined {
    return this._typed(H.EVENT, readEvent);
  }

  /** Subscription-State (RFC 6665 §8.2.3). */
  get subscriptionState(): SubscriptionState | undefined {
    return this._typed(H.SUBSCRIPTION_STATE, readSubscriptionState);
  }

  /** Refer-To (RFC 3515 §2.1). */
  get referTo(): NameAddr | undefined {
    return this._typed(H.REFER_TO, readNameAddr);
  }

  /** Referred-By (RFC 3892 §3). */
  get referredBy(): NameAddr | undefined {
    return this._typed(H.REFERRED_BY, readNameAddr);
  }

  /** Replaces (RFC 3891 §6.1). */
  get replaces(): ReplacesValue | undefined {
    return this._typed(H.REPLACES, readReplaces);
  }

  /** Session-Expires (RFC 4028 §4). */
  get sessionExpires(): SessionExpires | undefined {
    return this._typed(H.SESSION_EXPIRES, readSessionExpires);
  }

  /** Min-SE (RFC 4028 §5), seconds. */
  get minSE(): number | undefined {
    return this._typed(H.MIN_SE, readMinSE);
  }

  /**
   * @internal Lets go of the parsed values cached by the typed accessors (they are parsed again on
   * the next read): for a message a transaction keeps long after the layers last read it.
   */
  _shed(): void {
    this._cache = null;
  }

  // ---- start line, printing, copying ---------------------------------------------------------------

  /** The start line without CRLF. */
  abstract startLine(): string;

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
  override toString(): string {
    return utf8.decode(serializeBytes(this));
  }

  /** A deep copy that can be changed independently. */
  clone(): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._fields = this._fields ? this._fields.map((f) => ({ ...f })) : null;
    c._cache = null;
    c._pFrom = c._pTo = c._pVia = undefined;
    return c;
  }
}

function missing(name: string): SipParseError {
  return new SipParseError("MISSING_HEADER", `no ${name} header`, { header: name });
}
