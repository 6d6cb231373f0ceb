/**
 * Tone analysis for tests and call checks: the Goertzel filter (one DFT term at any frequency),
 * dominant-frequency detection, and the signal-to-noise ratio of a received tone against the
 * ideal sine it should be. The codec and interop tests use these to check that the audio that
 * arrived is the tone that was sent, whatever the delay the path added.
 */

/** Anything indexable as samples (Int16Array, Float32Array, number[]). */
export type Samples = ArrayLike<number>;

/**
 * The amplitude of the component at `frequency` Hz in `samples[offset, offset+length)`, by the
 * Goertzel recurrence (a single DFT term; the frequency need not fall on a bin). For a pure sine
 * of peak A spanning many periods it returns ≈ A.
 */
export function goertzelAmplitude(
  samples: Samples,
  sampleRate: number,
  frequency: number,
  offset = 0,
  length: number = samples.length - offset,
): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = offset; i < offset + length; i++) {
    const s = samples[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return length > 0 ? (2 * Math.sqrt(Math.max(0, power))) / length : 0;
}

/** Root mean square of `samples`. */
export function rms(samples: Samples, offset = 0, length: number = samples.length - offset): number {
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += samples[i]! * samples[i]!;
  return length > 0 ? Math.sqrt(sum / length) : 0;
}

/** Options of {@link detectFrequency}. */
export interface DetectFrequencyOptions {
  /** Lowest frequency considered, Hz. Default 50. */
  readonly minHz?: number;
  /** Highest frequency considered, Hz. Default just below Nyquist. */
  readonly maxHz?: number;
}

/**
 * The dominant frequency of `samples`: a coarse Goertzel scan on bins of a 2048-sample window,
 * a finer scan and a golden-section refinement over the whole signal, to a small fraction of a
 * hertz for a clean tone of a second.
 */
export function detectFrequency(samples: Samples, sampleRate: number, options: DetectFrequencyOptions = {}): number {
  const lo = options.minHz ?? 50;
  const hi = options.maxHz ?? sampleRate * 0.49;
  const n = samples.length;
  if (n < 16) return 0;
  const window = Math.min(n, 2048);
  const bin = sampleRate / window;
  let best = lo;
  let bestAmp = -1;
  for (let f = lo; f <= hi; f += bin / 2) {
    const a = goertzelAmplitude(samples, sampleRate, f, 0, window);
    if (a > bestAmp) {
      bestAmp = a;
      best = f;
    }
  }
  // The full signal's main lobe is narrower than a coarse bin and has side lobes: scan the coarse
  // bin either side on a grid of a quarter of the fine bin, then golden-section around the best.
  const fine = sampleRate / n / 4;
  let peak = best;
  let peakAmp = -1;
  for (let f = Math.max(lo, best - bin); f <= Math.min(hi, best + bin); f += fine) {
    const amp = goertzelAmplitude(samples, sampleRate, f);
    if (amp > peakAmp) {
      peakAmp = amp;
      peak = f;
    }
  }
  let a = Math.max(lo, peak - fine);
  let b = Math.min(hi, peak + fine);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = goertzelAmplitude(samples, sampleRate, x1);
  let f2 = goertzelAmplitude(samples, sampleRate, x2);
  for (let i = 0; i < 40 && b - a > 1e-4; i++) {
    if (f1 < f2) {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = goertzelAmplitude(samples, sampleRate, x2);
    } else {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = goertzelAmplitude(samples, sampleRate, x1);
    }
  }
  return (a + b) / 2;
}

/** What {@link analyseTone} found. */
export interface ToneAnalysis {
  /** Peak amplitude of the best-fitting sine at the reference frequency. */
  readonly amplitude: number;
  /** Power of the fitted sine over the power of everything else (residual), in dB. */
  readonly snrDb: number;
  /** RMS of the residual after removing the fitted sine and any DC offset. */
  readonly noiseRms: number;
}

/**
 * Fits `a·sin(ωn) + b·cos(ωn) + c` to `samples` at the reference `frequency` by least squares and
 * reports the fitted amplitude and the SNR of the fit against the residual. Phase and delay do
 * not matter, so a tone that went through a codec, a resampler or a jitter buffer can be checked
 * against the frequency that was sent. Analyse a stretch without the start-up transient.
 */
export function analyseTone(samples: Samples, sampleRate: number, frequency: number, offset = 0, length: number = samples.length - offset): ToneAnalysis {
  const w = (2 * Math.PI * frequency) / sampleRate;
  // Normal equations of the three-term fit.
  let ss = 0, sc = 0, s1 = 0, cc = 0, c1 = 0, ys = 0, yc = 0, y1 = 0, yy = 0;
  for (let i = 0; i < length; i++) {
    const y = samples[offset + i]!;
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    ss += s * s; sc += s * c; s1 += s; cc += c * c; c1 += c;
    ys += y * s; yc += y * c; y1 += y; yy += y * y;
  }
  const [a, b, k] = solve3([ss, sc, s1, sc, cc, c1, s1, c1, length], [ys, yc, y1]);
  let resid = 0;
  for (let i = 0; i < length; i++) {
    const e = samples[offset + i]! - (a * Math.sin(w * i) + b * Math.cos(w * i) + k);
    resid += e * e;
  }
  const amplitude = Math.hypot(a, b);
  const signal = (amplitude * amplitude * length) / 2;
  const noiseRms = length > 0 ? Math.sqrt(resid / length) : 0;
  const snrDb = resid > 0 ? 10 * Math.log10(signal / resid) : Infinity;
  return { amplitude, snrDb, noiseRms };
}

// Cramer's rule for a 3×3 system (row-major m).
function solve3(m: number[], v: number[]): [number, number, number] {
  const det = (x: number[]) =>
    x[0]! * (x[4]! * x[8]! - x[5]! * x[7]!) - x[1]! * (x[3]! * x[8]! - x[5]! * x[6]!) + x[2]! * (x[3]! * x[7]! - x[4]! * x[6]!);
  const d = det(m);
  if (Math.abs(d) < 1e-12) return [0, 0, 0];
  const col = (j: number) => m.map((x, i) => (i % 3 === j ? v[Math.floor(i / 3)]! : x));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}
