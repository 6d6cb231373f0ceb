import { SiphonError } from "../errors.ts";

/** Machine-readable codes of the transport layer. */
export type TransportErrorCode =
  | "CONNECT_FAILED" // a TCP/TLS/WS connection could not be opened
  | "CONNECTION_CLOSED" // the connection a message was queued on closed or failed before it was written
  | "KEEPALIVE_TIMEOUT" // no pong within the pong timeout (RFC 5626 §4.4.1)
  | "NO_LISTENING_POINT" // no listening point of the transport (and address family) to send from
  | "NO_ROUTE" // a response's Via gives no address to send to (RFC 3261 §18.2.2)
  | "NOT_RESOLVED" // a name that needs DNS (RFC 3263) was given where an address is required
  | "TOO_MANY_CONNECTIONS" // the connection limit is reached
  | "RESOLVE_FAILED"; // RFC 3263 server location found no target

/**
 * A transport failure (RFC 3261 §18.4: "the transport layer ... SHOULD inform the transport user of a
 * failure"). Reported as an event with the message and the flow it concerned, never thrown through
 * the event loop.
 */
export class TransportError extends SiphonError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
