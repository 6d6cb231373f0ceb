// Static memory of the SRTP core. Every region is reserved once at build time (memory.data), so the
// module never allocates and the JS views over linear memory stay valid. Error codes, operations,
// descriptor and key-region layouts, the slot offsets the TS context reads, and profile ids come from
// assembly/srtp/abi.json (abi.generated.ts), shared with src/srtp.
import { DESC_WORDS, S_RTP } from "./abi.generated";

export * from "./abi.generated";

/** Largest packet (before protection) handled in one piece. */
export const MAX_PACKET: i32 = 65536;

// One direction's session state (SRTP or SRTCP): keys already expanded for the hot path.
export const D_RK: usize = 0; // AES round keys, 60 u32 words (big-endian word values)
export const D_NR: usize = 240; // AES rounds (10 or 14)
export const D_SALT: usize = 256; // session salt as 4 u32 word values (bytes 14..15 / 12..15 zero)
export const D_IPAD: usize = 272; // HMAC-SHA1 state after the key^ipad block, 5 words
export const D_OPAD: usize = 292; // HMAC-SHA1 state after the key^opad block, 5 words
// D_KEY (320): raw session encryption key (32 bytes), from abi.json
export const D_AUTH: usize = 352; // raw session authentication key (20 bytes)
export const DIR_SIZE: usize = 384;

// A slot: profile parameters (S_PROFILE..S_GCM, abi.json), the SRTP and SRTCP directions, then (GCM
// profiles only) the two GHASH tables. AES-CM contexts use only the first SLOT_CM_SIZE bytes, so only
// those are copied when a context is reloaded into a slot.
// S_RTP (64) and S_RTCP (S_RTP + DIR_SIZE) come from abi.json: the TS context reads keys there.
export const SLOT_CM_SIZE: usize = S_RTP + 2 * DIR_SIZE;
/** GHASH 8-bit table: 256 entries of (high, low) u64 = H times the entry's byte. */
export const GHASH_TABLE_SIZE: usize = 256 * 16;
export const S_GHASH_RTP: usize = SLOT_CM_SIZE;
export const S_GHASH_RTCP: usize = SLOT_CM_SIZE + GHASH_TABLE_SIZE;
export const SLOT_SIZE: usize = SLOT_CM_SIZE + 2 * GHASH_TABLE_SIZE;
export const SLOT_COUNT: i32 = 64;

export const SLOTS: usize = memory.data(<i32>SLOT_SIZE * SLOT_COUNT, 16);
/**
 * Slots for AES-CM contexts only (SLOT_CM_SIZE bytes each, no GHASH tables): enough that a media
 * server's SRTP sessions (two contexts each: 4 096 echoed streams, or 2 048 calls relayed between two
 * SRTP legs) stay resident instead of reloading their keys for every packet. 6.8 MB of the memory,
 * touched only as slots are used.
 */
export const CM_SLOT_COUNT: i32 = 8192;
export const CM_SLOTS: usize = memory.data(<i32>SLOT_CM_SIZE * CM_SLOT_COUNT, 16);
/** Packets in and out (one packet, or a batch packed at 8-byte offsets). */
export const IO_SIZE: i32 = MAX_PACKET + 1024;
export const IO: usize = memory.data(IO_SIZE, 16);
/** Counter blocks written for a native block cipher, which turns them into keystream in place. */
export const KS_SIZE: i32 = MAX_PACKET + 1024;
export const KS: usize = memory.data(KS_SIZE, 16);
/** Batch descriptors: [ptr, len, arg (ROC or SRTCP index), result] as u32/i32. */
export const DESC_COUNT: i32 = 512;
export const DESC: usize = memory.data(DESC_COUNT * <i32>DESC_WORDS * 4, 16);
/** Key material in/out for key derivation and slot setup (see srtp_setup). */
export const KEYS: usize = memory.data(512, 16);
/** Scratch: hash tails, saved tags, GHASH partial blocks. */
export const TMP: usize = memory.data(512, 16);
