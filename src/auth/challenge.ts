/**
 * Digest challenges: the WWW-Authenticate and Proxy-Authenticate values of RFC 7616 §3.3 (with
 * RFC 3261 §20.27, §20.44 and RFC 8760 §2.1):
 *
 *     challenge = "Digest" LWS digest-cln *(COMMA digest-cln)
 *     digest-cln = realm / domain / nonce / opaque / stale / algorithm / qop-options
 *                  / charset / userhash / auth-param
 *
 * Quoted and token forms are accepted for every parameter (servers quote `algorithm`, some leave
 * `qop` bare); what is written follows RFC 7616 §3.3.
 */
import type { ParseResult } from "../errors.ts";
import { scanAuthItems } from "../sip/auth-value.ts";
import type { AuthItem } from "../sip/auth-value.ts";
import { quotedParam, tokenParam } from "./auth-params.ts";
import { authFail, parseError } from "./errors.ts";
import type { AuthErrorCode } from "./errors.ts";

/** A parsed Digest challenge (RFC 7616 §3.3). */
export interface DigestChallenge {
  /** The protection space's name, shown to users and hashed into H(A1). */
  realm: string;
  /** The server nonce. */
  nonce: string;
  /** The algorithm token as written; absent means MD5 (RFC 7616 §3.3). */
  algorithm?: string;
  /** Returned unchanged by the client. */
  opaque?: string;
  /** qop-options, lower-cased (`auth`, `auth-int`, or others); empty when absent (RFC 2069 form). */
  qop: string[];
  /** `stale=true`: the nonce was refused, not the credentials (RFC 7616 §3.3). */
  stale: boolean;
  /** The `domain` URIs of the protection space, when given. */
  domain?: string[];
  /** `userhash=true`: the server accepts a hashed username (RFC 7616 §3.4.4). */
  userhash: boolean;
  /** `charset` (only `UTF-8` is defined, RFC 7616 §3.3). */
  charset?: string;
}

function isTrue(v: string): boolean {
  return v.length === 4 && v.toLowerCase() === "true";
}

/** A parsed challenge: prints as its RFC 7616 §3.3 text, gives its fields to JSON. */
class DigestChallengeValue implements DigestChallenge {
  realm = "";
  nonce = "";
  algorithm?: string;
  opaque?: string;
  qop: string[] = [];
  stale = false;
  domain?: string[];
  userhash = false;
  charset?: string;

  /** The challenge as a WWW-Authenticate / Proxy-Authenticate value. */
  toString(): string {
    return formatDigestChallenge(this);
  }

  /** The fields as a plain object. */
  toJSON(): DigestChallenge {
    return { ...this };
  }
}

/** @internal The Digest challenge of one parsed item. */
export function challengeFromItem(item: AuthItem): ParseResult<DigestChallenge, AuthErrorCode> {
  let realm: string | undefined;
  let nonce: string | undefined;
  const c = new DigestChallengeValue();
  const seen = new Set<string>();
  const p = item.params;
  for (let i = 0; i < p.length; i += 2) {
    const name = p[i]!;
    const v = p[i + 1]!;
    // RFC 7235 §2.1: each parameter name MUST only occur once per challenge.
    if (seen.has(name)) return authFail("DUPLICATE_PARAM", item.offset);
    seen.add(name);
    switch (name) {
      case "realm":
        realm = v;
        break;
      case "nonce":
        nonce = v;
        break;
      case "algorithm":
        c.algorithm = v;
        break;
      case "opaque":
        c.opaque = v;
        break;
      case "qop":
        // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT
        for (const q of v.split(",")) {
          const t = q.trim().toLowerCase();
          if (t !== "") c.qop.push(t);
        }
        break;
      case "stale":
        // RFC 7616 §3.3: anything other than "true" (case-insensitive) means false.
        c.stale = isTrue(v);
        break;
      case "domain":
        c.domain = v.split(/[ \t]+/).filter((u) => u !== "");
        break;
      case "userhash":
        c.userhash = isTrue(v);
        break;
      case "charset":
        c.charset = v;
        break;
    }
  }
  if (realm === undefined || nonce === undefined) return authFail("MISSING_PARAM", item.offset);
  c.realm = realm;
  c.nonce = nonce;
  return { ok: true, value: c };
}

/**
 * Every Digest challenge in a WWW-Authenticate or Proxy-Authenticate value (one value may hold
 * several, RFC 7235 §4.1); challenges of other schemes are skipped. A value with none is
 * NOT_DIGEST.
 */
export function tryParseDigestChallenges(value: string): ParseResult<DigestChallenge[], AuthErrorCode> {
  const r = scanAuthItems(value);
  if (!r.ok) return r;
  const out: DigestChallenge[] = [];
  for (const item of r.value) {
    if (item.scheme.length !== 6 || item.scheme.toLowerCase() !== "digest") continue;
    const c = challengeFromItem(item);
    if (!c.ok) return c;
    out.push(c.value);
  }
  if (out.length === 0) return authFail("NOT_DIGEST", 0);
  return { ok: true, value: out };
}

/** {@link tryParseDigestChallenges}, throwing {@link AuthError} on failure. */
export function parseDigestChallenges(value: string): DigestChallenge[] {
  const r = tryParseDigestChallenges(value);
  if (!r.ok) throw parseError(r, "challenge");
  return r.value;
}

/**
 * Writes a challenge in RFC 7616 §3.3 form: `realm`, `domain`, `nonce`, `opaque` quoted;
 * `stale`, `algorithm`, `userhash`, `charset` as tokens; `qop` as a quoted list. Throws
 * {@link AuthError} BAD_PARAM_VALUE for a value with a control character.
 */
export function formatDigestChallenge(c: DigestChallenge): string {
  let s = `Digest ${quotedParam("realm", c.realm)}`;
  if (c.domain !== undefined && c.domain.length > 0) s += `, ${quotedParam("domain", c.domain.join(" "))}`;
  s += `, ${quotedParam("nonce", c.nonce)}`;
  if (c.opaque !== undefined) s += `, ${quotedParam("opaque", c.opaque)}`;
  if (c.stale) s += ", stale=true";
  if (c.algorithm !== undefined) s += `, ${tokenParam("algorithm", c.algorithm)}`;
  if (c.qop.length > 0) s += `, ${quotedParam("qop", c.qop.join(","))}`;
  if (c.charset !== undefined) s += `, ${tokenParam("charset", c.charset)}`;
  if (c.userhash) s += ", userhash=true";
  return s;
}
