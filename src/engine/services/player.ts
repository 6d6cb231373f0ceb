import type { RtpMediaHandler } from "../../driver/index.ts";
import type { AudioCursor, AudioSource } from "./audio-source.ts";
import type { ServiceClock } from "./service.ts";

/**
 * Feeds a source into a call's send queue a little ahead of the media clock: the queue is topped
 * up to `leadMs` on a timer, so what is queued is sent at the call's pace, a stop takes effect
 * within `leadMs`, and a source that ends is over when its last frame has left.
 */
export class Player {
  readonly #media: RtpMediaHandler;
  readonly #clock: ServiceClock;
  readonly #source: AudioSource;
  readonly #loop: boolean;
  readonly #leadMs: number;
  #cursor: AudioCursor | undefined;
  #rate = 0;
  #buffer = new Int16Array(0);
  #timer: unknown;
  #ended = false;
  #stopped = false;
  #done: (() => void) | undefined;

  constructor(media: RtpMediaHandler, clock: ServiceClock, source: AudioSource, options: { loop?: boolean; leadMs?: number; onDone?: () => void } = {}) {
    this.#media = media;
    this.#clock = clock;
    this.#source = source;
    this.#loop = options.loop ?? false;
    this.#leadMs = options.leadMs ?? 100;
    this.#done = options.onDone;
  }

  /** Starts feeding (again after a `stop`). */
  start(): void {
    this.#stopped = false;
    if (this.#timer === undefined) this.#tick();
  }

  /** Stops feeding; what is queued still leaves. `onDone` does not run. */
  stop(): void {
    this.#stopped = true;
    this.#done = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const s = this.#media.session;
    if (s === undefined || s.state === "closed") {
      if (s?.state === "closed") return;
      this.#timer = this.#clock.setTimer(20, () => this.#tick());
      return;
    }
    const ptime = s.ptimeMs;
    if (this.#cursor === undefined || this.#rate !== s.sampleRate) {
      // A re-INVITE may change the codec and with it the rate: the source goes on at the new one.
      this.#rate = s.sampleRate;
      this.#cursor = this.#source.open(this.#rate, this.#loop);
      this.#buffer = new Int16Array(Math.round((this.#rate * ptime) / 1000));
    }
    while (!this.#ended && s.queuedAudioMs < this.#leadMs) {
      const n = this.#cursor.read(this.#buffer);
      if (n === 0) {
        this.#ended = true;
        break;
      }
      // A short last piece is padded to a whole frame of silence.
      if (n < this.#buffer.length) this.#buffer.fill(0, n);
      if (this.#media.writeAudio(this.#buffer) === 0) break;
    }
    // Less than a frame left: the sender holds it until more comes, so the source is over.
    if (this.#ended && s.queuedAudioMs < ptime) {
      const done = this.#done;
      this.#done = undefined;
      done?.();
      return;
    }
    this.#timer = this.#clock.setTimer(Math.max(10, ptime), () => this.#tick());
  }
}
