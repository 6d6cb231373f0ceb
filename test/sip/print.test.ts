// Only parse.ts, not the package index: setting `req.uri` must not depend on another module having
// been imported first (the formatter is message code's own import).
import { describe, expect, it } from "vitest";
import { parseMessage } from "../../src/sip/parse.ts";
import type { SipRequest } from "../../src/sip/request.ts";
import { parseUri } from "../../src/sip/uri.ts";

const INVITE =
  "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
  "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
  "Max-Forwards: 70\r\n" +
  "To: Bob <sip:bob@biloxi.example.com>\r\n" +
  'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
  "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
  "CSeq: 314159 INVITE\r\n" +
  "Contact: <sip:alice@pc33.atlanta.example.com;transport=tcp>;expires=60;q=0.5\r\n" +
  "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n" +
  "Refer-To: <tel:+1-201-555-0123;ext=12>\r\n" +
  "Content-Type: Application/SDP ; charset=utf-8\r\n" +
  "Content-Length: 4\r\n" +
  "\r\n" +
  "v=0\n";

describe("parsed values print as SIP (RFC 3261 text form) and give plain objects to JSON", () => {
  const m = parseMessage(INVITE) as SipRequest;

  it("RFC 3261 §19.1: URIs print as their text; String() and template literals agree", () => {
    expect(String(m.from.uri)).toBe("sip:alice@atlanta.example.com");
    expect(`${m.uri}`).toBe("sip:bob@biloxi.example.com");
    expect(String(m.contact[0]!.uri)).toBe("sip:alice@pc33.atlanta.example.com;transport=tcp");
    expect(String(parseUri("SIP:Carol@Chicago.Example.COM:5070;maddr=239.255.255.1;ttl=15?Subject=hi"))).toBe(
      "sip:Carol@chicago.example.com:5070;maddr=239.255.255.1;ttl=15?Subject=hi",
    );
    // RFC 3261 §19.1.2: characters the user part cannot carry are re-escaped.
    expect(String(parseUri("sip:a%20b@h"))).toBe("sip:a%20b@h");
  });

  it("RFC 3966 §3: tel URIs print as their text; other schemes as scheme:opaque", () => {
    expect(String(m.referTo!.uri)).toBe("tel:+1-201-555-0123;ext=12");
    expect(String(parseUri("urn:service:sos"))).toBe("urn:service:sos");
  });

  it("RFC 3261 §20.10, §20.20: addresses print in the name-addr form with their parameters", () => {
    expect(String(m.from)).toBe('"Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774');
    expect(String(m.to)).toBe('"Bob" <sip:bob@biloxi.example.com>');
    expect(m.route.map(String)).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    expect(String(m.contact[0])).toBe("<sip:alice@pc33.atlanta.example.com;transport=tcp>;expires=60;q=0.5");
    expect(String(parseMessage("REGISTER sip:r SIP/2.0\r\nContact: *\r\n\r\n").contact[0])).toBe("*");
  });

  it("RFC 3261 §20.42: a Via value prints as its via-parm", () => {
    expect(String(m.topVia)).toBe("SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport");
  });

  it("RFC 3261 §20.15: a media type prints as type/subtype with its parameters", () => {
    expect(`${m.contentType}`).toBe("application/sdp;charset=utf-8");
  });

  it("toJSON gives plain objects (nested URIs too) that JSON.stringify writes field by field", () => {
    const from = m.from as unknown as { toJSON(): Record<string, unknown> };
    const j = from.toJSON();
    expect(Object.getPrototypeOf(j)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(j.uri)).toBe(Object.prototype);
    expect(j).toMatchObject({ displayName: "Alice Liddell", tag: "1928301774", uri: { scheme: "sip", user: "alice", host: "atlanta.example.com" } });
    expect(JSON.parse(JSON.stringify(m.topVia))).toEqual({
      protocol: "SIP/2.0", transport: "UDP", host: "pc33.atlanta.example.com", port: 5060, branch: "z9hG4bK776asdhds",
      rport: true, params: { branch: "z9hG4bK776asdhds", rport: null },
    });
    expect(JSON.parse(JSON.stringify(m.contentType))).toEqual({ type: "application/sdp", params: { charset: "utf-8" } });
    expect(JSON.parse(JSON.stringify(parseUri("tel:+1-201-555-0123")))).toEqual({
      scheme: "tel", number: "+1-201-555-0123", global: true, params: {},
    });
  });

  it("RFC 3261 §8.1.1.1: the Request-URI can be set to a parsed URI and the start line is its text", () => {
    const req = parseMessage(INVITE) as SipRequest;
    req.uri = parseUri("sips:bob@biloxi.example.com;transport=tcp");
    expect(req.startLine()).toBe("INVITE sips:bob@biloxi.example.com;transport=tcp SIP/2.0");
    // A changed field value prints changed: the values are ordinary objects to edit.
    const via = req.topVia!;
    via.received = "192.0.2.9";
    expect(String(via)).toBe("SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport;received=192.0.2.9");
  });
});
