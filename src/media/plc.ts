import { checkOption } from "./errors.ts";

/**
 * Packet-loss concealment for waveform codecs (G.711, L16; G.722 decoded PCM), after the
 * pitch-repetition method of ITU-T G.711 Appendix I, at any sample rate (the 8 kHz constants are
 * scaled):
 *
 * - a history of the last 48.75 ms of output is kept;
 * - at the first lost frame the pitch period is found by normalized cross-correlation of the
 *   last 20 ms against the history (periods 5–15 ms, a coarse search on every 2nd lag, then ±1);
 * - the lost audio is the last pitch period repeated; after 10 ms of loss the last 2 periods are
 *   cycled, after 20 ms the last 3 (less buzzy on long losses), and from 10 ms on the signal is
 *   attenuated linearly by 20 % per 10 ms, reaching silence 60 ms into the loss;
 * - at the first good frame the concealment is continued for ¼ period + 4 ms per extra 10 ms
 *   lost (at most 10 ms) and overlap-added into the good signal, so the seam does not click.
 *
 * One difference from Appendix I: Appendix I delays its output by 3.75 ms so that it can also
 * smooth the seam at the start of a loss; this concealer adds no delay, and the repeated period
 * starts where the real signal stopped.
 */
/** Length of the concealer's history buffer, in histories: it is compacted once per (SLACK − 1) histories written. */
const HISTORY_SLACK = 4;

export class PacketLossConcealer {
  readonly sampleRate: number;
  // The history is the `#span` samples before `#end` in `#buf`, which is HISTORY_SLACK spans
  // long: a good frame is written after the last one (a few cache lines of a cold stream's
  // state), and only when the buffer's end is reached are the last `#span` samples moved back to
  // its start — instead of shifting the whole history for every frame.
  readonly #buf: Int16Array;
  readonly #span: number;
  #end: number;
  readonly #pMin: number;
  readonly #pMax: number;
  readonly #corrLen: number;
  readonly #ms10: number;
  // Concealment state.
  #erased = 0; // samples concealed in the current loss
  #pitch = 0;
  #periods = 1;
  #idx = 0; // position within the cycled window
  #pitchBuf: Int16Array = new Int16Array(0); // the last 3 periods of real history when the loss began
  /** Samples produced by concealment, in total. */
  concealedSamples = 0;

  constructor(options: { readonly sampleRate: number }) {
    checkOption(Number.isInteger(options.sampleRate) && options.sampleRate >= 8000 && options.sampleRate <= 96000, "plc: sampleRate must be 8000..96000");
    this.sampleRate = options.sampleRate;
    const k = options.sampleRate / 8000;
    this.#pMin = Math.round(40 * k);
    this.#pMax = Math.round(120 * k);
    this.#corrLen = Math.round(160 * k);
    this.#ms10 = Math.round(80 * k);
    this.#span = 3 * this.#pMax + Math.round(30 * k);
    this.#buf = new Int16Array(HISTORY_SLACK * this.#span);
    this.#end = this.#span;
  }

  /** True while a loss is being concealed (the next good frame will be merged). */
  get concealing(): boolean {
    return this.#erased > 0;
  }

  /**
   * Takes a decoded good frame and returns it ready to play: unchanged, or, right after a loss,
   * with the concealment overlap-added into its start. Modifies `frame` in place.
   */
  good(frame: Int16Array): Int16Array {
    if (this.#erased > 0) {
      const extra = Math.min(this.#ms10, Math.floor(this.#pitch / 4) + Math.max(0, Math.ceil(this.#erased / this.#ms10) - 1) * Math.round(this.#ms10 * 0.4));
      const n = Math.min(extra, frame.length);
      const tail = new Int16Array(n);
      this.#synthesize(tail);
      for (let i = 0; i < n; i++) {
        const w = (i + 1) / (n + 1);
        frame[i] = Math.round(tail[i]! * (1 - w) + frame[i]! * w);
      }
      this.#erased = 0;
    }
    this.#remember(frame);
    return frame;
  }

  /** Fills `out` with concealment for lost audio (call once per lost frame); returns `out`. */
  conceal(out: Int16Array): Int16Array {
    if (this.#erased === 0) this.#begin();
    this.#synthesize(out);
    this.concealedSamples += out.length;
    this.#remember(out);
    return out;
  }

  /** Forgets the history (a new stream). */
  reset(): void {
    this.#buf.fill(0);
    this.#end = this.#span;
    this.#erased = 0;
  }

  #begin(): void {
    this.#pitch = this.#findPitch();
    const span = 3 * this.#pitch;
    this.#pitchBuf = this.#buf.slice(this.#end - span, this.#end);
    this.#periods = 1;
    this.#idx = 0;
  }

  #synthesize(out: Int16Array): void {
    const p = this.#pitch;
    const ms10 = this.#ms10;
    for (let i = 0; i < out.length; i++) {
      const t = this.#erased;
      // G.711 App. I: one period for the first 10 ms, two until 20 ms, then three.
      const periods = t < ms10 ? 1 : t < 2 * ms10 ? 2 : 3;
      if (periods !== this.#periods) {
        this.#periods = periods;
        this.#idx %= periods * p;
      }
      // Attenuation: none in the first 10 ms, then −20 % per 10 ms, silent from 60 ms.
      const gain = t < ms10 ? 1 : Math.max(0, 1 - (0.2 * (t - ms10)) / ms10);
      const window = periods * p;
      const v = this.#pitchBuf[this.#pitchBuf.length - window + this.#idx]!;
      out[i] = Math.round(v * gain);
      this.#idx = this.#idx + 1 === window ? 0 : this.#idx + 1;
      this.#erased++;
    }
  }

  #remember(frame: Int16Array): void {
    const b = this.#buf;
    const span = this.#span;
    const n = frame.length;
    if (n >= span) {
      b.set(frame.subarray(n - span));
      this.#end = span;
      return;
    }
    if (this.#end + n > b.length) {
      b.copyWithin(0, this.#end - span, this.#end);
      this.#end = span;
    }
    b.set(frame, this.#end);
    this.#end += n;
  }

  // Lag in [pMin, pMax] maximizing the normalized cross-correlation of the last corrLen samples
  // with the samples `lag` earlier.
  #findPitch(): number {
    const h = this.#buf;
    const end = this.#end;
    const start = end - this.#corrLen;
    const score = (lag: number, step: number) => {
      let xy = 0;
      let yy = 1e-9;
      for (let i = start; i < end; i += step) {
        const y = h[i - lag]!;
        xy += h[i]! * y;
        yy += y * y;
      }
      return xy / Math.sqrt(yy);
    };
    let best = this.#pMin;
    let bestScore = -Infinity;
    for (let lag = this.#pMin; lag <= this.#pMax; lag += 2) {
      const s = score(lag, 2);
      if (s > bestScore) {
        bestScore = s;
        best = lag;
      }
    }
    let fine = best;
    bestScore = -Infinity;
    for (let lag = Math.max(this.#pMin, best - 1); lag <= Math.min(this.#pMax, best + 1); lag++) {
      const s = score(lag, 1);
      if (s > bestScore) {
        bestScore = s;
        fine = lag;
      }
    }
    return fine;
  }
}
