// Header-name lookup for the tokenizer: case-insensitive, compact forms resolved (RFC 3261 §7.3.1,
// §7.3.3). The names and ids come from assembly/sip/abi.json (abi.generated.ts), shared with src/sip.
import { COMPACT_IDS, COMPACT_LETTERS, HEADER_NAMES_LOWER } from "./abi.generated";

const SLOTS: u32 = 1024;
// Open-addressing table: slot -> header id (u8), 0 = empty.
const TABLE = memory.data(SLOTS);
// Lower-cased name bytes, 32 bytes per id.
const NAME_BYTES = memory.data(128 * 32);
const NAME_LEN = memory.data(128);
// Letter (lower-cased byte) -> id for compact forms.
const COMPACT = memory.data(256);

/** One step of the case-insensitive name hash (the tokenizer runs it while scanning the name). */
@inline export function hashStep(h: u32, b: u32): u32 {
  return (h * 31 + (b | 0x20)) & 0xffff;
}

/** Builds the lookup tables; called once from the module start. */
export function initHeaderTable(): void {
  for (let id = 1; id < HEADER_NAMES_LOWER.length; id++) {
    const name = HEADER_NAMES_LOWER[id];
    const n = name.length;
    let h: u32 = 0;
    for (let i = 0; i < n; i++) {
      const b = <u32>name.charCodeAt(i);
      store<u8>(NAME_BYTES + (<usize>id << 5) + i, <u8>b);
      h = hashStep(h, b);
    }
    store<u8>(NAME_LEN + id, <u8>n);
    let slot = (h ^ <u32>n) & (SLOTS - 1);
    while (load<u8>(TABLE + slot) != 0) slot = (slot + 1) & (SLOTS - 1);
    store<u8>(TABLE + slot, <u8>id);
  }
  for (let i = 0; i < COMPACT_LETTERS.length; i++) {
    store<u8>(COMPACT + <usize>COMPACT_LETTERS.charCodeAt(i), COMPACT_IDS[i]);
  }
}

/**
 * Header id of the name at [p, p+n) whose hashStep accumulation (from 0) is `h`: case-insensitive,
 * compact forms resolved; 0 when unknown.
 */
export function lookupHeader(p: usize, n: u32, h: u32): u32 {
  if (n == 1) return <u32>load<u8>(COMPACT + (<usize>load<u8>(p) | 0x20));
  if (n > 31) return 0;
  let slot = (h ^ n) & (SLOTS - 1);
  while (true) {
    const id = <u32>load<u8>(TABLE + slot);
    if (id == 0) return 0;
    if (<u32>load<u8>(NAME_LEN + id) == n) {
      const q = NAME_BYTES + (<usize>id << 5);
      let i: u32 = 0;
      while (i < n && (<u32>load<u8>(p + i) | 0x20) == <u32>load<u8>(q + i)) i++;
      if (i == n) return id;
    }
    slot = (slot + 1) & (SLOTS - 1);
  }
}
