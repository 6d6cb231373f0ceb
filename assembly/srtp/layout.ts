// Static memory of the SRTP core. Every region is reserved once at build time (memory.data), so the
// module never allocates and the JS views over linear memory stay valid.

/** Error codes crossing the Wasm boundary (mirrored in src/srtp/error-codes.ts). */
export const ERR_SHORT: i32 = -1; // packet shorter than its headers and tag claim
export const ERR_VERSION: i32 = -2; // RTP/RTCP version field is not 2
export const ERR_AUTH: i32 = -3; // authentication tag mismatch
export const ERR_TOO_LONG: i32 = -4; // packet larger than MAX_PACKET
export const ERR_PROFILE: i32 = -5; // unknown protection profile id
export const ERR_KEY: i32 = -6; // key length is neither 16 nor 32

/** Largest packet (before protection) handled in one piece. */
export const MAX_PACKET: i32 = 65536;

// One direction's session state (SRTP or SRTCP): keys already expanded for the hot path.
export const D_RK: usize = 0; // AES round keys, 60 u32 words (big-endian word values)
export const D_NR: usize = 240; // AES rounds (10 or 14)
export const D_SALT: usize = 256; // session salt as 4 u32 word values (bytes 14..15 / 12..15 zero)
export const D_IPAD: usize = 272; // HMAC-SHA1 state after the key^ipad block, 5 words
export const D_OPAD: usize = 292; // HMAC-SHA1 state after the key^opad block, 5 words
export const D_KEY: usize = 320; // raw session encryption key (32 bytes)
export const D_AUTH: usize = 352; // raw session authentication key (20 bytes)
export const DIR_SIZE: usize = 384;

// A slot: profile parameters, the SRTP and SRTCP directions, then (GCM profiles only) the two GHASH
// tables. AES-CM contexts use only the first SLOT_CM_SIZE bytes, so only those are copied when a
// context is reloaded into a slot.
export const S_PROFILE: usize = 0;
export const S_KEYLEN: usize = 4;
export const S_SALTLEN: usize = 8;
export const S_RTPTAG: usize = 12;
export const S_RTCPTAG: usize = 16;
export const S_GCM: usize = 20;
export const S_RTP: usize = 64;
export const S_RTCP: usize = 64 + DIR_SIZE;
export const SLOT_CM_SIZE: usize = 64 + 2 * DIR_SIZE;
/** GHASH 8-bit table: 256 entries of (high, low) u64 = H times the entry's byte. */
export const GHASH_TABLE_SIZE: usize = 256 * 16;
export const S_GHASH_RTP: usize = SLOT_CM_SIZE;
export const S_GHASH_RTCP: usize = SLOT_CM_SIZE + GHASH_TABLE_SIZE;
export const SLOT_SIZE: usize = SLOT_CM_SIZE + 2 * GHASH_TABLE_SIZE;
export const SLOT_COUNT: i32 = 64;

export const SLOTS: usize = memory.data(<i32>SLOT_SIZE * SLOT_COUNT, 16);
/** Packets in and out (one packet, or a batch packed at 8-byte offsets). */
export const IO_SIZE: i32 = MAX_PACKET + 1024;
export const IO: usize = memory.data(IO_SIZE, 16);
/** Counter blocks written for a native block cipher, which turns them into keystream in place. */
export const KS_SIZE: i32 = MAX_PACKET + 1024;
export const KS: usize = memory.data(KS_SIZE, 16);
/** Batch descriptors: [ptr, len, arg (ROC or SRTCP index), result] as u32/i32. */
export const DESC_COUNT: i32 = 512;
export const DESC: usize = memory.data(DESC_COUNT * 16, 16);
/** Key material in/out for key derivation and slot setup (see srtp_setup). */
export const KEYS: usize = memory.data(512, 16);
/** Scratch: hash tails, saved tags, GHASH partial blocks. */
export const TMP: usize = memory.data(512, 16);
