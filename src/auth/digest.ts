/**
 * The digest computations of RFC 7616 §3.4.1–3.4.4 (RFC 2617 §3.2.2, RFC 2069 §2.1.2 for the form
 * without qop), shared by the client and the server:
 *
 *     A1       = unq(username) ":" unq(realm) ":" passwd                      (§3.4.2)
 *     A1-sess  = H(unq(username) ":" unq(realm) ":" passwd) ":" unq(nonce-prime) ":" unq(cnonce-prime)
 *     A2       = Method ":" request-uri                       (qop "auth" or none, §3.4.3)
 *     A2       = Method ":" request-uri ":" H(entity-body)    (qop "auth-int")
 *     response = KD(H(A1), unq(nonce) ":" nc ":" unq(cnonce) ":" unq(qop) ":" H(A2))   (§3.4.1)
 *     response = KD(H(A1), unq(nonce) ":" H(A2))              (no qop, RFC 2069)
 *     KD(secret, data) = H(secret ":" data)
 *
 * H(A1) is what a server stores instead of the password (the "HA1"); it is password-equivalent for
 * its realm and hash.
 */
import { algorithmInfo } from "./algorithms.ts";
import type { DigestAlgorithm, DigestHash } from "./algorithms.ts";
import { AuthError } from "./errors.ts";
import { hashBytesHex, hashJoin, responseHex, responseMatches } from "./hash.ts";
import type { HashId } from "./hash.ts";

/** @internal What one response digest is computed from. */
export interface DigestInput {
  hash: HashId;
  /** H(A1), or the session key H(A1-sess) for a `-sess` algorithm. */
  ha1: string;
  nonce: string;
  method: string;
  uri: string;
  /** `auth` or `auth-int`; undefined for the RFC 2069 form. */
  qop: string | undefined;
  nc: string;
  cnonce: string;
  /** The request body, hashed for qop=auth-int. */
  body: Uint8Array | undefined;
}

/** The KD pieces before H(A2), and A2's pieces (RFC 7616 §3.4.1, §3.4.3). */
function pieces(d: DigestInput): [kd: string[], a2: string[]] {
  const a2 = d.qop === "auth-int" ? [d.method, d.uri, hashBytesHex(d.hash, d.body ?? new Uint8Array(0))] : [d.method, d.uri];
  return [d.qop === undefined ? [d.ha1, d.nonce] : [d.ha1, d.nonce, d.nc, d.cnonce, d.qop], a2];
}

/** @internal The request-digest of RFC 7616 §3.4.1 as lower-case hex. */
export function requestDigest(d: DigestInput): string {
  const [kd, a2] = pieces(d);
  return responseHex(d.hash, kd, a2);
}

/** @internal Whether `response` (hex, either case) is the request-digest, compared in constant time. */
export function requestDigestIs(d: DigestInput, response: string): boolean {
  const [kd, a2] = pieces(d);
  return responseMatches(d.hash, kd, a2, response);
}

/** @internal H(A1-sess) of RFC 7616 §3.4.2 from the stored H(A1). */
export function sessionHa1(hash: HashId, ha1: string, nonce: string, cnonce: string): string {
  return hashJoin(hash, [ha1, nonce, cnonce]);
}

function hashFor(algorithm: DigestAlgorithm | DigestHash): HashId {
  const info = algorithmInfo(algorithm);
  if (info === undefined) throw new AuthError("BAD_OPTION", `unknown digest algorithm ${JSON.stringify(algorithm)}`);
  return info.hash;
}

/**
 * H(A1) = H(username ":" realm ":" password) (RFC 7616 §3.4.2), the value a registrar stores per
 * user, realm and hash instead of the password. A `-sess` algorithm gives its hash's HA1 (the
 * session key is derived from it per nonce). The password is used once and kept nowhere.
 *
 * ```ts
 * digestHa1("Mufasa", "http-auth@example.org", "Circle of Life", "SHA-256");
 * ```
 */
export function digestHa1(username: string, realm: string, password: string, algorithm: DigestAlgorithm | DigestHash = "MD5"): string {
  return hashJoin(hashFor(algorithm), [username, realm, password]);
}

/**
 * The hashed username of RFC 7616 §3.4.4, H(username ":" realm), which a client sends with
 * `userhash=true` when the server asks for it; a server indexes its users by it.
 */
export function digestUserhash(username: string, realm: string, algorithm: DigestAlgorithm | DigestHash = "MD5"): string {
  return hashJoin(hashFor(algorithm), [username, realm]);
}
