import type { AudioCodec } from "./audio-codec.ts";
import { ToneGenerator } from "./tone.ts";

/**
 * Codec warm-up before a stream starts. A codec's first frames in a process cost far more than
 * its later ones: libopus is compiled from its Wasm bytes on first use, and the engine compiles
 * and optimizes each encoder and decoder function only once it runs. Paid inside the media
 * clock, that cost makes the first ticks late — frames the sender skips (RFC 3550 §5.1: the
 * timestamp still advances), then a burst the peer's jitter buffer and ours must absorb. Paid
 * while the call is being set up (the offer made or received, before the answer), it delays no
 * frame.
 */

/** Frames encoded and decoded to warm a codec: enough for the engine to optimize the hot path. */
const WARM_FRAMES = 25;

const warmed = new WeakSet<AudioCodec>();

/**
 * Runs `codec`'s encoder and decoder over a short tone at its default ptime, once per codec
 * object per process (later calls return at once); returns whether this call did the work.
 * Errors of a codec plug are not the warm-up's concern: they are left for the stream itself to
 * meet, and the codec counts as warmed. The RTP media handler calls it when an offer is made or
 * received; an application that runs sessions itself may call it before starting one.
 */
export function warmUpAudioCodec(codec: AudioCodec): boolean {
  if (warmed.has(codec)) return false;
  warmed.add(codec);
  try {
    const ptimeMs = codec.ptimes?.[0] ?? 20;
    const encoder = codec.createEncoder({ ptimeMs, fmtp: codec.fmtp });
    const decoder = codec.createDecoder({ ptimeMs, fmtp: codec.fmtp });
    const tone = new ToneGenerator({ sampleRate: encoder.sampleRate, frequencies: [440], levelDbm0: -10 });
    const packet = new Uint8Array(encoder.maxPayload);
    for (let i = 0; i < WARM_FRAMES; i++) {
      const n = encoder.encode(tone.next(encoder.frameSamples), packet, 0);
      if (n > 0) decoder.decode(packet.subarray(0, n));
      // Concealment runs at the first lost packet; its path is warmed too.
      if (i === WARM_FRAMES - 1) decoder.conceal?.(Math.round((decoder.sampleRate * ptimeMs) / 1000));
    }
    encoder.close?.();
    decoder.close?.();
  } catch {
    // A plug that fails here fails again when the stream starts, where the error is reported.
  }
  return true;
}

/** Warms each codec of `codecs` (see {@link warmUpAudioCodec}). */
export function warmUpAudioCodecs(codecs: readonly AudioCodec[]): void {
  for (const c of codecs) warmUpAudioCodec(c);
}
