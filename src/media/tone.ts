import { checkOption } from "./errors.ts";

/**
 * Tone generation: sines at a frequency and level, the DTMF dual tones of ITU-T Q.23, silence.
 *
 * Levels are in dBm0, the unit of telephony test tones and of RFC 4733's volume field: a sine at
 * +3.17 dBm0 is the largest a G.711 μ-law channel carries (ITU-T G.711 Table 2a), so on 16-bit PCM
 * 0 dBm0 is a sine of peak 32767 · 10^(−3.17/20) ≈ 22 700.
 */

/** Peak amplitude of a 16-bit sine at 0 dBm0 (the μ-law convention of G.711: full scale = +3.17 dBm0). */
export const DBM0_PEAK: number = 32767 * Math.pow(10, -3.17 / 20);

/** The peak amplitude of a sine at `dbm0` on 16-bit PCM. */
export function dbm0ToAmplitude(dbm0: number): number {
  return DBM0_PEAK * Math.pow(10, dbm0 / 20);
}

/** The level in dBm0 of a sine of peak `amplitude` on 16-bit PCM. */
export function amplitudeToDbm0(amplitude: number): number {
  return 20 * Math.log10(amplitude / DBM0_PEAK);
}

/** What a {@link ToneGenerator} plays. */
export interface ToneOptions {
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** One frequency or several summed (each at `levelDbm0`), in Hz; empty or absent for silence. */
  readonly frequencies?: readonly number[];
  /** Level of each component in dBm0. Default −10 dBm0. */
  readonly levelDbm0?: number;
}

/**
 * A phase-continuous tone source: successive {@link ToneGenerator.fill} calls join without a
 * click, so frames of any size can be pulled for a media clock.
 */
export class ToneGenerator {
  readonly sampleRate: number;
  readonly #steps: Float64Array;
  readonly #phases: Float64Array;
  readonly #amplitude: number;

  constructor(options: ToneOptions) {
    const freqs = options.frequencies ?? [];
    checkOption(options.sampleRate > 0 && Number.isFinite(options.sampleRate), "tone: sampleRate must be positive");
    for (const f of freqs) checkOption(f >= 0 && f < options.sampleRate / 2, `tone: ${f} Hz is not below Nyquist`);
    this.sampleRate = options.sampleRate;
    this.#steps = Float64Array.from(freqs, (f) => (2 * Math.PI * f) / options.sampleRate);
    this.#phases = new Float64Array(freqs.length);
    this.#amplitude = dbm0ToAmplitude(options.levelDbm0 ?? -10);
  }

  /** Writes the next `dst.length` samples into `dst` (clipped to 16 bits); returns `dst`. */
  fill(dst: Int16Array): Int16Array {
    const steps = this.#steps;
    const phases = this.#phases;
    const a = this.#amplitude;
    if (steps.length === 0) return dst.fill(0);
    for (let i = 0; i < dst.length; i++) {
      let v = 0;
      for (let k = 0; k < steps.length; k++) v += Math.sin(phases[k]! + i * steps[k]!);
      const s = Math.round(v * a);
      dst[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
    // Keep the phase small so that hours of tone lose no precision.
    for (let k = 0; k < steps.length; k++) phases[k] = (phases[k]! + dst.length * steps[k]!) % (2 * Math.PI);
    return dst;
  }

  /** The next `count` samples in a new array. */
  next(count: number): Int16Array {
    return this.fill(new Int16Array(count));
  }
}

/** `durationMs` of a tone (see {@link ToneOptions}) in one array. */
export function generateTone(options: ToneOptions & { readonly durationMs: number }): Int16Array {
  checkOption(options.durationMs >= 0, "tone: durationMs must not be negative");
  return new ToneGenerator(options).next(Math.round((options.durationMs * options.sampleRate) / 1000));
}

/** `durationMs` of silence at `sampleRate`. */
export function generateSilence(sampleRate: number, durationMs: number): Int16Array {
  checkOption(sampleRate > 0 && durationMs >= 0, "silence: sampleRate and durationMs out of range");
  return new Int16Array(Math.round((durationMs * sampleRate) / 1000));
}

// ITU-T Q.23: rows 697/770/852/941 Hz, columns 1209/1336/1477/1633 Hz.
const ROWS = [697, 770, 852, 941] as const;
const COLS = [1209, 1336, 1477, 1633] as const;
const KEYPAD = ["123A", "456B", "789C", "*0#D"] as const;

/** The (low, high) frequency pair of a DTMF key (ITU-T Q.23), or undefined for other characters. */
export function dtmfFrequencies(digit: string): readonly [number, number] | undefined {
  const d = digit.toUpperCase();
  if (d.length !== 1) return undefined;
  for (let r = 0; r < 4; r++) {
    const c = KEYPAD[r]!.indexOf(d);
    if (c >= 0) return [ROWS[r]!, COLS[c]!];
  }
  return undefined;
}

/**
 * `durationMs` of a DTMF key's dual tone. Each component is at `levelDbm0` (default −7 dBm0,
 * within the Q.24 sending range).
 */
export function generateDtmf(
  digit: string,
  options: { readonly sampleRate: number; readonly durationMs: number; readonly levelDbm0?: number },
): Int16Array {
  const pair = dtmfFrequencies(digit);
  checkOption(pair !== undefined, `dtmf: not a DTMF key: ${JSON.stringify(digit)}`);
  return generateTone({ sampleRate: options.sampleRate, durationMs: options.durationMs, frequencies: pair!, levelDbm0: options.levelDbm0 ?? -7 });
}
