import { describe, expect, it } from "vitest";
import { analyseTone, createResampler, detectFrequency, generateTone, MediaError, resample, Resampler } from "../../src/media/index.ts";

/** Resamples `input` in 20 ms frames through one stateful resampler; returns the joined output. */
function streamed(input: Int16Array, from: number, to: number): { out: Int16Array; sizes: number[] } {
  const r = createResampler({ from, to });
  const frame = from / 50;
  const parts: Int16Array[] = [];
  for (let at = 0; at + frame <= input.length; at += frame) parts.push(r.process(input.subarray(at, at + frame)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { out, sizes: parts.map((p) => p.length) };
}

describe("resampler (windowed-sinc polyphase)", () => {
  const pairs = [
    [8000, 16000], [16000, 8000], [8000, 48000], [48000, 8000], [16000, 48000], [48000, 16000], [44100, 48000], [48000, 44100], [8000, 11025],
  ] as const;
  for (const [from, to] of pairs) {
    it(`${from} → ${to} Hz: a 1 kHz tone keeps its frequency and level, SNR > 70 dB, frames of 20 ms stay 20 ms`, () => {
      const tone = generateTone({ sampleRate: from, frequencies: [1000], levelDbm0: -3, durationMs: 1000 });
      const { out, sizes } = streamed(tone, from, to);
      expect(Math.abs(out.length - to)).toBeLessThanOrEqual(1);
      if (Number.isInteger((from / 50) * (to / from))) expect(new Set(sizes)).toEqual(new Set([to / 50]));
      const steady = out.subarray(Math.round(to * 0.1), Math.round(to * 0.9));
      const a = analyseTone(steady, to, 1000);
      expect(a.snrDb).toBeGreaterThan(70);
      expect(Math.abs(a.amplitude / analyseTone(tone, from, 1000).amplitude - 1)).toBeLessThan(0.002);
      expect(Math.abs(detectFrequency(steady, to) - 1000)).toBeLessThan(0.05);
    });
  }

  it("down-sampling removes what the lower rate cannot carry (a 6 kHz tone from 48 kHz to 8 kHz)", () => {
    const tone = generateTone({ sampleRate: 48000, frequencies: [6000], levelDbm0: 0, durationMs: 500 });
    const out = resample(tone, 48000, 8000);
    // 6 kHz would alias to 2 kHz at 8 kHz sampling: the filter must have taken it out (≥ 60 dB).
    const alias = analyseTone(out.subarray(800, 3200), 8000, 2000).amplitude;
    expect(20 * Math.log10(analyseTone(tone, 48000, 6000).amplitude / Math.max(alias, 1e-9))).toBeGreaterThan(60);
  });

  it("stereo channels are resampled independently", () => {
    const l = generateTone({ sampleRate: 8000, frequencies: [500], durationMs: 300 });
    const r = generateTone({ sampleRate: 8000, frequencies: [1500], durationMs: 300 });
    const inter = new Int16Array(l.length * 2);
    for (let i = 0; i < l.length; i++) [inter[2 * i], inter[2 * i + 1]] = [l[i]!, r[i]!];
    const out = new Resampler({ from: 8000, to: 16000, channels: 2 }).process(inter);
    const left = out.filter((_, i) => i % 2 === 0).subarray(800);
    const right = out.filter((_, i) => i % 2 === 1).subarray(800);
    expect(Math.abs(detectFrequency(left, 16000) - 500)).toBeLessThan(0.1);
    expect(Math.abs(detectFrequency(right, 16000) - 1500)).toBeLessThan(0.1);
  });

  it("the same rate is a copy; bad rates are a MediaError", () => {
    const x = Int16Array.of(1, 2, 3);
    expect(Array.from(resample(x, 8000, 8000))).toEqual([1, 2, 3]);
    expect(() => createResampler({ from: 0, to: 8000 })).toThrow(MediaError);
    expect(() => createResampler({ from: 8000, to: 8000.5 })).toThrow(MediaError);
  });
});
