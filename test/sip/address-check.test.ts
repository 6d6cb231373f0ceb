import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPlainFromTo } from "../../src/sip/address-check.ts";
import { SipParseError } from "../../src/sip/errors.ts";
import { parseFromTo } from "../../src/sip/name-addr.ts";

/** Whether the parser accepts `text` (its typed error means no; any other error fails the test). */
function parses(text: string): boolean {
  try {
    parseFromTo(text);
    return true;
  } catch (e) {
    if (e instanceof SipParseError) return false;
    throw e;
  }
}

/** The From and To values of every message in a vectors folder (lines unfolded). */
function fromToValues(folder: string): string[] {
  const out: string[] = [];
  const dir = new URL(`../vectors/${folder}/`, import.meta.url);
  for (const name of readdirSync(dir)) {
    const text = new TextDecoder().decode(readFileSync(new URL(name, dir)));
    const head = text.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
    for (const line of head.split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const field = line.slice(0, colon).trim().toLowerCase();
      if (field === "from" || field === "to" || field === "f" || field === "t") out.push(line.slice(colon + 1).trim());
    }
  }
  return out;
}

describe("isPlainFromTo: the RFC 3261 §8.1.1 check of From and To without the parser's objects", () => {
  it("recognises the forms of RFC 3261 §24 and RFC 3665, and each of them parses", () => {
    const plain = [
      "Bob <sip:bob@biloxi.com>",
      "Alice <sip:alice@atlanta.com>;tag=1928301774",
      '"Bob" <sips:bob@biloxi.com> ;tag=a48s',
      "sip:+12125551212@phone2net.com;tag=887s",
      "<sip:b@192.0.2.2:5060>;tag=3de398a3a37d1050",
      "Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8",
      "<sip:b@192.0.2.2:5060;transport=udp;user=phone;lr>",
      '"A. G. Bell" <sip:agb@bell-telephone.com> ;tag=a48s',
      "The Operator <sip:operator@cs.columbia.edu>;tag=287447",
      "sip:carol@chicago.com",
      "<SIP:Alice@Atlanta.COM.>",
      "  <sip:atlanta.com:65535>  ",
      '"日本" <sip:user@example.jp>',
    ];
    for (const v of plain) {
      expect(isPlainFromTo(v), v).toBe(true);
      expect(parses(v), v).toBe(true);
    }
  });

  it("leaves every other form to the parser, valid or not (RFC 4475 §3.1.2 cases among them)", () => {
    const other = [
      "<sip:alice:secret@atlanta.com>", // password
      "<sip:%61lice@atlanta.com>", // escape
      "<sip:[2001:db8::1]>", // IPv6 reference
      '"a \\"q\\" b" <sip:a@b.com>', // quoted-pair
      "<tel:+12125551212>", // another scheme
      "<sip:a@b.com?subject=x>", // URI headers
      "<sip:a@b.com;ttl=5>", // ttl, maddr: the parser checks their values
      "<sip:a@b.com;maddr=239.255.255.1>",
      "<sip:a@b.com>;tag", // RFC 3261 §19.3: tag without a value
      "<sip:a@b.com>;x=\"quoted\"",
      "sip:a@b.com?x=y", // RFC 4475 §3.1.2.13
      "Bell, Alexander <sip:a.g.bell@bell-tel.com>", // RFC 4475 §3.1.2.15 baddn
      "<sip:user@example.com", // missing ">"
      "<sip:@example.com>", // empty user
      "<sip:a@-b.com>",
      "<sip:a@b.com:70000>",
      "<sip:a@1.2.3>",
      "<sip:a@b.com;transport=u/p>",
      "",
      "   ",
    ];
    for (const v of other) expect(isPlainFromTo(v), v).toBe(false);
  });

  it("says yes only to values that parse: every From and To of the RFC 4475, RFC 5118 and RFC 3665 vectors", () => {
    let plain = 0;
    for (const folder of ["rfc4475", "rfc5118", "rfc3665"]) {
      for (const v of fromToValues(folder)) {
        if (!isPlainFromTo(v)) continue;
        plain++;
        expect(parses(v), `${folder}: ${v}`).toBe(true);
      }
    }
    // Most of them are plain: the check is used, not bypassed.
    expect(plain).toBeGreaterThan(100);
  });

  it("fuzz: a value it recognises always parses (addresses assembled from valid and broken parts)", () => {
    // Each part: a valid form most of the time, a broken or unusual one otherwise.
    const part = (valid: string[], other: string[]) =>
      fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 12 }, { arbitrary: fc.constantFrom(...other), weight: 1 });
    const value = fc
      .tuple(
        part(["", " ", "\t"], ["\r\n "]),
        part(["", '"Alice" ', "Bob ", "Bob  Smith\t", '"é"'], ['"A \\" B" ', "Bell, A ", '"x', "a@b "]),
        part(["<"], ["", "<<", "\""]),
        part(["sip:", "sips:", "SiP:"], ["tel:", "sip", "sip::", "http:"]),
        part(["", "alice@", "+1-212@", "&=+$@"], ["a%41@", "@", "a:b@", "a;b@", "a,b@", "a b@", "é@"]),
        part(["atlanta.com", "192.0.2.1", "a", "a.", "a.1b"], ["-a.com", "a-.com", "1.2.3", "256.0.0.1", "a..b", "[::1]", "1a.2b", "a.1"]),
        part(["", ":5060", ":0", ":65535"], [":65536", ":", ":050600", ":5x"]),
        part(["", ";lr", ";transport=udp", ";user=phone", ";a[b]=c:d"], [";transport=u/p", ";ttl=1", ";maddr=x", ";=x", ";x=", ";%41"]),
        part([">"], ["", ">>", "?x=y>", ">x"]),
        part(["", ";tag=1", " ; tag = a", ";x"], [";tag", ";x=\"q\"", ";=", ",", ";tag=a b", " ", "é"]),
      )
      .map((a) => a.join(""));
    let recognised = 0;
    fc.assert(
      fc.property(value, (v) => {
        if (!isPlainFromTo(v)) return true;
        recognised++;
        return parses(v);
      }),
      { numRuns: 20000, seed: 3261 },
    );
    // A share of the generated values is recognised, or the property would prove nothing.
    expect(recognised).toBeGreaterThan(1000);
  });

  it("fuzz: single-character changes of plain values never make it accept what the parser refuses", () => {
    const bases = [
      '"Alice A." <sip:alice@atlanta.com:5060;transport=tcp;lr>;tag=1928301774',
      "sip:+12125551212@phone2net.com;tag=887s",
      "Bob Smith <sips:192.0.2.4>;x=y ; tag = abc",
    ];
    const chars = " \t\"<>@:;=,?%[]().-_~!*'+$/&\\aZ09é\u0000\r\n";
    let recognised = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.array(fc.tuple(fc.nat(), fc.nat(chars.length - 1), fc.constantFrom("insert", "replace", "delete")), { minLength: 1, maxLength: 3 }),
        (base, edits) => {
          let v = base;
          for (const [at, ci, op] of edits) {
            const i = at % (v.length + 1);
            const ch = chars[ci]!;
            v = op === "insert" ? v.slice(0, i) + ch + v.slice(i) : op === "replace" ? v.slice(0, i) + ch + v.slice(i + 1) : v.slice(0, i) + v.slice(i + 1);
          }
          if (!isPlainFromTo(v)) return true;
          recognised++;
          if (!parses(v)) refused++;
          return parses(v);
        },
      ),
      { numRuns: 20000, seed: 4475 },
    );
    expect(refused).toBe(0);
    expect(recognised).toBeGreaterThan(1000);
  });
});
