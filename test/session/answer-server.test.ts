// The answer server example (examples/answer-server.ts) on real sockets: started as a process of
// the runtime running this test (Node runs the build in dist/, Deno and Bun the TypeScript), called
// over loopback UDP and TCP by a second siphon endpoint with a session core, by PID and on 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRuntime, type Runtime } from "../../runtimes/index.ts";
import { createDigestClient } from "../../src/auth/index.ts";
import { createSessionEndpoint, type SessionEndpoint } from "../../src/driver/index.ts";
import type { InviteSession, MediaHandler, SessionEvent } from "../../src/session/index.ts";
import type { Flow } from "../../src/transport/index.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const [cmd, args] = g.Deno !== undefined
  ? ["node_modules/.bin/deno", ["run", "-A", "examples/answer-server.ts"]]
  : g.Bun !== undefined
    ? ["node_modules/.bin/bun", ["examples/answer-server.ts"]]
    : [process.execPath, ["dist/examples/answer-server.js"]];

const OFFER =
  "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
  "m=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

/** The caller's media: a fixed offer; keeps the answers it got. */
class CallerMedia implements MediaHandler {
  answers: string[] = [];
  createOffer(options: { direction?: string }) {
    return { contentType: "application/sdp", body: OFFER.replace("a=sendrecv", `a=${options.direction ?? "sendrecv"}`) };
  }
  receiveOffer() {
    return { ok: false as const, reason: "not used" };
  }
  receiveAnswer(answer: { body: string | Uint8Array }): true {
    this.answers.push(typeof answer.body === "string" ? answer.body : new TextDecoder().decode(answer.body));
    return true;
  }
  rollback() {}
  close() {}
}

async function until(what: string, ok: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts the example with `extra` flags; resolves with the process, its output so far and its ports. */
async function startServer(extra: string[]): Promise<{ proc: ChildProcess; out: () => string; ports: Record<string, number> }> {
  let output = "";
  const proc = spawn(cmd, [...args, "--port", "0", "--transport", "udp,tcp", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout!.on("data", (d) => (output += d));
  proc.stderr!.on("data", (d) => (output += d));
  await until("the server to listen", () => /media echo/.test(output), 30000);
  const ports: Record<string, number> = {};
  for (const m of output.matchAll(/(UDP|TCP) 127\.0\.0\.1:(\d+)/g)) ports[m[1]!] ??= Number(m[2]);
  return { proc, out: () => output, ports };
}

describe("the answer server example over loopback", () => {
  let server: ChildProcess;
  let ringing: ChildProcess;
  let ringingPorts: Record<string, number> = {};
  let output: () => string = () => "";
  let runtime: Runtime;
  let caller: SessionEndpoint;
  const events: SessionEvent<Flow>[] = [];
  const media: CallerMedia[] = [];
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    const first = await startServer([]);
    server = first.proc;
    Object.assign(ports, first.ports);
    output = first.out;
    const second = await startServer(["--ring-ms", "100", "--quiet"]);
    ringing = second.proc;
    ringingPorts = second.ports;
    runtime = await loadRuntime();
    caller = await createSessionEndpoint({
      runtime,
      listen: [
        { transport: "UDP", host: "127.0.0.1", port: 0 },
        { transport: "TCP", host: "127.0.0.1", port: 0 },
      ],
      contactUser: "caller",
      media: () => {
        const m = new CallerMedia();
        media.push(m);
        return m;
      },
      onSessionEvent: (e) => events.push(e),
    });
  }, 60000);

  afterAll(async () => {
    await caller?.close();
    server?.kill("SIGKILL");
    ringing?.kill("SIGKILL");
  });

  for (const transport of ["UDP", "TCP"] as const) {
    it(`RFC 3261 §13, §15: a call over ${transport} — INVITE, 200, ACK, media echoed, BYE, 200 — and both ends let go`, async () => {
      const port = ports[transport]!;
      expect(port).toBeGreaterThan(0);
      const before = events.length;
      const uri = `sip:anyone-${transport.toLowerCase()}@127.0.0.1:${port}${transport === "TCP" ? ";transport=tcp" : ""}`;
      const session: InviteSession<Flow> = await caller.invite({ from: "<sip:caller@127.0.0.1>", to: `<${uri}>` });
      await until("the answer", () => session.state === "confirmed");
      const answer = media.at(-1)!.answers[0]!;
      // The server answers in the caller's order (PCMA first in our offer), telephone-event kept.
      expect(answer).toMatch(/m=audio (\d+) RTP\/AVP 8 0 101/);
      expect(answer).toContain("a=sendrecv");
      const echoPort = Number(/m=audio (\d+)/.exec(answer)![1]);
      // RTP sent to the answer's port from another port than the offer's latches the server's
      // session there (RFC 7362), and its RTP (PCMA, the codec we offered first) comes back to us.
      const back: Uint8Array[] = [];
      const rtp = await runtime.udpBind({ host: "127.0.0.1", port: 0 }, { onMessage: (d) => back.push(d.slice()) });
      for (let i = 0; i < 10; i++) {
        const packet = new Uint8Array(172).fill(0xd5);
        packet.set([0x80, i === 0 ? 0x88 : 0x08, 0, i, 0, 0, (i * 160) >> 8, (i * 160) & 0xff, 1, 2, 3, 4]);
        rtp.send(packet, "127.0.0.1", echoPort);
        await new Promise((r) => setTimeout(r, 20));
      }
      await until("RTP back", () => back.some((p) => p[0] === 0x80 && (p[1]! & 0x7f) === 8));
      rtp.close();
      session.bye(caller.now());
      await until("the BYE to complete", () => caller.core.sessionCount === 0 && caller.core.dialogCount === 0);
      const mine = events.slice(before).filter((e) => "session" in e && e.session === session).map((e) => e.type);
      expect(mine).toEqual(["answered", "terminated"]);
      const ended = events.slice(before).find((e) => e.type === "terminated");
      expect(ended && ended.type === "terminated" && [ended.reason, ended.by]).toEqual(["bye", "local"]);
      await until("the server to log the end", () => output().includes(`call ${session.callId} ended: bye`));
      expect(output()).toContain(`call ${session.callId} answered`);
    }, 60000);
  }

  it("RFC 3264 §8.4: hold (sendonly) is answered recvonly and resume sendrecv by the server", async () => {
    const before = media.length;
    const session = await caller.invite({ from: "<sip:caller@127.0.0.1>", to: `<sip:hold@127.0.0.1:${ports["UDP"]}>` });
    await until("the answer", () => session.state === "confirmed");
    session.hold(caller.now());
    await until("the hold", () => session.localHold);
    session.resume(caller.now());
    await until("the resume", () => !session.localHold);
    const answers = media[before]!.answers;
    expect(answers.map((a) => /a=(sendrecv|sendonly|recvonly|inactive)/.exec(a)![1])).toEqual(["sendrecv", "recvonly", "sendrecv"]);
    session.bye(caller.now());
    await until("the BYE to complete", () => caller.core.sessionCount === 0);
  }, 60000);

  it("RFC 3262 §3: with --ring-ms the server rings first, reliably for a caller that supports 100rel, then answers", async () => {
    const session = await caller.invite({ from: "<sip:caller@127.0.0.1>", to: `<sip:ring@127.0.0.1:${ringingPorts["UDP"]}>` });
    await until("the answer", () => session.state === "confirmed");
    const progress = events.filter((e) => e.type === "progress" && e.session === session);
    expect(progress).toHaveLength(1);
    const ringingEvent = progress[0]!;
    expect(ringingEvent.type === "progress" && [ringingEvent.response.status, ringingEvent.reliable]).toEqual([180, true]);
    session.bye(caller.now());
    await until("the BYE to complete", () => caller.core.sessionCount === 0);
  }, 60000);
});

describe("the answer server example with --auth (RFC 3261 §22.1, RFC 7616) over loopback", () => {
  let server: ChildProcess;
  const ports: Record<string, number> = {};
  let output: () => string = () => "";
  const callers: SessionEndpoint[] = [];
  const events: SessionEvent<Flow>[] = [];

  /** A caller with a digest client for `password` (or none). */
  async function caller(password: string | undefined): Promise<SessionEndpoint> {
    const ep = await createSessionEndpoint({
      runtime: await loadRuntime(),
      listen: [
        { transport: "UDP", host: "127.0.0.1", port: 0 },
        { transport: "TCP", host: "127.0.0.1", port: 0 },
      ],
      contactUser: "caller",
      ...(password !== undefined ? { authenticator: createDigestClient({ credentials: { username: "alice", password } }) } : {}),
      media: () => new CallerMedia(),
      onSessionEvent: (e) => events.push(e),
    });
    callers.push(ep);
    return ep;
  }

  beforeAll(async () => {
    const s = await startServer(["--auth", "alice:secret", "--realm", "answer.test", "--nonce-ttl", "1500"]);
    server = s.proc;
    Object.assign(ports, s.ports);
    output = s.out;
  }, 60000);

  afterAll(async () => {
    for (const c of callers) await c.close();
    server?.kill("SIGKILL");
  });

  for (const transport of ["UDP", "TCP"] as const) {
    it(`RFC 3261 §22.2: over ${transport} the INVITE is challenged (401), sent again with credentials, answered; BYE 200`, async () => {
      expect(output()).toContain('challenges INVITEs: digest MD5, realm "answer.test"');
      const ua = await caller("secret");
      const uri = `sip:echo@127.0.0.1:${ports[transport]}${transport === "TCP" ? ";transport=tcp" : ""}`;
      const session = await ua.invite({ from: "<sip:alice@127.0.0.1>", to: `<${uri}>` });
      await until("the answer", () => session.state === "confirmed");
      expect(ua.core.counters.authRetries).toBe(1);
      session.bye(ua.now());
      await until("the BYE to complete", () => ua.core.sessionCount === 0 && ua.core.dialogCount === 0);
      const ended = events.find((e) => e.type === "terminated" && e.session === session);
      expect(ended?.type === "terminated" && [ended.reason, ended.by]).toEqual(["bye", "local"]);
      await until("the server to log the end", () => output().includes(`call ${session.callId} ended: bye`));
    }, 60000);
  }

  it("RFC 3261 §22.1: a caller without credentials, and one with a wrong password, end with 401 and the server makes no call", async () => {
    for (const password of [undefined, "wrong"]) {
      const ua = await caller(password);
      const session = await ua.invite({ from: "<sip:alice@127.0.0.1>", to: `<sip:echo@127.0.0.1:${ports["UDP"]}>` });
      await until("the refusal", () => session.state === "terminated");
      const ended = events.find((e) => e.type === "terminated" && e.session === session);
      expect(ended?.type === "terminated" && [ended.reason, ended.status]).toEqual(["rejected", 401]);
      expect(ended?.type === "terminated" && ended.response?.header("WWW-Authenticate")).toContain('realm="answer.test"');
      expect(output()).not.toContain(`call ${session.callId}`);
    }
  }, 60000);

  it("RFC 7616 §3.3: after the nonce's lifetime (--nonce-ttl) the next call is challenged again and the caller answers on its own", async () => {
    const ua = await caller("secret");
    const to = `<sip:echo@127.0.0.1:${ports["UDP"]}>`;
    const first = await ua.invite({ from: "<sip:alice@127.0.0.1>", to });
    await until("the first answer", () => first.state === "confirmed");
    first.bye(ua.now());
    await until("the first BYE", () => ua.core.sessionCount === 0);
    expect(ua.core.counters.authRetries).toBe(1);
    // --nonce-ttl 1500: the nonce the caller cached is stale by now.
    await new Promise((r) => setTimeout(r, 1700));
    const second = await ua.invite({ from: "<sip:alice@127.0.0.1>", to });
    await until("the second answer", () => second.state === "confirmed");
    expect(ua.core.counters.authRetries).toBe(2);
    second.bye(ua.now());
    await until("the second BYE", () => ua.core.sessionCount === 0);
  }, 60000);
});
