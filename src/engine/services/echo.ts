import type { RtpMediaOptions } from "../../driver/index.ts";
import type { CallService } from "./service.ts";

/** Options of {@link echoService}. */
export interface EchoServiceOptions {
  /** The name routing rules give. Default `echo`. */
  readonly name?: string;
  /** Options of the call's media over the engine's (codecs, SRTP `{ mandatory: true }`…). */
  readonly media?: RtpMediaOptions;
}

/**
 * The echo service: answers at once and sends back what it hears through a real media session —
 * each packet decrypted (SDES-SRTP when the caller offers it), decoded, played out through the
 * jitter buffer with concealment, and what is played encoded again and sent. The answer lists the
 * common codecs in the caller's order (RFC 3264 §6.1), so both directions use the caller's first
 * choice among the codecs siphon has (Opus, G.722, PCMU, PCMA). The caller hangs up.
 */
export function echoService(options: EchoServiceOptions = {}): CallService {
  return {
    name: options.name ?? "echo",
    media: { codecOrder: "offer", ...options.media },
    start(call) {
      const media = call.media;
      media.onAudio = (frame) => media.writeAudio(frame.samples);
      call.session.answer(call.clock.now());
    },
  };
}
