/** Exports of the SIP core (assembly/sip/). */
export interface SipCoreExports {
  /** Pointer to the input region where a message is written before tokenizing. */
  sip_input_ptr(): number;
  /** Size of the input region in bytes (the largest message that can be tokenized). */
  sip_input_cap(): number;
  /** Pointer to the token table (u32 slots). */
  sip_tokens_ptr(): number;
  /** Most header fields the token table holds. */
  sip_headers_cap(): number;
  /** Tokenizes `len` bytes at the input region: header count, or a negative error code. */
  sip_tokenize(len: number, maxHeaders: number, maxHeaderLen: number): number;
}
