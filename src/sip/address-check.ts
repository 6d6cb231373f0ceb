/**
 * A check of From and To values that builds nothing: the §8.1.1 checks of every new request only
 * need to know that the value parses, and the common forms can be recognised in one scan without
 * the parser's objects (the address, its URI, their parameter records, the substrings).
 *
 * The contract is one-sided: when {@link isPlainFromTo} says yes, `parseFromTo` accepts the value;
 * when it says no, the value may still be valid (a password, an escape, an IPv6 host, a quoted
 * parameter, a fold inside the quotes, another scheme…) and the caller parses it to know, and to learn why not.
 * Recognised:
 *
 *     LWS [ display ] "<" ("sip:" / "sips:") [ user "@" ] host [ ":" port ] *( ";" uparam ) ">" params LWS
 *     LWS ("sip:" / "sips:") [ user "@" ] host [ ":" port ] params LWS
 *     display = quoted-string without quoted-pairs or folds / tokens separated by LWS, then LWS
 *     user    = 1*( unreserved / "&" / "=" / "+" / "$" )
 *     host    = hostname / IPv4address          port = 1*DIGIT, at most 65535
 *     uparam  = 1*paramchar [ "=" 1*paramchar ] (no escapes; ttl and maddr left to the parser)
 *     params  = *( LWS ";" LWS token [ LWS "=" LWS token ] ), a tag with a value
 *     (LWS optional, skipped as the parser skips it: grammar.ts skipLws)
 *
 * Internal to src/sip (re-exported for the transaction layer's request checks).
 */
import { C_PARAM, C_TOKEN, C_UNRESERVED, CLASS, scan, scanClass, scanUint, skipLws } from "./grammar.ts";
import { isHostname, isIpv4 } from "./host.ts";
import { lettersAt } from "./params.ts";

/** True when `text` is a From or To value in a form recognised above (so it parses); false: ask the parser. */
export function isPlainFromTo(text: string): boolean {
  const end = text.length;
  let p = skipLws(text, 0, end);
  if (p >= end) return false;
  let c = text.charCodeAt(p);
  let angle = false;
  if (c === 0x22) {
    // quoted-string: qdtext without quoted-pairs (a fold or a control character goes to the parser)
    p++;
    for (;;) {
      if (p >= end) return false;
      c = text.charCodeAt(p);
      if (c === 0x22) break;
      if (c === 0x5c || c === 0x7f || (c < 0x20 && c !== 0x09)) return false;
      p++;
    }
    p = skipLws(text, p + 1, end);
    if (p >= end || text.charCodeAt(p) !== 0x3c) return false;
    angle = true;
  } else if (c === 0x3c) {
    angle = true;
  } else {
    const e = scanClass(text, p, end, C_TOKEN);
    if (e === p) return false;
    if (e < end && text.charCodeAt(e) === 0x3a) {
      // addr-spec: the token is the scheme
      if (sipScheme(text, p, e + 1) < 0) return false;
    } else {
      // display-name = *(token LWS) before "<"
      let q = e;
      for (;;) {
        q = skipLws(text, q, end);
        const te = scanClass(text, q, end, C_TOKEN);
        if (te === q) break;
        q = te;
      }
      if (q >= end || text.charCodeAt(q) !== 0x3c) return false;
      p = q;
      angle = true;
    }
  }
  if (angle) p++;
  const s = sipScheme(text, p, end);
  if (s < 0) return false;
  p = plainSipUriEnd(text, s, end, angle);
  if (p < 0) return false;
  if (angle) {
    if (p >= end || text.charCodeAt(p) !== 0x3e) return false;
    p++;
  }
  return plainParamsEnd(text, p, end);
}

/** Position after `sip:` or `sips:` (any case) at `pos`, or -1. */
function sipScheme(text: string, pos: number, end: number): number {
  if (pos + 4 > end) return -1;
  if ((text.charCodeAt(pos) | 0x20) !== 0x73 || (text.charCodeAt(pos + 1) | 0x20) !== 0x69 || (text.charCodeAt(pos + 2) | 0x20) !== 0x70) {
    return -1;
  }
  let p = pos + 3;
  if ((text.charCodeAt(p) | 0x20) === 0x73) p++;
  return p < end && text.charCodeAt(p) === 0x3a ? p + 1 : -1;
}

/**
 * The end of a plain SIP URI body at `pos` (after the scheme), or -1 when it is not plain. In the
 * addr-spec form (`angle` false) the URI has no parameters: a `;` starts the header's.
 */
function plainSipUriEnd(text: string, pos: number, end: number, angle: boolean): number {
  // [ user "@" ]: the parser takes the userinfo up to the first "@"; a run of unreserved characters
  // that stops anywhere else is read again as the host.
  let p = pos;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c < 128 && (CLASS[c]! & C_UNRESERVED) !== 0) p++;
    else if (c === 0x26 || c === 0x3d || c === 0x2b || c === 0x24) p++; // & = + $ (a telephone number's "+")
    else break;
  }
  if (p < end && text.charCodeAt(p) === 0x40) {
    if (p === pos) return -1;
    p++;
  } else {
    p = pos;
  }
  // host: the parser's host run is alphanum / "-" / "."; digits and dots only make an IPv4 address.
  const hs = p;
  let digits = true;
  while (p < end) {
    const c = text.charCodeAt(p);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e) {
      p++;
    } else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
      digits = false;
      p++;
    } else if (c === 0x2d) {
      digits = false;
      p++;
    } else {
      break;
    }
  }
  if (p === hs || !(digits ? isIpv4(text, hs, p) : isHostname(text, hs, p))) return -1;
  if (p < end && text.charCodeAt(p) === 0x3a) {
    // The parser's own port scan: digits up to the first other character, 0..65535.
    if (scanUint(text, p + 1, end, 65535) < 0) return -1;
    p = scan.end;
  }
  if (!angle) return p;
  while (p < end && text.charCodeAt(p) === 0x3b) {
    const ns = p + 1;
    const ne = scanClass(text, ns, end, C_PARAM);
    if (ne === ns) return -1;
    p = ne;
    if (p < end && text.charCodeAt(p) === 0x3d) {
      const vs = p + 1;
      const ve = scanClass(text, vs, end, C_PARAM);
      if (ve === vs || !plainUriParam(text, ns, ne, vs, ve)) return -1;
      p = ve;
    }
  }
  return p;
}

/**
 * Whether a uri-parameter with a value passes the parser's checks of known names (RFC 3261 §19.1.1):
 * transport, user and method take a token; ttl and maddr are left to the parser.
 */
function plainUriParam(text: string, ns: number, ne: number, vs: number, ve: number): boolean {
  const n = ne - ns;
  if (n === 3 && lettersAt(text, ns, "ttl")) return false;
  if (n === 5 && lettersAt(text, ns, "maddr")) return false;
  if ((n === 9 && lettersAt(text, ns, "transport")) || (n === 4 && lettersAt(text, ns, "user")) || (n === 6 && lettersAt(text, ns, "method"))) {
    return scanClass(text, vs, ve, C_TOKEN) === ve;
  }
  return true;
}

/** Whether `text[pos, end)` is `*( LWS ";" LWS token [ LWS "=" LWS token ] ) LWS` with a tag that has a value. */
function plainParamsEnd(text: string, pos: number, end: number): boolean {
  let p = skipLws(text, pos, end);
  while (p < end) {
    if (text.charCodeAt(p) !== 0x3b) return false;
    const ns = skipLws(text, p + 1, end);
    const ne = scanClass(text, ns, end, C_TOKEN);
    if (ne === ns) return false;
    p = skipLws(text, ne, end);
    if (p < end && text.charCodeAt(p) === 0x3d) {
      const vs = skipLws(text, p + 1, end);
      const ve = scanClass(text, vs, end, C_TOKEN);
      if (ve === vs) return false;
      p = skipLws(text, ve, end);
    } else if (ne - ns === 3 && lettersAt(text, ns, "tag")) {
      // RFC 3261 §19.3: a tag without a value is refused by the parser.
      return false;
    }
  }
  return true;
}
