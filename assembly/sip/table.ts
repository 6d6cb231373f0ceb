// The token-table slot being written by sip_tokenize, and how the scanners write into it. The layout
// (T_*, E_*) is assembly/sip/abi.json.
import { INPUT, SLOT_BYTES, SLOTS, T_ERR_OFF, TOKENS } from "./layout";

/** Base of the slot being written. */
let tbase: usize = TOKENS;

/** Selects ring slot `slot` for the message about to be tokenized. */
export function setSlot(slot: u32): void {
  tbase = TOKENS + <usize>(slot % SLOTS) * SLOT_BYTES;
}

/** Writes u32 slot `i` of the table. */
@inline export function tset(i: u32, v: u32): void {
  store<u32>(tbase + (<usize>i << 2), v);
}

/** Reads u32 slot `i` of the table. */
@inline export function tget(i: u32): u32 {
  return load<u32>(tbase + (<usize>i << 2));
}

/** Records the offset of the problem and returns the (negative) error code. */
export function fail(code: i32, p: usize): i32 {
  tset(T_ERR_OFF, <u32>(p - INPUT));
  return code;
}
