import { describe, expect, it } from "vitest";
import { burstRatio, CODEC_IMPAIRMENTS, eModel, rToMos } from "../../src/media/index.ts";

describe("ITU-T G.107 E-model", () => {
  it("G.107 §7.1: the default values give R = 93.2 (Ro 94.77, Is 1.41, Id 0.15)", () => {
    const r = eModel();
    expect(r.r).toBeCloseTo(93.2, 1);
    expect(r.ro).toBeCloseTo(94.77, 2);
    expect(r.is).toBeCloseTo(1.41, 2);
    expect(r.id).toBeCloseTo(0.15, 2);
    expect(r.mos).toBeCloseTo(4.41, 2);
  });

  it("G.107 Annex B: MOS from R at the table's points", () => {
    expect(rToMos(-5)).toBe(1);
    expect(rToMos(0)).toBe(1);
    expect(rToMos(50)).toBeCloseTo(2.58, 2);
    expect(rToMos(80)).toBeCloseTo(4.02, 2);
    expect(rToMos(100)).toBe(4.5);
  });

  it("G.107 eq. 7-29 with G.113 I.3: G.711 with PLC at 2 % random loss is Ie,eff ≈ 7.0", () => {
    // (95 − 0) · 2 / (2/1 + 25.1) = 7.01
    expect(eModel({ codec: "pcmu", packetLossPercent: 2 }).ieEff).toBeCloseTo(7.01, 2);
    expect(eModel({ codec: "g711-no-plc", packetLossPercent: 2 }).ieEff).toBeCloseTo(30.16, 2);
  });

  it("R falls monotonically with loss, burstiness and delay", () => {
    let prev = Infinity;
    for (let loss = 0; loss <= 30; loss += 1) {
      const r = eModel({ packetLossPercent: loss }).r;
      expect(r).toBeLessThan(prev);
      prev = r;
    }
    expect(eModel({ packetLossPercent: 5, burstRatio: 2 }).r).toBeLessThan(eModel({ packetLossPercent: 5 }).r);
    prev = Infinity;
    for (let d = 0; d <= 600; d += 25) {
      const r = eModel({ oneWayDelayMs: d }).r;
      expect(r).toBeLessThan(prev);
      prev = r;
    }
    // Past 100 ms the pure-delay term Idd starts; 400 ms one way is "many users dissatisfied".
    expect(eModel({ oneWayDelayMs: 400 }).mos).toBeLessThan(3.3);
  });

  it("the delay is built from RTT/2, the jitter buffer, ptime and codec look-ahead", () => {
    const r = eModel({ rttMs: 100, jitterBufferMs: 60, packetizationMs: 20, codecDelayMs: 6.5, codec: "opus" });
    expect(r.delayMs).toBeCloseTo(136.5, 5);
    expect(eModel({ networkDelayMs: 30, jitterBufferMs: 40 }).delayMs).toBe(70);
  });

  it("codec table: Opus with FEC degrades more slowly than without; burstRatio of a Gilbert model", () => {
    expect(CODEC_IMPAIRMENTS["opus-fec"].bpl).toBeGreaterThan(CODEC_IMPAIRMENTS.opus.bpl);
    expect(eModel({ codec: "opus-fec", packetLossPercent: 5 }).r).toBeGreaterThan(eModel({ codec: "opus", packetLossPercent: 5 }).r);
    expect(eModel({ codec: { ie: 11, bpl: 19 } }).ieEff).toBe(11);
    expect(burstRatio(0.05, 0.95)).toBe(1);
    expect(burstRatio(0.02, 0.3)).toBeCloseTo(3.125, 5);
  });
});
