import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SipParseError } from "../../src/sip/errors.ts";
import {
  formatContact,
  formatFromTo,
  formatNameAddr,
  parseContactList,
  parseFromTo,
  parseNameAddr,
  parseNameAddrList,
} from "../../src/sip/name-addr.ts";
import type { ContactAddress, NameAddr, SipUri } from "../../src/sip/types.ts";
import { parseUri, uriEquals } from "../../src/sip/index.ts";

/** Unfolded values of the named header fields of a torture message, in order. */
function headerValues(path: string, ...names: string[]): string[] {
  const text = new TextDecoder().decode(readFileSync(new URL(`../vectors/${path}`, import.meta.url)));
  const head = text.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const wanted = names.map((n) => n.toLowerCase());
  const out: string[] = [];
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0 && wanted.includes(line.slice(0, colon).trim().toLowerCase())) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

function one(path: string, ...names: string[]): string {
  const v = headerValues(path, ...names);
  expect(v.length, `${path} ${names.join("/")}`).toBe(1);
  return v[0]!;
}

function fails(fn: () => unknown, code: string): SipParseError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SipParseError);
  expect((err as SipParseError).code).toBe(code);
  return err as SipParseError;
}

const u = (s: string) => parseUri(s);

describe("RFC 3261 §20.10 / §25.1 name-addr and addr-spec", () => {
  it("§20.20 From examples", () => {
    expect(parseFromTo('"A. G. Bell" <sip:agb@bell-telephone.com> ;tag=a48s')).toEqual({
      displayName: "A. G. Bell",
      uri: u("sip:agb@bell-telephone.com"),
      params: { tag: "a48s" },
      tag: "a48s",
    });
    const f = parseFromTo("sip:+12125551212@server.phone2net.com;tag=887s");
    expect(f.displayName).toBeUndefined();
    expect(f.tag).toBe("887s");
    expect((f.uri as SipUri).params).toEqual({});
    expect(parseFromTo("Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8")).toMatchObject({
      displayName: "Anonymous",
      tag: "hyh8",
    });
  });

  it("§20.39 To examples", () => {
    expect(parseFromTo("The Operator <sip:operator@cs.columbia.edu>;tag=287447")).toMatchObject({
      displayName: "The Operator",
      tag: "287447",
    });
    expect(parseFromTo("sip:+12125551212@server.phone2net.com").tag).toBeUndefined();
  });

  it("§20.10: in the addr-spec form everything after the first ';' is a header parameter", () => {
    const na = parseNameAddr("sip:alice@atlanta.com;transport=tcp;tag=1");
    expect((na.uri as SipUri).params).toEqual({});
    expect(na.params).toEqual({ transport: "tcp", tag: "1" });
    const inBrackets = parseNameAddr("<sip:alice@atlanta.com;transport=tcp>;tag=1");
    expect((inBrackets.uri as SipUri).params).toEqual({ transport: "tcp" });
    expect(inBrackets.params).toEqual({ tag: "1" });
  });

  it("§20.10: a URI with '?' in the addr-spec form is invalid (RFC 4475 §3.1.2.13 regbadct)", () => {
    const e = fails(() => parseContactList(one("rfc4475/regbadct.dat", "Contact", "m")), "BAD_NAME_ADDR");
    expect(e.offset).toBe("sip:user@example.com".length);
  });

  it("§25.1 gen-value: token, host (IPv6 reference) or quoted string; names lower-cased", () => {
    expect(parseNameAddr('<sip:a@b>;X=1;maddr=[2001:db8::1];q="a;b,c";flag').params).toEqual({
      x: "1",
      maddr: "[2001:db8::1]",
      q: "a;b,c",
      flag: null,
    });
    fails(() => parseNameAddr("<sip:a@b>;x=[::g]"), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<sip:a@b>;x=a b"), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<sip:a@b>;=1"), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<sip:a@b>;x="), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<sip:a@b> x"), "BAD_NAME_ADDR");
  });

  it("§25.1 display-name: quoted-pairs are resolved; empty quoted name is kept", () => {
    expect(parseNameAddr('"a \\"b\\" \\\\c" <sip:x@h>').displayName).toBe('a "b" \\c');
    expect(parseNameAddr('"" <sip:x@h>').displayName).toBe("");
    expect(parseNameAddr('"日本" <sip:x@h>').displayName).toBe("日本");
    expect(parseNameAddr("<sip:x@h>").displayName).toBeUndefined();
  });

  it("§25.1 display-name: token sequences with any LWS become single-space separated", () => {
    expect(parseNameAddr("Mr.   J. \t User <sip:x@h>").displayName).toBe("Mr. J. User");
  });

  it("§20.10 Contact example: q and expires, name-addr with mailto URI", () => {
    const list = parseContactList(
      '"Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1',
    ) as ContactAddress[];
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ wildcard: false, displayName: "Mr. Watson", q: 0.7, expires: 3600 });
    expect(list[1]).toMatchObject({ q: 0.1, expires: undefined, uri: { scheme: "mailto", opaque: "watson@bell-telephone.com" } });
  });
});

describe("RFC 4475 torture values", () => {
  it("§3.1.1.1 wsinv: LWS and line folding around ';', '=' and quotes", () => {
    const to = parseFromTo(one("rfc4475/wsinv.dat", "To", "t"));
    expect(to.tag).toBe("1918181833n");
    expect(uriEquals(to.uri, u("sip:vivekg@chair-dnrc.example.com"))).toBe(true);
    const from = parseFromTo(one("rfc4475/wsinv.dat", "From", "f"));
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect(from.tag).toBe("98asjd8");
    const [c] = parseContactList(one("rfc4475/wsinv.dat", "Contact", "m")) as ContactAddress[];
    expect(c!.displayName).toBe('Quoted string ""');
    expect(c!.params).toEqual({ newparam: "newvalue", secondparam: null, q: "0.33" });
    expect(c!.q).toBe(0.33);
    const route = parseNameAddrList(one("rfc4475/wsinv.dat", "Route"));
    expect((route[0]!.uri as SipUri).params).toEqual({ lr: null, unknownwith: "value", "unknown-no-value": null });
  });

  it("§3.1.1.2 intmeth: token display name of unusual characters, quoted name with NUL/BEL/DEL pairs", () => {
    const to = parseFromTo(one("rfc4475/intmeth.dat", "To", "t"));
    expect(to.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7f");
    expect((to.uri as SipUri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    const from = parseFromTo(one("rfc4475/intmeth.dat", "From", "f"));
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(from.tag).toBe("_token~1'+`*%!-.");
    expect(from.params["fromparam''~+*_!.-%"]).toBe("работающий");
  });

  it("§3.1.1.3 esc01 / §3.1.1.4 escnull: escaped URIs inside name-addrs", () => {
    expect((parseFromTo(one("rfc4475/esc01.dat", "To", "t")).uri as SipUri).user).toBe("user");
    expect((parseFromTo(one("rfc4475/esc01.dat", "From", "f")).uri as SipUri).user).toBe("I have spaces");
    const [c] = parseContactList(one("rfc4475/esc01.dat", "Contact", "m")) as ContactAddress[];
    expect((c!.uri as SipUri).params).toEqual({ lr: null, name: "value%41" });
    const contacts = headerValues("rfc4475/escnull.dat", "Contact", "m").flatMap(parseContactList) as ContactAddress[];
    expect(contacts.map((x) => (x.uri as SipUri).user)).toEqual(["\0", "\0\0"]);
  });

  it("§3.1.1.5 esc02: '%' in a quoted display name is not an escape", () => {
    expect(parseFromTo(one("rfc4475/esc02.dat", "To", "t")).displayName).toBe("%Z%45");
  });

  it("§3.1.1.6 lwsdisp: no LWS between display name and '<'", () => {
    const f = parseFromTo(one("rfc4475/lwsdisp.dat", "From", "f"));
    expect(f).toMatchObject({ displayName: "caller", tag: "323" });
  });

  it("§3.1.1.7 longreq: long display names and parameters", () => {
    const to = parseFromTo(one("rfc4475/longreq.dat", "To", "t"));
    expect(to.displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
    expect((to.uri as SipUri).port).toBe(6000);
    const from = parseFromTo(one("rfc4475/longreq.dat", "From", "f"));
    expect(from.tag).toMatch(/^1298+/);
  });

  it("§3.1.1.9 semiuri: ';' inside the user part of a URI in <>", () => {
    const na = parseNameAddr("<sip:user;par=u%40example.net@example.com>;tag=1");
    expect((na.uri as SipUri).user).toBe("user;par=u@example.net");
    expect(na.params).toEqual({ tag: "1" });
  });

  it("§3.3.4 unksm2: other URI schemes in To, From and Contact", () => {
    expect(parseFromTo(one("rfc4475/unksm2.dat", "To", "t")).uri).toEqual({ scheme: "isbn", opaque: "2983792873" });
    const from = parseFromTo(one("rfc4475/unksm2.dat", "From", "f"));
    expect(from.uri).toEqual({ scheme: "http", opaque: "//www.example.com" });
    expect(from.tag).toBe("3234233");
    const [c] = parseContactList(one("rfc4475/unksm2.dat", "Contact", "m")) as ContactAddress[];
    expect(c!.uri).toEqual({ scheme: "name", opaque: "John_Smith" });
  });

  it("§3.3.12 cparam01: unknown parameter after an addr-spec Contact is a contact parameter", () => {
    const [c] = parseContactList(one("rfc4475/cparam01.dat", "Contact", "m")) as ContactAddress[];
    expect((c!.uri as SipUri).params).toEqual({});
    expect(c!.params).toEqual({ unknownparam: null });
  });

  it("§3.3.13 cparam02: the same parameter inside <> is a URI parameter", () => {
    const [c] = parseContactList(one("rfc4475/cparam02.dat", "Contact", "m")) as ContactAddress[];
    expect((c!.uri as SipUri).params).toEqual({ unknownparam: null });
    expect(c!.params).toEqual({});
  });

  it("§3.3.14 regescrt: escaped headers in a Contact URI in <>", () => {
    const [c] = parseContactList(one("rfc4475/regescrt.dat", "Contact", "m")) as ContactAddress[];
    expect((c!.uri as SipUri).headers).toEqual({ Route: "<sip:sip.example.com>" });
  });

  it("§3.1.2.1 badinv01: empty contact parameters are rejected", () => {
    fails(() => parseContactList(one("rfc4475/badinv01.dat", "Contact", "m")), "BAD_NAME_ADDR");
  });

  it("§3.1.2.4 scalar02: an overlarge contact expires is BAD_NUMBER", () => {
    fails(() => parseContactList(one("rfc4475/scalar02.dat", "Contact", "m")), "BAD_NUMBER");
    expect((parseContactList("<sip:a@b>;expires=4294967295")[0] as ContactAddress).expires).toBe(4294967295);
    fails(() => parseContactList("<sip:a@b>;expires=4294967296"), "BAD_NUMBER");
    fails(() => parseContactList("<sip:a@b>;expires"), "BAD_NUMBER");
    fails(() => parseContactList('<sip:a@b>;expires="1 2"'), "BAD_NUMBER");
  });

  it("§3.1.2.14 badaspec: whitespace inside <> is invalid; a quoted name with a comma is fine", () => {
    expect(parseFromTo(one("rfc4475/badaspec.dat", "From", "f")).displayName).toBe("Bell, Alexander");
    fails(() => parseFromTo(one("rfc4475/badaspec.dat", "To", "t")), "BAD_URI");
  });

  it("§3.1.2.15 baddn: a display name with non-token characters must be quoted", () => {
    fails(() => parseFromTo(one("rfc4475/baddn.dat", "From", "f")), "BAD_NAME_ADDR");
    fails(() => parseFromTo(one("rfc4475/baddn.dat", "To", "t")), "BAD_NAME_ADDR");
  });

  it("§3.1.2.6 quotbal: an unterminated quoted string", () => {
    const e = fails(() => parseFromTo(one("rfc4475/quotbal.dat", "To", "t")), "BAD_NAME_ADDR");
    expect(e.offset).toBe(0);
  });

  it("RFC 5118 §4.1 / §4.9: IPv6 references in Contact URIs", () => {
    const [c] = parseContactList(one("rfc5118/ipv6-good.sip", "Contact", "m")) as ContactAddress[];
    expect(c).toMatchObject({ displayName: "Caller", uri: { host: "[2001:db8::1]" } });
    const [m] = parseContactList(one("rfc5118/ipv4-mapped-ipv6.sip", "Contact", "m")) as ContactAddress[];
    expect(m).toMatchObject({ displayName: "T. desk phone", uri: { user: "ted", host: "[::ffff:192.0.2.2]" } });
  });
});

describe("lists and Contact", () => {
  it("§7.3.1: commas inside quotes and angle brackets do not separate values", () => {
    const list = parseNameAddrList('"a, b" <sip:x,y@h>, sip:c@h;p="1,2" , <sip:d@h>');
    expect(list.map((n) => (n.uri as SipUri).user)).toEqual(["x,y", "c", "d"]);
    expect(list[0]!.displayName).toBe("a, b");
    expect(list[1]!.params).toEqual({ p: "1,2" });
  });

  it("empty list elements and trailing commas are rejected", () => {
    fails(() => parseNameAddrList("<sip:a@h>,,<sip:b@h>"), "BAD_NAME_ADDR");
    fails(() => parseNameAddrList("<sip:a@h>,"), "BAD_NAME_ADDR");
    fails(() => parseNameAddrList(""), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<sip:a@h>, <sip:b@h>"), "BAD_NAME_ADDR");
  });

  it("structural errors: missing '>', missing '<' after a quoted name, tag without value", () => {
    fails(() => parseNameAddr("<sip:a@h"), "BAD_NAME_ADDR");
    fails(() => parseNameAddr('"x" sip:a@h'), "BAD_NAME_ADDR");
    fails(() => parseFromTo("<sip:a@h>;tag"), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<>"), "BAD_URI");
    fails(() => parseNameAddr("foo"), "BAD_NAME_ADDR");
  });

  it("§7.3.1: parameter names in any case; the first of a repeated tag, expires or q is the one used", () => {
    const ft = parseFromTo("<sip:a@h>;TAG=one;tag=two;x=1;X=2");
    expect(ft.tag).toBe("one");
    expect(ft.params).toEqual({ tag: "one", x: "1" });
    const c = parseContactList("<sip:a@h>;Expires=60;expires=x;Q=0.5;q=2;tag=t")[0] as ContactAddress;
    expect(c).toMatchObject({ expires: 60, q: 0.5 });
    expect(Object.keys(c.params)).toEqual(["expires", "q", "tag"]);
    fails(() => parseContactList("<sip:a@h>;EXPIRES=x"), "BAD_NUMBER");
  });

  it("a header parameter named __proto__ is an own property, not the prototype", () => {
    const ft = parseFromTo("<sip:a@h>;__proto__=x;tag=1;__proto__=y");
    expect(Object.getPrototypeOf(ft.params)).toBe(Object.prototype);
    expect(Object.keys(ft.params)).toEqual(["__proto__", "tag"]);
    expect(Object.getOwnPropertyDescriptor(ft.params, "__proto__")!.value).toBe("x");
  });

  it("§25.1 name-addr: the URI in <> is exactly the text up to '>' (same result and errors in every form)", () => {
    for (const uri of ["sip:a@h", "SIP:a@h;transport=TCP", "sip:a@h?subject=x&b=%20", "sip:[2001:db8::1]:5060;lr", "sip:a%3Eb@h"]) {
      expect(parseNameAddr(`<${uri}>`).uri, uri).toEqual(parseUri(uri));
      expect(parseNameAddr(`"A" <${uri}>;tag=x`).uri, uri).toEqual(parseUri(uri));
    }
    fails(() => parseNameAddr("<sip:a@"), "BAD_NAME_ADDR"); // no '>' is reported before the empty host
    fails(() => parseNameAddr("<sip:a@h x>"), "BAD_URI");
    fails(() => parseNameAddr("<sip:a@>"), "BAD_URI");
    fails(() => parseNameAddr("<sip:a@h;p=>"), "BAD_URI");
    fails(() => parseNameAddr("<sip:a@h>>"), "BAD_NAME_ADDR");
    fails(() => parseNameAddr("<sip:a@h;p=a>b>"), "BAD_NAME_ADDR");
  });

  it("§10.2.2: '*' is the wildcard contact", () => {
    expect(parseContactList("*")).toEqual([{ wildcard: true }]);
    expect(parseContactList("  * ")).toEqual([{ wildcard: true }]);
    expect(formatContact({ wildcard: true })).toBe("*");
    fails(() => parseContactList("*, <sip:a@h>"), "BAD_NAME_ADDR");
  });

  it("§25.1 qvalue: 0..1 with at most three decimals", () => {
    const q = (v: string) => (parseContactList(`<sip:a@h>;q=${v}`)[0] as ContactAddress).q;
    expect(q("0")).toBe(0);
    expect(q("0.")).toBe(0);
    expect(q("0.5")).toBe(0.5);
    expect(q("0.123")).toBe(0.123);
    expect(q("1")).toBe(1);
    expect(q("1.000")).toBe(1);
    for (const bad of ["1.001", "0.1234", "2", "-0.5", ".5", "1.5", "01", "0.1.", "1..", "0x1", '"x"']) {
      fails(() => parseContactList(`<sip:a@h>;q=${bad}`), "BAD_NUMBER");
    }
    fails(() => parseContactList("<sip:a@h>;q"), "BAD_NUMBER");
    // every qvalue gives the same number as its decimal text
    for (let m = 0; m <= 1000; m++) {
      const text = m === 1000 ? "1.000" : `0.${String(m).padStart(3, "0")}`;
      expect(q(text), text).toBe(Number(text));
      expect(q(text.replace(/0+$/, "")), text).toBe(Number(text));
    }
  });
});

describe("formatting", () => {
  it("formatNameAddr always uses <> and quotes the display name", () => {
    expect(formatNameAddr(parseNameAddr("sip:a@h;tag=1"))).toBe("<sip:a@h>;tag=1");
    expect(formatNameAddr(parseNameAddr('Bob <sip:b@h;lr>;x="a b"'))).toBe('"Bob" <sip:b@h;lr>;x="a b"');
    expect(formatNameAddr({ displayName: 'say "hi"\\', uri: u("sip:a@h"), params: {} })).toBe('"say \\"hi\\"\\\\" <sip:a@h>');
    expect(() => formatNameAddr({ displayName: "a\r\nb", uri: u("sip:a@h"), params: {} })).toThrow(RangeError);
  });

  it("formatFromTo writes the tag field over params.tag", () => {
    const ft = parseFromTo("<sip:a@h>;x=1;tag=old;y=2");
    expect(formatFromTo({ ...ft, tag: "new" })).toBe("<sip:a@h>;x=1;tag=new;y=2");
    expect(formatFromTo({ uri: u("sip:a@h"), params: {}, tag: "t1" })).toBe("<sip:a@h>;tag=t1");
  });

  it("formatContact writes expires and q from the fields", () => {
    const c = parseContactList("<sip:a@h>;expires=60")[0] as ContactAddress;
    expect(formatContact({ ...c, expires: 120, q: 0.5 })).toBe("<sip:a@h>;expires=120;q=0.5");
  });
});

// --- properties -------------------------------------------------------------------------------

const CHARS = 'sip:@;<>"\\, =\t+-_.~!*%ab19[]?&/\r\n'.split("");
const arbitrary = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 60 }),
  fc.tuple(fc.constantFrom('"', "<sip:", "sip:", "a <", "*"), fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 40 })).map(
    ([a, b]) => a + b,
  ),
);
const token = fc.string({ unit: fc.constantFrom(..."abcXYZ09-.!%*_+`'~".split("")), minLength: 1, maxLength: 8 });
const nameAddrArb: fc.Arbitrary<NameAddr> = fc.record({
  displayName: fc.option(
    fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)),
    { nil: undefined },
  ),
  uri: fc.constantFrom("sip:a@example.com", "sips:b:pw@[2001:db8::1]:5061;lr", "tel:+1-555", "mailto:x@y", "sip:a,b;c@h?x=%3C1%3E").map(u),
  params: fc.dictionary(token.map((t) => t.toLowerCase()), fc.option(fc.string({ unit: "grapheme", maxLength: 8 }).filter((s) => !/[\r\n]/.test(s)), { nil: null }), { maxKeys: 3 }),
});

describe("properties", () => {
  it("the parsers on arbitrary strings return a value or throw SipParseError, nothing else", () => {
    fc.assert(
      fc.property(arbitrary, (s) => {
        for (const f of [parseNameAddr, parseNameAddrList, parseFromTo, parseContactList]) {
          try {
            f(s);
          } catch (e) {
            if (!(e instanceof SipParseError)) throw e;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("formatNameAddr → parseNameAddr round-trips generated values", () => {
    fc.assert(
      fc.property(nameAddrArb, (na) => {
        const back = parseNameAddr(formatNameAddr(na));
        expect(back.displayName).toBe(na.displayName);
        expect(uriEquals(back.uri, na.uri)).toBe(true);
        expect(back.params).toEqual(na.params);
      }),
      { numRuns: 500 },
    );
  });

  it("formatContact → parseContactList round-trips lists", () => {
    fc.assert(
      fc.property(fc.array(nameAddrArb, { minLength: 1, maxLength: 4 }), fc.nat(1000), (list, q) => {
        const contacts = list.map((na) => ({ ...na, wildcard: false as const, q: q / 1000, expires: q * 7 }));
        const back = parseContactList(contacts.map(formatContact).join(", ")) as ContactAddress[];
        expect(back.map((c) => [c.q, c.expires, c.displayName])).toEqual(contacts.map((c) => [c.q, c.expires, c.displayName]));
      }),
      { numRuns: 200 },
    );
  });

  it("100 KB hostile inputs are handled (linear scanning)", () => {
    const n = 100_000;
    for (const s of [
      '"' + "a".repeat(n),
      "<sip:a@h>" + ",<sip:a@h>".repeat(n / 10),
      "<sip:" + "a".repeat(n),
      "a ".repeat(n / 2),
      "<sip:h>" + ";a=b".repeat(n / 4),
      '"' + '\\"'.repeat(n / 2) + '" <sip:h>',
      "sip:h" + ",sip:h".repeat(n / 6),
      "<" + "<".repeat(n),
    ]) {
      for (const f of [parseNameAddrList, parseContactList]) {
        try {
          f(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SipParseError);
        }
      }
    }
  });
});
