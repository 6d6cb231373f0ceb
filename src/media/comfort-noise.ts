import { comfortNoiseReflectionCoefficient } from "../codec/index.ts";
import type { ComfortNoise } from "../codec/index.ts";

/**
 * Comfort-noise generation from RFC 3389 parameters: white noise shaped by the all-pole filter
 * whose reflection coefficients the sender measured (§3.2), at the sender's level (§3.1). A
 * receiver plays it between talk spurts, when the sender has stopped sending audio, so that the
 * line does not go dead.
 *
 * The level is in −dBov (§3.1); 0 dBov is taken as the RMS of a full-scale 16-bit square wave,
 * so a level L gives noise of RMS 32767 · 10^(−L/20).
 */
export class ComfortNoiseGenerator {
  #a = new Float64Array(0); // direct-form predictor a[1..p]
  #mem = new Float64Array(0); // past outputs, most recent first
  #excitation = 0; // excitation RMS
  #seed: number;

  /** `seed` makes the noise reproducible (tests); any 32-bit value. */
  constructor(seed = 0x1234567) {
    this.#seed = seed >>> 0 || 1;
  }

  /** Takes the parameters of a received RFC 3389 payload. */
  update(noise: ComfortNoise): void {
    const k = Array.from(noise.coefficients, comfortNoiseReflectionCoefficient);
    // Step-up recursion: reflection coefficients -> predictor (a[i] in y[n] = e[n] + Σ a[i] y[n-i]).
    let a: number[] = [];
    let gain = 1;
    for (let m = 0; m < k.length; m++) {
      const km = Math.max(-0.999, Math.min(0.999, k[m]!));
      const next = a.map((ai, i) => ai - km * a[m - 1 - i]!);
      next.push(km);
      a = next;
      gain *= 1 - km * km;
    }
    if (this.#a.length !== a.length) this.#mem = new Float64Array(a.length);
    this.#a = Float64Array.from(a);
    // The all-pole filter multiplies the power of white noise by 1 / Π(1 − k²).
    const target = 32767 * Math.pow(10, -noise.level / 20);
    this.#excitation = target * Math.sqrt(gain);
  }

  /** Fills `out` with noise at the current parameters (silence before the first update). */
  fill(out: Int16Array): Int16Array {
    const a = this.#a;
    const mem = this.#mem;
    const p = a.length;
    // Uniform noise on [−√3, √3) has unit variance.
    const scale = this.#excitation * Math.sqrt(3) * 2;
    for (let n = 0; n < out.length; n++) {
      let s = this.#seed;
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      this.#seed = s >>> 0;
      let y = ((this.#seed / 4294967296) - 0.5) * scale;
      for (let i = 0; i < p; i++) y += a[i]! * mem[i]!;
      for (let i = p - 1; i > 0; i--) mem[i] = mem[i - 1]!;
      if (p > 0) mem[0] = y;
      const v = Math.round(y);
      out[n] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return out;
  }
}
