import { describe, expect, it } from "vitest";
import {
  AuthError,
  createDigestClient,
  createDigestServer,
  digestHa1,
  formatDigestCredentials,
  parseDigestChallenges,
  parseDigestCredentials,
} from "../../src/auth/index.ts";
import type { DigestServerOptions, DigestVerification } from "../../src/auth/index.ts";
import type { SipRequest } from "../../src/sip/index.ts";
import { countingRandom, expectedResponse, req, withHeaders } from "./harness.ts";

const REALM = "biloxi.example.com";
const PASSWORD = "zanzibar";
const T0 = 1_700_000_000_000;
const ha1 = (alg: "MD5" | "SHA-256" | "SHA-512-256" = "SHA-256", password = PASSWORD) => digestHa1("bob", REALM, password, alg);

function server(o: Partial<DigestServerOptions> = {}) {
  return createDigestServer({ realm: REALM, secret: "shared secret", random: countingRandom(7), algorithms: ["SHA-256", "MD5"], ...o });
}

/** The request `cseq`, signed by a client answering `s`'s challenge issued at `now`. */
function signed(s: ReturnType<typeof server>, o: { now?: number; cseq?: number; edit?: (challenge: string) => string; method?: string; body?: string } = {}) {
  const c = createDigestClient({ credentials: { username: "bob", password: PASSWORD }, random: countingRandom(3) });
  const first = req({ cseq: 1, method: o.method, body: o.body });
  const ch = s.challenge(first, o.now ?? T0);
  if (o.edit) {
    const name = ch.hasHeader("Proxy-Authenticate") ? "Proxy-Authenticate" : "WWW-Authenticate";
    ch.setHeader(name, ch.headers(name).map(o.edit));
  }
  const next = req({ cseq: o.cseq ?? 2, method: o.method, body: o.body });
  const headers = c.authorize(next, ch);
  if (headers === undefined) throw new Error("client did not answer");
  return { request: withHeaders(next, headers), client: c };
}

const refused = (code: string, stale = false, status = 401): DigestVerification => ({ ok: false, code, stale, status }) as DigestVerification;

describe("challenges (RFC 7616 §3.3, RFC 8760 §2.3)", () => {
  it("RFC 8760 §2.3: a 401 with one WWW-Authenticate per algorithm, most preferred first, and a To tag", () => {
    const s = server({ algorithms: ["SHA-512-256", "SHA-256", "MD5"], opaque: "op", domain: ["sip:biloxi.example.com"] });
    const r = s.challenge(req(), T0);
    expect([r.status, r.reason]).toEqual([401, "Unauthorized"]);
    expect(r.toTag).toMatch(/^[0-9a-f]{16}$/);
    const cs = r.headers("WWW-Authenticate").flatMap((v) => parseDigestChallenges(v));
    expect(cs.map((c) => c.algorithm)).toEqual(["SHA-512-256", "SHA-256", "MD5"]);
    expect(new Set(cs.map((c) => c.nonce)).size).toBe(1);
    expect(cs[0]).toMatchObject({ realm: REALM, qop: ["auth"], opaque: "op", domain: ["sip:biloxi.example.com"], stale: false, userhash: false });
    expect(cs[0]!.nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("RFC 3261 §22.3: a proxy challenges with 407 and Proxy-Authenticate; stale and userhash are written when asked", () => {
    const s = server({ proxy: true, userhash: true });
    const r = s.challenge(req(), T0, { stale: true, toTag: "fixed" });
    expect([r.status, r.toTag, r.hasHeader("WWW-Authenticate")]).toEqual([407, "fixed", false]);
    expect(parseDigestChallenges(r.header("Proxy-Authenticate")!)[0]).toMatchObject({ stale: true, userhash: true });
  });

  it("RFC 8760 §2.3: by default only MD5 is offered, with qop=auth (what deployed user agents answer)", () => {
    const cs = createDigestServer({ realm: REALM }).challengeHeaders(T0).map(([n, v]) => [n, parseDigestChallenges(v)[0]]);
    expect(cs).toEqual([["WWW-Authenticate", expect.objectContaining({ algorithm: "MD5", qop: ["auth"] })]]);
  });

  it("every challenge has its own nonce", () => {
    const s = server();
    const nonce = () => parseDigestChallenges(s.challengeHeaders(T0)[0]![1])[0]!.nonce;
    expect(nonce()).not.toBe(nonce());
  });
});

describe("verification (RFC 7616 §3.4–3.5, RFC 3261 §22.4)", () => {
  it("RFC 7616 §3.4.1: a client's answer to the challenge is accepted, with who and how", () => {
    const s = server();
    const { request } = signed(s);
    expect(s.verify(request, T0 + 1000, ha1())).toEqual({ ok: true, username: "bob", userhash: false, realm: REALM, algorithm: "SHA-256", qop: "auth" });
  });

  it("RFC 3261 §22.4: the HA1 may come from a lookup told the user, realm and hash; identify says the same first", () => {
    const s = server({ algorithms: ["MD5"] });
    const { request } = signed(s);
    expect(s.identify(request)).toEqual({ username: "bob", userhash: false, realm: REALM, hash: "MD5" });
    const seen: unknown[] = [];
    expect(s.verify(request, T0, (id) => (seen.push(id), ha1("MD5"))).ok).toBe(true);
    expect(seen).toEqual([{ username: "bob", userhash: false, realm: REALM, hash: "MD5" }]);
  });

  it("no credentials: MISSING_CREDENTIALS; only other realms': REALM_MISMATCH; a 401 for both", () => {
    const s = server();
    expect(s.verify(req(), T0, ha1())).toEqual(refused("MISSING_CREDENTIALS"));
    const { request } = signed(server({ realm: "elsewhere" }));
    expect(s.verify(request, T0, ha1())).toEqual(refused("REALM_MISMATCH"));
    expect(s.identify(request)).toBeUndefined();
  });

  it("RFC 3261 §22.3: credentials are chosen by realm among several Authorization values", () => {
    const s = server();
    const { request } = signed(s);
    const other = 'Digest username="x", realm="elsewhere", nonce="n", uri="sip:x", response="00"';
    request.addHeader("Authorization", other, { prepend: true });
    request.addHeader("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", { prepend: true });
    expect(s.verify(request, T0, ha1()).ok).toBe(true);
  });

  it("malformed credentials for this realm are answered 400", () => {
    const s = server();
    const bad = (v: string) => s.verify(withHeaders(req(), [["Authorization", v]]), T0, ha1());
    expect(bad('Digest username="bob", realm="biloxi.example.com", nonce="n"')).toEqual(refused("MALFORMED_CREDENTIALS", false, 400));
    expect(bad('Digest realm="biloxi.example.com", =')).toEqual(refused("MALFORMED_CREDENTIALS", false, 400));
    expect(bad('Digest username="bob", realm="other", nonce="n"')).toEqual(refused("REALM_MISMATCH"));
  });

  it("a proxy reads Proxy-Authorization and answers 407", () => {
    const s = server({ proxy: true });
    const { request } = signed(s);
    expect(request.hasHeader("Authorization")).toBe(false);
    expect(s.verify(request, T0, ha1()).ok).toBe(true);
    expect(s.verify(req(), T0, ha1())).toEqual(refused("MISSING_CREDENTIALS", false, 407));
  });

  it("RFC 8760 §2.3: an algorithm or qop the server did not offer is refused", () => {
    const s = server();
    const algo = signed(s, { edit: (v) => v.replace("algorithm=SHA-256", "algorithm=SHA-512-256") });
    expect(s.verify(algo.request, T0, ha1("SHA-512-256"))).toEqual(refused("ALGORITHM_NOT_OFFERED"));
    expect(s.identify(algo.request)).toBeUndefined();
    const int = signed(s, { edit: (v) => v.replace('qop="auth"', 'qop="auth-int"') });
    expect(s.verify(int.request, T0, ha1())).toEqual(refused("QOP_NOT_OFFERED"));
    const none = signed(s, { edit: (v) => v.replace(', qop="auth"', "") });
    expect(s.verify(none.request, T0, ha1())).toEqual(refused("QOP_NOT_OFFERED"));
  });

  it("RFC 7616 §3.4.6: the uri must be the Request-URI (as text or by RFC 3261 §19.1.4 equivalence)", () => {
    const s = server();
    const { request } = signed(s);
    const moved = (uri: string): SipRequest => withHeaders(req({ uri, cseq: 2 }), [["Authorization", request.header("Authorization")!]]);
    expect(s.verify(moved("sip:carol@biloxi.example.com"), T0, ha1())).toEqual(refused("URI_MISMATCH"));
    expect(s.verify(moved("sip:bob@BILOXI.example.com"), T0, ha1()).ok).toBe(true);
    expect(server({ checkUri: false }).verify(moved("sip:carol@biloxi.example.com"), T0, ha1()).ok).toBe(true);
  });

  it("unknown users, bad stored HA1s and wrong passwords", () => {
    const s = server();
    const { request } = signed(s);
    expect(s.verify(request, T0, undefined)).toEqual(refused("UNKNOWN_USER"));
    expect(s.verify(request, T0, () => undefined)).toEqual(refused("UNKNOWN_USER"));
    expect(s.verify(request, T0, "not-hex")).toEqual(refused("BAD_HA1", false, 500));
    expect(s.verify(request, T0, ha1("MD5"))).toEqual(refused("BAD_HA1", false, 500));
    expect(s.verify(request, T0, ha1("SHA-256", "wrong"))).toEqual(refused("WRONG_RESPONSE"));
    expect(s.verify(request, T0, ha1().toUpperCase()).ok).toBe(true);
  });

  it("RFC 7616 §3.4.3: the method and, with auth-int, the body are covered by the digest", () => {
    const s = server({ qop: ["auth", "auth-int"] });
    const { request } = signed(s, { method: "REGISTER" });
    request.method = "BYE";
    expect(s.verify(request, T0, ha1())).toEqual(refused("WRONG_RESPONSE"));
    const int = signed(server({ qop: ["auth-int"] }), { body: "v=0\r\n" });
    expect(server({ qop: ["auth-int"] }).verify(int.request, T0, ha1()).ok).toBe(true);
    int.request.setBody("v=1\r\n");
    expect(server({ qop: ["auth-int"] }).verify(int.request, T0, ha1())).toEqual(refused("WRONG_RESPONSE"));
  });
});

describe("nonces (RFC 7616 §3.3, §3.4.5)", () => {
  it("RFC 7616 §3.3: a nonce past its lifetime with a correct digest is STALE_NONCE, answered stale=true", () => {
    const s = server({ nonceTtl: 30_000 });
    const { request } = signed(s);
    expect(s.verify(request, T0 + 30_000, ha1()).ok).toBe(true);
    const { request: late } = signed(s, { cseq: 3 });
    expect(s.verify(late, T0 + 30_001, ha1())).toEqual(refused("STALE_NONCE", true));
    // From the future beyond the lifetime (a clock that went back): stale too.
    expect(s.verify(signed(s, { now: T0 + 60_000 }).request, T0, ha1())).toEqual(refused("STALE_NONCE", true));
    // A wrong password with an expired nonce is not stale: the client must not retry silently.
    expect(s.verify(late, T0 + 30_001, ha1("SHA-256", "wrong"))).toEqual(refused("WRONG_RESPONSE"));
  });

  it("RFC 7616 §3.3: a nonce another secret or realm issued, or altered, is BAD_NONCE (stale when the digest is right)", () => {
    const s = server();
    expect(s.verify(signed(server({ secret: "other" })).request, T0, ha1())).toEqual(refused("BAD_NONCE", true));
    const { request } = signed(s, { edit: (v) => v.replace(/nonce="(.)/, (_, c: string) => `nonce="${c === "A" ? "B" : "A"}`) });
    expect(s.verify(request, T0, ha1())).toEqual(refused("BAD_NONCE", true));
    // Same secret, another realm: the realm is under the MAC.
    const twin = createDigestServer({ realm: "twin.example.com", secret: "shared secret" });
    const c = createDigestClient({ credentials: { username: "bob", password: PASSWORD } });
    const next = req({ cseq: 2 });
    const h = c.authorize(next, twin.challenge(req(), T0))!;
    const forged = h[0]![1].replace('realm="twin.example.com"', `realm="${REALM}"`);
    expect(s.verify(withHeaders(req({ cseq: 2 }), [["Authorization", forged]]), T0, ha1()).ok).toBe(false);
  });

  it("servers sharing the secret accept each other's nonces", () => {
    const { request } = signed(server());
    expect(server({ random: countingRandom(99) }).verify(request, T0 + 5, ha1()).ok).toBe(true);
  });

  it("RFC 7616 §3.4.5: a repeated nonce count is REPLAY (stale); the next count passes", () => {
    const s = server();
    const { request, client } = signed(s);
    const h = request.header("Authorization")!;
    expect(s.verify(request, T0, ha1()).ok).toBe(true);
    expect(s.verify(withHeaders(req({ cseq: 2 }), [["Authorization", h]]), T0, ha1())).toEqual(refused("REPLAY", true));
    const r3 = req({ cseq: 3 });
    withHeaders(r3, client.preauthorize(r3));
    expect(r3.header("Authorization")).toContain("nc=00000002");
    expect(s.verify(r3, T0, ha1()).ok).toBe(true);
  });

  it("RFC 7616 §3.4.5: counts within 32 of the highest may arrive in any order; each is accepted once", () => {
    const s = server({ algorithms: ["MD5"] });
    const c = createDigestClient({ credentials: { username: "bob", password: PASSWORD }, preemptiveRealms: [REALM] });
    const first = req({ cseq: 2 });
    withHeaders(first, c.authorize(first, s.challenge(req({ cseq: 1 }), T0))!);
    const reqs = [first];
    for (let cseq = 3; cseq <= 41; cseq++) {
      const r = req({ cseq });
      reqs.push(withHeaders(r, c.preauthorize(r)));
    }
    // nc 1..40; verify nc 40 first, then 39 down to 1.
    const results = [...reqs].reverse().map((r) => s.verify(r, T0, ha1("MD5")));
    expect(results.slice(0, 32).every((r) => r.ok)).toBe(true);
    expect(results.slice(32).map((r) => (r.ok ? "ok" : r.code))).toEqual(Array(8).fill("REPLAY"));
    expect(s.verify(reqs[39]!, T0, ha1("MD5"))).toEqual(refused("REPLAY", true));
  });

  it("bounded memory: at most maxNonces are tracked; an evicted nonce is stale, never accepted again", () => {
    const s = server({ maxNonces: 2 });
    const a = signed(s, { now: T0 });
    const b = signed(s, { now: T0 + 1 });
    const c = signed(s, { now: T0 + 2 });
    for (const x of [a, b, c]) expect(s.verify(x.request, T0 + 3, ha1()).ok).toBe(true);
    expect(s.trackedNonces).toBe(2);
    // A replay of a's request: its nonce was evicted, so it cannot be told from a first use: stale.
    expect(s.verify(a.request, T0 + 4, ha1())).toEqual(refused("STALE_NONCE", true));
    // A nonce issued after the eviction is still fine.
    expect(s.verify(signed(s, { now: T0 + 5 }).request, T0 + 6, ha1()).ok).toBe(true);
  });

  it("expired nonces leave the tracker as new ones arrive", () => {
    const s = server({ nonceTtl: 1000 });
    for (let i = 0; i < 5; i++) expect(s.verify(signed(s, { now: T0 + i }).request, T0 + i, ha1()).ok).toBe(true);
    expect(s.trackedNonces).toBe(5);
    expect(s.verify(signed(s, { now: T0 + 5000 }).request, T0 + 5000, ha1()).ok).toBe(true);
    expect(s.trackedNonces).toBe(1);
  });

  it("RFC 2617 §3.2.2.2: -sess keys on the first cnonce of the nonce; a client rehashing with each cnonce passes too", () => {
    const s = server({ algorithms: ["SHA-256-sess"] });
    const c = createDigestClient({ credentials: { username: "bob", password: PASSWORD }, preemptiveRealms: [REALM] });
    const r2 = req({ cseq: 2 });
    withHeaders(r2, c.authorize(r2, s.challenge(req(), T0))!);
    const r3 = req({ cseq: 3 });
    withHeaders(r3, c.preauthorize(r3));
    expect(s.verify(r2, T0, ha1()).ok).toBe(true);
    expect(s.verify(r3, T0, ha1()).ok).toBe(true);
    // A client that rehashes the session key with each request's cnonce (what many do) passes too.
    const first = parseDigestCredentials(r2.header("Authorization")!);
    const lenient = { ...first, nc: "00000003", cnonce: "0123456789abcdef" };
    lenient.response = expectedResponse(lenient, { username: "bob", password: PASSWORD, method: "INVITE" });
    const r4 = withHeaders(req({ cseq: 4 }), [["Authorization", formatDigestCredentials(lenient)]]);
    expect(s.verify(r4, T0, ha1()).ok).toBe(true);
    // Unless its digest is wrong under both keys.
    const wrong = { ...lenient, nc: "00000004", response: expectedResponse(lenient, { username: "bob", password: "x", method: "INVITE" }) };
    expect(s.verify(withHeaders(req({ cseq: 5 }), [["Authorization", formatDigestCredentials(wrong)]]), T0, ha1())).toEqual(refused("WRONG_RESPONSE"));
  });
});

describe("options", () => {
  it("invalid options throw AuthError BAD_OPTION", () => {
    const bad: Partial<DigestServerOptions>[] = [
      { realm: "a\r\nb" },
      { algorithms: [] },
      { algorithms: ["SHA-1" as never] },
      { algorithms: ["sha-256" as never] },
      { qop: ["auth-conf" as never] },
      { algorithms: ["MD5-sess"], qop: [] },
      { nonceTtl: 0 },
      { maxNonces: 0 },
      { opaque: "x\ny" },
    ];
    for (const o of bad) {
      expect(() => server(o), JSON.stringify(o)).toThrow(AuthError);
    }
  });
});
