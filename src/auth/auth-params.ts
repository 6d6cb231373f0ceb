/**
 * Writing challenge and credentials parameters (RFC 3261 §25.1, RFC 7616 §3.3–3.4): quoted-strings
 * escaped, tokens bare, control characters refused. Reading them is the SIP layer's one reader
 * (src/sip/auth-value.ts), which the challenge and credentials parsers build on.
 *
 * Internal to src/auth.
 */
import { C_TOKEN, is } from "../sip/grammar.ts";
import { AuthError } from "./errors.ts";

/** True when `s` has a character no header value may carry: CR, LF, NUL or another control but HTAB. */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Scans a value to be written: throws for a control character (it would end or break the header
 * line), and returns 1 when it must be escaped in a quoted-string, 2 when it is a token, else 0.
 */
function scanValue(name: string, v: string): number {
  let token = v.length > 0;
  let escape = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw new AuthError("BAD_PARAM_VALUE", `Digest ${name} has a control character`);
    if (c === 0x22 || c === 0x5c) escape = true;
    if (token && !is(c, C_TOKEN)) token = false;
  }
  return escape ? 1 : token ? 2 : 0;
}

function quoted(name: string, v: string, kind: number): string {
  return kind === 1 ? `${name}="${v.replace(/["\\]/g, "\\$&")}"` : `${name}="${v}"`;
}

/**
 * `name="value"` (RFC 3261 §25.1 quoted-string, `"` and `\` escaped). Throws {@link AuthError}
 * BAD_PARAM_VALUE for a control character: header injection.
 */
export function quotedParam(name: string, v: string): string {
  return quoted(name, v, scanValue(name, v));
}

/** `name=value` as a token when the value is one, else as {@link quotedParam}. */
export function tokenParam(name: string, v: string): string {
  const kind = scanValue(name, v);
  return kind === 2 ? `${name}=${v}` : quoted(name, v, kind);
}
