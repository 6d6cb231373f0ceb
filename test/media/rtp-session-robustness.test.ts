import { describe, expect, it } from "vitest";
import { analyseTone } from "../../src/media/index.ts";
import type { MediaAddress, RtpSessionCounters } from "../../src/media/index.ts";
import { parseRtcpCompound } from "../../src/rtcp/index.ts";
import type { SdpCodec } from "../../src/sdp/index.ts";
import { prng } from "../prng.ts";
import { MediaNetwork, received } from "./media-network.ts";
import type { End } from "./media-network.ts";

const PCMU: SdpCodec = { name: "PCMU", clockRate: 8000 };
const STRANGER: MediaAddress = { host: "203.0.113.66", port: 1234 };

function talk(o: { latching?: boolean; srtp?: boolean; natB?: MediaAddress; rtpTimeoutMs?: number } = {}) {
  const session = { ...(o.latching !== undefined ? { latching: o.latching } : {}), ...(o.rtpTimeoutMs !== undefined ? { rtpTimeoutMs: o.rtpTimeoutMs } : {}) };
  const srtp = o.srtp ? { srtp: { mandatory: true } } : {};
  return new MediaNetwork(
    { codecs: [PCMU], toneHz: 1000, session, ...srtp },
    { codecs: [PCMU], toneHz: 700, session, ...srtp, ...(o.natB ? { nat: o.natB } : {}) },
    { ab: { delayMs: 20, jitterSpanMs: 10 }, ba: { delayMs: 20, jitterSpanMs: 10 } },
  );
}

/** A plain RTP packet of `payload` bytes. */
function rtp(o: { ssrc: number; seq: number; ts: number; pt?: number; payload?: number; marker?: boolean }): Uint8Array {
  const p = new Uint8Array(12 + (o.payload ?? 160));
  p[0] = 0x80;
  p[1] = (o.marker ? 0x80 : 0) | (o.pt ?? 0);
  p[2] = (o.seq >> 8) & 0xff;
  p[3] = o.seq & 0xff;
  new DataView(p.buffer).setUint32(4, o.ts >>> 0);
  new DataView(p.buffer).setUint32(8, o.ssrc >>> 0);
  p.fill(0xff, 12);
  return p;
}

/** The last RTP datagram `e` sent. */
function lastRtp(e: End): Uint8Array {
  for (let i = e.sent.length - 1; i >= 0; i--) if (!e.sent[i]!.t.rtcp) return e.sent[i]!.t.data;
  throw new Error("no RTP sent");
}

const delta = (before: RtpSessionCounters, after: RtpSessionCounters) =>
  Object.fromEntries(Object.entries(after).filter(([k, v]) => v !== before[k as keyof RtpSessionCounters]).map(([k, v]) => [k, v - before[k as keyof RtpSessionCounters]]));

describe("RTP session: bad input is counted and dropped (issue 10, Bad input)", () => {
  // One row per kind of bad datagram: what it is, and the counter it must move (and only it).
  const rows: [string, (net: MediaNetwork) => [Uint8Array, MediaAddress], Partial<RtpSessionCounters>][] = [
    ["a packet from an unexpected source (latched already)", (n) => [lastRtp(n.b), STRANGER], { unexpectedSource: 1 }],
    ["RFC 3550 §5.1: shorter than the fixed header", () => [new Uint8Array([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0]), { host: "198.51.100.2", port: 50000 }], { malformed: 1 }],
    ["RFC 3550 §5.1: CSRC list runs past the end", () => [Uint8Array.from([0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]), { host: "198.51.100.2", port: 50000 }], { malformed: 1 }],
    ["RFC 3550 §5.1: padding longer than the packet", (n) => {
      const p = lastRtp(n.b).slice();
      p[0]! |= 0x20;
      p[p.length - 1] = 250;
      return [p, { host: "198.51.100.2", port: 50000 }];
    }, { malformed: 1 }],
    ["oversized (past maxPacketSize)", () => [rtp({ ssrc: 1, seq: 1, ts: 1, payload: 1600 }), { host: "198.51.100.2", port: 50000 }], { oversized: 1 }],
    ["RFC 7983: a STUN binding request on the RTP port", () => [Uint8Array.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...new Array(12).fill(7)]), { host: "198.51.100.2", port: 50000 }], { notRtp: 1 }],
    ["RFC 7983: a DTLS record on the RTP port", () => [Uint8Array.from([22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), { host: "198.51.100.2", port: 50000 }], { notRtp: 1 }],
    ["an empty datagram", () => [new Uint8Array(0), { host: "198.51.100.2", port: 50000 }], { notRtp: 1 }],
    ["RFC 3551: a payload type that was not negotiated", (n) => [rtp({ ssrc: ssrcOf(n.b), seq: seqOf(n.b) + 1, ts: 0, pt: 18 }), { host: "198.51.100.2", port: 50000 }], { unknownPayloadType: 1 }],
    ["RFC 3550 §8: a packet from an SSRC that is not the one played", () => [rtp({ ssrc: 0xdeadbeef, seq: 9, ts: 9 }), { host: "198.51.100.2", port: 50000 }], { wrongSsrc: 1 }],
    ["RFC 3550 A.2: an RTCP compound whose lengths do not add up", () => [Uint8Array.from([0x80, 201, 0, 7, 0, 0, 0, 1]), { host: "198.51.100.2", port: 50000 }], { rtcpMalformed: 1 }],
    ["RFC 3550 A.2: an RTCP compound that does not start with SR or RR", () => [Uint8Array.from([0x81, 203, 0, 1, 0, 0, 0, 1]), { host: "198.51.100.2", port: 50000 }], { rtcpMalformed: 1 }],
  ];
  for (const [what, make, moved] of rows) {
    it(`${what}: ${Object.keys(moved).join(", ")} counted, nothing else changes, the call carries on`, () => {
      const net = talk();
      net.run(1000);
      const [data, from] = make(net);
      const before = net.a.session.counters;
      net.inject(net.a, data, from);
      expect(delta(before, net.a.session.counters)).toEqual(moved);
      net.run(3000);
      expect(analyseTone(received(net.a, 1500, 20), 8000, 700).snrDb).toBeGreaterThan(35);
    });
  }

  it("RTCP on the RTP port without rtcp-mux, and RTP on the RTCP port, are not taken", () => {
    const net = new MediaNetwork({ codecs: [PCMU], rtcpMux: false, toneHz: 1000 }, { codecs: [PCMU], rtcpMux: false, toneHz: 700 });
    net.run(1000);
    const before = net.a.session.counters;
    net.inject(net.a, Uint8Array.from([0x80, 201, 0, 1, 0, 0, 0, 1]), net.b.rtp, "rtp");
    net.inject(net.a, lastRtp(net.b), net.b.rtcp, "rtcp");
    expect(delta(before, net.a.session.counters)).toEqual({ notRtp: 2 });
  });

  it("seeded random datagrams of every length on both ports: nothing throws, every one is counted, queues stay bounded", () => {
    const net = talk({ srtp: true });
    net.run(1000);
    const rnd = prng(99);
    const froms = [net.b.rtp, STRANGER];
    for (let i = 0; i < 20000; i++) {
      const n = Math.floor(rnd() * 200);
      const d = new Uint8Array(n);
      for (let k = 0; k < n; k++) d[k] = Math.floor(rnd() * 256);
      // Half of them look like RTP/RTCP (version 2), so they reach the deeper checks.
      if (n > 0 && rnd() < 0.5) d[0] = 0x80 | (d[0]! & 0x3f);
      net.a.session.handleRtp(d, froms[i & 1]!, net.now);
    }
    const c = net.a.session.counters;
    const dropped = c.unexpectedSource + c.notRtp + c.malformed + c.oversized + c.authFailed + c.replayed + c.srtpFailed + c.rtcpMalformed;
    expect(dropped).toBe(20000);
    net.run(3000);
    expect(analyseTone(received(net.a, 1500, 20), 8000, 700).snrDb).toBeGreaterThan(35);
  });

  it("bursts and gaps: a 2 s outage, then a burst of everything held back; the stream carries on", () => {
    const net = talk();
    net.run(2000);
    net.paths.ba = { delayMs: 20, loss: 1 };
    net.run(4000);
    // The path comes back with 300 ms of queued packets at once, then normal.
    net.paths.ba = { delayMs: 300, jitterSpanMs: 0 };
    net.run(4300);
    net.paths.ba = { delayMs: 20 };
    net.run(8000);
    const q = net.a.session.quality;
    expect(q.packetsLost).toBeGreaterThan(90);
    expect(net.a.audio.length).toBeGreaterThanOrEqual(399);
    expect(analyseTone(received(net.a, 6000, 20), 8000, 700).snrDb).toBeGreaterThan(35);
  });

  it("RTP timeout: a peer that stops sending is reported once, and again when it resumes", () => {
    const net = talk({ rtpTimeoutMs: 2000 });
    net.run(1000);
    net.paths.ba = { loss: 1 };
    net.run(5000);
    const t = net.a.events.filter((e) => e.type === "rtp-timeout");
    expect(t.length).toBe(1);
    expect(t[0]!.type === "rtp-timeout" && t[0]!.silentMs).toBeGreaterThanOrEqual(2000);
    net.paths.ba = { delayMs: 20 };
    net.run(6000);
    const r = net.a.events.find((e) => e.type === "rtp-resumed");
    expect(r?.type === "rtp-resumed" && r.silentMs).toBeGreaterThan(3900);
    // A stream on hold (RFC 3264 §8.4: the peer does not send) does not time out.
    net.reinvite({ direction: "recvonly" });
    net.run(12000);
    expect(net.a.events.filter((e) => e.type === "rtp-timeout").length).toBe(1);
  });
});

function ssrcOf(e: End): number {
  return new DataView(lastRtp(e).buffer, lastRtp(e).byteOffset).getUint32(8);
}
function seqOf(e: End): number {
  const p = lastRtp(e);
  return (p[2]! << 8) | p[3]!;
}

describe("RTP session: sources", () => {
  it("RFC 3550 §8 / A.1: the peer restarts with a new SSRC: validated, playout restarted, counted, event", () => {
    const net = talk();
    net.run(2000);
    const old = net.b.session.ssrc;
    // b's stream restarts (a new session on the same ports: new SSRC, sequence, timestamp).
    net.restart(net.b);
    net.run(5000);
    const change = net.a.events.find((e) => e.type === "ssrc-change");
    expect(change).toEqual({ type: "ssrc-change", previous: old, ssrc: net.b.session.ssrc });
    expect(net.a.session.counters.ssrcChanges).toBe(1);
    expect(analyseTone(received(net.a, 3000, 20), 8000, 700).snrDb).toBeGreaterThan(35);
    // The call's figures cover both sources.
    expect(net.a.session.quality.packetsReceived).toBeGreaterThan(220);
  });

  it("RFC 3550 §8.2: both ends picked the same SSRC: each sends a BYE for it and takes a new one; the call carries on", () => {
    const SAME = 0x12345678;
    const path = { delayMs: 20, jitterSpanMs: 10 };
    const net = new MediaNetwork(
      { codecs: [PCMU], toneHz: 1000, session: { ssrc: SAME } },
      { codecs: [PCMU], toneHz: 700, session: { ssrc: SAME } },
      { ab: path, ba: path },
    );
    net.run(3000);
    for (const e of [net.a, net.b]) {
      expect(e.session.ssrc).not.toBe(SAME);
      // (The peer's packets still in flight under the old SSRC may be played before its new one
      // takes over: an ordinary SSRC change, RFC 3550 §8.)
      expect(e.session.counters).toMatchObject({ ssrcCollisions: 1, ssrcLoops: 0 });
      // "send an RTCP BYE packet for the old identifier"
      const byes = e.sent.filter((s) => s.t.rtcp).flatMap((s) => parseRtcpCompound(s.t.data)).filter((p) => p.type === "bye");
      expect(byes.map((p) => p.type === "bye" && [p.ssrcs, new TextDecoder().decode(p.reason)])).toEqual([[[SAME], "SSRC collision"]]);
    }
    expect(net.a.session.ssrc).not.toBe(net.b.session.ssrc);
    expect(analyseTone(received(net.a, 1500, 20), 8000, 700).snrDb).toBeGreaterThan(35);
    expect(analyseTone(received(net.b, 1500, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
  });

  it("RFC 3550 §8.2: our own packets coming back from an address that collided before are a loop: dropped, SSRC kept", () => {
    const net = new MediaNetwork({ codecs: [PCMU], toneHz: 1000, session: { ssrc: 7 } }, { codecs: [PCMU], toneHz: 700, session: { ssrc: 7 } });
    net.run(1000);
    const ssrc = net.a.session.ssrc;
    const before = net.a.session.counters;
    net.inject(net.a, lastRtp(net.a), { host: "198.51.100.2", port: 50000 });
    expect(delta(before, net.a.session.counters)).toEqual({ ssrcLoops: 1 });
    expect(net.a.session.ssrc).toBe(ssrc);
  });

  it("RFC 3550 §5.1: an RTP timestamp that jumps against the arrival clock restarts the playout (counted)", () => {
    const net = talk();
    net.run(2000);
    // From now on b's timestamps are 10 s ahead.
    net.tamper = (from, t) => {
      if (from !== net.b || t.rtcp) return t.data;
      const p = t.data.slice();
      const v = new DataView(p.buffer);
      v.setUint32(4, (v.getUint32(4) + 80000) >>> 0);
      return p;
    };
    net.run(5000);
    expect(net.a.session.counters.timestampJumps).toBe(1);
    expect(analyseTone(received(net.a, 3000, 20), 8000, 700).snrDb).toBeGreaterThan(35);
  });

  it("RFC 7362 §4: a peer behind a NAT: latched onto its public address, event, our packets follow", () => {
    const nat = { host: "203.0.113.9", port: 61000 };
    const net = talk({ natB: nat });
    net.run(3000);
    const latched = net.a.events.filter((e) => e.type === "source-latched");
    expect(latched).toEqual([{ type: "source-latched", address: nat, rtcp: false }]);
    expect(net.a.session.remoteAddress).toEqual(nat);
    // a's RTP now goes to the NAT and reaches b.
    expect(analyseTone(received(net.b, 1500, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
    expect(analyseTone(received(net.a, 1500, 20), 8000, 700).snrDb).toBeGreaterThan(35);
    // Once latched, another source is refused.
    const before = net.a.session.counters.unexpectedSource;
    net.inject(net.a, lastRtp(net.b), STRANGER);
    expect(net.a.session.counters.unexpectedSource).toBe(before + 1);
  });

  it("RFC 7362 §5: with SRTP, a forged packet from an attacker does not latch; the peer's first authenticated packet does", () => {
    const nat = { host: "203.0.113.9", port: 61000 };
    const net = talk({ natB: nat, srtp: true });
    // The attacker is first, with a packet that cannot authenticate.
    net.inject(net.a, rtp({ ssrc: 7, seq: 1, ts: 1, payload: 170 }), STRANGER);
    expect(net.a.session.counters.authFailed).toBe(1);
    net.run(3000);
    expect(net.a.session.remoteAddress).toEqual(nat);
    expect(analyseTone(received(net.b, 1500, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
  });

  it("latching off: packets from anywhere but the negotiated address are counted and dropped", () => {
    const net = talk({ natB: { host: "203.0.113.9", port: 61000 }, latching: false });
    net.run(2000);
    expect(net.a.session.counters.rtpReceived).toBe(0);
    expect(net.a.session.counters.unexpectedSource).toBeGreaterThan(90);
    expect(net.a.events.some((e) => e.type === "source-latched")).toBe(false);
  });

  it("RFC 3264 §8.4: on hold (sendonly / inactive) nothing is sent; resuming sends again with the marker bit", () => {
    const net = talk();
    net.run(1000);
    net.reinvite({ direction: "inactive" });
    const held = net.a.session.counters.rtpSent;
    net.run(3000);
    expect(net.a.session.counters.rtpSent).toBe(held);
    expect(net.b.session.counters.rtpSent).toBeLessThan(55);
    // RTCP goes on while on hold (RFC 3264 §5.1).
    expect(net.a.session.counters.rtcpSent).toBeGreaterThan(0);
    net.reinvite({ direction: "sendrecv" });
    net.run(5000);
    expect(net.a.session.counters.rtpSent).toBeGreaterThan(held + 90);
    expect(analyseTone(received(net.b, 4000, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
  });

  it("RFC 3264 §8.3.1: a re-INVITE that changes the codec (PCMU → PCMA) changes what is sent and played", () => {
    const net = new MediaNetwork({ codecs: [{ name: "PCMU", clockRate: 8000 }, { name: "PCMA", clockRate: 8000 }], toneHz: 1000 }, { codecs: [{ name: "PCMU", clockRate: 8000 }, { name: "PCMA", clockRate: 8000 }], toneHz: 700 });
    net.run(1000);
    expect(net.a.session.codec).toBe("PCMU");
    net.negotiators.a.setMedia([{ port: 40000, codecs: [{ name: "PCMA", clockRate: 8000 }] }]);
    net.reinvite();
    net.run(3000);
    expect(net.a.session.codec).toBe("PCMA");
    expect(net.b.session.codec).toBe("PCMA");
    expect(net.b.session.counters.codecChanges).toBe(1);
    expect(analyseTone(received(net.b, 2000, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
  });
});
