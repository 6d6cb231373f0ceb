import type { RtpMediaHandler, RtpMediaOptions } from "../../driver/index.ts";
import type { InviteSession } from "../../session/index.ts";
import type { SipRequest } from "../../sip/index.ts";
import type { Flow } from "../../transport/index.ts";

/** The clock a service paces its audio and its deadlines with (the driver's runtime record has it). */
export interface ServiceClock {
  /** Monotonic milliseconds: the `now` to give session methods. */
  now(): number;
  setTimer(ms: number, callback: () => void): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * An incoming call handed to a service: the callee's side of the INVITE session (its offer already
 * answered by `media`, nothing sent yet but 100 Trying), and its RTP media. The service answers
 * (or rejects) the session and runs it; the call engine ends nothing on its behalf except when the
 * caller hangs up (then `onEnd` listeners run).
 */
export interface ServiceCall {
  readonly session: InviteSession<Flow>;
  /** The INVITE. */
  readonly request: SipRequest;
  /** The call's RTP media: PCM in (`onAudio`) and out (`writeAudio`) at `media.session.sampleRate`. */
  readonly media: RtpMediaHandler;
  readonly clock: ServiceClock;
  /** Runs `listener` once when the call ends, whoever ends it (BYE, CANCEL, a failure). */
  onEnd(listener: () => void): void;
}

/**
 * A built-in service (echo, playback, park) or one of the application's: takes an incoming INVITE
 * session and runs it. `media` says how the call's RTP handler is made (codec order, SRTP).
 */
export interface CallService {
  /** The name routing rules give (`{ service: "echo" }`). */
  readonly name: string;
  /** Options of the call's RTP media handler, over the engine's defaults. */
  readonly media?: RtpMediaOptions;
  /** Takes the call: answer it, run its media, end it (or let the caller end it). */
  start(call: ServiceCall): void;
}
