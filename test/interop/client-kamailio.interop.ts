// Interop: siphon's user agent (createUserAgent, siphon/client, in this process on Node) with
// Kamailio (Debian's package) as registrar and proxy, digest authentication against its db_text
// subscriber table, for REGISTER (401) and INVITE (407). (1) The user agent REGISTERs and calls
// baresip bob, registered there too, through Kamailio: 440 Hz one way, 700 Hz the other, for 5 s,
// each side's received audio checked by its frequency. (2) bob calls the user agent through
// Kamailio; it holds, resumes and hangs up along the Record-Route. (3) A registration refreshed.
// (4) A wrong password, an unknown user, a CANCEL through the proxy. (5) Two siphon user agents
// register over TCP and call each other through Kamailio. (6) The siphon CLI, a process, registers
// and calls bob. Each call is captured with tshark on lo and the capture must hold nothing
// malformed. Run by `npm run test:interop` (CI installs kamailio, baresip-core and tshark).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserAgent } from "../../src/client/index.ts";
import { parseWav } from "../../src/media/index.ts";
import type { Call, ClientError, UserAgent } from "../../src/client/index.ts";
import { expectTone, heardByBaresip, heardBySiphon, toneOf } from "./peers/audio.ts";
import { startBaresip } from "./peers/baresip.ts";
import type { Baresip } from "./peers/baresip.ts";
import { startKamailioProxy } from "./peers/kamailio-proxy.mjs";
import { checkCapture, startCapture } from "./peers/tshark.ts";

// A random base per run (11000-14999 here, 15000-18999 for client-baresip, so that the two never
// meet when run together): SIP and control ports at BASE..BASE+9, RTP above (BASE+10..BASE+199).
// baresip also listens for SIP over TLS on its SIP port + 1, so its ctrl_tcp port is further off.
const BASE = 11000 + 200 * Math.floor(Math.random() * 20);
const KAM = BASE;
const BOB = BASE + 2;
const ALICE = BASE + 4;
const CAROL = BASE + 6;
const BOB_CTRL = BASE + 8;
const BOB_RTP = `${BASE + 10}-${BASE + 59}`;
const FILTER = `udp portrange ${BASE}-${BASE + 9} or tcp portrange ${BASE}-${BASE + 9} or udp portrange ${BASE + 10}-${BASE + 199}`;
const USERS = { alice: "alicepw", bob: "bobpw", carol: "carolpw" };

type Kamailio = Awaited<ReturnType<typeof startKamailioProxy>>;

describe("siphon's user agent with Kamailio as registrar and proxy (RFC 3261 §10, §22.2, §16)", () => {
  let kamailio: Kamailio;
  beforeAll(async () => {
    kamailio = await startKamailioProxy({ port: KAM, registrar: { users: USERS, inviteAuth: true } });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  it("RFC 3261 §10.2, §22.2, §13: alice REGISTERs with digest (401, 200), calls bob (407 answered) (baresip, registered) through Kamailio; 440 Hz and 700 Hz flow both ways for 5 s", async () => {
    const pcap = join(tmpdir(), `siphon-client-kamailio-${BASE}-1.pcap`);
    const capture = await startCapture(pcap, FILTER);
    let bob: Baresip | undefined;
    let ua: UserAgent | undefined;
    let heard: Awaited<ReturnType<typeof heardBySiphon>> | undefined;
    let call: Call | undefined;
    const states: string[] = [];
    try {
      bob = await startBaresip({ sipPort: BOB, ctrlPort: BOB_CTRL, rtpPorts: BOB_RTP, user: "bob", registrar: `127.0.0.1:${KAM}`, auth: { user: "bob", password: "bobpw" }, toneHz: 700, dump: true, codecs: "PCMU/8000/1" });
      await bob.registered();
      ua = await createUserAgent({
        aor: `sip:alice@127.0.0.1:${KAM}`,
        credentials: { username: "alice", password: "alicepw" },
        transports: [{ transport: "UDP", port: ALICE }],
        media: { codecs: ["pcmu"], ports: { min: BASE + 100, max: BASE + 149 } },
      });
      ua.on("registration", (e) => states.push(e.state));
      const info = await ua.register({ timeoutMs: 10_000 });
      expect(info.expires).toBeGreaterThan(0);
      const established = bob.event("CALL_ESTABLISHED");
      // A bare user name: called at the account's domain, Kamailio's host and port.
      call = await ua.call("bob", { timeoutMs: 15_000 });
      await established;
      expect(call.codec).toBe("PCMU");
      const tone = call.audio.playTone(440, { durationMs: 5000 });
      heard = await heardBySiphon(call, 5000);
      await tone;
      await call.hangup({ timeoutMs: 5000 });
      await bob.event("CALL_CLOSED");
      await ua.unregister({ timeoutMs: 5000 });
    } finally {
      await ua?.close({ timeoutMs: 2000 });
      await bob?.stop();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    expect(states).toContain("registered");
    expect(call!.endReason).toBe("bye");
    // What siphon heard: baresip's 700 Hz.
    const atSiphon = toneOf(heard!, 700);
    expect(Math.abs(atSiphon.hz - 700), JSON.stringify(atSiphon)).toBeLessThan(3);
    expect(atSiphon.snrDb, JSON.stringify(atSiphon)).toBeGreaterThan(30);
    expect(atSiphon.clean, JSON.stringify(atSiphon)).toBeGreaterThanOrEqual(0.8);
    expect(atSiphon.seconds).toBeGreaterThan(3.5);
    // What baresip heard: siphon's 440 Hz.
    const atBob = toneOf(heardByBaresip(bob!), 440);
    expect(Math.abs(atBob.hz - 440), JSON.stringify(atBob)).toBeLessThan(3);
    expect(atBob.snrDb, JSON.stringify(atBob)).toBeGreaterThan(30);
    expect(atBob.clean, JSON.stringify(atBob)).toBeGreaterThanOrEqual(0.8);
    expect(atBob.seconds).toBeGreaterThan(3.5);
    const check = checkCapture(pcap, { sipPort: KAM, rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    // Two 5 s streams of 50 packets a second, both legs of the proxy's SIP on the capture.
    expect(check.rtp).toBeGreaterThan(400);
    const count = (m: string) => check.ladder.filter((l) => l === m).length;
    // REGISTER challenged and accepted for alice and bob; the un-REGISTERs at the end too.
    expect(count("401 REGISTER"), check.ladder.join(", ")).toBeGreaterThanOrEqual(2);
    expect(count("200 REGISTER"), check.ladder.join(", ")).toBeGreaterThanOrEqual(4);
    // The INVITE challenged (407, ACKed by alice's transaction, RFC 3261 §17.1.1.3) and sent again
    // with credentials; then INVITE, 200, ACK and BYE, 200 on both legs (alice–Kamailio, Kamailio–bob).
    expect(count("407 INVITE"), check.ladder.join(", ")).toBe(1);
    for (const [m, n] of [["INVITE", 3], ["200 INVITE", 2], ["ACK", 3], ["BYE", 2], ["200 BYE", 2]] as const) expect(count(m), `${m}: ${check.ladder.join(", ")}`).toBe(n);
    console.log(JSON.stringify({ test: "ua-kamailio-baresip", atSiphon, atBob, rtp: check.rtp, rtcp: check.rtcp, sip: check.sip, malformed: check.malformed, ladder: check.ladder.join(",") }));
  });

  it("RFC 3261 §12.1.1, §16.12, RFC 3264 §8.4: bob (baresip) calls alice (the user agent, registered) through Kamailio; alice holds and resumes, then hangs up: re-INVITEs and BYE follow the Record-Route", async () => {
    const pcap = join(tmpdir(), `siphon-client-kamailio-${BASE}-3.pcap`);
    const capture = await startCapture(pcap, FILTER);
    let bob: Baresip | undefined;
    let ua: UserAgent | undefined;
    let call: Call | undefined;
    let from = "";
    let routes: string[] = [];
    const holds: string[] = [];
    const flags: boolean[] = [];
    let heard: Awaited<ReturnType<typeof heardBySiphon>> | undefined;
    try {
      ua = await createUserAgent({
        aor: `sip:alice@127.0.0.1:${KAM}`,
        credentials: { username: "alice", password: "alicepw" },
        transports: [{ transport: "UDP", port: ALICE }],
        media: { codecs: ["pcmu"], ports: { min: BASE + 100, max: BASE + 149 } },
      });
      await ua.register({ timeoutMs: 10_000 });
      bob = await startBaresip({ sipPort: BOB, ctrlPort: BOB_CTRL, rtpPorts: BOB_RTP, user: "bob", registrar: `127.0.0.1:${KAM}`, auth: { user: "bob", password: "bobpw" }, toneHz: 700, dump: true, codecs: "PCMU/8000/1" });
      await bob.registered();
      const incoming = (async () => {
        for await (const inc of ua!.incoming()) {
          from = inc.fromUri;
          routes = inc.request.headers("Record-Route");
          return inc.answer({ timeoutMs: 10_000 });
        }
        throw new Error("alice: no incoming call");
      })();
      const established = bob.event("CALL_ESTABLISHED");
      expect((await bob.command("dial", `sip:alice@127.0.0.1:${KAM}`)).ok).toBe(true);
      call = await incoming;
      await established;
      call.on("hold", (e) => holds.push(`hold ${e.by}`));
      call.on("resume", (e) => holds.push(`resume ${e.by}`));
      const listening = heardBySiphon(call, 5000);
      void call.audio.playTone(440, { durationMs: 8000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1000));
      await call.hold({ timeoutMs: 5000 });
      flags.push(call.localHold);
      await new Promise((r) => setTimeout(r, 1000));
      await call.resume({ timeoutMs: 5000 });
      flags.push(call.localHold);
      heard = await listening;
      const closed = bob.event("CALL_CLOSED");
      await call.hangup({ timeoutMs: 5000 });
      await closed;
    } finally {
      await ua?.close({ timeoutMs: 2000 });
      await bob?.stop();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    expect(from).toBe(`sip:bob@127.0.0.1:${KAM}`);
    expect(routes.join(",")).toContain(`127.0.0.1:${KAM}`);
    expect(holds).toEqual(["hold local", "resume local"]);
    expect(flags).toEqual([true, false]);
    expect(call!.endReason).toBe("bye");
    // bob keeps sending while alice holds (sendonly from alice: bob's side is recvonly, RFC 3264 §6.1).
    const atAlice = toneOf(heard!, 700);
    expect(Math.abs(atAlice.hz - 700), JSON.stringify(atAlice)).toBeLessThan(3);
    expect(atAlice.snrDb, JSON.stringify(atAlice)).toBeGreaterThan(30);
    const check = checkCapture(pcap, { sipPort: KAM, rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    const count = (m: string) => check.ladder.filter((l) => l === m).length;
    // bob's INVITE challenged (407) and sent again; alice's two re-INVITEs; every one on both legs.
    expect(count("407 INVITE"), check.ladder.join(", ")).toBe(1);
    for (const [m, n] of [["INVITE", 7], ["200 INVITE", 6], ["BYE", 2], ["200 BYE", 2]] as const) expect(count(m), `${m}: ${check.ladder.join(", ")}`).toBe(n);
    // The offers and answers of the hold and the resume, on both legs.
    expect(check.sdp.filter((l) => l === "INVITE sendonly").length, check.sdp.join(", ")).toBe(2);
    expect(check.sdp.filter((l) => l === "200 INVITE recvonly").length, check.sdp.join(", ")).toBe(2);
    console.log(JSON.stringify({ test: "baresip-calls-ua-via-kamailio-hold", atAlice, holds, rtp: check.rtp, sip: check.sip, malformed: check.malformed, ladder: check.ladder.join(","), sdp: check.sdp.join(",") }));
  });

  it("RFC 3261 §10.2.4: a registration for 10 s is refreshed at half its expiry, again and again, each refresh answered 200", async () => {
    const pcap = join(tmpdir(), `siphon-client-kamailio-${BASE}-4.pcap`);
    const capture = await startCapture(pcap, FILTER);
    let ua: UserAgent | undefined;
    const states: string[] = [];
    let granted = 0;
    try {
      ua = await createUserAgent({ aor: `sip:alice@127.0.0.1:${KAM}`, credentials: { username: "alice", password: "alicepw" }, expires: 10, transports: [{ transport: "UDP", port: ALICE }] });
      ua.on("registration", (e) => states.push(e.state));
      granted = (await ua.register({ timeoutMs: 10_000 })).expires;
      await new Promise((r) => setTimeout(r, 11_000));
      expect(ua.accounts[0]!.registration.state).toBe("registered");
    } finally {
      await ua?.close({ timeoutMs: 2000 });
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    expect(granted).toBe(10);
    // The first registration and refreshes after about 5 and 10 s.
    expect(states.filter((s) => s === "registered").length, states.join(", ")).toBeGreaterThanOrEqual(3);
    const check = checkCapture(pcap, { sipPort: KAM, rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    const count = (m: string) => check.ladder.filter((l) => l === m).length;
    // Each refresh is answered 200 (the nonce still good, or challenged again and answered).
    expect(count("200 REGISTER"), check.ladder.join(", ")).toBeGreaterThanOrEqual(4);
    expect(check.ladder.filter((l) => /^[3-6]\d\d REGISTER$/.test(l) && l !== "401 REGISTER"), check.ladder.join(", ")).toEqual([]);
    console.log(JSON.stringify({ test: "register-refresh", granted, states: states.join(","), ladder: check.ladder.join(",") }));
  });

  it("RFC 3261 §22.2, §21.4.5, §9.1: a wrong password fails with AUTH_FAILED after one retry; an unknown user is REJECTED 404; a call CANCELled while it rings ends with 487 on both legs", async () => {
    const pcap = join(tmpdir(), `siphon-client-kamailio-${BASE}-5.pcap`);
    const capture = await startCapture(pcap, FILTER);
    const agents: UserAgent[] = [];
    let bob: Baresip | undefined;
    const errors: Record<string, { code: string; status: number | undefined }> = {};
    let incomingSeen = 0;
    try {
      const wrong = await createUserAgent({ aor: `sip:carol@127.0.0.1:${KAM}`, credentials: { username: "carol", password: "not-carols" }, transports: [{ transport: "UDP", port: CAROL }] });
      agents.push(wrong);
      const failed = await wrong.register({ timeoutMs: 10_000 }).catch((e: ClientError) => e);
      errors["register"] = { code: (failed as ClientError).code, status: (failed as ClientError).status };
      const alice = await createUserAgent({ aor: `sip:alice@127.0.0.1:${KAM}`, credentials: { username: "alice", password: "alicepw" }, transports: [{ transport: "UDP", port: ALICE }], media: { codecs: ["pcmu"], ports: { min: BASE + 100, max: BASE + 149 } } });
      agents.push(alice);
      await alice.register({ timeoutMs: 10_000 });
      const unknown = await alice.call("nobody", { timeoutMs: 10_000 }).catch((e: ClientError) => e);
      errors["unknown"] = { code: (unknown as ClientError).code, status: (unknown as ClientError).status };
      bob = await startBaresip({ sipPort: BOB, ctrlPort: BOB_CTRL, rtpPorts: BOB_RTP, user: "bob", registrar: `127.0.0.1:${KAM}`, auth: { user: "bob", password: "bobpw" }, answer: "manual", codecs: "PCMU/8000/1" });
      await bob.registered();
      const ringing = bob.event("CALL_INCOMING").then(() => incomingSeen++);
      const controller = new AbortController();
      const calling = alice.call("bob", { timeoutMs: 15_000, signal: controller.signal }).catch((e: ClientError) => e);
      await ringing;
      await new Promise((r) => setTimeout(r, 500));
      const closed = bob.event("CALL_CLOSED");
      controller.abort();
      const cancelled = (await calling) as ClientError;
      errors["cancelled"] = { code: cancelled.code, status: cancelled.status };
      await closed;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      for (const ua of agents) await ua.close({ timeoutMs: 2000 });
      await bob?.stop();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    expect(errors["register"]).toEqual({ code: "AUTH_FAILED", status: 401 });
    expect(errors["unknown"]).toEqual({ code: "REJECTED", status: 404 });
    expect(errors["cancelled"]?.code).toBe("ABORTED");
    expect(incomingSeen).toBe(1);
    const check = checkCapture(pcap, { sipPort: KAM, rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    const count = (m: string) => check.ladder.filter((l) => l === m).length;
    // The wrong password: REGISTER, 401, REGISTER with credentials, 401 — and no endless retries.
    // alice: REGISTER, 401, REGISTER, 200 (and her un-REGISTER at the end); bob likewise.
    expect(count("401 REGISTER"), check.ladder.join(", ")).toBeLessThanOrEqual(5);
    expect(count("404 INVITE"), check.ladder.join(", ")).toBe(1);
    // CANCEL hop by hop (alice–Kamailio, Kamailio–bob), each answered 200; the INVITE ends 487 on both legs.
    for (const [m, n] of [["CANCEL", 2], ["200 CANCEL", 2], ["487 INVITE", 2]] as const) expect(count(m), `${m}: ${check.ladder.join(", ")}`).toBe(n);
    console.log(JSON.stringify({ test: "failures-via-kamailio", errors, ladder: check.ladder.join(",") }));
  });

  it("RFC 3261 §10.2, §16, §18, RFC 4568: two siphon user agents register over TCP and call each other through Kamailio, SRTP mandatory; 440 Hz and 1000 Hz both ways", async () => {
    const pcap = join(tmpdir(), `siphon-client-kamailio-${BASE}-2.pcap`);
    const capture = await startCapture(pcap, FILTER);
    const agents: UserAgent[] = [];
    let heardByAlice: Awaited<ReturnType<typeof heardBySiphon>> | undefined;
    let heardByCarol: Awaited<ReturnType<typeof heardBySiphon>> | undefined;
    let aliceCall: Call | undefined;
    let carolCall: Call | undefined;
    try {
      const make = (user: "alice" | "carol", port: number, rtp: number) =>
        createUserAgent({
          aor: `sip:${user}@127.0.0.1:${KAM}`,
          registrar: `sip:127.0.0.1:${KAM};transport=tcp`,
          credentials: { username: user, password: USERS[user] },
          transports: [{ transport: "TCP", port }],
          // SRTP made mandatory (RTP/SAVP): with the default best-effort SRTP (RTP/AVP with
          // a=crypto) Wireshark takes the packets for plain RTP and RTCP, and an encrypted SRTCP
          // compound packet then reads as a malformed RTCP one.
          media: { codecs: ["pcmu"], srtp: "mandatory", ports: { min: rtp, max: rtp + 49 } },
        });
      const alice = await make("alice", ALICE, BASE + 100);
      agents.push(alice);
      const carol = await make("carol", CAROL, BASE + 150);
      agents.push(carol);
      const [ra, rc] = await Promise.all([alice.register({ timeoutMs: 10_000 }), carol.register({ timeoutMs: 10_000 })]);
      expect(ra.contact).toContain("transport=tcp");
      expect(rc.contact).toContain("transport=tcp");
      const answered = (async () => {
        for await (const inc of carol.incoming()) return inc.answer({ timeoutMs: 10_000 });
        throw new Error("carol: no incoming call");
      })();
      aliceCall = await alice.call(`sip:carol@127.0.0.1:${KAM};transport=tcp`, { timeoutMs: 15_000 });
      carolCall = await answered;
      const tones = [aliceCall.audio.playTone(440, { durationMs: 5000 }), carolCall.audio.playTone(1000, { durationMs: 5000 })];
      [heardByAlice, heardByCarol] = await Promise.all([heardBySiphon(aliceCall, 5000), heardBySiphon(carolCall, 5000)]);
      await Promise.all(tones);
      const ended = carolCall.waitFor("ended", { timeoutMs: 5000 });
      await aliceCall.hangup({ timeoutMs: 5000 });
      await ended;
    } finally {
      for (const ua of agents) await ua.close({ timeoutMs: 2000 });
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    expect(aliceCall!.endReason).toBe("bye");
    expect(carolCall!.endReason).toBe("bye");
    expect([aliceCall!.secure, carolCall!.secure]).toEqual([true, true]);
    const atAlice = toneOf(heardByAlice!, 1000);
    const atCarol = toneOf(heardByCarol!, 440);
    expectTone(atAlice, 1000, 3.5);
    expectTone(atCarol, 440, 3.5);
    const check = checkCapture(pcap, { sipPort: [KAM, ALICE, CAROL], rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    expect(check.rtp).toBeGreaterThan(400);
    // Every SIP message went over TCP; every RTP packet carried an SRTP authentication tag.
    expect(check.sipTcp).toBe(check.sip);
    expect(check.srtp).toBe(check.rtp);
    const count = (m: string) => check.ladder.filter((l) => l === m).length;
    expect(count("401 REGISTER"), check.ladder.join(", ")).toBeGreaterThanOrEqual(2);
    expect(count("200 REGISTER"), check.ladder.join(", ")).toBeGreaterThanOrEqual(4);
    expect(count("407 INVITE"), check.ladder.join(", ")).toBe(1);
    for (const [m, n] of [["INVITE", 3], ["200 INVITE", 2], ["ACK", 3], ["BYE", 2], ["200 BYE", 2]] as const) expect(count(m), `${m}: ${check.ladder.join(", ")}`).toBe(n);
    console.log(JSON.stringify({ test: "ua-kamailio-ua-tcp", atAlice, atCarol, rtp: check.rtp, rtcp: check.rtcp, srtp: check.srtp, srtcp: check.srtcp, sip: check.sip, sipTcp: check.sipTcp, malformed: check.malformed, ladder: check.ladder.join(",") }));
  });

  it("RFC 3261 §10.2, §22.2: the siphon CLI (siphon call bob --from … --registrar …, a process) registers with Kamailio, calls bob through it and records his tone; exit 0", async () => {
    const pcap = join(tmpdir(), `siphon-client-kamailio-${BASE}-6.pcap`);
    const capture = await startCapture(pcap, FILTER);
    const wav = join(tmpdir(), `siphon-client-kamailio-${BASE}-6.wav`);
    let bob: Baresip | undefined;
    let run: { status: number | null; stdout: string; stderr: string } | undefined;
    try {
      bob = await startBaresip({ sipPort: BOB, ctrlPort: BOB_CTRL, rtpPorts: BOB_RTP, user: "bob", registrar: `127.0.0.1:${KAM}`, auth: { user: "bob", password: "bobpw" }, toneHz: 700, dump: true, codecs: "PCMU/8000/1" });
      await bob.registered();
      const args = ["dist/src/cli/main.js", "call", "bob", "--from", `sip:alice@127.0.0.1:${KAM}`, "--registrar", `127.0.0.1:${KAM}`, "--port", String(ALICE), "--rtp-ports", `${BASE + 100}-${BASE + 149}`, "--tone", "440", "--duration", "4", "--record", wav, "--json"];
      run = await new Promise((resolve) => {
        // The password from the environment, as a user would keep it off the command line.
        const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SIPHON_PASSWORD: "alicepw" } });
        let stdout = "";
        let stderr = "";
        p.stdout!.on("data", (d) => (stdout += d));
        p.stderr!.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => p.kill("SIGKILL"), 30_000);
        p.on("close", (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });
      await bob.event("CALL_CLOSED");
    } finally {
      await bob?.stop();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    expect(run!.status, `${run!.stdout}${run!.stderr}`).toBe(0);
    const lines = run!.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l["event"])).toEqual(["registered", "answered", "ended", "quality"]);
    expect(lines[0]).toMatchObject({ aor: `sip:alice@127.0.0.1:${KAM}` });
    expect(lines[1]).toMatchObject({ codec: "PCMU", srtp: false });
    expect(lines[3]!["packetsReceived"]).toBeGreaterThan(150);
    expect(lines[3]!["packetsSent"]).toBeGreaterThan(150);
    const recorded = parseWav(readFileSync(wav));
    const atCli = toneOf({ mono: recorded.samples.subarray(recorded.sampleRate), rate: recorded.sampleRate }, 700);
    const atBob = toneOf(heardByBaresip(bob!), 440);
    expectTone(atCli, 700, 2.5);
    expectTone(atBob, 440, 2.5);
    const check = checkCapture(pcap, { sipPort: KAM, rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    const count = (m: string) => check.ladder.filter((l) => l === m).length;
    expect(count("407 INVITE"), check.ladder.join(", ")).toBe(1);
    for (const [m, n] of [["200 INVITE", 2], ["BYE", 2], ["200 BYE", 2]] as const) expect(count(m), `${m}: ${check.ladder.join(", ")}`).toBe(n);
    console.log(JSON.stringify({ test: "cli-via-kamailio", atCli, atBob, quality: lines[3], rtp: check.rtp, sip: check.sip, malformed: check.malformed, ladder: check.ladder.join(",") }));
  });
});
