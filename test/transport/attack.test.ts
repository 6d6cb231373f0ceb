// A server under attack on real sockets, on every runtime: limits, deadlines and the answers RFC 3261
// gives to malformed requests. The server is an endpoint answering OPTIONS 200 like the example server.
import { afterAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import type { Runtime, StreamConnection } from "../../runtimes/types.ts";
import { createSipEndpoint } from "../../src/driver/index.ts";
import type { SipEndpoint, SipEndpointOptions } from "../../src/driver/index.ts";
import { createResponse } from "../../src/sip/index.ts";
import { testPki } from "../runtimes/certs.ts";
import { until } from "../runtimes/helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const runtime: Promise<Runtime> = loadRuntime();
const open: { close(): unknown }[] = [];
afterAll(async () => {
  for (const o of open.reverse()) await o.close();
});

async function server(transports: ("UDP" | "TCP" | "TLS" | "WS")[], extra: Partial<SipEndpointOptions> = {}) {
  const rt = await runtime;
  const pki = await testPki();
  const ep: SipEndpoint = await createSipEndpoint({
    runtime: rt,
    listen: transports.map((transport) => ({ transport, host: "127.0.0.1", port: 0, ...(transport === "TLS" ? { tls: pki } : {}) })),
    transactions: { emitTerminated: false },
    transactionUser: {
      receiveRequest: (request, transaction) => ep.respond(transaction, createResponse(request, 200, "OK", { toTag: "srv" })),
    },
    ...extra,
  });
  open.push(ep);
  const port = (t: string) => ep.listeningPoints.find((lp) => lp.transport === t)!.local.port;
  return { rt, ep, port };
}

/** A raw stream client that records what it receives and whether it was closed. */
async function rawStream(rt: Runtime, port: number) {
  const state = { text: "", bytes: [] as Uint8Array[], closed: false };
  const conn: StreamConnection = await rt.streamConnect(
    { host: "127.0.0.1", port },
    {
      onData: (c) => {
        state.text += dec.decode(c);
        state.bytes.push(c.slice());
      },
      onClose: () => (state.closed = true),
    },
  );
  open.push(conn);
  return { conn, state };
}

/** A raw UDP client: sends text, collects the answers' status lines and heads. */
async function rawUdp(rt: Runtime, port: number) {
  const got: string[] = [];
  const s = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: (d) => got.push(dec.decode(d)) });
  open.push(s);
  return { got, send: (text: string) => s.send(enc.encode(text), "127.0.0.1", port), local: s.local.port };
}

let n = 0;
function options(lines: { method?: string; version?: string; uri?: string; to?: string[]; extra?: string[]; via?: string } = {}): string {
  n++;
  const to = lines.to ?? [`To: <sip:svc@127.0.0.1>`];
  return [
    `${lines.method ?? "OPTIONS"} ${lines.uri ?? "sip:svc@127.0.0.1"} SIP/${lines.version ?? "2.0"}`,
    lines.via ?? `Via: SIP/${lines.version ?? "2.0"}/UDP 127.0.0.1;branch=z9hG4bK-atk-${n};rport`,
    "Max-Forwards: 70",
    `From: <sip:atk@127.0.0.1>;tag=a${n}`,
    ...to,
    `Call-ID: atk-${n}@127.0.0.1`,
    `CSeq: 1 ${lines.method ?? "OPTIONS"}`,
    ...(lines.extra ?? []),
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

const status = (text: string) => Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);

describe("a server under attack, on real sockets", () => {
  it("RFC 3261 §8.2, §21: each malformed request gets its RFC answer over UDP, and nothing garbage is echoed", async () => {
    const { rt, port } = await server(["UDP"], { maxMessageSize: 4096 });
    const udp = await rawUdp(rt, port("UDP"));
    const cases: [string, number, (r: string) => void][] = [
      // §8.2.2.3: 420 with Unsupported listing the tags not understood.
      [options({ extra: ["Require: foo, bar"] }), 420, (r) => expect(r).toMatch(/\r\nUnsupported: foo, bar\r\n/)],
      // §21.5.6 / RFC 4475 §3.1.2.16: another SIP version.
      [options({ version: "7.0" }), 505, () => {}],
      // §8.2.2.1: a Request-URI scheme not served.
      [options({ uri: "nobodyKnowsThisScheme:totallyopaquecontent" }), 416, () => {}],
      // §7.3.1, §20.39: To is single-valued.
      [options({ to: ["To: <sip:a@127.0.0.1>", "To: <sip:b@127.0.0.1>"] }), 400, (r) => expect(r).not.toMatch(/\r\nTo:/)],
      // §8.1.1: To is mandatory; the 400 cannot carry one.
      [options({ to: [] }), 400, (r) => expect(r).not.toMatch(/\r\nTo:/)],
      // A To that does not parse is not echoed.
      [options({ to: ["To: <<<garbage>>>"] }), 400, (r) => expect(r).not.toMatch(/garbage/)],
      // §21.4.28: over the server's size limit (4 KiB here).
      [options({ extra: [`X-Padding: ${"p".repeat(5000)}`] }), 513, () => {}],
      // A good one still gets its 200.
      [options(), 200, (r) => expect(r).toMatch(/\r\nTo: <sip:svc@127\.0\.0\.1>;tag=srv\r\n/)],
    ];
    for (const [text, expected, check] of cases) {
      const before = udp.got.length;
      udp.send(text);
      await until(() => udp.got.length > before);
      const reply = udp.got[before]!;
      expect(status(reply)).toBe(expected);
      check(reply);
    }
  });

  it("RFC 3261 §18.3: a valid request followed by bad bytes in one TCP read is answered before the connection closes", async () => {
    const { rt, port } = await server(["TCP"]);
    const { conn, state } = await rawStream(rt, port("TCP"));
    conn.write(enc.encode(options({ via: `Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK-tcp-1` }) + "NOT SIP AT ALL\r\n\r\n"));
    await until(() => state.closed);
    expect(status(state.text)).toBe(200);
  });

  it("RFC 7118 §4.1, RFC 6455 §4.2: WebSocket handshakes: 101 for an offer of foo,sip; 426 for a plain GET /; 400 without sip", async () => {
    const { rt, port } = await server(["WS"]);
    const handshake = async (head: string) => {
      const { conn, state } = await rawStream(rt, port("WS"));
      conn.write(enc.encode(head));
      await until(() => state.text.includes("\r\n\r\n"));
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(state.text)?.[1]), state };
    };
    const key = "dGhlIHNhbXBsZSBub25jZQ==";
    const upgrade = (protocols: string) =>
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${protocols}\r\n`;
    const ok = await handshake(upgrade("Sec-WebSocket-Protocol: foo,sip\r\n"));
    expect(ok.status).toBe(101);
    // RFC 6455 §1.3's own example key and accept value.
    expect(ok.state.text).toMatch(/\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    expect(ok.state.text).toMatch(/\r\nSec-WebSocket-Protocol: sip\r\n/);
    const plain = await handshake("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(plain.status).toBe(426);
    await until(() => plain.state.closed);
    const noSip = await handshake(upgrade("Sec-WebSocket-Protocol: foo\r\n"));
    expect(noSip.status).toBe(400);
    await until(() => noSip.state.closed);
  });

  it("RFC 6455 §10.4: a 20 MB WebSocket frame is refused at its header (close 1009) without the server buffering it", async () => {
    const { rt, ep, port } = await server(["WS"]);
    const { conn, state } = await rawStream(rt, port("WS"));
    conn.write(
      enc.encode(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
      ),
    );
    await until(() => state.text.includes("\r\n\r\n"));
    const rss0 = process.memoryUsage().rss;
    // FIN + binary, masked, 64-bit length 20 MiB, mask 0.
    const size = 20 * 1024 * 1024;
    const header = new Uint8Array([0x82, 0xff, 0, 0, 0, 0, size >>> 24, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff, 0, 0, 0, 0]);
    conn.write(header);
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    // A peer keeps sending until it reads the server's Close frame (RFC 6455 §5.5.1), then closes.
    const sawClose = () => state.bytes.some((b) => b.includes(0x88));
    while (!state.closed && !sawClose() && sent < size) {
      conn.write(chunk);
      sent += chunk.length;
      await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => sawClose() || state.closed);
    conn.close();
    expect(sent).toBeLessThan(size);
    // The close frame: opcode 8, status 1009 (message too big).
    const all = new Uint8Array(state.bytes.reduce((a, b) => a + b.length, 0));
    let o = 0;
    for (const b of state.bytes) {
      all.set(b, o);
      o += b.length;
    }
    const frame = all.subarray(all.length - 4);
    expect([...frame]).toEqual([0x88, 0x02, 1009 >> 8, 1009 & 0xff]);
    expect(ep.transport.counters.connectionsFailed).toBe(1);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(16 * 1024 * 1024);
  });

  it("stalled TLS handshakes, silent TCP connections and WebSocket upgrades that never come are closed at the first-message deadline", async () => {
    const { rt, ep, port } = await server(["TCP", "TLS", "WS"], { firstMessageTimeout: 300 });
    const t0 = rt.now();
    const clients = await Promise.all([rawStream(rt, port("TLS")), rawStream(rt, port("TCP")), rawStream(rt, port("WS"))]);
    await until(() => clients.every((c) => c.state.closed));
    expect(rt.now() - t0).toBeGreaterThanOrEqual(300);
    expect(ep.transport.counters.firstMessageTimeouts).toBe(3);
    expect(ep.transport.connectionCount).toBe(0);
  });

  it("one address holding its share of connections does not stop another address from connecting", async () => {
    const { ep, port } = await server(["TCP"], { maxConnectionsPerAddress: 4, maxConnections: 16 });
    const net = await import("node:net");
    const connect = (localAddress: string) =>
      new Promise<{ closed: () => boolean; socket: import("node:net").Socket }>((resolve) => {
        let closed = false;
        const socket = net.connect({ host: "127.0.0.1", port: port("TCP"), localAddress }, () => resolve({ closed: () => closed, socket }));
        socket.on("close", () => (closed = true));
        socket.on("error", () => (closed = true));
        open.push({ close: () => socket.destroy() });
      });
    const hogs = [];
    for (let i = 0; i < 5; i++) hogs.push(await connect("127.0.0.2"));
    await until(() => ep.transport.counters.connectionsRefused === 1);
    await until(() => hogs[4]!.closed());
    expect(hogs.slice(0, 4).every((h) => !h.closed())).toBe(true);
    expect(ep.transport.connectionsFrom("127.0.0.2")).toBe(4);
    // Another address still gets in and is answered.
    const other = await connect("127.0.0.3");
    let text = "";
    other.socket.on("data", (d) => (text += d.toString()));
    other.socket.write(options({ via: "Via: SIP/2.0/TCP 127.0.0.3;branch=z9hG4bK-other" }));
    await until(() => text.includes("\r\n\r\n"));
    expect(status(text)).toBe(200);
    expect(ep.transport.counters.connectionsRefusedAddress).toBe(1);
  });
});

describe("the core's WebSocket against independent implementations", () => {
  /** The runtime's own WebSocket client (Deno, Bun), or the `ws` package's on Node 20. */
  async function clientClass(): Promise<typeof WebSocket> {
    const g = globalThis as { WebSocket?: typeof WebSocket };
    if (g.WebSocket !== undefined) return g.WebSocket;
    return (await import("ws")).WebSocket as unknown as typeof WebSocket;
  }

  it("RFC 7118 §5, RFC 6455: a third-party client gets its OPTIONS answered, and a message over 64 KiB closed with 1009", async () => {
    const { port } = await server(["WS"]);
    const WS = await clientClass();
    const ws = new WS(`ws://127.0.0.1:${port("WS")}/`, "sip");
    const got: string[] = [];
    let closeCode = 0;
    ws.onmessage = (e: MessageEvent) => got.push(String(e.data));
    const closed = new Promise<void>((r) => (ws.onclose = (e: CloseEvent) => ((closeCode = e.code), r())));
    await new Promise<void>((r, j) => ((ws.onopen = () => r()), (ws.onerror = () => j(new Error("handshake failed")))));
    expect(ws.protocol).toBe("sip");
    ws.send(options({ via: "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-ws3p" }));
    await until(() => got.length > 0);
    expect(status(got[0]!)).toBe(200);
    ws.send("x".repeat(70_000));
    await closed;
    expect(closeCode).toBe(1009);
  });
});
