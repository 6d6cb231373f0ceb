/**
 * Authorization, Proxy-Authorization, WWW-Authenticate and Proxy-Authenticate values (RFC 3261
 * §20.7, §20.27, §20.28, §20.44, §22): a scheme and its parameters, parsed and formatted. Computing
 * Digest responses is the auth layer's.
 */
import { isToken, quote, readQuoted, readToken, requireLws, scan, scanToken, skipLws } from "./grammar.ts";
import { fail, run } from "./failure.ts";
import { addParam, paramName } from "./params.ts";
import type { AuthValue } from "./types.ts";

/**
 * A challenge or credentials value (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25.1; RFC 8760):
 *
 *     challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 *     credentials = ("Digest" LWS digest-response) / other-response
 *     auth-param  = auth-param-name EQUAL ( token / quoted-string )
 *
 * Parameter names are lower-cased, values kept verbatim (quoted ones unquoted) — `algorithm`
 * values such as `SHA-256` or `SHA-512-256-sess` (RFC 8760 §2.1) are not interpreted.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseAuth(text: string): AuthValue {
  return run(readAuth, text);
}

/** @internal {@link parseAuth} inside src/sip. */
export function readAuth(text: string): AuthValue {
  const end = text.length;
  let p = skipLws(text, 0, end);
  const scheme = readToken(text, p, end, "BAD_HEADER_VALUE", "an auth scheme");
  p = requireLws(text, scan.end, "BAD_HEADER_VALUE");
  const params: Record<string, string> = {};
  let n = 0;
  for (;;) {
    const nameEnd = scanToken(text, p, end);
    if (nameEnd === p) fail("BAD_HEADER_VALUE", "expected an auth-param name", p);
    const name = paramName(text, p, nameEnd);
    p = skipLws(text, nameEnd, end);
    if (p >= end || text.charCodeAt(p) !== 0x3d) fail("BAD_HEADER_VALUE", "expected '=' in an auth-param", p);
    p = skipLws(text, p + 1, end);
    const value =
      p < end && text.charCodeAt(p) === 0x22
        ? readQuoted(text, p, end, "BAD_HEADER_VALUE")
        : readToken(text, p, end, "BAD_HEADER_VALUE", "an auth-param value");
    if (addParam(params, name, value, n)) n++;
    p = skipLws(text, scan.end, end);
    if (p >= end) return { scheme, params };
    if (text.charCodeAt(p) !== 0x2c) fail("BAD_HEADER_VALUE", "expected ',' between auth-params", p);
    p = skipLws(text, p + 1, end);
  }
}

/** Digest parameters written as tokens (RFC 3261 §25.1, RFC 7616 §3.4): the rest are quoted. */
const DIGEST_TOKENS = new Set(["algorithm", "stale", "nc", "userhash"]);

/**
 * Formats a challenge or credentials value. For Digest, `algorithm`, `stale`, `nc`, `userhash`
 * and — in credentials (a value with `response` or `username`) — `qop` are written as tokens,
 * everything else quoted (§25.1 digest-cln / dig-resp); other schemes quote only non-tokens.
 */
export function formatAuth(a: AuthValue): string {
  const digest = a.scheme.toLowerCase() === "digest";
  const credentials = Object.hasOwn(a.params, "response") || Object.hasOwn(a.params, "username");
  const parts: string[] = [];
  for (const name of Object.keys(a.params)) {
    const v = a.params[name]!;
    const bare = digest ? DIGEST_TOKENS.has(name) || (name === "qop" && credentials) : true;
    parts.push(`${name}=${bare && isToken(v) ? v : quote(v)}`);
  }
  return `${a.scheme} ${parts.join(", ")}`;
}
