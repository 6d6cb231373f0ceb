import { MediaError, parseWav, resample, ToneGenerator } from "../../media/index.ts";

/**
 * What a playback or park service plays: a tone (one or more frequencies, steady or in an on/off
 * cadence like a ring-back tone) or the samples of a WAV file, read once when the service is made.
 */
export type AudioSourceSpec =
  | {
    readonly tone: {
      /** Frequencies summed, Hz (e.g. `[440]`, or `[440, 480]` for the North American ring-back). */
      readonly frequencies: readonly number[];
      /** Level of each component, dBm0. Default −10. */
      readonly levelDbm0?: number;
      /** Cadence: `onMs` of tone, then `offMs` of silence, repeated. Default: steady. */
      readonly onMs?: number;
      readonly offMs?: number;
    };
  }
  | {
    /** A WAV file's bytes (any format `parseWav` of siphon/media reads; stereo is mixed down). */
    readonly wav: Uint8Array;
  };

/**
 * A source of mono PCM at one sample rate, pulled in pieces of any length: the tone continues its
 * phase and cadence, the WAV file its position. `loop` sources start again at their end.
 */
export interface AudioCursor {
  /**
   * Writes up to `dst.length` samples into `dst`; returns how many (fewer only at the end of a
   * source that does not loop, then 0).
   */
  read(dst: Int16Array): number;
}

/** A decoded source, ready to make a cursor at the sample rate of each call. */
export interface AudioSource {
  /** A new cursor from the start at `sampleRate`; `loop` to start over at the end (a tone never ends). */
  open(sampleRate: number, loop: boolean): AudioCursor;
  /** The length of one pass, ms; undefined for a tone (endless). */
  readonly durationMs: number | undefined;
}

/**
 * Prepares what a service plays: a WAV file is parsed and mixed down to mono here, so a bad file is
 * a {@link MediaError} when the service is configured, not when a call comes in.
 */
export function createAudioSource(spec: AudioSourceSpec): AudioSource {
  if ("tone" in spec) return toneSource(spec.tone);
  return wavSourceOf(spec.wav);
}

function toneSource(t: Extract<AudioSourceSpec, { tone: unknown }>["tone"]): AudioSource {
  const onMs = t.onMs ?? 0;
  const offMs = t.offMs ?? 0;
  if (!(onMs >= 0 && offMs >= 0) || (offMs > 0 && onMs === 0)) throw new MediaError("BAD_OPTION", "tone: onMs and offMs must be positive (a cadence needs both)");
  return {
    durationMs: undefined,
    open(sampleRate) {
      const gen = new ToneGenerator({ sampleRate, frequencies: t.frequencies, ...(t.levelDbm0 !== undefined ? { levelDbm0: t.levelDbm0 } : {}) });
      if (offMs === 0) return { read: (dst) => gen.fill(dst).length };
      const on = Math.round((onMs * sampleRate) / 1000);
      const period = on + Math.round((offMs * sampleRate) / 1000);
      let at = 0;
      return {
        read(dst) {
          for (let i = 0; i < dst.length; ) {
            const inOn = at < on;
            const n = Math.min(dst.length - i, (inOn ? on : period) - at);
            const part = dst.subarray(i, i + n);
            if (inOn) gen.fill(part);
            else part.fill(0);
            i += n;
            at = (at + n) % period;
          }
          return dst.length;
        },
      };
    },
  };
}

function wavSourceOf(bytes: Uint8Array): AudioSource {
  const wav = parseWav(bytes);
  let mono = wav.samples;
  if (wav.channels > 1) {
    const c = wav.channels;
    mono = new Int16Array(Math.floor(wav.samples.length / c));
    for (let i = 0; i < mono.length; i++) {
      let sum = 0;
      for (let k = 0; k < c; k++) sum += wav.samples[i * c + k]!;
      mono[i] = Math.round(sum / c);
    }
  }
  if (mono.length === 0) throw new MediaError("NO_DATA", "WAV source: the file has no samples");
  const byRate = new Map<number, Int16Array>();
  return {
    durationMs: (mono.length * 1000) / wav.sampleRate,
    open(sampleRate, loop) {
      // Resampled once per rate and shared by every call at that rate.
      let samples = byRate.get(sampleRate);
      if (samples === undefined) {
        samples = sampleRate === wav.sampleRate ? mono : resample(mono, wav.sampleRate, sampleRate);
        byRate.set(sampleRate, samples);
      }
      const all = samples;
      let at = 0;
      return {
        read(dst) {
          let i = 0;
          while (i < dst.length) {
            if (at >= all.length) {
              if (!loop) break;
              at = 0;
            }
            const n = Math.min(dst.length - i, all.length - at);
            dst.set(all.subarray(at, at + n), i);
            i += n;
            at += n;
          }
          return i;
        },
      };
    },
  };
}
