import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SipParseError } from "../../src/sip/errors.ts";
import type { Via } from "../../src/sip/types.ts";
import { formatVia, parseVia } from "../../src/sip/via.ts";

/** Unfolded values of the Via fields (long and compact names) of a torture message, in order. */
function vias(path: string): string[] {
  const text = new TextDecoder().decode(readFileSync(new URL(`../vectors/${path}`, import.meta.url)));
  const head = text.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const out: string[] = [];
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === "via" || name === "v") out.push(line.slice(colon + 1).trim());
  }
  return out;
}

function bad(text: string): SipParseError {
  let err: unknown;
  try {
    parseVia(text);
  } catch (e) {
    err = e;
  }
  expect(err, text).toBeInstanceOf(SipParseError);
  expect((err as SipParseError).code, text).toBe("BAD_VIA");
  return err as SipParseError;
}

describe("RFC 3261 §20.42 Via", () => {
  it("§20.42 examples", () => {
    expect(parseVia("SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7")).toEqual([
      {
        protocol: "SIP/2.0",
        transport: "UDP",
        host: "erlang.bell-telephone.com",
        port: 5060,
        branch: "z9hG4bK87asdks7",
        received: undefined,
        rport: undefined,
        params: { branch: "z9hG4bK87asdks7" },
      },
    ]);
    const [v] = parseVia("SIP/2.0/UDP 192.0.2.1:5060 ;received=192.0.2.207;branch=z9hG4bK77asjd");
    expect(v).toMatchObject({ host: "192.0.2.1", port: 5060, received: "192.0.2.207", branch: "z9hG4bK77asjd" });
  });

  it("§20.42: several via-parms in one field value, top first", () => {
    const list = parseVia("SIP/2.0/UDP first.example.com:4000;ttl=16;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1, SIP / 2.0 / TCP second.example.com");
    expect(list.map((v) => [v.transport, v.host, v.port])).toEqual([
      ["UDP", "first.example.com", 4000],
      ["TCP", "second.example.com", undefined],
    ]);
    expect(list[0]!.params).toMatchObject({ ttl: "16", maddr: "224.2.0.1" });
  });

  it("§25.1: protocol name and transport are case-insensitive (upper-cased), names lower-cased", () => {
    const [v] = parseVia("sip/2.0/tls Host.Example.COM;BRANCH=z9hG4bKx;Foo");
    expect(v).toMatchObject({ protocol: "SIP/2.0", transport: "TLS", host: "host.example.com", branch: "z9hG4bKx" });
    expect(v!.params).toEqual({ branch: "z9hG4bKx", foo: null });
  });

  it("§25.1 sent-protocol: SIP/2.0 in any case or with SWS, other versions and names kept; transports upper-cased", () => {
    const v = (t: string) => parseVia(`${t} h;branch=z9hG4bK1`)[0]!;
    expect(v("Sip/2.0/Udp")).toMatchObject({ protocol: "SIP/2.0", transport: "UDP" });
    expect(v("SIP / 2.0 / wss")).toMatchObject({ protocol: "SIP/2.0", transport: "WSS" });
    expect(v("SIP/2.0/ws")).toMatchObject({ protocol: "SIP/2.0", transport: "WS" });
    expect(v("SIP/2.0/tcp")).toMatchObject({ protocol: "SIP/2.0", transport: "TCP" });
    expect(v("SIP/2.0/Udp-x")).toMatchObject({ transport: "UDP-X" });
    expect(v("SIP/2.0/W5")).toMatchObject({ transport: "W5" });
    expect(v("SIP/2.0/WSX")).toMatchObject({ transport: "WSX" });
    expect(v("sipx/2.0/UDP")).toMatchObject({ protocol: "SIPX/2.0" });
    expect(v("SIP/2.00/UDP")).toMatchObject({ protocol: "SIP/2.00" });
    bad("SIP/2.0/ h");
    bad("SIP/2.0/UDP");
    expect(parseVia("SIP/2.0/UDP\th")[0]).toMatchObject({ transport: "UDP", host: "h" });
  });

  it("§7.3.1: via-param names in any case; the first of a repeated parameter is the one used", () => {
    const [v] = parseVia("SIP/2.0/UDP h;BRANCH=z9hG4bKa;branch=z9hG4bKb;Received=192.0.2.1;received=x;RPORT=5;rport;TTL=1;ttl=x;x=1;X=2");
    expect(v).toMatchObject({ branch: "z9hG4bKa", received: "192.0.2.1", rport: 5 });
    expect(v!.params).toEqual({ branch: "z9hG4bKa", received: "192.0.2.1", rport: "5", ttl: "1", x: "1" });
    expect(Object.keys(v!.params)).toEqual(["branch", "received", "rport", "ttl", "x"]);
    // a quoted branch must still be a token
    expect(parseVia('SIP/2.0/UDP h;branch="z9hG4bKq"')[0]!.branch).toBe("z9hG4bKq");
    bad('SIP/2.0/UDP h;branch="z9hG4bK q"');
    bad("SIP/2.0/UDP h;branch=[2001:db8::1]");
  });

  it("a via-param named __proto__ is an own property, not the prototype", () => {
    const [v] = parseVia("SIP/2.0/UDP h;branch=z9hG4bK1;__proto__=x;__proto__=y");
    expect(Object.getPrototypeOf(v!.params)).toBe(Object.prototype);
    expect(Object.keys(v!.params)).toEqual(["branch", "__proto__"]);
    expect(Object.getOwnPropertyDescriptor(v!.params, "__proto__")!.value).toBe("x");
  });

  it("§25.1 COLON = SWS ':' SWS: whitespace around the port colon", () => {
    expect(parseVia("SIP/2.0/UDP h.example.com : 5070;branch=z9hG4bK1")[0]!.port).toBe(5070);
  });

  it("RFC 3581 §3: rport with and without a value", () => {
    expect(parseVia("SIP/2.0/UDP h;rport;branch=z9hG4bK1")[0]!.rport).toBe(true);
    expect(parseVia("SIP/2.0/UDP h;received=192.0.2.1;rport=5061")[0]!.rport).toBe(5061);
    bad("SIP/2.0/UDP h;rport=0");
    bad("SIP/2.0/UDP h;rport=65536");
    bad("SIP/2.0/UDP h;rport=x");
  });

  it("§25.1 via-params: branch token, received IP address, ttl 0..255, maddr host", () => {
    bad("SIP/2.0/UDP h;branch");
    bad('SIP/2.0/UDP h;branch="a b"');
    bad("SIP/2.0/UDP h;received=example.com");
    bad("SIP/2.0/UDP h;received");
    bad("SIP/2.0/UDP h;ttl=256");
    bad("SIP/2.0/UDP h;ttl=1000");
    bad("SIP/2.0/UDP h;ttl");
    bad("SIP/2.0/UDP h;maddr=-x-");
    expect(parseVia("SIP/2.0/UDP h;ttl=255;maddr=[2001:db8::1]")[0]!.params).toEqual({ ttl: "255", maddr: "[2001:db8::1]" });
  });

  it("§25.1: structural errors", () => {
    bad("");
    bad("SIP/2.0");
    bad("SIP/2.0/UDP");
    bad("SIP/2.0/UDPhost");
    bad("SIP/2.0/UDP h:");
    bad("SIP/2.0/UDP h:70000");
    bad("SIP/2.0/UDP h,");
    bad("SIP/2.0/UDP h x");
    bad("SIP 2.0/UDP h");
    bad("SIP/2.0/UDP 2001:db8::1");
    bad("SIP/2.0/UDP [2001:db8::1");
  });
});

describe("RFC 4475 Via values", () => {
  it("§3.1.1.1 wsinv: LWS around '/' and before ';', folded values, two via-parms in one field", () => {
    const list = vias("rfc4475/wsinv.dat").flatMap(parseVia);
    expect(list.map((v) => [v.protocol, v.transport, v.host, v.branch])).toEqual([
      ["SIP/2.0", "UDP", "192.0.2.2", "390skdjuw"],
      ["SIP/2.0", "TCP", "spindle.example.com", "z9hG4bK9ikj8"],
      ["SIP/2.0", "UDP", "192.168.255.111", "z9hG4bK30239"],
    ]);
  });

  it("§3.1.1.2 intmeth / §3.1.1.5 esc02: branch tokens with unusual characters", () => {
    expect(vias("rfc4475/intmeth.dat").flatMap(parseVia)[0]!.branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(vias("rfc4475/esc02.dat").flatMap(parseVia)[0]!.branch).toBe("z9hG4bK209%fzsnel234");
  });

  it("§3.1.1.7 longreq: 34 Via fields with a long branch", () => {
    const list = vias("rfc4475/longreq.dat").flatMap(parseVia);
    expect(list).toHaveLength(34);
    expect(list[0]!.host).toBe("sip33.example.com");
    expect(list[33]!.received).toBe("192.0.2.5");
  });

  it("§3.1.1.10 transports: UDP, SCTP, TLS, an unknown transport and TCP", () => {
    expect(vias("rfc4475/transports.dat").flatMap(parseVia).map((v) => v.transport)).toEqual([
      "UDP",
      "SCTP",
      "TLS",
      "UNKNOWN",
      "TCP",
    ]);
  });

  it("§3.1.2.1 badinv01: ';;,;,,' is rejected", () => {
    const [value] = vias("rfc4475/badinv01.dat");
    expect(value).toBe("SIP/2.0/UDP 192.0.2.15;;,;,,");
    const e = bad(value!);
    expect(e.offset).toBe("SIP/2.0/UDP 192.0.2.15;".length);
  });

  it("§3.1.2.16 badvers: another protocol version parses (the message layer rejects it)", () => {
    expect(vias("rfc4475/badvers.dat").flatMap(parseVia)[0]!.protocol).toBe("SIP/7.0");
  });
});

describe("RFC 5118 IPv6 in Via", () => {
  it("§4.1: IPv6 reference as sent-by", () => {
    expect(vias("rfc5118/ipv6-good.sip").flatMap(parseVia)[0]).toMatchObject({ host: "[2001:db8::9:1]", port: undefined });
  });

  it("§4.5: received with and without brackets", () => {
    expect(vias("rfc5118/via-received-param-with-delim.sip").flatMap(parseVia)[0]!.received).toBe("[2001:db8::9:255]");
    const [v] = vias("rfc5118/via-received-param-no-delim.sip").flatMap(parseVia);
    expect(v!.received).toBe("2001:db8::9:255");
    expect(v!.branch).toBe("z9hG4bKas3");
    expect(formatVia(v!)).toBe("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3");
  });

  it("§4.7: a mix of IPv4 and IPv6 with ports", () => {
    const list = vias("rfc5118/mult-ip-in-header.sip").flatMap(parseVia);
    expect(list.map((v) => [v.host, v.port, v.transport, v.received])).toEqual([
      ["[2001:db8::9:1]", 6050, "UDP", undefined],
      ["192.0.2.1", undefined, "UDP", undefined],
      ["[2001:db8::9:255]", undefined, "TCP", "192.0.2.200"],
    ]);
  });

  it("§4.9: IPv4-mapped IPv6 sent-by with a port after ']'", () => {
    const list = vias("rfc5118/ipv4-mapped-ipv6.sip").flatMap(parseVia);
    expect(list.map((v) => [v.host, v.port])).toEqual([
      ["[::ffff:192.0.2.10]", 19823],
      ["[::ffff:192.0.2.2]", undefined],
    ]);
  });
});

describe("formatVia", () => {
  it("writes fields over params and keeps parameter order", () => {
    const [v] = parseVia("SIP/2.0/UDP h:5060;rport;branch=z9hG4bKold;x=1");
    expect(formatVia({ ...v!, rport: 5062, received: "192.0.2.9", branch: "z9hG4bKnew" })).toBe(
      "SIP/2.0/UDP h:5060;rport=5062;branch=z9hG4bKnew;x=1;received=192.0.2.9",
    );
    expect(formatVia({ protocol: "SIP/2.0", transport: "TCP", host: "2001:db8::1", params: {}, rport: true })).toBe(
      "SIP/2.0/TCP [2001:db8::1];rport",
    );
  });
});

// --- properties -------------------------------------------------------------------------------

const CHARS = "SIP/2.0UDTC :;,=[]abh19\t\r\n\"branch=z9hG4bK".split("");
const arbitrary = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 40 }).map((s) => "SIP/2.0/UDP " + s),
);
const token = fc.string({ unit: fc.constantFrom(..."abcXYZ09-.!%*_+`'~".split("")), minLength: 1, maxLength: 10 });
const viaArb: fc.Arbitrary<Via> = fc.record({
  protocol: fc.constantFrom("SIP/2.0", "SIP/3.1"),
  transport: fc.constantFrom("UDP", "TCP", "TLS", "SCTP", "WS", "WSS", "X-FOO"),
  host: fc.constantFrom("example.com", "192.0.2.1", "[2001:db8::1]", "[::ffff:192.0.2.2]"),
  port: fc.option(fc.nat(65535), { nil: undefined }),
  branch: fc.option(token.map((t) => "z9hG4bK" + t), { nil: undefined }),
  received: fc.option(fc.constantFrom("192.0.2.9", "2001:db8::9", "[2001:db8::9]"), { nil: undefined }),
  rport: fc.option(fc.oneof(fc.constant(true as const), fc.integer({ min: 1, max: 65535 })), { nil: undefined }),
  params: fc.dictionary(
    token.map((t) => t.toLowerCase()).filter((t) => !["branch", "received", "rport", "ttl", "maddr"].includes(t)),
    fc.option(fc.string({ unit: "grapheme", maxLength: 8 }).filter((s) => !/[\r\n]/.test(s)), { nil: null }),
    { maxKeys: 3 },
  ),
});

describe("properties", () => {
  it("parseVia on arbitrary strings returns vias or throws SipParseError, nothing else", () => {
    fc.assert(
      fc.property(arbitrary, (s) => {
        try {
          parseVia(s);
        } catch (e) {
          if (!(e instanceof SipParseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("formatVia → parseVia round-trips generated vias", () => {
    fc.assert(
      fc.property(fc.array(viaArb, { minLength: 1, maxLength: 3 }), (list) => {
        const back = parseVia(list.map(formatVia).join(", "));
        expect(back).toHaveLength(list.length);
        back.forEach((v, i) => {
          const w = list[i]!;
          expect([v.protocol, v.transport, v.host, v.port, v.branch, v.received, v.rport]).toEqual([
            w.protocol,
            w.transport,
            w.host,
            w.port,
            w.branch,
            w.received,
            w.rport,
          ]);
          for (const k of Object.keys(w.params)) expect(v.params[k]).toBe(w.params[k]);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("100 KB hostile inputs are handled (linear scanning)", () => {
    const n = 100_000;
    for (const s of [
      "SIP/2.0/UDP h" + ";a=b".repeat(n / 4),
      "SIP/2.0/UDP h" + ", SIP/2.0/UDP h".repeat(n / 15),
      "SIP/2.0/UDP " + "a.".repeat(n / 2),
      "SIP" + " ".repeat(n) + "/",
      "SIP/2.0/UDP h;x=\"" + "\\\"".repeat(n / 2),
      "SIP/2.0/UDP [" + "1:".repeat(n / 2),
      "SIP/2.0/UDP h;received=" + ":".repeat(n),
    ]) {
      try {
        parseVia(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SipParseError);
      }
    }
  });
});
