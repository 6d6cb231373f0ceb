import { describe, expect, it } from "vitest";
import { decodeUlaw, encodeUlaw, encodeComfortNoise, encodeTelephoneEvent } from "../../src/codec/index.ts";
import {
  analyseTone,
  AudioPlayout,
  concatPcm,
  detectFrequency,
  goertzelAmplitude,
  JitterBuffer,
  MediaError,
  ToneGenerator,
} from "../../src/media/index.ts";
import type { JitterFrame, JitterPacket, PlayoutDecoder } from "../../src/media/index.ts";
import { planPath } from "./lossy-path.ts";

const ulaw: PlayoutDecoder = { sampleRate: 8000, decode: (p) => decodeUlaw(p) };

/** A 1 kHz μ-law stream through a planned path into an AudioPlayout pulled every 20 ms. */
function runPath(options: { skewPpm: number; seconds: number; minDelayMs?: number; seed?: number; loss?: number; late?: number; duplicates?: number; jitterSpanMs?: number }) {
  const packets = options.seconds * 50;
  const plan = planPath({
    packets,
    ptimeMs: 20,
    seed: options.seed ?? 7,
    loss: options.loss ?? 0.05,
    baseDelayMs: 40,
    // Uniform extra delay over 90 ms: consecutive packets differ by 30 ms on average, which is
    // RFC 3550 A.8's interarrival jitter.
    jitterSpanMs: options.jitterSpanMs ?? 90,
    skewPpm: options.skewPpm,
    duplicates: options.duplicates ?? 6,
    late: options.late ?? 4,
  });
  const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
  const payloads = Array.from({ length: packets }, () => encodeUlaw(tone.next(160)));
  const playout = new AudioPlayout({ clockRate: 8000, decoder: ulaw, minDelayMs: options.minDelayMs, initialDelayMs: options.minDelayMs });
  const out: Int16Array[] = [];
  const frames: JitterFrame[] = [];
  let d = 0;
  const end = packets * 20 + 2000;
  for (let now = 0; now < end; now += 20) {
    while (d < plan.deliveries.length && plan.deliveries[d]!.at <= now) {
      const i = plan.deliveries[d++]!.index;
      const packet: JitterPacket = { sequenceNumber: (60000 + i) & 0xffff, timestamp: (0xfffff000 + i * 160) >>> 0, payloadType: 0, payload: payloads[i]! };
      playout.push(packet, plan.deliveries[d - 1]!.at);
    }
    const f = playout.pull(now);
    out.push(f.samples);
    frames.push(f.frame);
  }
  return { plan, out, frames, stats: playout.buffer.stats };
}


describe("jitter buffer on a simulated lossy path", () => {
  for (const skewPpm of [100, -100]) {
    it(`RFC 3550 §6.4.1 / RFC 3611 §4.7.1: 5 % loss, reordering, 30 ms jitter, ${skewPpm > 0 ? "+" : ""}${skewPpm} ppm: counts equal what was injected`, () => {
      const { plan, out, frames, stats } = runPath({ skewPpm, seconds: 20, minDelayMs: 130 });
      expect(plan.lost.size).toBeGreaterThan(30);
      expect(stats.jitterMs).toBeGreaterThan(25);
      expect(stats.jitterMs).toBeLessThan(35);
      expect(stats.lost).toBe(plan.lost.size);
      expect(stats.late).toBe(plan.late.size);
      expect(stats.duplicates).toBe(plan.duplicated.size);
      expect(stats.received).toBe(1000 - plan.lost.size);
      // Continuous audio: one 20 ms frame for every pull.
      for (const o of out) expect(o.length).toBe(160);
      // Once playing, every frame is audio or concealment: no holes of silence.
      const first = frames.findIndex((f) => f.kind === "audio");
      const last = frames.length - 1 - [...frames].reverse().findIndex((f) => f.kind === "audio");
      const kinds = new Set(frames.slice(first, last + 1).map((f) => f.kind));
      expect([...kinds].sort()).toEqual(["audio", "conceal"]);
      // Every lost or late packet became (at least) one concealed frame.
      expect(stats.concealedFrames).toBeGreaterThanOrEqual(plan.lost.size + plan.late.size);
      expect(stats.concealedSamples).toBe(stats.concealedFrames * 160);
      // The audio played in order: timestamps of played packets only grow.
      const ts = frames.filter((f) => f.kind === "audio").map((f) => (f.timestamp - 0xfffff000) >>> 0);
      for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
    });
  }

  it("G.711 Appendix I: the tone's frequency survives concealment, and concealed frames carry it", () => {
    const { out, frames } = runPath({ skewPpm: 100, seconds: 10, minDelayMs: 130 });
    const first = frames.findIndex((f) => f.kind === "audio");
    const pcm = concatPcm(out.slice(first, first + 450));
    expect(Math.abs(detectFrequency(pcm, 8000) - 1000)).toBeLessThan(0.5);
    // The first 10 ms of a concealed frame repeat the last pitch period at full level.
    let checked = 0;
    for (let i = first + 1; i < first + 450; i++) {
      if (frames[i]!.kind !== "conceal" || frames[i - 1]!.kind !== "audio") continue;
      const a = analyseTone(out[i]!, 8000, 1000, 0, 80);
      expect(a.amplitude).toBeGreaterThan(5000);
      expect(a.snrDb).toBeGreaterThan(30);
      expect(goertzelAmplitude(out[i]!, 8000, 1000, 0, 80)).toBeGreaterThan(goertzelAmplitude(out[i]!, 8000, 1500, 0, 80) * 10);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("adaptive depth: the target follows the measured jitter within its bounds", () => {
    const calm = runPath({ skewPpm: 0, seconds: 12, jitterSpanMs: 4, loss: 0, late: 0, duplicates: 0 });
    const rough = runPath({ skewPpm: 0, seconds: 12, jitterSpanMs: 120, loss: 0, late: 0, duplicates: 0 });
    expect(calm.stats.targetDelayMs).toBeLessThanOrEqual(30);
    expect(rough.stats.targetDelayMs).toBeGreaterThan(110);
    expect(rough.stats.targetDelayMs).toBeLessThanOrEqual(300);
    expect(rough.stats.jitterMs).toBeGreaterThan(calm.stats.jitterMs * 5);
    // With the default settings about 5 % may come late at most (the 95th percentile target).
    expect(rough.stats.late).toBeLessThan(0.06 * 600);
  });

  it("clock drift: a fast sender makes the buffer drop frames, a slow one makes it insert", () => {
    const fast = runPath({ skewPpm: 20_000, seconds: 20, loss: 0, late: 0, duplicates: 0, jitterSpanMs: 10 });
    const slow = runPath({ skewPpm: -20_000, seconds: 20, loss: 0, late: 0, duplicates: 0, jitterSpanMs: 10 });
    // 2 % of 20 s is 400 ms = 20 frames to absorb either way.
    expect(fast.stats.dropped).toBeGreaterThanOrEqual(15);
    // Concealment before the end of the stream is what the buffer inserted to grow.
    const insertedBeforeEnd = (r: typeof fast) => r.frames.slice(0, r.frames.map((f) => f.kind).lastIndexOf("audio")).filter((f) => f.kind === "conceal").length;
    expect(insertedBeforeEnd(fast)).toBe(0);
    expect(insertedBeforeEnd(slow)).toBeGreaterThanOrEqual(15);
    expect(slow.stats.dropped).toBe(0);
    expect(fast.stats.lost + slow.stats.lost).toBe(0);
    // The delay stays near the target instead of growing by 400 ms.
    expect(fast.stats.currentDelayMs).toBeLessThan(fast.stats.targetDelayMs + 60);
  });

  it("RFC 3550 §6.4.1: a burst at the start (400 ms of packets at once, then steady) leaves the buffer within 1.5 s", () => {
    // The sender (or this process) stalled for the first 400 ms, then the 21 packets of that time
    // came at once; from then on one packet per 20 ms. The delay the burst added is not jitter.
    const jb = new JitterBuffer({ clockRate: 8000 });
    const depth: number[] = [];
    const kinds: string[] = [];
    for (let t = 0; t <= 4000; t += 20) {
      if (t === 400) for (let k = 0; k <= 20; k++) jb.push({ sequenceNumber: k, timestamp: k * 160, payloadType: 0, payload: new Uint8Array(160) }, t);
      else if (t > 400) jb.push({ sequenceNumber: t / 20, timestamp: (t / 20) * 160, payloadType: 0, payload: new Uint8Array(160) }, t);
      kinds.push(jb.pull(t).kind);
      depth[t / 20] = jb.stats.currentDelayMs;
    }
    expect(Math.max(...depth)).toBeGreaterThanOrEqual(380);
    // 1.5 s after the burst, and from then on, the depth is back at the steady target + 1 frame.
    const after = depth.slice((400 + 1500) / 20);
    expect(Math.max(...after)).toBeLessThanOrEqual(jb.stats.targetDelayMs + 20);
    // Shrinking dropped whole frames of the burst; nothing was lost, concealed or late.
    expect(jb.stats.dropped).toBeGreaterThanOrEqual(15);
    expect(kinds.slice(kinds.indexOf("audio")).filter((k) => k !== "audio")).toEqual([]);
    expect([jb.stats.lost, jb.stats.late, jb.stats.concealedFrames]).toEqual([0, 0, 0]);
  });

  it("RFC 3550 §6.4.1: packets read at once after a stall of the process raise the depth now, not the average playout ran at", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    const pkt = (k: number): JitterPacket => ({ sequenceNumber: k, timestamp: k * 160, payloadType: 0, payload: new Uint8Array(160) });
    for (let t = 0; t < 2000; t += 20) {
      jb.push(pkt(t / 20), t);
      jb.pull(t);
    }
    const steady = jb.stats.averageDelayMs;
    expect(steady).toBeGreaterThan(0);
    expect(steady).toBeLessThanOrEqual(60);
    // The process was held 200 ms: ten packets wait in the socket and are read before the
    // ticks they were due at are caught up.
    for (let k = 100; k < 110; k++) jb.push(pkt(k), 2200);
    expect(jb.stats.currentDelayMs).toBeGreaterThanOrEqual(200);
    expect(jb.stats.averageDelayMs).toBe(steady);
    // Caught up, the average is back within a frame of where it was.
    for (let t = 2000; t < 2200; t += 20) jb.pull(t);
    for (let t = 2200; t < 3000; t += 20) {
      jb.push(pkt(t / 20), t);
      jb.pull(t);
    }
    expect(jb.stats.averageDelayMs).toBeLessThanOrEqual(steady + 20);
  });

  it("RFC 3550 §6.4.1: stalls of this process (200 ms every second) are not taken for network jitter: the target stays, nothing is dropped or concealed", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    // The process is held [T, T + 200) for T = 1 s, 2 s, …: packets that came meanwhile are read
    // at its end, and the ticks of that time are caught up after them (pulls for past times).
    const held = (t: number) => t >= 1000 && t % 1000 < 200;
    const readAt = (t: number) => (held(t) ? t - (t % 1000) + 200 : t);
    let k = 0;
    for (let t = 0; t <= 6000; t += 20) {
      while (readAt(20 * k + 5) <= readAt(t)) {
        jb.push({ sequenceNumber: k, timestamp: k * 160, payloadType: 0, payload: new Uint8Array(160) }, readAt(20 * k + 5));
        k++;
      }
      jb.pull(t);
    }
    expect(jb.stats.targetDelayMs).toBeLessThanOrEqual(40);
    expect(jb.stats.averageDelayMs).toBeLessThanOrEqual(60);
    expect(jb.stats.concealedFrames).toBe(0);
    expect(jb.stats.dropped).toBeLessThanOrEqual(2);
    expect([jb.stats.lost, jb.stats.late]).toEqual([0, 0]);
  });

  it("clock drift: an excess of a frame or two still goes at one frame in eight (no fast pace below a burst)", () => {
    // Two seconds in, four packets are held back 80 ms and come with the fifth at once: the
    // excess (≤ 4 frames) is drift-sized, so the drops stay 160 ms apart.
    const jb = new JitterBuffer({ clockRate: 8000 });
    const dropsAt: number[] = [];
    let dropped = 0;
    for (let t = 0; t <= 4000; t += 20) {
      const k = t / 20;
      const held = k >= 100 && k < 104;
      if (k === 104) {
        for (let j = 100; j <= 104; j++) jb.push({ sequenceNumber: j, timestamp: j * 160, payloadType: 0, payload: new Uint8Array(160) }, t);
      } else if (!held) {
        jb.push({ sequenceNumber: k, timestamp: k * 160, payloadType: 0, payload: new Uint8Array(160) }, t);
      }
      jb.pull(t);
      if (jb.stats.dropped > dropped) dropsAt.push(t);
      dropped = jb.stats.dropped;
    }
    expect(dropsAt.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < dropsAt.length; i++) expect(dropsAt[i]! - dropsAt[i - 1]!).toBeGreaterThanOrEqual(160);
  });
});

describe("jitter buffer: order, events, comfort noise", () => {
  const pkt = (seq: number, ts: number, pt = 0, payload = new Uint8Array(160)): JitterPacket => ({ sequenceNumber: seq, timestamp: ts, payloadType: pt, payload });

  it("RFC 3550 §5.1: reorders by sequence number across the 16-bit wrap", () => {
    const jb = new JitterBuffer({ clockRate: 8000, minDelayMs: 60, initialDelayMs: 60 });
    for (const [seq, ts] of [[65534, 0], [0, 320], [65535, 160], [1, 480]] as const) expect(jb.push(pkt(seq, ts), 0)).toBe("queued");
    expect(jb.push(pkt(65535, 160), 1)).toBe("duplicate");
    const played = [0, 20, 40, 60].map((t) => jb.pull(60 + t)).map((f) => [f.kind, f.packet?.sequenceNumber]);
    expect(played).toEqual([["audio", 65534], ["audio", 65535], ["audio", 0], ["audio", 1]]);
    expect(jb.stats.duplicates).toBe(1);
    // A packet from before the first one played arrives after playout began: late, never lost.
    expect(jb.push(pkt(65533, -160 >>> 0), 200)).toBe("late");
    expect([jb.stats.late, jb.stats.lost]).toEqual([1, 0]);
  });

  /** Pushes each packet at its arrival time and pulls every 20 ms from `from` to `to`. */
  function drive(jb: JitterBuffer, arrivals: [number, JitterPacket][], from: number, to: number): JitterFrame[] {
    const frames: JitterFrame[] = [];
    let i = 0;
    for (let t = from; t < to; t += 20) {
      while (i < arrivals.length && arrivals[i]![0] <= t) jb.push(arrivals[i]![1], arrivals[i++]![0]);
      frames.push(jb.pull(t));
    }
    return frames;
  }

  it("RFC 4733 §2.5 / RFC 3389 §4: events and comfort noise come out in order with the audio", () => {
    const jb = new JitterBuffer({ clockRate: 8000, minDelayMs: 40, initialDelayMs: 40, telephoneEventPayloadType: 101 });
    const ev = (dur: number, end = false) => encodeTelephoneEvent({ event: 5, end, volume: 10, duration: dur });
    // Audio 1..2, an event starting at 320 (seq 3, 4, reordered), audio resumes at seq 5 ts 640,
    // then CN and nothing more (the sender is in DTX).
    const frames = drive(jb, [
      [0, pkt(1, 0)],
      [20, pkt(2, 160)],
      [45, pkt(4, 320, 101, ev(320, true))],
      [46, pkt(3, 320, 101, ev(160))],
      [80, pkt(5, 640)],
      [100, pkt(6, 800, 13, encodeComfortNoise({ level: 60, coefficients: new Uint8Array(0) }))],
    ], 0, 400);
    const events = frames.flatMap((f) => f.events.map((e) => e.sequenceNumber));
    expect(events).toEqual([3, 4]);
    const eventFrame = frames.findIndex((f) => f.events.length > 0);
    const played = frames.filter((f) => f.packet).map((f) => [f.kind, f.packet!.sequenceNumber]);
    expect(played.slice(0, 4)).toEqual([["audio", 1], ["audio", 2], ["audio", 5], ["comfort-noise", 6]]);
    // The event comes out after audio 2 and before audio 5.
    expect(frames.slice(0, eventFrame + 1).some((f) => f.packet?.sequenceNumber === 2)).toBe(true);
    expect(frames.slice(0, eventFrame + 1).some((f) => f.packet?.sequenceNumber === 5)).toBe(false);
    // After CN, the gap is comfort noise (DTX), not loss.
    const cnAt = frames.findIndex((f) => f.kind === "comfort-noise");
    expect(frames.slice(cnAt).every((f) => f.kind === "comfort-noise")).toBe(true);
    expect(jb.stats.lost).toBe(0);
    expect(jb.stats.concealedFrames).toBe(0);
  });

  it("RFC 3551 §4.1: a talk spurt after silence suppression (sequence contiguous, timestamp jump) is not loss", () => {
    const jb = new JitterBuffer({ clockRate: 8000, minDelayMs: 40, initialDelayMs: 40 });
    // 10 s of silence after seq 11, then the sender resumes with the next sequence number.
    const arrivals: [number, JitterPacket][] = [[0, pkt(10, 1000)], [20, pkt(11, 1160)]];
    for (let k = 0; k < 5; k++) arrivals.push([10_040 + 20 * k, { ...pkt(12 + k, 81320 + 160 * k), marker: k === 0 }]);
    expect(jb.state).toBe("buffering");
    const frames = drive(jb, arrivals, 0, 10_300);
    // Both talk spurts ran dry at their end: the buffer waits for depth again.
    expect(jb.state).toBe("stalled");
    expect(frames[2]!.kind).toBe("audio");
    const audio = frames.map((f, i) => [i * 20, f.kind === "audio" ? f.packet!.sequenceNumber : -1]).filter(([, s]) => s! >= 0);
    expect(audio.map(([, s]) => s)).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(jb.stats.lost).toBe(0);
    // The talk spurt starts once it waited its delay, not 10 s late.
    expect(audio[2]![0]).toBeGreaterThanOrEqual(10_040 + 20);
    expect(audio[2]![0]).toBeLessThanOrEqual(10_040 + 60);
  });

  it("bad options are a MediaError BAD_OPTION; the buffer stays bounded under a flood", () => {
    expect(() => new JitterBuffer({ clockRate: 0 })).toThrow(MediaError);
    expect(() => new JitterBuffer({ clockRate: 8000, minDelayMs: 100, maxDelayMs: 50 })).toThrow(MediaError);
    const jb = new JitterBuffer({ clockRate: 8000, maxPackets: 20 });
    for (let i = 0; i < 500; i++) jb.push(pkt(i, i * 160), 0);
    expect(jb.stats.overflow).toBe(480);
    expect(jb.stats.currentDelayMs).toBeLessThanOrEqual(20 * 20);
  });
});
