import { afterAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import type { Runtime } from "../../runtimes/types.ts";
import { createSipEndpoint } from "../../src/driver/index.ts";
import type { SipEndpoint, SipEndpointOptions } from "../../src/driver/index.ts";
import { createRequest, createResponse } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import type { TransportProtocol } from "../../src/transport/index.ts";
import { testPki } from "../runtimes/certs.ts";
import { hasIpv6Loopback, until } from "../runtimes/helpers.ts";

const runtime: Promise<Runtime> = loadRuntime();

const hasIpv6 = await hasIpv6Loopback(runtime);

const open: SipEndpoint[] = [];
afterAll(async () => {
  for (const ep of open) await ep.close();
});

let calls = 0;
function options(target: string, body = ""): SipRequest {
  calls++;
  return createRequest({
    method: "OPTIONS",
    uri: `sip:bob@${target}`,
    from: "<sip:alice@example.com>;tag=a" + calls,
    to: "<sip:bob@example.com>",
    callId: `loop-${calls}@example.com`,
    cseq: 1,
    via: `SIP/2.0/UDP x.invalid;branch=z9hG4bKloop${calls}`,
    body,
  });
}

async function freePort(rt: Runtime, host: string): Promise<number> {
  // A TCP listener's close completes synchronously enough everywhere; Deno's UDP close does not.
  const l = await rt.streamListen({ host, port: 0 }, () => ({ onData: () => {}, onClose: () => {} }));
  const port = l.local.port;
  await l.close();
  return port;
}

/** A UAS answering every request 200 through its transaction layer, and a UAC. */
async function pair(transport: TransportProtocol, host = "127.0.0.1", serverOptions: Partial<SipEndpointOptions> = {}) {
  const rt = await runtime;
  const pki = await testPki();
  const tls = transport === "TLS" || transport === "WSS" ? { tls: { cert: pki.cert, key: pki.key } } : {};
  // With UDP, TCP listens on the same port number, as a SIP server does (5060 for both). The port
  // found free may be taken by another process before both bind: then another one.
  const bind = async (): Promise<SipEndpoint> => {
    const same = transport === "UDP" ? await freePort(rt, host) : 0;
    return createSipEndpoint({
      ...serverOptions,
      runtime: rt,
      listen: [{ transport, host, port: same, ...tls }, ...(transport === "UDP" ? [{ transport: "TCP" as const, host, port: same }] : [])],
      transactions: true,
      transactionUser: {
        receiveRequest(request, transaction) {
          server!.respond(transaction, createResponse(request, 200, "OK", { toTag: "srv", headers: [["X-Body-Length", String(request.body.length)]] }));
        },
      },
    });
  };
  let server: SipEndpoint | undefined;
  for (let tries = 1; server === undefined; tries++) {
    try {
      server = await bind();
    } catch (e) {
      if (tries === 5 || !/EADDRINUSE/.test(String((e as Error).message))) throw e;
    }
  }
  const responses: SipResponse[] = [];
  const waiters: (() => void)[] = [];
  const client = await createSipEndpoint({
    runtime: rt,
    listen: transport === "WS" || transport === "WSS" ? [{ transport: "UDP", host, port: 0 }] : [{ transport, host, port: 0, ...tls }, ...(transport === "UDP" ? [{ transport: "TCP" as const, host, port: 0 }] : [])],
    tlsClient: { ca: [pki.ca] },
    transactions: true,
    transactionUser: {
      receiveResponse(response) {
        responses.push(response);
        waiters.shift()?.();
      },
    },
  });
  open.push(server, client);
  const port = server.listeningPoints[0]!.local.port;
  const ask = async (req: SipRequest) => {
    const got = new Promise<void>((r) => waiters.push(r));
    const secure = transport === "TLS" || transport === "WSS";
    client.request(req, { transport, host, port, ...(secure ? { hostname: "localhost" } : {}) });
    await got;
    return responses.at(-1)!;
  };
  return { rt, server, client, ask, port };
}

describe("transport over real loopback sockets", () => {
  for (const transport of ["UDP", "TCP", "TLS", "WS", "WSS"] as const) {
    it(`RFC 3261 §18: OPTIONS and its 200 travel over ${transport} between two endpoints (transaction layer on both)`, async () => {
      const { ask, server, client } = await pair(transport);
      const res = await ask(options("127.0.0.1"));
      expect(res.status).toBe(200);
      expect(res.topVia!.transport).toBe(transport);
      const res2 = await ask(options("127.0.0.1"));
      expect(res2.status).toBe(200);
      if (transport !== "UDP") {
        // Connection reuse: one connection for both transactions.
        expect(client.transport.counters.connectionsOpened).toBe(1);
        expect(server.transport.counters.connectionsOpened).toBe(1);
      }
    });
  }

  it("RFC 3261 §18.1.1: a request over 1300 bytes to a UDP target moves to TCP on real sockets", async () => {
    const { ask, client } = await pair("UDP");
    const res = await ask(options("127.0.0.1", "v".repeat(3000)));
    expect(res.status).toBe(200);
    expect(res.topVia!.transport).toBe("TCP");
    expect(res.header("X-Body-Length")).toBe("3000");
    expect(client.transport.counters.udpToTcp).toBe(1);
  });

  it("RFC 3581 §4: the UAS sees received and rport filled from the real source address", async () => {
    const rt = await runtime;
    let via: SipRequest["topVia"];
    const done: { resolve?: () => void } = {};
    const got = new Promise<void>((r) => (done.resolve = r));
    const server = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "127.0.0.1" }],
      transportUser: {
        receiveMessage(m) {
          via = m.topVia;
          done.resolve!();
        },
      },
    });
    const client = await createSipEndpoint({ runtime: rt, listen: [{ transport: "UDP", host: "127.0.0.1" }], });
    open.push(server, client);
    const req = options("127.0.0.1");
    client.send(req, client.prepareRequest(req, { transport: "UDP", host: "127.0.0.1", port: server.listeningPoints[0]!.local.port }));
    await got;
    expect(via!.rport).toBe(client.listeningPoints[0]!.local.port);
    expect(via!.received).toBe("127.0.0.1");
  });

  it.skipIf(!hasIpv6)("UDP over IPv6 loopback with bracketed Via", async () => {
    const p = await pair("UDP", "::1");
    const res = await p.ask(options("[::1]"));
    expect(res.status).toBe(200);
    expect(res.header("Via")).toContain("[::1]:");
  });

  it("garbage datagrams and half-open / slowloris TCP connections do not disturb other traffic", async () => {
    const { rt, ask, server, port } = await pair("TCP");
    // UDP garbage at a UDP listener of the same server process.
    const udpServer = await createSipEndpoint({ runtime: rt, listen: [{ transport: "UDP" }], });
    open.push(udpServer);
    const junk = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: () => {} });
    for (let i = 0; i < 50; i++) junk.send(rt.randomBytes(200 + i), "127.0.0.1", udpServer.listeningPoints[0]!.local.port);
    // A TCP client that sends half a message and goes silent, and one that sends an oversized one.
    const idle = await rt.streamConnect({ host: "127.0.0.1", port }, { onData: () => {}, onClose: () => {} });
    idle.write(new TextEncoder().encode("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.4"));
    const closed = new Promise<void>((r) => {
      void rt
        .streamConnect({ host: "127.0.0.1", port }, { onData: () => {}, onClose: () => r() })
        .then((c) => c.write(new TextEncoder().encode("OPTIONS sip:x SIP/2.0\r\nX: " + "a".repeat(70000))));
    });
    await closed; // the oversized stream is closed by the server
    const res = await ask(options("127.0.0.1"));
    expect(res.status).toBe(200);
    await until(() => udpServer.transport.counters.malformed === 50);
    expect(server.transport.counters.connectionsFailed).toBe(1);
    junk.close();
    idle.close();
  });

  it("slowloris on real sockets: a connection holding half a message is closed after partialMessageTimeout", async () => {
    const { rt, ask, server, port } = await pair("TCP", "127.0.0.1", { partialMessageTimeout: 300 });
    const t0 = rt.now();
    const closedAt = new Promise<number>((r) => {
      void rt
        .streamConnect({ host: "127.0.0.1", port }, { onData: () => {}, onClose: () => r(rt.now()) })
        .then((c) => c.write(new TextEncoder().encode("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.4")));
    });
    expect((await ask(options("127.0.0.1"))).status).toBe(200);
    const at = await closedAt;
    expect(at - t0).toBeGreaterThanOrEqual(250);
    expect(server.transport.counters.connectionsFailed).toBe(1);
  });

  it("RFC 5626 §4.4.1 on real sockets: the driver's timer sends a CRLFCRLF ping on an idle client connection and the server pongs", async () => {
    const rt = await runtime;
    const server = await createSipEndpoint({ runtime: rt, listen: [{ transport: "TCP" }], });
    const client = await createSipEndpoint({ runtime: rt, listen: [{ transport: "TCP" }], keepAliveInterval: 150, });
    open.push(server, client);
    const req = options("127.0.0.1");
    client.send(req, client.prepareRequest(req, { transport: "TCP", host: "127.0.0.1", port: server.listeningPoints[0]!.local.port }));
    await until(() => server.transport.counters.pongsSent >= 2);
    expect(client.transport.counters.pingsSent).toBeGreaterThanOrEqual(2);
    expect(server.transport.counters.pongsSent).toBeGreaterThanOrEqual(2);
    expect(client.transport.connectionCount).toBe(1);
  });
});
