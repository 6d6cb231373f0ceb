import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SipParseError } from "../../src/sip/errors.ts";
import {
  formatAuth,
  formatMediaType,
  formatSipDate,
  parseAuth,
  parseCSeq,
  parseDeltaSeconds,
  parseEvent,
  parseMediaType,
  parseMinSE,
  parseRAck,
  parseReplaces,
  parseRSeq,
  parseSessionExpires,
  parseSipDate,
  parseSubscriptionState,
  parseTokenList,
  tryParseAuth,
} from "../../src/sip/index.ts";
import { parseMaxForwards } from "../../src/sip/header-values.ts";
import type { AuthValue } from "../../src/sip/types.ts";

/** The unfolded value of the one header field named `name` (or its compact form) in a torture message. */
function header(path: string, ...names: string[]): string {
  const text = new TextDecoder().decode(readFileSync(new URL(`../vectors/${path}`, import.meta.url)));
  const head = text.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const wanted = names.map((n) => n.toLowerCase());
  const out: string[] = [];
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0 && wanted.includes(line.slice(0, colon).trim().toLowerCase())) out.push(line.slice(colon + 1).trim());
  }
  expect(out, `${path} ${names[0]}`).toHaveLength(1);
  return out[0]!;
}

function fails(fn: () => unknown, code: string, offset?: number): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SipParseError);
  expect((err as SipParseError).code).toBe(code);
  if (offset !== undefined) expect((err as SipParseError).offset).toBe(offset);
}

describe("RFC 3261 §20.16 CSeq", () => {
  it("§20.16 example and LWS between the number and the method", () => {
    expect(parseCSeq("4711 INVITE")).toEqual({ seq: 4711, method: "INVITE" });
    expect(parseCSeq(header("rfc4475/wsinv.dat", "CSeq"))).toEqual({ seq: 9, method: "INVITE" });
    expect(parseCSeq("0 OPTIONS").seq).toBe(0);
    expect(parseCSeq("2147483647 BYE").seq).toBe(2147483647);
  });

  it("§3.1.1.2 intmeth: any token is a method", () => {
    expect(parseCSeq(header("rfc4475/intmeth.dat", "CSeq"))).toEqual({
      seq: 139122385,
      method: "!interesting-Method0123456789_*+`.%indeed'~",
    });
  });

  it("§8.1.1.5: the number is below 2^31 (RFC 4475 §3.1.2.4 scalar02, §3.1.2.5 scalarlg)", () => {
    fails(() => parseCSeq("2147483648 BYE"), "BAD_CSEQ", 0);
    fails(() => parseCSeq(header("rfc4475/scalar02.dat", "CSeq")), "BAD_CSEQ", 0);
    fails(() => parseCSeq(header("rfc4475/scalarlg.dat", "CSeq")), "BAD_CSEQ", 0);
  });

  it("§20.16: malformed values", () => {
    fails(() => parseCSeq("INVITE"), "BAD_CSEQ", 0);
    fails(() => parseCSeq("1INVITE"), "BAD_CSEQ", 1);
    fails(() => parseCSeq("1"), "BAD_CSEQ");
    fails(() => parseCSeq("-1 INVITE"), "BAD_CSEQ");
    fails(() => parseCSeq("1 INVITE x"), "BAD_CSEQ", 9);
    fails(() => parseCSeq("1 IN<VITE"), "BAD_CSEQ", 4);
    fails(() => parseCSeq(""), "BAD_CSEQ");
  });
});

describe("delta-seconds, RSeq, RAck", () => {
  it("RFC 3261 §20.19 Expires: 0..2^32-1; overlarge is BAD_NUMBER (RFC 4475 §3.1.2.4 scalar02)", () => {
    expect(parseDeltaSeconds("5")).toBe(5);
    expect(parseDeltaSeconds("0")).toBe(0);
    expect(parseDeltaSeconds("4294967295")).toBe(4294967295);
    fails(() => parseDeltaSeconds("4294967296"), "BAD_NUMBER", 0);
    fails(() => parseDeltaSeconds(header("rfc4475/scalar02.dat", "Expires")), "BAD_NUMBER", 0);
    fails(() => parseDeltaSeconds(""), "BAD_NUMBER");
    fails(() => parseDeltaSeconds("1 2"), "BAD_NUMBER", 2);
    fails(() => parseDeltaSeconds("Thu, 01 Dec 1994 16:00:00 GMT"), "BAD_NUMBER", 0);
  });

  it("RFC 3261 §20.22 Max-Forwards: 0..255, leading zeros allowed (RFC 4475 §3.1.1.1 wsinv, §3.1.2.4 scalar02)", () => {
    expect(parseMaxForwards(header("rfc4475/wsinv.dat", "Max-Forwards"))).toBe(68);
    expect(parseMaxForwards("0")).toBe(0);
    expect(parseMaxForwards("255")).toBe(255);
    fails(() => parseMaxForwards(header("rfc4475/scalar02.dat", "Max-Forwards")), "BAD_NUMBER", 0);
    fails(() => parseMaxForwards("256"), "BAD_NUMBER");
    fails(() => parseMaxForwards("7 0"), "BAD_NUMBER", 2);
    fails(() => parseMaxForwards(""), "BAD_NUMBER");
  });

  it("RFC 3262 §7.1 RSeq: 1..2^31-1", () => {
    expect(parseRSeq("988789")).toBe(988789);
    fails(() => parseRSeq("0"), "BAD_NUMBER");
    fails(() => parseRSeq("2147483648"), "BAD_NUMBER");
    fails(() => parseRSeq("x"), "BAD_NUMBER");
  });

  it("RFC 3262 §7.2 RAck: response-num LWS CSeq-num LWS Method", () => {
    expect(parseRAck("776656 1 INVITE")).toEqual({ rseq: 776656, cseq: 1, method: "INVITE" });
    expect(parseRAck("1  0\tINVITE")).toEqual({ rseq: 1, cseq: 0, method: "INVITE" });
    fails(() => parseRAck("0 1 INVITE"), "BAD_NUMBER");
    fails(() => parseRAck("1 2147483648 INVITE"), "BAD_NUMBER");
    fails(() => parseRAck("776656 1"), "BAD_HEADER_VALUE");
    fails(() => parseRAck("776656 INVITE"), "BAD_HEADER_VALUE");
    fails(() => parseRAck("776656 1 INVITE extra"), "BAD_HEADER_VALUE");
  });
});

describe("RFC 3261 §20.5 / §20.37 / §20.40 token lists", () => {
  it("§20.5 Allow example; empty value is an empty list", () => {
    expect(parseTokenList("INVITE, ACK, OPTIONS, CANCEL, BYE")).toEqual(["INVITE", "ACK", "OPTIONS", "CANCEL", "BYE"]);
    expect(parseTokenList("")).toEqual([]);
    expect(parseTokenList("  ")).toEqual([]);
    expect(parseTokenList("100rel")).toEqual(["100rel"]);
  });

  it("RFC 4475 §3.3.5 bext01: Require and Proxy-Require option tags", () => {
    expect(parseTokenList(header("rfc4475/bext01.dat", "Require"))).toEqual(["nothingSupportsThis", "nothingSupportsThisEither"]);
    expect(parseTokenList(header("rfc4475/bext01.dat", "Proxy-Require"))).toEqual([
      "noProxiesSupportThis",
      "norDoAnyProxiesSupportThis",
    ]);
  });

  it("empty elements and non-tokens are rejected", () => {
    fails(() => parseTokenList("a,,b"), "BAD_HEADER_VALUE", 2);
    fails(() => parseTokenList("a,"), "BAD_HEADER_VALUE", 2);
    fails(() => parseTokenList(",a"), "BAD_HEADER_VALUE", 0);
    fails(() => parseTokenList("a b"), "BAD_HEADER_VALUE", 2);
    fails(() => parseTokenList("a;b"), "BAD_HEADER_VALUE", 1);
  });
});

describe("RFC 3261 §20.7 / §20.27 / §20.44 authentication values", () => {
  it("§20.7 Authorization example", () => {
    const a = parseAuth(
      'Digest username="Alice", realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", response="7587245234b3434cc3412213e5f113a5432"',
    );
    expect(a).toEqual([{
      scheme: "Digest",
      params: {
        username: "Alice",
        realm: "atlanta.com",
        nonce: "84a4cc6f3082121f32b42a2187831a9e",
        response: "7587245234b3434cc3412213e5f113a5432",
      },
    }]);
  });

  it("§20.44 WWW-Authenticate example: empty quoted value, tokens, names lower-cased; the value prints as its header text", () => {
    const [a] = parseAuth(
      'Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", Stale=FALSE, algorithm=MD5',
    );
    expect(a!.params).toEqual({
      realm: "atlanta.com",
      domain: "sip:boxesbybob.com",
      qop: "auth",
      nonce: "f84f1cec41e6cbe5aea9c8e88d359",
      opaque: "",
      stale: "FALSE",
      algorithm: "MD5",
    });
    const text = 'Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5';
    expect(formatAuth(a!)).toBe(text);
    expect(String(a)).toBe(text);
    expect(JSON.parse(JSON.stringify(a))).toEqual({ scheme: "Digest", params: a!.params });
  });

  it("RFC 8760 §2: SHA-256 and SHA-512-256 algorithms kept verbatim; quoted commas and escapes", () => {
    const [a] = parseAuth('Digest realm="a,b", qop="auth,auth-int", algorithm=SHA-512-256-sess,nonce="x\\"y"');
    expect(a!.params).toEqual({ realm: "a,b", qop: "auth,auth-int", algorithm: "SHA-512-256-sess", nonce: 'x"y' });
    expect(parseAuth("Digest algorithm=SHA-256")[0]!.params.algorithm).toBe("SHA-256");
  });

  it("§7.3.1 / §25.1 auth-param: names in any case are lower-cased; the first of a repeated name wins", () => {
    const [a] = parseAuth('Digest USERNAME="a", Realm="r", username="b", NC=00000001, Cnonce="c", URI="sip:h", Userhash=true, Username*=x, X-Y=1, __proto__=p');
    expect(Object.keys(a!.params)).toEqual(["username", "realm", "nc", "cnonce", "uri", "userhash", "username*", "x-y", "__proto__"]);
    expect(a!.params).toMatchObject({ username: "a", realm: "r", nc: "00000001", cnonce: "c", uri: "sip:h", "x-y": "1" });
    expect(Object.getPrototypeOf(a!.params)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(a!.params, "__proto__")!.value).toBe("p");
    fails(() => parseAuth('Digest ="a"'), "BAD_HEADER_VALUE", 7);
  });

  it("§25.1 dig-resp: credentials write qop, nc and algorithm as tokens", () => {
    const creds: AuthValue = {
      scheme: "Digest",
      params: { username: "bob", realm: "biloxi.com", uri: "sip:bob@biloxi.com", qop: "auth", nc: "00000001", cnonce: "0a4f113b", response: "6629fae49393a05397450978507c4ef1", algorithm: "MD5" },
    };
    expect(formatAuth(creds)).toBe(
      'Digest username="bob", realm="biloxi.com", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", algorithm=MD5',
    );
    expect(parseAuth(formatAuth(creds))).toEqual([creds]);
  });

  it("RFC 4475 §3.3.7 regaut01: an unknown scheme with a token parameter", () => {
    expect(parseAuth(header("rfc4475/regaut01.dat", "Authorization"))).toEqual([{
      scheme: "NoOneKnowsThisScheme",
      params: { "opaque-data": "here" },
    }]);
  });

  it("RFC 7235 §4.1: several challenges in one field, of any scheme; a bare scheme; token68 (§2.1)", () => {
    const v = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple", Digest realm="r", nonce="n", Negotiate, Bearer mF_9.B5f-4.1JqM==';
    expect(parseAuth(v)).toEqual([
      { scheme: "Newauth", params: { realm: "apps", type: "1", title: 'Login to "apps"' } },
      { scheme: "Basic", params: { realm: "simple" } },
      { scheme: "Digest", params: { realm: "r", nonce: "n" } },
      { scheme: "Negotiate", params: {} },
      { scheme: "Bearer", params: {}, token68: "mF_9.B5f-4.1JqM==" },
    ]);
    const [basic] = parseAuth("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    expect(basic!.token68).toBe("QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    expect(String(basic)).toBe("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    expect(formatAuth({ scheme: "Negotiate", params: {} })).toBe("Negotiate");
  });

  it("RFC 3261 §25.1 LWS: a line fold between parameters and inside a quoted string", () => {
    expect(parseAuth('Digest realm="a\r\n b",\r\n\tnonce="n"')).toEqual([{ scheme: "Digest", params: { realm: "a\r\n b", nonce: "n" } }]);
  });

  it("RFC 7230 §7: empty list elements are ignored", () => {
    expect(parseAuth('Digest realm="x",,nonce="y",')).toEqual([{ scheme: "Digest", params: { realm: "x", nonce: "y" } }]);
  });

  it("§25.1: malformed challenges and credentials fail with the offset of the problem; tryParseAuth builds no Error", () => {
    fails(() => parseAuth('Digest realm="x'), "BAD_HEADER_VALUE", 13);
    fails(() => parseAuth('Digest realm="x" nonce="y"'), "BAD_HEADER_VALUE", 17);
    fails(() => parseAuth("Digest nonce=a/b"), "BAD_HEADER_VALUE", 14);
    fails(() => parseAuth('Digest realm="a\rb"'), "BAD_HEADER_VALUE", 13);
    fails(() => parseAuth(""), "BAD_HEADER_VALUE", 0);
    fails(() => parseAuth(" , "), "BAD_HEADER_VALUE", 0);
    expect(tryParseAuth('Digest realm="x" nonce="y"')).toEqual({ ok: false, code: "BAD_HEADER_VALUE", offset: 17 });
    expect(tryParseAuth("Digest realm=x")).toEqual({ ok: true, value: [{ scheme: "Digest", params: { realm: "x" } }] });
  });
});

describe("RFC 6665 Event and Subscription-State", () => {
  it("§8.2.1 Event: package, templates and id", () => {
    expect(parseEvent("presence")).toEqual({ event: "presence", id: undefined, params: {} });
    expect(parseEvent("dialog.winfo;id=1234;x")).toEqual({ event: "dialog.winfo", id: "1234", params: { id: "1234", x: null } });
    expect(parseEvent("refer ; id = 93809824").id).toBe("93809824");
    fails(() => parseEvent(".foo"), "BAD_HEADER_VALUE");
    fails(() => parseEvent("foo..bar"), "BAD_HEADER_VALUE");
    fails(() => parseEvent("foo."), "BAD_HEADER_VALUE");
    fails(() => parseEvent("foo;id"), "BAD_HEADER_VALUE");
    fails(() => parseEvent("foo bar"), "BAD_HEADER_VALUE");
    fails(() => parseEvent(""), "BAD_HEADER_VALUE");
  });

  it("§8.2.3 Subscription-State: state, expires, reason, retry-after", () => {
    expect(parseSubscriptionState("active;expires=60")).toEqual({
      state: "active",
      expires: 60,
      reason: undefined,
      retryAfter: undefined,
      params: { expires: "60" },
    });
    expect(parseSubscriptionState("Terminated;reason=probation;retry-after=30")).toMatchObject({
      state: "terminated",
      reason: "probation",
      retryAfter: 30,
    });
    expect(parseSubscriptionState("pending").state).toBe("pending");
    fails(() => parseSubscriptionState("active;expires=99999999999"), "BAD_NUMBER");
    fails(() => parseSubscriptionState("active;expires"), "BAD_NUMBER");
    fails(() => parseSubscriptionState("terminated;retry-after=x"), "BAD_NUMBER");
    fails(() => parseSubscriptionState("terminated;reason"), "BAD_HEADER_VALUE");
    fails(() => parseSubscriptionState(";expires=1"), "BAD_HEADER_VALUE");
  });
});

describe("RFC 3891 §6.1 Replaces", () => {
  it("§6.1 examples", () => {
    expect(parseReplaces("98732@sip.example.com ;from-tag=r33th4x0r ;to-tag=ff87ff")).toEqual({
      callId: "98732@sip.example.com",
      toTag: "ff87ff",
      fromTag: "r33th4x0r",
      earlyOnly: false,
      params: { "from-tag": "r33th4x0r", "to-tag": "ff87ff" },
    });
    expect(parseReplaces("12adf2f34456gs5;to-tag=12345;from-tag=54321;early-only")).toMatchObject({
      callId: "12adf2f34456gs5",
      earlyOnly: true,
    });
  });

  it("§3: to-tag and from-tag are required; the Call-ID is word [@ word]", () => {
    fails(() => parseReplaces("abc;to-tag=1"), "BAD_HEADER_VALUE");
    fails(() => parseReplaces("abc;from-tag=1"), "BAD_HEADER_VALUE");
    fails(() => parseReplaces("abc;to-tag;from-tag=1"), "BAD_HEADER_VALUE");
    fails(() => parseReplaces("a@;to-tag=1;from-tag=2"), "BAD_HEADER_VALUE");
    fails(() => parseReplaces(";to-tag=1;from-tag=2"), "BAD_HEADER_VALUE");
    expect(parseReplaces("a:b/c[]?{}@w<>;to-tag=1;from-tag=2").callId).toBe("a:b/c[]?{}@w<>");
  });
});

describe("RFC 4028 session timers", () => {
  it("§4 Session-Expires with refresher", () => {
    expect(parseSessionExpires("4000;refresher=uac")).toEqual({ seconds: 4000, refresher: "uac", params: { refresher: "uac" } });
    expect(parseSessionExpires("1800;Refresher=UAS;x=y")).toMatchObject({ seconds: 1800, refresher: "uas" });
    expect(parseSessionExpires("90")).toEqual({ seconds: 90, refresher: undefined, params: {} });
    fails(() => parseSessionExpires("1800;refresher=both"), "BAD_HEADER_VALUE");
    fails(() => parseSessionExpires("1800;refresher"), "BAD_HEADER_VALUE");
    fails(() => parseSessionExpires("99999999999"), "BAD_NUMBER");
    fails(() => parseSessionExpires("x"), "BAD_NUMBER");
  });

  it("§5 Min-SE", () => {
    expect(parseMinSE("3600")).toBe(3600);
    expect(parseMinSE("90;x=1")).toBe(90);
    fails(() => parseMinSE("-1"), "BAD_NUMBER");
    fails(() => parseMinSE("90 x"), "BAD_HEADER_VALUE");
  });
});

describe("RFC 3261 §20.15 Content-Type", () => {
  it("§20.15 examples: type lower-cased, parameters kept", () => {
    expect(parseMediaType("application/sdp")).toEqual({ type: "application/sdp", params: {} });
    expect(parseMediaType("Text/HTML; charset=ISO-8859-4")).toEqual({ type: "text/html", params: { charset: "ISO-8859-4" } });
    expect(parseMediaType('multipart/mixed;boundary="a b;c"')).toEqual({ type: "multipart/mixed", params: { boundary: "a b;c" } });
    expect(parseMediaType("message / sipfrag")).toEqual({ type: "message/sipfrag", params: {} });
    expect(formatMediaType(parseMediaType('multipart/mixed;boundary="a b;c"'))).toBe('multipart/mixed;boundary="a b;c"');
  });

  it("malformed media types", () => {
    fails(() => parseMediaType("application"), "BAD_HEADER_VALUE");
    fails(() => parseMediaType("application/"), "BAD_HEADER_VALUE");
    fails(() => parseMediaType("/sdp"), "BAD_HEADER_VALUE");
    fails(() => parseMediaType("application/sdp;charset"), "BAD_HEADER_VALUE");
    fails(() => parseMediaType("application/sdp x"), "BAD_HEADER_VALUE");
  });
});

describe("RFC 3261 §20.17 Date", () => {
  it("§20.17 example: rfc1123-date in GMT", () => {
    expect(parseSipDate("Sat, 13 Nov 2010 23:29:00 GMT")).toBe(Date.UTC(2010, 10, 13, 23, 29, 0));
    expect(formatSipDate(Date.UTC(2010, 10, 13, 23, 29, 0))).toBe("Sat, 13 Nov 2010 23:29:00 GMT");
    expect(parseSipDate("Sat, 15 Oct 2005 04:44:56 GMT")).toBe(Date.UTC(2005, 9, 15, 4, 44, 56));
  });

  it("RFC 4475 §3.1.2.12 baddate: a time zone other than GMT is rejected", () => {
    expect(header("rfc4475/baddate.dat", "Date")).toBe("Fri, 01 Jan 2010 16:00:00 EST");
    fails(() => parseSipDate(header("rfc4475/baddate.dat", "Date")), "BAD_HEADER_VALUE");
  });

  it("other forms and impossible dates are rejected", () => {
    for (const bad of [
      "Friday, 01-Jan-10 16:00:00 GMT",
      "Fri Jan  1 16:00:00 2010",
      "Fri, 1 Jan 2010 16:00:00 GMT",
      "Fri, 31 Feb 2010 16:00:00 GMT",
      "Fri, 01 Jan 2010 24:00:00 GMT",
      "Fri, 01 Jan 2010 16:60:00 GMT",
      "Xyz, 01 Jan 2010 16:00:00 GMT",
      "Fri, 01 Foo 2010 16:00:00 GMT",
      "fri, 01 jan 2010 16:00:00 gmt",
      "",
    ]) {
      fails(() => parseSipDate(bad), "BAD_HEADER_VALUE");
    }
    expect(parseSipDate("Mon, 29 Feb 2016 00:00:00 GMT")).toBe(Date.UTC(2016, 1, 29));
    fails(() => parseSipDate("Mon, 29 Feb 2015 00:00:00 GMT"), "BAD_HEADER_VALUE");
  });

  it("formatSipDate → parseSipDate round-trips whole seconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799 }), (s) => {
        expect(parseSipDate(formatSipDate(s * 1000))).toBe(s * 1000);
      }),
    );
  });
});

// --- properties -------------------------------------------------------------------------------

const CHARS = 'Digest realm=",; \\\t0123456789aZ-.!%*_+`\'~@:/<>[]?{}()\r\n'.split("");
const arbitrary = fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 60 }));
const PARSERS: [string, (s: string) => unknown][] = [
  ["parseCSeq", parseCSeq],
  ["parseTokenList", parseTokenList],
  ["parseDeltaSeconds", parseDeltaSeconds],
  ["parseAuth", parseAuth],
  ["parseRSeq", parseRSeq],
  ["parseMaxForwards", parseMaxForwards],
  ["parseRAck", parseRAck],
  ["parseEvent", parseEvent],
  ["parseSubscriptionState", parseSubscriptionState],
  ["parseReplaces", parseReplaces],
  ["parseSessionExpires", parseSessionExpires],
  ["parseMinSE", parseMinSE],
  ["parseMediaType", parseMediaType],
  ["parseSipDate", parseSipDate],
];

describe("properties", () => {
  for (const [name, parse] of PARSERS) {
    it(`${name} on arbitrary strings returns a value or throws SipParseError, nothing else`, () => {
      fc.assert(
        fc.property(arbitrary, (s) => {
          try {
            parse(s);
          } catch (e) {
            if (!(e instanceof SipParseError)) throw e;
          }
        }),
        { numRuns: 500 },
      );
    });
  }

  it("formatAuth → parseAuth round-trips generated values", () => {
    const token = fc.string({ unit: fc.constantFrom(..."abcXYZ09-.!%*_+`'~".split("")), minLength: 1, maxLength: 8 });
    const arb = fc.record({
      scheme: fc.constantFrom("Digest", "Bearer", "X-Other"),
      params: fc.dictionary(
        token.map((t) => t.toLowerCase()),
        fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)),
        { minKeys: 1, maxKeys: 5 },
      ),
    });
    fc.assert(
      fc.property(arb, (a) => {
        expect(parseAuth(formatAuth(a))).toEqual([a]);
      }),
      { numRuns: 500 },
    );
  });

  it("formatMediaType → parseMediaType round-trips generated values", () => {
    const token = fc.string({ unit: fc.constantFrom(..."abcxyz09-.+".split("")), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(token, token, fc.dictionary(token, fc.string({ maxLength: 8 }).filter((s) => !/[\r\n]/.test(s)), { maxKeys: 3 }), (t, s, params) => {
        const m = { type: `${t}/${s}`, params };
        expect(parseMediaType(formatMediaType(m))).toEqual(m);
      }),
    );
  });

  it("100 KB hostile inputs are handled (linear scanning)", () => {
    const n = 100_000;
    const inputs = [
      "9".repeat(n),
      "1 " + "I".repeat(n),
      "a, ".repeat(n / 3),
      'Digest realm="' + "\\\"".repeat(n / 2),
      "Digest " + 'a="b", '.repeat(n / 7),
      "x" + ";a=b".repeat(n / 4),
      "a/b" + ';c="d"'.repeat(n / 6),
      "@".repeat(n),
      " ".repeat(n),
    ];
    for (const s of inputs) {
      for (const [, parse] of PARSERS) {
        try {
          parse(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SipParseError);
        }
      }
    }
  });
});
