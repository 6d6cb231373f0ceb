/**
 * The user agent (siphon/client): what an application imports to make and take calls — accounts
 * that register (digest, refresh, recovery, RFC 5626 outbound), outgoing and incoming calls with
 * real RTP audio (G.711, G.722, Opus, SDES-SRTP, RFC 4733 DTMF), hold and resume, call quality,
 * PCM, tones and WAV files, NAT traversal with a public address or STUN — on each of Node, Deno and Bun (the same code).
 *
 * ```ts
 * import { createUserAgent } from "@siphon/siphon/client";
 * const ua = await createUserAgent({ aor: "sip:alice@example.com", credentials: { username: "alice", password: "secret" } });
 * await ua.register();
 * const call = await ua.call("bob");
 * await call.audio.playTone(440, { durationMs: 3000 });
 * await call.hangup();
 * await ua.close();
 * ```
 * @module
 */
export { createUserAgent, targetUri } from "./user-agent.ts";
export type {
  Account,
  AccountOptions,
  CallMediaOptions,
  CallOptions,
  CodecChoice,
  UserAgent,
  UserAgentCredentials,
  UserAgentEvents,
  UserAgentOptions,
  UserAgentTransport,
} from "./user-agent.ts";
export type { UserAgentRuntime } from "./runtime.ts";
export type { Call, CallEndReason, CallEvents, CallState, CallStats } from "./call.ts";
export type { IncomingCall, IncomingEvents, IncomingState } from "./incoming.ts";
export type { Registration, RegistrationEvents, RegistrationInfo, RegistrationState } from "./registration.ts";
export type { CallAudio, RecordOptions, ToneSourceOptions } from "./audio.ts";
export { ClientError } from "./errors.ts";
export type { ClientErrorCode } from "./errors.ts";
export type { WaitOptions } from "./wait.ts";
export { discoverPublicAddress } from "./stun.ts";
