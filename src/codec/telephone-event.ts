import { parseFailure, unwrap } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { CodecError, codecError } from "./errors.ts";
import type { CodecErrorCode } from "./errors.ts";

/** One RFC 4733 named telephone event (§2.3). */
export interface TelephoneEvent {
  /** Event code (§3.2: DTMF 0-9 = 0-9, * = 10, # = 11, A-D = 12-15). */
  readonly event: number;
  /** E bit: this packet ends the event. */
  readonly end: boolean;
  /** Power level in -dBm0, 0..63 (§2.3); 0 for events without a volume. */
  readonly volume: number;
  /** Duration so far, in timestamp units, 0..65535 (§2.3). */
  readonly duration: number;
}

/** Bytes of one event block. */
export const TELEPHONE_EVENT_SIZE = 4;

/**
 * Parses an RFC 4733 telephone-event payload (§2.3).
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * The R bit is reserved: senders set it to 0 and receivers ignore it (§2.3), so it is ignored
 * here. Bytes after the first 4 are ignored (multiple events travel as RFC 2198
 * redundancy, §2.5.1, which wraps the blocks).
 */
export function tryParseTelephoneEvent(
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
): ParseResult<TelephoneEvent, CodecErrorCode> {
  if (offset < 0 || length < TELEPHONE_EVENT_SIZE || offset + length > bytes.length) {
    return parseFailure("TOO_SHORT", offset);
  }
  const b1 = bytes[offset + 1]!;
  return {
    ok: true,
    value: {
      event: bytes[offset]!,
      end: (b1 & 0x80) !== 0,
      volume: b1 & 0x3f,
      duration: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
    },
  };
}

/**
 * {@link tryParseTelephoneEvent} for callers that treat a malformed payload as an exception.
 * @throws CodecError with the code and byte offset of the problem.
 */
export function parseTelephoneEvent(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): TelephoneEvent {
  return unwrap(tryParseTelephoneEvent(bytes, offset, length), codecError);
}

/** Bytes {@link writeTelephoneEvent} writes (always 4). */
export function telephoneEventSize(_e: TelephoneEvent): number {
  return TELEPHONE_EVENT_SIZE;
}

/** Writes `e` at `dst[offset]` (R = 0); returns 4. Throws {@link CodecError} for out-of-range fields. */
export function writeTelephoneEvent(e: TelephoneEvent, dst: Uint8Array, offset: number): number {
  if (!isUint(e.event, 255) || !isUint(e.volume, 63) || !isUint(e.duration, 0xffff)) {
    throw new CodecError("FIELD_OUT_OF_RANGE", "telephone-event field out of range");
  }
  if (offset < 0 || offset + 4 > dst.length) throw new CodecError("TOO_LONG", "telephone-event destination too small");
  dst[offset] = e.event;
  dst[offset + 1] = (e.end ? 0x80 : 0) | e.volume;
  dst[offset + 2] = e.duration >>> 8;
  dst[offset + 3] = e.duration & 0xff;
  return 4;
}

/** Encodes `e` into a new 4-byte payload. */
export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  writeTelephoneEvent(e, out, 0);
  return out;
}

const DTMF = "0123456789*#ABCD";

/** RFC 4733 §3.2 event code of a DTMF digit (`"0"`-`"9"`, `"*"`, `"#"`, `"A"`-`"D"`), or -1. */
export function dtmfEventCode(digit: string): number {
  return digit.length === 1 ? DTMF.indexOf(digit.toUpperCase()) : -1;
}

/** The DTMF digit of an RFC 4733 §3.2 event code 0..15, or undefined. */
export function dtmfDigit(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? DTMF[event] : undefined;
}

function isUint(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}
