import { describe, expect, it } from "vitest";
import { encodeComfortNoise, tryParseComfortNoise } from "../../src/codec/index.ts";
import { analyseTone, ComfortNoiseGenerator, goertzelAmplitude, MediaError, PacketLossConcealer, rms, ToneGenerator } from "../../src/media/index.ts";

describe("packet-loss concealment (G.711 Appendix I method)", () => {
  for (const rate of [8000, 16000, 48000]) {
    it(`G.711 App. I: at ${rate} Hz a lost frame repeats the pitch period; the tone's frequency is kept`, () => {
      const plc = new PacketLossConcealer({ sampleRate: rate });
      const g = new ToneGenerator({ sampleRate: rate, frequencies: [250], levelDbm0: -10 });
      const n = rate / 50;
      for (let i = 0; i < 10; i++) plc.good(g.next(n));
      const lost = plc.conceal(new Int16Array(n / 2));
      expect(plc.concealing).toBe(true);
      // The first 10 ms: full level, and a close fit to the ideal 250 Hz sine (a wrong period
      // would not fit a fixed frequency over the whole span).
      expect(analyseTone(lost, rate, 250).snrDb).toBeGreaterThan(25);
      expect(analyseTone(lost, rate, 250).amplitude).toBeGreaterThan(0.9 * analyseTone(g.next(n), rate, 250).amplitude);
      expect(plc.concealedSamples).toBe(n / 2);
    });
  }

  it("G.711 App. I: concealment depends on the last 48.75 ms of output only, whatever the frames that brought it", () => {
    // 48.75 ms at 8 kHz: 3 × 15 ms periods + 3.75 ms.
    const span = 390;
    // A first frame longer than the history, then odd lengths that wrap the history buffer.
    const lengths = [700, 160, 80, 7, 333, 160, 389, 1, 240, 160, 333, 333];
    // Lost after every number of frames: among them, just before and just after each move of the history.
    for (let frames = 1; frames <= 24; frames++) {
      const g = new ToneGenerator({ sampleRate: 8000, frequencies: [68, 205], levelDbm0: -12 });
      const played: number[] = [];
      const many = new PacketLossConcealer({ sampleRate: 8000 });
      for (let i = 0; i < frames; i++) {
        const f = g.next(lengths[i % lengths.length]!);
        played.push(...f);
        many.good(f);
      }
      const once = new PacketLossConcealer({ sampleRate: 8000 });
      once.good(Int16Array.from(played.slice(-span)));
      // 60 ms of loss: the concealment cycles through the last three pitch periods (~44 ms at 68 Hz).
      for (let k = 0; k < 3; k++) expect([...many.conceal(new Int16Array(160))]).toEqual([...once.conceal(new Int16Array(160))]);
      const next = g.next(160);
      expect([...many.good(next.slice())]).toEqual([...once.good(next.slice())]);
    }
  });

  it("G.711 App. I: attenuation of 20 % per 10 ms after the first 10 ms, silence from 60 ms", () => {
    const plc = new PacketLossConcealer({ sampleRate: 8000 });
    const g = new ToneGenerator({ sampleRate: 8000, frequencies: [200], levelDbm0: -10 });
    for (let i = 0; i < 5; i++) plc.good(g.next(160));
    const levels: number[] = [];
    for (let k = 0; k < 8; k++) levels.push(rms(plc.conceal(new Int16Array(80))));
    const first = levels[0]!;
    // Windows 10-20 ms … 50-60 ms fall linearly (mean gain 0.9, 0.7, 0.5, 0.3, 0.1), then nothing.
    [0.9, 0.7, 0.5, 0.3, 0.1].forEach((g, i) => expect(levels[i + 1]! / first).toBeCloseTo(g, 1));
    expect(levels[6]).toBe(0);
    expect(levels[7]).toBe(0);
  });

  it("G.711 App. I: the first good frame after a loss is overlap-added, so the seam has no step", () => {
    const plc = new PacketLossConcealer({ sampleRate: 8000 });
    const g = new ToneGenerator({ sampleRate: 8000, frequencies: [300], levelDbm0: -10 });
    for (let i = 0; i < 5; i++) plc.good(g.next(160));
    const lost = plc.conceal(new Int16Array(160));
    g.next(160);
    const next = g.next(160);
    const raw = next.slice();
    const merged = plc.good(next);
    expect(plc.concealing).toBe(false);
    // The start is a blend: not the raw frame, but its first sample follows on from the concealment.
    expect(Array.from(merged.subarray(0, 8))).not.toEqual(Array.from(raw.subarray(0, 8)));
    expect(Math.abs(merged[0]! - lost[159]!)).toBeLessThan(Math.abs(raw[0]! - lost[159]!) + 2000);
    expect(Array.from(merged.subarray(100))).toEqual(Array.from(raw.subarray(100)));
    expect(() => new PacketLossConcealer({ sampleRate: 4000 })).toThrow(MediaError);
  });
});

describe("comfort noise (RFC 3389)", () => {
  it("RFC 3389 §3.1: the level sets the noise power (−dBov against a full-scale square wave)", () => {
    for (const level of [30, 50, 70]) {
      const cn = new ComfortNoiseGenerator(42);
      const p = tryParseComfortNoise(encodeComfortNoise({ level, coefficients: new Uint8Array(0) }));
      if (!p.ok) throw new Error("parse");
      cn.update(p.value);
      const out = cn.fill(new Int16Array(8000));
      expect(20 * Math.log10(rms(out) / 32767)).toBeCloseTo(-level, 0);
    }
  });

  it("RFC 3389 §3.2: reflection coefficients shape the spectrum, at the same level", () => {
    const white = new ComfortNoiseGenerator(7);
    white.update({ level: 40, coefficients: new Uint8Array(0) });
    const shaped = new ComfortNoiseGenerator(7);
    // k1 ≈ 0.9 (quantized 242): a strong one-pole low-pass.
    shaped.update({ level: 40, coefficients: Uint8Array.of(242) });
    const w = white.fill(new Int16Array(16000));
    const s = shaped.fill(new Int16Array(16000));
    expect(rms(s) / rms(w)).toBeGreaterThan(0.8);
    expect(rms(s) / rms(w)).toBeLessThan(1.25);
    const tilt = (x: Int16Array) => goertzelAmplitude(x, 8000, 300) / goertzelAmplitude(x, 8000, 3500);
    expect(tilt(s)).toBeGreaterThan(5 * tilt(w));
    expect(new ComfortNoiseGenerator().fill(new Int16Array(10)).every((v) => v === 0)).toBe(true);
  });
});
