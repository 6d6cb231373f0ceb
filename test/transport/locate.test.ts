import { describe, expect, it } from "vitest";
import type { AddressRecord, DnsResolver, NaptrRecord, SrvRecord } from "../../runtimes/types.ts";
import { parseUri } from "../../src/sip/index.ts";
import type { SipUri } from "../../src/sip/index.ts";
import { TransportError, locateServer, orderSrv, shouldTryNextTarget } from "../../src/transport/index.ts";

/** A resolver answering from tables, recording every query. */
function fakeResolver(zone: {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, AddressRecord[]>;
}) {
  const queries: string[] = [];
  const resolver: DnsResolver = {
    async lookup(host) {
      queries.push(`A ${host}`);
      return zone.a?.[host] ?? [];
    },
    async resolveSrv(name) {
      queries.push(`SRV ${name}`);
      return zone.srv?.[name] ?? [];
    },
    async resolveNaptr(name) {
      queries.push(`NAPTR ${name}`);
      return zone.naptr?.[name] ?? [];
    },
  };
  return { resolver, queries };
}

const uri = (s: string) => parseUri(s) as SipUri;
const naptr = (order: number, preference: number, service: string, replacement: string): NaptrRecord => ({
  order,
  preference,
  flags: "s",
  service,
  regexp: "",
  replacement,
});
const v4 = (address: string): AddressRecord => ({ address, family: 4 });

describe("RFC 3263 server location", () => {
  it("RFC 3263 §4.1/§4.2: a numeric host needs no DNS: UDP for sip, TLS (over TCP) for sips, default ports", async () => {
    const { resolver, queries } = fakeResolver({});
    expect((await locateServer(uri("sip:bob@192.0.2.4"), resolver)).targets).toEqual([
      { transport: "UDP", host: "192.0.2.4", port: 5060, hostname: "192.0.2.4" },
    ]);
    expect((await locateServer(uri("sips:bob@[2001:db8::4]:5071"), resolver)).targets).toEqual([
      { transport: "TLS", host: "2001:db8::4", port: 5071, hostname: "2001:db8::4" },
    ]);
    expect(queries).toEqual([]);
  });

  it("RFC 3263 §4.1: the transport parameter wins; an explicit port means an A/AAAA lookup, no SRV", async () => {
    const { resolver, queries } = fakeResolver({ a: { "example.com": [v4("192.0.2.1"), { address: "2001:db8::1", family: 6 }] } });
    const list = await locateServer(uri("sip:example.com:5080;transport=tcp"), resolver);
    expect(list.targets.map((t) => `${t.transport} ${t.host} ${t.port}`)).toEqual(["TCP 192.0.2.1 5080", "TCP 2001:db8::1 5080"]);
    expect(queries).toEqual(["A example.com"]);
  });

  it("RFC 3263 §4.1: NAPTR records are taken in order/preference, unsupported services skipped, each SRV resolved", async () => {
    const { resolver } = fakeResolver({
      naptr: {
        "example.com": [
          naptr(50, 50, "SIP+D2U", "_sip._udp.example.com"),
          naptr(90, 50, "SIP+D2T", "_sip._tcp.example.com"),
          naptr(50, 10, "SIPS+D2T", "_sips._tcp.example.com"),
          naptr(10, 10, "SIP+D2S", "_sip._sctp.example.com"), // SCTP: not supported here
        ],
      },
      srv: {
        "_sips._tcp.example.com": [{ priority: 0, weight: 0, port: 5061, target: "tls.example.com" }],
        "_sip._udp.example.com": [{ priority: 0, weight: 0, port: 5060, target: "udp.example.com" }],
        "_sip._tcp.example.com": [{ priority: 0, weight: 0, port: 5060, target: "tcp.example.com" }],
      },
      a: { "tls.example.com": [v4("192.0.2.3")], "udp.example.com": [v4("192.0.2.1")], "tcp.example.com": [v4("192.0.2.2")] },
    });
    const list = await locateServer(uri("sip:example.com"), resolver);
    expect(list.targets.map((t) => `${t.transport} ${t.host}:${t.port} ${t.hostname}`)).toEqual([
      "TLS 192.0.2.3:5061 tls.example.com",
      "UDP 192.0.2.1:5060 udp.example.com",
      "TCP 192.0.2.2:5060 tcp.example.com",
    ]);
  });

  it("RFC 3263 §4.1: a SIPS URI discards every non-SIPS NAPTR service", async () => {
    const { resolver } = fakeResolver({
      naptr: { "example.com": [naptr(10, 10, "SIP+D2U", "_sip._udp.example.com"), naptr(20, 10, "SIPS+D2T", "_sips._tcp.example.com")] },
      srv: {
        "_sip._udp.example.com": [{ priority: 0, weight: 0, port: 5060, target: "u.example.com" }],
        "_sips._tcp.example.com": [{ priority: 0, weight: 0, port: 5061, target: "t.example.com" }],
      },
      a: { "u.example.com": [v4("192.0.2.1")], "t.example.com": [v4("192.0.2.2")] },
    });
    const list = await locateServer(uri("sips:example.com"), resolver);
    expect(list.targets.map((t) => t.transport)).toEqual(["TLS"]);
  });

  it("RFC 3263 §4.1: without NAPTR, SRV is queried for each supported transport in the client's order", async () => {
    const { resolver, queries } = fakeResolver({
      srv: { "_sip._tcp.example.com": [{ priority: 0, weight: 0, port: 5070, target: "sip.example.com" }] },
      a: { "sip.example.com": [v4("192.0.2.9")] },
    });
    const list = await locateServer(uri("sip:example.com"), resolver);
    expect(list.targets).toEqual([{ transport: "TCP", host: "192.0.2.9", port: 5070, hostname: "sip.example.com" }]);
    expect(queries.filter((q) => !q.startsWith("A "))).toEqual(["NAPTR example.com", "SRV _sip._udp.example.com", "SRV _sip._tcp.example.com", "SRV _sips._tcp.example.com"]);
  });

  it("RFC 3263 §4.2: no NAPTR and no SRV: A/AAAA of the host, UDP, port 5060", async () => {
    const { resolver } = fakeResolver({ a: { "example.com": [v4("192.0.2.5")] } });
    expect((await locateServer(uri("sip:example.com"), resolver)).targets).toEqual([
      { transport: "UDP", host: "192.0.2.5", port: 5060, hostname: "example.com" },
    ]);
  });

  it("RFC 3263 §4.3 / RFC 2782: SRV targets by ascending priority, weighted within a priority; next() fails over", async () => {
    const { resolver } = fakeResolver({
      srv: {
        "_sip._udp.example.com": [
          { priority: 20, weight: 0, port: 5060, target: "backup.example.com" },
          { priority: 10, weight: 60, port: 5060, target: "big.example.com" },
          { priority: 10, weight: 20, port: 5060, target: "small.example.com" },
        ],
      },
      a: {
        "backup.example.com": [v4("192.0.2.30")],
        "big.example.com": [v4("192.0.2.10"), v4("192.0.2.11")],
        "small.example.com": [v4("192.0.2.20")],
      },
    });
    // random() = 0.9 picks the running sum >= 72 of 80: the second record in weight order.
    const list = await locateServer(uri("sip:example.com;transport=udp"), resolver, { random: () => 0.9 });
    expect(list.targets.map((t) => t.host)).toEqual(["192.0.2.20", "192.0.2.10", "192.0.2.11", "192.0.2.30"]);
    expect(list.current!.host).toBe("192.0.2.20");
    expect(list.next()!.host).toBe("192.0.2.10");
    expect(list.next()!.host).toBe("192.0.2.11");
    expect(list.next()!.host).toBe("192.0.2.30");
    expect(list.remaining).toBe(1);
    expect(list.next()).toBeUndefined();
    expect(list.next()).toBeUndefined();
  });

  it("RFC 2782: over many draws, selection frequency follows weight", () => {
    const records: SrvRecord[] = [
      { priority: 1, weight: 75, port: 1, target: "a" },
      { priority: 1, weight: 25, port: 1, target: "b" },
      { priority: 0, weight: 0, port: 1, target: "first" },
    ];
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let a = 0;
    for (let i = 0; i < 4000; i++) {
      const o = orderSrv(records, rnd);
      expect(o[0]!.target).toBe("first");
      if (o[1]!.target === "a") a++;
    }
    expect(a / 4000).toBeGreaterThan(0.7);
    expect(a / 4000).toBeLessThan(0.8);
  });

  it("RFC 3263: nothing found rejects with TransportError RESOLVE_FAILED; a '.' SRV target is skipped", async () => {
    const { resolver } = fakeResolver({ srv: { "_sip._udp.nowhere.example": [{ priority: 0, weight: 0, port: 5060, target: "." }] } });
    await expect(locateServer(uri("sip:nowhere.example"), resolver)).rejects.toBeInstanceOf(TransportError);
  });

  it("RFC 3263 §4: maddr in the URI is the target", async () => {
    const { resolver } = fakeResolver({});
    const list = await locateServer(uri("sip:bob@example.com;maddr=192.0.2.77"), resolver);
    expect(list.targets[0]).toMatchObject({ host: "192.0.2.77", port: 5060, transport: "UDP" });
  });

  it("RFC 3263 §4.3: timeout, transport error and 503 move to the next target; other responses do not", () => {
    expect(shouldTryNextTarget({ type: "timeout" })).toBe(true);
    expect(shouldTryNextTarget({ type: "transport-error" })).toBe(true);
    expect(shouldTryNextTarget({ type: "response", response: { status: 503 } })).toBe(true);
    expect(shouldTryNextTarget({ type: "response", response: { status: 500 } })).toBe(false);
    expect(shouldTryNextTarget({ type: "response", response: { status: 200 } })).toBe(false);
  });
});
