// The start line of a SIP message (RFC 3261 §7.1 Request-Line, §7.2 Status-Line; RFC 4475 §3.1.2).
import { at, isToken, SP } from "./bytes";
import {
  ERR_BAD_METHOD, ERR_BAD_REQUEST_URI, ERR_BAD_START_LINE, ERR_BAD_STATUS, ERR_BAD_VERSION, INPUT, T_A_LEN,
  T_A_OFF, T_B_LEN, T_B_OFF, T_C_LEN, T_C_OFF, T_KIND, T_STATUS,
} from "./layout";
import { fail, tset } from "./table";

/** ASCII case-insensitive "SIP/2.0" at [p, p+n). */
function isSip20(p: usize, n: usize): bool {
  return (
    n == 7 &&
    (at(p) | 0x20) == 0x73 &&
    (at(p + 1) | 0x20) == 0x69 &&
    (at(p + 2) | 0x20) == 0x70 &&
    at(p + 3) == 0x2f &&
    at(p + 4) == 0x32 &&
    at(p + 5) == 0x2e &&
    at(p + 6) == 0x30
  );
}

/** Request-Line or Status-Line in [p, e) (RFC 3261 §7.1, §7.2). Returns 0 or a negative error. */
export function startLine(p: usize, e: usize): i32 {
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
  if (e - p >= 4 && (at(p) | 0x20) == 0x73 && (at(p + 1) | 0x20) == 0x69 && (at(p + 2) | 0x20) == 0x70 && at(p + 3) == 0x2f) {
    let q = p;
    while (q < e && at(q) != SP) q++;
    if (!isSip20(p, q - p)) return fail(ERR_BAD_VERSION, p);
    tset(T_KIND, 2);
    tset(T_A_OFF, <u32>(p - INPUT));
    tset(T_A_LEN, <u32>(q - p));
    if (q >= e) return fail(ERR_BAD_STATUS, q);
    const s = q + 1;
    let code: u32 = 0;
    q = s;
    while (q < e && q - s < 4 && at(q) - 0x30 < 10) {
      code = code * 10 + at(q) - 0x30;
      q++;
    }
    if (q - s != 3 || (q < e && at(q) != SP) || code < 100 || code > 699) return fail(ERR_BAD_STATUS, s);
    tset(T_B_OFF, <u32>(s - INPUT));
    tset(T_B_LEN, 3);
    tset(T_STATUS, code);
    // RFC 4475 §3.1.1.13: an empty reason phrase is accepted, with or without the SP.
    const r = q < e ? q + 1 : q;
    tset(T_C_OFF, <u32>(r - INPUT));
    tset(T_C_LEN, <u32>(e - r));
    return 0;
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  let q = p;
  while (q < e && isToken(at(q))) q++;
  if (q == p) return fail(at(p) == SP ? ERR_BAD_START_LINE : ERR_BAD_METHOD, p);
  if (q >= e) return fail(ERR_BAD_START_LINE, q);
  if (at(q) != SP) return fail(ERR_BAD_METHOD, q);
  tset(T_KIND, 1);
  tset(T_A_OFF, <u32>(p - INPUT));
  tset(T_A_LEN, <u32>(q - p));
  const u = q + 1;
  let v = e;
  while (v > u && at(v - 1) != SP) v--;
  // v: start of the version; v - 1 is the last SP.
  if (v <= u) return fail(ERR_BAD_START_LINE, u);
  if (v == e) return fail(ERR_BAD_START_LINE, e - 1); //                        trailing SP (RFC 4475 §3.1.2.10)
  if (!isSip20(v, e - v)) {
    // "SIP/x.y" with another version is an unsupported version; anything else a broken line.
    return fail(e - v >= 4 && (at(v) | 0x20) == 0x73 && at(v + 3) == 0x2f ? ERR_BAD_VERSION : ERR_BAD_START_LINE, v);
  }
  const ue = v - 1;
  if (ue <= u || at(u) == SP || at(ue - 1) == SP) return fail(ERR_BAD_START_LINE, u); // RFC 4475 §3.1.2.9
  // Request-URI: no LWS inside (§3.1.2.8), not enclosed in <> (§3.1.2.7), scheme ":" present.
  if (at(u) == 0x3c) return fail(ERR_BAD_REQUEST_URI, u);
  let colon = false;
  for (let w = u; w < ue; w++) {
    const c = at(w);
    if (c <= SP || c == 0x7f) return fail(ERR_BAD_REQUEST_URI, w);
    if (c == 0x3a) colon = true;
  }
  if (!colon) return fail(ERR_BAD_REQUEST_URI, u);
  tset(T_B_OFF, <u32>(u - INPUT));
  tset(T_B_LEN, <u32>(ue - u));
  tset(T_C_OFF, <u32>(v - INPUT));
  tset(T_C_LEN, <u32>(e - v));
  return 0;
}
