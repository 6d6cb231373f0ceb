import { describe, expect, it } from "vitest";
import {
  AuthError,
  formatDigestChallenge,
  formatDigestCredentials,
  parseDigestChallenges,
  parseDigestCredentials,
  tryParseDigestChallenges,
  tryParseDigestCredentials,
} from "../../src/auth/index.ts";
import type { AuthErrorCode } from "../../src/auth/index.ts";
import { thrown } from "../thrown.ts";

const CRED = 'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", response="245f23415f11432b3434341c022", algorithm=MD5, cnonce="0a4f113b", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001';

describe("challenges (RFC 7616 §3.3, RFC 7235 §4.1)", () => {
  it("RFC 3261 §25.1: the §20.44 example, stale=FALSE and a bare algorithm token", () => {
    const [c] = parseDigestChallenges('Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5');
    expect(c).toEqual({ realm: "atlanta.com", domain: ["sip:boxesbybob.com"], qop: ["auth"], nonce: "f84f1cec41e6cbe5aea9c8e88d359", opaque: "", stale: false, algorithm: "MD5", userhash: false });
  });

  it("RFC 7235 §4.1: several challenges in one value, other schemes skipped", () => {
    const cs = parseDigestChallenges('Basic realm="x", Digest realm="a", nonce="1", algorithm=SHA-256, Bearer abc/def==, digest realm="b", nonce=2, qop=auth');
    expect(cs.map((c) => [c.realm, c.nonce, c.algorithm, c.qop])).toEqual([["a", "1", "SHA-256", []], ["b", "2", undefined, ["auth"]]]);
  });

  it("RFC 3261 §25.1 LWS: a challenge folded over lines (the SIP layer's reader, shared)", () => {
    const [c] = parseDigestChallenges('Digest realm="a",\r\n nonce="n",\r\n\tqop="auth,\r\n auth-int"');
    expect(c).toMatchObject({ realm: "a", nonce: "n", qop: ["auth", "auth-int"] });
  });

  it("RFC 7235 §2.1: names are case-insensitive, quoted values resolve quoted-pairs, whitespace around = and ,", () => {
    const [c] = parseDigestChallenges('DIGEST  REALM = "a\\"b\\\\c" ,NONCE="n",  Stale=TRUE , QOP="AUTH-INT , auth" ,UserHash=true, ,');
    expect(c).toMatchObject({ realm: 'a"b\\c', nonce: "n", stale: true, qop: ["auth-int", "auth"], userhash: true });
  });

  it("RFC 7616 §3.3: quoted algorithm and stale values, unknown parameters ignored, UTF-8 realm kept", () => {
    const [c] = parseDigestChallenges('Digest realm="Jäsøn\'s realm", nonce="n", algorithm="SHA-512-256-sess", stale="true", foo=bar, qop=auth');
    expect(c).toMatchObject({ realm: "Jäsøn's realm", algorithm: "SHA-512-256-sess", stale: true, qop: ["auth"] });
  });

  it("RFC 7616 §3.3: format writes quoted realm, nonce, opaque and qop, tokens for algorithm, stale, userhash", () => {
    const text = formatDigestChallenge({ realm: 'a"b', nonce: "n", opaque: "o", algorithm: "SHA-256", qop: ["auth", "auth-int"], stale: true, userhash: true, domain: ["sip:a", "sip:b"], charset: "UTF-8" });
    expect(text).toBe('Digest realm="a\\"b", domain="sip:a sip:b", nonce="n", opaque="o", stale=true, algorithm=SHA-256, qop="auth,auth-int", charset=UTF-8, userhash=true');
    expect(parseDigestChallenges(text)[0]).toEqual({ realm: 'a"b', nonce: "n", opaque: "o", algorithm: "SHA-256", qop: ["auth", "auth-int"], stale: true, userhash: true, domain: ["sip:a", "sip:b"], charset: "UTF-8" });
  });
});

describe("credentials (RFC 7616 §3.4, RFC 3261 §20.7)", () => {
  it("RFC 3261 §20.7: the Authorization example parses; nc is kept as written", () => {
    expect(parseDigestCredentials(CRED)).toEqual({
      username: "bob", realm: "biloxi.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", uri: "sip:bob@biloxi.com",
      response: "245f23415f11432b3434341c022", algorithm: "MD5", cnonce: "0a4f113b", opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      qop: "auth", nc: "00000001", userhash: false,
    });
  });

  it("RFC 7616 §3.4: format then parse gives the same credentials, with escapes", () => {
    const c = parseDigestCredentials(CRED);
    c.username = 'al"ice\\';
    expect(parseDigestCredentials(formatDigestCredentials(c))).toEqual(c);
  });

  it("RFC 2069: credentials without qop need neither cnonce nor nc", () => {
    const c = parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:r", response="0123456789abcdef0123456789abcdef"');
    expect([c.qop, c.cnonce, c.nc]).toEqual([undefined, undefined, undefined]);
  });

  it("the first Digest value of the header is used; other schemes are NOT_DIGEST", () => {
    expect(parseDigestCredentials(`Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==, ${CRED}`).username).toBe("bob");
    expect(tryParseDigestCredentials("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")).toEqual({ ok: false, code: "NOT_DIGEST", offset: 0 });
  });

  it("parsed values print as their header text and give plain fields to JSON", () => {
    const c = parseDigestCredentials(CRED);
    expect(String(c)).toBe(formatDigestCredentials(c));
    expect(parseDigestCredentials(`${c}`)).toEqual(c);
    expect(JSON.parse(JSON.stringify(c))).toEqual({ ...c });
    const [ch] = parseDigestChallenges('Digest realm="r", nonce="n", qop="auth", algorithm=MD5');
    expect(`${ch}`).toBe('Digest realm="r", nonce="n", algorithm=MD5, qop="auth"');
    expect(JSON.parse(JSON.stringify(ch))).toEqual({ realm: "r", nonce: "n", qop: ["auth"], algorithm: "MD5", stale: false, userhash: false });
  });

  it("formatting refuses values with CR or LF (header injection)", () => {
    const c = parseDigestCredentials(CRED);
    c.username = "bob\r\nVia: evil";
    expect(() => formatDigestCredentials(c)).toThrow(AuthError);
    expect(() => formatDigestChallenge({ realm: "a\nb", nonce: "n", qop: [], stale: false, userhash: false })).toThrow(/control character/);
  });
});

// Each malformed value names the failure it must give: only typed failures, never an exception.
const MALFORMED_CHALLENGES: Record<string, [value: string, code: AuthErrorCode]> = {
  empty: ["", "EMPTY"],
  "only spaces and commas": [" ,  , ", "EMPTY"],
  "no realm": ['Digest nonce="n"', "MISSING_PARAM"],
  "no nonce": ['Digest realm="r"', "MISSING_PARAM"],
  "scheme only": ["Digest", "MISSING_PARAM"],
  "token68 for Digest": ["Digest abcdef==", "MISSING_PARAM"],
  "duplicate realm": ['Digest realm="a", realm="b", nonce="n"', "DUPLICATE_PARAM"],
  "unterminated quote": ['Digest nonce="n", realm="abc, x', "BAD_QUOTED_STRING"],
  "CR in quoted string": ['Digest realm="a\rb", nonce="n"', "BAD_QUOTED_STRING"],
  "NUL in quoted string": ['Digest realm="a\0b", nonce="n"', "BAD_QUOTED_STRING"],
  "backslash at the end": ['Digest realm="a\\', "BAD_QUOTED_STRING"],
  "missing =": ['Digest realm "a", nonce="n"', "BAD_SYNTAX"],
  "missing value": ['Digest realm=, nonce="n"', "BAD_SYNTAX"],
  "garbage after value": ['Digest realm="a" x, nonce="n"', "BAD_SYNTAX"],
  "no space after scheme": ['Digest,realm="a"', "BAD_SYNTAX"],
  "non-token scheme": ['Dig@st realm="a"', "BAD_SYNTAX"],
  "unquoted URI-ish value": ['Digest realm=sip:a, nonce="n"', "BAD_SYNTAX"],
  "only Basic": ['Basic realm="x"', "NOT_DIGEST"],
};

const MALFORMED_CREDENTIALS: Record<string, [value: string, code: AuthErrorCode]> = {
  "no response": ['Digest username="u", realm="r", nonce="n", uri="sip:r"', "MISSING_PARAM"],
  "no uri": ['Digest username="u", realm="r", nonce="n", response="00"', "MISSING_PARAM"],
  "qop without nc": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", qop=auth, cnonce="c"', "MISSING_PARAM"],
  "qop without cnonce": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", qop=auth, nc=00000001', "MISSING_PARAM"],
  "nc of 7 digits": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", qop=auth, cnonce="c", nc=0000001', "BAD_PARAM_VALUE"],
  "nc not hex": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", qop=auth, cnonce="c", nc=0000000g', "BAD_PARAM_VALUE"],
  "nc zero": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", qop=auth, cnonce="c", nc=00000000', "BAD_PARAM_VALUE"],
  "response not hex": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="xyz"', "BAD_PARAM_VALUE"],
  "empty response": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response=""', "BAD_PARAM_VALUE"],
  "username and username*": ["Digest username=\"u\", username*=UTF-8''u, realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"00\"", "BAD_PARAM_VALUE"],
  "username* not UTF-8": ["Digest username*=ISO-8859-1''J%E4son, realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"00\"", "BAD_PARAM_VALUE"],
  "username* bad escape": ["Digest username*=UTF-8''J%C3%, realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"00\"", "BAD_PARAM_VALUE"],
  "username* invalid UTF-8": ["Digest username*=UTF-8''%C3%28, realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"00\"", "BAD_PARAM_VALUE"],
  "duplicate nonce": ['Digest username="u", realm="r", nonce="n", nonce="m", uri="sip:r", response="00"', "DUPLICATE_PARAM"],
  "duplicate response": ['Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", response="11"', "DUPLICATE_PARAM"],
  "only Bearer": ["Bearer mF_9.B5f-4.1JqM", "NOT_DIGEST"],
};

describe("malformed values give typed failures", () => {
  it.each(Object.entries(MALFORMED_CHALLENGES))("challenge, %s", (_, [value, code]) => {
    const r = tryParseDigestChallenges(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
    const e = thrown(() => parseDigestChallenges(value));
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe(code);
  });

  it.each(Object.entries(MALFORMED_CREDENTIALS))("credentials, %s", (_, [value, code]) => {
    const r = tryParseDigestCredentials(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it("failures carry the offset of the problem", () => {
    expect(tryParseDigestChallenges('Digest realm="a" x, nonce="n"')).toEqual({ ok: false, code: "BAD_SYNTAX", offset: 17 });
    expect(tryParseDigestChallenges('Digest realm="abc')).toEqual({ ok: false, code: "BAD_QUOTED_STRING", offset: 13 });
    const e = thrown(() => parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:r" response="00"'));
    expect(e).toBeInstanceOf(AuthError);
    expect([(e as AuthError).code, (e as AuthError).offset]).toEqual(["BAD_SYNTAX", 55]);
  });
});
