import { checkOption } from "./errors.ts";
import type { PcmFrame } from "./pcm-stream.ts";

/**
 * Echo: what comes in goes back out after a fixed delay, the classic test service (dial the echo
 * number, hear yourself). Used by the answer-server example behind a media session, and by tests
 * that need a peer which returns what it hears.
 */

/** Options of {@link EchoLine}. */
export interface EchoOptions {
  readonly sampleRate: number;
  /** Default 1. */
  readonly channels?: number;
  /** Delay in ms before a sample comes back. Default 0 (frame in, same frame out). */
  readonly delayMs?: number;
  /** Gain applied on the way back, in dB (≤ 0 in practice). Default 0. */
  readonly gainDb?: number;
}

/**
 * A delay line: {@link EchoLine.process} takes a frame and returns a frame of the same size with
 * the samples of `delayMs` ago (silence until the line has filled). A ring buffer of exactly the
 * delay, so memory is fixed at construction.
 */
export class EchoLine {
  readonly sampleRate: number;
  readonly channels: number;
  readonly #ring: Int16Array;
  readonly #gain: number;
  #at = 0;

  constructor(options: EchoOptions) {
    const delayMs = options.delayMs ?? 0;
    checkOption(options.sampleRate > 0 && delayMs >= 0 && delayMs <= 10_000, "echo: sampleRate > 0 and 0 ≤ delayMs ≤ 10 s");
    this.sampleRate = options.sampleRate;
    this.channels = options.channels ?? 1;
    this.#ring = new Int16Array(Math.round((options.sampleRate * delayMs) / 1000) * this.channels);
    this.#gain = Math.pow(10, (options.gainDb ?? 0) / 20);
  }

  /** The delayed frame for `input` (a new array; `input` is not kept). */
  process(input: Int16Array): Int16Array {
    const out = new Int16Array(input.length);
    const ring = this.#ring;
    const g = this.#gain;
    for (let i = 0; i < input.length; i++) {
      let v: number;
      if (ring.length === 0) v = input[i]!;
      else {
        v = ring[this.#at]!;
        ring[this.#at] = input[i]!;
        this.#at = this.#at + 1 === ring.length ? 0 : this.#at + 1;
      }
      const s = g === 1 ? v : Math.round(v * g);
      out[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
    return out;
  }
}

/** Echoes a stream of frames through an {@link EchoLine} (rate and channels from the first frame). */
export async function* echoPcm(source: AsyncIterable<PcmFrame>, options: Omit<EchoOptions, "sampleRate" | "channels"> = {}): AsyncGenerator<PcmFrame> {
  let line: EchoLine | undefined;
  for await (const f of source) {
    if (!line || line.sampleRate !== f.sampleRate || line.channels !== f.channels) {
      line = new EchoLine({ ...options, sampleRate: f.sampleRate, channels: f.channels });
    }
    yield { samples: line.process(f.samples), sampleRate: f.sampleRate, channels: f.channels };
  }
}
