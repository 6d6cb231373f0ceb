/**
 * The algorithm parameter of RFC 7616 §3.3 and RFC 8760 §2.1: a hash (MD5, SHA-256, SHA-512/256,
 * the last written `SHA-512-256`) and its `-sess` form, which hashes the nonce and cnonce into H(A1)
 * (RFC 7616 §3.4.2).
 */
import { MD5, SHA256, SHA512_256 } from "./hash.ts";
import type { HashId } from "./hash.ts";

/** An algorithm token of RFC 7616 §3.3 in its registered spelling. */
export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";

/** A hash of RFC 7616 §3.2: what an HA1 is computed with (the `-sess` forms share their hash's HA1). */
export type DigestHash = "MD5" | "SHA-256" | "SHA-512-256";

/** Every algorithm, strongest first: the client's default preference. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze([
  "SHA-512-256",
  "SHA-512-256-sess",
  "SHA-256",
  "SHA-256-sess",
  "MD5",
  "MD5-sess",
]);

/** What an algorithm token means (used inside src/auth). */
export interface AlgorithmInfo {
  readonly name: DigestAlgorithm;
  readonly hashName: DigestHash;
  readonly hash: HashId;
  readonly sess: boolean;
}

const TABLE = new Map<string, AlgorithmInfo>();
for (const name of DIGEST_ALGORITHMS) {
  const sess = name.endsWith("-sess");
  const hashName = (sess ? name.slice(0, -5) : name) as DigestHash;
  const hash = hashName === "MD5" ? MD5 : hashName === "SHA-256" ? SHA256 : SHA512_256;
  const info = Object.freeze({ name, hashName, hash, sess });
  // The registered spelling (what nearly every peer writes) is found without lower-casing.
  TABLE.set(name, info);
  TABLE.set(name.toLowerCase(), info);
}

/**
 * @internal The algorithm a token names, compared case-insensitively; an absent parameter means MD5
 * (RFC 7616 §3.3). Undefined for a token this side does not implement.
 */
export function algorithmInfo(token: string | undefined): AlgorithmInfo | undefined {
  if (token === undefined) return TABLE.get("MD5");
  return TABLE.get(token) ?? TABLE.get(token.toLowerCase());
}
