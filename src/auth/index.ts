/**
 * Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760): MD5, SHA-256 and SHA-512/256
 * with their `-sess` forms, qop `auth` and `auth-int`, on the Wasm core. The client answers
 * 401/407 challenges and reuses cached credentials; the server challenges, verifies against stored
 * HA1s, issues nonces it checks without storing them, and refuses replayed nonce counts. Both are
 * synchronous and sans-I/O.
 *
 * ```ts
 * const client = createDigestClient({ credentials: { username: "alice", password: "secret" } });
 * const headers = client.authorize(nextRequest, response401); // [["Authorization", "Digest ..."]]
 *
 * const server = createDigestServer({ realm: "example.com" });
 * const result = server.verify(request, now, digestHa1("alice", "example.com", "secret", "SHA-256"));
 * ```
 *
 * Error policy: nothing from the network throws. Parsers come as `tryParseX` (a value or a failure
 * with an {@link AuthErrorCode} and offset) and `parseX` (throws {@link AuthError}); the client and
 * server return failure values with a code from the same list. Only invalid options throw.
 * @module
 */
export { createDigestClient } from "./client.ts";
export type { DigestAuthorization, DigestClient, DigestClientOptions } from "./client.ts";
export type { DigestAccount } from "./accounts.ts";
export { createDigestServer } from "./server.ts";
export type {
  DigestChallengeOptions,
  DigestHa1Lookup,
  DigestIdentity,
  DigestRefused,
  DigestServer,
  DigestServerOptions,
  DigestVerification,
  DigestVerified,
} from "./server.ts";
export { digestHa1, digestUserhash } from "./digest.ts";
export { DIGEST_ALGORITHMS } from "./algorithms.ts";
export type { DigestAlgorithm, DigestHash } from "./algorithms.ts";
export { formatDigestChallenge, parseDigestChallenges, tryParseDigestChallenges } from "./challenge.ts";
export type { DigestChallenge } from "./challenge.ts";
export { formatDigestCredentials, parseDigestCredentials, tryParseDigestCredentials } from "./credentials.ts";
export type { DigestCredentials } from "./credentials.ts";
export { AuthError } from "./errors.ts";
export type { AuthErrorCode, AuthParseFailure } from "./errors.ts";
