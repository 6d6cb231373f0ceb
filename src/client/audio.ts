import type { RtpMediaHandler } from "../driver/index.ts";
import { resamplePcm, ToneGenerator, wavSink, wavSource } from "../media/index.ts";
import type { AudioFileReader, AudioFileWriter, PcmFrame, WavEncoding } from "../media/index.ts";
import type { DriverRuntime } from "../driver/index.ts";

/** Options of {@link CallAudio.playTone}. */
export interface ToneSourceOptions {
  /** How long, ms. Default: until the call ends or `signal` fires. */
  readonly durationMs?: number;
  /** Level of each frequency, dBm0. Default −10. */
  readonly levelDbm0?: number;
  /** Stops playing. */
  readonly signal?: AbortSignal;
}

/** Options of {@link CallAudio.record}. */
export interface RecordOptions {
  /** Stop after this many ms of received audio. Default: until the call ends or `signal` fires. */
  readonly durationMs?: number;
  /** WAV sample format. Default `pcm16`. */
  readonly encoding?: WavEncoding;
  /** Stops recording (the file is finished properly). */
  readonly signal?: AbortSignal;
}

/**
 * A call's audio: what the peer sends, as 16-bit mono PCM frames (one per ptime, at
 * {@link CallAudio.sampleRate}); what we send, written as PCM or played from a source — a tone, a
 * WAV file, any async iterable of frames (resampled when its rate differs) — and a WAV recorder.
 * Sending and receiving run on the media driver's clock; a reader that falls behind loses the
 * oldest frames, never memory.
 */
export class CallAudio {
  readonly #media: RtpMediaHandler;
  readonly #rt: Pick<DriverRuntime, "setTimer">;
  #reading = false;

  /** @internal Made by the call. */
  constructor(media: RtpMediaHandler, rt: Pick<DriverRuntime, "setTimer">) {
    this.#media = media;
    this.#rt = rt;
  }

  /** The PCM rate of the frames in and out (the codec's: 8000 for G.711, 16000 for G.722, 48000 for Opus). */
  get sampleRate(): number {
    return this.#media.session?.sampleRate ?? 8000;
  }

  /** The frame length, ms (the negotiated ptime). */
  get frameMs(): number {
    return this.#media.session?.ptimeMs ?? 20;
  }

  /**
   * The received audio as an async iterable of frames; it ends when the call does. One reader at
   * a time (a second call returns the same stream, unless its reader stopped: then a new stream
   * starts, with the frames from then on); frames are dropped, oldest first, when the reader falls
   * `capacity` frames behind.
   */
  frames(capacity = 50): AsyncIterable<PcmFrame> {
    this.#reading = true;
    return this.#media.audio(capacity);
  }

  /** Queues PCM to send (mono, at {@link CallAudio.sampleRate}); returns the samples taken (the queue holds about 2 s). */
  write(samples: Int16Array): number {
    return this.#media.writeAudio(samples);
  }

  /**
   * A WritableStream of PCM to send: each chunk is an Int16Array at {@link CallAudio.sampleRate}
   * or a frame (resampled to it); a write waits while the send queue is full.
   */
  get writable(): WritableStream<Int16Array | PcmFrame> {
    const rate = () => this.sampleRate;
    return new WritableStream<Int16Array | PcmFrame>({
      write: async (chunk) => {
        const frame: PcmFrame = chunk instanceof Int16Array ? { samples: chunk, sampleRate: rate(), channels: 1 } : chunk;
        await this.play([frame]);
      },
    });
  }

  /** Sends `source`'s frames as the call takes them; resolves when the last of them has been sent, or when the call ends. */
  async play(source: AsyncIterable<PcmFrame> | Iterable<PcmFrame>, signal?: AbortSignal): Promise<void> {
    const rate = this.sampleRate;
    const media = this.#media;
    async function* prepared(): AsyncGenerator<PcmFrame> {
      for await (const f of resamplePcm(toAsync(source, signal), rate)) {
        yield f.channels === 1 ? f : { samples: downmix(f.samples, f.channels), sampleRate: f.sampleRate, channels: 1 };
      }
    }
    await media.play(prepared());
  }

  /** Plays a tone of one or more frequencies (a sum, e.g. `[350, 440]` for a dial tone). */
  async playTone(frequencies: number | readonly number[], options: ToneSourceOptions = {}): Promise<void> {
    const rate = this.sampleRate;
    const gen = new ToneGenerator({ sampleRate: rate, frequencies: typeof frequencies === "number" ? [frequencies] : frequencies, levelDbm0: options.levelDbm0 ?? -10 });
    const per = Math.round((rate * this.frameMs) / 1000);
    const total = options.durationMs === undefined ? Infinity : Math.round((rate * options.durationMs) / 1000);
    function* frames(): Generator<PcmFrame> {
      for (let sent = 0; sent < total; sent += per) {
        if (options.signal?.aborted) return;
        yield { samples: gen.next(Math.min(per, total - sent)), sampleRate: rate, channels: 1 };
      }
    }
    await this.play(frames(), options.signal);
  }

  /** Plays a WAV file (any rate, mono or stereo, PCM or G.711), given as bytes or as a file reader. */
  async playWav(file: Uint8Array | AudioFileReader, signal?: AbortSignal): Promise<void> {
    const reader: AudioFileReader = file instanceof Uint8Array ? { read: async () => file } : file;
    await this.play(wavSource(reader, { frameMs: this.frameMs }), signal);
  }

  /**
   * Records the received audio into a WAV file until the call ends, `durationMs` of audio were
   * written, or `signal` fires, then closes the file; resolves with the samples written.
   */
  async record(file: AudioFileWriter, options: RecordOptions = {}): Promise<number> {
    const frames = this.frames();
    const limit = options.durationMs === undefined ? Infinity : options.durationMs;
    const signal = options.signal;
    const frameMsOf = (f: PcmFrame) => (f.samples.length / f.channels / f.sampleRate) * 1000;
    async function* bounded(): AsyncGenerator<PcmFrame> {
      let ms = 0;
      for await (const f of toAsync(frames, signal)) {
        yield f;
        ms += frameMsOf(f);
        if (ms >= limit) return;
      }
    }
    return wavSink(bounded(), file, options.encoding !== undefined ? { encoding: options.encoding } : {});
  }

  /** @internal Whether someone reads the frames. */
  get reading(): boolean {
    return this.#reading;
  }

  /** @internal */
  get runtime(): Pick<DriverRuntime, "setTimer"> {
    return this.#rt;
  }
}

function downmix(samples: Int16Array, channels: number): Int16Array {
  const out = new Int16Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += samples[i * channels + c]!;
    out[i] = Math.round(s / channels);
  }
  return out;
}

/** `source` as an async iterable that stops when `signal` fires (checked between frames, and while waiting for one). */
async function* toAsync(source: AsyncIterable<PcmFrame> | Iterable<PcmFrame>, signal: AbortSignal | undefined): AsyncGenerator<PcmFrame> {
  if (signal === undefined) {
    yield* source as AsyncIterable<PcmFrame>;
    return;
  }
  if (signal.aborted) return;
  const it = (Symbol.asyncIterator in source ? (source as AsyncIterable<PcmFrame>)[Symbol.asyncIterator]() : (source as Iterable<PcmFrame>)[Symbol.iterator]()) as AsyncIterator<PcmFrame> | Iterator<PcmFrame>;
  const aborted = new Promise<IteratorResult<PcmFrame>>((resolve) => signal.addEventListener("abort", () => resolve({ done: true, value: undefined }), { once: true }));
  try {
    for (;;) {
      const r = await Promise.race([Promise.resolve(it.next()), aborted]);
      if (r.done || signal.aborted) return;
      yield r.value;
    }
  } finally {
    void it.return?.();
  }
}
