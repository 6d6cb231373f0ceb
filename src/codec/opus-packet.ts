import type { ParseResult } from "../errors.ts";

/**
 * The table-of-contents byte of an Opus packet (RFC 6716 §3.1), read without decoding: mode,
 * bandwidth, frame size, stereo flag and frame count, hence the packet's duration, which the
 * jitter buffer needs to place packets of any packetization on its timeline.
 *
 * ```text
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |      config: mode, bandwidth, frame size (Table 2); s: stereo;
 * +-+-+-+-+-+-+-+-+      c: 0 = 1 frame, 1 = 2 equal, 2 = 2 different, 3 = M frames (next byte)
 * ```
 */
export interface OpusToc {
  readonly config: number;
  readonly mode: "silk" | "hybrid" | "celt";
  readonly bandwidth: "narrowband" | "mediumband" | "wideband" | "superwideband" | "fullband";
  /** Duration of each frame, ms (2.5, 5, 10, 20, 40 or 60). */
  readonly frameMs: number;
  readonly stereo: boolean;
  /** Frames in the packet. */
  readonly frames: number;
  /** frames × frameMs. */
  readonly durationMs: number;
}

/** Why a TOC could not be read. */
export type OpusPacketErrorCode = "TOO_SHORT" | "BAD_FRAME_COUNT";

const SILK_MS = [10, 20, 40, 60] as const;
const CELT_MS = [2.5, 5, 10, 20] as const;
const BANDWIDTH: OpusToc["bandwidth"][] = [
  ...Array<OpusToc["bandwidth"]>(4).fill("narrowband"),
  ...Array<OpusToc["bandwidth"]>(4).fill("mediumband"),
  ...Array<OpusToc["bandwidth"]>(4).fill("wideband"),
  "superwideband", "superwideband", "fullband", "fullband",
  ...Array<OpusToc["bandwidth"]>(4).fill("narrowband"),
  ...Array<OpusToc["bandwidth"]>(4).fill("wideband"),
  ...Array<OpusToc["bandwidth"]>(4).fill("superwideband"),
  ...Array<OpusToc["bandwidth"]>(4).fill("fullband"),
];

/** Reads the TOC (and, for code 3, the frame-count byte) of an Opus packet. */
export function tryParseOpusToc(packet: Uint8Array): ParseResult<OpusToc, OpusPacketErrorCode> {
  if (packet.length < 1) return { ok: false, code: "TOO_SHORT", offset: 0 };
  const toc = packet[0]!;
  const config = toc >> 3;
  const mode = config < 12 ? "silk" : config < 16 ? "hybrid" : "celt";
  const frameMs = config < 12 ? SILK_MS[config & 3]! : config < 16 ? (config & 1 ? 20 : 10) : CELT_MS[config & 3]!;
  const c = toc & 3;
  let frames = c === 0 ? 1 : 2;
  if (c === 3) {
    if (packet.length < 2) return { ok: false, code: "TOO_SHORT", offset: 1 };
    frames = packet[1]! & 0x3f;
    // §3.2.5: M must not be zero and the packet must not exceed 120 ms.
    if (frames === 0 || frames * frameMs > 120) return { ok: false, code: "BAD_FRAME_COUNT", offset: 1 };
  }
  return {
    ok: true,
    value: { config, mode, bandwidth: BANDWIDTH[config]!, frameMs, stereo: (toc & 4) !== 0, frames, durationMs: frames * frameMs },
  };
}

/** Samples per channel of an Opus packet at `sampleRate` (48000 for RTP timestamps), 0 if unreadable. */
export function opusPacketSamples(packet: Uint8Array, sampleRate = 48000): number {
  const r = tryParseOpusToc(packet);
  return r.ok ? Math.round((r.value.durationMs * sampleRate) / 1000) : 0;
}
