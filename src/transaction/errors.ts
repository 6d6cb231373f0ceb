import { SiphonError } from "../errors.ts";

/** Machine-readable codes of the transaction layer. */
export type TransactionErrorCode =
  | "TIMEOUT" // Timer B, F or H fired (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1)
  | "TRANSPORT" // the transport reported a fatal error (RFC 3261 §17.1.4, §17.2.4)
  | "BAD_REQUEST" // a request handed to sendRequest cannot start a client transaction
  | "BAD_RESPONSE" // a response handed to respond() does not fit the transaction
  | "TOO_MANY_TRANSACTIONS"; // the configured maximum number of transactions is reached

/** Base class of every error raised or reported by the transaction layer. */
export class TransactionError extends SiphonError {
  declare readonly code: TransactionErrorCode;

  constructor(code: TransactionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * A transaction timed out: Timer B (INVITE client), Timer F (non-INVITE client) or Timer H (INVITE
 * server waiting for the ACK). RFC 3261 §8.1.3.1 tells the TU to treat a client timeout as a 408.
 */
export class TransactionTimeoutError extends TransactionError {
  /** The RFC 3261 timer that fired. */
  readonly timer: "B" | "F" | "H";

  constructor(timer: "B" | "F" | "H", message: string) {
    super("TIMEOUT", message);
    this.timer = timer;
  }
}

/** The transport could not deliver a message of this transaction (RFC 3261 §17.1.4, §17.2.4). */
export class TransactionTransportError extends TransactionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TRANSPORT", message, options);
  }
}
