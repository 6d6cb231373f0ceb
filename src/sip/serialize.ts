import { serializeBytes, serializeInto, type SipMessage } from "./message.ts";

/**
 * Serializes a message (RFC 3261 §7) with a Content-Length equal to the body length. For a parsed
 * message that was not changed this is a view of the bytes it was parsed from (no copy): copy it
 * before changing it.
 */
export function serializeMessage(msg: SipMessage): Uint8Array {
  return serializeBytes(msg);
}

/**
 * Serializes a message into `dst` at `offset` and returns the number of bytes written.
 * @throws RangeError when `dst` is too small (nothing useful is left in `dst` then).
 */
export function serializeMessageInto(msg: SipMessage, dst: Uint8Array, offset = 0): number {
  return serializeInto(msg, dst, offset);
}

/** The serialized size of a message in bytes. */
export function messageSize(msg: SipMessage): number {
  if (msg._pristine) {
    const [a, b] = msg._rawRange();
    return b - a;
  }
  return serializeBytes(msg).length;
}
