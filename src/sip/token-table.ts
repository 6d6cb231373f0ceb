/**
 * The token table of a parsed message: the Wasm tokenizer (assembly/sip/tokenizer.ts) writes the
 * offsets of the start line, every header field's name and value, and a few values it reads on the
 * way (From/To tag, top Via branch, CSeq number); a message decodes a header only when it is asked
 * for, by reading this table. The layout (T_*, E_*, F_*) is assembly/sip/abi.json. Internal to src/sip.
 *
 * Tables stay in Wasm memory, in a ring of slots: a message reads its table in place while its slot
 * still holds it (checked by generation), and copies it into a plain array only if it is still in
 * use when the ring comes round. Parsing copies nothing.
 */
import { parseFailure } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";
import { wasmCore } from "../wasm/index.ts";
import {
  E_AUX_LEN,
  E_AUX_OFF,
  E_FLAGS,
  E_ID,
  E_NAME_LEN,
  E_NAME_OFF,
  E_VALUE_LEN,
  E_VALUE_OFF,
  F_BARE_LF,
  F_CONTENT_LENGTH,
  F_NON_ASCII,
  SIP_ERROR_BY_NUMBER,
  T_A_LEN,
  T_A_OFF,
  T_B_LEN,
  T_B_OFF,
  T_BODY_LEN,
  T_BODY_OFF,
  T_C_LEN,
  T_C_OFF,
  T_COUNT,
  T_ENTRY,
  T_ERR_OFF,
  T_FIRST,
  T_FIRST_IDS,
  T_FIXED,
  T_FLAGS,
  T_KIND,
  T_STATUS,
} from "./abi.generated.ts";
import type { SipErrorCode } from "./errors.ts";
import type { Field } from "./fields.ts";
import { unfold } from "./header-scan.ts";
import { allocBytes } from "./pool.ts";
import type { SipLimits } from "./types.ts";

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

let nextSlot = 0;
let generation = 0;
const slotGen: number[] = [];

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
// ignoreBOM: a value may begin with U+FEFF (RFC 4475 §3.1.1.2), which must be kept.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The failure value for a (positive) tokenizer error integer. */
function tokenizerFailure(code: number, offset: number): ParseFailure<SipErrorCode> {
  return parseFailure(SIP_ERROR_BY_NUMBER[code] ?? "BAD_START_LINE", offset);
}

/**
 * Tokenizes one whole message (a datagram, or a message cut from a stream by the framer): its token
 * table, holding the message bytes (the caller's array when `data` is bytes: no copy), or a failure
 * value with the tokenizer's code and byte offset.
 */
export function tokenize(data: Uint8Array | string, limits: SipLimits): TokenTable | ParseFailure<SipErrorCode> {
  const b = getBridge();
  const cap = Math.min(limits.maxMessageSize, b.input.length);
  let src: Uint8Array;
  let len: number;
  let text: string | null = null;
  if (typeof data === "string") {
    if (data.length > cap) return parseFailure("MESSAGE_TOO_LARGE", 0);
    const r = encoder.encodeInto(data, b.input);
    if (r.read < data.length || r.written > cap) return parseFailure("MESSAGE_TOO_LARGE", 0);
    len = r.written;
    src = allocBytes(len);
    src.set(b.input.subarray(0, len));
    if (len === data.length) text = data;
  } else {
    len = data.length;
    if (len > cap) return parseFailure("MESSAGE_TOO_LARGE", 0);
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
    return tokenizerFailure(-n, b.u32[base + T_ERR_OFF]!);
  }
  return new TokenTable(src, b.u32, base, slot, gen, text);
}

/**
 * Tokenizes bytes that parsed before into a private copy of the token table (a plain array: a typed
 * array this small costs more to allocate than to fill). Used when a message outlives its ring slot.
 */
function tokenizeCopy(src: Uint8Array): number[] {
  const t = tokenize(src, { maxMessageSize: src.length, maxHeaders: 1 << 20, maxHeaderLength: 1 << 30 });
  if (!(t instanceof TokenTable)) throw new Error("siphon: a parsed message no longer tokenizes");
  const size = T_FIXED + t.tok[t.base + T_COUNT]! * T_ENTRY;
  const out: number[] = new Array(size);
  for (let i = 0; i < size; i++) out[i] = t.tok[t.base + i]!;
  slotGen[t.slot] = 0;
  return out;
}

/** One message's token table and bytes, read in place. Entry indexes `e` point into {@link table}. */
export class TokenTable {
  /** The message bytes. */
  readonly src: Uint8Array;
  /** The table: Wasm memory (this message's ring slot at `base`), or a private copy (`base` 0). */
  tok: ArrayLike<number>;
  base: number;
  readonly slot: number;
  /** Generation of the ring slot's content; 0 for a private copy. */
  gen: number;
  /** The message has only ASCII bytes: byte offsets are character offsets. */
  readonly ascii: boolean;
  /** Content-Length was present, so the parsed bytes are the exact serialization. */
  readonly exact: boolean;
  /** Every line ended in CRLF: untouched lines can be copied verbatim when serializing. */
  readonly crlf: boolean;
  /**
   * For ASCII messages, the text of the message (at least its header section), decoded once: every
   * value is then a cheap substring of it. Given when the message was parsed from such a string.
   */
  head: string | null;

  constructor(src: Uint8Array, tok: ArrayLike<number>, base: number, slot: number, gen: number, text: string | null) {
    this.src = src;
    this.tok = tok;
    this.base = base;
    this.slot = slot;
    this.gen = gen;
    const flags = tok[base + T_FLAGS]!;
    this.ascii = (flags & F_NON_ASCII) === 0;
    this.exact = (flags & F_CONTENT_LENGTH) !== 0;
    this.crlf = (flags & F_BARE_LF) === 0;
    this.head = text;
  }

  /** The table, copied out of the Wasm ring first if this message's slot has been reused. */
  table(): ArrayLike<number> {
    if (this.gen !== 0 && slotGen[this.slot] !== this.gen) {
      this.tok = tokenizeCopy(this.src);
      this.base = 0;
      this.gen = 0;
    }
    return this.tok;
  }

  /** Slot `i` of the fixed part. */
  at(i: number): number {
    return this.table()[this.base + i]!;
  }

  /** Whether this is a request (else a response). */
  get isRequest(): boolean {
    return this.at(T_KIND) === 1;
  }

  /** The body: a view of the message bytes. */
  body(): Uint8Array {
    const len = this.at(T_BODY_LEN);
    if (len === 0) return EMPTY;
    const off = this.at(T_BODY_OFF);
    return this.src.subarray(off, off + len);
  }

  /** Text of bytes [off, off+len) of the message. */
  slice(off: number, len: number): string {
    if (len === 0) return "";
    if (this.ascii) {
      const head = (this.head ??= utf8.decode(this.src.subarray(0, this.at(T_BODY_OFF))));
      return head.substring(off, off + len);
    }
    return utf8.decode(this.src.subarray(off, off + len));
  }

  /** The method (request) or version (response). */
  partA(): string {
    return this.slice(this.at(T_A_OFF), this.at(T_A_LEN));
  }

  /** The Request-URI (request) or status digits (response). */
  partB(): string {
    return this.slice(this.at(T_B_OFF), this.at(T_B_LEN));
  }

  /** The version (request) or reason phrase (response). */
  partC(): string {
    return this.slice(this.at(T_C_OFF), this.at(T_C_LEN));
  }

  /** Status code of a response. */
  status(): number {
    return this.at(T_STATUS);
  }

  /** Decoded value of entry `e` (folding replaced by one space, RFC 3261 §7.3.1). */
  value(e: number): string {
    const tok = this.table();
    const s = this.slice(tok[e + E_VALUE_OFF]!, tok[e + E_VALUE_LEN]!);
    return tok[e + E_FLAGS]! & 1 ? unfold(s) : s;
  }

  /** Decoded name of entry `e`. */
  name(e: number): string {
    const tok = this.table();
    return this.slice(tok[e + E_NAME_OFF]!, tok[e + E_NAME_LEN]!);
  }

  /** Entry of the first header with id `id` (or, for id 0, lower-cased name `lname`), or -1. */
  find(id: number, lname: string): number {
    const tok = this.table();
    const tb = this.base;
    if (id !== 0 && id <= T_FIRST_IDS) {
      const e = tok[tb + T_FIRST + id - 1]!;
      return e === 0 ? -1 : tb + e;
    }
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
      if (tok[e + E_ID] === id && (id !== 0 || this.name(e).toLowerCase() === lname)) return e;
    }
    return -1;
  }

  /** Values of every header with that id (or unknown name), appended to `out`. */
  values(id: number, lname: string, out: string[]): string[] {
    const tok = this.table();
    const tb = this.base;
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
      if (tok[e + E_ID] === id && (id !== 0 || this.name(e).toLowerCase() === lname)) out.push(this.value(e));
    }
    return out;
  }

  /** How many headers have id `id` (a known header). */
  count(id: number): number {
    const tok = this.table();
    const tb = this.base;
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    let n = 0;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) if (tok[e + E_ID] === id) n++;
    return n;
  }

  /** How many headers have each id of `ids` (known headers), into `out` (same order), in one pass. */
  countEach(ids: readonly number[], out: number[]): void {
    const tok = this.table();
    const tb = this.base;
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    for (let k = 0; k < ids.length; k++) out[k] = 0;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
      const id = tok[e + E_ID]!;
      for (let k = 0; k < ids.length; k++) if (ids[k] === id) out[k]!++;
    }
  }

  /** The tag / branch parameter the tokenizer located in the first field with that id. */
  param(id: number): string | undefined {
    const e = this.find(id, "");
    if (e < 0) return undefined;
    const tok = this.table();
    const len = tok[e + E_AUX_LEN]!;
    return len === 0 ? undefined : this.slice(tok[e + E_AUX_OFF]!, len);
  }

  /** CSeq number and method as the tokenizer read them, or undefined when the value is not well formed. */
  cseq(id: number): { seq: number; method: string } | undefined {
    const e = this.find(id, "");
    if (e < 0) return undefined;
    const tok = this.table();
    const m = tok[e + E_AUX_LEN]!;
    if (m === 0) return undefined;
    const end = tok[e + E_VALUE_OFF]! + tok[e + E_VALUE_LEN]!;
    return { seq: tok[e + E_AUX_OFF]!, method: this.slice(m, end - m) };
  }

  /** Every header field in order, with the raw line ranges serialization copies untouched lines from. */
  fields(): Field[] {
    const tok = this.table();
    const tb = this.base;
    const fields: Field[] = [];
    const end = tb + T_FIXED + tok[tb + T_COUNT]! * T_ENTRY;
    // Line i runs from its name to the next line's name; the last to the empty line. Copying
    // lines verbatim is only right when every line ended in CRLF (bare LF is accepted on input).
    const verbatim = this.ascii && this.crlf;
    const headEnd = tok[tb + T_BODY_OFF]! - 2;
    for (let e = tb + T_FIXED; e < end; e += T_ENTRY) {
      const raw = verbatim ? tok[e + E_NAME_OFF]! : -1;
      const rawEnd = verbatim ? (e + T_ENTRY < end ? tok[e + T_ENTRY + E_NAME_OFF]! : headEnd) : -1;
      fields.push({ id: tok[e + E_ID]!, name: this.name(e), value: this.value(e), raw, rawEnd });
    }
    return fields;
  }

  /** Byte range of the whole message in `src`: [start line, end of body). */
  range(): [number, number] {
    // The start line is the first thing after any leading CRLFs; the end is the end of the body.
    return [this.at(T_A_OFF), this.at(T_BODY_OFF) + this.at(T_BODY_LEN)];
  }
}
