/** Exports of the SIP core (assembly/sip/). */
export interface SipCoreExports {
  /** Pointer to the input region where a message is written before tokenizing. */
  sip_input_ptr(): number;
  /** Size of the input region in bytes (the largest message that can be tokenized). */
  sip_input_cap(): number;
  /** Pointer to the first token-table slot of the ring (u32 entries). */
  sip_tokens_ptr(): number;
  /** Number of token-table slots in the ring. */
  sip_token_slots(): number;
  /** Bytes per token-table slot. */
  sip_token_slot_bytes(): number;
  /** Most header fields the token table holds. */
  sip_headers_cap(): number;
  /**
   * Tokenizes `len` bytes at the input region into token-table slot `slot`: the header count, or a
   * negative error code (the error offset is then in the slot).
   */
  sip_tokenize(len: number, maxHeaders: number, maxHeaderLen: number, slot: number): number;
}
