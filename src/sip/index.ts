/**
 * The SIP message layer (RFC 3261 §7, §19, §20, §25): parsing on the Wasm tokenizer, the message
 * model with lazy typed accessors, URIs and header values that print as SIP, building, serializing,
 * validation, and stream framing.
 *
 * Parsers come in pairs where input arrives from the network: `tryParseMessage`, `tryParseUri`,
 * `tryParseNameAddr`, `tryParseVia`, `tryParseAuth` return `{ ok: true, value }` or
 * `{ ok: false, code, offset }` and build no Error; `parseMessage`, `parseUri`, ... throw
 * {@link SipParseError}.
 * @module
 */
export { parseMessage, tryParseMessage } from "./parse.ts";
export type { ParseOptions } from "./parse.ts";
export { SipMessage } from "./message.ts";
export type { SipHeaderStore } from "./header-store.ts";
export { SipRequest } from "./request.ts";
export { SipResponse } from "./response.ts";
export { createRequest, createResponse, REASON_PHRASES } from "./build.ts";
export type { RequestInit, ResponseInit } from "./build.ts";
export { messageSize, serializeMessage, serializeMessageInto } from "./serialize.ts";
export { SipStreamFramer } from "./framer.ts";
export type { FramerEvent } from "./framer.ts";
export { SipParseError, sipErrorText } from "./errors.ts";
export type { SipErrorCode } from "./errors.ts";
export { canonicalName } from "./header-names.ts";
export { formatUri, parseUri, tryParseUri } from "./uri.ts";
export { uriEquals } from "./uri-equals.ts";
export {
  formatContact,
  formatFromTo,
  formatNameAddr,
  parseContactList,
  parseFromTo,
  parseNameAddr,
  parseNameAddrList,
  tryParseNameAddr,
} from "./name-addr.ts";
export { splitHeaderValues } from "./split.ts";
export { formatVia, parseVia, tryParseVia } from "./via.ts";
export {
  parseCSeq,
  parseDeltaSeconds,
  parseEvent,
  parseMinSE,
  parseRAck,
  parseReplaces,
  parseRSeq,
  parseSessionExpires,
  parseSubscriptionState,
  parseTokenList,
} from "./header-values.ts";
export { formatAuth, parseAuth, tryParseAuth } from "./auth-value.ts";
export { formatMediaType, parseMediaType } from "./media-type.ts";
export { formatSipDate, parseSipDate } from "./sip-date.ts";
export { DEFAULT_SIP_LIMITS } from "./types.ts";
export type * from "./types.ts";
export { SipValidationError, statusForParseError, validateMessage, validateRequest } from "./validate.ts";
export type { SipCheck, ValidateOptions } from "./validate.ts";
