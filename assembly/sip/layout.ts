// Static memory of the SIP tokenizer, reserved once at build time (memory.data): the input region JS
// copies a message into, and the ring of token-table slots JS reads the results from. The error codes
// and the token-table layout come from assembly/sip/abi.json (abi.generated.ts), shared with src/sip.
import { T_ENTRY, T_FIXED } from "./abi.generated";

export * from "./abi.generated";

/** Largest message the tokenizer accepts (bytes). */
export const INPUT_CAP: u32 = 262144;
/** Most header fields the token table can hold. */
export const HEADERS_CAP: u32 = 1024;
/** Where JS writes the message; 32 bytes of slack keep a 16-byte vector load near the end inside. */
export const INPUT: usize = memory.data(INPUT_CAP + 32, 16);
/** Token tables are written into a ring of slots, so JS reads them in place instead of copying. */
export const SLOTS: u32 = 32;
/** Bytes per token-table slot. */
export const SLOT_BYTES: u32 = (T_FIXED + HEADERS_CAP * T_ENTRY) * 4;
/** The ring of token-table slots. */
export const TOKENS: usize = memory.data(SLOTS * SLOT_BYTES, 16);
