// Known SIP header names and their compact forms (RFC 3261 §7.3.3, §20; RFC 3515, 3892, 4028, 3841, 6665,
// 8224). The id list is mirrored by src/sip/header-names.ts: keep both in step.

/** Lower-cased full names, index = header id (0 = unknown). */
const NAMES: string[] = [
  "", "via", "from", "to", "call-id", "cseq", "contact", "max-forwards", "route", "record-route",
  "content-type", "content-length", "expires", "allow", "supported", "require", "unsupported",
  "proxy-require", "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate",
  "rseq", "rack", "event", "subscription-state", "refer-to", "referred-by", "replaces",
  "session-expires", "min-se", "content-encoding", "subject", "allow-events", "accept", "user-agent",
  "server", "date", "min-expires", "retry-after", "timestamp", "warning", "accept-contact",
  "reject-contact", "request-disposition", "identity", "identity-info", "accept-encoding",
  "accept-language", "content-disposition", "organization", "priority", "reply-to", "path",
  "service-route", "p-asserted-identity", "privacy", "call-info", "alert-info", "error-info",
  "in-reply-to", "mime-version", "content-language",
];

// Compact forms: letter -> header id.
const COMPACT_LETTERS = "vfticmlskeorbuxajdyn";
const COMPACT_IDS: u8[] = [1, 2, 3, 4, 10, 6, 11, 32, 14, 31, 24, 26, 27, 33, 29, 42, 43, 44, 45, 46];

export const HDR_VIA: u32 = 1;
export const HDR_FROM: u32 = 2;
export const HDR_TO: u32 = 3;
export const HDR_CALL_ID: u32 = 4;
export const HDR_CSEQ: u32 = 5;
export const HDR_CONTENT_LENGTH: u32 = 11;

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
  for (let id = 1; id < NAMES.length; id++) {
    const name = NAMES[id];
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
