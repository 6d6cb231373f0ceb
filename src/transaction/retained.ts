import { DEFAULT_SIP_LIMITS, serializeMessage, tryParseMessage } from "../sip/index.ts";
import type { SipMessage, SipRequest, SipResponse } from "../sip/index.ts";

/**
 * A message a completed transaction must still be able to send again (RFC 3261 §17.2.1, §17.2.2: the
 * final response on a retransmitted request; §17.1.1.2: nothing else needs the full object), kept
 * as its serialized bytes instead of the message object.
 *
 * A message object holds much more than its bytes: a parsed one its input, decoded text, token table
 * and accessor caches; a built one its field list, whose values are often substrings of the request
 * it answers (and so keep that request's decoded text alive). Completed transactions live for
 * 64*T1 = 32 s on UDP, so at 10 k transactions/s some 320 k of them are live; keeping bytes only
 * cuts each to a few hundred bytes. A message too large to parse again is kept as the object.
 */
export type Kept<M extends SipMessage> = M | Uint8Array;

/*
 * Kept bytes are copied into shared blocks: one small typed-array view each, instead of an
 * ArrayBuffer (and an off-heap backing store) per message. Completed transactions expire in about
 * the order they completed (Timers J, H, D, K are fixed per transport), so a block is freed soon
 * after the last transaction that uses it.
 */
const BLOCK = 16384;
const MAX_SHARED = 4096;
let block = new Uint8Array(BLOCK);
let used = 0;

/** Serializes `message` once and keeps the bytes (or, when too large to parse back, the object). */
export function keep<M extends SipMessage>(message: M): Kept<M> {
  let bytes: Uint8Array;
  try {
    bytes = serializeMessage(message);
  } catch {
    return message;
  }
  const n = bytes.length;
  if (n > DEFAULT_SIP_LIMITS.maxMessageSize) return message;
  if (n > MAX_SHARED) return bytes.byteOffset === 0 && bytes.buffer.byteLength === n ? bytes : bytes.slice();
  if (used + n > BLOCK) {
    block = new Uint8Array(BLOCK);
    used = 0;
  }
  const out = block.subarray(used, used + n);
  out.set(bytes);
  used += n;
  return out;
}

/**
 * The kept message as a message object: the object itself, or a new message parsed from the kept
 * bytes (equal content, not the object first sent). Undefined when the bytes do not parse back
 * (a message the TU built with values the parser rejects).
 */
export function revive<M extends SipRequest | SipResponse>(kept: Kept<M>): M | undefined {
  if (!(kept instanceof Uint8Array)) return kept;
  const r = tryParseMessage(kept);
  return r.ok ? (r.value as M) : undefined;
}
