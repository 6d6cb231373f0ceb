/**
 * Mutation fuzzing of the digest layer: challenge and credentials values from the RFC examples and
 * from a live client and server, mutated, must give a value or a typed failure — from the parsers,
 * from the client answering a 401 and from the server verifying a request — never an exception.
 * Whatever parses formats back to text that parses to the same value.
 *
 * Seeded (test/prng.ts): SIPHON_FUZZ_SEED=<n> replays a run, SIPHON_FUZZ_ITERATIONS=<n> changes its length.
 */
import { describe, expect, it } from "vitest";
import {
  createDigestClient,
  createDigestServer,
  digestHa1,
  formatDigestChallenge,
  formatDigestCredentials,
  tryParseDigestChallenges,
  tryParseDigestCredentials,
} from "../../src/auth/index.ts";
import type { AuthErrorCode } from "../../src/auth/index.ts";
import { tryParseAuth } from "../../src/sip/index.ts";
import { RFC2617_35, RFC7616_391, RFC7616_392 } from "../vectors/auth/vectors.ts";
import { fuzzRun, prng } from "../prng.ts";
import { challengeTo, req, withHeaders } from "./harness.ts";

const { seed: SEED, iterations: ITERATIONS } = fuzzRun(0x7616, 20_000);

const CODES = new Set<AuthErrorCode>(["EMPTY", "BAD_SYNTAX", "BAD_QUOTED_STRING", "DUPLICATE_PARAM", "MISSING_PARAM", "BAD_PARAM_VALUE", "NOT_DIGEST"]);
const PIECES = ['"', "\\", ",", "=", " ", "\t", "\r\n", "\0", "Digest ", "realm=", 'nonce="', "qop=auth", "nc=", "00000001", "algorithm=", "SHA-512-256-sess", "userhash=true", "username*=UTF-8''%C3%A4", "é", "\u{1f600}", "\uD800", "%", "'", "stale=TRUE"];

const server = createDigestServer({ realm: "api@example.org", algorithms: ["SHA-256", "MD5", "SHA-512-256-sess"], qop: ["auth", "auth-int"], secret: "fuzz" });
const live = server.challengeHeaders(1000).map(([, v]) => v);
const client = createDigestClient({ credentials: { username: "Mufasa", password: "Circle of Life" } });
const answer = client.authorize(req({ cseq: 2 }), challengeTo(req(), live.map((v) => ["WWW-Authenticate", v])))![0]![1];

const CHALLENGE_SEEDS = [...RFC7616_391.challenges, RFC7616_392.challenge, RFC2617_35.challenge, ...live];
const CREDENTIAL_SEEDS = [RFC7616_391.authorizationMd5, RFC7616_391.authorizationSha256, RFC7616_392.corrected.authorization, RFC7616_392.corrected.authorizationStar, RFC2617_35.authorization, answer];

function mutate(s: string, rnd: () => number): string {
  let out = s;
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const op = Math.floor(rnd() * 5);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 8));
    else if (op === 1) out = out.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + out.slice(at);
    else if (op === 2) out = out.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 256)) + out.slice(at + 1);
    else if (op === 3) out = out.slice(0, at) + out.slice(Math.floor(rnd() * out.length));
    else out = out + ", " + out.slice(0, Math.floor(rnd() * out.length));
  }
  return out;
}

function expectTyped(r: { ok: boolean; code?: string; offset?: number }, input: string): void {
  if (r.ok) return;
  if (!CODES.has(r.code as AuthErrorCode) || typeof r.offset !== "number") throw new Error(`untyped failure for ${JSON.stringify(input)}: ${JSON.stringify(r)}`);
}

describe(`fuzz (seed ${SEED}, ${ITERATIONS} iterations)`, () => {
  /** Mutates seeds through `parse`; each success must survive `roundTrip` (format and parse again). */
  function fuzzParse<T>(seeds: string[], seed: number, parse: (s: string) => { ok: boolean; value?: T }, roundTrip: (v: T, input: string) => void): void {
    const rnd = prng(seed);
    let parsed = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(seeds[i % seeds.length]!, rnd);
      const r = parse(input);
      expectTyped(r as { ok: boolean; code?: string; offset?: number }, input);
      if (r.ok) {
        parsed++;
        roundTrip(r.value as T, input);
      }
    }
    expect(parsed).toBeGreaterThan(ITERATIONS / 20);
  }

  it("challenge values: a value or a typed failure; what parses formats back to the same", () => {
    fuzzParse(CHALLENGE_SEEDS, SEED, tryParseDigestChallenges, (cs, input) => {
      for (const c of cs) {
        const again = tryParseDigestChallenges(formatDigestChallenge(c));
        if (!again.ok) throw new Error(`format of ${JSON.stringify(input)} does not parse`);
        // An empty domain list is not written.
        expect(again.value[0]).toEqual({ ...c, domain: c.domain?.length ? c.domain : undefined });
      }
    });
  });

  it("credential values: a value or a typed failure; what parses formats back to the same", () => {
    fuzzParse(CREDENTIAL_SEEDS, SEED + 1, tryParseDigestCredentials, (c, input) => {
      const again = tryParseDigestCredentials(formatDigestCredentials(c));
      if (!again.ok) throw new Error(`format of ${JSON.stringify(input)} does not parse`);
      expect(again.value).toEqual(c);
    });
  });

  it("one reader: the SIP layer's auth values and the Digest parser accept and refuse the same text, at the same offset", () => {
    const rnd = prng(SEED + 3);
    const SYNTAX = new Set<AuthErrorCode>(["EMPTY", "BAD_SYNTAX", "BAD_QUOTED_STRING"]);
    let refused = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(CHALLENGE_SEEDS[i % CHALLENGE_SEEDS.length]!, rnd);
      const values = tryParseAuth(input);
      const digest = tryParseDigestChallenges(input);
      if (!digest.ok && SYNTAX.has(digest.code)) {
        refused++;
        expect(values, input).toEqual({ ok: false, code: "BAD_HEADER_VALUE", offset: digest.offset });
        continue;
      }
      if (!values.ok) throw new Error(`the SIP layer refuses what the Digest parser read: ${JSON.stringify(input)}`);
      const digestValues = values.value.filter((v) => v.scheme.toLowerCase() === "digest");
      if (digest.ok) expect(digest.value.map((c) => [c.realm, c.nonce])).toEqual(digestValues.map((v) => [v.params.realm, v.params.nonce]));
      else expect(digest.code === "NOT_DIGEST").toBe(digestValues.length === 0);
      // The message accessor reads the same field without throwing.
      if (!/[\r\n]/.test(input)) {
        const m = challengeTo(req({ cseq: 2 }), [["WWW-Authenticate", input]], 401);
        expect(m.wwwAuthenticate.length).toBe(values.value.length);
      }
    }
    expect(refused).toBeGreaterThan(ITERATIONS / 20);
  });

  it("the server verifying and the client answering mutated headers return results, never throw", () => {
    const rnd = prng(SEED + 2);
    const ha1 = digestHa1("Mufasa", "api@example.org", "Circle of Life", "SHA-256");
    const outcomes = new Set<string>();
    const n = Math.max(1, ITERATIONS >> 2);
    for (let i = 0; i < n; i++) {
      const v = mutate(CREDENTIAL_SEEDS[i % CREDENTIAL_SEEDS.length]!, rnd);
      // Header values reach the message layer without CR/LF (they would end the field).
      const value = v.replace(/[\r\n]/g, " ");
      const r = server.verify(withHeaders(req({ cseq: 2 }), [["Authorization", value]]), 2000, () => ha1);
      outcomes.add(r.ok ? "ok" : r.code);
      const c = mutate(CHALLENGE_SEEDS[i % CHALLENGE_SEEDS.length]!, rnd).replace(/[\r\n]/g, " ");
      const a = client.tryAuthorize(req({ cseq: 3 + i }), challengeTo(req({ cseq: 2 + i }), [["WWW-Authenticate", c]], i % 2 ? 401 : 407));
      outcomes.add(a.ok ? "answered" : a.code);
    }
    // The mutations reach deep: past parsing into the digest and algorithm checks.
    expect(outcomes.has("MALFORMED_CREDENTIALS")).toBe(true);
    expect(outcomes.has("WRONG_RESPONSE") || outcomes.has("BAD_NONCE")).toBe(true);
    expect(outcomes.has("answered")).toBe(true);
  });
});
