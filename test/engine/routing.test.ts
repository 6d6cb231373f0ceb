import { describe, expect, it } from "vitest";
import { callAction, createRouter, inPrefix, parseAddress, parsePrefix, parseRoutingConfig, RoutingError, routeCalls, routingConfigSchema } from "../../src/engine/index.ts";
import type { IncomingCall, RoutingConfig } from "../../src/engine/index.ts";
import { parseMessage, parseUri, type SipRequest } from "../../src/sip/index.ts";
import { thrown } from "../thrown.ts";

const config: RoutingConfig = {
  gateways: {
    carrier: { host: "gw.example.net", port: 5080, transport: "tcp", username: "acct", password: "s3cret", realm: "carrier", srtp: "mandatory", anchorMedia: true },
  },
  rules: [
    { name: "blocked", match: { source: ["198.51.100.0/24", "2001:db8:bad::/48"] }, reject: { status: 403, reason: "Blocked" } },
    { name: "echo", match: { user: "echo" }, service: "echo" },
    { name: "intl", match: { user: { regex: "^00(\\d{6,15})$" } }, gateway: "carrier", user: "+$1" },
    { name: "pbx", match: { user: { prefix: "9" }, host: "Example.COM" }, forward: "sip:${user}@pbx.example.com", anchorMedia: false },
    { name: "vip", match: { fromUser: { regex: "^(boss|ceo)$" } }, forward: "sip:$1-line@desk.example.com" },
    { name: "local", match: { host: { regex: "(^|\\.)example\\.com$" } }, location: true },
    { match: {}, reject: 404 },
  ],
};
const router = createRouter(config);
const route = (uri: string, from = "sip:alice@example.com", source = "192.0.2.10") => router.route({ uri: parseUri(uri), from: parseUri(from), source });

describe("routing rules: first match wins", () => {
  it("a service by exact user; the source rule before it wins for a blocked network (IPv4 and IPv6 CIDR)", () => {
    expect(route("sip:echo@example.com")).toEqual({ action: "service", rule: "echo", service: "echo" });
    expect(route("sip:echo@example.com", undefined, "198.51.100.7")).toEqual({ action: "reject", rule: "blocked", status: 403, reason: "Blocked" });
    expect(route("sip:echo@example.com", undefined, "2001:db8:bad:1::5")?.rule).toBe("blocked");
    expect(route("sip:echo@example.com", undefined, "2001:db8:bae::5")?.rule).toBe("echo");
  });

  it("RFC 3261 §22: a regex picks the gateway, its group rewrites the user, the gateway's account comes with it", () => {
    const d = route("sip:004420123456@example.com");
    expect(d).toEqual({
      action: "gateway",
      rule: "intl",
      gateway: "carrier",
      uri: "sip:+4420123456@gw.example.net:5080;transport=tcp",
      credentials: { username: "acct", password: "s3cret", realm: "carrier" },
      anchorMedia: true,
      srtp: "mandatory",
    });
    expect(callAction(d!)).toEqual({
      type: "bridge",
      uri: "sip:+4420123456@gw.example.net:5080;transport=tcp",
      credentials: { username: "acct", password: "s3cret", realm: "carrier" },
      anchorMedia: true,
      calleeMedia: { srtp: { mandatory: true } },
    });
  });

  it("RFC 3261 §19.1.4: a prefix on the user (case kept) and a host compared without case; templates take ${user}", () => {
    expect(route("sip:9123@EXAMPLE.com")).toEqual({ action: "forward", rule: "pbx", uri: "sip:9123@pbx.example.com", anchorMedia: false });
    expect(route("sip:9123@other.org")?.rule).toBe("rule 7");
  });

  it("From matches; $1 is the group of the rule's first regex", () => {
    expect(route("sip:x@other.org", "sip:ceo@corp.example")).toMatchObject({ action: "forward", uri: "sip:ceo-line@desk.example.com" });
  });

  it("location, and the catch-all's rejection", () => {
    expect(route("sip:bob@sub.example.com")).toEqual({ action: "location", rule: "local" });
    expect(route("sip:bob@elsewhere.org")).toEqual({ action: "reject", rule: "rule 7", status: 404, reason: undefined });
    expect(createRouter({ rules: [] }).route({ uri: "sip:a@b" })).toBeUndefined();
  });

  it("URIs given as text route the same as parsed ones (tel: numbers are the user)", () => {
    expect(router.route({ uri: "sip:echo@example.com", source: "192.0.2.1" })?.rule).toBe("echo");
    expect(createRouter({ rules: [{ match: { user: { prefix: "+1" } }, service: "us" }] }).route({ uri: "tel:+15551234" })?.action).toBe("service");
  });

  it("RFC 3261 §10: routeCalls bridges a location decision to the first registered contact, 480 when none", async () => {
    const r = routeCalls(router, { locate: (aor) => (aor === "sip:bob@sub.example.com" ? ["sip:bob@192.0.2.44:5062"] : []) });
    const call = (uri: string): IncomingCall => {
      const request = parseMessage(`INVITE ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <${uri}>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n\r\n`) as SipRequest;
      return { request, source: { host: "192.0.2.10", port: 5060, transport: "UDP" }, session: undefined as never };
    };
    expect(await r(call("sip:bob@sub.example.com"))).toEqual({ type: "bridge", uri: "sip:bob@192.0.2.44:5062" });
    expect(await r(call("sip:carol@sub.example.com"))).toEqual({ type: "reject", status: 480 });
    expect(await r(call("sip:echo@example.com"))).toEqual({ type: "service", service: "echo" });
    // Without a location service the proxy owns location decisions: not found here.
    expect(await routeCalls(router)(call("sip:bob@sub.example.com"))).toBeUndefined();
  });
});

describe("routing configuration: validated with clear messages", () => {
  it("every problem is listed with its path", () => {
    const bad = {
      gateways: { gw: { host: "gw.example.net", username: "u" } },
      rules: [
        { match: { user: { regex: "([" } }, service: "echo" },
        { match: { user: "x" }, service: "echo", reject: 486 },
        { match: { source: "10.0.0.0/33" }, reject: 200 },
        { gateway: "nowhere" },
        { match: { usr: "typo" }, service: "echo" },
        {},
      ],
    };
    const e = thrown(() => parseRoutingConfig(bad)) as RoutingError;
    expect(e).toBeInstanceOf(RoutingError);
    expect(e.code).toBe("BAD_CONFIG");
    const text = e.issues.join("\n");
    expect(text).toMatch(/^gateways\.gw: username and password go together$/m);
    expect(text).toMatch(/^rules\[0\]\.match\.user\.regex: not a regular expression: /m);
    expect(text).toMatch(/^rules\[1\]: a rule has one action, not service and reject$/m);
    expect(text).toMatch(/^rules\[2\]\.match\.source: not an IP address or CIDR prefix/m);
    expect(text).toMatch(/^rules\[2\]\.reject: /m);
    expect(text).toMatch(/^rules\[3\]\.gateway: no gateway "nowhere" is defined \(gateways: gw\)$/m);
    expect(text).toMatch(/^rules\[4\]\.match: .*usr/m);
    expect(text).toMatch(/^rules\[5\]: a rule needs one action: location, forward, gateway, service, reject$/m);
    expect(e.message.startsWith("invalid routing configuration:\n  ")).toBe(true);
  });

  it("the schema is a zod schema another schema embeds", () => {
    expect(routingConfigSchema.safeParse(config).success).toBe(true);
    expect(routingConfigSchema.safeParse({ rules: "none" }).success).toBe(false);
    expect((thrown(() => createRouter({ rules: [{ forward: "http://x" }] })) as RoutingError).issues).toEqual([
      "rules[0].forward: a URI template must start with sip:, sips: or tel: and have no spaces",
    ]);
  });

  it("RFC 4291 §2.2, §2.5.5.2: address prefixes — IPv6 forms, IPv4-mapped sources match IPv4 prefixes", () => {
    expect(inPrefix(parseAddress("::ffff:10.1.2.3")!, parsePrefix("10.0.0.0/8")!)).toBe(true);
    expect(inPrefix(parseAddress("2001:db8::1")!, parsePrefix("2001:db8::/32")!)).toBe(true);
    expect(inPrefix(parseAddress("2001:db9::1")!, parsePrefix("2001:db8::/32")!)).toBe(false);
    expect(inPrefix(parseAddress("10.1.2.3")!, parsePrefix("2001:db8::/32")!)).toBe(false);
    expect(inPrefix(parseAddress("192.0.2.77")!, parsePrefix("192.0.2.64/26")!)).toBe(true);
    expect(inPrefix(parseAddress("192.0.2.128")!, parsePrefix("192.0.2.64/26")!)).toBe(false);
    expect(parseAddress("[::1]")).toEqual(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    for (const bad of ["1.2.3", "256.1.1.1", "1::2::3", "12345::", "::1/129", "a.b.c.d"]) expect(parsePrefix(bad)).toBeUndefined();
  });

  it("bad input: a pattern runs on at most 512 characters of a field", () => {
    const r = createRouter({ rules: [{ match: { user: { regex: "^a+$" } }, service: "s" }] });
    expect(r.route({ uri: `sip:${"a".repeat(100)}@x` })?.action).toBe("service");
    expect(r.route({ uri: `sip:${"a".repeat(600)}@x` })).toBeUndefined();
  });
});
