// SIP message tokenizer (RFC 3261 §7, §25.1) over linear memory. JS copies a message into INPUT and calls
// sip_tokenize; the result is a table of offsets in TOKENS that JS decodes lazily. Nothing is allocated.
import { hashStep, initHeaderTable, lookupHeader } from "./headers";
import {
  E_AUX_LEN, E_AUX_OFF, E_FLAGS, E_ID, E_NAME_LEN, E_NAME_OFF, E_VALUE_LEN, E_VALUE_OFF, ERR_BAD_CONTENT_LENGTH,
  ERR_BAD_HEADER, ERR_BAD_METHOD, ERR_BAD_REQUEST_URI, ERR_BAD_START_LINE, ERR_BAD_STATUS, ERR_BAD_VERSION,
  ERR_BODY_TRUNCATED, ERR_EMPTY, ERR_HEADER_TOO_LONG, ERR_INCOMPLETE, ERR_MESSAGE_TOO_LARGE,
  ERR_TOO_MANY_HEADERS, F_BARE_LF, F_CONTENT_LENGTH, F_NON_ASCII, HDR_CONTENT_LENGTH, HDR_CSEQ, HDR_FROM, HDR_TO,
  HDR_VIA, HEADERS_CAP, INPUT, INPUT_CAP, SLOT_BYTES, SLOTS, T_A_LEN, T_A_OFF, T_B_LEN, T_B_OFF, T_BODY_LEN,
  T_BODY_OFF, T_C_LEN, T_C_OFF, T_CLEN, T_COUNT, T_ENTRY, T_ERR_OFF, T_FIRST, T_FIRST_IDS, T_FIXED, T_FLAGS,
  T_KIND, T_STATUS, TOKENS,
} from "./layout";

/** Base of the slot being written. */
let tbase: usize = TOKENS;
// Character classes: bit 0 = token char (RFC 3261 §25.1 token).
const CLASS = memory.data(256);

const SP: u32 = 0x20;
const HT: u32 = 0x09;
const CR: u32 = 0x0d;
const LF: u32 = 0x0a;

function initClasses(): void {
  // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
  for (let c = 0x30; c <= 0x39; c++) store<u8>(CLASS + c, 1);
  for (let c = 0x41; c <= 0x5a; c++) store<u8>(CLASS + c, 1);
  for (let c = 0x61; c <= 0x7a; c++) store<u8>(CLASS + c, 1);
  const extra = "-.!%*_+`'~";
  for (let i = 0; i < extra.length; i++) store<u8>(CLASS + <usize>extra.charCodeAt(i), 1);
}

initClasses();
initHeaderTable();

@inline function tset(i: u32, v: u32): void {
  store<u32>(tbase + (<usize>i << 2), v);
}
@inline function at(p: usize): u32 {
  return <u32>load<u8>(p);
}
@inline function isToken(c: u32): bool {
  return load<u8>(CLASS + c) != 0;
}
@inline function isWsp(c: u32): bool {
  return c == SP || c == HT;
}
/** Whitespace inside a value, folding included (LWS, RFC 3261 §25.1). */
@inline function isLws(c: u32): bool {
  return c == SP || c == HT || c == CR || c == LF;
}

/** Records the offset of the problem and returns the (negative) error code. */
function fail(code: i32, p: usize): i32 {
  tset(T_ERR_OFF, <u32>(p - INPUT));
  return code;
}

/**
 * First byte in [p, end) that is a control character other than HT (CR and LF included), or `end`.
 * Also ORs bit 0 into `high` when a byte >= 0x80 was seen before that point.
 */
let high: u32 = 0;
function findControl(p: usize, end: usize): usize {
  if (ASC_FEATURE_SIMD) {
    const lim = i8x16.splat(0x20);
    const top = i8x16.splat(<i8>0x80);
    while (p + 16 <= end) {
      const v = v128.load(p);
      let m = i8x16.bitmask(i8x16.lt_u(v, lim));
      while (m != 0) {
        const q = p + <usize>ctz(m);
        if (at(q) != HT) {
          if (i8x16.bitmask(v128.and(v, top)) & ((1 << <i32>(q - p)) - 1)) high = 1;
          return q;
        }
        m &= m - 1;
      }
      if (i8x16.bitmask(v) != 0) high = 1;
      p += 16;
    }
  }
  while (p < end) {
    const c = at(p);
    if (c < 0x20 && c != HT) return p;
    if (c >= 0x80) high = 1;
    p++;
  }
  return end;
}

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
function startLine(p: usize, e: usize): i32 {
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

/** Skips a quoted string starting at the opening quote; returns the position after the closing quote or `e`. */
function skipQuoted(p: usize, e: usize): usize {
  p++;
  while (p < e) {
    const c = at(p);
    if (c == 0x5c) p += 2; //                  quoted-pair
    else if (c == 0x22) return p + 1;
    else p++;
  }
  return e;
}

/**
 * Finds the generic parameter `name` (lower-case, n bytes) among the header parameters of one
 * name-addr / via value in [p, e): parameters start at the first ";" outside quotes and <>, and the
 * value ends at the first "," outside quotes. Stores offset/length in entry slots aux.
 */
function findParam(p: usize, e: usize, name: usize, n: u32, entry: u32): void {
  let inParams = false;
  while (p < e) {
    // Jump to the next quote, "<", ";" or "," (inside the parameters "<" is an ordinary character).
    p = inParams ? findAny(p, e, 0x22, 0x3b, 0x2c, 0x3b) : findAny(p, e, 0x22, 0x3c, 0x3b, 0x2c);
    if (p >= e) return;
    const c = at(p);
    if (c == 0x22) {
      p = skipQuoted(p, e);
      continue;
    }
    if (c == 0x2c) return; //                           next value of a list
    if (c == 0x3c) {
      p = findAny(p, e, 0x3e, 0x3e, 0x3e, 0x3e) + 1;
      continue;
    }
    inParams = true;
    p++;
    while (p < e && isLws(at(p))) p++;
    const s = p;
    while (p < e && isToken(at(p))) p++;
    if (<u32>(p - s) == n) {
      let i: u32 = 0;
      while (i < n && (at(s + i) | 0x20) == <u32>load<u8>(name + i)) i++;
      if (i == n) {
        while (p < e && isLws(at(p))) p++;
        if (p < e && at(p) == 0x3d) {
          p++;
          while (p < e && isLws(at(p))) p++;
          const vs = p;
          while (p < e && isToken(at(p))) p++;
          if (p > vs) {
            tset(entry + E_AUX_OFF, <u32>(vs - INPUT));
            tset(entry + E_AUX_LEN, <u32>(p - vs));
          }
        }
        return;
      }
    }
  }
}

/**
 * CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16): stores the number (at most 2^31 - 1, §8.1.1.5) in aux
 * slot 6 and the method's offset in slot 7 (the method runs to the end of the value). Leaves 0/0 when
 * the value is not of that form; the JS side then parses it and reports the error.
 */
function cseqAux(p: usize, e: usize, entry: u32): void {
  let n: u64 = 0;
  const s = p;
  while (p < e && at(p) - 0x30 < 10) {
    n = n * 10 + <u64>(at(p) - 0x30);
    if (n > 0x7fffffff) return;
    p++;
  }
  if (p == s || p - s > 10 || p >= e || !isLws(at(p))) return;
  while (p < e && isLws(at(p))) p++;
  const m = p;
  while (p < e && isToken(at(p))) p++;
  if (p != e || p == m) return;
  tset(entry + E_AUX_OFF, <u32>n);
  tset(entry + E_AUX_LEN, <u32>(m - INPUT));
}

/** First byte in [p, e) equal to a, b, c or d, or `e` (16 bytes at a time with SIMD). */
@inline function findAny(p: usize, e: usize, a: u8, b: u8, c: u8, d: u8): usize {
  if (ASC_FEATURE_SIMD) {
    const va = i8x16.splat(a);
    const vb = i8x16.splat(b);
    const vc = i8x16.splat(c);
    const vd = i8x16.splat(d);
    while (p + 16 <= e) {
      const v = v128.load(p);
      const hit = v128.or(v128.or(i8x16.eq(v, va), i8x16.eq(v, vb)), v128.or(i8x16.eq(v, vc), i8x16.eq(v, vd)));
      const m = i8x16.bitmask(hit);
      if (m != 0) return p + <usize>ctz(m);
      p += 16;
    }
  }
  while (p < e) {
    const x = load<u8>(p);
    if (x == a || x == b || x == c || x == d) return p;
    p++;
  }
  return e;
}

const TAG = memory.data<u8>([0x74, 0x61, 0x67]);
const BRANCH = memory.data<u8>([0x62, 0x72, 0x61, 0x6e, 0x63, 0x68]);

/** Pointer to the input region (INPUT_CAP bytes) where JS writes the message. */
export function sip_input_ptr(): usize {
  return INPUT;
}
export function sip_input_cap(): u32 {
  return INPUT_CAP;
}
/** Pointer to the first token-table slot (u32s). */
export function sip_tokens_ptr(): usize {
  return TOKENS;
}
/** Number of token-table slots in the ring. */
export function sip_token_slots(): u32 {
  return SLOTS;
}
/** Size of one token-table slot in bytes. */
export function sip_token_slot_bytes(): u32 {
  return SLOT_BYTES;
}
export function sip_headers_cap(): u32 {
  return HEADERS_CAP;
}

/**
 * Tokenizes the message of `len` bytes at INPUT. Returns the number of header fields, or a negative
 * error code with the byte offset in the token table's error slot.
 */
export function sip_tokenize(len: u32, maxHeaders: u32, maxHeaderLen: u32, slot: u32): i32 {
  tbase = TOKENS + <usize>(slot % SLOTS) * SLOT_BYTES;
  if (len > INPUT_CAP) return fail(ERR_MESSAGE_TOO_LARGE, INPUT);
  if (maxHeaders > HEADERS_CAP) maxHeaders = HEADERS_CAP;
  const end = INPUT + <usize>len;
  let p = INPUT;
  high = 0;
  for (let i: u32 = 0; i < T_FIRST_IDS; i++) tset(T_FIRST + i, 0);
  tset(T_FLAGS, 0);
  tset(T_STATUS, 0);
  // RFC 3261 §7.5: CRLF before the start-line is ignored.
  while (p < end && (at(p) == CR || at(p) == LF)) p++;
  if (p >= end) return fail(ERR_EMPTY, p);

  let q = findControl(p, end);
  if (q >= end) return fail(ERR_INCOMPLETE, end);
  let c = at(q);
  let next: usize;
  let bareLf: u32 = 0;
  if (c == LF) {
    next = q + 1;
    bareLf = F_BARE_LF;
  } else if (c == CR && q + 1 < end && at(q + 1) == LF) next = q + 2;
  else if (c == CR && q + 1 >= end) return fail(ERR_INCOMPLETE, end);
  else return fail(ERR_BAD_START_LINE, q);
  const sl = startLine(p, q);
  if (sl < 0) return sl;

  let count: u32 = 0;
  let clen: i64 = -1;
  let entry = T_FIXED;
  while (true) {
    p = next;
    if (p >= end) return fail(ERR_INCOMPLETE, end);
    c = at(p);
    if (c == CR || c == LF) {
      // The empty line ending the header section.
      if (c == CR) {
        if (p + 1 >= end) return fail(ERR_INCOMPLETE, end);
        if (at(p + 1) != LF) return fail(ERR_BAD_HEADER, p);
        next = p + 2;
      } else {
        next = p + 1;
        bareLf = F_BARE_LF;
      }
      break;
    }
    // header-name HCOLON: a token, optional WSP, ":".
    const ns = p;
    let h: u32 = 0;
    while (p < end) {
      const t = at(p);
      if (!isToken(t)) break;
      h = hashStep(h, t);
      p++;
    }
    const ne = p;
    if (ne == ns) return fail(ERR_BAD_HEADER, ns);
    while (p < end && isWsp(at(p))) p++;
    if (p >= end) return fail(ERR_INCOMPLETE, end);
    if (at(p) != 0x3a) return fail(ERR_BAD_HEADER, p);
    p++;
    const vs0 = p;
    // The value runs to the end of the line and over folded continuation lines (§7.3.1).
    let folded: u32 = 0;
    let le: usize;
    while (true) {
      q = findControl(p, end);
      if (q >= end) return fail(ERR_INCOMPLETE, end);
      c = at(q);
      le = q;
      if (c == LF) {
        next = q + 1;
        bareLf = F_BARE_LF;
      }
      else if (c == CR) {
        if (q + 1 >= end) return fail(ERR_INCOMPLETE, end);
        if (at(q + 1) != LF) return fail(ERR_BAD_HEADER, q);
        next = q + 2;
      } else if (q > vs0 && at(q - 1) == 0x5c) {
        // A control character after a backslash is a quoted-pair (RFC 3261 §25.1; RFC 4475 §3.1.1.2).
        p = q + 1;
        continue;
      } else return fail(ERR_BAD_HEADER, q);
      if (next < end && isWsp(at(next))) {
        folded = 1;
        p = next;
        continue;
      }
      break;
    }
    if (<u32>(le - ns) > maxHeaderLen) return fail(ERR_HEADER_TOO_LONG, ns);
    if (count >= maxHeaders) return fail(ERR_TOO_MANY_HEADERS, ns);
    let vs = vs0;
    while (vs < le && (isWsp(at(vs)) || at(vs) == CR || at(vs) == LF)) vs++;
    let ve = le;
    while (ve > vs && (isWsp(at(ve - 1)) || at(ve - 1) == CR || at(ve - 1) == LF)) ve--;
    const id = lookupHeader(ns, <u32>(ne - ns), h);
    if (id - 1 < T_FIRST_IDS && load<u32>(tbase + ((T_FIRST + id - 1) << 2)) == 0) tset(T_FIRST + id - 1, entry);
    tset(entry + E_ID, id);
    tset(entry + E_NAME_OFF, <u32>(ns - INPUT));
    tset(entry + E_NAME_LEN, <u32>(ne - ns));
    tset(entry + E_VALUE_OFF, <u32>(vs - INPUT));
    tset(entry + E_VALUE_LEN, <u32>(ve - vs));
    tset(entry + E_FLAGS, folded);
    tset(entry + E_AUX_OFF, 0);
    tset(entry + E_AUX_LEN, 0);
    if (id == HDR_FROM || id == HDR_TO) findParam(vs, ve, TAG, 3, entry);
    else if (id == HDR_VIA) findParam(vs, ve, BRANCH, 6, entry);
    else if (id == HDR_CSEQ) cseqAux(vs, ve, entry);
    else if (id == HDR_CONTENT_LENGTH) {
      // Content-Length = 1*DIGIT (§20.14); negative or overlarge values are errors (RFC 4475 §3.1.2.3).
      if (ve == vs) return fail(ERR_BAD_CONTENT_LENGTH, vs);
      let n: i64 = 0;
      for (let w = vs; w < ve; w++) {
        const d = at(w) - 0x30;
        if (d >= 10) return fail(ERR_BAD_CONTENT_LENGTH, w);
        n = n * 10 + <i64>d;
        if (n > 0x7fffffff) return fail(ERR_BAD_CONTENT_LENGTH, vs);
      }
      if (clen >= 0 && clen != n) return fail(ERR_BAD_CONTENT_LENGTH, vs);
      clen = n;
    }
    entry += T_ENTRY;
    count++;
  }

  // The body: Content-Length bytes, or the rest of the datagram when the header is absent (§18.3).
  const bodyOff = next;
  const avail = <i64>(end - bodyOff);
  let blen = avail;
  if (clen >= 0) {
    if (clen > avail) return fail(ERR_BODY_TRUNCATED, bodyOff);
    blen = clen;
    tset(T_FLAGS, F_CONTENT_LENGTH);
  }
  tset(T_FLAGS, load<u32>(tbase + (T_FLAGS << 2)) | (high != 0 ? F_NON_ASCII : 0) | bareLf);
  tset(T_CLEN, clen >= 0 ? <u32>clen : 0xffffffff);
  tset(T_COUNT, count);
  tset(T_BODY_OFF, <u32>(bodyOff - INPUT));
  tset(T_BODY_LEN, <u32>blen);
  tset(T_ERR_OFF, 0);
  return <i32>count;
}
