import { tryParseComfortNoise } from "../codec/index.ts";
import { ComfortNoiseGenerator } from "./comfort-noise.ts";
import { JitterBuffer } from "./jitter-buffer.ts";
import { pcmBuffer } from "./packet-slab.ts";
import type { JitterBufferOptions, JitterFrame, JitterPacket } from "./jitter-buffer.ts";
import { PacketLossConcealer } from "./plc.ts";

/**
 * The receive side of an audio stream after the network: jitter buffer, decoder, concealment and
 * comfort noise, giving one frame of 16-bit PCM per ptime. Codecs with their own concealment
 * (Opus PLC and in-band FEC) implement {@link PlayoutDecoder.conceal}; waveform codecs (G.711,
 * L16, G.722) leave it out and get the pitch-repetition {@link PacketLossConcealer}.
 */

function assertNever(x: never): never {
  throw new Error(`playout: unexpected frame kind ${String(x)}`);
}

/** What the playout needs from a codec. */
export interface PlayoutDecoder {
  /** Output sample rate, Hz (G.722: 16000 with an RTP clock of 8000). */
  readonly sampleRate: number;
  /** Decodes one payload into PCM (mono). Bad payloads return an empty array (then concealed). */
  decode(payload: Uint8Array): Int16Array;
  /**
   * Produces `samples` of concealment for a lost frame; `next` is the payload after the gap when
   * it has arrived (for in-band FEC). Absent: the generic concealer is used.
   */
  conceal?(samples: number, next?: Uint8Array): Int16Array;
}

/** Options of {@link AudioPlayout}. */
export interface AudioPlayoutOptions extends JitterBufferOptions {
  readonly decoder: PlayoutDecoder;
}

/** One pulled frame: PCM to play and what the jitter buffer said about it. */
export interface PlayoutFrame {
  readonly samples: Int16Array;
  readonly frame: JitterFrame;
}

/** Jitter buffer + decoder + concealment + comfort noise; see the module comment. */
export class AudioPlayout {
  readonly buffer: JitterBuffer;
  readonly decoder: PlayoutDecoder;
  readonly #plc: PacketLossConcealer | undefined;
  readonly #noise = new ComfortNoiseGenerator();
  #noiseFrom: JitterPacket | undefined;
  readonly #ratio: number;

  constructor(options: AudioPlayoutOptions) {
    this.buffer = new JitterBuffer(options);
    this.decoder = options.decoder;
    this.#plc = options.decoder.conceal ? undefined : new PacketLossConcealer({ sampleRate: options.decoder.sampleRate });
    this.#ratio = options.decoder.sampleRate / options.clockRate;
  }

  /** Takes a received packet (see {@link JitterBuffer.push}). */
  push(packet: JitterPacket, now: number): ReturnType<JitterBuffer["push"]> {
    return this.buffer.push(packet, now);
  }

  /** The PCM to play at `now`: call once per ptime. */
  pull(now: number): PlayoutFrame {
    const frame = this.buffer.pull(now);
    const n = Math.round(frame.samples * this.#ratio);
    switch (frame.kind) {
      case "audio": {
        const pcm = this.decoder.decode(frame.packet!.payload);
        if (pcm.length === 0) return { samples: this.#conceal(n, undefined), frame };
        return { samples: this.#plc ? this.#plc.good(pcm) : pcm, frame };
      }
      case "conceal":
        return { samples: this.#conceal(n, frame.next?.payload), frame };
      case "comfort-noise": {
        if (frame.packet !== this.#noiseFrom) {
          this.#noiseFrom = frame.packet;
          const cn = tryParseComfortNoise(frame.packet!.payload);
          if (cn.ok) this.#noise.update(cn.value);
        }
        const pcm = this.#noise.fill(pcmBuffer(n));
        // The concealer works on its own copy (it modifies what it is given).
        if (this.#plc) {
          const copy = pcmBuffer(n);
          copy.set(pcm);
          this.#plc.good(copy);
        }
        return { samples: pcm, frame };
      }
      case "silence": {
        const pcm = pcmBuffer(n);
        if (this.#plc?.concealing) this.#plc.good(pcmBuffer(n));
        return { samples: pcm, frame };
      }
      default:
        return assertNever(frame.kind);
    }
  }

  #conceal(n: number, next: Uint8Array | undefined): Int16Array {
    if (this.#plc) return this.#plc.conceal(pcmBuffer(n));
    return this.decoder.conceal!(n, next);
  }
}
