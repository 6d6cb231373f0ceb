import { wasmCore } from "../wasm/index.ts";
import { SIP_ERROR_CODES, SipParseError } from "./errors.ts";
import { allocBytes } from "./pool.ts";
import type { SipLimits } from "./types.ts";

/**
 * Token table layout written by assembly/sip/tokenizer.ts: a fixed part, then one entry of
 * `T_ENTRY` u32 slots per header field. Offsets are byte offsets into the message.
 */
export const T_KIND = 0; //     1 request, 2 response
export const T_A_OFF = 1; //    method | version
export const T_A_LEN = 2;
export const T_B_OFF = 3; //    Request-URI | status digits
export const T_B_LEN = 4;
export const T_C_OFF = 5; //    version | reason phrase
export const T_C_LEN = 6;
export const T_STATUS = 7;
export const T_COUNT = 8;
export const T_BODY_OFF = 9;
export const T_BODY_LEN = 10;
export const T_ERR_OFF = 11;
export const T_FLAGS = 12; //   bit 0: non-ASCII bytes present; bit 1: Content-Length present; bit 2: bare-LF line end
export const T_CLEN = 13;
/** Slots T_FIRST + id - 1 (ids 1..8: Via, From, To, Call-ID, CSeq, Contact, Max-Forwards, Route) hold the
 * index of that header's first entry, 0 when absent. */
export const T_FIRST = 16;
export const T_FIRST_IDS = 8;
export const T_FIXED = 24;
export const T_ENTRY = 8; //    id, name off, name len, value off, value len, flags (1 = folded), aux off, aux len

const ERROR_TEXT: Record<string, string> = {
  EMPTY: "empty message",
  INCOMPLETE: "the header section does not end with an empty line",
  BAD_START_LINE: "malformed start line",
  BAD_METHOD: "the method is not a token",
  BAD_REQUEST_URI: "malformed Request-URI",
  BAD_VERSION: "unsupported SIP version (SIP/2.0 expected)",
  BAD_STATUS: "malformed status code",
  BAD_HEADER: "malformed header line",
  HEADER_TOO_LONG: "header field longer than the limit",
  TOO_MANY_HEADERS: "more header fields than the limit",
  MESSAGE_TOO_LARGE: "message larger than the limit",
  BAD_CONTENT_LENGTH: "malformed Content-Length",
  MISSING_CONTENT_LENGTH: "no Content-Length on a stream transport",
  BODY_TRUNCATED: "fewer body bytes than Content-Length",
};

interface Bridge {
  input: Uint8Array;
  u32: Uint32Array;
  tokBase: number;
  slotU32: number;
  slots: number;
  tokenize(len: number, maxHeaders: number, maxHeaderLen: number, slot: number): number;
}

let bridge: Bridge | undefined;

function getBridge(): Bridge {
  if (bridge) return bridge;
  const core = wasmCore();
  const ex = core.exports;
  const ptr = ex.sip_input_ptr();
  bridge = {
    input: core.u8.subarray(ptr, ptr + ex.sip_input_cap()),
    u32: core.u32,
    tokBase: ex.sip_tokens_ptr() >>> 2,
    slotU32: ex.sip_token_slot_bytes() >>> 2,
    slots: ex.sip_token_slots(),
    tokenize: ex.sip_tokenize,
  };
  return bridge;
}

/*
 * Token tables stay in Wasm memory, in a ring of slots: a message reads its table in place while its
 * slot still holds it (checked by generation), and copies it into a plain array only if it is still
 * in use when the ring comes round (see SipMessage._t). Parsing copies nothing.
 */
let nextSlot = 0;
let generation = 0;
const slotGen: number[] = [];

/** Whether ring slot `slot` still holds the table of generation `gen`. */
export function slotValid(slot: number, gen: number): boolean {
  return slotGen[slot] === gen;
}

const encoder = new TextEncoder();

/** Creates the typed error for a tokenizer error code. */
export function tokenizerError(code: number, offset: number): SipParseError {
  const name = SIP_ERROR_CODES[code] ?? "BAD_START_LINE";
  return new SipParseError(name, `${ERROR_TEXT[name] ?? name} at byte ${offset}`, offset);
}

/** Result of tokenizing: the message bytes and where its token table is. */
export interface Tokens {
  src: Uint8Array;
  /** The token table: Wasm memory (ring slot at `base`), or a private copy (`base` 0). */
  tok: ArrayLike<number>;
  base: number;
  slot: number;
  /** Generation of the ring slot's content; 0 for a private copy. */
  gen: number;
  /** The input string when it was a string of ASCII characters only (offsets are then indexes). */
  text: string | null;
}

/**
 * Tokenizes one whole message (a datagram, or a message cut from a stream by the framer). Returns
 * the message bytes (the caller's array when `data` is bytes: no copy) and the token table, or a
 * SipParseError.
 */
export function tokenize(data: Uint8Array | string, limits: SipLimits): Tokens | SipParseError {
  const b = getBridge();
  const cap = Math.min(limits.maxMessageSize, b.input.length);
  let src: Uint8Array;
  let len: number;
  let text: string | null = null;
  if (typeof data === "string") {
    if (data.length > cap) return tokenizerError(11, 0);
    const r = encoder.encodeInto(data, b.input);
    if (r.read < data.length || r.written > cap) return tokenizerError(11, 0);
    len = r.written;
    src = allocBytes(len);
    src.set(b.input.subarray(0, len));
    if (len === data.length) text = data;
  } else {
    len = data.length;
    if (len > cap) return tokenizerError(11, 0);
    b.input.set(data);
    src = data;
  }
  const slot = nextSlot;
  nextSlot = slot + 1 === b.slots ? 0 : slot + 1;
  const gen = ++generation;
  slotGen[slot] = gen;
  const n = b.tokenize(len, limits.maxHeaders, limits.maxHeaderLength, slot);
  const base = b.tokBase + slot * b.slotU32;
  if (n < 0) {
    slotGen[slot] = 0;
    return tokenizerError(-n, b.u32[base + T_ERR_OFF]!);
  }
  return { src, tok: b.u32, base, slot, gen, text };
}

/**
 * Tokenizes bytes that parsed before into a private copy of the token table (a plain array: a typed
 * array this small costs more to allocate than to fill). Used when a message outlives its ring slot.
 */
export function tokenizeCopy(src: Uint8Array): number[] {
  const t = tokenize(src, { maxMessageSize: src.length, maxHeaders: 1 << 20, maxHeaderLength: 1 << 30 });
  if (!("tok" in t)) throw new Error("siphon: a parsed message no longer tokenizes");
  const size = T_FIXED + t.tok[t.base + T_COUNT]! * T_ENTRY;
  const out: number[] = new Array(size);
  for (let i = 0; i < size; i++) out[i] = t.tok[t.base + i]!;
  slotGen[t.slot] = 0;
  return out;
}
