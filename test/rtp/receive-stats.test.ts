import { describe, expect, it } from "vitest";
import { RtpReceiveStats } from "../../src/rtp/index.ts";

/** Feeds sequence numbers (timestamps on a 20 ms / 160-sample grid, arrivals on time). */
function feed(s: RtpReceiveStats, seqs: number[]): boolean[] {
  return seqs.map((q, i) => s.update(q, q * 160, i * 20));
}

describe("RTP receive statistics (RFC 3550 A.1, A.3, A.8)", () => {
  it("RFC 3550 A.1: a source is valid after MIN_SEQUENTIAL (2) sequential packets", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    expect(feed(s, [100])).toEqual([false]);
    expect(s.valid).toBe(false);
    expect(feed(s, [101])).toEqual([true]);
    expect(s.valid).toBe(true);
    feed(s, [102, 103, 104, 105, 106, 107, 108, 109, 110]);
    expect(s.received).toBe(10);
    expect(s.expected).toBe(10); // base_seq = 101 (A.1 init_seq at the end of probation)
    expect(s.cumulativeLost).toBe(0);
    expect(s.extendedHighestSequence).toBe(110);
  });

  it("RFC 3550 A.1: probation restarts on a non-sequential packet", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    expect(feed(s, [100, 200, 201, 202])).toEqual([false, false, true, true]);
    expect(s.invalid).toBe(2);
    expect(s.expected).toBe(2);
  });

  it("RFC 3550 A.1: the 16-bit sequence number wraps into the cycle count", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    expect(feed(s, [65533, 65534, 65535, 0, 1, 2])).toEqual([false, true, true, true, true, true]);
    expect(s.extendedHighestSequence).toBe(65536 + 2);
    expect(s.expected).toBe(5);
    expect(s.received).toBe(5);
    expect(s.cumulativeLost).toBe(0);
  });

  it("RFC 3550 A.1: wrap during probation counts as sequential", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    expect(feed(s, [65535, 0, 1])).toEqual([false, true, true]);
    expect(s.extendedHighestSequence).toBe(1);
  });

  it("RFC 3550 A.1: reordered and duplicate packets are counted as received and keep max_seq", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    feed(s, [1000, 1001, 1002, 1004, 1003, 1005, 1005]);
    expect(s.extendedHighestSequence).toBe(1005);
    expect(s.expected).toBe(5);
    expect(s.received).toBe(6); // duplicate of 1005 counted
    expect(s.cumulativeLost).toBe(-1); // §6.4.1: may be negative with duplicates
  });

  it("RFC 3550 A.1: a very large jump is a restart only when the next packet follows it", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    feed(s, [2000, 2001, 2002, 2003]);
    expect(s.update(9000, 0, 100)).toBe(false); // udelta 6997 > MAX_DROPOUT
    expect(s.update(2004, 0, 120)).toBe(true); // stray: the stream goes on
    expect(s.restarts).toBe(0);
    expect(s.update(9000, 0, 140)).toBe(false);
    expect(s.update(9001, 0, 160)).toBe(true); // seq == bad_seq: init_seq(9001)
    expect(s.restarts).toBe(1);
    expect(s.update(9002, 0, 180)).toBe(true);
    expect(s.expected).toBe(2);
    expect(s.received).toBe(2);
    expect(s.extendedHighestSequence).toBe(9002);
  });

  it("RFC 3550 A.1: a packet more than MAX_MISORDER behind is rejected; within it, accepted as late", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    feed(s, [1999, 2000, 2001, 2002, 2003, 2004, 2005]);
    expect(s.update(1800, 0, 200)).toBe(false); // 205 behind: udelta 65331 <= 65436
    expect(s.update(1950, 0, 220)).toBe(true); // 55 behind: late packet
    expect(s.extendedHighestSequence).toBe(2005);
  });

  it("RFC 3550 A.3: fraction lost per interval and cumulative loss", () => {
    const s = new RtpReceiveStats(7, { clockRate: 8000 });
    feed(s, [1000, 1001, 1002, 1004, 1005]); // 1003 lost
    let r = s.report(200);
    expect(r.ssrc).toBe(7);
    expect(r.cumulativeLost).toBe(1);
    expect(r.fractionLost).toBe(51); // floor(1 * 256 / 5)
    expect(r.extendedHighestSequence).toBe(1005);
    feed(s, [1006, 1007, 1008, 1009]);
    r = s.report(400);
    expect(r.fractionLost).toBe(0);
    expect(r.cumulativeLost).toBe(1);
    r = s.report(600); // nothing expected in the interval
    expect(r.fractionLost).toBe(0);
    feed(s, [1012, 1013]); // 1010, 1011 lost: expected 4, received 2
    expect(s.report(800).fractionLost).toBe(128);
  });

  it("RFC 3550 §6.4.1: cumulative loss is clamped to the signed 24-bit range", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000, maxDropout: 0x8000 });
    feed(s, [0, 1]);
    // Jump forward in steps below MAX_DROPOUT to lose ~ 2^24 packets' worth of cycles.
    let seq = 1;
    for (let i = 0; i < 600; i++) {
      seq = (seq + 0x7000) & 0xffff;
      s.update(seq, 0, i);
    }
    expect(s.expected - s.received).toBeGreaterThan(0x7fffff);
    expect(s.cumulativeLost).toBe(0x7fffff);
  });

  it("RFC 3550 A.8: interarrival jitter, computed by hand", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    // 20 ms packets, 160 timestamp units each; arrivals on time: transit constant, D = 0.
    for (let i = 0; i < 5; i++) s.update(i, i * 160, i * 20);
    expect(s.jitter).toBe(0);
    // Packet 5 arrives 10 ms (80 units) late: D = 80. J·16 += 80 - ((0 + 8) >> 4) = 80 -> J = 5.
    s.update(5, 5 * 160, 5 * 20 + 10);
    expect(s.jitter).toBe(5);
    // Packet 6 on time: D = 80 again. J·16 = 80 + 80 - ((80 + 8) >> 4) = 155 -> J = 9.
    s.update(6, 6 * 160, 6 * 20);
    expect(s.jitter).toBe(9);
    // Packet 7 on time: D = 0. J·16 = 155 - ((155 + 8) >> 4) = 145 -> J = 9.
    s.update(7, 7 * 160, 7 * 20);
    expect(s.jitter).toBe(9);
    expect(s.report(200).jitter).toBe(9);
  });

  it("RFC 3550 A.8: the timestamp wrap at 2^32 does not disturb the jitter", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    const ts0 = 0xffffffff - 300;
    for (let i = 0; i < 6; i++) s.update(i, (ts0 + i * 160) >>> 0, i * 20);
    expect(s.jitter).toBe(0);
  });

  it("RFC 3550 §6.4.1: LSR and DLSR (1/65536 s) from the last SR", () => {
    const s = new RtpReceiveStats(1, { clockRate: 8000 });
    feed(s, [1, 2]);
    expect(s.report(0).lastSenderReport).toBe(0);
    s.onSenderReport(0x12345678, 1000);
    const r = s.report(1500);
    expect(r.lastSenderReport).toBe(0x12345678);
    expect(r.delaySinceLastSenderReport).toBe(32768);
  });
});
