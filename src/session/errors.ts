import { SiphonError } from "../errors.ts";

/** Machine-readable codes of the session layer. */
export type SessionErrorCode =
  | "INVALID_STATE" // the call does not fit the session's state (answer after a final response, bye before a dialog)
  | "NO_ROUTE" // the transport found no flow for the request's next hop (RFC 3261 §8.1.2)
  | "OVERLOADED" // the transaction layer refused another client transaction (its maxClientTransactions)
  | "BAD_ARGUMENT" // an argument the application gave cannot make a valid message
  | "TOO_MANY_SESSIONS"; // the configured maximum of live sessions is reached

/**
 * Errors the session layer raises at the application's calls. Bad input from the network never
 * throws: it is answered (400, 481, 488, 491, 500 + Retry-After…) or dropped and counted.
 */
export class SessionError extends SiphonError {
  declare readonly code: SessionErrorCode;

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
