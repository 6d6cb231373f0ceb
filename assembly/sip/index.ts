// SIP core: the message tokenizer.
export { sip_input_ptr, sip_input_cap, sip_tokens_ptr, sip_headers_cap, sip_tokenize } from "./tokenizer";
