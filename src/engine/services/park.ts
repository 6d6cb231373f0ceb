import type { RtpMediaOptions } from "../../driver/index.ts";
import { createAudioSource } from "./audio-source.ts";
import type { AudioSource, AudioSourceSpec } from "./audio-source.ts";
import { Player } from "./player.ts";
import type { CallService } from "./service.ts";

/** Options of {@link parkService}. */
export interface ParkServiceOptions {
  /** Music on hold: a WAV file's bytes (looped) or a tone. Default a 425 Hz tone, 1 s on, 4 s off. */
  readonly source?: AudioSourceSpec | AudioSource;
  /** The name routing rules give. Default `park`. */
  readonly name?: string;
  /** The longest a call stays parked, ms (then BYE). Default 3 600 000 (one hour). */
  readonly maxMs?: number;
  readonly media?: RtpMediaOptions;
}

/**
 * The park service (music on hold): answers and loops its source until the caller hangs up, or
 * `maxMs` passes. While the caller holds the call (RFC 3264 §8.4: it offered `sendonly` or
 * `inactive`) nothing is sent, and the music resumes where it was.
 */
export function parkService(options: ParkServiceOptions = {}): CallService {
  const spec = options.source ?? { tone: { frequencies: [425], onMs: 1000, offMs: 4000 } };
  const source = typeof (spec as AudioSource).open === "function" ? (spec as AudioSource) : createAudioSource(spec as AudioSourceSpec);
  return {
    name: options.name ?? "park",
    ...(options.media !== undefined ? { media: options.media } : {}),
    start(call) {
      const { session, clock } = call;
      const player = new Player(call.media, clock, source, { loop: true });
      const limit = clock.setTimer(options.maxMs ?? 3_600_000, () => {
        player.stop();
        if (session.state === "confirmed" || session.state === "answering") session.bye(clock.now());
      });
      call.onEnd(() => {
        player.stop();
        clock.clearTimer(limit);
      });
      session.answer(clock.now());
      player.start();
    },
  };
}
