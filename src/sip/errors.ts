import { SiphonError } from "../errors.ts";
import type { SipErrorCode } from "./abi.generated.ts";

export type { SipErrorCode } from "./abi.generated.ts";

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
