import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SipParseError } from "../../src/sip/errors.ts";
import type { SipUri, TelUri } from "../../src/sip/types.ts";
import { formatUri, parseUri, tryParseUri, uriEquals } from "../../src/sip/index.ts";
import { thrown } from "../thrown.ts";

function sip(text: string): SipUri {
  const u = parseUri(text);
  expect(u.scheme === "sip" || u.scheme === "sips").toBe(true);
  return u as SipUri;
}

function rejects(text: string, offset?: number): SipParseError {
  let err: unknown;
  try {
    parseUri(text);
  } catch (e) {
    err = e;
  }
  expect(err, text).toBeInstanceOf(SipParseError);
  const e = err as SipParseError;
  expect(e.code).toBe("BAD_URI");
  if (offset !== undefined) expect(e.offset).toBe(offset);
  return e;
}

/** The Request-URI of a torture message (between the first two spaces of the start line). */
function requestUri(path: string): string {
  const text = new TextDecoder().decode(readFileSync(new URL(`../vectors/${path}`, import.meta.url)));
  const line = text.slice(0, text.search(/\r?\n/));
  return line.slice(line.indexOf(" ") + 1, line.lastIndexOf(" "));
}

describe("RFC 3261 §19.1.1 SIP and SIPS URI components", () => {
  it("§19.1.3 examples parse into their components", () => {
    expect(sip("sip:alice@atlanta.com")).toEqual({ scheme: "sip", user: "alice", host: "atlanta.com", params: {}, headers: {} });
    expect(sip("sip:alice:secretword@atlanta.com;transport=tcp")).toEqual({
      scheme: "sip",
      user: "alice",
      password: "secretword",
      host: "atlanta.com",
      params: { transport: "tcp" },
      headers: {},
    });
    expect(sip("sips:alice@atlanta.com?subject=project%20x&priority=urgent")).toEqual({
      scheme: "sips",
      user: "alice",
      host: "atlanta.com",
      params: {},
      headers: { subject: "project x", priority: "urgent" },
    });
    const phone = sip("sip:+1-212-555-1212:1234@gateway.com;user=phone");
    expect(phone.user).toBe("+1-212-555-1212");
    expect(phone.password).toBe("1234");
    expect(phone.params).toEqual({ user: "phone" });
    expect(sip("sips:1212@gateway.com").user).toBe("1212");
    expect(sip("sip:alice@192.0.2.4").host).toBe("192.0.2.4");
    expect(sip("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com")).toEqual({
      scheme: "sip",
      host: "atlanta.com",
      params: { method: "REGISTER" },
      headers: { to: "alice@atlanta.com" },
    });
    expect(sip("sip:alice;day=tuesday@atlanta.com").user).toBe("alice;day=tuesday");
  });

  it("§19.1.1: scheme and host are case-insensitive (lower-cased), user is not", () => {
    const u = sip("SIP:ALICE@AtLanTa.CoM;Transport=udp");
    expect(u.scheme).toBe("sip");
    expect(u.user).toBe("ALICE");
    expect(u.host).toBe("atlanta.com");
    expect(u.params).toEqual({ transport: "udp" });
  });

  it("§19.1.1: port, lr, maddr, ttl and other parameters; empty password", () => {
    const u = sip("sip:bob:@biloxi.com:5061;lr;maddr=239.255.255.1;ttl=15;foo=bar");
    expect(u.password).toBe("");
    expect(u.port).toBe(5061);
    expect(u.params).toEqual({ lr: null, maddr: "239.255.255.1", ttl: "15", foo: "bar" });
  });

  it("§25.1 hostname: trailing dot allowed, labels may not start or end with '-', toplabel starts with a letter", () => {
    expect(sip("sip:a.example.com.").host).toBe("a.example.com.");
    expect(sip("sip:x-1.example.com").host).toBe("x-1.example.com");
    rejects("sip:-a.example.com");
    rejects("sip:a-.example.com");
    rejects("sip:a..example.com");
    rejects("sip:example.123");
    rejects("sip:host_name.com");
  });

  it("§25.1 IPv4address: four dec-octets 0..255 (RFC 5954 §4.1)", () => {
    expect(sip("sip:255.255.255.255").host).toBe("255.255.255.255");
    rejects("sip:256.1.1.1");
    rejects("sip:1.2.3");
    rejects("sip:1.2.3.4.5");
  });

  it("§25.1: ports are numbers 0..65535, parameters and header names are not empty", () => {
    rejects("sip:h:99999", 6);
    rejects("sip:h:");
    rejects("sip:h;=x");
    rejects("sip:h;a=");
    rejects("sip:h?=x");
    rejects("sip:h?a");
    rejects("sip:@h", 4);
    rejects("sip:h;ttl=256");
    rejects("sip:h;maddr=-bad-");
  });

  it("§25.1: characters outside the grammar and malformed escapes are rejected", () => {
    rejects("sip:us er@h", 6);
    rejects("sip:user@h ost");
    rejects("sip:u%4@h", 5);
    rejects("sip:u%zz@h", 5);
    rejects("sip:<u>@h");
    rejects("sip:h#frag");
    rejects("sip:");
    rejects("");
    rejects("1sip:h");
    rejects("sip");
  });

  it("repeated URI headers combine into one comma-separated value (RFC 3261 §7.3.1)", () => {
    expect(sip("sip:h?Route=%3Csip:a%3E&Route=%3Csip:b%3E").headers).toEqual({ Route: "<sip:a>,<sip:b>" });
  });

  it("§19.1.4 / §7.3.1: parameter names in any case or escaped, the first of a repeated name wins", () => {
    const u = sip("sip:h;TRANSPORT=tcp;transport=udp;LR;lr=1;tr%61nsport=sctp;Maddr=192.0.2.1;x=1;X=2");
    expect(u.params).toEqual({ transport: "tcp", lr: null, maddr: "192.0.2.1", x: "1" });
    expect(Object.keys(u.params)).toEqual(["transport", "lr", "maddr", "x"]);
    expect(sip("sip:h;%74ransport=tcp;transport=udp").params).toEqual({ transport: "tcp" });
    expect(() => parseUri("sip:h;TTL=256")).toThrow(SipParseError);
    expect(() => parseUri("sip:h;Transport=a%20b")).toThrow(SipParseError);
  });

  it("§25.1 userinfo: escapes resolved, characters of the other part's class rejected", () => {
    expect(sip("sip:a;b=c@h").user).toBe("a;b=c");
    expect(sip("sip:a%40b:p%3Aw@h")).toMatchObject({ user: "a@b", password: "p:w" });
    expect(sip("sip:a:&=+$,@h").password).toBe("&=+$,");
    expect(sip("sip:a:@h").password).toBe("");
    rejects("sip:a:b:c@h"); // ":" is not a password character
    rejects("sip:a:b;c@h"); // ";" is a user character, not a password one
    rejects("sip:a%4@h");
    rejects("sip::p@h");
  });

  it("a parameter named __proto__ is an own property, not the prototype", () => {
    const u = sip("sip:h;__proto__=x");
    expect(Object.getPrototypeOf(u.params)).toBe(Object.prototype);
    expect(Object.keys(u.params)).toEqual(["__proto__"]);
    expect(formatUri(u)).toBe("sip:h;__proto__=x");
  });
});

describe("RFC 4475 URIs", () => {
  it("§3.1.1.3 esc01: escapes in user part and parameters resolve to their characters", () => {
    const r = sip(requestUri("rfc4475/esc01.dat"));
    expect(r.user).toBe("sips:user@example.com");
    expect(r.host).toBe("example.net");
    expect(sip("sip:%75se%72@example.com").user).toBe("user");
    expect(sip("sip:I%20have%20spaces@example.net").user).toBe("I have spaces");
    const c = sip("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    expect(c.user).toBe("caller");
    expect(c.params).toEqual({ lr: null, name: "value%41" });
    expect(formatUri(c)).toBe("sip:caller@host5.example.net;lr;name=value%2541");
    expect(uriEquals(parseUri(formatUri(c)), c)).toBe(true);
  });

  it("§3.1.1.4 escnull: %00 in the user part is a NUL character", () => {
    expect(sip("sip:null-%00-null@example.com").user).toBe("null-\u0000-null");
    expect(sip("sip:%00@host5.example.com").user).toBe("\u0000");
    expect(sip("sip:%00%00@host5.example.com").user).toBe("\u0000\u0000");
    expect(formatUri(sip("sip:null-%00-null@example.com"))).toBe("sip:null-%00-null@example.com");
  });

  it("§3.1.1.2 intmeth: user and password made of every allowed character", () => {
    const u = sip(requestUri("rfc4475/intmeth.dat"));
    expect(u.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(u.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(u.host).toBe("example.com");
    expect(formatUri(u)).toBe(requestUri("rfc4475/intmeth.dat"));
  });

  it("§3.1.1.1 wsinv: an unknown valueless parameter in the Request-URI", () => {
    expect(sip(requestUri("rfc4475/wsinv.dat")).params).toEqual({ unknownparam: null });
  });

  it("§3.1.1.9 semiuri: ';' in the user part", () => {
    const u = sip(requestUri("rfc4475/semiuri.dat"));
    expect(u.user).toBe("user;par=u@example.net");
    expect(u.host).toBe("example.com");
    expect(u.params).toEqual({});
  });

  it("§3.1.2.11 escruri: headers in a Request-URI are exposed so the caller can reject them", () => {
    const u = sip(requestUri("rfc4475/escruri.dat"));
    expect(u.headers).toEqual({ Route: "<sip:example.com>" });
  });

  it("§3.1.2.8 lwsruri: whitespace inside a URI is rejected", () => {
    rejects("sip:user@example.com; lr", 21);
  });

  it("§3.1.2.7 ltgtruri: a URI in angle brackets is not a URI", () => {
    rejects(requestUri("rfc4475/ltgtruri.dat"), 0);
  });

  it("§3.3.3 novelsc / §3.3.2 unkscm / §3.3.4 unksm2: other schemes are OtherUri", () => {
    expect(parseUri(requestUri("rfc4475/novelsc.dat"))).toEqual({ scheme: "soap.beep", opaque: "//192.0.2.103:3002" });
    expect(parseUri(requestUri("rfc4475/unkscm.dat"))).toEqual({
      scheme: "nobodyknowsthisscheme",
      opaque: "totallyopaquecontent",
    });
    expect(parseUri("isbn:2983792873")).toEqual({ scheme: "isbn", opaque: "2983792873" });
    expect(parseUri("name:John_Smith")).toEqual({ scheme: "name", opaque: "John_Smith" });
    expect(formatUri(parseUri("http://www.example.com"))).toBe("http://www.example.com");
    rejects("http://example.com/a b");
    rejects("mailto:");
  });
});

describe("RFC 5118 §4 IPv6 references", () => {
  it("§4.1: IPv6 reference in a Request-URI and a Contact URI", () => {
    expect(sip(requestUri("rfc5118/ipv6-good.sip")).host).toBe("[2001:db8::10]");
    expect(sip("sip:caller@[2001:db8::1]").host).toBe("[2001:db8::1]");
  });

  it("§4.2: an IPv6 address without brackets is invalid", () => {
    rejects(requestUri("rfc5118/ipv6-bad.sip"));
  });

  it("§4.3: a port inside the brackets is part of the address", () => {
    const u = sip(requestUri("rfc5118/port-ambiguous.sip"));
    expect(u.host).toBe("[2001:db8::10:5070]");
    expect(u.port).toBeUndefined();
  });

  it("§4.4: a port after the brackets is the port", () => {
    const u = sip(requestUri("rfc5118/port-unambiguous.sip"));
    expect(u).toMatchObject({ host: "[2001:db8::10]", port: 5070 });
    expect(formatUri(u)).toBe("sip:[2001:db8::10]:5070");
  });

  it("§4.9: IPv4-mapped IPv6 addresses", () => {
    expect(sip("sip:ted@[::ffff:192.0.2.2]").host).toBe("[::ffff:192.0.2.2]");
    expect(uriEquals(parseUri("sip:ted@[::ffff:192.0.2.2]"), parseUri("sip:ted@[::FFFF:C000:202]"))).toBe(true);
    expect(uriEquals(parseUri("sip:ted@[::ffff:192.0.2.2]"), parseUri("sip:ted@[0:0:0:0:0:ffff:192.0.2.2]"))).toBe(true);
    // A mapped IPv6 address and the IPv4 address are different hosts (§19.1.4 compares hosts, not routes).
    expect(uriEquals(parseUri("sip:ted@[::ffff:192.0.2.2]"), parseUri("sip:ted@192.0.2.2"))).toBe(false);
  });

  it("§4.10: the three-colon form of the RFC 3261 ABNF bug is tolerated and re-serialized with two", () => {
    const bug = sip(requestUri("rfc5118/ipv6-bug-abnf-3-colons.sip"));
    const good = sip(requestUri("rfc5118/ipv6-correct-abnf-2-colons.sip"));
    expect(bug.host).toBe("[2001:db8::192.0.2.1]");
    expect(good.host).toBe("[2001:db8::192.0.2.1]");
    expect(uriEquals(bug, good)).toBe(true);
    expect(formatUri(bug)).toBe("sip:user@[2001:db8::192.0.2.1]");
  });

  it("§4 / RFC 4291 §2.2: equal addresses in different text forms compare equal", () => {
    expect(uriEquals(parseUri("sip:[2001:db8::10]"), parseUri("sip:[2001:db8:0:0:0:0:0:10]"))).toBe(true);
    expect(uriEquals(parseUri("sip:[2001:DB8::10]:5070"), parseUri("sip:[2001:0db8::0010]:5070"))).toBe(true);
    expect(uriEquals(parseUri("sip:[2001:db8::10]"), parseUri("sip:[2001:db8::11]"))).toBe(false);
    expect(uriEquals(parseUri("sip:[2001:db8::10]"), parseUri("sip:[2001:db8::10]:5060"))).toBe(false);
  });

  it("RFC 3261 §25.1 IPv6address grammar: malformed addresses are rejected", () => {
    for (const bad of [
      "sip:[2001:db8::10::1]",
      "sip:[12345::1]",
      "sip:[1:2:3:4:5:6:7:8:9]",
      "sip:[1:2:3:4:5:6:7]",
      "sip:[1:2:3:4:5:6:7:8::]",
      "sip:[::ffff:256.0.0.1]",
      "sip:[2001:db8:::10]",
      "sip:[:1]",
      "sip:[1:]",
      "sip:[]",
      "sip:[2001:db8::1",
      "sip:[g::1]",
      "sip:[::1.2.3]",
    ]) {
      rejects(bad);
    }
    expect(sip("sip:[::]").host).toBe("[::]");
    expect(sip("sip:[::1]").host).toBe("[::1]");
    expect(sip("sip:[1::]").host).toBe("[1::]");
    expect(sip("sip:[1:2:3:4:5:6:7::]").host).toBe("[1:2:3:4:5:6:7::]");
    expect(sip("sip:[1:2:3:4:5:6:1.2.3.4]").host).toBe("[1:2:3:4:5:6:1.2.3.4]");
  });
});

describe("RFC 3261 §19.1.4 URI comparison", () => {
  const eq = (a: string, b: string): boolean => uriEquals(parseUri(a), parseUri(b));

  it("equivalent URIs from §19.1.4", () => {
    expect(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")).toBe(true);
    expect(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")).toBe(true);
    expect(eq("sip:carol@chicago.com", "sip:carol@chicago.com;security=on")).toBe(true);
    expect(eq("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on")).toBe(true);
    expect(
      eq(
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
        "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
      ),
    ).toBe(true);
    expect(
      eq("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
    ).toBe(true);
  });

  it("non-equivalent URIs from §19.1.4", () => {
    expect(eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")).toBe(false);
    expect(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")).toBe(false);
    expect(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")).toBe(false);
    expect(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp")).toBe(false);
    expect(eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting")).toBe(false);
    expect(eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4")).toBe(false);
  });

  it("SIP and SIPS URIs are never equivalent", () => {
    expect(eq("sip:alice@atlanta.com", "sips:alice@atlanta.com")).toBe(false);
  });

  it("userinfo is case-sensitive and must be present in both or neither, password included", () => {
    expect(eq("sip:alice@atlanta.com", "sip:Alice@atlanta.com")).toBe(false);
    expect(eq("sip:atlanta.com", "sip:alice@atlanta.com")).toBe(false);
    expect(eq("sip:alice:pw@atlanta.com", "sip:alice@atlanta.com")).toBe(false);
    expect(eq("sip:alice:pw@atlanta.com", "sip:alice:PW@atlanta.com")).toBe(false);
    expect(eq("sip:alice:p%77@atlanta.com", "sip:alice:pw@atlanta.com")).toBe(true);
  });

  it("user, ttl, method, maddr and transport in only one URI make them differ; lr and others do not", () => {
    for (const p of ["user=phone", "ttl=1", "method=INVITE", "maddr=239.255.255.1", "transport=udp"]) {
      expect(eq("sip:a@h", `sip:a@h;${p}`), p).toBe(false);
      expect(eq(`sip:a@h;${p}`, "sip:a@h"), p).toBe(false);
    }
    expect(eq("sip:a@h;lr", "sip:a@h")).toBe(true);
    expect(eq("sip:a@h;x=1", "sip:a@h;x=2")).toBe(false);
    expect(eq("sip:a@h;x", "sip:a@h;x=1")).toBe(false);
    expect(eq("sip:a@h;maddr=Example.COM", "sip:a@h;maddr=example.com")).toBe(true);
  });

  it("headers must all be present in both and match", () => {
    expect(eq("sip:a@h?x=1", "sip:a@h?X=1")).toBe(true);
    expect(eq("sip:a@h?x=1", "sip:a@h?x=2")).toBe(false);
    expect(eq("sip:a@h?x=1&y=2", "sip:a@h?x=1")).toBe(false);
    expect(eq("sip:a@h?x=%41", "sip:a@h?x=A")).toBe(true);
  });

  it("different schemes are never equal", () => {
    expect(eq("sip:+1234@h", "tel:+1234")).toBe(false);
    expect(eq("mailto:a@b", "mailto:a@b")).toBe(true);
    expect(eq("mailto:a@b", "mailto:A@b")).toBe(false);
  });
});

describe("RFC 3966 tel URIs", () => {
  function tel(text: string): TelUri {
    const u = parseUri(text);
    expect(u.scheme).toBe("tel");
    return u as TelUri;
  }

  it("§3: global numbers with visual separators and parameters", () => {
    expect(tel("tel:+1-201-555-0123")).toEqual({ scheme: "tel", number: "+1-201-555-0123", global: true, params: {} });
    expect(tel("tel:+1(201)555.0123;ext=1234").params).toEqual({ ext: "1234" });
    expect(tel("TEL:+358-555-1234567;postd=pp22").params).toEqual({ postd: "pp22" });
    expect(tel("tel:+1-201-555-0123;isub=12345;ext=22").params).toEqual({ isub: "12345", ext: "22" });
  });

  it("§5.1.5: local numbers need phone-context (domain name or global number)", () => {
    expect(tel("tel:7042;phone-context=example.com")).toEqual({
      scheme: "tel",
      number: "7042",
      global: false,
      params: { "phone-context": "example.com" },
    });
    expect(tel("tel:863-1234;phone-context=+1-914-555").params).toEqual({ "phone-context": "+1-914-555" });
    expect(tel("tel:*21#;phone-context=example.com").number).toBe("*21#");
    expect(tel("tel:%2321;phone-context=example.com").number).toBe("%2321");
    rejects("tel:7042");
    rejects("tel:7042;phone-context=");
    rejects("tel:7042;phone-context=-bad");
    rejects("tel:7042;phone-context=+");
  });

  it("§3: malformed numbers and parameters are rejected", () => {
    rejects("tel:+");
    rejects("tel:+-");
    rejects("tel:+12a4");
    rejects("tel:");
    rejects("tel:+1234;ext=");
    rejects("tel:+1234;ext=12a");
    rejects("tel:+1234;ext");
    rejects("tel:+1234;=x");
    rejects("tel:+1234;a b=x");
    rejects("tel:+12 34");
  });

  it("§4: comparison ignores visual separators, parameter order and case; global ≠ local", () => {
    const eq = (a: string, b: string): boolean => uriEquals(parseUri(a), parseUri(b));
    expect(eq("tel:+1-201-555-0123", "tel:+1(201)555.0123")).toBe(true);
    expect(eq("tel:+1-201-555-0123;ext=1;isub=2", "tel:+12015550123;ISUB=2;ext=1")).toBe(true);
    expect(eq("tel:7042;phone-context=Example.COM", "tel:7042;phone-context=example.com")).toBe(true);
    expect(eq("tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555")).toBe(true);
    expect(eq("tel:+1-201-555-0123", "tel:+1-201-555-0124")).toBe(false);
    expect(eq("tel:+1-201-555-0123", "tel:+1-201-555-0123;ext=1")).toBe(false);
    expect(eq("tel:+1234;phone-context=+1", "tel:1234;phone-context=+1")).toBe(false);
    expect(eq("tel:AB;phone-context=x.com", "tel:ab;phone-context=x.com")).toBe(true);
  });

  it("formats back to the same text", () => {
    for (const t of ["tel:+1-201-555-0123;ext=1234", "tel:7042;phone-context=example.com", "tel:+1234;isub=a%20b"]) {
      expect(formatUri(parseUri(t))).toBe(t);
    }
  });
});

describe("RFC 3261 §19.1.2 escaping on output", () => {
  it("escapes what each component's grammar does not allow", () => {
    const u: SipUri = {
      scheme: "sip",
      user: "a b@c:d",
      password: "p:w@",
      host: "example.com",
      port: undefined,
      params: { "x y": "1;2", flag: null },
      headers: { subject: "hi there&more", "a=b": "" },
    };
    const s = formatUri(u);
    expect(s).toBe("sip:a%20b%40c%3Ad:p%3Aw%40@example.com;x%20y=1%3B2;flag?subject=hi%20there%26more&a%3Db=");
    expect(parseUri(s)).toEqual(u);
  });

  it("non-ASCII characters are escaped as UTF-8 octets", () => {
    const u: SipUri = { scheme: "sip", user: "josé", host: "h", port: undefined, params: {}, headers: {} };
    expect(formatUri(u)).toBe("sip:jos%C3%A9@h");
    expect(sip("sip:jos%C3%A9@h").user).toBe("josé");
  });

  it("an IPv6 host given without brackets is bracketed", () => {
    expect(formatUri({ scheme: "sip", host: "2001:db8::1", port: 5060, params: {}, headers: {} } as SipUri)).toBe(
      "sip:[2001:db8::1]:5060",
    );
  });
});

describe("tryParseUri", () => {
  it("returns a result value instead of throwing", () => {
    const ok = tryParseUri("sip:a@b");
    expect(ok.ok && ok.value.scheme).toBe("sip");
    // The failure names the code and the character offset, and is no Error.
    expect(tryParseUri("sip:a b")).toEqual({ ok: false, code: "BAD_URI", offset: 5 });
    const e = thrown(() => parseUri("sip:a b"));
    expect(e).toBeInstanceOf(SipParseError);
    expect(e).toMatchObject({ code: "BAD_URI", offset: 5 });
  });
});

// --- properties -------------------------------------------------------------------------------

const URI_CHARS = "sipte:@;?&=%[]<>\"., +-_~!*'()/$#0123456789abcdefABCDEF:\t\\".split("");
const uriLike = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...URI_CHARS), maxLength: 60 }),
  fc
    .tuple(fc.constantFrom("sip:", "sips:", "tel:", "tel:+", "sip:[", "x-y:"), fc.string({ unit: fc.constantFrom(...URI_CHARS), maxLength: 50 }))
    .map(([a, b]) => a + b),
);

const label = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split("")),
    fc.string({ unit: fc.constantFrom(..."abcxyz019-".split("")), maxLength: 8 }),
    fc.constantFrom(..."abz09".split("")),
  )
  .map(([a, b, c]) => a + b + c);
const hostname = fc
  .tuple(fc.array(label, { maxLength: 3 }), fc.constantFrom("com", "example", "a", "x9"))
  .map(([ls, top]) => [...ls, top].join("."));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).chain((g) =>
  fc.nat(7).map((cut) => {
    const hex = g.map((x) => x.toString(16));
    // sometimes compress a run of groups with "::"
    return cut === 0 ? `[${hex.join(":")}]` : `[${hex.slice(0, cut).join(":")}::${hex.slice(cut + 1).join(":")}]`;
  }),
);
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });
const pname = fc.string({ unit: fc.constantFrom(..."abcxyz-_.!~*'()[]/:&+$%; =".split("")), minLength: 1, maxLength: 8 });
const params = fc.dictionary(pname, fc.option(text, { nil: null }), { maxKeys: 4 });
const sipUriArb: fc.Arbitrary<SipUri> = fc.record({
  scheme: fc.constantFrom("sip" as const, "sips" as const),
  user: fc.option(text, { nil: undefined }),
  password: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  host: fc.oneof(hostname, ipv4, ipv6),
  port: fc.option(fc.nat(65535), { nil: undefined }),
  params,
  headers: fc.dictionary(text, fc.string({ unit: "grapheme", maxLength: 10 }), { maxKeys: 3 }),
});

describe("properties", () => {
  it("parseUri on arbitrary strings returns a URI or throws SipParseError, nothing else", () => {
    fc.assert(
      fc.property(uriLike, (s) => {
        try {
          parseUri(s);
        } catch (e) {
          if (!(e instanceof SipParseError) || e.code !== "BAD_URI") throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("formatUri → parseUri round-trips generated SIP URIs (RFC 3261 §19.1.2)", () => {
    fc.assert(
      fc.property(sipUriArb, (u) => {
        const withUser = u.user === undefined ? { ...u, password: undefined } : u;
        const parsed = parseUri(formatUri(withUser)) as SipUri;
        expect(uriEquals(parsed, withUser)).toBe(true);
        expect(parsed.user).toBe(withUser.user);
        expect(parsed.password).toBe(withUser.password);
        expect(parsed.params).toEqual(withUser.params);
        expect(parsed.headers).toEqual(withUser.headers);
        expect(parsed.port).toBe(withUser.port);
      }),
      { numRuns: 500 },
    );
  });

  it("formatUri → parseUri round-trips tel URIs", () => {
    const telArb = fc
      .tuple(fc.string({ unit: fc.constantFrom(..."0123456789-.()".split("")), maxLength: 12 }), fc.nat(9))
      .map(([n, d]) => `tel:+${d}${n};ext=${d}`);
    fc.assert(
      fc.property(telArb, (t) => {
        expect(formatUri(parseUri(t))).toBe(t);
      }),
    );
  });

  it("100 KB hostile inputs are handled (linear scanning)", () => {
    const big = 100_000;
    const inputs = [
      "sip:" + "a".repeat(big),
      "sip:" + "a".repeat(big) + "@",
      "sip:[" + "1:".repeat(big / 2),
      "sip:h" + ";a=b".repeat(big / 4),
      "sip:h?" + "a=b&".repeat(big / 4),
      "sip:" + "%41".repeat(big / 3) + "@h",
      "tel:+" + "1".repeat(big),
      "x:" + "%".repeat(big),
      "sip:h:" + "9".repeat(big),
      "sip:" + "a.".repeat(big / 2) + "com",
    ];
    for (const s of inputs) {
      const r = tryParseUri(s);
      expect(r.ok || (typeof r.code === "string" && r.offset >= 0 && r.offset <= s.length)).toBe(true);
    }
  });
});

describe("RFC 3261 §19.1.2 escaped octets", () => {
  it("UTF-8 sequences decode to characters, a leading BOM included; invalid sequences become U+FFFD", () => {
    expect(sip("sip:%EF%BB%BFa@h").user).toBe("\uFEFFa");
    expect(sip("sip:%F0%9F%98%80@h").user).toBe("😀");
    expect(formatUri(sip("sip:%F0%9F%98%80@h"))).toBe("sip:%F0%9F%98%80@h");
    expect(sip("sip:%FF@h").user).toBe("\uFFFD");
  });
});
