import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRuntime } from "../../runtimes/index.ts";
import type { DatagramSocket } from "../../runtimes/index.ts";
import { createDigestClient } from "../../src/auth/index.ts";
import { createMediaDriver, createSessionEndpoint, rtpMediaHandlers } from "../../src/driver/index.ts";
import type { MediaDriver, SessionEndpoint } from "../../src/driver/index.ts";
import { PCMU } from "../../src/media/index.ts";
import { createRequest, parseMessage, serializeMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import type { SessionEvent } from "../../src/session/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { until } from "../runtimes/helpers.ts";
import { closeAll, runtime, sleep } from "./loopback.ts";

// `siphon serve` as a user runs it: a child process of this test's runtime, started with the
// `--port`, `--http-port`, `--data` and `--user` flags over a configuration file, talked to over
// UDP and HTTP, stopped with SIGTERM during a call and, once restarted on the same data, with
// SIGINT. What it promises: digest REGISTER for the flag's users only, /metrics and the /api
// endpoints, a per-source limit with a ban list, and a graceful stop that hangs up the calls left
// after the grace time, refuses new requests meanwhile and keeps every binding and call record.

const dir = mkdtempSync(join(tmpdir(), "siphon-serve-"));
const children: ChildProcess[] = [];
const phones: SessionEndpoint[] = [];
const drivers: MediaDriver[] = [];
afterAll(async () => {
  for (const p of phones) await p.close();
  for (const d of drivers) await d.close();
  await closeAll();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const REALM = "siphon.local";
const LIMIT = 20;
// Clear of the ranges of the other engine tests, which may run at the same time.
const rtpBase = 50000 + 2 * Math.floor(Math.random() * 2000);
const config = join(dir, "siphon.json");
writeFileSync(
  config,
  JSON.stringify({
    realm: REALM,
    sip: { wsPort: null },
    // A window longer than the test: every datagram from 127.0.0.2 counts against one window.
    limits: { perAddress: LIMIT, windowMs: 600_000, banMs: 600_000, banned: ["127.0.0.3"] },
    media: { rtpPorts: `${rtpBase}-${rtpBase + 399}` },
    shutdownGraceMs: 3000,
    log: { level: "info" },
  }),
);

/** The command that runs the CLI from source (Deno, Bun) or from the build (Node). */
function serveCommand(args: string[]): [string, string[]] {
  const root = new URL("../../", import.meta.url).pathname;
  switch (detectRuntime()) {
    case "deno":
      return [process.execPath, ["run", "-A", `${root}src/cli/main.ts`, "serve", ...args]];
    case "bun":
      return [process.execPath, [`${root}src/cli/main.ts`, "serve", ...args]];
    default:
      return [process.execPath, [`${root}dist/src/cli/main.js`, "serve", ...args]];
  }
}

interface Served {
  child: ChildProcess;
  sip: number;
  http: string;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** `siphon serve` with the configuration file and the flags, its SQLite file under `data`. */
async function serve(data: string): Promise<Served> {
  const [cmd, args] = serveCommand(["--config", config, "--port", "0", "--http-port", "0", "--data", data, "--user", "ann:secret", "--user", "ben:other"]);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr!.on("data", (d: Uint8Array) => (err += new TextDecoder().decode(d)));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
  await until(() => /http:\/\/127\.0\.0\.1:\d+\/metrics/.test(out) || child.exitCode !== null, 60_000);
  const sip = Number(/udp\+tcp 127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? NaN);
  const http = /(http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(out)?.[1] ?? "";
  expect(sip, `siphon serve did not start: ${err}`).toBeGreaterThan(0);
  return { child, sip, http, out: () => out, err: () => err, exited };
}

/** A UDP socket on `host` that sends requests and collects the answers by Call-ID. */
async function client(host: string) {
  const answers = new Map<string, SipResponse[]>();
  const socket: DatagramSocket = await runtime.udpBind({ host, port: 0 }, {
    onMessage(data) {
      const res = parseMessage(data.slice()) as SipResponse;
      const list = answers.get(res.callId) ?? [];
      list.push(res);
      answers.set(res.callId, list);
    },
  });
  return {
    socket,
    send: (req: SipRequest, port: number) => socket.send(serializeMessage(req), "127.0.0.1", port),
    answers: (callId: string) => answers.get(callId) ?? [],
    via: (id: string) => `SIP/2.0/UDP ${host}:${socket.local.port};branch=z9hG4bK${id}`,
  };
}

const options = (c: Awaited<ReturnType<typeof client>>, port: number, id: string) =>
  createRequest({ method: "OPTIONS", uri: `sip:127.0.0.1:${port}`, from: `<sip:probe@${REALM}>;tag=${id}`, to: `<sip:127.0.0.1:${port}>`, callId: id, cseq: 1, via: c.via(id) });

/** REGISTER with digest: the final answer after the 401, or the first answer when it is not 401. */
async function register(port: number, user: string, password: string, callId: string, expires = 3600): Promise<SipResponse> {
  const c = await client("127.0.0.1");
  try {
    const req = (cseq: number) =>
      createRequest({
        method: "REGISTER",
        uri: `sip:${REALM}`,
        from: `<sip:${user}@${REALM}>;tag=${callId}`,
        to: `<sip:${user}@${REALM}>`,
        callId,
        cseq,
        via: c.via(`${callId}x${cseq}`),
        headers: [["Contact", `<sip:${user}@127.0.0.1:${c.socket.local.port}>`], ["Expires", String(expires)]],
      });
    const first = req(1);
    c.send(first, port);
    await until(() => c.answers(callId).length > 0);
    const challenge = c.answers(callId)[0]!;
    if (challenge.status !== 401) return challenge;
    const second = req(2);
    for (const [n, v] of createDigestClient({ credentials: { username: user, password } }).authorize(second, challenge) ?? []) second.addHeader(n, v);
    c.send(second, port);
    await until(() => c.answers(callId).some((r) => r.cseq.seq === 2));
    return c.answers(callId).find((r) => r.cseq.seq === 2)!;
  } finally {
    c.socket.close();
  }
}

/** A phone of user ben that calls sip:echo@ through the server at `port`; resolves once the call is up. */
let phoneBase = rtpBase + 400;
async function callEcho(port: number, events: SessionEvent<Flow>[]) {
  // The phone's ports next to the server's range, away from the other tests' (loopback.ts).
  const media = await createMediaDriver({ runtime, host: "127.0.0.1", ports: { minPort: phoneBase, maxPort: phoneBase + 59, spare: 4 } });
  phoneBase += 60;
  drivers.push(media);
  const phone = await createSessionEndpoint({
    runtime,
    listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    contactUser: "ben",
    authenticator: createDigestClient({ credentials: { username: "ben", password: "other" } }),
    media: rtpMediaHandlers(media, { codecs: [PCMU], srtp: false }),
    endpoint: { overload: false },
    onSessionEvent: (e) => void events.push(e),
  });
  phones.push(phone);
  const call = await phone.invite({ from: `<sip:ben@${REALM}>`, to: `<sip:echo@${REALM}>`, route: [`<sip:127.0.0.1:${port};lr>`] });
  await until(() => call.state === "confirmed" || call.state === "terminated");
  expect(call.state).toBe("confirmed");
  return call;
}

/**
 * Sends `signal` to a server and waits for its exit. `process.kill` rather than `child.kill`: Deno's
 * node:child_process reports the signal `child.kill` sent as the cause of exit even when the child
 * handled it and exited with 0.
 */
async function stop(s: Served, signal: "SIGTERM" | "SIGINT") {
  process.kill(s.child.pid!, signal);
  return s.exited;
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (ch) => `\\${ch}`)} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);


describe(`siphon serve as a process on ${runtime.name}`, { timeout: 90_000 }, () => {
  it("RFC 3261 §10.3 / §22, §16: --user replaces the demo users; REGISTER with digest and a call to echo show in /api and /metrics", async () => {
    const s = await serve(mkdtempSync(join(dir, "api-")));
    expect(s.out()).toMatch(/users\s+ann, ben\n/);
    expect(s.out()).not.toMatch(/demo users/);
    expect(s.out()).toMatch(/softphone: register as sip:ann@siphon\.local via 127\.0\.0\.1:\d+ \(user ann\)/);
    const ok = await register(s.sip, "ann", "secret", "reg-ann");
    expect(ok.status).toBe(200);
    expect(ok.header("Contact")).toMatch(/^<sip:ann@127\.0\.0\.1:\d+>;expires=(3600|3599)$/);
    const refused = await register(s.sip, "alice", "alice-demo", "reg-alice");
    expect(refused.status).toBe(401);

    const events: SessionEvent<Flow>[] = [];
    const call = await callEcho(s.sip, events);
    const calls = (await (await fetch(`${s.http}/api/calls`)).json()) as { calls: { to: string }[] };
    expect(calls.calls.map((c) => c.to)).toEqual([expect.stringContaining("echo@")]);
    const regs = (await (await fetch(`${s.http}/api/registrations`)).json()) as { registrations: { aor: string; expires: number }[] };
    expect(regs.registrations.map((r) => r.aor)).toEqual([`sip:ann@${REALM}`]);
    expect(regs.registrations[0]!.expires).toBeGreaterThan(3500);

    // The echo service's leg sends from its answer on (20 ms frames): wait until some have gone out.
    let m = "";
    for (let tries = 0; tries < 50; tries++) {
      m = await (await fetch(`${s.http}/metrics`)).text();
      if (metric(m, 'siphon_media_packets_total{direction="sent"}') > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(metric(m, 'siphon_media_packets_total{direction="sent"}')).toBeGreaterThan(0);
    expect(metric(m, "siphon_registrations")).toBe(1);
    expect(metric(m, 'siphon_register_total{outcome="accepted"}')).toBe(1);
    expect(metric(m, "siphon_calls_active")).toBe(1);
    expect(metric(m, 'siphon_calls_total{kind="service"}')).toBe(1);
    // The echo service's leg; the phone's own stream is in this process.
    expect(metric(m, "siphon_media_streams")).toBe(1);
    expect(metric(m, 'siphon_media_packets_total{direction="sent"}')).toBeGreaterThanOrEqual(metric(m, "siphon_media_packets_late_total"));
    // REGISTER twice for ann and for alice, INVITE twice (407, then with credentials).
    expect(metric(m, 'siphon_transactions_total{side="server"}')).toBeGreaterThanOrEqual(6);
    // 401 to each REGISTER without credentials and to alice's credentials, 407 to the first INVITE.
    expect(metric(m, 'siphon_responses_sent_total{class="4xx"}')).toBeGreaterThanOrEqual(4);
    expect(metric(m, 'siphon_responses_sent_total{class="5xx"}')).toBe(0);
    expect(metric(m, 'siphon_shed_total{reason="overload"}')).toBe(0);

    call.bye(phones.at(-1)!.now());
    await until(() => call.state === "terminated");
    // The record is written once the BYE's transaction ends; the API shows what is committed.
    let cdrs: unknown[] = [];
    for (let i = 0; i < 100 && cdrs.length === 0; i++) {
      cdrs = ((await (await fetch(`${s.http}/api/cdrs`)).json()) as { cdrs: unknown[] }).cdrs;
      if (cdrs.length === 0) await sleep(50);
    }
    expect(cdrs.map((c) => JSON.stringify(c))).toEqual([expect.stringContaining("echo@")]);
    expect(await stop(s, "SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("pike-like limit: an address past its limit gets no answer and is counted; the ban list never; 127.0.0.1 always", async () => {
    const s = await serve(mkdtempSync(join(dir, "limit-")));
    const flood = await client("127.0.0.2");
    for (let i = 0; i < LIMIT + 10; i++) flood.send(options(flood, s.sip, `flood-${i}`), s.sip);
    const banned = await client("127.0.0.3");
    for (let i = 0; i < 3; i++) banned.send(options(banned, s.sip, `banned-${i}`), s.sip);
    const local = await client("127.0.0.1");
    local.send(options(local, s.sip, "local-0"), s.sip);
    await until(() => local.answers("local-0").length > 0);
    // Answers to what passed have had as long as the one from 127.0.0.1 and more.
    await sleep(500);
    const answered = Array.from({ length: LIMIT + 10 }, (_, i) => flood.answers(`flood-${i}`).length);
    flood.socket.close();
    banned.socket.close();
    local.socket.close();
    expect(answered.filter((n) => n > 0).length).toBe(LIMIT);
    expect(answered.every((n) => n <= 1)).toBe(true);
    expect(Array.from({ length: 3 }, (_, i) => banned.answers(`banned-${i}`).length)).toEqual([0, 0, 0]);
    expect(local.answers("local-0")[0]!.status).toBe(200);

    const m = await (await fetch(`${s.http}/metrics`)).text();
    expect(metric(m, 'siphon_shed_total{reason="rate_limit"}')).toBe(10);
    expect(metric(m, 'siphon_shed_total{reason="ban_list"}')).toBe(3);
    expect(metric(m, "siphon_rate_limit_bans_total")).toBe(1);
    expect(await stop(s, "SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("SIGTERM with a call up: 503 to new requests during the grace time, then BYE, exit 0; a restart keeps the binding and the call record; SIGINT exits 0", async () => {
    const data = mkdtempSync(join(dir, "stop-"));
    const s = await serve(data);
    expect((await register(s.sip, "ann", "secret", "reg-ann")).status).toBe(200);
    const events: SessionEvent<Flow>[] = [];
    const call = await callEcho(s.sip, events);

    process.kill(s.child.pid!, "SIGTERM");
    await until(() => /stopping/.test(s.err()));
    // RFC 3261 §21.5.4: the server is there but takes no new work, and says when to come back.
    const late = await register(s.sip, "ann", "secret", "reg-late");
    expect(late.status).toBe(503);
    expect(late.header("Retry-After")).toBeDefined();
    // The grace time (3 s) passes with the call up: the server ends it with a BYE (RFC 3261 §15.1.1).
    await until(() => call.state === "terminated" || s.child.exitCode !== null, 20_000);
    expect(call.state, s.err()).toBe("terminated");
    const ended = events.find((e) => e.type === "terminated") as Extract<SessionEvent<Flow>, { type: "terminated" }>;
    expect([ended.reason, ended.by]).toEqual(["bye", "remote"]);
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.err()).toMatch(/hanging up the calls left/);

    const again = await serve(data);
    expect(again.out()).toMatch(/SQLite .*siphon\.sqlite, 1 registration\(s\) restored/);
    const regs = (await (await fetch(`${again.http}/api/registrations`)).json()) as { registrations: { aor: string }[] };
    expect(regs.registrations.map((r) => r.aor)).toEqual([`sip:ann@${REALM}`]);
    const cdrs = (await (await fetch(`${again.http}/api/cdrs`)).json()) as { cdrs: unknown[] };
    expect(cdrs.cdrs.map((c) => JSON.stringify(c))).toEqual([expect.stringContaining("echo@")]);
    expect(await stop(again, "SIGINT")).toEqual({ code: 0, signal: null });
  });
});
