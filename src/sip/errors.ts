import { SiphonError } from "../errors.ts";

/**
 * Why a SIP message, header value or URI could not be parsed. The first group crosses the Wasm
 * boundary as integers (see `SIP_ERROR_CODES`); the rest come from the TypeScript value parsers.
 */
export type SipErrorCode =
  // message framing and tokenizer (assembly/sip)
  | "EMPTY" // no bytes, or only whitespace
  | "INCOMPLETE" // the header section has no terminating empty line
  | "BAD_START_LINE" // not `Method SP Request-URI SP SIP-Version` nor `SIP-Version SP Status SP Reason`
  | "BAD_METHOD" // method is not a token
  | "BAD_REQUEST_URI" // empty, contains whitespace or control characters, or enclosed in <>
  | "BAD_VERSION" // not SIP/2.0
  | "BAD_STATUS" // status code not three digits 100..699
  | "BAD_HEADER" // header line without a colon, with a non-token name, or with control characters
  | "HEADER_TOO_LONG"
  | "TOO_MANY_HEADERS"
  | "MESSAGE_TOO_LARGE"
  | "BAD_CONTENT_LENGTH" // not a number, negative, overlarge, or repeated with different values
  | "MISSING_CONTENT_LENGTH" // on a stream transport (RFC 3261 §18.3)
  | "BODY_TRUNCATED" // fewer body bytes than Content-Length says
  // header values and URIs (src/sip value parsers)
  | "BAD_URI"
  | "BAD_NAME_ADDR"
  | "BAD_VIA"
  | "BAD_CSEQ"
  | "BAD_NUMBER" // a numeric field that is not a number or overflows its range
  | "BAD_HEADER_VALUE" // any other malformed header value
  | "MISSING_HEADER" // a mandatory header is absent (RFC 3261 §8.1.1)
  | "DUPLICATE_HEADER" // a single-valued header occurs more than once
  | "CSEQ_METHOD_MISMATCH"; // CSeq method differs from the request method (RFC 3261 §8.1.1.5)

/**
 * Integer codes returned (negated) by the Wasm tokenizer, index = code. Keep in step with
 * assembly/sip/errors.ts.
 */
export const SIP_ERROR_CODES: readonly SipErrorCode[] = [
  "EMPTY", // 0 is never returned as an error; kept so index == integer code
  "EMPTY",
  "INCOMPLETE",
  "BAD_START_LINE",
  "BAD_METHOD",
  "BAD_REQUEST_URI",
  "BAD_VERSION",
  "BAD_STATUS",
  "BAD_HEADER",
  "HEADER_TOO_LONG",
  "TOO_MANY_HEADERS",
  "MESSAGE_TOO_LARGE",
  "BAD_CONTENT_LENGTH",
  "MISSING_CONTENT_LENGTH",
  "BODY_TRUNCATED",
];

/**
 * A SIP message, header value or URI is malformed. `offset` is the byte offset in the message (or
 * the character offset in the value for value parsers) where the problem was found; `header` names
 * the header whose value failed, when there is one.
 */
export class SipParseError extends SiphonError {
  declare readonly code: SipErrorCode;
  readonly offset: number;
  readonly header: string | undefined;

  constructor(code: SipErrorCode, message: string, offset = 0, options?: { header?: string; cause?: unknown }) {
    super(code, message, options);
    this.offset = offset;
    this.header = options?.header;
  }
}
