import { afterAll, describe, expect, it } from "vitest";
import { createDigestClient } from "../../src/auth/index.ts";
import { createMediaDriver, createSessionEndpoint, rtpMediaHandlers } from "../../src/driver/index.ts";
import type { SessionEndpoint } from "../../src/driver/index.ts";
import { AddressLimiter, createSiphonServer, resolveConfig } from "../../src/engine/index.ts";
import type { SiphonServer } from "../../src/engine/index.ts";
import { PCMU } from "../../src/media/index.ts";
import type { SessionEvent } from "../../src/session/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { until } from "../runtimes/helpers.ts";
import { createUserAgent } from "../../src/client/index.ts";
import { analyseTone } from "../../src/media/index.ts";
import { closeAll, mediaDriver, medianSnr, rtpOf, runtime, toneAndRecord } from "./loopback.ts";

// createSiphonServer on loopback (memory storage, free ports) and siphon's own session endpoints as
// softphones: digest REGISTER, a call to the echo service through the proxy, the HTTP status API.

const lines: string[] = [];
const rtpBase = 30000 + 2 * Math.floor(Math.random() * 1500);
let server: SiphonServer;
const phones: SessionEndpoint[] = [];
afterAll(async () => {
  for (const p of phones) await p.close();
  await server?.stop({ graceMs: 0 });
  await closeAll();
});

async function start(): Promise<SiphonServer> {
  server ??= await createSiphonServer(
    resolveConfig({
      file: {
        path: "test.yaml",
        text: `sip: {port: 0, wsPort: null}\nhttp: {port: 0}\nstorage: {kind: memory}\nmedia: {rtpPorts: "${rtpBase}-${rtpBase + 399}"}\nlog: {level: debug}\n` +
          "users:\n  - {username: alice, password: wonderland}\n  - {username: bob, password: builder}\n",
      },
    }),
    { runtime, write: (l) => lines.push(l) },
  );
  return server;
}

async function softphone(user: string, password: string, events: SessionEvent<Flow>[] = []): Promise<SessionEndpoint> {
  const media = await mediaDriver();
  const ep = await createSessionEndpoint({
    runtime,
    listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    contactUser: user,
    authenticator: createDigestClient({ credentials: { username: user, password } }),
    media: rtpMediaHandlers(media, { codecs: [PCMU], srtp: false, session: { sampleRate: 16000 } }),
    onSessionEvent: (e) => void events.push(e),
  });
  phones.push(ep);
  return ep;
}

const finalOf = (events: SessionEvent<Flow>[]) =>
  (events.find((e) => e.type === "response") as Extract<SessionEvent<Flow>, { type: "response" }> | undefined)?.status;

describe(`siphon server on ${runtime.name}`, () => {
  it("RFC 3261 §10.2 / §22: a softphone registers with digest; a wrong password is refused", async () => {
    const s = await start();
    const route = [`<sip:127.0.0.1:${s.addresses.sip.port};lr>`];
    const events: SessionEvent<Flow>[] = [];
    const alice = await softphone("alice", "wonderland", events);
    await alice.request({ method: "REGISTER", uri: "sip:siphon.local", from: "<sip:alice@siphon.local>", to: "<sip:alice@siphon.local>", route, contact: true });
    await until(() => finalOf(events) !== undefined);
    expect(finalOf(events)).toBe(200);
    expect(s.registrar.location.lookup("sip:alice@siphon.local", runtime.wallTime()).map((b) => b.contact)).toEqual([alice.contact()]);

    const wrong: SessionEvent<Flow>[] = [];
    const mallory = await softphone("bob", "guess", wrong);
    await mallory.request({ method: "REGISTER", uri: "sip:siphon.local", from: "<sip:bob@siphon.local>", to: "<sip:bob@siphon.local>", route, contact: true });
    await until(() => finalOf(wrong) !== undefined);
    expect(finalOf(wrong)).toBe(401);
    expect(s.registrar.location.lookup("sip:bob@siphon.local", runtime.wallTime())).toEqual([]);
  });

  it("RFC 3261 §16: a call to sip:echo@ goes through the proxy (407 answered) to the echo service, and the tone comes back", async () => {
    const s = await start();
    const route = [`<sip:127.0.0.1:${s.addresses.sip.port};lr>`];
    const alice = await softphone("alice", "wonderland");
    const call = await alice.invite({ from: "<sip:alice@siphon.local>", to: "<sip:echo@siphon.local>", route });
    await until(() => call.state === "confirmed" || call.state === "terminated");
    expect(call.state).toBe("confirmed");
    const { heard, stop } = toneAndRecord(rtpOf(call), 1000);
    await until(() => heard.length >= 100);
    stop();
    call.bye(alice.now());
    expect(medianSnr(heard.slice(50, 100), 1000)).toBeGreaterThan(20);
    await until(() => s.calls().length === 0);
    expect(s.registrar.counters.registers).toBeGreaterThan(0);
  });

  it("RFC 3261 §18.1.1: the user agent's default offer (Opus, G.722, G.711, SDES keys; an INVITE over 1300 bytes) reaches echo, and the tone comes back", async () => {
    const s = await start();
    const ua = await createUserAgent({
      runtime,
      transports: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
      aor: "sip:alice@siphon.local",
      credentials: { username: "alice", password: "wonderland" },
      outboundProxy: `sip:127.0.0.1:${s.addresses.sip.port}`,
    });
    try {
      const call = await ua.call("sip:echo@siphon.local", { timeoutMs: 10_000 });
      // Over UDP such an INVITE must move to a congestion-controlled transport: the proxy forwards it
      // to the engine over TCP, where it used to find no listener (503, sent upstream as 500).
      expect(call.state).toBe("active");
      const rate = call.audio.sampleRate;
      const heard: Int16Array[] = [];
      const reading = (async () => {
        for await (const f of call.audio.frames()) if (heard.push(f.samples.slice()) >= 125) return;
      })();
      await call.audio.playTone(1000, { durationMs: 3000 });
      await reading;
      await call.hangup();
      // The second half of what came back: the first frames may be silence while the jitter buffers
      // on both sides fill (on a loaded machine, up to half a second each way).
      const snr = heard.slice(75, 125).map((f) => analyseTone(f, rate, 1000).snrDb).sort((a, b) => a - b);
      expect(snr[snr.length >> 1]).toBeGreaterThan(15);
    } finally {
      await ua.close();
    }
  });

  it("HTTP: /api/registrations lists the bindings, /metrics is Prometheus text, unknown paths are 404", async () => {
    const s = await start();
    const base = `http://127.0.0.1:${s.addresses.http!.port}`;
    const regs = (await (await fetch(`${base}/api/registrations`)).json()) as { registrations: { aor: string }[] };
    expect(regs.registrations.map((r) => r.aor)).toContain("sip:alice@siphon.local");
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^# HELP siphon_registrations /m);
    expect(metrics).toMatch(/^siphon_registrations 1$/m);
    expect(metrics).toMatch(/^siphon_register_total\{outcome="accepted"\} 1$/m);
    // The call to echo was challenged by the proxy first (RFC 3261 §22.3).
    expect(metrics).toMatch(/^siphon_proxy_local_responses_total\{status="407"\} [1-9]/m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/api/cdrs?limit=x`)).status).toBe(400);
  });
});

describe(`siphon server stopping on ${runtime.name}`, () => {
  it("RFC 3261 §16.11 / §15.1.1: the ACK of the echo service's 2xx reaches it (another port of 127.0.0.1), so stop() ends the call left with a BYE the phone gets", async () => {
    const log: string[] = [];
    // Clear of the other server's range here and of the phones' (loopback.ts, from 36000).
    const base = 46000 + 2 * Math.floor(Math.random() * 1500);
    const own = await createSiphonServer(
      resolveConfig({
        file: {
          path: "stop.yaml",
          text: `sip: {port: 0, wsPort: null}\nhttp: {port: null}\nstorage: {kind: memory}\nmedia: {rtpPorts: "${base}-${base + 99}"}\nlog: {level: debug}\n` +
            "users:\n  - {username: ben, password: builder}\n",
        },
      }),
      { runtime, write: (l) => void log.push(l) },
    );
    const events: SessionEvent<Flow>[] = [];
    const ben = await softphone("ben", "builder", events);
    const call = await ben.invite({ from: "<sip:ben@siphon.local>", to: "<sip:echo@siphon.local>", route: [`<sip:127.0.0.1:${own.addresses.sip.port};lr>`] });
    await until(() => call.state === "confirmed" || call.state === "terminated");
    expect(call.state).toBe("confirmed");
    await own.stop({ graceMs: 0 });
    await until(() => call.state === "terminated").catch(() => {});
    expect(call.state, log.join("\n")).toBe("terminated");
    const ended = events.find((e) => e.type === "terminated") as Extract<SessionEvent<Flow>, { type: "terminated" }>;
    expect([ended.reason, ended.by]).toEqual(["bye", "remote"]);
    expect(own.calls()).toEqual([]);
  });
});

describe(`siphon server: a burst of calls on ${runtime.name}`, () => {
  it("RFC 3261 §13.3.1: thirty calls to sip:echo@ sent in one turn are all answered 200, none 500 for want of a bound port pair", async () => {
    const base = 44000 + 2 * Math.floor(Math.random() * 500);
    const own = await createSiphonServer(
      resolveConfig({
        file: {
          path: "burst.yaml",
          text: `sip: {port: 0, wsPort: null}\nhttp: {port: null}\nstorage: {kind: memory}\nmedia: {rtpPorts: "${base}-${base + 199}"}\nlog: {level: warn}\n` +
            "limits: {perAddress: null}\nusers:\n  - {username: ben, password: builder}\n",
        },
      }),
      { runtime, write: () => {} },
    );
    // The phone's own pairs, all bound at creation (spare), from a range clear of the server's.
    const media = await createMediaDriver({ runtime, host: "127.0.0.1", ports: { minPort: base + 1000, maxPort: base + 1199, spare: 40 } });
    const events: SessionEvent<Flow>[] = [];
    const ben = await createSessionEndpoint({
      runtime,
      listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
      contactUser: "ben",
      authenticator: createDigestClient({ credentials: { username: "ben", password: "builder" } }),
      media: rtpMediaHandlers(media, { codecs: [PCMU], srtp: false }),
      endpoint: { overload: false },
      onSessionEvent: (e) => void events.push(e),
    });
    phones.push(ben);
    const route = [`<sip:127.0.0.1:${own.addresses.sip.port};lr>`];
    const calls = await Promise.all(Array.from({ length: 30 }, () => ben.invite({ from: "<sip:ben@siphon.local>", to: "<sip:echo@siphon.local>", route })));
    await until(() => calls.every((c) => c.state === "confirmed" || c.state === "terminated"), 30_000);
    const failed = events.filter((e) => e.type === "terminated").map((e) => `${(e as { reason: string }).reason} ${(e as { status?: number }).status ?? ""}`);
    expect(failed).toEqual([]);
    expect(calls.filter((c) => c.state === "confirmed")).toHaveLength(30);
    for (const c of calls) c.bye(ben.now());
    await until(() => own.calls().length === 0, 30_000);
    await own.stop({ graceMs: 0 });
    await media.close();
  });
});

describe("per-address limit (pike-like)", () => {
  it("an address over its limit is ignored for the ban time, then let back; the ban list always; trusted never", () => {
    const l = new AddressLimiter({ limit: 3, windowMs: 1000, banMs: 5000, trusted: ["10.0.0.9"], banned: ["10.0.0.66"] });
    const sent = (a: string, now: number, n: number) => Array.from({ length: n }, () => l.allow(a, now));
    expect(sent("10.0.0.1", 0, 4)).toEqual([true, true, true, false]);
    expect(l.allow("10.0.0.1", 4999)).toBe(false);
    expect(l.allow("10.0.0.1", 5001)).toBe(true);
    expect(sent("10.0.0.9", 0, 10).every(Boolean)).toBe(true);
    expect(l.allow("10.0.0.66", 0)).toBe(false);
    expect(l.counters).toEqual({ dropped: 3, bans: 1, droppedBanList: 1 });
  });

  it("tracks a bounded number of addresses", () => {
    const l = new AddressLimiter({ limit: 10, maxAddresses: 100 });
    for (let i = 0; i < 10_000; i++) l.allow(`198.51.${i >> 8}.${i & 255}`, i);
    expect(l.tracked).toBeLessThanOrEqual(100);
  });
});
