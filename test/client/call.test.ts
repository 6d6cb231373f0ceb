// Calls between user agents, and with scripted peers, on a virtual clock and network: answered
// with audio both ways, rejected, cancelled, forked, held and resumed, a failed re-INVITE rolled
// back, a peer that vanishes, bad input.
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/client/index.ts";
import type { Call, IncomingCall } from "../../src/client/index.ts";
import { detectFrequency } from "../../src/media/index.ts";
import { fakeRuntime } from "../driver/fake-runtime.ts";
import { agent, scripted, sdpAnswer, sendRaw } from "./peers.ts";

/** The next incoming call of `ua`. */
async function nextIncoming(ua: Awaited<ReturnType<typeof agent>>): Promise<IncomingCall> {
  const r = await ua.incoming().next();
  if (r.done) throw new Error("no incoming call");
  return r.value;
}

/** Reads `n` frames of a call's audio into one array. */
async function hear(call: Call, n: number): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  for await (const f of call.audio.frames()) {
    parts.push(f.samples.slice());
    if (parts.length >= n) break;
  }
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("user agent calls", () => {
  it("RFC 3261 §13, RFC 3264: a call answered; tones flow both ways and each side hears the other's frequency; BYE ends both", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.1" });
    const bob = await agent(f, "10.0.0.2", { aor: "sip:bob@10.0.0.2", transports: [{ transport: "UDP", port: 5060 }] });
    const bobSide = nextIncoming(bob).then((inc) => inc.answer());
    const calling = alice.call("sip:bob@10.0.0.2");
    await f.advance(200);
    const [a, b] = await Promise.all([calling, bobSide]);
    expect([a.state, b.state]).toEqual(["active", "active"]);
    expect(a.codec).toBe("PCMU");
    void a.audio.playTone(440, { durationMs: 3000 });
    void b.audio.playTone(1000, { durationMs: 3000 });
    const heardByA = hear(a, 100);
    const heardByB = hear(b, 100);
    await f.advance(2500);
    const [pa, pb] = await Promise.all([heardByA, heardByB]);
    expect(Math.abs(detectFrequency(pa.subarray(4000), 8000) - 1000)).toBeLessThan(20);
    expect(Math.abs(detectFrequency(pb.subarray(4000), 8000) - 440)).toBeLessThan(20);
    const ended = new Promise((r) => b.on("ended", r));
    const hangup = a.hangup();
    await f.advance(100);
    await hangup;
    expect(await ended).toMatchObject({ reason: "bye", by: "remote" });
    expect(a.stats()!.packetsReceived).toBeGreaterThan(50);
    expect([alice.calls.length, bob.calls.length]).toEqual([0, 0]);
    await alice.close();
    await bob.close();
  });

  it("RFC 3261 §13.2.2.3: a call rejected with 486 rejects with ClientError REJECTED carrying the status and reason", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    const bob = await agent(f, "10.0.0.2", { transports: [{ transport: "UDP", port: 5060 }] });
    void nextIncoming(bob).then((inc) => inc.reject(486));
    const calling = alice.call("sip:bob@10.0.0.2").catch((e: unknown) => e);
    await f.advance(200);
    const e = (await calling) as ClientError;
    expect(e).toBeInstanceOf(ClientError);
    expect([e.code, e.status, e.reason]).toEqual(["REJECTED", 486, "Busy Here"]);
    expect(alice.calls.length).toBe(0);
    await alice.close();
    await bob.close();
  });

  it("RFC 3261 §9.1: aborting the signal while it rings sends CANCEL; the callee sees the call cancelled", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    const bob = await agent(f, "10.0.0.2", { transports: [{ transport: "UDP", port: 5060 }] });
    const incoming = nextIncoming(bob).then((inc) => {
      inc.ring();
      return inc;
    });
    const controller = new AbortController();
    const calling = alice.call("sip:bob@10.0.0.2", { signal: controller.signal }).catch((e: unknown) => e);
    await f.advance(200);
    const inc = await incoming;
    const cancelled = new Promise((r) => inc.on("cancelled", r));
    controller.abort();
    await f.advance(200);
    expect(((await calling) as ClientError).code).toBe("ABORTED");
    await cancelled;
    expect(inc.state).toBe("cancelled");
    expect(f.wire.some((w) => w.text.startsWith("CANCEL "))).toBe(true);
    await alice.close();
    await bob.close();
  });

  it("RFC 3261 §19.1.1, §10.2.6: a bare user name is called at the account's domain, its port included (sip:alice@10.0.0.2:5070 calls bob at 10.0.0.2:5070)", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.2:5070" });
    const bob = await agent(f, "10.0.0.2", { transports: [{ transport: "UDP", port: 5070 }] });
    const incoming = nextIncoming(bob);
    const calling = alice.call("bob", { timeoutMs: 5000 }).catch((e: unknown) => e);
    await f.advance(200);
    const inc = await incoming;
    expect(String(inc.request.uri)).toBe("sip:bob@10.0.0.2:5070");
    inc.reject(486);
    await f.advance(200);
    expect(((await calling) as ClientError).status).toBe(486);
    await alice.close();
    await bob.close();
  });

  it("every wait has a timeout: an INVITE nobody answers rejects with TIMEOUT and is CANCELled", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    const silent = await scripted(f, "10.0.0.2", (r, reply) => {
      if (r.method === "INVITE") reply(180);
    });
    const calling = alice.call("sip:bob@10.0.0.2", { timeoutMs: 5000 }).catch((e: unknown) => e);
    await f.advance(6000);
    expect(((await calling) as ClientError).code).toBe("TIMEOUT");
    expect(silent.methods()).toContain("CANCEL");
    // Nobody answers the CANCEL either: close() gives up on it after its own timeout.
    const closing = alice.close({ timeoutMs: 1000 });
    await f.advance(2000);
    await closing;
  });

  it("RFC 3261 §13.2.2.4: with forking first, a second 2xx from another fork is ACKed and ended with BYE; with forking all, it is a call of its own", async () => {
    for (const forking of ["first", "all"] as const) {
      const f = fakeRuntime();
      const alice = await agent(f, "10.0.0.1");
      const peer = await scripted(f, "10.0.0.2", (r, reply) => {
        if (r.method !== "INVITE") {
          if (r.method === "BYE") reply(200, { toTag: r.toTag! });
          return;
        }
        const headers: [string, string][] = [["Contact", "<sip:bob@10.0.0.2:5060>"]];
        reply(200, { toTag: "forkA", headers, body: sdpAnswer("10.0.0.2", 41000) });
        reply(200, { toTag: "forkB", headers, body: sdpAnswer("10.0.0.2", 41002) });
      });
      const forked: Call[] = [];
      const calling = alice.call("sip:bob@10.0.0.2", { forking });
      await f.advance(100);
      const call = await calling;
      call.on("forked", (e) => forked.push(e.call));
      await f.advance(500);
      const byes = peer.requests.filter((r) => r.method === "BYE").map((r) => r.toTag);
      const acks = peer.requests.filter((r) => r.method === "ACK").map((r) => r.toTag);
      expect(acks.sort()).toEqual(["forkA", "forkB"]);
      if (forking === "first") expect(byes).toEqual(["forkB"]);
      else expect(byes).not.toContain("forkA");
      await alice.close();
    }
  });

  it("RFC 3264 §8.4: hold() and resume() resolve on the 2xx; the peer sees hold and resume by remote", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    const bob = await agent(f, "10.0.0.2", { transports: [{ transport: "UDP", port: 5060 }] });
    const bobSide = nextIncoming(bob).then((inc) => inc.answer());
    const calling = alice.call("sip:bob@10.0.0.2");
    await f.advance(200);
    const [a, b] = await Promise.all([calling, bobSide]);
    const seen: string[] = [];
    b.on("hold", (e) => seen.push(`hold ${e.by}`));
    b.on("resume", (e) => seen.push(`resume ${e.by}`));
    const held = a.hold();
    await f.advance(200);
    await held;
    expect([a.state, a.localHold, b.state, b.remoteHold]).toEqual(["held", true, "held", true]);
    const resumed = a.resume();
    await f.advance(200);
    await resumed;
    expect([a.state, a.localHold, b.state]).toEqual(["active", false, "active"]);
    expect(seen).toEqual(["hold remote", "resume remote"]);
    await alice.close();
    await bob.close();
  });

  it("RFC 3261 §14.1: a hold whose re-INVITE fails (488) rejects with REINVITE_FAILED and the call goes on as before", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    let invites = 0;
    await scripted(f, "10.0.0.2", (r, reply) => {
      if (r.method === "INVITE" && ++invites === 1) reply(200, { headers: [["Contact", "<sip:bob@10.0.0.2:5060>"]], body: sdpAnswer("10.0.0.2", 41000) });
      else if (r.method === "INVITE") reply(488, { toTag: r.toTag! });
      else if (r.method === "BYE") reply(200, { toTag: r.toTag! });
    });
    const calling = alice.call("sip:bob@10.0.0.2");
    await f.advance(100);
    const call = await calling;
    const held = call.hold().catch((e: unknown) => e);
    await f.advance(200);
    const e = (await held) as ClientError;
    expect([e.code, e.status]).toEqual(["REINVITE_FAILED", 488]);
    expect([call.state, call.localHold]).toEqual(["active", false]);
    // The media stays as negotiated before: still sending to the first answer's port.
    expect(call.media.stream?.remotePort).toBe(41000);
    await alice.close();
  });

  it("a peer that vanishes mid-call (no RTP, no BYE): the call ends with media-timeout and a BYE", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1", { mediaTimeoutMs: 3000 });
    const peer = await scripted(f, "10.0.0.2", (r, reply) => {
      if (r.method === "INVITE") reply(200, { headers: [["Contact", "<sip:bob@10.0.0.2:5060>"]], body: sdpAnswer("10.0.0.2", 41000) });
      else if (r.method === "BYE") reply(200, { toTag: r.toTag! });
    });
    const calling = alice.call("sip:bob@10.0.0.2");
    await f.advance(100);
    const call = await calling;
    const ended = new Promise<{ reason: string }>((r) => call.on("ended", r));
    await f.advance(5000);
    expect((await ended).reason).toBe("media-timeout");
    expect(peer.methods()).toContain("BYE");
    expect(alice.calls.length).toBe(0);
    await alice.close();
  });

  it("RFC 3261 §21.5: a 5xx ends the call with REJECTED and its status; garbage and a malformed response on the socket change nothing", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1", { transports: [{ transport: "UDP", port: 5070 }] });
    const peer = await scripted(f, "10.0.0.2", (r, reply) => {
      if (r.method === "INVITE") {
        sendRaw(peer.socket, "\x00\x01garbage\r\n\r\n", "10.0.0.1", 5070);
        sendRaw(peer.socket, "SIP/2.0 200 OK\r\nVia: nonsense\r\nContent-Length: 0\r\n\r\n", "10.0.0.1", 5070);
        reply(500, { reason: "Server Internal Error" });
      }
    });
    const calling = alice.call("sip:bob@10.0.0.2").catch((e: unknown) => e);
    await f.advance(200);
    const e = (await calling) as ClientError;
    expect([e.code, e.status]).toEqual(["REJECTED", 500]);
    // Still working: the next call goes out.
    const again = alice.call("sip:bob@10.0.0.2").catch((x: unknown) => x);
    await f.advance(200);
    expect(((await again) as ClientError).status).toBe(500);
    await alice.close();
  });

  it("the received audio: a reader that stops reading ends its stream; the next frames() reads on from then on; after the call, frames() ends at once", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    const bob = await agent(f, "10.0.0.2", { transports: [{ transport: "UDP", port: 5060 }] });
    const bobSide = nextIncoming(bob).then((inc) => inc.answer());
    const calling = alice.call("sip:bob@10.0.0.2");
    await f.advance(200);
    const [a, b] = await Promise.all([calling, bobSide]);
    void b.audio.playTone(1000, { durationMs: 4000 });
    // The first reader takes 25 frames (as one reads early media, say) and stops.
    const first = hear(a, 25);
    await f.advance(1000);
    expect((await first).length).toBe(25 * 160);
    // A second reader gets frames again, the tone in them.
    const second = hear(a, 50);
    await f.advance(1500);
    const again = await second;
    expect(again.length).toBe(50 * 160);
    expect(Math.abs(detectFrequency(again.subarray(1600), 8000) - 1000)).toBeLessThan(20);
    const hangup = a.hangup();
    await f.advance(200);
    await hangup;
    // The call has ended: a reader now gets no frame and is done, rather than waiting for ever.
    let after = 0;
    for await (const _ of a.audio.frames()) after++;
    expect(after).toBe(0);
    await alice.close();
    await bob.close();
  });

  it("RFC 4733: DTMF sent as telephone-events reaches the peer as dtmf events", async () => {
    const f = fakeRuntime();
    const alice = await agent(f, "10.0.0.1");
    const bob = await agent(f, "10.0.0.2", { transports: [{ transport: "UDP", port: 5060 }] });
    const bobSide = nextIncoming(bob).then((inc) => inc.answer());
    const calling = alice.call("sip:bob@10.0.0.2");
    await f.advance(200);
    const [a, b] = await Promise.all([calling, bobSide]);
    const digits: string[] = [];
    b.on("dtmf", (d) => digits.push(`${d.digit}/${d.via}`));
    const sent = a.sendDtmf("1#");
    await f.advance(1500);
    expect(await sent).toBe("rtp");
    expect(digits).toEqual(["1/rtp", "#/rtp"]);
    expect(ClientError.name).toBe("ClientError");
    await expect(a.sendDtmf("x")).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
    await alice.close();
    await bob.close();
  });
});
