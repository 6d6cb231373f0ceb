import { describe, expect, it } from "vitest";
import { createRequest, createResponse, parseMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { readFileSync } from "node:fs";
import { addressKey, isMulticast, TransportError, TransportLayer } from "../../src/transport/index.ts";
import { FakeNetwork, errors, received } from "./fake-network.ts";

const enc = new TextEncoder();

function options(extra: [string, string][] = [], body = ""): SipRequest {
  return createRequest({
    method: "OPTIONS",
    uri: "sip:bob@10.0.0.2",
    from: "<sip:alice@example.com>;tag=a1",
    to: "<sip:bob@example.com>",
    callId: "call-1@example.com",
    cseq: 1,
    via: "SIP/2.0/UDP placeholder.invalid;branch=z9hG4bKabc123",
    headers: extra,
    body,
  });
}

function twoHosts(opts: Parameters<FakeNetwork["node"]>[2] = {}) {
  const net = new FakeNetwork();
  const a = net.node(
    "a",
    [
      { transport: "UDP", host: "10.0.0.1", port: 5060 },
      { transport: "TCP", host: "10.0.0.1", port: 5060 },
    ],
    opts,
  );
  const b = net.node(
    "b",
    [
      { transport: "UDP", host: "10.0.0.2", port: 5060 },
      { transport: "TCP", host: "10.0.0.2", port: 5060 },
    ],
    opts,
  );
  return { net, a, b };
}

/** Sends a request from a to b and returns what b received. */
function deliver(net: FakeNetwork, a: ReturnType<typeof twoHosts>["a"], req: SipRequest, transport: "UDP" | "TCP" = "UDP") {
  const flow = a.layer.prepareRequest(req, { transport, host: "10.0.0.2", port: 5060 });
  a.layer.send(req, flow, net.now, "txn-1");
  net.run();
  return flow;
}

describe("transport core: client side (RFC 3261 §18.1)", () => {
  it("RFC 3261 §18.1.1: sent-by and transport of the top Via are filled in; the branch is kept; rport asked (RFC 3581 §3)", () => {
    const { net, a, b } = twoHosts();
    const req = options();
    deliver(net, a, req);
    const v = req.topVia!;
    expect(v.transport).toBe("UDP");
    expect(v.host).toBe("10.0.0.1");
    expect(v.port).toBe(5060);
    expect(v.branch).toBe("z9hG4bKabc123");
    expect(v.rport).toBe(true);
    const got = received(b);
    expect(got).toHaveLength(1);
    expect((got[0]!.message as SipRequest).method).toBe("OPTIONS");
    expect(got[0]!.flow.remote).toEqual({ host: "10.0.0.1", port: 5060 });
  });

  it("RFC 3261 §18.1.1: a request without Via gets one with a magic-cookie branch (§8.1.1.7)", () => {
    const { net, a } = twoHosts();
    const req = createRequest({ method: "OPTIONS", uri: "sip:10.0.0.2", from: "<sip:a@x>;tag=1", to: "<sip:b@x>", callId: "c", cseq: 1 });
    deliver(net, a, req);
    expect(req.topVia!.branch).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
    expect(req.via).toHaveLength(1);
  });

  it("RFC 3261 §18.1.1: a request larger than 1300 bytes goes over TCP and its Via says TCP", () => {
    const { net, a, b } = twoHosts();
    const req = options([], "x".repeat(1400));
    const flow = deliver(net, a, req);
    expect(flow.transport).toBe("TCP");
    expect(flow.reliable).toBe(true);
    expect(req.topVia!.transport).toBe("TCP");
    expect(req.topVia!.rport).toBeUndefined();
    expect(a.layer.counters.udpToTcp).toBe(1);
    const got = received(b);
    expect(got).toHaveLength(1);
    expect(got[0]!.flow.transport).toBe("TCP");
    expect(got[0]!.message.body.length).toBe(1400);
  });

  it("RFC 3261 §18.1.1: a known path MTU moves the limit to MTU - 200; small requests stay on UDP", () => {
    const { net, a } = twoHosts({ pathMtu: 900 });
    expect(deliver(net, a, options([], "x".repeat(600))).transport).toBe("TCP");
    expect(deliver(net, a, options([], "x".repeat(100))).transport).toBe("UDP");
  });

  it("RFC 3261 §18.1.1: without a TCP listening point a large request stays on UDP", () => {
    const net = new FakeNetwork();
    const a = net.node("a", [{ transport: "UDP", host: "10.0.0.1", port: 5060 }]);
    const flow = a.layer.prepareRequest(options([], "x".repeat(2000)), { transport: "UDP", host: "10.0.0.2", port: 5060 });
    expect(flow.transport).toBe("UDP");
  });

  it("RFC 3261 §18.1.2: a response whose top Via sent-by is not ours is discarded", () => {
    const { net, a, b } = twoHosts();
    const req = options();
    deliver(net, a, req);
    const inbound = received(b)[0]!;
    const res = createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "b1" });
    b.layer.send(res, inbound.flow, net.now);
    net.run();
    expect(received(a)).toHaveLength(1);
    // A response naming another sent-by:
    const forged = parseMessage(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKx\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    );
    a.layer.handleDatagram(a.layer.listeningPoints()[0]!.id, new TextEncoder().encode(forged.toString()), { host: "10.0.0.2", port: 5060 }, 0);
    expect(a.layer.pollEvent()).toBeUndefined();
    expect(a.layer.counters.responsesDiscarded).toBe(1);
  });

  it("TCP connections are reused per peer and transport; a failed connect reports TransportError with the tag", () => {
    const { net, a, b } = twoHosts();
    deliver(net, a, options(), "TCP");
    deliver(net, a, options(), "TCP");
    expect(a.layer.counters.connectionsOpened).toBe(1);
    expect(received(b)).toHaveLength(2);
    net.unreachable.add("10.0.0.3 5060");
    const req = options();
    const flow = a.layer.prepareRequest(req, { transport: "TCP", host: "10.0.0.3", port: 5060 });
    a.layer.send(req, flow, net.now, "txn-9");
    net.run();
    const err = errors(a)[0]!;
    expect(err.error).toBeInstanceOf(TransportError);
    expect(err.error.code).toBe("CONNECT_FAILED");
    expect(err.tag).toBe("txn-9");
    expect(err.message).toBe(req);
  });

  it("RFC 7118 §5.2: a WebSocket client without a listening point uses a .invalid sent-by and accepts responses to it", () => {
    const net = new FakeNetwork();
    const c = net.node("c", [{ transport: "UDP", host: "10.0.0.1", port: 5060 }]);
    const s = net.node("s", [{ transport: "WS", host: "10.0.0.2", port: 8080 }]);
    const req = options();
    const flow = c.layer.prepareRequest(req, { transport: "WS", host: "10.0.0.2", port: 8080 });
    expect(req.topVia!.transport).toBe("WS");
    expect(req.topVia!.host).toMatch(/^[0-9a-f]{12}\.invalid$/);
    expect(req.topVia!.port).toBeUndefined();
    c.layer.send(req, flow, 0);
    net.run();
    const inbound = received(s)[0]!;
    expect(inbound.flow.transport).toBe("WS");
    expect((inbound.message as SipRequest).topVia!.received).toBe("10.0.0.1");
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(received(c).map((e) => (e.message as SipResponse).status)).toEqual([200]);
  });

  it("RFC 7118 §5.3: a response cannot open a connection back to a WebSocket client", () => {
    const net = new FakeNetwork();
    const s = net.node("s", [{ transport: "WS", host: "10.0.0.2", port: 8080 }]);
    const req = parseMessage(
      "OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n",
    ) as SipRequest;
    s.layer.send(createResponse(req, 200, "OK", { toTag: "t" }), { transport: "WS", reliable: true, remote: { host: "10.0.0.1", port: 50000 }, connection: 999 }, 0);
    net.run();
    expect(errors(s)[0]!.error.code).toBe("NO_ROUTE");
  });

  it("IPv6: Via sent-by is bracketed (RFC 5118 §4.1) and received carries the bare address", () => {
    const net = new FakeNetwork();
    const a = net.node("a", [{ transport: "UDP", host: "2001:db8::1", port: 5060 }]);
    const b = net.node("b", [{ transport: "UDP", host: "2001:db8::2", port: 5070 }]);
    const req = options();
    const flow = a.layer.prepareRequest(req, { transport: "UDP", host: "[2001:db8::2]", port: 5070 });
    expect(flow.remote.host).toBe("2001:db8::2");
    a.layer.send(req, flow, 0);
    net.run();
    expect(req.header("Via")).toContain("SIP/2.0/UDP [2001:db8::1]:5060");
    const inbound = received(b)[0]!;
    const via = (inbound.message as SipRequest).topVia!;
    expect(via.rport).toBe(5060);
    expect(via.received).toBe("2001:db8::1");
    const res = createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" });
    b.layer.send(res, inbound.flow, 0);
    net.run();
    expect(b.sent.at(-1)!.to).toEqual({ host: "2001:db8::1", port: 5060 });
    expect(received(a)).toHaveLength(1);
  });
});

describe("transport core: server side (RFC 3261 §18.2)", () => {
  function inject(text: string, from = { host: "192.0.2.7", port: 7777 }) {
    const net = new FakeNetwork();
    const s = net.node("s", [
      { transport: "UDP", host: "10.0.0.2", port: 5060 },
      { transport: "TCP", host: "10.0.0.2", port: 5060 },
    ]);
    s.layer.handleDatagram(s.layer.listeningPoints()[0]!.id, enc.encode(text), from, 0);
    net.run();
    return { net, s };
  }
  const req = (via: string) =>
    `OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;

  it("RFC 3261 §18.2.1: received is added when sent-by is a domain name", () => {
    const { s } = inject(req("SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1"));
    const via = (received(s)[0]!.message as SipRequest).topVia!;
    expect(via.received).toBe("192.0.2.7");
    expect(via.rport).toBeUndefined();
  });

  it("RFC 3261 §18.2.1: no received when sent-by equals the packet source", () => {
    const { s } = inject(req("SIP/2.0/UDP 192.0.2.7:7777;branch=z9hG4bK1"));
    const m = received(s)[0]!.message as SipRequest;
    expect(m.topVia!.received).toBeUndefined();
    expect(m.header("Via")).toBe("SIP/2.0/UDP 192.0.2.7:7777;branch=z9hG4bK1");
  });

  it("RFC 3581 §4: an empty rport is filled with the source port and received is added even for the same address", () => {
    const { s } = inject(req("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1;rport"));
    const via = (received(s)[0]!.message as SipRequest).topVia!;
    expect(via.rport).toBe(7777);
    expect(via.received).toBe("192.0.2.7");
  });

  it("RFC 3581 §4 / RFC 3261 §18.2.2: the response goes to received:rport from the listening point the request came on", () => {
    const { net, s } = inject(req("SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK1;rport"));
    const inbound = received(s)[0]!;
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(s.sent[0]!.to).toEqual({ host: "192.0.2.7", port: 7777 });
    expect(s.sent[0]!.from).toEqual({ host: "10.0.0.2", port: 5060 });
    expect(s.sent[0]!.data).toContain("Via: SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK1;rport=7777;received=192.0.2.7");
  });

  it("RFC 3261 §18.2.2: unreliable, received without rport: to received, port of sent-by", () => {
    const { net, s } = inject(req("SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK1"));
    const inbound = received(s)[0]!;
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(s.sent[0]!.to).toEqual({ host: "192.0.2.7", port: 5070 });
  });

  it("RFC 3261 §18.2.2: unreliable, no port in sent-by: port 5060", () => {
    const { net, s } = inject(req("SIP/2.0/UDP client.example.com;branch=z9hG4bK1"));
    const inbound = received(s)[0]!;
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(s.sent[0]!.to).toEqual({ host: "192.0.2.7", port: 5060 });
  });

  it("RFC 3261 §18.2.2: maddr in the Via sends to maddr, port of sent-by", () => {
    const { net, s } = inject(req("SIP/2.0/UDP client.example.com:5080;branch=z9hG4bK1;maddr=239.255.255.1;ttl=1"));
    const inbound = received(s)[0]!;
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(s.sent[0]!.to).toEqual({ host: "239.255.255.1", port: 5080 });
  });

  it("RFC 3261 §18.2.2: a unicast maddr other than the source is not honoured (no reflection); counted", () => {
    const { net, s } = inject(req("SIP/2.0/UDP client.example.com:5080;branch=z9hG4bK1;maddr=198.51.100.99;rport"));
    const inbound = received(s)[0]!;
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(s.sent[0]!.to).toEqual({ host: "192.0.2.7", port: 7777 });
    expect(s.layer.counters.maddrIgnored).toBe(1);
  });

  it("RFC 3261 §18.2.2: a maddr equal to the request's source is honoured", () => {
    const { net, s } = inject(req("SIP/2.0/UDP client.example.com:5080;branch=z9hG4bK1;maddr=192.0.2.7"));
    const inbound = received(s)[0]!;
    s.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, 0);
    net.run();
    expect(s.sent[0]!.to).toEqual({ host: "192.0.2.7", port: 5080 });
    expect(s.layer.counters.maddrIgnored).toBe(0);
  });

  it("RFC 3261 §18.2.2: reliable, connection open: the response uses the same connection", () => {
    const { net, a, b } = twoHosts();
    deliver(net, a, options(), "TCP");
    const inbound = received(b)[0]!;
    expect(inbound.flow.connection).toBeDefined();
    b.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, net.now);
    net.run();
    expect(b.layer.counters.connectionsOpened).toBe(1);
    expect(received(a).map((e) => (e.message as SipResponse).status)).toEqual([200]);
    expect(received(a)[0]!.flow.connection).toBe(received(a)[0]!.flow.connection);
  });

  it("RFC 3261 §18.2.2: reliable, connection gone: a new connection to received and the sent-by port", () => {
    const { net, a, b } = twoHosts();
    deliver(net, a, options(), "TCP");
    const inbound = received(b)[0]!;
    // The client's connection closes before the response is ready.
    a.layer.close(net.now);
    net.run();
    b.layer.send(createResponse(inbound.message as SipRequest, 200, "OK", { toTag: "t" }), inbound.flow, net.now);
    net.run();
    expect(b.layer.counters.connectionsOpened).toBe(2);
    expect(received(a).map((e) => (e.message as SipResponse).status)).toEqual([200]);
  });

  it("RFC 3261 §18.3: a UDP request whose body is shorter than Content-Length is answered 400", () => {
    const text = req("SIP/2.0/UDP 192.0.2.7:7777;branch=z9hG4bK1").replace("Content-Length: 0", "Content-Length: 50") + "short";
    const { s } = inject(text);
    expect(received(s)).toHaveLength(0);
    expect(s.layer.counters.malformed).toBe(1);
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]!.data).toMatch(/^SIP\/2\.0 400 /);
    expect(s.sent[0]!.data).toContain("Via: SIP/2.0/UDP 192.0.2.7:7777;branch=z9hG4bK1");
    expect(s.sent[0]!.data).toContain("Call-ID: c1");
    expect(s.sent[0]!.to).toEqual({ host: "192.0.2.7", port: 7777 });
  });
});

describe("transport core: bad input and limits", () => {
  function server(opts = {}) {
    const net = new FakeNetwork();
    const s = net.node(
      "s",
      [
        { transport: "UDP", host: "10.0.0.2", port: 5060 },
        { transport: "TCP", host: "10.0.0.2", port: 5060 },
      ],
      opts,
    );
    const udp = s.layer.listeningPoints()[0]!.id;
    const tcp = s.layer.listeningPoints()[1]!.id;
    return { net, s, udp, tcp };
  }
  const good = "OPTIONS sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bK7\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

  it("garbage datagrams are counted and dropped; random bytes never throw", () => {
    const { s, udp } = server();
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      const n = (seed = (seed * 1103515245 + 12345) >>> 0) % 700;
      const bytes = Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
      s.layer.handleDatagram(udp, bytes, { host: "192.0.2.1", port: 1 }, 0);
    }
    s.layer.handleDatagram(udp, enc.encode("INVITE sip:x SIP/2.0\r\nno colon here\r\n\r\n"), { host: "192.0.2.1", port: 1 }, 0);
    expect(s.layer.counters.malformed).toBeGreaterThan(250);
    expect(s.layer.counters.malformedAnswered).toBe(0);
    expect(s.layer.pollEvent()).toBeUndefined();
  });

  it("a malformed ACK is never answered; a request without Via is dropped", () => {
    const { s, udp } = server();
    s.layer.handleDatagram(udp, enc.encode("ACK sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\nCSeq: x\r\nContent-Length: 9\r\n\r\n"), { host: "1.2.3.4", port: 5060 }, 0);
    s.layer.handleDatagram(udp, enc.encode("OPTIONS sip:x SIP/2.0\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n"), { host: "1.2.3.4", port: 5060 }, 0);
    expect(s.layer.pollAction()).toBeUndefined();
    expect(s.layer.counters.malformed).toBe(2);
  });

  it("RFC 5626 §4.4.1: a CRLFCRLF ping on a connection is answered with a CRLF pong", () => {
    const { s, tcp } = server();
    const id = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40000 }, 0)!;
    s.layer.handleStreamData(id, enc.encode("\r\n\r\n"), 0);
    const a = s.layer.pollAction();
    expect(a).toEqual({ type: "write", connection: id, data: new Uint8Array([13, 10]) });
    expect(s.layer.counters.pongsSent).toBe(1);
  });

  it("RFC 3261 §18.3: messages split across reads and several in one read are framed by Content-Length", () => {
    const { s, tcp } = server();
    const id = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40000 }, 0)!;
    const bytes = enc.encode(good + good + good);
    s.layer.handleStreamData(id, bytes.subarray(0, 50), 0);
    s.layer.handleStreamData(id, bytes.subarray(50, 400), 0);
    s.layer.handleStreamData(id, bytes.subarray(400), 0);
    const got = [];
    for (let e; (e = s.layer.pollEvent()); ) got.push(e);
    expect(got.map((e) => e.type)).toEqual(["message", "message", "message"]);
  });

  it("RFC 3261 §21.4.28: a request on a stream whose Content-Length runs over the limit gets 513 from its header section, then the connection lingers and closes", () => {
    const { s, tcp } = server({ maxMessageSize: 2000 });
    const id = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.8", port: 40000 }, 0)!;
    const head = "MESSAGE sip:x@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.8:40000;branch=z9hG4bKbig\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: big\r\nCSeq: 1 MESSAGE\r\nContent-Length: 5000\r\n\r\n";
    s.layer.handleStreamData(id, enc.encode(head + "z".repeat(100)), 0);
    const writes = [];
    for (let a; (a = s.layer.pollAction()); ) if (a.type === "write") writes.push(new TextDecoder().decode(a.data));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^SIP\/2\.0 513 Message Too Large\r\n/);
    expect(writes[0]).toMatch(/\r\nCall-ID: big\r\n/);
    expect(s.layer.counters.malformedAnswered).toBe(1);
  });

  it("RFC 3261 §7.5: a request whose lines end in a bare LF is framed on a stream as on UDP", () => {
    const { s, tcp } = server();
    const id = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40000 }, 0)!;
    const lf = good.replaceAll("\r\n", "\n");
    s.layer.handleStreamData(id, enc.encode(lf + good), 0);
    const got = [];
    for (let e; (e = s.layer.pollEvent()); ) got.push(e);
    expect(got.map((e) => e.type)).toEqual(["message", "message"]);
  });

  it("RFC 3261 §18.3: a stream message over the size limit ends that connection after a linger; others keep working", () => {
    const { s, tcp } = server({ maxMessageSize: 2000 });
    const bad = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.8", port: 40000 }, 0)!;
    const ok = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40001 }, 0)!;
    s.layer.handleStreamData(bad, enc.encode("OPTIONS sip:x SIP/2.0\r\nX: " + "a".repeat(3000)), 0);
    // Framing is lost for good: nothing more is read, the close comes at the linger deadline.
    expect(s.layer.hasConnection(bad)).toBe(true);
    s.layer.handleStreamData(bad, enc.encode(good), 1);
    s.layer.handleStreamData(ok, enc.encode(good), 1);
    const evs = [];
    for (let e; (e = s.layer.pollEvent()); ) evs.push(e.type);
    expect(evs).toEqual(["message"]);
    expect(s.layer.pollTimeout()).toBe(2000);
    s.layer.handleTimeout(2000);
    expect(s.layer.hasConnection(bad)).toBe(false);
    expect(s.layer.hasConnection(ok)).toBe(true);
    expect(s.layer.pollAction()).toEqual({ type: "close", connection: bad });
    expect(s.layer.counters.connectionsFailed).toBe(1);
  });

  it("RFC 3261 §18.3: a valid request followed by bad bytes in one read is still answered on its connection", () => {
    const { s, tcp } = server();
    const c = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40001 }, 0)!;
    s.layer.handleStreamData(c, enc.encode(good + "GARBAGE WITHOUT CONTENT-LENGTH\r\n\r\n"), 0);
    const msg = s.layer.pollEvent() as Extract<ReturnType<typeof s.layer.pollEvent>, { type: "message" }>;
    expect(msg.type).toBe("message");
    while (s.layer.pollAction());
    s.layer.send(createResponse(msg.message as SipRequest, 200, "OK", { toTag: "t" }), msg.flow, 10);
    const write = s.layer.pollAction();
    expect(write?.type).toBe("write");
    expect(new TextDecoder().decode((write as { data: Uint8Array }).data)).toMatch(/^SIP\/2\.0 200 OK/);
    s.layer.handleTimeout(2000);
    expect(s.layer.pollAction()).toEqual({ type: "close", connection: c });
  });

  it("slowloris: a connection holding an incomplete message past the limit is closed; a busy one is not", () => {
    const { s, tcp } = server({ partialMessageTimeout: 5000, idleTimeout: 60000 });
    const slow = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.8", port: 40000 }, 0)!;
    const busy = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40001 }, 0)!;
    let t = 0;
    for (const ch of "OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 1") {
      t += 500;
      s.layer.handleStreamData(slow, enc.encode(ch), t); // a byte every 500 ms keeps the connection active
      if (t % 2000 === 0) s.layer.handleStreamData(busy, enc.encode(good), t);
      const due = s.layer.pollTimeout();
      if (due !== undefined && due <= t) s.layer.handleTimeout(t);
      if (!s.layer.hasConnection(slow)) break;
    }
    expect(s.layer.hasConnection(slow)).toBe(false);
    expect(s.layer.hasConnection(busy)).toBe(true);
    expect(t).toBeGreaterThanOrEqual(5000);
    expect(t).toBeLessThan(7000);
  });

  it("idle connections are closed after idleTimeout", () => {
    const { s, tcp } = server({ idleTimeout: 10000 });
    const id = s.layer.handleIncomingConnection(tcp, { host: "10.0.0.9", port: 40000 }, 0)!;
    s.layer.handleStreamData(id, enc.encode(good), 1000);
    s.layer.handleTimeout(10999);
    expect(s.layer.hasConnection(id)).toBe(true);
    expect(s.layer.pollTimeout()).toBe(11000);
    s.layer.handleTimeout(11000);
    expect(s.layer.hasConnection(id)).toBe(false);
    expect(s.layer.counters.idleClosed).toBe(1);
  });

  it("the connection limit refuses further inbound connections", () => {
    const { s, tcp } = server({ maxConnections: 2 });
    expect(s.layer.handleIncomingConnection(tcp, { host: "10.0.0.1", port: 1 }, 0)).toBeDefined();
    expect(s.layer.handleIncomingConnection(tcp, { host: "10.0.0.1", port: 2 }, 0)).toBeDefined();
    expect(s.layer.handleIncomingConnection(tcp, { host: "10.0.0.1", port: 3 }, 0)).toBeUndefined();
    expect(s.layer.counters.connectionsRefused).toBe(1);
  });

  it("the event queue is bounded: messages beyond it are dropped and counted", () => {
    const { s, udp } = server({ maxPendingEvents: 3 });
    for (let i = 0; i < 5; i++) s.layer.handleDatagram(udp, enc.encode(good), { host: "10.0.0.9", port: 5060 }, 0);
    expect(s.layer.counters.messagesIn).toBe(3);
    expect(s.layer.counters.queueDropped).toBe(2);
  });
});

describe("transport core: keep-alive (RFC 5626 §4.4.1)", () => {
  it("an idle client connection sends CRLFCRLF pings; the server's CRLF pong keeps it open", () => {
    const { net, a, b } = twoHosts({ keepAliveInterval: 30000, idleTimeout: 600000 });
    deliver(net, a, options(), "TCP");
    net.advance(30000);
    expect(a.layer.counters.pingsSent).toBe(1);
    expect(b.layer.counters.pongsSent).toBe(1);
    // After the pong, the next ping is armed one interval later (a stale earlier deadline may
    // come first: handleTimeout then finds nothing to do and re-arms).
    net.advance(10000);
    expect(a.layer.pollTimeout()).toBe(60000);
    net.advance(5000);
    expect(a.layer.connectionCount).toBe(1);
    net.advance(15000);
    expect(a.layer.counters.pingsSent).toBe(2);
  });

  it("no pong within 10 seconds fails the flow with KEEPALIVE_TIMEOUT", () => {
    const layer = new TransportLayer({ keepAliveInterval: 1000 });
    layer.addListeningPoint("TCP", { host: "10.0.0.1", port: 5060 });
    const req = options();
    const flow = layer.prepareRequest(req, { transport: "TCP", host: "10.0.0.2", port: 5060 });
    layer.send(req, flow, 0);
    const connect = layer.pollAction()!;
    expect(connect.type).toBe("connect");
    const id = (connect as { connection: number }).connection;
    layer.handleConnected(id, 0);
    layer.pollAction();
    layer.handleTimeout(1000);
    expect(layer.pollAction()).toEqual({ type: "write", connection: id, data: new Uint8Array([13, 10, 13, 10]) });
    layer.handleTimeout(10999);
    expect(layer.hasConnection(id)).toBe(true);
    layer.handleTimeout(11000);
    expect(layer.hasConnection(id)).toBe(false);
    expect(layer.pollAction()).toEqual({ type: "close", connection: id });
  });
});

describe("transport core: answers to requests that do not parse, limits and deadlines", () => {
  function server(opts: Parameters<FakeNetwork["node"]>[2] = {}) {
    const net = new FakeNetwork();
    const s = net.node(
      "s",
      [
        { transport: "UDP", host: "10.0.0.2", port: 5060 },
        { transport: "TCP", host: "10.0.0.2", port: 5060 },
        { transport: "WS", host: "10.0.0.2", port: 8080 },
      ],
      opts,
    );
    const [udp, tcp, ws] = s.layer.listeningPoints().map((lp) => lp.id) as [number, number, number];
    return { net, s, udp, tcp, ws };
  }
  const from = { host: "192.0.2.7", port: 7777 };

  it("RFC 4475 §3.1.2.16 badvers: SIP/7.0 gets 505, sent where the bytes came from", () => {
    const { net, s, udp } = server();
    const badvers = new Uint8Array(readFileSync(new URL("../vectors/rfc4475/badvers.dat", import.meta.url)));
    s.layer.handleDatagram(udp, badvers, from, 0);
    net.run();
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]!.to).toEqual(from);
    expect(s.sent[0]!.data).toMatch(/^SIP\/2\.0 505 Version Not Supported\r\n/);
    expect(s.sent[0]!.data).toMatch(/\r\nTo: +T\. Watson <sip:t\.watson@example\.org>;tag=[0-9a-f]+\r\n/);
  });

  it("RFC 3261 §21.4.28: a datagram over maxMessageSize gets 513; other parse failures 400 with the reason in a Warning", () => {
    const { net, s, udp } = server({ maxMessageSize: 1024 });
    const big = `OPTIONS sip:x@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:7777;branch=z9hG4bKbig\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: big\r\nCSeq: 1 OPTIONS\r\nX: ${"y".repeat(2000)}\r\n\r\n`;
    s.layer.handleDatagram(udp, enc.encode(big), from, 0);
    const short = "OPTIONS sip:x@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:7777;branch=z9hG4bKcl\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: cl\r\nCSeq: 1 OPTIONS\r\nContent-Length: 99\r\n\r\nabc";
    s.layer.handleDatagram(udp, enc.encode(short), from, 0);
    net.run();
    expect(s.sent.map((d) => d.data.split("\r\n")[0])).toEqual(["SIP/2.0 513 Message Too Large", "SIP/2.0 400 Bad Request"]);
    expect(s.sent[1]!.data).toMatch(/\r\nWarning: 399 siphon "[^"]+"\r\n/);
  });

  it("per-address limit: one address holds at most its share; another address still connects; IPv6 counts by /64", () => {
    const { s, tcp } = server({ maxConnectionsPerAddress: 2, maxConnections: 10 });
    const ids = [1, 2, 3].map((i) => s.layer.handleIncomingConnection(tcp, { host: "192.0.2.7", port: 40000 + i }, 0));
    expect(ids.map((id) => id !== undefined)).toEqual([true, true, false]);
    expect(s.layer.handleIncomingConnection(tcp, { host: "192.0.2.8", port: 40000 }, 0)).toBeDefined();
    const v6 = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"].map((h) => s.layer.handleIncomingConnection(tcp, { host: h, port: 5 }, 0));
    expect(v6.map((id) => id !== undefined)).toEqual([true, true, true]);
    expect(s.layer.handleIncomingConnection(tcp, { host: "[2001:db8:1:2::77]", port: 6 }, 0)).toBeUndefined();
    expect(s.layer.connectionsFrom("2001:db8:1:2::1")).toBe(2);
    expect(s.layer.counters.connectionsRefusedAddress).toBe(2);
    // A closed connection gives its slot back.
    s.layer.handleConnectionClosed(ids[0]!, 1);
    expect(s.layer.handleIncomingConnection(tcp, { host: "192.0.2.7", port: 40009 }, 1)).toBeDefined();
  });

  it("addressKey and isMulticast: IPv4 as is, IPv6 by /64 (mapped IPv4 as IPv4), multicast groups of both families", () => {
    expect(addressKey("192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("2001:DB8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect([isMulticast("224.0.0.1"), isMulticast("239.255.255.250"), isMulticast("240.0.0.1"), isMulticast("ff02::1"), isMulticast("2001:db8::1")]).toEqual([
      true, true, false, true, false,
    ]);
  });

  it("an accepted connection that delivers no complete SIP message by firstMessageTimeout is closed; one that does is not", () => {
    const { s, tcp, ws } = server({ firstMessageTimeout: 3000, idleTimeout: 60_000 });
    const silent = s.layer.handleIncomingConnection(tcp, { host: "192.0.2.7", port: 1 }, 0)!;
    const trickle = s.layer.handleIncomingConnection(tcp, { host: "192.0.2.7", port: 2 }, 0)!;
    const upgradeOnly = s.layer.handleIncomingConnection(ws, { host: "192.0.2.7", port: 3 }, 0)!;
    const speaks = s.layer.handleIncomingConnection(tcp, { host: "192.0.2.7", port: 4 }, 0)!;
    s.layer.handleStreamData(trickle, enc.encode("OPTIONS sip:x SIP/2.0\r\n"), 1000);
    s.layer.handleStreamData(upgradeOnly, enc.encode("GET / HTTP/1.1\r\nUpgrade: websocket\r\n"), 1000);
    s.layer.handleStreamData(
      speaks,
      enc.encode("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.7;branch=z9hG4bKs\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"),
      1000,
    );
    expect(s.layer.pollTimeout()).toBe(3000);
    s.layer.handleTimeout(2999);
    expect(s.layer.connectionCount).toBe(4);
    s.layer.handleTimeout(3000);
    expect([silent, trickle, upgradeOnly, speaks].map((id) => s.layer.hasConnection(id))).toEqual([false, false, false, true]);
    expect(s.layer.counters.firstMessageTimeouts).toBe(3);
  });

  it("RFC 7118 §5: a WebSocket message carrying two SIP messages delivers the first; the rest is discarded as on UDP (§18.3)", () => {
    const { s, ws } = server();
    const c = s.layer.handleIncomingConnection(ws, { host: "192.0.2.7", port: 9 }, 0)!;
    s.layer.handleStreamData(
      c,
      enc.encode(
        "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
      ),
      0,
    );
    const one = (n: number) =>
      `OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK${n}\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: w${n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const payload = enc.encode(one(1) + one(2));
    const frame = new Uint8Array(8 + payload.length);
    frame.set([0x81, 0xfe, payload.length >> 8, payload.length & 0xff, 0, 0, 0, 0]);
    frame.set(payload, 8);
    s.layer.handleStreamData(c, frame, 1);
    const msgs = [];
    for (let e; (e = s.layer.pollEvent()); ) if (e.type === "message") msgs.push(e.message.callId);
    expect(msgs).toEqual(["w1"]);
  });
});
