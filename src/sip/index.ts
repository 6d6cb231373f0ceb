/**
 * The SIP message layer (RFC 3261 §7, §19, §20, §25): parsing on the Wasm tokenizer, the message
 * model with lazy typed accessors, URIs, building, serializing, and stream framing.
 */
export { parseMessage, tryParseMessage } from "./parse.ts";
export type { ParseOptions, ParseResult } from "./parse.ts";
export { SipMessage, SipRequest, SipResponse } from "./message.ts";
export { createRequest, createResponse, REASON_PHRASES } from "./build.ts";
export type { RequestInit, ResponseInit } from "./build.ts";
export { messageSize, serializeMessage, serializeMessageInto } from "./serialize.ts";
export { SipStreamFramer } from "./framer.ts";
export type { FramerEvent } from "./framer.ts";
export { SipParseError } from "./errors.ts";
export type { SipErrorCode } from "./errors.ts";
export { canonicalName, headerId } from "./header-names.ts";
export { formatUri, parseUri, tryParseUri, uriEquals } from "./uri.ts";
export { formatContact, formatFromTo, formatNameAddr, parseContactList, parseFromTo, parseNameAddr, parseNameAddrList } from "./name-addr.ts";
export { formatVia, parseVia } from "./via.ts";
export {
  formatAuth,
  parseAuth,
  parseCSeq,
  parseDeltaSeconds,
  parseEvent,
  parseMediaType,
  parseMinSE,
  parseRAck,
  parseReplaces,
  parseRSeq,
  parseSessionExpires,
  parseSipDate,
  parseSubscriptionState,
  parseTokenList,
} from "./header-values.ts";
export { DEFAULT_SIP_LIMITS } from "./types.ts";
export type * from "./types.ts";
export { SipValidationError, statusForParseError, validateMessage, validateRequest } from "./validate.ts";
export type { SipCheck, ValidateOptions } from "./validate.ts";
