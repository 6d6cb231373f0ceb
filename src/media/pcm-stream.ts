import { checkOption } from "./errors.ts";
import { Resampler } from "./resample.ts";

/**
 * Audio in and out as async iterables of 16-bit PCM frames, the shape the media session hands
 * to users in both directions: a softphone reads received frames with `for await`, a voice bot
 * writes the frames it synthesises by giving an async iterable.
 */

/** One frame of interleaved 16-bit PCM. */
export interface PcmFrame {
  /**
   * Interleaved samples: `channels` per instant. A played-out frame's samples may be a view into
   * an ArrayBuffer shared with other frames (`byteOffset` not 0): keep or copy them, never
   * transfer their `.buffer`.
   */
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly channels: number;
}

/** Options of {@link pcmFrames}. */
export interface PcmFramesOptions {
  readonly sampleRate: number;
  /** Default 1. */
  readonly channels?: number;
  /** Frame length in ms. Default 20 (the RTP audio default, RFC 3551 §4.2). */
  readonly frameMs?: number;
}

/** Samples per channel in a frame of `frameMs` at `sampleRate`. */
export function frameSamples(sampleRate: number, frameMs: number): number {
  return Math.round((sampleRate * frameMs) / 1000);
}

/**
 * The frames of a whole signal, `frameMs` each; the last one is padded with silence. The frames
 * are views of one buffer, not copies.
 */
export async function* pcmFrames(samples: Int16Array, options: PcmFramesOptions): AsyncGenerator<PcmFrame> {
  const channels = options.channels ?? 1;
  const per = frameSamples(options.sampleRate, options.frameMs ?? 20) * channels;
  checkOption(per > 0, "pcmFrames: frame size must be positive");
  const padded = samples.length % per === 0 ? samples : new Int16Array(Math.ceil(samples.length / per) * per);
  if (padded !== samples) padded.set(samples);
  for (let at = 0; at < padded.length; at += per) {
    yield { samples: padded.subarray(at, at + per), sampleRate: options.sampleRate, channels };
  }
}

/** Joins sample arrays into one. */
export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads every frame of `source` into one array (all frames must share rate and channels). */
export async function collectPcm(source: AsyncIterable<PcmFrame> | Iterable<PcmFrame>): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  for await (const f of source) parts.push(f.samples);
  return concatPcm(parts);
}

/**
 * Re-cuts a stream into frames of `frameMs` (e.g. 10 ms device buffers into 20 ms packets). The
 * tail shorter than a frame is padded with silence at the end of the stream.
 */
export async function* reframePcm(source: AsyncIterable<PcmFrame>, frameMs: number): AsyncGenerator<PcmFrame> {
  let pending: Int16Array | undefined;
  let fill = 0;
  let rate = 0;
  let channels = 1;
  for await (const f of source) {
    if (!pending || f.sampleRate !== rate || f.channels !== channels) {
      if (pending && fill > 0) yield { samples: pending, sampleRate: rate, channels };
      rate = f.sampleRate;
      channels = f.channels;
      pending = new Int16Array(frameSamples(rate, frameMs) * channels);
      fill = 0;
    }
    let at = 0;
    while (at < f.samples.length) {
      const n = Math.min(pending.length - fill, f.samples.length - at);
      pending.set(f.samples.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === pending.length) {
        yield { samples: pending, sampleRate: rate, channels };
        pending = new Int16Array(pending.length);
        fill = 0;
      }
    }
  }
  if (pending && fill > 0) yield { samples: pending, sampleRate: rate, channels };
}

/** Resamples a stream of frames to `sampleRate` (one {@link Resampler}, state kept across frames). */
export async function* resamplePcm(source: AsyncIterable<PcmFrame>, sampleRate: number): AsyncGenerator<PcmFrame> {
  let r: Resampler | undefined;
  for await (const f of source) {
    if (f.sampleRate === sampleRate) {
      yield f;
      continue;
    }
    if (!r || r.from !== f.sampleRate || r.channels !== f.channels) r = new Resampler({ from: f.sampleRate, to: sampleRate, channels: f.channels });
    yield { samples: r.process(f.samples), sampleRate, channels: f.channels };
  }
}

/**
 * A bounded queue between a producer that pushes frames as they come (the media session's
 * receive path, driven by the media clock) and a consumer reading them with `for await`. When the
 * consumer falls behind by more than `capacity` frames the oldest are dropped and counted, so
 * memory stays bounded whatever the reader does.
 */
export class PcmQueue implements AsyncIterable<PcmFrame> {
  readonly capacity: number;
  /** Frames dropped because the reader fell behind. */
  dropped = 0;
  readonly #frames: PcmFrame[] = [];
  #head = 0;
  #closed = false;
  #waiter: ((r: IteratorResult<PcmFrame>) => void) | undefined;

  constructor(capacity = 50) {
    checkOption(Number.isInteger(capacity) && capacity >= 1, "PcmQueue: capacity must be a positive integer");
    this.capacity = capacity;
  }

  /** Frames waiting to be read. */
  get length(): number {
    return this.#frames.length - this.#head;
  }

  /** Whether the stream was ended: by {@link PcmQueue.close}, or by its reader stopping (`return()`, a `break` out of `for await`). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a frame (ignored after {@link PcmQueue.close}). */
  push(frame: PcmFrame): void {
    if (this.#closed) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w({ value: frame, done: false });
      return;
    }
    if (this.length >= this.capacity) {
      this.#head++;
      this.dropped++;
    }
    this.#frames.push(frame);
    if (this.#head > 64 && this.#head * 2 > this.#frames.length) {
      this.#frames.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Ends the stream: the reader gets what is queued, then `done`. */
  close(): void {
    this.#closed = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<PcmFrame> {
    return {
      next: () => {
        if (this.length > 0) {
          const value = this.#frames[this.#head]!;
          this.#frames[this.#head++] = undefined as unknown as PcmFrame;
          return Promise.resolve({ value, done: false });
        }
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiter = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
