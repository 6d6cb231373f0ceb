/**
 * Built-in call services: echo, playback of a WAV file or a tone, park (music on hold). A service
 * takes an incoming INVITE session with its RTP media and runs it; the call engine
 * (`createCallEngine`) hands calls to them by name.
 */
export type { CallService, ServiceCall, ServiceClock } from "./service.ts";
export { createAudioSource } from "./audio-source.ts";
export type { AudioCursor, AudioSource, AudioSourceSpec } from "./audio-source.ts";
export { echoService } from "./echo.ts";
export type { EchoServiceOptions } from "./echo.ts";
export { playbackService } from "./playback.ts";
export type { PlaybackServiceOptions } from "./playback.ts";
export { parkService } from "./park.ts";
export type { ParkServiceOptions } from "./park.ts";
export { Player } from "./player.ts";
