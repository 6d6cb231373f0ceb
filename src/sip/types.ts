/**
 * Value types of the SIP message layer (RFC 3261 §7, §19, §20, §25). Values a user builds are plain
 * objects of these shapes. Parsed URIs, addresses, Via values and media types are small classes of
 * the same shapes that also print as their RFC 3261 text (`String(v)`, `` `${v}` ``) and give a plain
 * object to `JSON.stringify` (`toJSON()`).
 */

/**
 * Generic parameters (`;name=value` or `;name`), in the order they appeared. Names are lower-cased
 * (RFC 3261 §7.3.1: parameter names are case-insensitive); a parameter without a value maps to `null`.
 * Values are kept as written (quoted-string values without their quotes and with escapes resolved).
 */
export type Params = Record<string, string | null>;

/**
 * A SIP or SIPS URI (RFC 3261 §19.1). A parsed one prints as its text (re-escaped, host lower-cased).
 *
 *     sip:user:password@host:port;uri-parameters?headers
 */
export interface SipUri {
  readonly scheme: "sip" | "sips";
  /** The userinfo user part, with %-escapes resolved. */
  user?: string;
  /** The userinfo password, with %-escapes resolved (deprecated by §22.1 but parsed). */
  password?: string;
  /** Host name (lower-cased), IPv4 address, or IPv6 reference with brackets (`[2001:db8::1]`, RFC 5118). */
  host: string;
  /** Port, if written. */
  port?: number;
  /** uri-parameters (`transport`, `user`, `method`, `ttl`, `maddr`, `lr`, others). */
  params: Params;
  /** URI headers (`?name=value&...`), names as written, values with %-escapes resolved. */
  headers: Record<string, string>;
}

/**
 * A tel URI (RFC 3966).
 *
 *     tel:+1-201-555-0123;ext=1234;phone-context=example.com
 */
export interface TelUri {
  readonly scheme: "tel";
  /** The number as written (global numbers keep the leading `+`; visual separators kept). */
  number: string;
  /** True for a global number (starts with `+`). */
  global: boolean;
  params: Params;
}

/**
 * Any other absolute URI (RFC 3261 §25.1 absoluteURI), kept verbatim. A proxy or UA may still route
 * or reject it (416 Unsupported URI Scheme).
 */
export interface OtherUri {
  /** Lower-cased scheme, e.g. `"mailto"`, `"http"`, `"urn"`. */
  readonly scheme: string;
  /** Everything after `scheme:`, verbatim. */
  opaque: string;
}

/** Any URI: SIP/SIPS, tel, or another scheme kept opaque. Parsed URIs print as their text (`String(uri)`). */
export type Uri = SipUri | TelUri | OtherUri;

/**
 * `name-addr / addr-spec` with generic parameters (RFC 3261 §20.10, §25.1), as in From, To, Contact,
 * Route, Record-Route, Refer-To, Referred-By, Reply-To. A parsed one prints in the name-addr form
 * (`"Alice" <sip:alice@example.com>;tag=1`).
 */
export interface NameAddr {
  /** The display name, unquoted with quoted-pairs resolved; absent when none was written. */
  displayName?: string;
  uri: Uri;
  /** Header parameters after the address (not the URI's own parameters). */
  params: Params;
}

/** From / To value (RFC 3261 §20.20, §20.39). */
export interface FromTo extends NameAddr {
  /** The `tag` parameter (§19.3), also present in `params`. */
  tag?: string;
}

/** A Contact value that is an address (RFC 3261 §20.10). */
export interface ContactAddress extends NameAddr {
  readonly wildcard: false;
  /** `expires` parameter in seconds. */
  expires?: number;
  /** `q` parameter, 0 to 1. */
  q?: number;
}

/** `Contact: *` (RFC 3261 §10.2.2, REGISTER only). */
export interface ContactWildcard {
  readonly wildcard: true;
}

/** One Contact value: an address, or the `*` of a REGISTER removing every binding. */
export type Contact = ContactAddress | ContactWildcard;

/**
 * One Via value (RFC 3261 §20.42, §18.2.1; `rport` RFC 3581). A parsed one prints as its via-parm.
 *
 *     Via: SIP/2.0/UDP host:port;branch=z9hG4bK...;received=...;rport=...
 */
export interface Via {
  /** Protocol name and version, e.g. `"SIP/2.0"`. */
  protocol: string;
  /** Transport, upper-cased: `"UDP"`, `"TCP"`, `"TLS"`, `"SCTP"`, `"WS"`, `"WSS"`, or another token. */
  transport: string;
  /** sent-by host (IPv6 with brackets). */
  host: string;
  /** sent-by port, if written. */
  port?: number;
  branch?: string;
  received?: string;
  /** `rport` (RFC 3581): a number when filled in, `true` when present without a value. */
  rport?: number | true;
  /** All parameters including branch, received, rport, maddr, ttl. */
  params: Params;
}

/** CSeq value (RFC 3261 §20.16). */
export interface CSeq {
  /** Sequence number, 0 to 2^31 - 1 (§8.1.1.5). */
  seq: number;
  method: string;
}

/**
 * A credentials or challenge value (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 7235 §2.1; RFC 2617 /
 * RFC 8760 params): the scheme (`Digest`) and its comma-separated `name=value` parameters, names
 * lower-cased, quoted values unquoted, the first of a repeated name kept; or, for schemes that use
 * it (`Basic`, `Bearer`), a `token68` instead of parameters. Parsed values print as header text.
 */
export interface AuthValue {
  scheme: string;
  params: Record<string, string>;
  /** The token68 form (RFC 7235 §2.1) written after the scheme instead of parameters. */
  token68?: string | undefined;
}

/** RAck value (RFC 3262 §7.2). */
export interface RAck {
  rseq: number;
  cseq: number;
  method: string;
}

/** Event value (RFC 6665 §8.2.1). */
export interface EventValue {
  /** event-type (package, with template suffixes), e.g. `"presence"`, `"refer"`, `"dialog.winfo"`. */
  event: string;
  /** The `id` parameter. */
  id?: string;
  params: Params;
}

/** Subscription-State value (RFC 6665 §8.2.3). */
export interface SubscriptionState {
  /** `"active"`, `"pending"`, `"terminated"`, or another token (lower-cased). */
  state: string;
  expires?: number;
  reason?: string;
  retryAfter?: number;
  params: Params;
}

/** Replaces value (RFC 3891 §6.1). */
export interface ReplacesValue {
  callId: string;
  toTag: string;
  fromTag: string;
  earlyOnly: boolean;
  params: Params;
}

/** Session-Expires value (RFC 4028 §4). */
export interface SessionExpires {
  /** delta-seconds. */
  seconds: number;
  /** `refresher` parameter. */
  refresher?: "uac" | "uas";
  params: Params;
}

/** Content-Type value (RFC 3261 §20.15). A parsed one prints as `type/subtype;params`. */
export interface MediaType {
  /** Lower-cased `type/subtype`, e.g. `"application/sdp"`. */
  type: string;
  params: Params;
}

/** A header field as stored on a message: the name as written (or as added) and its raw value. */
export interface HeaderField {
  /** Header name as it appeared (compact forms such as `v` kept as written). */
  name: string;
  /** The field value with leading/trailing whitespace removed and line folding replaced by one space. */
  value: string;
}

/** Size limits applied when parsing and framing (RFC 3261 leaves them to the implementation). */
export interface SipLimits {
  /** Largest message, start line to end of body, in bytes. Default 65536. */
  maxMessageSize: number;
  /** Most header fields in one message. Default 256. */
  maxHeaders: number;
  /** Longest header field (name, colon, value, folding included) in bytes. Default 8192. */
  maxHeaderLength: number;
}

/** The limits parsing and framing apply when none are given. */
export const DEFAULT_SIP_LIMITS: Readonly<SipLimits> = Object.freeze({
  maxMessageSize: 65536,
  maxHeaders: 256,
  maxHeaderLength: 8192,
});
