// Interop: baresip (Debian's baresip-core) against siphon's call engine, run in this process on
// Node: baresip calls the echo service (G.711 in plain RTP, and with SDES-SRTP made mandatory by
// baresip) and its tone must come back; two baresip user agents call each other through the B2BUA
// with media anchored — SDES-SRTP on the caller's leg, plain RTP on the callee's; transcoded when
// their codecs differ, relayed when they agree — and each must hear the other's tone. tshark's dissectors must find nothing malformed in any capture.
// Run by `npm run test:interop` (CI installs baresip-core and tshark).
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import { createMediaDriver, createSessionEndpoint } from "../../src/driver/index.ts";
import type { MediaDriver, SessionEndpoint } from "../../src/driver/index.ts";
import { createCallEngine, echoService } from "../../src/engine/index.ts";
import type { CallAction, CallEngine, CdrEvent } from "../../src/engine/index.ts";
import { analyseTone, detectFrequency, parseWav } from "../../src/media/index.ts";
import { startBaresip } from "./peers/baresip.ts";
import type { Baresip } from "./peers/baresip.ts";
import { checkCapture, startCapture } from "./peers/tshark.ts";

const SIP = 27060;
const RTP = [27100, 27199] as const;
const PEER_RTP = ["27200-27299", "27300-27399"] as const;
const ALICE = 27064;
const BOB = 27066;

/**
 * The received tone of a baresip's sndfile dump, from 1 s in (setup and jitter buffers settled):
 * its frequency, and the SNR of the median 20 ms frame — a loaded machine makes a few late packets
 * that are concealed, which spoil some frames, not the median; a wrong or missing signal spoils all.
 */
function received(peer: Baresip): { hz: number; snrDb: (f: number) => number } {
  const dec = peer.dumps().find((f) => f.endsWith("-dec.wav"));
  if (dec === undefined) throw new Error(`no dump of received audio\n${peer.log().slice(-2000)}`);
  const wav = parseWav(readFileSync(dec));
  const rx = wav.samples.subarray(wav.sampleRate * wav.channels);
  const mono = wav.channels === 1 ? rx : rx.filter((_, k) => k % wav.channels === 0);
  const frame = wav.sampleRate / 50;
  const medianSnr = (f: number) => {
    const snr: number[] = [];
    for (let at = 0; at + frame <= mono.length; at += frame) snr.push(analyseTone(mono, wav.sampleRate, f, at, frame).snrDb);
    snr.sort((a, b) => a - b);
    return snr[snr.length >> 1] ?? -Infinity;
  };
  return { hz: detectFrequency(mono, wav.sampleRate), snrDb: medianSnr };
}

describe("baresip and siphon's call engine (services, B2BUA with media anchoring) on Node", () => {
  let media: MediaDriver;
  let engine: CallEngine;
  let server: SessionEndpoint;
  const cdrs: CdrEvent[] = [];
  const routes: Record<string, CallAction> = {
    echo: { type: "service", service: "echo" },
    bob: { type: "bridge", uri: `sip:interop@127.0.0.1:${BOB}`, anchorMedia: true, calleeMedia: { srtp: false } },
  };

  beforeAll(async () => {
    const runtime = await loadRuntime();
    media = await createMediaDriver({ runtime, host: "127.0.0.1", ports: { minPort: RTP[0], maxPort: RTP[1], spare: 8 } });
    engine = createCallEngine({
      clock: runtime,
      media,
      services: [echoService()],
      route: ({ request }) => routes[(request.uri as { user?: string }).user ?? ""],
      onCdr: (e) => cdrs.push(e),
    });
    server = await createSessionEndpoint({
      runtime,
      listen: [{ transport: "UDP", host: "127.0.0.1", port: SIP }],
      media: engine.media,
      authenticator: engine.authenticator,
      methods: ["INFO"],
      userAgent: "siphon engine",
      onSessionEvent: (e, now) => engine.handleSessionEvent(e, now),
    });
    engine.attach(server);
  });
  afterAll(async () => {
    await server?.close();
    media?.close();
  });

  const echoCases = [
    { name: "G.711 μ-law, plain RTP", codecs: "PCMU/8000/1", srtp: false },
    { name: "G.711 A-law, SDES-SRTP mandatory (RTP/SAVP)", codecs: "PCMA/8000/1", mediaenc: "srtp-mand" as const, srtp: true },
  ];
  for (const [i, c] of echoCases.entries()) {
    it(`RFC 3550${c.srtp ? " / RFC 4568 / RFC 3711" : ""}: baresip calls the echo service, ${c.name}: its 700 Hz tone comes back, the capture is clean`, async () => {
      const pcap = join(tmpdir(), `siphon-engine-echo-${i}-${Date.now()}.pcap`);
      const capture = await startCapture(pcap, `udp port ${SIP} or udp portrange ${RTP[0]}-${RTP[1]} or udp portrange ${PEER_RTP[0]}`);
      const peer = await startBaresip({ sipPort: ALICE, ctrlPort: 27464, rtpPorts: PEER_RTP[0], codecs: c.codecs, toneHz: 700, dump: true, ...(c.mediaenc ? { mediaenc: c.mediaenc } : {}) });
      try {
        const established = peer.event("CALL_ESTABLISHED");
        expect((await peer.command("dial", `sip:echo@127.0.0.1:${SIP}`)).ok).toBe(true);
        await established;
        await new Promise((r) => setTimeout(r, 4000));
        const closed = peer.event("CALL_CLOSED");
        await peer.command("hangup");
        await closed;
      } finally {
        await peer.stop();
        await new Promise((r) => setTimeout(r, 300));
        await capture.stop();
      }
      const rx = received(peer);
      expect(Math.abs(rx.hz - 700)).toBeLessThan(2);
      expect(rx.snrDb(700)).toBeGreaterThan(25);
      const check = checkCapture(pcap, { sipPort: SIP, rtpPorts: [] });
      expect(check.malformed, check.problems).toBe(0);
      expect(check.expertErrors, check.problems).toBe(0);
      expect(check.rtp).toBeGreaterThan(300);
      if (c.srtp) expect(check.srtp).toBe(check.rtp);
      const end = cdrs.find((e) => e.type === "end" && e.record.service === "echo" && e.record.callerMedia?.codec === c.codecs.split("/")[0]);
      expect(end?.record.disposition).toBe("answered");
      expect(end?.record.callerMedia?.srtp !== undefined).toBe(c.srtp);
    });
  }

  const bridges = [
    { name: "PCMU on the caller's leg, PCMA on the callee's: transcoded", bob: "PCMA", relayed: false },
    { name: "PCMU on both legs: relayed without decoding (RFC 3550 §7.1 translator)", bob: "PCMU", relayed: true },
  ];
  for (const c of bridges) it(`RFC 3264 / RFC 4568: two baresip user agents call through the B2BUA with media anchored, SRTP on the caller's leg and RTP on the callee's, ${c.name}: each hears the other's tone`, async () => {
    const pcap = join(tmpdir(), `siphon-engine-bridge-${Date.now()}.pcap`);
    const capture = await startCapture(pcap, `udp port ${SIP} or udp port ${BOB} or udp portrange ${RTP[0]}-${RTP[1]} or udp portrange ${PEER_RTP[0]} or udp portrange ${PEER_RTP[1]}`);
    const bob = await startBaresip({ sipPort: BOB, ctrlPort: 27466, rtpPorts: PEER_RTP[1], codecs: `${c.bob}/8000/1`, toneHz: 1100, dump: true });
    const alice = await startBaresip({ sipPort: ALICE, ctrlPort: 27464, rtpPorts: PEER_RTP[0], codecs: "PCMU/8000/1", toneHz: 700, dump: true, mediaenc: "srtp-mand" });
    const relayedBefore = engine.counters.relayed;
    let during = { relays: -1, streams: -1 };
    try {
      const established = alice.event("CALL_ESTABLISHED");
      const bobEstablished = bob.event("CALL_ESTABLISHED");
      expect((await alice.command("dial", `sip:bob@127.0.0.1:${SIP}`)).ok).toBe(true);
      await Promise.all([established, bobEstablished]);
      await new Promise((r) => setTimeout(r, 4000));
      during = { relays: media.stats.relays, streams: media.stats.streams };
      const closed = bob.event("CALL_CLOSED");
      await alice.command("hangup");
      await closed;
    } finally {
      await alice.stop();
      await bob.stop();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    const atAlice = received(alice);
    const atBob = received(bob);
    expect(Math.abs(atAlice.hz - 1100)).toBeLessThan(3);
    expect(Math.abs(atBob.hz - 700)).toBeLessThan(3);
    expect(atAlice.snrDb(1100)).toBeGreaterThan(20);
    expect(atBob.snrDb(700)).toBeGreaterThan(20);
    const check = checkCapture(pcap, { sipPort: SIP, rtpPorts: [] });
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    // Both legs carry media: SRTP on alice's, plain RTP on bob's.
    expect(check.srtp).toBeGreaterThan(300);
    expect(check.rtp - check.srtp).toBeGreaterThan(300);
    const end = cdrs.filter((e) => e.type === "end" && e.record.target === `sip:interop@127.0.0.1:${BOB}`).at(-1)?.record;
    expect([end?.anchored, end?.disposition, end?.endedBy]).toEqual([true, "answered", "caller"]);
    expect([end?.callerMedia?.codec, end?.calleeMedia?.codec, end?.calleeMedia?.srtp]).toEqual(["PCMU", c.bob, undefined]);
    expect(end?.callerMedia?.srtp).toBeDefined();
    if (!c.relayed) {
      expect([during, engine.counters.relayed]).toEqual([{ relays: 0, streams: 2 }, relayedBefore]);
      expect(end!.callerMedia!.quality!.packetsReceived).toBeGreaterThan(150);
      expect(end!.calleeMedia!.quality!.packetsReceived).toBeGreaterThan(150);
      return;
    }
    // Relayed: no RTP session on the server while the call ran; the relay counted each peer's packets.
    expect([during, engine.counters.relayed]).toEqual([{ relays: 1, streams: 0 }, relayedBefore + 1]);
    expect(end!.callerMedia!.relay!.packetsForwarded).toBeGreaterThan(150);
    expect(end!.calleeMedia!.relay!.packetsForwarded).toBeGreaterThan(150);
    expect([end!.callerMedia!.relay!.packetsLost, end!.calleeMedia!.relay!.packetsLost]).toEqual([0, 0]);
    // The callee leg never ran a session: its figures are the relay's alone.
    expect(end!.calleeMedia!.quality).toBeUndefined();
  });
});
