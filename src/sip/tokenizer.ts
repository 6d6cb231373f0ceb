import { wasmCore } from "../wasm/index.ts";
import { SIP_ERROR_BY_NUMBER, SIP_ERROR_TEXT, T_COUNT, T_ENTRY, T_ERR_OFF, T_FIXED } from "./abi.generated.ts";
import { SipParseError } from "./errors.ts";
import { allocBytes } from "./pool.ts";
import type { SipLimits } from "./types.ts";

// The token-table layout (T_*, E_*, F_*) and the error integers are assembly/sip/abi.json.

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
  const name = SIP_ERROR_BY_NUMBER[code] ?? "BAD_START_LINE";
  return new SipParseError(name, `${SIP_ERROR_TEXT[name]} at byte ${offset}`, offset);
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
