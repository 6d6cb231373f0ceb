// SIP core: the message tokenizer.
export { sip_input_ptr, sip_input_cap, sip_tokens_ptr, sip_token_slots, sip_token_slot_bytes, sip_headers_cap, sip_tokenize } from "./tokenizer";
