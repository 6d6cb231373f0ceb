import { describe, expect, it } from "vitest";
import { createRtpSession, ToneGenerator } from "../../src/media/index.ts";
import type { RtpSession } from "../../src/media/index.ts";
import { createSdpNegotiator } from "../../src/sdp/index.ts";

const PCMU = [{ name: "PCMU", clockRate: 8000 }];
const fromA = { host: "10.0.0.1", port: 10000 };

/** A sender and two receivers of its stream (same negotiated keys), SRTP or not. */
function ends(srtp: boolean) {
  const caps = (port: number) => [{ port, codecs: PCMU, ...(srtp ? { srtp: { mandatory: true } } : {}) }];
  const a = createSdpNegotiator({ address: "10.0.0.1", media: caps(10000) });
  const b = createSdpNegotiator({ address: "10.0.0.2", media: caps(20000) });
  a.receiveAnswer(b.receiveOffer(a.createOffer()));
  const o = { now: 0, rtpTimeoutMs: 0 };
  return {
    sender: createRtpSession({ stream: a.streams[0]!, ...o }),
    now: createRtpSession({ stream: b.streams[0]!, ...o }),
    later: createRtpSession({ stream: b.streams[0]!, ...o }),
    stream: b.streams[0]!,
  };
}

/** The sender's datagrams of `ticks` frames of a tone, one per 20 ms from t = 0. */
function datagrams(sender: RtpSession, ticks: number): { data: Uint8Array; sentAt: number }[] {
  const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [700], levelDbm0: -12 });
  const out: { data: Uint8Array; sentAt: number }[] = [];
  for (let k = 0; k < ticks; k++) {
    sender.writeAudio(tone.next(160));
    sender.handleTimeout(k * 20);
    for (let t; (t = sender.pollTransmit()); ) if (!t.rtcp) out.push({ data: t.data, sentAt: k * 20 });
  }
  return out;
}

const frames = (s: RtpSession) => {
  const out: number[][] = [];
  for (let f; (f = s.pollAudio()); ) out.push([...f.samples]);
  return out;
};

describe("RTP session: deferRtp (a datagram taken now, processed at the next tick)", () => {
  for (const srtp of [false, true]) {
    it(`${srtp ? "SRTP" : "RTP"}: the same playout, statistics and counters as handleRtp at the same arrival times (jitter, reordering)`, () => {
      const { sender, now, later } = ends(srtp);
      // Arrival = send + 2..37 ms, so packets reorder and the jitter buffer adapts.
      const arrivals = datagrams(sender, 150).map((d, i) => ({ ...d, at: d.sentAt + 2 + ((i * 7919) % 36) })).sort((x, y) => x.at - y.at);
      let next = 0;
      const heard: number[][][] = [[], []];
      for (let t = 10; t <= 3100; t += 10) {
        for (; next < arrivals.length && arrivals[next]!.at <= t; next++) {
          const d = arrivals[next]!;
          now.handleRtp(d.data.slice(), fromA, d.at);
          later.deferRtp(d.data.slice(), fromA, d.at);
        }
        now.handleTimeout(t);
        later.handleTimeout(t);
        heard[0]!.push(...frames(now));
        heard[1]!.push(...frames(later));
      }
      // One frame per 20 ms ptime.
      expect(heard[0]!.length).toBeGreaterThan(150);
      expect(heard[1]).toEqual(heard[0]);
      expect(later.counters.rtpReceived).toBe(150);
      expect(later.counters).toEqual(now.counters);
      const q = (s: RtpSession) => {
        const x = s.quality;
        return [x.packetsReceived, x.packetsLost, x.jitterMs, x.jitterBufferMs, x.concealedMs];
      };
      expect(q(later)).toEqual(q(now));
    });
  }

  it("nothing is processed before the next tick, which takes them all (one arrived after its deadline too); the datagram is copied, not kept", () => {
    const { sender, now, later } = ends(true);
    const [first, second] = datagrams(sender, 2);
    const data = first!.data.slice();
    later.handleTimeout(0);
    later.deferRtp(data, fromA, 5);
    data.fill(0);
    later.deferRtp(second!.data.slice(), fromA, 22);
    expect(later.counters.rtpReceived).toBe(0);
    // The tick due at 20 runs at 22 and is handed its deadline: both datagrams go before it, as
    // handleRtp at their arrival would have put them; the first authenticated from its copy.
    later.handleTimeout(20);
    expect(later.counters.rtpReceived).toBe(2);
    expect(later.counters.authFailed).toBe(0);
    now.handleTimeout(0);
    now.handleRtp(first!.data.slice(), fromA, 5);
    now.handleRtp(second!.data.slice(), fromA, 22);
    now.handleTimeout(20);
    expect(later.quality).toEqual(now.quality);
    expect([...later.pollAudio()!.samples]).toEqual([...now.pollAudio()!.samples]);
  });

  it("handleRtp, update and close take the deferred datagrams first, in arrival order", () => {
    const { sender, now, later, stream } = ends(true);
    const d = datagrams(sender, 4);
    now.handleTimeout(0);
    for (let i = 0; i < 4; i++) now.handleRtp(d[i]!.data.slice(), fromA, i + 1);
    now.close(5);
    later.handleTimeout(0);
    later.deferRtp(d[0]!.data.slice(), fromA, 1);
    later.deferRtp(d[1]!.data.slice(), fromA, 2);
    // A later packet through handleRtp: the deferred ones first (SRTP replay order and the
    // sequence would show a reversal as reordering).
    later.handleRtp(d[2]!.data.slice(), fromA, 3);
    expect(later.counters.rtpReceived).toBe(3);
    expect(later.counters.replayed).toBe(0);
    later.deferRtp(d[3]!.data.slice(), fromA, 4);
    later.update(stream, 4);
    expect(later.counters.rtpReceived).toBe(4);
    later.close(5);
    expect(later.counters.rtpReceived).toBe(4);
    expect(later.quality).toEqual(now.quality);
  });

  it("memory stays bounded: past 64 waiting datagrams they are all taken at once", () => {
    const { sender, later } = ends(false);
    const d = datagrams(sender, 65);
    later.handleTimeout(0);
    for (let i = 0; i < 64; i++) later.deferRtp(d[i]!.data, fromA, 1);
    expect(later.counters.rtpReceived).toBe(0);
    later.deferRtp(d[64]!.data, fromA, 1);
    expect(later.counters.rtpReceived).toBe(64);
    later.handleTimeout(20);
    expect(later.counters.rtpReceived).toBe(65);
  });
});
