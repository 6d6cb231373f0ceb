/**
 * URI comparison (RFC 3261 §19.1.4 for SIP and SIPS, RFC 3966 §4 for tel).
 */
import { equalsIgnoreCase } from "./grammar.ts";
import { hostKey } from "./host.ts";
import { getParam } from "./params.ts";
import { phoneDigits } from "./tel-uri.ts";
import type { OtherUri, SipUri, TelUri, Uri } from "./types.ts";

/** uri-parameters that make two SIP URIs differ when present in only one (RFC 3261 §19.1.4). */
const MUST_MATCH = ["user", "ttl", "method", "maddr", "transport"];

/**
 * URI equivalence.
 *
 * SIP/SIPS (RFC 3261 §19.1.4): the schemes must be the same; user and password compare
 * case-sensitively and must both be present or both absent; hosts compare case-insensitively
 * (IPv6 references by value, RFC 5118); ports must both be absent or equal (absent ≠ 5060); a
 * uri-parameter present in both must match case-insensitively; `user`, `ttl`, `method`, `maddr`
 * and `transport` present in only one make the URIs differ, other one-sided parameters are
 * ignored; headers must all be present in both and match. Escapes are compared as their
 * characters (the parsed values already hold them resolved — so an escaped reserved character
 * compares equal to the bare one, which §19.1.4 strictly does not ask for).
 *
 * tel (RFC 3966 §4): both global or both local; numbers equal once visual separators are
 * removed; the same parameter names; values compare case-insensitively, phone-context as a
 * domain name or, for a global number, digit by digit.
 *
 * Other schemes: scheme and opaque part byte for byte.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === "sip" || a.scheme === "sips") return sipEquals(a as SipUri, b as SipUri);
  if (a.scheme === "tel" && "number" in a && "number" in b) return telEquals(a, b);
  return (a as OtherUri).opaque === (b as OtherUri).opaque;
}

function sipEquals(a: SipUri, b: SipUri): boolean {
  if (a.user !== b.user || a.password !== b.password || a.port !== b.port) return false;
  if (a.host !== b.host && hostKey(a.host) !== hostKey(b.host)) return false;
  for (const name of Object.keys(a.params)) {
    const va = a.params[name];
    const vb = getParam(b.params, name);
    if (vb === undefined) {
      if (MUST_MATCH.includes(name)) return false;
    } else if (!paramValuesEqual(va, vb)) {
      return false;
    }
  }
  for (const name of MUST_MATCH) {
    if (getParam(b.params, name) !== undefined && getParam(a.params, name) === undefined) return false;
  }
  const ha = Object.keys(a.headers);
  const hb = Object.keys(b.headers);
  if (ha.length !== hb.length) return false;
  for (const name of ha) {
    const other = hb.find((n) => equalsIgnoreCase(n, name));
    if (other === undefined || a.headers[name] !== b.headers[other]) return false;
  }
  return true;
}

function paramValuesEqual(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return equalsIgnoreCase(a, b);
}

function telEquals(a: TelUri, b: TelUri): boolean {
  if (a.global !== b.global || phoneDigits(a.number) !== phoneDigits(b.number)) return false;
  const ka = Object.keys(a.params);
  if (ka.length !== Object.keys(b.params).length) return false;
  for (const name of ka) {
    const va = a.params[name];
    const vb = getParam(b.params, name);
    if (vb === undefined) return false;
    if (name === "phone-context" && typeof va === "string" && typeof vb === "string" && va.startsWith("+")) {
      if (!vb.startsWith("+") || phoneDigits(va) !== phoneDigits(vb)) return false;
    } else if (!paramValuesEqual(va, vb)) {
      return false;
    }
  }
  return true;
}
