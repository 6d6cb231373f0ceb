import { SiphonError } from "../errors.ts";

/**
 * Why a session description, or one line or attribute value, could not be parsed (RFC 8866 §5, §9).
 * One list for the layer. For a description the failure's `offset` is the character offset of the
 * start of the offending line; the value parsers (`parseRtpMap`, `tryParseCrypto`, …) report 0.
 */
export type SdpErrorCode =
  | "EMPTY" // no lines at all
  | "TOO_LARGE" // more characters than `maxLength`
  | "TOO_MANY_LINES" // more lines than `maxLines`
  | "TOO_MANY_MEDIA" // more m= sections than `maxMedia`
  | "TOO_MANY_ATTRIBUTES" // more a= lines than `maxAttributes`
  | "BAD_ENCODING" // bytes that are not UTF-8 (RFC 8866 §5: the default charset is UTF-8)
  | "BAD_CHARACTER" // NUL, or a CR that does not end a line (RFC 8866 §9: text is byte-string without CR, LF, NUL)
  | "BAD_LINE" // not `<type>=<value>` with a lower-case letter type
  | "BAD_VERSION" // the first line is not `v=0` (RFC 8866 §5.1)
  | "BAD_ORIGIN" // o= is not six fields with numeric session id and version (§5.2)
  | "BAD_CONNECTION" // c= is not `<nettype> <addrtype> <address>` (§5.7)
  | "BAD_BANDWIDTH" // b= is not `<bwtype>:<bandwidth>` (§5.8)
  | "BAD_TIMING" // t= is not two decimal times (§5.9)
  | "BAD_REPEAT" // r= outside a time description or with fewer than three fields (§5.10)
  | "BAD_MEDIA" // m= is not `<media> <port>[/<count>] <proto> <fmt> ...` (§5.14)
  | "BAD_ATTRIBUTE" // a= with an empty or non-token name (§5.13)
  | "MISSING_LINE" // no o=, s= or t= line in the session section (§5)
  | "DUPLICATE_LINE" // a second v=, o= or s= line
  | "MISPLACED_LINE" // a session-only line (v o s u e p t r z) inside a media section
  | "BAD_ATTRIBUTE_VALUE"; // an attribute value its parser refuses (parseRtpMap, parseCrypto, ...)

/** Warning codes of RFC 3261 §20.43 that a failed negotiation maps to (Warning header on a 488). */
export type SdpWarningCode = 304 | 305 | 399;

/**
 * A session description is malformed. `offset` is the character offset of the start of the bad
 * line in the text, `line` its 1-based number (0 when no line applies, e.g. `TOO_LARGE`).
 */
export class SdpParseError extends SiphonError {
  declare readonly code: SdpErrorCode;
  readonly offset: number;
  readonly line: number;

  constructor(code: SdpErrorCode, message: string, offset = 0, line = 0, options?: { cause?: unknown }) {
    super(code, message, options);
    this.offset = offset;
    this.line = line;
  }
}

/**
 * Why an offer could not be answered or an answer could not be applied (RFC 3264 §6, §7). The
 * session layer answers a failed offer with 488 Not Acceptable Here and a Warning carrying `warning`
 * (RFC 3261 §21.4.26, §20.43).
 */
export type SdpNegotiationCode =
  | "BAD_SDP" // the body does not parse (Warning 399 with the parse error)
  | "NO_MEDIA_IN_COMMON" // every offered stream has a media type or transport we do not support (304)
  | "NO_COMMON_CODEC" // the supported streams share no codec with us (305)
  | "MEDIA_COUNT_MISMATCH" // the answer does not have one m= line per offered m= line (RFC 3264 §6)
  | "MEDIA_MISMATCH" // an answer's m= line has another media type than the offer's at that place
  | "UNOFFERED_CODEC" // an accepted answer stream lists no codec that was offered (RFC 3264 §6.1)
  | "CRYPTO_MISMATCH" // RTP/SAVP without an acceptable a=crypto line (RFC 4568 §7.1.3, §7.2)
  | "NO_OFFER"; // an answer arrived when no offer was outstanding

/**
 * A negotiation that did not succeed: a value, not an exception, so the session can answer
 * `status` (488 Not Acceptable Here) with a Warning header made of `warning` (RFC 3261 §20.43).
 */
export interface SdpNegotiationFailure {
  readonly ok: false;
  readonly code: SdpNegotiationCode;
  /** The final status for a refused offer: always 488. */
  readonly status: 488;
  /** The Warning: 304 media type not available, 305 incompatible media format, 399 anything else. */
  readonly warning: { readonly code: SdpWarningCode; readonly text: string };
  /** Human-readable detail. */
  readonly reason: string;
  /** The 0-based m= line the failure concerns, when there is one. */
  readonly mediaIndex?: number;
}

const WARNING_TEXT: Record<SdpWarningCode, string> = {
  304: "Media type not available",
  305: "Incompatible media format",
  399: "Miscellaneous warning",
};

/** @internal */
export function negotiationFailure(code: SdpNegotiationCode, reason: string, mediaIndex?: number): SdpNegotiationFailure {
  const w: SdpWarningCode = code === "NO_MEDIA_IN_COMMON" ? 304 : code === "NO_COMMON_CODEC" ? 305 : 399;
  const warning = { code: w, text: w === 399 ? reason : WARNING_TEXT[w] };
  return mediaIndex === undefined
    ? { ok: false, code, status: 488, warning, reason }
    : { ok: false, code, status: 488, warning, reason, mediaIndex };
}
