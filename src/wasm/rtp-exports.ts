/**
 * Exports of the rtp core (assembly/rtp/). Functions return a length or a negative error code
 * (assembly/rtp/abi.json, shared with src/rtp); record layouts are there too.
 */
export interface RtpCoreExports {
  /** Pointer to the single-packet scratch buffer. */
  rtp_packet_buf(): number;
  /** Capacity of the single-packet scratch buffer in bytes. */
  rtp_packet_capacity(): number;
  /** Pointer to the field record (u32 words; layout in assembly/rtp/index.ts). */
  rtp_fields(): number;
  /** Parses the header of the packet at `ptr` into the field record; header length or -code. */
  rtp_parse(ptr: number, len: number): number;
  /** Writes a header from the field record; bytes written (before extension data) or -code. */
  rtp_write(ptr: number, cap: number): number;
  /** Pointer to the batch packet region. */
  rtp_batch_buf(): number;
  /** Pointer to the default batch descriptor table: (offset, length) u32 pairs. */
  rtp_batch_desc(): number;
  /** Pointer to the default batch result table. */
  rtp_batch_out(): number;
  /** Slots in the batch region. */
  rtp_batch_slots(): number;
  /** Bytes per batch slot. */
  rtp_batch_slot_size(): number;
  /** Parses `count` packets in place; returns how many were valid. */
  rtp_parse_batch(base: number, desc: number, count: number, out: number): number;
  /** Writes consecutive 12-byte fixed headers in front of `count` packets; count or -code. */
  rtp_write_batch(
    base: number,
    desc: number,
    count: number,
    first: number,
    seq: number,
    ts: number,
    tsStep: number,
    ssrc: number,
  ): number;
}
