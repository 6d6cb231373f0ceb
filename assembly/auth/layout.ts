// Static memory of the digest-authentication core. Every region is reserved once at build time
// (memory.data), so the module never allocates and the JS views over linear memory stay valid. The
// error code and the hash algorithm ids come from assembly/auth/abi.json (abi.generated.ts), shared
// with src/auth.
export * from "./abi.generated";

/**
 * Inputs, hex outputs and HMAC key states, placed by TS. Large enough for any digest input taken
 * from one SIP message (64 KiB by default) plus the padding written after it; longer inputs go
 * through auth_begin / auth_update / auth_end in pieces.
 */
export const IO_SIZE: i32 = 65536 + 1024;
export const IO: usize = memory.data(IO_SIZE, 16);

// Streaming state (auth_begin/auth_update/auth_end): algorithm, byte count, chaining value, and the
// bytes of an unfinished block.
export const S_ALG: usize = 0; // i32
export const S_FILL: usize = 4; // i32, bytes in S_TAIL
export const S_COUNT: usize = 8; // u64, bytes hashed so far
export const S_H: usize = 16; // chaining value, up to 64 bytes
export const S_TAIL: usize = 80; // up to one 128-byte block
export const S_BLOCK: usize = 208; // padding blocks, 256 bytes
export const STATE: usize = memory.data(464, 16);

/** Scratch for digests in byte order before hex encoding, and HMAC blocks. */
export const TMP: usize = memory.data(256, 16);

/** SHA-512 message schedule, 80 words. */
export const W512: usize = memory.data(640, 16);
