import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { detectRuntime, loadRuntime } from "../../runtimes/index.ts";
import type { DatagramSocket, Runtime, StreamConnection } from "../../runtimes/types.ts";
import { createSipEndpoint } from "../../src/driver/index.ts";
import { testPki } from "./certs.ts";
import { hasIpv6Loopback, until } from "./helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const runtime: Promise<Runtime> = loadRuntime();

const hasIpv6 = await hasIpv6Loopback(runtime);

describe("runtime adapter", () => {
  it("detectRuntime names the running runtime and loadRuntime returns its record", async () => {
    const name = detectRuntime();
    const g = globalThis as { Bun?: unknown; Deno?: unknown };
    expect(name).toBe(g.Bun ? "bun" : g.Deno ? "deno" : "node");
    expect((await runtime).name).toBe(name);
  });

  it("has a monotonic clock, timers that fire in deadline order, cancellation and random bytes", async () => {
    const rt = await runtime;
    const order: string[] = [];
    const times: number[] = [rt.now()];
    const done = deferred<void>();
    rt.setTimer(20, () => {
      order.push("20");
      times.push(rt.now());
      done.resolve();
    });
    rt.setTimer(5, () => {
      order.push("5");
      times.push(rt.now());
    });
    const cancelled = rt.setTimer(1, () => order.push("cancelled"));
    rt.clearTimer(cancelled);
    await done.promise;
    expect(order).toEqual(["5", "20"]);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    const a = rt.randomBytes(32);
    expect(a.length).toBe(32);
    expect(a).not.toEqual(rt.randomBytes(32));
  });

  it("UDP: two sockets on 127.0.0.1 port 0 exchange datagrams", async () => {
    const rt = await runtime;
    const got = deferred<[string, number]>();
    const a = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: (d, from) => got.resolve([dec.decode(d), from.port]) });
    const b = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: () => {} });
    cleanups.push(() => a.close(), () => b.close());
    expect(a.local.port).toBeGreaterThan(0);
    b.send(enc.encode("hello"), "127.0.0.1", a.local.port);
    expect(await got.promise).toEqual(["hello", b.local.port]);
  });

  // The node:dgram adapter (Node, Deno); Bun's native UDP socket sends to IP literals only.
  it.skipIf(detectRuntime() === "bun")("UDP: a send to a host name is looked up as before (IP literals skip the lookup)", async () => {
    const rt = await runtime;
    const got: string[] = [];
    const a = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: (d) => got.push(dec.decode(d)) });
    const b = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: () => {} });
    cleanups.push(() => a.close(), () => b.close());
    b.send(enc.encode("literal"), "127.0.0.1", a.local.port);
    b.send(enc.encode("name"), "localhost", a.local.port);
    await until(() => got.length === 2, 2000).catch(() => undefined);
    expect(got.sort()).toEqual(["literal", "name"]);
  });

  // Asking for a receive buffer may pick another socket (Bun's node:dgram rather than Bun.udpSocket).
  for (const receiveBuffer of [undefined, 1024 * 1024]) {
    it(`UDP: datagrams sent right before close() still go out (a BYE sent as the user agent closes)${receiveBuffer ? ", receive buffer asked" : ""}`, async () => {
      const rt = await runtime;
      const got: string[] = [];
      const a = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: (d) => got.push(dec.decode(d)) });
      cleanups.push(() => a.close());
      const b = await rt.udpBind({ host: "127.0.0.1", port: 0, receiveBuffer }, { onMessage: () => {} });
      b.send(enc.encode("one"), "127.0.0.1", a.local.port);
      b.send(enc.encode("two"), "127.0.0.1", a.local.port);
      b.close();
      await until(() => got.length === 2, 2000).catch(() => undefined);
      // UDP keeps no order (Deno's node:dgram may swap two datagrams sent in one turn).
      expect(got.sort()).toEqual(["one", "two"]);
    });
  }

  // Linux reports twice the size asked for (its bookkeeping), and caps the request at net.core.rmem_max.
  const linuxGrant = (asked: number) => 2 * Math.min(asked, Number(readFileSync("/proc/sys/net/core/rmem_max", "utf8")));
  const onLinux = process.platform === "linux";

  // Deno's node:dgram never passes the size to the kernel (runtimes/deno/udp.ts): nothing to read back.
  it.skipIf(!onLinux || detectRuntime() === "deno")("UDP: a bind that asks for a receive buffer gets it from the kernel", async () => {
    const rt = await runtime;
    const a = await rt.udpBind({ host: "127.0.0.1", port: 0, receiveBuffer: 1024 * 1024 }, { onMessage: () => {} });
    cleanups.push(() => a.close());
    expect(a.receiveBuffer).toBe(linuxGrant(1024 * 1024));
  });

  it("UDP: an endpoint's signalling socket asks for a 4 MiB receive buffer and, on Linux, gets it (Deno: cannot tell, gets the default)", async () => {
    const rt = await runtime;
    const asked: (number | undefined)[] = [];
    const sockets: DatagramSocket[] = [];
    const ep = await createSipEndpoint({
      runtime: {
        ...rt,
        async udpBind(o, h) {
          asked.push(o.receiveBuffer);
          const s = await rt.udpBind(o, h);
          sockets.push(s);
          return s;
        },
      },
      listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    });
    cleanups.push(() => ep.close());
    expect(asked).toEqual([4 * 1024 * 1024]);
    const granted = sockets[0]!.receiveBuffer;
    if (detectRuntime() === "deno") expect(granted).toBeUndefined();
    else if (onLinux) expect(granted).toBe(linuxGrant(4 * 1024 * 1024));
  });

  it.skipIf(!hasIpv6)("UDP over IPv6 loopback", async () => {
    const rt = await runtime;
    const got = deferred<string>();
    const a = await rt.udpBind({ host: "::1", port: 0 }, { onMessage: (d, from) => got.resolve(`${dec.decode(d)} ${from.host}`) });
    const b = await rt.udpBind({ host: "::1", port: 0 }, { onMessage: () => {} });
    cleanups.push(() => a.close(), () => b.close());
    b.send(enc.encode("v6"), "::1", a.local.port);
    expect(await got.promise).toBe("v6 ::1");
  });

  for (const secure of [false, true]) {
    it(`${secure ? "TLS" : "TCP"}: client and listener exchange bytes both ways; close reaches the other side`, async () => {
      const rt = await runtime;
      const pki = await testPki();
      const serverGot = deferred<string>();
      const serverClosed = deferred<void>();
      let serverSide: StreamConnection | undefined;
      const listener = await rt.streamListen(
        { host: "127.0.0.1", port: 0, ...(secure ? { tls: { cert: pki.cert, key: pki.key } } : {}) },
        (conn) => {
          serverSide = conn;
          return { onData: (c) => serverGot.resolve(dec.decode(c)), onClose: () => serverClosed.resolve() };
        },
      );
      cleanups.push(() => listener.close());
      const clientGot = deferred<string>();
      const client = await rt.streamConnect(
        { host: "127.0.0.1", port: listener.local.port, ...(secure ? { tls: { ca: [pki.ca], serverName: "localhost" } } : {}) },
        { onData: (c) => clientGot.resolve(dec.decode(c)), onClose: () => {} },
      );
      expect(client.remote.port).toBe(listener.local.port);
      client.write(enc.encode("ping"));
      expect(await serverGot.promise).toBe("ping");
      serverSide!.write(enc.encode("pong"));
      expect(await clientGot.promise).toBe("pong");
      expect(serverSide!.remote.port).toBe(client.local.port);
      client.close();
      await serverClosed.promise;
    });
  }

  it("TLS: a client that does not trust the server's CA is refused", async () => {
    const rt = await runtime;
    const pki = await testPki();
    const listener = await rt.streamListen({ host: "127.0.0.1", port: 0, tls: { cert: pki.cert, key: pki.key } }, () => ({
      onData: () => {},
      onClose: () => {},
    }));
    cleanups.push(() => listener.close());
    await expect(
      rt.streamConnect({ host: "127.0.0.1", port: listener.local.port, tls: { serverName: "localhost" } }, { onData: () => {}, onClose: () => {} }),
    ).rejects.toBeTruthy();
  });

  it("TCP: connecting to a closed port rejects", async () => {
    const rt = await runtime;
    const listener = await rt.streamListen({ host: "127.0.0.1", port: 0 }, () => ({ onData: () => {}, onClose: () => {} }));
    const port = listener.local.port;
    await listener.close();
    await expect(rt.streamConnect({ host: "127.0.0.1", port }, { onData: () => {}, onClose: () => {} })).rejects.toBeTruthy();
  });

  it("listening on a port already in use rejects (TCP, TLS, UDP) instead of throwing an uncaught error", async () => {
    const rt = await runtime;
    const pki = await testPki();
    const tcp = await rt.streamListen({ host: "127.0.0.1", port: 0 }, () => ({ onData: () => {}, onClose: () => {} }));
    cleanups.push(() => tcp.close());
    const busy = tcp.local.port;
    await expect(rt.streamListen({ host: "127.0.0.1", port: busy }, () => ({ onData: () => {}, onClose: () => {} }))).rejects.toBeTruthy();
    await expect(
      rt.streamListen({ host: "127.0.0.1", port: busy, tls: { cert: pki.cert, key: pki.key } }, () => ({ onData: () => {}, onClose: () => {} })),
    ).rejects.toBeTruthy();
    const udp = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: () => {} });
    cleanups.push(() => udp.close());
    await expect(rt.udpBind({ host: "127.0.0.1", port: udp.local.port }, { onMessage: () => {} })).rejects.toBeTruthy();
  });

  it("UDP: a bind that fails leaves no descriptor open (a media port pool walks ranges of busy ports)", async () => {
    const rt = await runtime;
    const udp = await rt.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: () => {} });
    cleanups.push(() => udp.close());
    const open = () => readdirSync("/proc/self/fd").length;
    const before = open();
    for (let i = 0; i < 50; i++) await expect(rt.udpBind({ host: "127.0.0.1", port: udp.local.port }, { onMessage: () => {} })).rejects.toBeTruthy();
    // A few descriptors may come and go with the runtime's own work; fifty leaked ones may not.
    expect(open() - before).toBeLessThan(10);
  });

  it("DNS: lookup of localhost and of an IP literal", async () => {
    const rt = await runtime;
    const addrs = await rt.dns.lookup("localhost");
    expect(addrs.some((a) => a.address === "127.0.0.1" || a.address === "::1")).toBe(true);
    expect(await rt.dns.lookup("127.0.0.1")).toEqual([{ address: "127.0.0.1", family: 4 }]);
  });
});

describe("runtime record extras", () => {
  it("lends native AES-ECB for SRTP (FIPS-197 C.1 AES-128 vector)", async () => {
    const rt = await runtime;
    const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
    const aes = rt.srtpCrypto!.createAesEcb(hex("000102030405060708090a0b0c0d0e0f"));
    const out = new Uint8Array(16);
    aes(hex("00112233445566778899aabbccddeeff"), out);
    expect(out).toEqual(hex("69c4e0d86a7b0430d8cdb78070b4c55a"));
  });
});

describe("runtime adapter limits", () => {
  it("a peer that stops reading is disconnected once MAX_WRITE_BUFFER bytes wait to be sent", async () => {
    const rt = await runtime;
    const net = await import("node:net");
    const held: import("node:net").Socket[] = [];
    const server = net.createServer((sock) => {
      sock.pause(); // never reads
      held.push(sock);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    let closedWith: unknown = "open";
    const client = await rt.streamConnect({ host: "127.0.0.1", port }, { onData: () => {}, onClose: (e) => (closedWith = e) });
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    for (let i = 0; i < 600 && closedWith === "open"; i++) {
      client.write(chunk);
      sent += chunk.length;
      if (i % 8 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => closedWith !== "open");
    expect(closedWith).toBeInstanceOf(Error);
    expect(sent).toBeLessThan(600 * 64 * 1024);
    for (const s of held) s.destroy();
    server.close();
  });
});

describe("runtime adapter: what a server needs against slow or hostile peers", () => {
  it("a TLS listener reports a connection at TCP accept, before (and without) a handshake", async () => {
    const rt = await runtime;
    const pki = await testPki();
    let accepted = 0;
    const closed = deferred<void>();
    const listener = await rt.streamListen({ host: "127.0.0.1", port: 0, tls: { cert: pki.cert, key: pki.key } }, () => {
      accepted++;
      return { onData: () => {}, onClose: () => closed.resolve() };
    });
    cleanups.push(() => listener.close());
    // A plain TCP client that never sends a ClientHello.
    const silent = await rt.streamConnect({ host: "127.0.0.1", port: listener.local.port }, { onData: () => {}, onClose: () => {} });
    await until(() => accepted === 1);
    silent.close();
    await closed.promise;
  });

  // Deno's TLS (rustls) has no static-RSA suites at all, and its node:tls client cannot offer one.
  it.skipIf(detectRuntime() === "deno")("RFC 7525 §4.2: TLS servers offer forward-secret suites only (no static-RSA key exchange)", async () => {
    const rt = await runtime;
    const pki = await testPki("rsa");
    const listener = await rt.streamListen({ host: "127.0.0.1", port: 0, tls: { cert: pki.cert, key: pki.key } }, () => ({
      onData: () => {},
      onClose: () => {},
    }));
    cleanups.push(() => listener.close());
    const tls = await import("node:tls");
    const handshake = (ciphers: string) =>
      new Promise<string>((resolve) => {
        const s = tls.connect({ host: "127.0.0.1", port: listener.local.port, ca: [pki.ca], servername: "localhost", ciphers, maxVersion: "TLSv1.2" });
        s.once("secureConnect", () => {
          const suite = s.getCipher().name;
          s.destroy();
          resolve(suite);
        });
        s.once("error", () => resolve("refused"));
      });
    expect(await handshake("ECDHE-RSA-AES128-GCM-SHA256")).toMatch(/^ECDHE-RSA-/);
    expect(await handshake("AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA")).toBe("refused");
  });

  it("close() sends what was written before it (an HTTP refusal, a WebSocket close frame)", async () => {
    const rt = await runtime;
    const listener = await rt.streamListen({ host: "127.0.0.1", port: 0 }, (conn) => {
      conn.write(enc.encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
      conn.close();
      return { onData: () => {}, onClose: () => {} };
    });
    cleanups.push(() => listener.close());
    let text = "";
    const closed = deferred<void>();
    await rt.streamConnect({ host: "127.0.0.1", port: listener.local.port }, { onData: (c) => (text += dec.decode(c)), onClose: () => closed.resolve() });
    await closed.promise;
    expect(text).toBe("HTTP/1.1 400 Bad Request\r\n\r\n");
  });
});
