// rtp core: the per-packet RTP header parse/write of RFC 3550 §5.1 over linear memory.
//
// Every function takes a pointer and a length and returns a length or a negative error code; the
// codes and the record layouts come from assembly/rtp/abi.json (abi.generated.ts), shared with
// src/rtp. No allocation: the
// parsed fields go to a static record (RTP_FIELDS) that the TS side reads through the loader's u32
// view, and the batch paths write one fixed-size record per packet into a caller-given table.

import {
  ERR_BAD_PADDING, ERR_BAD_VERSION, ERR_CSRC_TRUNCATED, ERR_EXTENSION_TRUNCATED, ERR_TOO_LONG, ERR_TOO_SHORT,
  F_CSRCS, F_EXT_LENGTH, F_EXT_PROFILE, F_FIRST, F_HEADER_LENGTH, F_PADDING_LENGTH, F_PAYLOAD_LENGTH,
  F_SEQUENCE, F_SSRC, F_TIMESTAMP, F_WORDS, R_EXT, R_EXT_PROFILE, R_FIRST, R_PAYLOAD_LENGTH, R_SEQUENCE, R_SSRC,
  R_STATUS, R_TIMESTAMP, R_WORDS,
} from "./abi.generated";

/** Largest packet the scratch buffer holds: a UDP datagram can carry at most 65507 bytes. */
const PACKET_CAPACITY: i32 = 65536;
/** Packets the batch region holds, each in a slot of BATCH_SLOT bytes. */
const BATCH_SLOTS: i32 = 64;
const BATCH_SLOT: i32 = 2048;

// Scratch regions, fixed at build time (memory never grows).
const PACKET_BUF: usize = memory.data(PACKET_CAPACITY, 16);
// Field record, F_WORDS u32 words (layout F_* in abi.json).
const FIELDS: usize = memory.data(<i32>F_WORDS * 4, 16);
const BATCH_BUF: usize = memory.data(BATCH_SLOTS * BATCH_SLOT, 16);
// Batch descriptor table: per packet (offset, length) as two u32, relative to the region pointer.
const BATCH_DESC: usize = memory.data(BATCH_SLOTS * 8, 16);
const BATCH_OUT: usize = memory.data(BATCH_SLOTS * <i32>R_WORDS * 4, 16);

@inline function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

@inline function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

@inline function put32(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

/** Pointer to the single-packet scratch buffer (rtp_packet_capacity() bytes). */
export function rtp_packet_buf(): usize {
  return PACKET_BUF;
}

/** Capacity of the single-packet scratch buffer in bytes. */
export function rtp_packet_capacity(): i32 {
  return PACKET_CAPACITY;
}

/** Pointer to the field record written by rtp_parse and read by rtp_write. */
export function rtp_fields(): usize {
  return FIELDS;
}

/** Pointer to the batch packet region (rtp_batch_slots() slots of rtp_batch_slot_size() bytes). */
export function rtp_batch_buf(): usize {
  return BATCH_BUF;
}

/** Pointer to the default batch descriptor table: (offset, length) u32 pairs. */
export function rtp_batch_desc(): usize {
  return BATCH_DESC;
}

/** Pointer to the default batch result table (R_WORDS u32 per packet). */
export function rtp_batch_out(): usize {
  return BATCH_OUT;
}

export function rtp_batch_slots(): i32 {
  return BATCH_SLOTS;
}

export function rtp_batch_slot_size(): i32 {
  return BATCH_SLOT;
}

// The structural checks of RFC 3550 §5.1 / A.1 shared by both parse paths. Returns the header
// length (fixed part + CSRCs + extension) or a negative code; writes extension offset/length and the
// padding length into the given slots.
@inline function headerLength(p: usize, len: i32, extSlot: usize, padSlot: usize): i32 {
  if (len < 12) return ERR_TOO_SHORT;
  const b0 = <u32>load<u8>(p);
  // RFC 3550 §5.1: version (V): 2 bits, the version defined by this specification is two (2).
  if ((b0 >> 6) != 2) return ERR_BAD_VERSION;
  let hlen = 12 + <i32>(b0 & 0x0f) * 4;
  if (hlen > len) return ERR_CSRC_TRUNCATED;
  let extProfile: u32 = 0xffffffff;
  let extOff: i32 = 0;
  let extLen: i32 = 0;
  if (b0 & 0x10) {
    // §5.3.1: 16-bit profile field, 16-bit length in 32-bit words excluding the 4-byte header.
    if (hlen + 4 > len) return ERR_EXTENSION_TRUNCATED;
    const ep = p + <usize>hlen;
    extProfile = be16(ep);
    extLen = <i32>be16(ep + 2) * 4;
    extOff = hlen + 4;
    hlen = extOff + extLen;
    if (hlen > len) return ERR_EXTENSION_TRUNCATED;
  }
  let pad: i32 = 0;
  if (b0 & 0x20) {
    // §5.1: the last octet of the padding is a count of how many padding octets should be
    // ignored, including itself; A.1 rejects a count of zero or one larger than the payload.
    pad = <i32>load<u8>(p + <usize>(len - 1));
    if (pad == 0 || pad > len - hlen) return ERR_BAD_PADDING;
  }
  store<u32>(extSlot, extProfile);
  store<u32>(extSlot + 4, <u32>extOff);
  store<u32>(extSlot + 8, <u32>extLen);
  store<u32>(padSlot, <u32>pad);
  return hlen;
}

/**
 * Parses the RTP header of the packet at `ptr` (`len` bytes) into the field record
 * (rtp_fields()). Returns the header length (payload offset) or a negative error code.
 */
export function rtp_parse(ptr: usize, len: i32): i32 {
  const f = FIELDS;
  // headerLength fills the extension triple (F_EXT_PROFILE, F_EXT_OFFSET, F_EXT_LENGTH) in place.
  const hlen = headerLength(ptr, len, f + (F_EXT_PROFILE << 2), f + (F_PADDING_LENGTH << 2));
  if (hlen < 0) return hlen;
  const b0 = <u32>load<u8>(ptr);
  store<u32>(f + (F_FIRST << 2), be16(ptr));
  store<u32>(f + (F_SEQUENCE << 2), be16(ptr + 2));
  store<u32>(f + (F_TIMESTAMP << 2), be32(ptr + 4));
  store<u32>(f + (F_SSRC << 2), be32(ptr + 8));
  store<u32>(f + (F_HEADER_LENGTH << 2), <u32>hlen);
  store<u32>(f + (F_PAYLOAD_LENGTH << 2), <u32>(len - hlen - <i32>load<u32>(f + (F_PADDING_LENGTH << 2))));
  const cc = <usize>(b0 & 0x0f);
  for (let i: usize = 0; i < cc; i++) {
    store<u32>(f + ((F_CSRCS + i) << 2), be32(ptr + 12 + (i << 2)));
  }
  return hlen;
}

/**
 * Writes an RTP header from the field record into `ptr` (capacity `cap`): words 0-3 give the fixed
 * header, the CC nibble of word 0 selects how many CSRCs of words 10.. follow, and when X is set
 * the extension profile (word 7) and data length (word 9, a multiple of 4) are written; the
 * extension data itself is the caller's (it is copied by the TS side after the returned header).
 * Returns the number of bytes written before the extension data, or a negative error code.
 */
export function rtp_write(ptr: usize, cap: i32): i32 {
  const f = FIELDS;
  const first = load<u32>(f + (F_FIRST << 2));
  const cc = <i32>((first >> 8) & 0x0f);
  const hasExt = (first & 0x1000) != 0;
  const extLen = hasExt ? <i32>load<u32>(f + (F_EXT_LENGTH << 2)) : 0;
  let n = 12 + cc * 4;
  const total = n + (hasExt ? 4 + extLen : 0);
  if (total > cap) return ERR_TOO_LONG;
  if ((extLen & 3) != 0 || extLen > 0x3fffc) return ERR_EXTENSION_TRUNCATED;
  store<u16>(ptr, bswap<u16>(<u16>first));
  store<u16>(ptr + 2, bswap<u16>(<u16>load<u32>(f + (F_SEQUENCE << 2))));
  put32(ptr + 4, load<u32>(f + (F_TIMESTAMP << 2)));
  put32(ptr + 8, load<u32>(f + (F_SSRC << 2)));
  for (let i = 0; i < cc; i++) {
    put32(ptr + 12 + <usize>(i << 2), load<u32>(f + ((F_CSRCS + <usize>i) << 2)));
  }
  if (hasExt) {
    store<u16>(ptr + <usize>n, bswap<u16>(<u16>load<u32>(f + (F_EXT_PROFILE << 2))));
    store<u16>(ptr + <usize>n + 2, bswap<u16>(<u16>(extLen >> 2)));
    n += 4;
  }
  return n;
}

/**
 * Parses `count` packets in place. The descriptor table at `desc` holds (offset, length) u32 pairs
 * relative to `base`; for each packet one record of R_WORDS u32 (layout R_* in abi.json) goes to
 * `out`. Returns the number of valid packets.
 */
export function rtp_parse_batch(base: usize, desc: usize, count: i32, out: usize): i32 {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const d = desc + <usize>(i << 3);
    const p = base + <usize>load<u32>(d);
    const len = <i32>load<u32>(d + 4);
    const r = out + <usize>i * R_WORDS * 4;
    // Scratch for the padding and the extension triple: words 3..6 of the record, overwritten below.
    const hlen = headerLength(p, len, r + 16, r + 12);
    store<i32>(r + (R_STATUS << 2), hlen);
    if (hlen < 0) continue;
    ok++;
    const pad = <i32>load<u32>(r + 12);
    const extProfile = load<u32>(r + 16);
    const extOff = load<u32>(r + 20);
    const extLen = load<u32>(r + 24);
    store<u32>(r + (R_FIRST << 2), be16(p));
    store<u32>(r + (R_SEQUENCE << 2), be16(p + 2));
    store<u32>(r + (R_TIMESTAMP << 2), be32(p + 4));
    store<u32>(r + (R_SSRC << 2), be32(p + 8));
    store<u32>(r + (R_PAYLOAD_LENGTH << 2), <u32>(len - hlen - pad));
    store<u32>(r + (R_EXT_PROFILE << 2), extProfile);
    store<u32>(r + (R_EXT << 2), (extOff << 16) | (extLen >> 2));
  }
  return ok;
}

/**
 * Writes a 12-byte RTP fixed header in front of each of `count` packets (descriptor table as in
 * rtp_parse_batch, offsets point at the header), numbering them consecutively: packet i gets
 * sequence `seq + i` (mod 2^16) and timestamp `ts + i * tsStep` (mod 2^32). `first` holds the
 * first two octets (V P X CC M PT, CC and X must be 0). Returns `count`, or a negative code when a
 * descriptor is shorter than 12 bytes.
 */
export function rtp_write_batch(
  base: usize, desc: usize, count: i32, first: u32, seq: u32, ts: u32, tsStep: u32, ssrc: u32,
): i32 {
  const f16 = bswap<u16>(<u16>first);
  const s = bswap<u32>(ssrc);
  for (let i = 0; i < count; i++) {
    const d = desc + <usize>(i << 3);
    if (load<u32>(d + 4) < 12) return ERR_TOO_SHORT;
    const p = base + <usize>load<u32>(d);
    store<u16>(p, f16);
    store<u16>(p + 2, bswap<u16>(<u16>(seq + <u32>i)));
    put32(p + 4, ts + <u32>i * tsStep);
    store<u32>(p + 8, s);
  }
  return count;
}
