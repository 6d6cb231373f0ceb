import { afterAll, describe, expect, it } from "vitest";
import { createCallEngine, echoService, parkService, playbackService } from "../../src/engine/index.ts";
import type { CallAction, CdrEvent } from "../../src/engine/index.ts";
import { concatPcm, detectFrequency, encodeWav, generateTone, PCMA, PCMU } from "../../src/media/index.ts";
import type { SessionEvent } from "../../src/session/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { until } from "../runtimes/helpers.ts";
import { closeAll, endpoint, mediaDriver, medianSnr, phone, portOf, record, rtpOf, runtime, sleep, toneAndRecord } from "./loopback.ts";

// The built-in services on a real session endpoint and media driver over loopback UDP, called by a
// siphon phone with its own media: what comes back is judged by its frequency and SNR.
afterAll(closeAll);

const cdrs: CdrEvent[] = [];
const media = await mediaDriver();
/** The PCM rate of each echo call's media session, read when the service starts. */
const echoRates: number[] = [];
const echo = echoService();
const wav = encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone({ sampleRate: 8000, frequencies: [800], durationMs: 1200 }) });
const routes: Record<string, CallAction> = {
  echo: { type: "service", service: "echo" },
  "echo-srtp": { type: "service", service: "echo-srtp" },
  tone: { type: "service", service: "playback" },
  wav: { type: "service", service: "wav" },
  park: { type: "service", service: "park" },
  busy: { type: "reject", status: 486 },
};
const engine = createCallEngine({
  clock: runtime,
  media,
  services: [
    { ...echo, start: (call) => (echoRates.push(call.media.session?.sampleRate ?? 0), echo.start(call)) },
    echoService({ name: "echo-srtp", media: { srtp: { mandatory: true } } }),
    playbackService({ source: { tone: { frequencies: [600] } }, durationMs: 1500 }),
    playbackService({ name: "wav", source: { wav } }),
    parkService({ source: { tone: { frequencies: [425] } } }),
  ],
  route: ({ request }) => routes[request.uri.scheme === "tel" ? "" : (request.uri.user ?? "")],
  onCdr: (e) => cdrs.push(e),
});
const server = await endpoint(engine.media, (e, now) => engine.handleSessionEvent(e, now), { authenticator: engine.authenticator });
engine.attach(server);
const uri = (user: string) => `<sip:${user}@127.0.0.1:${portOf(server)}>`;

const ended = (events: SessionEvent<Flow>[]) => events.find((e) => e.type === "terminated") as Extract<SessionEvent<Flow>, { type: "terminated" }> | undefined;
const endOf = (callId: string) => cdrs.find((c) => c.type === "end" && c.record.callId === callId)?.record;

describe(`engine services over loopback on ${runtime.name}`, () => {
  it("RFC 3264 §6.1 / RFC 3550: echo answers in the caller's first codec (PCMA before PCMU) and the 1 kHz tone comes back", async () => {
    const caller = await phone({ codecs: [PCMA, PCMU], srtp: false });
    const call = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("echo") });
    await until(() => call.state === "confirmed");
    const m = rtpOf(call);
    const { heard, stop } = toneAndRecord(m, 1000);
    await until(() => heard.length >= 120);
    stop();
    call.bye(caller.ep.now());
    const rx = heard.slice(60, 120);
    expect(Math.abs(detectFrequency(concatPcm(rx), 16000) - 1000)).toBeLessThan(3);
    expect(medianSnr(rx, 1000)).toBeGreaterThan(20);
    expect(m.session!.codec).toBe("PCMA");
    await until(() => endOf(call.callId) !== undefined);
    const r = endOf(call.callId)!;
    expect([r.service, r.disposition, r.endedBy, r.callerMedia?.codec]).toEqual(["echo", "answered", "caller", "PCMA"]);
    expect(r.callerMedia!.quality!.packetsReceived).toBeGreaterThan(100);
    // A service's call runs at its codec's rate (G.711: 8 kHz), not the bridges' 16 kHz: no resampling.
    expect(echoRates).toEqual([8000]);
  });

  it("RFC 4568 / RFC 3711: echo with SDES-SRTP mandatory: a plain RTP offer is refused 488, an RTP/SAVP one answered and echoed", async () => {
    const plain = await phone({ srtp: false });
    const refused = await plain.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("echo-srtp") });
    await until(() => refused.state === "terminated");
    expect(ended(plain.events)?.status).toBe(488);
    const caller = await phone({ codecs: [PCMU], srtp: { mandatory: true } });
    const call = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("echo-srtp") });
    await until(() => call.state === "confirmed");
    const m = rtpOf(call);
    const { heard, stop } = toneAndRecord(m, 1000);
    await until(() => heard.length >= 100);
    stop();
    call.bye(caller.ep.now());
    expect(m.session!.srtpSuite).toBeDefined();
    expect(medianSnr(heard.slice(50, 100), 1000)).toBeGreaterThan(20);
    await until(() => endOf(call.callId) !== undefined);
    expect(endOf(call.callId)!.callerMedia!.srtp).toBe(m.session!.srtpSuite);
  });

  it("RFC 3261 §15: playback plays its 600 Hz tone for its duration, then hangs up with BYE", async () => {
    const caller = await phone({ codecs: [PCMU], srtp: false });
    const call = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("tone") });
    await until(() => call.state === "confirmed");
    const heard = record(rtpOf(call));
    await until(() => call.state === "terminated", 10_000);
    const end = ended(caller.events)!;
    expect([end.reason, end.by]).toEqual(["bye", "remote"]);
    // 1.5 s of tone, less the jitter buffer's start: most of it is heard, and it is 600 Hz.
    expect(heard.length).toBeGreaterThan(40);
    expect(medianSnr(heard.slice(10, 40), 600)).toBeGreaterThan(20);
    await until(() => endOf(call.callId) !== undefined);
    expect([endOf(call.callId)!.endedBy, endOf(call.callId)!.disposition]).toEqual(["engine", "answered"]);
  });

  it("RFC 3261 §15: playback of a WAV file (8 kHz, 1.2 s of 800 Hz) to its end, then BYE", async () => {
    const caller = await phone({ codecs: [PCMU], srtp: false });
    const call = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("wav") });
    await until(() => call.state === "confirmed");
    const heard = record(rtpOf(call));
    await until(() => call.state === "terminated", 10_000);
    expect(heard.length).toBeGreaterThan(30);
    expect(Math.abs(detectFrequency(concatPcm(heard.slice(10, 40)), 16000) - 800)).toBeLessThan(3);
  });

  it("RFC 3261 §15.1.2: park plays its tone until the caller hangs up", async () => {
    const caller = await phone({ codecs: [PCMU], srtp: false });
    const call = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("park") });
    await until(() => call.state === "confirmed");
    const heard = record(rtpOf(call));
    await sleep(1500);
    expect(call.state).toBe("confirmed");
    call.bye(caller.ep.now());
    expect(medianSnr(heard.slice(20, 60), 425)).toBeGreaterThan(20);
    await until(() => endOf(call.callId) !== undefined);
    expect([endOf(call.callId)!.service, endOf(call.callId)!.endedBy]).toEqual(["park", "caller"]);
  });

  it("RFC 3261 §21.4.5, §21.4.24: routing's reject gives its status; nothing routed is 404", async () => {
    const caller = await phone({ srtp: false });
    const busy = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("busy") });
    const none = await caller.ep.invite({ from: "<sip:alice@127.0.0.1>", to: uri("nobody") });
    await until(() => busy.state === "terminated" && none.state === "terminated");
    const statuses = caller.events.filter((e) => e.type === "terminated").map((e) => (e as { status?: number }).status);
    expect(statuses.sort()).toEqual([404, 486]);
    expect(engine.activeCalls).toBe(0);
  });
});

