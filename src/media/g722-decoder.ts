import { createG722Decoder, G722_CLOCK_RATE } from "../codec/index.ts";
import type { G722Options } from "../codec/index.ts";
import type { PlayoutDecoder } from "./playout.ts";

/**
 * G.722 for {@link AudioPlayout}: a {@link PlayoutDecoder} giving 16 kHz PCM, with the RTP clock
 * rate the playout must be given. RFC 3551 §4.5.2: G.722's RTP clock runs at 8000 Hz although it
 * samples at 16000 Hz (an error of the original specification kept for compatibility), so the
 * jitter buffer counts 160 timestamp units per 20 ms and the playout, from `sampleRate /
 * clockRate`, makes 320 samples of each.
 *
 * A lost packet is concealed by the playout's generic concealer; the ADPCM state then carries on
 * from the last packet decoded and re-converges within a few milliseconds of the next.
 */
export interface G722PlayoutDecoder extends PlayoutDecoder {
  /** 16000. */
  readonly sampleRate: number;
  /** 8000: give it to the playout as `clockRate`. */
  readonly clockRate: number;
  /** Frees the decoder's state in the codec's pool. */
  close(): void;
}

/**
 * A G.722 decoder for the playout: `new AudioPlayout({ clockRate: d.clockRate, decoder: d })`.
 * Each payload decodes into a new array (the playout may hold it). Throws CodecError `BAD_OPTION`
 * or `LIMIT` as `createG722Decoder`.
 */
export function createG722PlayoutDecoder(options: G722Options = {}): G722PlayoutDecoder {
  const decoder = createG722Decoder(options);
  return {
    sampleRate: decoder.sampleRate,
    clockRate: G722_CLOCK_RATE,
    decode: (payload) => decoder.decode(payload),
    close: () => decoder.close(),
  };
}
