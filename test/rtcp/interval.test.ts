import { describe, expect, it } from "vitest";
import {
  rtcpDeterministicInterval,
  rtcpInterval,
  rtcpOnExpire,
  rtcpOnMembersLeft,
  rtcpOnReceived,
  rtcpOnSent,
  rtcpTimerStart,
} from "../../src/rtcp/index.ts";
import type { RtcpTimerState } from "../../src/rtcp/index.ts";

const COMP = Math.E - 1.5;
const fixed = (x: number) => () => x;
const base = { members: 2, senders: 1, rtcpBandwidth: 500, weSent: true, avgRtcpSize: 100, initial: false };

describe("RTCP transmission interval (RFC 3550 §6.3, A.7)", () => {
  it("RFC 3550 §6.2: the minimum is 5 s, halved (2.5 s) before the first report", () => {
    // 2 members at 100 octets over 500 octets/s = 0.4 s, below the minimum.
    expect(rtcpDeterministicInterval(base)).toBe(5);
    expect(rtcpDeterministicInterval({ ...base, initial: true })).toBe(2.5);
    expect(rtcpDeterministicInterval({ ...base, minInterval: 1 })).toBe(1);
  });

  it("RFC 3550 §6.3.1: receivers share 3/4 of the bandwidth when senders are at most 1/4 of members", () => {
    // 1000 members, 10 senders, we did not send: n = 990, bw = 375 -> 100 * 990 / 375 = 264 s.
    const s = { ...base, members: 1000, senders: 10, weSent: false };
    expect(rtcpDeterministicInterval(s)).toBeCloseTo(264, 9);
    // A sender: n = 10, bw = 125 -> 8 s.
    expect(rtcpDeterministicInterval({ ...s, weSent: true })).toBeCloseTo(8, 9);
    // More than 1/4 senders: no split, n = members.
    expect(rtcpDeterministicInterval({ ...s, senders: 300 })).toBeCloseTo(200, 9);
  });

  it("RFC 3550 A.7: randomized over [0.5, 1.5) x Td and divided by e - 3/2", () => {
    expect(rtcpInterval(base, fixed(0))).toBeCloseTo(2.5 / COMP, 12);
    expect(rtcpInterval(base, fixed(0.5))).toBeCloseTo(5 / COMP, 12);
    expect(rtcpInterval(base, fixed(0.999999))).toBeLessThan(7.5 / COMP);
  });

  it("RFC 3550 §6.3.2: initial state schedules the first report at now + T with the halved minimum", () => {
    const s = rtcpTimerStart({ rtcpBandwidth: 500, avgRtcpSize: 100 }, 1000, fixed(0.5));
    expect(s.members).toBe(1);
    expect(s.senders).toBe(0);
    expect(s.initial).toBe(true);
    expect(s.tp).toBe(1000);
    expect(s.tn).toBeCloseTo(1000 + (2.5 / COMP) * 1000, 6);
  });

  it("RFC 3550 §6.3.6 / A.7 OnExpire: timer reconsideration postpones when the group grew", () => {
    let s: RtcpTimerState = rtcpTimerStart({ rtcpBandwidth: 500, avgRtcpSize: 100 }, 0, fixed(0.5));
    const first = s.tn; // ~2052 ms
    // Meanwhile 200 members joined: Td = 100 * 200 * 0.75... receivers: n = 200, bw = 375 -> 53.3 s.
    s = { ...s, members: 200 };
    const e = rtcpOnExpire(s, first, fixed(0.5));
    expect(e.send).toBe(false);
    expect(e.state.tn).toBeCloseTo(((100 * 200) / 375 / COMP) * 1000, 6);
    expect(e.state.pmembers).toBe(200);
    // At the reconsidered time, with the group unchanged, the report goes out.
    const e2 = rtcpOnExpire(e.state, e.state.tn, fixed(0.5));
    expect(e2.send).toBe(true);
  });

  it("RFC 3550 §6.3.6: after sending, avg size = 1/16 new + 15/16 old, tp = now, initial cleared", () => {
    const s0 = rtcpTimerStart({ rtcpBandwidth: 500, avgRtcpSize: 100 }, 0, fixed(0.5));
    const e = rtcpOnExpire(s0, s0.tn, fixed(0.5));
    expect(e.send).toBe(true);
    const s1 = rtcpOnSent(e.state, 260, s0.tn, fixed(0.5));
    expect(s1.avgRtcpSize).toBeCloseTo(260 / 16 + (15 / 16) * 100, 12);
    expect(s1.tp).toBe(s0.tn);
    expect(s1.initial).toBe(false);
    expect(s1.tn).toBeCloseTo(s0.tn + (5 / COMP) * 1000, 6);
    expect(rtcpOnReceived(s1, 100).avgRtcpSize).toBeCloseTo(100 / 16 + (15 / 16) * s1.avgRtcpSize, 12);
  });

  it("RFC 3550 §6.3.4: reverse reconsideration pulls tn and tp in when members leave", () => {
    const s: RtcpTimerState = { ...base, members: 10, senders: 1, pmembers: 10, tp: 0, tn: 10_000 };
    const r = rtcpOnMembersLeft(s, 5, 1, 4000);
    // tn = 4000 + 5/10 * (10000 - 4000) = 7000; tp = 4000 - 5/10 * (4000 - 0) = 2000.
    expect(r.tn).toBe(7000);
    expect(r.tp).toBe(2000);
    expect(r.pmembers).toBe(5);
    expect(rtcpOnMembersLeft(s, 12, 1, 4000).tn).toBe(10_000);
  });

  it("RFC 3550 A.7: the mean interval with a uniform random source is Td / (e - 3/2)", () => {
    let seed = 12345;
    const lcg = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const t = rtcpInterval(base, lcg);
      expect(t).toBeGreaterThanOrEqual(2.5 / COMP);
      expect(t).toBeLessThan(7.5 / COMP);
      sum += t;
    }
    expect(sum / n).toBeCloseTo(5 / COMP, 1);
  });
});
