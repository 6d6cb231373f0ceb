import type { SipMessage } from "../sip/index.ts";
import { ownText as ownSipText } from "../sip/own-text.ts";
import { randomHex } from "../random.ts";

/**
 * The first comma-separated value of the first field `name` (e.g. the top Via, which may share a
 * line with others: RFC 3261 §7.3.1). Commas inside quoted strings and `<…>` do not split.
 */
export function firstHeaderValue(msg: SipMessage, name: string): string | undefined {
  const field = msg.header(name);
  if (field === undefined) return undefined;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++; // quoted-pair
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) return field.slice(0, i).trim();
  }
  return field.trim();
}

/** Every field `name` of `msg` as `[name, value]` pairs, for copying them onto a new request. */
export function copyFields(msg: SipMessage, name: string): [string, string][] {
  return msg.headers(name).map((v): [string, string] => [name, v]);
}

/**
 * A copy of `s` that shares no storage with the text it was cut from (see the sip layer's
 * `ownText`): a tag read from a message is a substring of the whole field (or of a parsed
 * message's text), which a transaction keeping the tag for 32 s would keep alive with it.
 */
export function ownText(s: string | undefined): string | undefined {
  return s === undefined ? s : ownSipText(s);
}

/** A fresh random token of `bytes` random bytes, hex-encoded (tags, branches). */
export function randomToken(bytes = 8): string {
  return randomHex(bytes);
}

/** RFC 3261 §8.1.1.7: branches starting with this cookie follow the RFC 3261 matching rules. */
export const MAGIC_COOKIE = "z9hG4bK";

/** A new RFC 3261 branch parameter value (magic cookie + 64 random bits). */
export function newBranch(): string {
  return MAGIC_COOKIE + randomToken(8);
}
