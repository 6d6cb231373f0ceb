/**
 * Exports of the srtp core (assembly/srtp/). Results are lengths or negated `SrtpErrorCode`s
 * (src/srtp/error-codes.ts). Region layouts are described in assembly/srtp/layout.ts.
 */
export interface SrtpCoreExports {
  /** Base of the resident context slots. */
  srtp_slots(): number;
  /** Bytes per slot. */
  srtp_slot_size(): number;
  /** Bytes of a slot used by AES-CM profiles (GCM adds two GHASH tables after them). */
  srtp_slot_cm_size(): number;
  /** Number of resident slots. */
  srtp_slot_count(): number;
  /** Base of the AES-CM-only slots (`srtp_slot_cm_size()` bytes each). */
  srtp_cm_slots(): number;
  /** Number of AES-CM-only slots. */
  srtp_cm_slot_count(): number;
  /** Packet region (single packet or packed batch). */
  srtp_io(): number;
  srtp_io_size(): number;
  /** Keystream region, filled with counter blocks by `srtp_ctr` for a native AES-ECB. */
  srtp_ks(): number;
  srtp_ks_size(): number;
  /** Descriptor table: entries of [ptr, len, arg, result] (u32/i32). */
  srtp_desc(): number;
  srtp_desc_count(): number;
  /** Key material region (512 bytes) read by `srtp_setup`. */
  srtp_keys(): number;
  /** Largest unprotected packet handled. */
  srtp_max_packet(): number;
  /** AES-CM PRF (RFC 3711 §4.3.3, kdr = 0); returns outLen or -code. */
  srtp_prf(key: number, keyLen: number, salt: number, label: number, out: number, outLen: number): number;
  /** Expands the session keys in the key region into `slot` for `profile`; 0 or -code. */
  srtp_setup(slot: number, profile: number): number;
  /** Runs `op` (0..3) over `n` descriptors; `ext` = 1 takes keystream from the KS region. */
  srtp_run(slot: number, op: number, n: number, ext: number): void;
  /** Writes counter blocks for `count` consecutive SRTP indices of `ssrc` into KS; bytes written or 0. */
  srtp_ctr_run(slot: number, ssrc: number, roc: number, seq: number, count: number, blocks: number): number;
  /** Writes the counter blocks of `n` descriptors into KS; returns bytes written. */
  srtp_ctr(slot: number, op: number, n: number): number;
}
