import { describe, expect, it } from "vitest";
import { BurstGapTracker, GMIN } from "../../src/media/voip-metrics.ts";
import { callQuality, voipMetricsBlock } from "../../src/media/call-quality.ts";
import type { CallQualityInputs } from "../../src/media/call-quality.ts";

/** Feeds a pattern (`.` received, `x` lost, `d` discarded) then enough received packets to settle it. */
function feed(pattern: string, start = 1000): BurstGapTracker {
  const t = new BurstGapTracker(20);
  let seq = start;
  for (const c of pattern) {
    if (c === ".") t.received(seq);
    else if (c === "d") t.discarded(seq);
    seq++;
  }
  // A packet is settled once 64 newer ones arrived; these 65 settle the whole pattern.
  for (let i = 0; i < 65; i++) t.received(seq++);
  return t;
}

const dots = (n: number) => ".".repeat(n);

describe("RFC 3611 §4.7.2 burst and gap metrics", () => {
  it(`RFC 3611 §4.7.2: losses with Gmin (${GMIN}) or more received packets between them are gap losses`, () => {
    const m = feed(dots(20) + "x" + dots(20) + "x" + dots(20)).metrics();
    expect(m.packets).toBe(62);
    expect(m.burstDensity).toBe(0);
    expect(m.burstDurationMs).toBe(0);
    expect(m.gapDensity).toBeCloseTo(2 / 62, 10);
    expect(m.gapDurationMs).toBe(62 * 20);
    expect(m.lossRuns).toBe(2);
  });

  it("RFC 3611 §4.7.2: a burst starts and ends with a loss and holds no run of Gmin received packets", () => {
    // x.....x...x: three losses within Gmin of each other make one burst of 11 packets.
    const m = feed(dots(30) + "x.....x...x" + dots(30)).metrics();
    expect(m.packets).toBe(71);
    expect(m.burstDensity).toBeCloseTo(3 / 11, 10);
    expect(m.burstDurationMs).toBe(11 * 20);
    expect(m.gapDensity).toBe(0);
    // Gaps: the 30 packets before and the 30 after, as two gap periods.
    expect(m.gapDurationMs).toBe((60 * 20) / 2);
  });

  it("RFC 3611 §4.7.2: packets discarded by the jitter buffer count like lost ones", () => {
    const lost = feed(dots(30) + "x..x" + dots(30)).metrics();
    const late = feed(dots(30) + "d..d" + dots(30)).metrics();
    expect(late).toEqual(lost);
    expect(late.burstDensity).toBeCloseTo(2 / 4, 10);
  });

  it("RFC 3611 §4.7.2: Gmin received packets end a burst; a loss after fewer continues it", () => {
    const ended = feed(dots(20) + "xx" + dots(GMIN) + "xx" + dots(20)).metrics();
    expect(ended.burstDurationMs).toBe(2 * 20);
    const cont = feed(dots(20) + "xx" + dots(GMIN - 1) + "xx" + dots(20)).metrics();
    expect(cont.burstDurationMs).toBe((GMIN - 1 + 4) * 20);
    expect(cont.burstDensity).toBeCloseTo(4 / (GMIN + 3), 10);
  });

  it("packets that arrive out of order before they settle are received, not lost", () => {
    const t = new BurstGapTracker(20);
    for (let s = 0; s < 40; s++) if (s !== 10) t.received(s);
    t.received(10);
    for (let s = 40; s < 110; s++) t.received(s);
    expect(t.metrics().lost).toBe(0);
  });

  it("a sequence jump beyond RFC 3550 A.1's MAX_DROPOUT restarts the tracker instead of counting thousands lost", () => {
    const t = new BurstGapTracker(20);
    for (let s = 0; s < 100; s++) t.received(s);
    for (let s = 50000; s < 50100; s++) t.received(s);
    expect(t.metrics().lost).toBe(0);
    expect(t.metrics().packets).toBeGreaterThanOrEqual(100);
  });
});

describe("RFC 3611 §4.7 VoIP Metrics block from the call's quality", () => {
  const inputs: CallQualityInputs = {
    codec: "PCMU", impairment: "pcmu", codecDelayMs: 0, ptimeMs: 20, packetsSent: 500, octetsSent: 80000,
    packetsReceived: 950, packetsExpected: 1000, lateDiscarded: 10, duplicates: 0, concealedMs: 1200,
    jitterMs: 30, jitterBufferMs: 80, rttMs: 120, remote: undefined,
    burstGap: { burstDensity: 0.25, gapDensity: 0.02, burstDurationMs: 120, gapDurationMs: 4000, packets: 1000, lost: 60, lossRuns: 40 },
  };

  it("RFC 3611 §4.7.1: loss and discard rates in 1/256; §4.7.2 densities in 1/256; §4.7.3 RTT; §4.7.5 MOS × 10", () => {
    const q = callQuality(inputs);
    expect(q.packetsLost).toBe(50);
    expect(q.lossPercent).toBe(5);
    const b = voipMetricsBlock({ ssrc: 0x12345678, quality: q, endSystemDelayMs: 100, concealment: "enhanced", jbNominalMs: 60, jbMaximumMs: 80, jbAbsMaxMs: 300 });
    expect(b.lossRate).toBe(Math.round((256 * 50) / 1000));
    expect(b.discardRate).toBe(Math.round((256 * 10) / 1000));
    expect(b.burstDensity).toBe(64);
    expect(b.gapDensity).toBe(5);
    expect(b.burstDuration).toBe(120);
    expect(b.gapDuration).toBe(4000);
    expect(b.roundTripDelay).toBe(120);
    expect(b.endSystemDelay).toBe(100);
    expect(b.gmin).toBe(16);
    expect(b.mosCq).toBe(Math.round(q.mos * 10));
    expect(b.mosLq).toBe(Math.round(q.listeningMos * 10));
    // §4.7.6: PLC enhanced (10), JBA adaptive (11), rate 0; §4.7.5: 127 where nothing is measured.
    expect(b.rxConfig).toBe(0b1011_0000);
    expect([b.signalLevel, b.noiseLevel, b.rerl, b.extRFactor]).toEqual([127, 127, 127, 127]);
  });

  it("ITU-T G.107: loss lowers R; bursty loss (G.107 §3.7 BurstR > 1) lowers it more than random loss", () => {
    const random = callQuality({ ...inputs, burstGap: { ...inputs.burstGap, lossRuns: 57 } });
    const bursty = callQuality({ ...inputs, burstGap: { ...inputs.burstGap, lossRuns: 15 } });
    const clean = callQuality({ ...inputs, packetsReceived: 1000, lateDiscarded: 0 });
    expect(clean.r).toBeGreaterThan(random.r);
    expect(random.r).toBeGreaterThan(bursty.r);
  });
});
