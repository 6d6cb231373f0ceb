import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createDigestClient,
  createDigestServer,
  digestHa1,
  digestUserhash,
  formatDigestCredentials,
  parseDigestChallenges,
  parseDigestCredentials,
} from "../../src/auth/index.ts";
import type { DigestIdentity } from "../../src/auth/index.ts";
import { algorithmInfo } from "../../src/auth/algorithms.ts";
import { requestDigest, sessionHa1 } from "../../src/auth/digest.ts";
import { RFC2617_35, RFC7616_391, RFC7616_392 } from "../vectors/auth/vectors.ts";
import { challengeTo, credentialsIn, expectedResponse, req, withHeaders } from "./harness.ts";

/** The request-digest for an example's parsed credentials, from the user's password. */
function digestOf(authorization: string, username: string, password: string, method: string): string {
  const c = parseDigestCredentials(authorization);
  const alg = algorithmInfo(c.algorithm)!;
  let ha1 = digestHa1(username, c.realm, password, alg.hashName);
  if (alg.sess) ha1 = sessionHa1(alg.hash, ha1, c.nonce, c.cnonce!);
  return requestDigest({ hash: alg.hash, ha1, nonce: c.nonce, method, uri: c.uri, qop: c.qop, nc: c.nc!, cnonce: c.cnonce!, body: undefined });
}

describe("RFC 7616 §3.9.1: MD5 and SHA-256 with qop=auth", () => {
  const v = RFC7616_391;

  it("RFC 7616 §3.9.1: the 401's two challenges parse with realm, nonce, opaque, qop and algorithm", () => {
    const [sha, md5] = v.challenges.map((c) => parseDigestChallenges(c)[0]!);
    expect(sha).toEqual({ realm: v.realm, nonce: v.nonce, opaque: v.opaque, algorithm: "SHA-256", qop: ["auth", "auth-int"], stale: false, userhash: false });
    expect(md5!.algorithm).toBe("MD5");
  });

  it("RFC 7616 §3.9.1: the MD5 response is 8ca523f5e9506fed4657c9700eebdbec", () => {
    expect(digestOf(v.authorizationMd5, v.username, v.password, v.method)).toBe(v.responseMd5);
    expect(parseDigestCredentials(v.authorizationMd5).response).toBe(v.responseMd5);
  });

  it("RFC 7616 §3.9.1: the SHA-256 response is 753927fa…6cb6c1", () => {
    expect(digestOf(v.authorizationSha256, v.username, v.password, v.method)).toBe(v.responseSha256);
  });

  it("RFC 7616 §3.9.1: the example credentials parse, and format back to credentials that parse the same", () => {
    const c = parseDigestCredentials(v.authorizationSha256);
    expect(c).toEqual({
      username: "Mufasa", realm: v.realm, uri: v.uri, algorithm: "SHA-256", nonce: v.nonce, nc: "00000001",
      cnonce: v.cnonce, qop: "auth", response: v.responseSha256, opaque: v.opaque, userhash: false,
    });
    expect(parseDigestCredentials(formatDigestCredentials(c))).toEqual(c);
  });

  it("RFC 7616 §3.9.1 with RFC 8760 §2.4: a client answers the SHA-256 challenge of the two, echoing opaque", () => {
    const client = createDigestClient({ credentials: { username: v.username, password: v.password } });
    const r = req({ method: "GET", uri: v.uri, cseq: 2 });
    const headers = client.authorize(r, challengeTo(req({ method: "GET", uri: v.uri }), v.challenges.map((c) => ["WWW-Authenticate", c])))!;
    const c = credentialsIn(headers);
    expect([c.algorithm, c.qop, c.nc, c.opaque, c.uri, c.nonce]).toEqual(["SHA-256", "auth", "00000001", v.opaque, v.uri, v.nonce]);
    expect(c.response).toBe(expectedResponse(c, { username: v.username, password: v.password, method: "GET" }));
  });

  it("RFC 7616 §3.9.1: a server for the realm finds the digest right; the nonce, not its own, makes it stale", () => {
    const server = createDigestServer({ realm: v.realm, algorithms: ["SHA-256", "MD5"] });
    for (const [authorization, hash] of [[v.authorizationMd5, "MD5"], [v.authorizationSha256, "SHA-256"]] as const) {
      const r = withHeaders(req({ method: "GET", uri: v.uri }), [["Authorization", authorization]]);
      const good = server.verify(r, 0, digestHa1(v.username, v.realm, v.password, hash));
      expect(good).toEqual({ ok: false, code: "BAD_NONCE", stale: true, status: 401 });
      // The old password ("Circle Of Life", RFC 2617) gives a wrong digest instead.
      const bad = server.verify(r, 0, digestHa1(v.username, v.realm, "Circle Of Life", hash));
      expect(bad).toEqual({ ok: false, code: "WRONG_RESPONSE", stale: false, status: 401 });
    }
  });
});

describe("RFC 7616 §3.9.2: SHA-512-256, charset and userhash", () => {
  const v = RFC7616_392;

  it("RFC 7616 §3.9.2: the challenge parses with charset=UTF-8 and userhash=true", () => {
    expect(parseDigestChallenges(v.challenge)).toEqual([
      { realm: v.realm, qop: ["auth"], algorithm: "SHA-512-256", nonce: v.nonce, opaque: v.opaque, charset: "UTF-8", userhash: true, stale: false },
    ]);
  });

  it("RFC 7616 §3.4.4 / Errata 4897: the hashed username is H(username \":\" realm) with SHA-512/256's own IV", () => {
    expect(digestUserhash(v.username, v.realm, "SHA-512-256")).toBe(v.corrected.userhash);
    // The value printed in the RFC is SHA-512 cut to 256 bits, which is not SHA-512/256.
    expect(createHash("sha512").update(`${v.username}:${v.realm}`).digest("hex").slice(0, 64)).toBe(v.printed.userhash);
    expect(digestUserhash(v.username, v.realm, "SHA-512-256")).not.toBe(v.printed.userhash);
  });

  it("RFC 7616 §3.9.2 / Errata 4897: the response is 3798d413…ec68a5 (SHA-512 cut gives the printed ae66e67d…)", () => {
    expect(digestOf(v.corrected.authorization, v.username, v.password, v.method)).toBe(v.corrected.response);
    const H = (s: string) => createHash("sha512").update(s).digest("hex").slice(0, 64);
    const ha1 = H(`${v.username}:${v.realm}:${v.password}`);
    const printed = H(`${ha1}:${v.nonce}:00000001:${v.cnonce}:auth:${H(`${v.method}:${v.uri}`)}`);
    expect(printed).toBe(v.printed.response);
  });

  it("RFC 7616 §3.4: username* (RFC 8187 ext-value) decodes to the UTF-8 name", () => {
    const c = parseDigestCredentials(v.corrected.authorizationStar);
    expect([c.username, c.userhash]).toEqual([v.username, false]);
    expect(parseDigestCredentials(v.corrected.authorization).userhash).toBe(true);
  });

  it("RFC 7616 §3.4.4: a client answering userhash=true sends the hashed name and the same response", () => {
    const client = createDigestClient({ credentials: { username: v.username, password: v.password } });
    const headers = client.authorize(req({ method: "GET", uri: v.uri, cseq: 2 }), challengeTo(req({ method: "GET", uri: v.uri }), [["WWW-Authenticate", v.challenge]]))!;
    const c = credentialsIn(headers);
    expect([c.username, c.userhash, c.algorithm]).toEqual([v.corrected.userhash, true, "SHA-512-256"]);
    expect(c.response).toBe(expectedResponse(c, { username: v.username, password: v.password, method: "GET" }));
  });

  it("RFC 7616 §3.4.4: the server's lookup sees the hashed name (userhash) or the decoded name (username*)", () => {
    const server = createDigestServer({ realm: v.realm, algorithms: ["SHA-512-256"], userhash: true });
    const ha1 = digestHa1(v.username, v.realm, v.password, "SHA-512-256");
    const seen: DigestIdentity[] = [];
    const lookup = (id: DigestIdentity) => {
      seen.push(id);
      return id.username === v.corrected.userhash || id.username === v.username ? ha1 : undefined;
    };
    for (const a of [v.corrected.authorization, v.corrected.authorizationStar]) {
      const r = withHeaders(req({ method: "GET", uri: v.uri }), [["Authorization", a]]);
      expect(server.verify(r, 0, lookup)).toMatchObject({ ok: false, code: "BAD_NONCE", stale: true });
    }
    expect(seen).toEqual([
      { username: v.corrected.userhash, userhash: true, realm: v.realm, hash: "SHA-512-256" },
      { username: v.username, userhash: false, realm: v.realm, hash: "SHA-512-256" },
    ]);
  });
});

describe("RFC 2617 §3.5", () => {
  const v = RFC2617_35;

  it("RFC 2617 §3.5: MD5 with qop=auth gives 6629fae49393a05397450978507c4ef1", () => {
    expect(parseDigestChallenges(v.challenge)[0]!.qop).toEqual(["auth", "auth-int"]);
    expect(digestOf(v.authorization, v.username, v.password, v.method)).toBe(v.response);
  });

  it("RFC 2617 §3.5: credentials without an algorithm are MD5 for the server too", () => {
    const server = createDigestServer({ realm: v.realm, algorithms: ["MD5"] });
    const r = withHeaders(req({ method: "GET", uri: v.uri }), [["Authorization", v.authorization]]);
    expect(server.verify(r, 0, digestHa1(v.username, v.realm, v.password))).toMatchObject({ code: "BAD_NONCE", stale: true });
  });

  it("RFC 2617 §3.2.2: a client answering a challenge without algorithm leaves it out too", () => {
    const client = createDigestClient({ credentials: { username: v.username, password: v.password, realm: v.realm } });
    const headers = client.authorize(req({ method: "GET", uri: v.uri, cseq: 2 }), challengeTo(req({ method: "GET", uri: v.uri }), [["WWW-Authenticate", v.challenge]]))!;
    const c = credentialsIn(headers);
    expect(c.algorithm).toBeUndefined();
    expect(c.response).toBe(expectedResponse(c, { username: v.username, password: v.password, method: "GET" }));
  });
});
