import type { RtpMediaOptions } from "../../driver/index.ts";
import { createAudioSource } from "./audio-source.ts";
import type { AudioSource, AudioSourceSpec } from "./audio-source.ts";
import { Player } from "./player.ts";
import type { CallService } from "./service.ts";

/** Options of {@link playbackService}. */
export interface PlaybackServiceOptions {
  /** What to play: a WAV file's bytes or a tone. */
  readonly source: AudioSourceSpec | AudioSource;
  /** The name routing rules give. Default `playback`. */
  readonly name?: string;
  /** How long to play a tone (endless otherwise), ms. Default 10 000. */
  readonly durationMs?: number;
  /** Times to play a WAV file. Default 1. */
  readonly repeat?: number;
  /**
   * `early`: send the audio as early media in a 183 (RFC 3261 §13.2.1; an announcement before an
   * answer, e.g. "the number you dialled…") and reject with `rejectStatus` after it. Default
   * `answer`: answer with 200, play, then hang up with BYE.
   */
  readonly mode?: "answer" | "early";
  /** The final status after early media. Default 480. */
  readonly rejectStatus?: number;
  readonly media?: RtpMediaOptions;
}

function isSource(s: AudioSourceSpec | AudioSource): s is AudioSource {
  return typeof (s as AudioSource).open === "function";
}

/**
 * The playback service: plays a WAV file or a tone to the caller, then ends the call. A WAV file is
 * parsed when the service is made (a bad file throws MediaError then). Audio is paced by the media
 * clock; the BYE (or the final response after early media) goes once the last frame has left.
 */
export function playbackService(options: PlaybackServiceOptions): CallService {
  const source = isSource(options.source) ? options.source : createAudioSource(options.source);
  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  const durationMs = source.durationMs === undefined ? (options.durationMs ?? 10_000) : source.durationMs * repeat;
  const early = options.mode === "early";
  return {
    name: options.name ?? "playback",
    ...(options.media !== undefined ? { media: options.media } : {}),
    start(call) {
      const { session, clock } = call;
      let limit: unknown;
      const finish = () => {
        player.stop();
        if (limit !== undefined) clock.clearTimer(limit);
        limit = undefined;
        const now = clock.now();
        if (session.state === "terminated" || session.state === "ending") return;
        if (early) session.terminate(now, options.rejectStatus ?? 480);
        else session.bye(now);
      };
      const player = new Player(call.media, clock, source, { loop: source.durationMs !== undefined && repeat > 1, onDone: finish });
      // A tone is endless, a repeated file loops: the duration ends them.
      if (source.durationMs === undefined || repeat > 1) limit = clock.setTimer(durationMs, finish);
      call.onEnd(() => {
        player.stop();
        if (limit !== undefined) clock.clearTimer(limit);
      });
      if (early) session.progress(clock.now());
      else session.answer(clock.now());
      player.start();
    },
  };
}
