import { SiphonError } from "../errors.ts";

/** Codes of {@link ClientError}, the user agent's one list. */
export type ClientErrorCode =
  /** The peer (or a proxy) answered the INVITE with a final non-2xx: `status` and `reason` say which. */
  | "REJECTED"
  /** The call was cancelled before it was answered (by us, the peer or a proxy). */
  | "CANCELLED"
  /** The caller's AbortSignal fired: what was waited for was given up (a call is CANCELled). */
  | "ABORTED"
  /** No answer in time: a SIP timeout (RFC 3261 §8.1.3.1, a 408 without a response) or the wait's own timeout. */
  | "TIMEOUT"
  /** No route to the target: its host could not be located, or no listening point reaches it. */
  | "NO_ROUTE"
  /** The transport failed to deliver (RFC 3261 §8.1.3.1: treated as 503). */
  | "TRANSPORT"
  /** The credentials were refused (a 401/407 answered with credentials came back again). */
  | "AUTH_FAILED"
  /** The registrar refused the registration. */
  | "REGISTRATION_FAILED"
  /** A re-INVITE (hold, resume) failed; the call goes on as before it (RFC 3261 §14.1). */
  | "REINVITE_FAILED"
  /** The media could not be negotiated or started (no common codec, no free port, SRTP required). */
  | "MEDIA"
  /** The call (or the user agent) ended while the operation was waiting. */
  | "ENDED"
  /** The user agent is closed. */
  | "CLOSED"
  /** The operation does not fit the call's state (hold before the answer, answer twice). */
  | "INVALID_STATE"
  /** A bad option or argument. */
  | "BAD_ARGUMENT";

/**
 * What the user agent's promises reject with: a {@link ClientErrorCode}, and for failures that came
 * in a SIP response its `status` and `reason`.
 */
export class ClientError extends SiphonError {
  declare readonly code: ClientErrorCode;
  /** The SIP status that caused it (a final response, or 408/503 of RFC 3261 §8.1.3.1). */
  readonly status: number | undefined;
  /** The reason phrase of that response. */
  readonly reason: string | undefined;

  constructor(code: ClientErrorCode, message: string, options: { status?: number | undefined; reason?: string | undefined; cause?: unknown } = {}) {
    super(code, message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.status = options.status;
    this.reason = options.reason;
  }
}
