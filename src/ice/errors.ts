import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";

/** Why STUN bytes were refused, or a binding failed. */
export type StunErrorCode =
  /** Shorter than the 20-byte header, or than the length it declares. */
  | "TOO_SHORT"
  /** The two top bits are not zero, or the length is not a multiple of 4 (RFC 8489 §5). */
  | "NOT_STUN"
  /** The magic cookie is not 0x2112A442 (RFC 8489 §5: an RFC 3489 message, not handled). */
  | "BAD_COOKIE"
  /** An attribute runs past the end of the message. */
  | "BAD_ATTRIBUTE"
  /** An address attribute with an unknown family or the wrong length. */
  | "BAD_ADDRESS"
  /** FINGERPRINT does not match (RFC 8489 §14.7). */
  | "BAD_FINGERPRINT"
  /** MESSAGE-INTEGRITY does not match (RFC 8489 §14.5). */
  | "BAD_INTEGRITY"
  /** No answer after every retransmission (RFC 8489 §6.2.1). */
  | "TIMEOUT"
  /** The server answered with an error response (its ERROR-CODE). */
  | "ERROR_RESPONSE"
  /** A success response without a (XOR-)MAPPED-ADDRESS. */
  | "NO_ADDRESS";

/** A failure of the STUN layer. */
export class StunError extends SiphonError {
  declare readonly code: StunErrorCode;
  /** The byte offset where a parse failed. */
  readonly offset: number | undefined;
  constructor(code: StunErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.offset = options?.offset;
  }
}

/** A failed STUN parse. */
export type StunParseFailure = ParseFailure<StunErrorCode>;
