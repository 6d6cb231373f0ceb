import type { SipMessage } from "../sip/index.ts";
import { headerId } from "../sip/header-names.ts";

/**
 * Small text helpers of the session layer.
 *
 * Values read from a parsed message are substrings of the message's decoded text, and engines keep
 * such a substring as a view of its parent: a dialog that kept its Call-ID that way would keep the
 * whole INVITE alive for the length of the call. {@link own} copies a value that outlives its message.
 */

/** A copy of `s` that shares no storage with the string it was cut from (the sip layer's `ownText`). */
export { ownText as own } from "../sip/own-text.ts";

/**
 * Whether the option-tag fields `name` (Require, Supported, Proxy-Require; RFC 3261 §20.32, §20.37)
 * of a message list `tag` (lower-case), read from the fields' text without parsing or caching them.
 */
export function hasOption(message: SipMessage, name: string, tag: string): boolean {
  const id = headerId(name);
  if (id === 0) {
    for (const field of message.headers(name)) if (listed(field.toLowerCase(), tag)) return true;
    return false;
  }
  const n = message._count(id);
  // One field (the usual case) is read without a list of the values.
  if (n === 1) return listed(message._first(id)!.toLowerCase(), tag);
  if (n === 0) return false;
  for (const field of message._values(id, "")) if (listed(field.toLowerCase(), tag)) return true;
  return false;
}

/**
 * Whether a comma-separated token list as written in a field (`INVITE, ACK, UPDATE`) holds `token`,
 * compared exactly (methods are case-sensitive, RFC 3261 §7.1), without parsing the list.
 */
export function listed(field: string, token: string): boolean {
  let from = 0;
  for (;;) {
    const i = field.indexOf(token, from);
    if (i < 0) return false;
    const end = i + token.length;
    if (isListEdge(field, i - 1) && isListEdge(field, end)) return true;
    from = end;
  }
}

function isListEdge(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return true;
  const c = s.charCodeAt(i);
  return c === 0x2c || c === 0x20 || c === 0x09;
}

/** The media type of a Content-Type value, lower-cased, without parameters (`application/sdp`). */
export function mediaTypeOf(value: string): string {
  const semi = value.indexOf(";");
  return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** Exhaustiveness check for `switch` statements over string unions. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}
