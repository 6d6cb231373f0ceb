/**
 * RFC 5118 "SIP Torture Test Messages for IPv6", §4: every message (test/vectors/rfc5118/, CRLF
 * wire form; see its README), with the verdict its section asks for. Only §4.2 is invalid (400);
 * §4.3's port inside the brackets is well-formed but names a different host; §4.5 and §4.10 ask
 * receivers to accept both forms (Robustness Principle).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parseMessage, parseUri, SipParseError, SipRequest, SipResponse, uriEquals } from "../../src/sip/index.ts";
import type { SipMessage, Uri } from "../../src/sip/index.ts";
import { validateMessage } from "../../src/sip/validate.ts";

const DIR = new URL("../vectors/rfc5118/", import.meta.url);

function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${name}.sip`, DIR)));
}

function request(name: string): SipRequest {
  const m = parseMessage(load(name));
  expect(m).toBeInstanceOf(SipRequest);
  expect(validateMessage(m)).toBeUndefined();
  return m as SipRequest;
}

function host(uri: Uri): { host: string; port?: number } {
  const u = uri as { host: string; port?: number };
  return u.port === undefined ? { host: u.host } : { host: u.host, port: u.port };
}

function contactUri(m: SipMessage): Uri {
  const c = m.contact[0]!;
  if (c.wildcard) throw new Error("wildcard");
  return c.uri;
}

const TOTAL = 12;
const passed = new Set<string>();

afterAll(() => {
  console.log(`RFC 5118: ${passed.size}/${TOTAL} IPv6 torture messages`);
});

describe("RFC 5118 §4 IPv6 torture messages", () => {
  it("§4.1 ipv6-good: IPv6 references in Request-URI, Via and Contact", () => {
    const m = request("ipv6-good");
    expect(m.method).toBe("REGISTER");
    expect(host(m.uri)).toEqual({ host: "[2001:db8::10]" });
    expect(m.topVia).toMatchObject({ host: "[2001:db8::9:1]", branch: "z9hG4bKas3-111" });
    expect(m.topVia?.port).toBeUndefined();
    expect(host(contactUri(m))).toEqual({ host: "[2001:db8::1]" });
    expect(m.cseq).toEqual({ seq: 98176, method: "REGISTER" });
    passed.add("ipv6-good");
  });

  it("§4.2 ipv6-bad: an IPv6 address without brackets in the Request-URI gives 400", () => {
    let m: SipMessage | undefined;
    try {
      m = parseMessage(load("ipv6-bad"));
    } catch (e) {
      // rejecting at the start line is as good as rejecting at validation
      expect(e).toBeInstanceOf(SipParseError);
      expect(["BAD_REQUEST_URI", "BAD_URI"]).toContain((e as SipParseError).code);
    }
    if (m) {
      const v = validateMessage(m);
      expect(v?.code).toBe("BAD_REQUEST_URI");
      expect(v?.status).toBe(400);
      expect(v?.check).toBe("request-uri");
    }
    expect(() => parseUri("sip:2001:db8::10")).toThrow(SipParseError);
    passed.add("ipv6-bad");
  });

  it("§4.3 port-ambiguous: a port inside the brackets is part of the address", () => {
    // "From a parsing perspective, the request below is well-formed."
    const m = request("port-ambiguous");
    expect(host(m.uri)).toEqual({ host: "[2001:db8::10:5070]" });
    expect(uriEquals(m.uri, parseUri("sip:[2001:db8::10]:5070"))).toBe(false);
    passed.add("port-ambiguous");
  });

  it("§4.4 port-unambiguous: [2001:db8::10]:5070", () => {
    const m = request("port-unambiguous");
    expect(host(m.uri)).toEqual({ host: "[2001:db8::10]", port: 5070 });
    passed.add("port-unambiguous");
  });

  it("§4.5 via-received-param-with-delim: received=[2001:db8::9:255] is accepted", () => {
    const m = request("via-received-param-with-delim");
    expect(m.method).toBe("BYE");
    expect(m.topVia).toMatchObject({ host: "[2001:db8::9:1]", branch: "z9hG4bKas3-111" });
    expect(m.topVia?.received).toBe("[2001:db8::9:255]");
    expect(m.to.tag).toBe("bd76ya");
    passed.add("via-received-param-with-delim");
  });

  it("§4.5 via-received-param-no-delim: received=2001:db8::9:255 is accepted", () => {
    const m = request("via-received-param-no-delim");
    expect(m.topVia).toMatchObject({ host: "[2001:db8::9:1]", branch: "z9hG4bKas3" });
    expect(m.topVia?.received).toBe("2001:db8::9:255");
    expect(host(contactUri(m))).toEqual({ host: "[2001:db8::9:1]" });
    passed.add("via-received-param-no-delim");
  });

  it("§4.6 ipv6-in-sdp: IPv6 addresses (unbracketed) in the SDP body", () => {
    const m = request("ipv6-in-sdp");
    expect(host(m.uri)).toEqual({ host: "[2001:db8::10]" });
    expect(host(m.to.uri)).toEqual({ host: "[2001:db8::10]" });
    expect(m.contentLength).toBe(m.body.length);
    expect(m.bodyText).toContain("c=IN IP6 2001:db8::20\r\n");
    expect(m.bodyText).toContain("o=assistant 971731711378798081 0 IN IP6 2001:db8::20\r\n");
    passed.add("ipv6-in-sdp");
  });

  it("§4.7 mult-ip-in-header: IPv4 and IPv6 Via values mixed", () => {
    const m = request("mult-ip-in-header");
    expect(m.via.map((v) => [v.transport, v.host, v.port, v.branch])).toEqual([
      ["UDP", "[2001:db8::9:1]", 6050, "z9hG4bKas3-111"],
      ["UDP", "192.0.2.1", undefined, "z9hG4bKjhja8781hjuaij65144"],
      ["TCP", "[2001:db8::9:255]", undefined, "z9hG4bK451jj"],
    ]);
    expect(m.via[2]!.received).toBe("192.0.2.200");
    expect(m.to.tag).toBe("9817--94");
    passed.add("mult-ip-in-header");
  });

  it("§4.8 mult-ip-in-sdp: IPv4 and IPv6 c= lines in one SDP", () => {
    const m = request("mult-ip-in-sdp");
    expect(m.contentLength).toBe(m.body.length);
    expect(m.bodyText).toContain("c=IN IP4 192.0.2.1\r\n");
    expect(m.bodyText).toContain("c=IN IP6 2001:db8::1\r\n");
    expect(host(contactUri(m))).toEqual({ host: "[2001:db8::9:1]" });
    passed.add("mult-ip-in-sdp");
  });

  it("§4.9 ipv4-mapped-ipv6: [::ffff:192.0.2.10] in Via and Contact", () => {
    const m = request("ipv4-mapped-ipv6");
    expect(m.via.map((v) => [v.host, v.port])).toEqual([
      ["[::ffff:192.0.2.10]", 19823],
      ["[::ffff:192.0.2.2]", undefined],
    ]);
    expect(host(contactUri(m))).toEqual({ host: "[::ffff:192.0.2.2]" });
    const c = m.contact[0]!;
    if (!c.wildcard) expect(c.displayName).toBe("T. desk phone");
    expect(m.bodyText).toContain("c=IN IP6 ::ffff:192.0.2.2\r\n");
    passed.add("ipv4-mapped-ipv6");
  });

  it("§4.10 ipv6-bug-abnf-3-colons: the three-colon form is tolerated", () => {
    // "an implementation must tolerate both of the above constructs"
    // Keeping the reference as written or rewriting it in the two-colon form are both tolerance.
    const m = request("ipv6-bug-abnf-3-colons");
    const forms = [{ host: "[2001:db8:::192.0.2.1]" }, { host: "[2001:db8::192.0.2.1]" }];
    expect(forms).toContainEqual(host(m.uri));
    expect(forms).toContainEqual(host(m.to.uri));
    passed.add("ipv6-bug-abnf-3-colons");
  });

  it("§4.10 ipv6-correct-abnf-2-colons: the RFC 4291 form", () => {
    const m = request("ipv6-correct-abnf-2-colons");
    expect(host(m.uri)).toEqual({ host: "[2001:db8::192.0.2.1]" });
    expect(host(m.to.uri)).toEqual({ host: "[2001:db8::192.0.2.1]" });
    expect(m.cseq).toEqual({ seq: 689, method: "OPTIONS" });
    passed.add("ipv6-correct-abnf-2-colons");
  });

  it("fixtures are wire messages: CRLF only, Content-Length equals the body", () => {
    for (const name of [
      "ipv6-good", "port-ambiguous", "port-unambiguous", "via-received-param-with-delim",
      "via-received-param-no-delim", "ipv6-in-sdp", "mult-ip-in-header", "mult-ip-in-sdp", "ipv4-mapped-ipv6",
      "ipv6-bug-abnf-3-colons", "ipv6-correct-abnf-2-colons",
    ]) {
      const bytes = load(name);
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === 10) expect(bytes[i - 1], `${name} byte ${i}`).toBe(13);
      }
      const m = parseMessage(bytes);
      expect(m.contentLength).toBe(m.body.length);
      expect(m instanceof SipRequest || m instanceof SipResponse).toBe(true);
    }
  });
});
