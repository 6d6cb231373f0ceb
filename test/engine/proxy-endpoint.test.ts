// createProxyEndpoint on the fake runtime record: the proxy core on real driver code between two
// session endpoints, a virtual clock and an in-memory network (UDP on one side, TCP on the other).
import { describe, expect, it } from "vitest";
import { createSessionEndpoint, type DriverRuntime, type StreamConnection } from "../../src/driver/index.ts";
import { createProxyEndpoint, createStaticLocation, type ProxyEvent } from "../../src/engine/index.ts";
import type { SessionEvent } from "../../src/session/index.ts";
import { parseMessage, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import type { Flow, TransportProtocol } from "../../src/transport/index.ts";
import { fakeMediaFactory } from "../session/fake-media.ts";
import { fakeRuntime } from "../driver/fake-runtime.ts";

async function agent(rt: DriverRuntime, host: string, transport: TransportProtocol, on?: (e: SessionEvent<Flow>, now: number) => void) {
  const events: SessionEvent<Flow>[] = [];
  const ep = await createSessionEndpoint({
    runtime: rt,
    listen: [{ transport, host, port: 5060 }],
    media: fakeMediaFactory(host),
    onSessionEvent(e, now) {
      events.push(e);
      on?.(e, now);
    },
  });
  return { ep, events };
}

interface Seen {
  from: string;
  to: string;
  m: SipRequest | SipResponse;
}

/**
 * The runtime as seen by the node at `host`: every datagram and stream write it sends is recorded
 * (the fake network records datagrams only, and names a connecting side by a placeholder address).
 */
function node(rt: DriverRuntime, host: string, seen: Seen[]): DriverRuntime {
  const record = (data: Uint8Array, to: string) => {
    const text = new TextDecoder().decode(data);
    if (/^(SIP\/2\.0 |[A-Z]+ )/.test(text)) seen.push({ from: host, to, m: parseMessage(text) });
  };
  const wrap = (c: StreamConnection): StreamConnection => ({
    ...c,
    local: c.local,
    remote: c.remote,
    write(data) {
      // The fake network names every connecting side 10.0.0.99: "tcp-peer" below.
      record(data, c.remote.host === "10.0.0.99" ? "tcp-peer" : c.remote.host);
      return c.write(data);
    },
    close: () => c.close(),
  });
  return {
    ...rt,
    async udpBind(o, handlers) {
      const s = await rt.udpBind(o, handlers);
      return { ...s, local: s.local, send: (data, h, port) => (record(data, h), s.send(data, h, port)), close: () => s.close() };
    },
    streamListen: (o, onConnection) => rt.streamListen(o, (c) => onConnection(wrap(c))),
    streamConnect: async (o, handlers) => wrap(await rt.streamConnect(o, handlers)),
  };
}

const label = (m: SipRequest | SipResponse) => (m.isRequest ? (m as SipRequest).method : `${(m as SipResponse).status} ${(m as SipResponse).cseq.method}`);

describe("createProxyEndpoint (the proxy core on the driver)", () => {
  it("RFC 3261 §16, RFC 5658: a call from a UDP caller to a TCP callee through the proxy — double Record-Route, ACK and BYE through the proxy, both sessions end", async () => {
    const { rt, advance, settle } = fakeRuntime();
    const seen: Seen[] = [];
    const proxyEvents: ProxyEvent<Flow>[] = [];
    const proxy = await createProxyEndpoint({
      runtime: node(rt, "10.0.0.100", seen),
      listen: [
        { transport: "UDP", host: "10.0.0.100", port: 5060 },
        { transport: "TCP", host: "10.0.0.100", port: 5060 },
      ],
      domains: ["example.com"],
      location: createStaticLocation({ "sip:bob@example.com": "sip:bob@10.0.0.2:5060;transport=tcp" }),
      onProxyEvent: (e) => proxyEvents.push(e),
    });
    const bob = await agent(node(rt, "10.0.0.2", seen), "10.0.0.2", "TCP", (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    });
    const alice = await agent(node(rt, "10.0.0.1", seen), "10.0.0.1", "UDP");
    const call = await alice.ep.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@example.com>", route: ["<sip:10.0.0.100:5060;lr>"] });
    await advance(200);
    expect(call.state).toBe("confirmed");
    const path = (what: string) => seen.filter((x) => label(x.m) === what).map((x) => `${x.from}>${x.to}`);
    expect(path("INVITE")).toEqual(["10.0.0.1>10.0.0.100", "10.0.0.100>10.0.0.2"]);
    expect(path("200 INVITE")).toEqual(["10.0.0.2>tcp-peer", "10.0.0.100>10.0.0.1"]);
    const fwd = seen.find((x) => x.from === "10.0.0.100" && label(x.m) === "INVITE")!;
    expect(fwd.m.recordRoute.map(String)).toEqual(["<sip:10.0.0.100:5060;transport=tcp;lr>", "<sip:10.0.0.100:5060;lr>"]);
    expect(fwd.m.via[0]!.transport).toBe("TCP");
    // The ACK for the 2xx went alice -> proxy -> bob.
    expect(path("ACK")).toEqual(["10.0.0.1>10.0.0.100", "10.0.0.100>10.0.0.2"]);
    expect(proxyEvents.map((e) => e.type)).toEqual(["forwarded"]);

    // bob hangs up: its route set leads through the proxy's TCP side, then to alice over UDP.
    const bobSession = bob.events.find((e) => e.type === "incoming")!;
    if (bobSession.type !== "incoming") throw new Error("no incoming");
    bobSession.session.bye(bob.ep.now());
    await settle();
    await advance(200);
    expect(path("BYE")).toEqual(["10.0.0.2>10.0.0.100", "10.0.0.100>10.0.0.1"]);
    expect(path("200 BYE")).toEqual(["10.0.0.1>10.0.0.100", "10.0.0.100>tcp-peer"]);
    // bob sent its BYE over TCP (its Route's transport), the proxy answered on that connection.
    expect(seen.find((x) => label(x.m) === "BYE" && x.from === "10.0.0.2")!.m.via[0]!.transport).toBe("TCP");
    expect(alice.events.map((e) => e.type)).toEqual(["answered", "terminated"]);
    expect(proxy.core.counters.acks).toBe(1);
    await Promise.all([alice.ep.close(), bob.ep.close(), proxy.close()]);
  });

  it("RFC 3261 §16.8: Timer C runs on the runtime's clock — a callee ringing past it is CANCELled and the caller gets 487", async () => {
    const { rt, advance } = fakeRuntime();
    const proxy = await createProxyEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.100", port: 5060 }],
      domains: ["example.com"],
      timerC: 181_000,
      location: createStaticLocation({ "sip:bob@example.com": "sip:bob@10.0.0.2" }),
    });
    const bob = await agent(rt, "10.0.0.2", "UDP", (e, now) => {
      if (e.type === "incoming") e.session.ring(now);
    });
    const alice = await agent(rt, "10.0.0.1", "UDP");
    const call = await alice.ep.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@example.com>", route: ["<sip:10.0.0.100;lr>"] });
    await advance(180_000);
    expect(call.state).not.toBe("terminated");
    await advance(2_000);
    expect(proxy.core.counters.timerC).toBe(1);
    expect(alice.events.map((e) => e.type)).toContain("terminated");
    const end = alice.events.find((e) => e.type === "terminated")!;
    expect(JSON.stringify(end)).toContain("487");
    expect(bob.events.map((e) => e.type)).toContain("terminated");
    await Promise.all([alice.ep.close(), bob.ep.close(), proxy.close()]);
  });
});
