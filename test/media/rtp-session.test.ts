import { describe, expect, it } from "vitest";
import { analyseTone, detectFrequency } from "../../src/media/index.ts";
import type { RtpSessionEvent } from "../../src/media/index.ts";
import { tryParseRtcpCompound } from "../../src/rtcp/index.ts";
import type { RtcpPacket } from "../../src/rtcp/index.ts";
import type { SdpCodec } from "../../src/sdp/index.ts";
import { MediaNetwork, received } from "./media-network.ts";
import type { End, PathConfig } from "./media-network.ts";

const PCMU: SdpCodec = { name: "PCMU", clockRate: 8000 };
const PCMA: SdpCodec = { name: "PCMA", clockRate: 8000 };
const OPUS: SdpCodec = { name: "opus", clockRate: 48000, channels: 2 };
const G722: SdpCodec = { name: "G722", clockRate: 8000 };
/** The lossy path: 5 % loss, 30 ms RFC 3550 A.8 jitter (uniform spread over 90 ms), reordering. */
const LOSSY: PathConfig = { loss: 0.05, delayMs: 40, jitterSpanMs: 90 };

function call(codec: SdpCodec, path: PathConfig, seed = 3, extra: { sampleRate?: number } = {}) {
  const session = extra.sampleRate ? { sampleRate: extra.sampleRate } : {};
  return new MediaNetwork({ codecs: [codec], toneHz: 1000, session }, { codecs: [codec], toneHz: 700, session }, { ab: path, ba: path, seed });
}

/** The RTCP compounds `e` sent (plain RTP only), parsed. */
function reports(e: End): { at: number; packets: RtcpPacket[] }[] {
  return e.sent
    .filter((s) => s.t.rtcp)
    .map((s) => {
      const r = tryParseRtcpCompound(s.t.data);
      if (!r.ok) throw new Error(`bad RTCP sent: ${r.code}`);
      return { at: s.at, packets: r.value };
    });
}

const types = (events: RtpSessionEvent[]) => events.map((e) => e.type);

describe("RTP session: a tone between two sessions on a simulated network", () => {
  // Each codec's bound under the lossy path, with its concealment: G.711 Appendix-I-style PLC,
  // Opus's own PLC and in-band FEC.
  const cases: [SdpCodec, number, number][] = [
    [PCMU, 20, 8000],
    [PCMA, 20, 8000],
    // RFC 3551 §4.5.2: 16 kHz audio on an 8000 Hz RTP clock.
    [G722, 20, 16000],
    [OPUS, 15, 48000],
  ];
  for (const [codec, snrDb, rate] of cases) {
    it(`RFC 3550 §5.1 / RFC 3551: ${codec.name} both ways across 5 % loss, reordering and 30 ms jitter: frequency and SNR`, () => {
      const net = call(codec, LOSSY, 3);
      net.run(codec === OPUS ? 6000 : 12000);
      for (const [end, hz] of [[net.b, 1000], [net.a, 700]] as const) {
        expect(end.session.sampleRate).toBe(rate);
        const rx = received(end, 1500, 20);
        expect(Math.abs(detectFrequency(rx, rate) - hz)).toBeLessThan(1);
        expect(analyseTone(rx, rate, hz).snrDb).toBeGreaterThan(snrDb);
      }
    });
  }

  it("RFC 3550 §5.1: on a clean path G.711 keeps its own quantisation bound (> 35 dB for a −10 dBm0 tone)", () => {
    const net = call(PCMU, { delayMs: 30 });
    net.run(4000);
    const rx = received(net.b, 1000, 20);
    expect(analyseTone(rx, 8000, 1000).snrDb).toBeGreaterThan(35);
    expect(net.b.session.quality.packetsLost).toBe(0);
    expect(net.b.session.quality.concealedMs).toBe(0);
  });

  it("the application's rate differs from the codec's (16 kHz PCM over PCMU): resampled both ways", () => {
    const net = call(PCMU, { delayMs: 30 }, 5, { sampleRate: 16000 });
    net.run(4000);
    expect(net.b.session.sampleRate).toBe(16000);
    const rx = received(net.b, 1000, 20);
    expect(rx.length).toBeGreaterThan(16000 * 2.5);
    expect(Math.abs(detectFrequency(rx, 16000) - 1000)).toBeLessThan(1);
    expect(analyseTone(rx, 16000, 1000).snrDb).toBeGreaterThan(30);
  });

  it("Opus at 16 kHz PCM is coded without resampling (libopus takes the rate)", () => {
    const net = call(OPUS, { delayMs: 30 }, 5, { sampleRate: 16000 });
    net.run(3000);
    const rx = received(net.b, 1000, 20);
    expect(net.b.audio[60]!.length).toBe(320);
    expect(analyseTone(rx, 16000, 1000).snrDb).toBeGreaterThan(15);
  });

  it("the jitter buffer keeps audio continuous under the lossy path: one frame per ptime, concealment ≈ loss", () => {
    const net = call(PCMU, LOSSY, 11);
    net.run(10000);
    // One 20 ms frame per tick from the start, whatever arrived.
    expect(net.b.audio.length).toBeGreaterThanOrEqual(499);
    expect(net.b.audio.every((f) => f.length === 160)).toBe(true);
    const q = net.b.session.quality;
    expect(q.lossPercent).toBeGreaterThan(2);
    expect(q.lossPercent).toBeLessThan(9);
    // Concealed audio is the lost and late packets (plus a few frames of buffer adaptation).
    expect(q.concealedMs).toBeGreaterThanOrEqual(q.packetsLost * 20 * 0.9);
    expect(q.concealedMs).toBeLessThan((q.packetsLost + q.lateDiscarded) * 20 + 400);
  });
});

describe("RTP session: RTCP", () => {
  it("RFC 3550 §6.4.1: the peer's reports show the injected loss and jitter, within tolerance", () => {
    const net = call(PCMU, LOSSY, 7);
    net.run(20000);
    for (const [end, peer] of [[net.a, net.b], [net.b, net.a]] as const) {
      const remote = end.session.quality.remote!;
      expect(remote).toBeDefined();
      // What the peer actually missed of ours, by its own count, against what it reported.
      const missed = peer.session.quality.packetsLost;
      expect(Math.abs(remote.cumulativeLost - missed)).toBeLessThanOrEqual(missed * 0.25 + 3);
      expect(remote.cumulativeLost / end.session.quality.packetsSent).toBeGreaterThan(0.02);
      expect(remote.cumulativeLost / end.session.quality.packetsSent).toBeLessThan(0.09);
      // RFC 3550 A.8: uniform extra delay over 90 ms gives 30 ms of interarrival jitter.
      expect(remote.jitterMs).toBeGreaterThan(22);
      expect(remote.jitterMs).toBeLessThan(38);
    }
  });

  it("RFC 3550 §6.4.1: round-trip time from LSR and DLSR equals the path's round trip", () => {
    const net = new MediaNetwork({ codecs: [PCMU], toneHz: 1000 }, { codecs: [PCMU], toneHz: 700 }, { ab: { delayMs: 35 }, ba: { delayMs: 45 } });
    net.run(15000);
    expect(net.a.session.quality.rttMs).toBeCloseTo(80, 0);
    expect(net.b.session.quality.rttMs).toBeCloseTo(80, 0);
  });

  it("RFC 3550 §6.1: each compound starts with SR (we sent) and carries SDES CNAME; a receive-only end sends RR", () => {
    const net = new MediaNetwork({ codecs: [PCMU], toneHz: 1000 }, { codecs: [PCMU], toneHz: 700 }, { ab: { delayMs: 20 }, ba: { delayMs: 20 } });
    // a holds b before anything is sent (RFC 3264 §8.4: a sendonly, so b may only receive).
    net.reinvite({ direction: "sendonly" });
    net.run(14000);
    const sent = reports(net.a);
    const got = reports(net.b);
    expect(sent.length).toBeGreaterThan(1);
    expect(got.length).toBeGreaterThan(1);
    for (const r of sent) {
      expect(r.packets[0]!.type).toBe("sr");
      const sdes = r.packets.find((p) => p.type === "sdes");
      expect(sdes?.type === "sdes" && new TextDecoder().decode(sdes.chunks[0]!.items[0]!.value)).toBe(net.a.session.cname);
    }
    for (const r of got) expect(r.packets.map((p) => p.type).slice(0, 2)).toEqual(["rr", "sdes"]);
    expect(net.b.session.counters.rtpSent).toBe(0);
  });

  it("RFC 3550 §6.3 / A.7: reports come at the randomized interval around the 5 s minimum (the first at half)", () => {
    const net = call(PCMU, { delayMs: 20 });
    net.run(60000);
    const at = reports(net.a).map((r) => r.at);
    expect(at.length).toBeGreaterThan(8);
    // T = Td · [0.5, 1.5) / (e − 3/2) with Td = 5 s (2.5 s for the first).
    expect(at[0]!).toBeGreaterThanOrEqual(2500 * 0.5 / (Math.E - 1.5) - 1);
    expect(at[0]!).toBeLessThanOrEqual(2500 * 1.5 / (Math.E - 1.5) + 21);
    for (let i = 1; i < at.length; i++) {
      const d = at[i]! - at[i - 1]!;
      expect(d).toBeGreaterThanOrEqual((5000 * 0.5) / (Math.E - 1.5) - 21);
      expect(d).toBeLessThanOrEqual((5000 * 1.5) / (Math.E - 1.5) + 21);
    }
  });

  it("RFC 3611 §4.7: XR VoIP Metrics are sent and parsed: loss rate, Gmin, round trip, MOS, receiver configuration", () => {
    const net = call(PCMU, LOSSY, 13);
    net.run(20000);
    const m = net.a.session.quality.remote?.voipMetrics;
    expect(m).toBeDefined();
    expect(m!.ssrc).toBe(net.a.session.ssrc);
    expect(m!.lossRate / 256).toBeGreaterThan(0.02);
    expect(m!.lossRate / 256).toBeLessThan(0.09);
    expect(m!.gmin).toBe(16);
    expect(m!.roundTripDelay).toBeGreaterThan(80);
    expect(m!.mosCq).toBeGreaterThan(25);
    expect(m!.mosCq).toBeLessThanOrEqual(m!.mosLq);
    // RX config: PLC standard (11), jitter buffer adaptive (11).
    expect(m!.rxConfig).toBe(0xf0);
    expect(m!.jbAbsMax).toBe(300);
  });

  it("quality is live (events after each report) and kept at the end: MOS falls with loss", () => {
    const clean = call(PCMU, { delayMs: 20 });
    clean.run(8000);
    const lossy = call(PCMU, { ...LOSSY, loss: 0.1 }, 17);
    lossy.run(8000);
    expect(types(clean.b.events).filter((t) => t === "quality").length).toBeGreaterThan(1);
    expect(clean.b.session.quality.mos).toBeGreaterThan(4.3);
    expect(lossy.b.session.quality.mos).toBeLessThan(clean.b.session.quality.mos - 0.5);
    lossy.b.session.close(lossy.now);
    lossy.drain(lossy.b);
    const closed = lossy.b.events.find((e) => e.type === "closed");
    expect(closed?.type === "closed" && closed.quality.packetsReceived).toBe(lossy.b.session.quality.packetsReceived);
    expect(lossy.b.session.quality.mos).toBe(closed?.type === "closed" ? closed.quality.mos : NaN);
  });

  it("RFC 3550 §6.6: close sends a BYE; the peer reports remote-bye", () => {
    const net = call(PCMU, { delayMs: 20 });
    net.run(2000);
    net.a.session.close(net.now, "bye now");
    net.drain(net.a);
    const last = net.a.sent[net.a.sent.length - 1]!;
    const r = tryParseRtcpCompound(last.t.data);
    expect(r.ok && r.value.map((p) => p.type)).toEqual(["sr", "sdes", "xr", "bye"]);
    net.run(2100);
    const bye = net.b.events.find((e) => e.type === "remote-bye");
    expect(bye).toEqual({ type: "remote-bye", ssrc: net.a.session.ssrc, reason: "bye now" });
    expect(net.a.session.pollTimeout()).toBeUndefined();
  });

  it("RFC 3550 §6.3.7: a session that never sent RTP or RTCP sends no BYE", () => {
    const net = new MediaNetwork({ codecs: [PCMU] }, { codecs: [PCMU] });
    net.a.session.close(0);
    net.drain(net.a);
    expect(net.a.sent).toEqual([]);
  });

  it("RFC 5761 §4: with rtcp-mux RTCP shares the RTP port; without it RTCP goes to port + 1", () => {
    const mux = call(PCMU, { delayMs: 20 });
    mux.run(8000);
    expect(mux.a.session.rtcpMux).toBe(true);
    expect(mux.a.sent.filter((s) => s.t.rtcp).every((s) => s.t.to.port === 50000)).toBe(true);
    expect(mux.b.session.counters.rtcpReceived).toBeGreaterThan(0);
    const split = new MediaNetwork({ codecs: [PCMU], rtcpMux: false, toneHz: 1000 }, { codecs: [PCMU], rtcpMux: false, toneHz: 700 });
    split.run(8000);
    expect(split.a.session.rtcpMux).toBe(false);
    expect(split.a.sent.filter((s) => s.t.rtcp).every((s) => s.t.to.port === 50001)).toBe(true);
    expect(split.b.session.counters.rtcpReceived).toBeGreaterThan(0);
    expect(split.b.session.quality.rttMs).toBeDefined();
  });
});
