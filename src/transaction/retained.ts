import { DEFAULT_SIP_LIMITS, serializeMessage, serializeMessageInto, tryParseMessage } from "../sip/index.ts";
import type { SipMessage, SipRequest, SipResponse } from "../sip/index.ts";

/**
 * Bytes of a message a transaction must still be able to send again (RFC 3261 §17.2.1, §17.2.2: the
 * final response on a retransmitted request; §17.1.1.2: the ACK on a retransmitted final response),
 * kept instead of the message object.
 *
 * A message object holds much more than its bytes: a parsed one its input, decoded text, token table
 * and accessor caches; a built one its field list, whose values are often substrings of the request
 * it answers (and so keep that request's decoded text alive). Completed transactions live for
 * 64*T1 = 32 s on UDP, so at 10 k transactions/s some 320 k of them are live; keeping bytes only
 * cuts each to a few hundred bytes.
 *
 * Kept bytes are copied into shared blocks and held as (block, offset, length): no typed-array view
 * per message (a view costs more than a short response's bytes), no ArrayBuffer and off-heap store
 * per message. Completed transactions expire in about the order they completed (each absorbing state
 * has one fixed duration), so a block is freed soon after the last transaction that uses it. A block
 * is append-only: bytes handed to the transport stay valid while it sends them.
 *
 * Blocks are 256 KiB: V8 charges each new array buffer a fixed cost far above its bytes (its
 * backing store, its tracking entry, a possible external-memory GC step): on Node, making and
 * holding 16 KiB arrays cost 55–85 µs each, 256 KiB ones about 170 µs, 5 to 8 times less per byte.
 * A block is replaced while it has less than {@link MAX_SHARED} bytes free, so a message that may
 * be shared always fits in the current block and serializing into it never fails for lack of room
 * (a failure costs an exception and a second serialization). The first block is made on first use.
 */
const BLOCK = 262144;
const MAX_SHARED = 4096;
let block = new Uint8Array(0);
let used = 0;

/** Where {@link keepBytes} put a message: transient, copied into the holder's fields. */
export interface KeptBytes {
  readonly block: Uint8Array;
  readonly offset: number;
  readonly length: number;
}

/**
 * Serializes `message` once into a shared block. Undefined when it cannot be serialized or is too
 * large to parse back (the caller then keeps the object).
 */
export function keepBytes(message: SipMessage): KeptBytes | undefined {
  // Most messages fit in the block's free space: serialized there directly, with no array of their
  // own to copy from. One that does not fit (or fails) takes the general path below.
  if (block.length - used < MAX_SHARED) {
    block = new Uint8Array(BLOCK);
    used = 0;
  }
  let written = -1;
  try {
    written = serializeMessageInto(message, block, used);
  } catch {
    written = -1;
  }
  if (written >= 0 && written <= MAX_SHARED) {
    const kept = { block, offset: used, length: written };
    used += written;
    return kept;
  }
  let bytes: Uint8Array;
  try {
    bytes = serializeMessage(message);
  } catch {
    return undefined;
  }
  const n = bytes.length;
  if (n > DEFAULT_SIP_LIMITS.maxMessageSize) return undefined;
  if (n > MAX_SHARED) {
    const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === n ? bytes : bytes.slice();
    return { block: own, offset: 0, length: n };
  }
  if (used + n > block.length) {
    block = new Uint8Array(BLOCK);
    used = 0;
  }
  block.set(bytes, used);
  const kept = { block, offset: used, length: n };
  used += n;
  return kept;
}

/**
 * A message parsed from kept bytes (equal content, not the object first sent), or undefined when the
 * bytes do not parse back (a message the TU built with values the parser rejects).
 */
export function reviveBytes<M extends SipRequest | SipResponse>(bytes: Uint8Array): M | undefined {
  const r = tryParseMessage(bytes);
  return r.ok ? (r.value as M) : undefined;
}
