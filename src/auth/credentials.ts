/**
 * Digest credentials: the Authorization and Proxy-Authorization values of RFC 7616 §3.4 (with
 * RFC 3261 §20.7, §20.28 and RFC 8760 §2.2):
 *
 *     credentials = "Digest" LWS dig-resp *(COMMA dig-resp)
 *     dig-resp    = username / realm / nonce / digest-uri / dresponse / algorithm
 *                   / cnonce / opaque / message-qop / nonce-count / userhash / auth-param
 *     nonce-count = "nc" EQUAL 8LHEX
 *     dresponse   = "response" EQUAL LDQUOT *LHEX RDQUOT    ; 32 or 64 hex digits
 */
import type { ParseResult } from "../errors.ts";
import { scanAuthItems } from "../sip/auth-value.ts";
import type { AuthItem } from "../sip/auth-value.ts";
import { quotedParam, tokenParam } from "./auth-params.ts";
import { authFail, parseError } from "./errors.ts";
import type { AuthErrorCode } from "./errors.ts";

/** Parsed Digest credentials (RFC 7616 §3.4). */
export interface DigestCredentials {
  /** The username, or its hash when `userhash` is true; decoded from `username*` when sent so. */
  username: string;
  realm: string;
  nonce: string;
  /** The digest-uri: the Request-URI the client signed. */
  uri: string;
  /** The request-digest, hex. */
  response: string;
  /** The algorithm token as written; absent means MD5. */
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  /** message-qop, lower-cased (`auth`, `auth-int`); absent in the RFC 2069 form. */
  qop?: string;
  /** The nonce count as written (8 hex digits), hashed as is. */
  nc?: string;
  /** `userhash=true`: `username` is H(username ":" realm) (RFC 7616 §3.4.4). */
  userhash: boolean;
}

const HEX = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128);
  for (const c of "0123456789abcdefABCDEF") t[c.charCodeAt(0)] = 1;
  return t;
})();

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || HEX[c] === 0) return false;
  }
  return true;
}

/**
 * RFC 7616 §3.4: `username*` is an ext-value of RFC 8187 §3.2.1 (`UTF-8''J%C3%A4s%C3%B8n%20Doe`).
 * Only UTF-8 is accepted (the charset RFC 7616 §3.3 defines). Undefined when malformed.
 */
function decodeExtValue(v: string): string | undefined {
  const a = v.indexOf("'");
  const b = a < 0 ? -1 : v.indexOf("'", a + 1);
  if (b < 0 || v.slice(0, a).toLowerCase() !== "utf-8") return undefined;
  const enc = v.slice(b + 1);
  const bytes: number[] = [];
  for (let i = 0; i < enc.length; i++) {
    const c = enc.charCodeAt(i);
    if (c === 0x25) {
      const h = enc.slice(i + 1, i + 3);
      if (h.length !== 2 || !isHex(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c > 0x20 && c < 0x7f) {
      bytes.push(c);
    } else {
      return undefined;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Parsed credentials: print as their RFC 7616 §3.4 text, give their fields to JSON. */
class DigestCredentialsValue implements DigestCredentials {
  username = "";
  realm = "";
  nonce = "";
  uri = "";
  response = "";
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  nc?: string;
  userhash = false;

  /** The credentials as an Authorization / Proxy-Authorization value. */
  toString(): string {
    return formatDigestCredentials(this);
  }

  /** The fields as a plain object. */
  toJSON(): DigestCredentials {
    return { ...this };
  }
}

/** @internal The Digest credentials of one parsed item. */
export function credentialsFromItem(item: AuthItem): ParseResult<DigestCredentials, AuthErrorCode> {
  let username: string | undefined;
  let usernameStar: string | undefined;
  let realm: string | undefined;
  let nonce: string | undefined;
  let uri: string | undefined;
  let response: string | undefined;
  const c = new DigestCredentialsValue();
  const at = item.offset;
  const p = item.params;
  // A bit per known parameter catches repeats without a Set on the verification path.
  let seen = 0;
  for (let i = 0; i < p.length; i += 2) {
    const name = p[i]!;
    const v = p[i + 1]!;
    let bit = 0;
    switch (name) {
      case "username":
        bit = 1;
        username = v;
        break;
      case "username*":
        bit = 2;
        usernameStar = v;
        break;
      case "realm":
        bit = 4;
        realm = v;
        break;
      case "nonce":
        bit = 8;
        nonce = v;
        break;
      case "uri":
        bit = 16;
        uri = v;
        break;
      case "response":
        bit = 32;
        if (v.length === 0 || !isHex(v)) return authFail("BAD_PARAM_VALUE", at);
        response = v;
        break;
      case "algorithm":
        bit = 64;
        c.algorithm = v;
        break;
      case "cnonce":
        bit = 128;
        c.cnonce = v;
        break;
      case "opaque":
        bit = 256;
        c.opaque = v;
        break;
      case "qop":
        bit = 512;
        c.qop = v.toLowerCase();
        break;
      case "nc":
        bit = 1024;
        // nonce-count = 8LHEX, counting from 00000001 (RFC 7616 §3.4).
        if (v.length !== 8 || !isHex(v) || v === "00000000") return authFail("BAD_PARAM_VALUE", at);
        c.nc = v;
        break;
      case "userhash":
        bit = 2048;
        c.userhash = v.length === 4 && v.toLowerCase() === "true";
        break;
    }
    if (bit !== 0) {
      if ((seen & bit) !== 0) return authFail("DUPLICATE_PARAM", at);
      seen |= bit;
    }
  }
  if (usernameStar !== undefined) {
    // RFC 7616 §3.4: username* MUST NOT be combined with username (nor used with userhash).
    if (username !== undefined || c.userhash) return authFail("BAD_PARAM_VALUE", at);
    username = decodeExtValue(usernameStar);
    if (username === undefined) return authFail("BAD_PARAM_VALUE", at);
  }
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    return authFail("MISSING_PARAM", at);
  }
  // RFC 7616 §3.4: cnonce and nc accompany qop (RFC 2617 §3.2.2: and only then).
  if (c.qop !== undefined && (c.cnonce === undefined || c.nc === undefined)) return authFail("MISSING_PARAM", at);
  c.username = username;
  c.realm = realm;
  c.nonce = nonce;
  c.uri = uri;
  c.response = response;
  return { ok: true, value: c };
}

/** Parses an Authorization or Proxy-Authorization value holding Digest credentials. */
export function tryParseDigestCredentials(value: string): ParseResult<DigestCredentials, AuthErrorCode> {
  const r = scanAuthItems(value);
  if (!r.ok) return r;
  for (const item of r.value) {
    if (item.scheme.length === 6 && item.scheme.toLowerCase() === "digest") return credentialsFromItem(item);
  }
  return authFail("NOT_DIGEST", 0);
}

/** {@link tryParseDigestCredentials}, throwing {@link AuthError} on failure. */
export function parseDigestCredentials(value: string): DigestCredentials {
  const r = tryParseDigestCredentials(value);
  if (!r.ok) throw parseError(r, "credentials");
  return r.value;
}

/**
 * @internal The part of a credentials value that stays the same for every request signed under
 * one nonce: `Digest username, realm, nonce[, algorithm][, opaque][, userhash]`.
 */
export function credentialsHead(c: Pick<DigestCredentials, "username" | "realm" | "nonce" | "algorithm" | "opaque" | "userhash">): string {
  let s = `Digest ${quotedParam("username", c.username)}, ${quotedParam("realm", c.realm)}, ${quotedParam("nonce", c.nonce)}`;
  if (c.algorithm !== undefined) s += `, ${tokenParam("algorithm", c.algorithm)}`;
  if (c.opaque !== undefined) s += `, ${quotedParam("opaque", c.opaque)}`;
  if (c.userhash) s += ", userhash=true";
  return s;
}

/**
 * Writes credentials in RFC 7616 §3.4 form: `username`, `realm`, `nonce`, `opaque`, `uri`,
 * `response`, `cnonce` quoted; `algorithm`, `qop`, `nc`, `userhash` as tokens. Throws
 * {@link AuthError} BAD_PARAM_VALUE for a value with a control character.
 */
export function formatDigestCredentials(c: DigestCredentials): string {
  let s = `${credentialsHead(c)}, ${quotedParam("uri", c.uri)}, ${quotedParam("response", c.response)}`;
  if (c.cnonce !== undefined) s += `, ${quotedParam("cnonce", c.cnonce)}`;
  if (c.qop !== undefined) s += `, ${tokenParam("qop", c.qop)}`;
  if (c.nc !== undefined) s += `, ${tokenParam("nc", c.nc)}`;
  return s;
}
