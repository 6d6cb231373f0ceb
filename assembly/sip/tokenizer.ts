// SIP message tokenizer (RFC 3261 §7, §25.1) over linear memory. JS copies a message into INPUT and calls
// sip_tokenize; the result is a table of offsets in TOKENS that JS decodes lazily. Nothing is allocated.
// The start line is read in start-line.ts, tag/branch/CSeq values in header-aux.ts, bytes scanned with
// bytes.ts; the table layout and error codes are assembly/sip/abi.json.
import { at, CR, findControl, initClasses, isToken, isWsp, LF, takeNonAscii } from "./bytes";
import { BRANCH, cseqAux, findParam, TAG } from "./header-aux";
import { hashStep, initHeaderTable, lookupHeader } from "./headers";
import {
  E_AUX_LEN, E_AUX_OFF, E_FLAGS, E_ID, E_NAME_LEN, E_NAME_OFF, E_VALUE_LEN, E_VALUE_OFF, ERR_BAD_CONTENT_LENGTH,
  ERR_BAD_HEADER, ERR_BAD_START_LINE, ERR_BODY_TRUNCATED, ERR_EMPTY, ERR_HEADER_TOO_LONG, ERR_INCOMPLETE,
  ERR_MESSAGE_TOO_LARGE, ERR_TOO_MANY_HEADERS, F_BARE_LF, F_CONTENT_LENGTH, F_NON_ASCII, HDR_CONTENT_LENGTH,
  HDR_CSEQ, HDR_FROM, HDR_TO, HDR_VIA, HEADERS_CAP, INPUT, INPUT_CAP, SLOT_BYTES, SLOTS, T_BODY_LEN, T_BODY_OFF,
  T_CLEN, T_COUNT, T_ENTRY, T_ERR_OFF, T_FIRST, T_FIRST_IDS, T_FIXED, T_FLAGS, T_STATUS, TOKENS,
} from "./layout";
import { startLine } from "./start-line";
import { fail, setSlot, tget, tset } from "./table";

initClasses();
initHeaderTable();

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
  setSlot(slot);
  if (len > INPUT_CAP) return fail(ERR_MESSAGE_TOO_LARGE, INPUT);
  if (maxHeaders > HEADERS_CAP) maxHeaders = HEADERS_CAP;
  const end = INPUT + <usize>len;
  let p = INPUT;
  takeNonAscii();
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
    if (id - 1 < T_FIRST_IDS && tget(T_FIRST + id - 1) == 0) tset(T_FIRST + id - 1, entry);
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
  tset(T_FLAGS, tget(T_FLAGS) | (takeNonAscii() ? F_NON_ASCII : 0) | bareLf);
  tset(T_CLEN, clen >= 0 ? <u32>clen : 0xffffffff);
  tset(T_COUNT, count);
  tset(T_BODY_OFF, <u32>(bodyOff - INPUT));
  tset(T_BODY_LEN, <u32>blen);
  tset(T_ERR_OFF, 0);
  return <i32>count;
}
