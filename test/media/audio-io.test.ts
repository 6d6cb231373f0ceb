import { describe, expect, it } from "vitest";
import {
  amplitudeToDbm0,
  analyseTone,
  collectPcm,
  dbm0ToAmplitude,
  detectFrequency,
  dtmfFrequencies,
  EchoLine,
  echoPcm,
  generateDtmf,
  generateSilence,
  generateTone,
  goertzelAmplitude,
  MediaError,
  PcmQueue,
  pcmFrames,
  reframePcm,
  resamplePcm,
  rms,
  ToneGenerator,
} from "../../src/media/index.ts";
import type { PcmFrame } from "../../src/media/index.ts";

describe("tone generator", () => {
  it("G.711 Table 2a: +3.17 dBm0 is a full-scale sine; −10 dBm0 has the matching peak", () => {
    expect(dbm0ToAmplitude(3.17)).toBeCloseTo(32767, 0);
    expect(amplitudeToDbm0(dbm0ToAmplitude(-10))).toBeCloseTo(-10, 10);
    const t = generateTone({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10, durationMs: 100 });
    expect(t.length).toBe(800);
    expect(analyseTone(t, 8000, 1000).amplitude).toBeCloseTo(dbm0ToAmplitude(-10), -1);
    expect(rms(t)).toBeCloseTo(dbm0ToAmplitude(-10) / Math.SQRT2, -1);
  });

  it("frames pulled one by one join without a seam (phase-continuous)", () => {
    const g = new ToneGenerator({ sampleRate: 16000, frequencies: [1000] });
    const joined = new Int16Array(1600);
    for (let i = 0; i < 10; i++) joined.set(g.next(160), i * 160);
    expect(Array.from(joined)).toEqual(Array.from(generateTone({ sampleRate: 16000, frequencies: [1000], durationMs: 100 })));
  });

  it("ITU-T Q.23: DTMF keys are the sum of their row and column tones", () => {
    expect(dtmfFrequencies("1")).toEqual([697, 1209]);
    expect(dtmfFrequencies("#")).toEqual([941, 1477]);
    expect(dtmfFrequencies("d")).toEqual([941, 1633]);
    expect(dtmfFrequencies("x")).toBeUndefined();
    const five = generateDtmf("5", { sampleRate: 8000, durationMs: 100 });
    const amp = (f: number) => goertzelAmplitude(five, 8000, f);
    expect(amp(770)).toBeCloseTo(dbm0ToAmplitude(-7), -2);
    expect(amp(1336)).toBeCloseTo(dbm0ToAmplitude(-7), -2);
    expect(amp(697)).toBeLessThan(amp(770) / 5);
    expect(() => generateDtmf("E", { sampleRate: 8000, durationMs: 10 })).toThrow(MediaError);
    expect(generateSilence(48000, 20).every((s) => s === 0)).toBe(true);
    expect(() => new ToneGenerator({ sampleRate: 8000, frequencies: [4000] })).toThrow(MediaError);
  });
});

describe("tone analysis", () => {
  it("detects a tone's frequency to a fraction of a hertz and its SNR against white noise", () => {
    let seed = 1;
    const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 2;
    const t = generateTone({ sampleRate: 8000, frequencies: [1234.5], levelDbm0: -10, durationMs: 1000 });
    expect(Math.abs(detectFrequency(t, 8000) - 1234.5)).toBeLessThan(0.05);
    // Uniform noise of peak 300 has RMS 173; the tone's RMS is 5077: SNR ≈ 29.3 dB.
    const noisy = Int16Array.from(t, (v) => v + Math.round(300 * noise()));
    const a = analyseTone(noisy, 8000, 1234.5);
    expect(a.snrDb).toBeGreaterThan(28.5);
    expect(a.snrDb).toBeLessThan(30);
    expect(a.noiseRms).toBeGreaterThan(160);
    // Against the wrong reference the fit finds nothing.
    expect(analyseTone(t, 8000, 1500).snrDb).toBeLessThan(0);
  });
});

describe("PCM frames as async iterables", () => {
  it("pcmFrames cuts and pads; collectPcm joins; reframePcm re-cuts 10 ms to 20 ms", async () => {
    const s = Int16Array.from({ length: 1000 }, (_, i) => i);
    const frames: PcmFrame[] = [];
    for await (const f of pcmFrames(s, { sampleRate: 8000, frameMs: 10 })) frames.push(f);
    expect(frames.map((f) => f.samples.length)).toEqual(Array(13).fill(80));
    const joined = await collectPcm(frames);
    expect(Array.from(joined.subarray(0, 1000))).toEqual(Array.from(s));
    expect(joined.subarray(1000).every((v) => v === 0)).toBe(true);
    const re: number[] = [];
    for await (const f of reframePcm(pcmFrames(s, { sampleRate: 8000, frameMs: 10 }), 20)) re.push(f.samples.length);
    expect(re).toEqual(Array(7).fill(160));
  });

  it("resamplePcm changes the rate of a stream frame by frame", async () => {
    const tone = generateTone({ sampleRate: 8000, frequencies: [1000], durationMs: 500 });
    const out: PcmFrame[] = [];
    for await (const f of resamplePcm(pcmFrames(tone, { sampleRate: 8000 }), 48000)) out.push(f);
    expect(out.every((f) => f.sampleRate === 48000 && f.samples.length === 960)).toBe(true);
    expect(Math.abs(detectFrequency((await collectPcm(out)).subarray(4800), 48000) - 1000)).toBeLessThan(0.1);
  });

  it("PcmQueue: a pushed stream read with for await; bounded, dropping the oldest when the reader lags", async () => {
    const q = new PcmQueue(3);
    const f = (v: number): PcmFrame => ({ samples: Int16Array.of(v), sampleRate: 8000, channels: 1 });
    for (let i = 0; i < 5; i++) q.push(f(i));
    expect(q.dropped).toBe(2);
    expect(q.length).toBe(3);
    const reading = (async () => {
      const got: number[] = [];
      for await (const x of q) got.push(x.samples[0]!);
      return got;
    })();
    await Promise.resolve();
    q.push(f(5));
    q.close();
    q.push(f(6));
    expect(await reading).toEqual([2, 3, 4, 5]);
  });

  it("PcmQueue: closed once closed, and once its reader stops (a break out of for await)", async () => {
    const q = new PcmQueue(3);
    q.push({ samples: Int16Array.of(1), sampleRate: 8000, channels: 1 });
    q.push({ samples: Int16Array.of(2), sampleRate: 8000, channels: 1 });
    expect(q.closed).toBe(false);
    for await (const x of q) if (x.samples[0] === 1) break;
    expect(q.closed).toBe(true);
    expect(new PcmQueue(1).closed).toBe(false);
  });
});

describe("echo", () => {
  it("returns each sample after the delay, silence first", () => {
    const e = new EchoLine({ sampleRate: 8000, delayMs: 1 });
    const a = e.process(Int16Array.from({ length: 10 }, (_, i) => i + 1));
    expect(Array.from(a)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(Array.from(e.process(Int16Array.of(11, 12)))).toEqual([3, 4]);
    expect(Array.from(new EchoLine({ sampleRate: 8000, gainDb: -6.0206 }).process(Int16Array.of(1000, -1000)))).toEqual([500, -500]);
    expect(() => new EchoLine({ sampleRate: 8000, delayMs: -1 })).toThrow(MediaError);
  });

  it("echoPcm: a tone comes back as the same tone, later", async () => {
    const tone = generateTone({ sampleRate: 16000, frequencies: [1000], durationMs: 400 });
    const back = await collectPcm(echoPcm(pcmFrames(tone, { sampleRate: 16000 }), { delayMs: 100 }));
    expect(back.subarray(0, 1600).every((v) => v === 0)).toBe(true);
    expect(Array.from(back.subarray(1600))).toEqual(Array.from(tone.subarray(0, tone.length - 1600)));
  });
});
