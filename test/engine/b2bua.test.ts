import { afterAll, describe, expect, it } from "vitest";
import { createDigestServer, digestHa1 } from "../../src/auth/index.ts";
import { callerStatus, createCallEngine } from "../../src/engine/index.ts";
import type { CallAction, CdrEvent } from "../../src/engine/index.ts";
import { concatPcm, detectFrequency, PCMA, PCMU } from "../../src/media/index.ts";
import { digestChallenger } from "../../src/session/index.ts";
import type { InviteSession, SessionEvent } from "../../src/session/index.ts";
import { parseSdp } from "../../src/sdp/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { until } from "../runtimes/helpers.ts";
import { closeAll, endpoint, mediaDriver, medianSnr, phone, portOf, rtpOf, runtime, sleep, toneAndRecord } from "./loopback.ts";
import type { Phone } from "./loopback.ts";

// The B2BUA between siphon phones over loopback UDP: each phone a session endpoint with its own
// media driver, the engine a third endpoint whose routing table each test fills in.
afterAll(closeAll);

const cdrs: CdrEvent[] = [];
const table = new Map<string, CallAction>();
const engineMedia = await mediaDriver();
const engine = createCallEngine({
  clock: runtime,
  media: engineMedia,
  rtp: { srtp: {} },
  route: ({ request }) => table.get(request.uri.scheme === "tel" ? "" : ((request.uri as { user?: string }).user ?? "")),
  onCdr: (e) => cdrs.push(e),
});
const server = await endpoint(engine.media, (e, now) => engine.handleSessionEvent(e, now), { authenticator: engine.authenticator });
engine.attach(server);
const via = (user: string) => `<sip:${user}@127.0.0.1:${portOf(server)}>`;
const at = (p: Phone, user = "bob") => `sip:${user}@127.0.0.1:${portOf(p.ep)}`;

type Ev<T extends SessionEvent<Flow>["type"]> = Extract<SessionEvent<Flow>, { type: T }>;
const first = <T extends SessionEvent<Flow>["type"]>(p: Phone, type: T) => p.events.find((e) => e.type === type) as Ev<T> | undefined;
const types = (p: Phone) => p.events.map((e) => e.type);
const endOf = (callId: string) => cdrs.find((c) => c.type === "end" && c.record.callId === callId)?.record;
const answerer = (e: SessionEvent<Flow>, now: number) => {
  if (e.type === "incoming") e.session.answer(now);
};
const incomingOf = (p: Phone) => first(p, "incoming")?.session as InviteSession<Flow> | undefined;

/** Caller and callee send 1 kHz and 600 Hz; each must hear the other's tone (frequency and SNR of frames 80–150). */
async function hearEachOther(call: InviteSession<Flow>, callee: InviteSession<Flow>): Promise<void> {
  const a = toneAndRecord(rtpOf(call), 1000);
  const b = toneAndRecord(rtpOf(callee), 600);
  await until(() => a.heard.length >= 150 && b.heard.length >= 150);
  a.stop();
  b.stop();
  expect(Math.abs(detectFrequency(concatPcm(a.heard.slice(80, 150)), 16000) - 600)).toBeLessThan(3);
  expect(Math.abs(detectFrequency(concatPcm(b.heard.slice(80, 150)), 16000) - 1000)).toBeLessThan(3);
  expect(medianSnr(a.heard.slice(80, 150), 600)).toBeGreaterThan(18);
  expect(medianSnr(b.heard.slice(80, 150), 1000)).toBeGreaterThan(18);
}

describe(`B2BUA over loopback on ${runtime.name}`, () => {
  it("RFC 3711 / RFC 4568: media anchored — SRTP on the caller's leg, plain RTP and another codec on the callee's; each hears the other's tone; CDR with both legs' figures", async () => {
    const bob = await phone({ codecs: [PCMA], srtp: false }, answerer);
    table.set("anchor", { type: "bridge", uri: at(bob), anchorMedia: true, calleeMedia: { srtp: false, codecs: [PCMA, PCMU] } });
    const alice = await phone({ codecs: [PCMU], srtp: { mandatory: true } });
    const relayedBefore = engine.counters.relayed;
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("anchor") });
    await until(() => call.state === "confirmed");
    const callee = incomingOf(bob)!;
    await until(() => callee.state === "confirmed");
    // Two codecs: no relay, one RTP session per leg.
    expect([engineMedia.stats.relays, engineMedia.stats.streams, engine.counters.relayed]).toEqual([0, 2, relayedBefore]);
    // Each side hears the other's tone through two jitter buffers and a transcoding (PCMU ↔ PCMA).
    await hearEachOther(call, callee);
    // The caller's media goes to the engine's address, not to bob's.
    expect(rtpOf(call).session!.srtpSuite).toBeDefined();
    expect(rtpOf(callee).session!.srtpSuite).toBeUndefined();
    call.bye(alice.ep.now());
    await until(() => callee.state === "terminated" && endOf(call.callId) !== undefined);
    expect(first(bob, "terminated")?.reason).toBe("bye");
    const r = endOf(call.callId)!;
    expect([r.anchored, r.disposition, r.endedBy, r.status, r.target]).toEqual([true, "answered", "caller", 200, at(bob)]);
    expect([r.callerMedia?.codec, r.calleeMedia?.codec, r.calleeMedia?.srtp]).toEqual(["PCMU", "PCMA", undefined]);
    expect(r.callerMedia?.srtp).toMatch(/AES/);
    expect(r.callerMedia!.quality!.packetsReceived).toBeGreaterThan(100);
    expect(r.calleeMedia!.quality!.packetsReceived).toBeGreaterThan(100);
    expect(r.answeredAt! >= r.startedAt && r.endedAt! >= r.answeredAt!).toBe(true);
    expect(r.calleeCallId).not.toBe(r.callId);
    expect([r.callerMedia?.relay, r.calleeMedia?.relay]).toEqual([undefined, undefined]);
  });

  it("RFC 3550 §7.1, RFC 3711: the same codec on both legs is relayed — SRTP on the caller's leg, plain RTP on the callee's, no RTP session on the server; each hears the other's tone; CDR with the relay's counts", async () => {
    const relayedBefore = engine.counters.relayed;
    const bob = await phone({ codecs: [PCMU], srtp: false }, answerer);
    table.set("same", { type: "bridge", uri: at(bob), calleeMedia: { srtp: false } });
    const alice = await phone({ codecs: [PCMU], srtp: { mandatory: true } });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("same") });
    await until(() => call.state === "confirmed" && incomingOf(bob)?.state === "confirmed");
    const callee = incomingOf(bob)!;
    // The translator took both legs' ports: one relay, and no session decoding on the server.
    await until(() => engineMedia.stats.relays === 1 && engineMedia.stats.streams === 0);
    expect(engine.counters.relayed).toBe(relayedBefore + 1);
    await hearEachOther(call, callee);
    // RFC 4568: each leg keyed with its own peer — SRTP towards alice, plain RTP towards bob.
    expect(rtpOf(call).session!.srtpSuite).toMatch(/AES/);
    expect(rtpOf(callee).session!.srtpSuite).toBeUndefined();
    call.bye(alice.ep.now());
    await until(() => callee.state === "terminated" && endOf(call.callId) !== undefined);
    expect(engineMedia.stats.relays).toBe(0);
    const r = endOf(call.callId)!;
    expect([r.anchored, r.callerMedia?.codec, r.calleeMedia?.codec, r.calleeMedia?.srtp]).toEqual([true, "PCMU", "PCMU", undefined]);
    expect(r.callerMedia?.srtp).toMatch(/AES/);
    // What the relay counted of each peer's packets; neither leg ran a session on the server, so
    // there are no decoded figures (jitter, MOS) at all.
    const ra = r.callerMedia!.relay!;
    const rb = r.calleeMedia!.relay!;
    expect(ra.packetsForwarded).toBeGreaterThan(100);
    expect(rb.packetsForwarded).toBeGreaterThan(100);
    expect(ra.packetsExpected).toBeGreaterThanOrEqual(ra.packetsForwarded);
    expect([ra.packetsLost, rb.packetsLost, ra.packetsRefused, rb.packetsRefused]).toEqual([0, 0, 0, 0]);
    expect([r.callerMedia!.quality, r.calleeMedia!.quality]).toEqual([undefined, undefined]);
  });

  it("RFC 3264 §6.1: the callee leg is offered the caller's codec first, so a callee that answers in the offer's order agrees with the caller and the call is relayed", async () => {
    const bob = await phone({ codecs: [PCMU, PCMA], codecOrder: "offer", srtp: false }, answerer);
    table.set("prefer", { type: "bridge", uri: at(bob) });
    const alice = await phone({ codecs: [PCMA], srtp: false });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("prefer") });
    await until(() => call.state === "confirmed" && incomingOf(bob)?.state === "confirmed");
    const callee = incomingOf(bob)!;
    // The engine's own order would put PCMU before PCMA: bob saw PCMA first.
    const offered = parseSdp(first(bob, "incoming")!.request.body).media[0]!.formats;
    expect(offered[0]).toBe("8");
    await until(() => engineMedia.stats.relays === 1 && engineMedia.stats.streams === 0);
    call.bye(alice.ep.now());
    await until(() => callee.state === "terminated" && endOf(call.callId) !== undefined);
    const r = endOf(call.callId)!;
    expect([r.callerMedia?.codec, r.calleeMedia?.codec]).toEqual(["PCMA", "PCMA"]);
  });

  it("RFC 3264 §8.3.2, RFC 3550 §7.1: a re-INVITE that changes the caller's codec switches the bridge from relaying to transcoding, and one that changes it back relays again; tones pass throughout", async () => {
    const bob = await phone({ codecs: [PCMU], srtp: false }, answerer);
    table.set("switch", { type: "bridge", uri: at(bob), calleeMedia: { srtp: false, codecs: [PCMU] } });
    const alice = await phone({ codecs: [PCMU, PCMA], srtp: false });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("switch") });
    await until(() => call.state === "confirmed" && incomingOf(bob)?.state === "confirmed");
    const callee = incomingOf(bob)!;
    await until(() => engineMedia.stats.relays === 1 && engineMedia.stats.streams === 0);
    const a = toneAndRecord(rtpOf(call), 1000);
    const b = toneAndRecord(rtpOf(callee), 600);
    // The median frame of a second after each switch (a loaded machine conceals a few frames
    // around it; a missing or wrong signal spoils them all).
    const hears = async (from: number) => {
      await until(() => a.heard.length >= from + 80 && b.heard.length >= from + 80);
      expect(medianSnr(a.heard.slice(from + 30, from + 80), 600)).toBeGreaterThan(18);
      expect(medianSnr(b.heard.slice(from + 30, from + 80), 1000)).toBeGreaterThan(18);
    };
    await hears(0);
    // Alice now wants PCMA only: the engine's caller leg answers PCMA, the callee's stays PCMU.
    rtpOf(call).setCodecs([PCMA]);
    call.reinvite(alice.ep.now());
    await until(() => engineMedia.stats.relays === 0 && engineMedia.stats.streams === 2);
    // The engine switches when it answers; the caller when that 200 reaches it.
    await until(() => rtpOf(call).session?.codec === "PCMA");
    await hears(Math.max(a.heard.length, b.heard.length));
    // And back to PCMU: relayed again.
    rtpOf(call).setCodecs([PCMU]);
    call.reinvite(alice.ep.now());
    await until(() => engineMedia.stats.relays === 1 && engineMedia.stats.streams === 0);
    await hears(Math.max(a.heard.length, b.heard.length));
    a.stop();
    b.stop();
    call.bye(alice.ep.now());
    await until(() => callee.state === "terminated" && endOf(call.callId) !== undefined);
    const r = endOf(call.callId)!;
    // The relay's counts add up over both relayed stretches; the transcoded stretch has its session's figures.
    expect(r.calleeMedia!.relay!.packetsForwarded).toBeGreaterThan(60);
    expect(r.calleeMedia!.quality!.packetsReceived).toBeGreaterThan(20);
  });

  it("RFC 3264: without anchoring the session descriptions pass through — the caller's RTP goes straight to the callee", async () => {
    const bob = await phone({ codecs: [PCMU], srtp: false }, answerer);
    table.set("relay", { type: "bridge", uri: at(bob), anchorMedia: false });
    const alice = await phone({ codecs: [PCMU], srtp: false });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("relay") });
    await until(() => call.state === "confirmed");
    const callee = incomingOf(bob)!;
    // bob was offered alice's own port, and alice was answered with bob's.
    const offer = parseSdp(first(bob, "incoming")!.request.body);
    expect(offer.media[0]!.port).toBe(rtpOf(call).port);
    const answer = parseSdp(first(alice, "answered")!.response.body);
    expect(answer.media[0]!.port).toBe(rtpOf(callee).port);
    const a = toneAndRecord(rtpOf(call), 1000);
    const b = toneAndRecord(rtpOf(callee), 600);
    await until(() => a.heard.length >= 100 && b.heard.length >= 100);
    a.stop();
    b.stop();
    expect(medianSnr(a.heard.slice(50, 100), 600)).toBeGreaterThan(20);
    expect(medianSnr(b.heard.slice(50, 100), 1000)).toBeGreaterThan(20);
    expect(engineMedia.stats.streams).toBe(0);
    callee.bye(bob.ep.now());
    await until(() => call.state === "terminated");
    expect([first(alice, "terminated")?.reason, first(alice, "terminated")?.by]).toEqual(["bye", "remote"]);
    await until(() => endOf(call.callId) !== undefined);
    expect([endOf(call.callId)!.anchored, endOf(call.callId)!.endedBy]).toEqual([false, "callee"]);
  });

  it("RFC 3262 §3, RFC 3261 §13.3.1: a reliable 183 with early media then an immediate 200 reach the caller in order, the 183 PRACKed on both legs", async () => {
    const bob = await phone({ codecs: [PCMU], srtp: false }, (e, now) => {
      if (e.type !== "incoming") return;
      e.session.progress(now, { reliable: true });
      e.session.answer(now);
    });
    table.set("early", { type: "bridge", uri: at(bob) });
    const alice = await phone({ codecs: [PCMU], srtp: false });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("early"), headers: [["Supported", "100rel"]] });
    await until(() => call.state === "confirmed");
    const progress = alice.events.filter((e) => e.type === "progress") as Ev<"progress">[];
    expect(progress.map((p) => [p.response.status, p.reliable])).toEqual([[183, true]]);
    expect(types(alice).indexOf("progress")).toBeLessThan(types(alice).indexOf("answered"));
    expect(types(alice)).toContain("early-media");
    call.bye(alice.ep.now());
    await until(() => incomingOf(bob)!.state === "terminated");
  });

  it("RFC 3261 §9.1: a CANCEL from the caller is forwarded — the ringing callee's INVITE is cancelled, the caller gets 487", async () => {
    const bob = await phone({ codecs: [PCMU], srtp: false }, (e, now) => {
      if (e.type === "incoming") e.session.ring(now);
    });
    table.set("cancel", { type: "bridge", uri: at(bob) });
    const alice = await phone({ codecs: [PCMU], srtp: false });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("cancel") });
    await until(() => first(alice, "progress") !== undefined);
    expect(first(alice, "progress")!.response.status).toBe(180);
    call.cancel(alice.ep.now());
    await until(() => call.state === "terminated" && first(bob, "terminated") !== undefined);
    expect([first(alice, "terminated")!.reason, first(alice, "terminated")!.status]).toEqual(["cancel", 487]);
    expect([first(bob, "terminated")!.reason, first(bob, "terminated")!.by]).toEqual(["cancel", "remote"]);
    await until(() => endOf(call.callId) !== undefined);
    expect(endOf(call.callId)!.disposition).toBe("cancelled");
  });

  it("RFC 3261 §16.7-like mapping: the callee's 486 reaches the caller as 486; a callee leg with no route is 503", async () => {
    const bob = await phone({ srtp: false }, (e, now) => {
      if (e.type === "incoming") e.session.reject(486, now);
    });
    table.set("busy", { type: "bridge", uri: at(bob) });
    table.set("noroute", { type: "bridge", uri: "sip:bob@unresolvable.invalid" });
    const alice = await phone({ srtp: false });
    const busy = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("busy") });
    const none = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("noroute") });
    await until(() => busy.state === "terminated" && none.state === "terminated");
    const statusOf = (s: InviteSession<Flow>) => (alice.events.find((e) => e.type === "terminated" && e.session === s) as Ev<"terminated">).status;
    expect([statusOf(busy), statusOf(none)]).toEqual([486, 503]);
    await until(() => endOf(busy.callId) !== undefined && endOf(none.callId) !== undefined);
    expect([endOf(busy.callId)!.disposition, endOf(none.callId)!.disposition]).toEqual(["busy", "failed"]);
  });

  it("RFC 3261 §22.2: a gateway that challenges the callee leg gets the route's credentials", async () => {
    const realm = "carrier";
    const guarded = await (async () => {
      const events: SessionEvent<Flow>[] = [];
      const media = await mediaDriver();
      const { rtpMediaHandlers } = await import("../../src/driver/index.ts");
      const ep = await endpoint(rtpMediaHandlers(media, { srtp: false, session: { sampleRate: 16000 } }), (e, now) => {
        events.push(e);
        answerer(e, now);
      }, {
        challenger: digestChallenger(createDigestServer({ realm }), (id) => (id.username === "acct" && id.realm === realm ? digestHa1("acct", realm, "s3cret") : undefined), { methods: ["INVITE"] }),
      });
      return { ep, events, media } as Phone;
    })();
    table.set("gw", { type: "bridge", uri: at(guarded), credentials: { username: "acct", password: "s3cret" } });
    table.set("gw-wrong", { type: "bridge", uri: at(guarded), credentials: { username: "acct", password: "wrong" } });
    const alice = await phone({ srtp: false });
    const ok = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("gw") });
    const refused = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("gw-wrong") });
    await until(() => ok.state === "confirmed" && refused.state === "terminated");
    const incoming = first(guarded, "incoming")!;
    expect(incoming.request.header("Authorization")).toMatch(/^Digest username="acct", realm="carrier"/);
    // A challenge we cannot answer is the gateway's refusal of us, not the caller's: 502.
    expect((alice.events.find((e) => e.type === "terminated" && e.session === refused) as Ev<"terminated">).status).toBe(502);
    ok.bye(alice.ep.now());
    await until(() => incoming.session.state === "terminated");
  });

  it("RFC 3264 §8.4, RFC 3311: hold and resume pass through the anchor by the method that carried them; BYE from the callee ends the caller", async () => {
    const bob = await phone({ codecs: [PCMU], srtp: false }, answerer);
    table.set("hold", { type: "bridge", uri: at(bob) });
    const alice = await phone({ codecs: [PCMU], srtp: false });
    const call = await alice.ep.invite({ from: "<sip:alice@127.0.0.1>", to: via("hold") });
    await until(() => call.state === "confirmed" && incomingOf(bob)?.state === "confirmed");
    const callee = incomingOf(bob)!;
    // One codec on both legs: the hold and resume below cross the relay, not two RTP sessions.
    await until(() => engineMedia.stats.relays === 1 && engineMedia.stats.streams === 0);
    call.hold(alice.ep.now());
    await until(() => callee.remoteHold);
    const holdEvents = bob.events.filter((e) => e.type === "hold") as Ev<"hold">[];
    expect(holdEvents.map((e) => e.by)).toEqual(["remote"]);
    expect((bob.events.find((e) => e.type === "modified") as Ev<"modified">).method).toBe("INVITE");
    call.resume(alice.ep.now(), { method: "UPDATE" });
    await until(() => !callee.remoteHold);
    expect((bob.events.filter((e) => e.type === "modified") as Ev<"modified">[]).map((e) => e.method)).toEqual(["INVITE", "UPDATE"]);
    // INFO (a DTMF relay) goes to the other leg.
    call.request("INFO", alice.ep.now(), { contentType: "application/dtmf-relay", body: "Signal=5\r\nDuration=160\r\n" });
    await until(() => bob.events.some((e) => e.type === "request"));
    expect((bob.events.find((e) => e.type === "request") as Ev<"request">).request.body.length).toBeGreaterThan(0);
    callee.bye(bob.ep.now());
    await until(() => call.state === "terminated");
    expect([first(alice, "terminated")!.reason, first(alice, "terminated")!.by]).toEqual(["bye", "remote"]);
    await sleep(50);
    expect(engine.activeCalls).toBe(0);
  });

  it("the caller's status for each way a callee leg fails (RFC 3261 §8.1.3.1, §16.7)", () => {
    expect(callerStatus("rejected", 486)).toBe(486);
    expect(callerStatus("rejected", 603)).toBe(603);
    expect(callerStatus("rejected", 407)).toBe(502);
    expect(callerStatus("rejected", 302)).toBe(480);
    expect(callerStatus("timeout", undefined)).toBe(408);
    expect(callerStatus("transport", undefined)).toBe(503);
    expect(callerStatus("media", undefined)).toBe(488);
  });
});
