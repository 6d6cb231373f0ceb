import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";
import { SIP_ERROR_TEXT } from "./abi.generated.ts";
import type { SipErrorCode } from "./abi.generated.ts";

export type { SipErrorCode };

/**
 * A SIP message, header value or URI is malformed. `offset` is the byte offset in the message (or
 * the character offset in the value, for value parsers) where the problem was found; `header` names
 * the header whose value failed, when there is one.
 */
export class SipParseError extends SiphonError {
  declare readonly code: SipErrorCode;
  /** Byte offset in the message, or character offset in the value, where the problem was found. */
  readonly offset: number;
  /** The header whose value failed (`"Via"`, `"Request-URI"`), when there is one. */
  readonly header: string | undefined;

  constructor(code: SipErrorCode, message: string, options?: { offset?: number; header?: string; cause?: unknown }) {
    super(code, message, options);
    this.offset = options?.offset ?? 0;
    this.header = options?.header;
  }
}

/**
 * A short description of a SIP error code (`"malformed start line"`), for logs and for the reason
 * phrase of a 400: a failure value carries only the code and the offset.
 */
export function sipErrorText(code: SipErrorCode): string {
  return SIP_ERROR_TEXT[code];
}

/** @internal The error a throwing form raises for a failure value of the tokenizer. */
export function sipParseError(f: ParseFailure<SipErrorCode>): SipParseError {
  return new SipParseError(f.code, `${SIP_ERROR_TEXT[f.code]} at byte ${f.offset}`, { offset: f.offset });
}
