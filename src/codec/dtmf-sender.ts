import { CodecError } from "./errors.ts";
import { dtmfEventCode } from "./telephone-event.ts";
import type { TelephoneEvent } from "./telephone-event.ts";

/** What to send: one event (a DTMF digit or an event code), its length and level. */
export interface TelephoneEventTone {
  /** A DTMF digit (`"0"`-`"9"`, `"*"`, `"#"`, `"A"`-`"D"`) or an RFC 4733 event code 0..255. */
  readonly event: string | number;
  /** Tone duration in milliseconds. */
  readonly durationMs: number;
  /** Power level, -dBm0 (0..63). Default 10. */
  readonly volume?: number;
  /** Timestamp clock rate of the telephone-event format. Default 8000. */
  readonly clockRate?: number;
  /** Interval between update packets in ms (§2.5.1 suggests the audio packetization). Default 50. */
  readonly packetIntervalMs?: number;
  /** How many times the final (E = 1) packet is sent (§2.5.1). Default 3. */
  readonly endPackets?: number;
}

/** Where the event sits in the RTP stream. */
export interface TelephoneEventStart {
  /** RTP timestamp of the event's start; shared by every packet of the event. */
  readonly timestamp: number;
  /** Sequence number of the first packet; each later packet takes the next one. */
  readonly sequenceNumber: number;
}

/** One packet of the event's sequence. */
export interface TelephoneEventPacket {
  /** When to send it, in ms after the event starts. */
  readonly offsetMs: number;
  /** RTP marker bit: set on the first packet of the event only (§2.5.1). */
  readonly marker: boolean;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly payload: TelephoneEvent;
}

/**
 * The packet sequence of RFC 4733 §2.5.1 for one event, as a pure function:
 * - the first packet has the RTP marker bit set (§2.5.1);
 * - every packet carries the same RTP timestamp, the event's start (§2.5.1), and the duration
 *   so far, growing by one interval per update;
 * - the last packet has the E bit and the full duration and is sent `endPackets` times (3 by
 *   default) with consecutive sequence numbers (§2.5.1), all at the end of the tone.
 * Durations longer than 0xFFFF timestamp units (8.19 s at 8 kHz) would need the segmentation of
 * §2.5.1 and are refused with a {@link CodecError}.
 */
export function telephoneEventPackets(tone: TelephoneEventTone, start: TelephoneEventStart): TelephoneEventPacket[] {
  const event = typeof tone.event === "string" ? dtmfEventCode(tone.event) : tone.event;
  const clockRate = tone.clockRate ?? 8000;
  const intervalMs = tone.packetIntervalMs ?? 50;
  const volume = tone.volume ?? 10;
  const endPackets = tone.endPackets ?? 3;
  if (!Number.isInteger(event) || event < 0 || event > 255) {
    throw new CodecError("FIELD_OUT_OF_RANGE", `not a telephone event: ${String(tone.event)}`);
  }
  if (!(clockRate > 0) || !(intervalMs > 0) || !(tone.durationMs > 0) || !Number.isInteger(endPackets) || endPackets < 1) {
    throw new CodecError("FIELD_OUT_OF_RANGE", "telephone-event timing out of range");
  }
  if (!Number.isInteger(volume) || volume < 0 || volume > 63) {
    throw new CodecError("FIELD_OUT_OF_RANGE", "telephone-event volume must be 0..63");
  }
  const total = Math.round((tone.durationMs * clockRate) / 1000);
  if (total > 0xffff) {
    throw new CodecError("FIELD_OUT_OF_RANGE", "telephone-event longer than 0xFFFF timestamp units");
  }
  const step = Math.round((intervalMs * clockRate) / 1000);
  const ts = start.timestamp >>> 0;
  const packets: TelephoneEventPacket[] = [];
  let seq = start.sequenceNumber & 0xffff;
  const push = (offsetMs: number, end: boolean, duration: number) => {
    packets.push({
      offsetMs,
      marker: packets.length === 0,
      sequenceNumber: seq,
      timestamp: ts,
      payload: { event, end, volume, duration },
    });
    seq = (seq + 1) & 0xffff;
  };
  // Updates while the tone lasts: one packet per interval, duration = time elapsed.
  for (let k = 1; k * step < total; k++) push(k * intervalMs, false, k * step);
  for (let i = 0; i < endPackets; i++) push(tone.durationMs, true, total);
  return packets;
}
