import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";

/**
 * Why a digest challenge or credentials value could not be parsed, a client could not answer a
 * challenge, or a server refused a request's credentials. One list for the whole layer.
 */
export type AuthErrorCode =
  // header values (RFC 7235 §2.1, RFC 7616 §3.3–3.4, RFC 3261 §25.1)
  | "EMPTY" // nothing but whitespace
  | "BAD_SYNTAX" // not `scheme 1*SP auth-param *("," auth-param)`: a stray character, a name without "="
  | "BAD_QUOTED_STRING" // an unterminated quoted-string, or a control character in one
  | "DUPLICATE_PARAM" // a parameter given twice (RFC 7235 §2.1: each name MUST occur once)
  | "MISSING_PARAM" // realm or nonce of a challenge; username, realm, nonce, uri, response of credentials; cnonce or nc with qop
  | "BAD_PARAM_VALUE" // nc not 8 hex digits, response not hex, a bad username*, a control character in a value
  | "NOT_DIGEST" // the value is another scheme's (Basic, Bearer, ...)
  // client (RFC 3261 §22.2–22.3, RFC 8760 §2.4)
  | "NO_CHALLENGE" // the response is not a 401/407 or carries no Digest challenge
  | "NO_CREDENTIALS" // no configured account for any challenged realm
  | "UNSUPPORTED_ALGORITHM" // no challenge names an algorithm this side implements and has a secret for
  | "UNSUPPORTED_QOP" // every challenge offers only unknown qop values
  | "WRONG_CREDENTIALS" // credentials answering this realm's challenge were refused (challenged again, not stale)
  // server (RFC 7616 §3.3–3.5, RFC 3261 §22.4)
  | "MISSING_CREDENTIALS" // no Authorization (Proxy-Authorization) value with Digest credentials
  | "MALFORMED_CREDENTIALS" // the credentials for this realm (or every Digest value) could not be parsed
  | "REALM_MISMATCH" // Digest credentials only for other realms
  | "ALGORITHM_NOT_OFFERED" // an algorithm this server did not offer
  | "QOP_NOT_OFFERED" // a qop this server did not offer, or none where it offered some
  | "URI_MISMATCH" // the uri parameter is not the Request-URI (RFC 7616 §3.4.6)
  | "UNKNOWN_USER" // the lookup found no HA1 for the user
  | "BAD_HA1" // the HA1 the caller supplied is not hex of the algorithm's length
  | "WRONG_RESPONSE" // the response digest does not match
  | "BAD_NONCE" // a nonce this server did not issue (forged, or another secret)
  | "STALE_NONCE" // an expired nonce with a correct digest
  | "REPLAY" // a nonce count already used with this nonce (RFC 7616 §3.4.5)
  // options
  | "BAD_OPTION"; // an option of createDigestClient / createDigestServer / digestHa1 is invalid

/** A parse failure of a challenge or credentials value. */
export type AuthParseFailure = ParseFailure<AuthErrorCode>;

/**
 * A digest-authentication error: a throwing parser's failure (`parseDigestChallenges`,
 * `parseDigestCredentials`) or an invalid option. Messages never include a password or an HA1.
 */
export class AuthError extends SiphonError {
  declare readonly code: AuthErrorCode;
  /** Character offset in the header value, for parse failures. */
  readonly offset: number | undefined;

  constructor(code: AuthErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.offset = options?.offset;
  }
}

/** @internal A failure value, without an Error object. */
export function authFail(code: AuthErrorCode, offset: number): AuthParseFailure {
  return { ok: false, code, offset };
}

/** @internal The AuthError for a parse failure; the message names the code, never the value. */
export function parseError(f: AuthParseFailure, what: string): AuthError {
  return new AuthError(f.code, `Digest ${what}: ${f.code} at ${f.offset}`, { offset: f.offset });
}
