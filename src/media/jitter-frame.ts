/**
 * What goes into the jitter buffer (the RTP fields of a packet) and what comes out of it per
 * frame, with its counters.
 */

/** The RTP fields of one received packet. */
export interface JitterPacket {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly payloadType: number;
  /** The payload; kept as given (copy it first if the caller reuses the buffer). */
  readonly payload: Uint8Array;
  readonly marker?: boolean;
}

/** What to play for one frame. */
export interface JitterFrame {
  /**
   * `audio`: decode `packet`. `conceal`: audio is missing (lost or not yet here); `next` is the
   * packet after the gap when already buffered. `comfort-noise`: play noise with the parameters
   * of `packet` (the last RFC 3389 packet). `silence`: nothing to play (not started, or a gap
   * without comfort noise).
   */
  readonly kind: "audio" | "conceal" | "comfort-noise" | "silence";
  /** RTP timestamp of the frame's first sample. */
  readonly timestamp: number;
  /** Timestamp units the frame covers. */
  readonly samples: number;
  readonly packet?: JitterPacket;
  readonly next?: JitterPacket;
  /** Telephone-event packets now due, in sequence order (usually empty). */
  readonly events: readonly JitterPacket[];
}

/** Counters of a {@link JitterBuffer}. */
export interface JitterBufferStats {
  /** Distinct packets received (audio, comfort noise and events). */
  received: number;
  /** Packets received after their turn, discarded. */
  late: number;
  /** Packets never received (sequence numbers skipped at playout). */
  lost: number;
  /** Packets received twice (or more). */
  duplicates: number;
  /** Packets dropped because the buffer was full. */
  overflow: number;
  /** Frames dropped to shrink the delay. */
  dropped: number;
  /** Concealment frames inserted to grow the delay (buffer ran dry). */
  inserted: number;
  /** Frames concealed (lost, late or not yet arrived). */
  concealedFrames: number;
  /** Timestamp units concealed. */
  concealedSamples: number;
  /** Buffered audio ahead of playout now, ms. */
  currentDelayMs: number;
  /**
   * Buffered audio ahead of playout as the last frames were played, ms: averaged over about 8
   * frames, so a burst read after a stall of the process, and not yet played, does not count.
   */
  averageDelayMs: number;
  /** Target delay now, ms. */
  targetDelayMs: number;
  /** RFC 3550 A.8 interarrival jitter, ms. */
  jitterMs: number;
}
