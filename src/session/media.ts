/**
 * What the session core asks of a session's media: SDP offer/answer (RFC 3264) as a pluggable,
 * synchronous handler. The core never looks into a body; it only knows whether a message carries an
 * offer or an answer (RFC 3261 §13.2.1, RFC 3262 §5, RFC 3311 §5, RFC 6337) and calls the handler at
 * the right moment. A handler that only negotiates SDP is enough; an RTP handler pre-allocates its
 * ports so that it can answer without waiting.
 */

/** RFC 3264 §5.1 / §6.1 stream directions. */
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** A message body carrying a session description, with its media type. */
export interface SessionBody {
  /** The media type written in Content-Type, normally `application/sdp`. */
  readonly contentType: string;
  /** The session description (text, or bytes as received). */
  readonly body: string | Uint8Array;
}

/**
 * A refusal from the handler. The core answers an offer it cannot take with `status` (488 Not
 * Acceptable Here by default, RFC 3261 §13.3.1.3) and a Warning (§20.43) when one is given; an
 * answer it cannot take ends the session (ACK, then BYE).
 */
export interface MediaFailure {
  /** Tells a failure from an answer. */
  readonly ok: false;
  /** Final status for a refused offer. Default 488. */
  readonly status?: number;
  /** Warning code (RFC 3261 §20.43: 300–399) and text, e.g. 304 "Media type not available". */
  readonly warning?: { readonly code: number; readonly text: string };
  /** A short text for the session events. */
  readonly reason: string;
}

/** What the core asks for in a (re-)offer. */
export interface OfferOptions {
  /**
   * The direction the local side wants (RFC 3264 §8.4: `sendonly` or `inactive` puts the peer on
   * hold, `sendrecv` resumes). Absent: keep the current one.
   */
  readonly direction?: MediaDirection;
  /** Ask for new transport parameters (ICE restart, new ports). */
  readonly restart?: boolean;
}

/**
 * One session's media, driven by the session core. Every method is synchronous. The core keeps
 * the RFC 3264 state and calls, in order:
 *
 * - `createOffer` for an initial offer or a re-offer (re-INVITE, UPDATE, offerless INVITE's 2xx);
 * - `receiveAnswer` with the answer to the last offer made — possibly more than once when forked
 *   early dialogs answer one offer (RFC 3261 §13.2.2.4): the last one given is the one in use;
 * - `receiveOffer` for an offer from the peer: it returns the answer, or a failure and then leaves
 *   its state as it was;
 * - `rollback` when an offer it made fails (non-2xx to a re-INVITE or UPDATE, glare), so that the
 *   session goes on with the previously negotiated parameters (RFC 3261 §14.1);
 * - `close` once, when the session ends.
 */
export interface MediaHandler {
  /** An offer: the initial one, or a re-offer (RFC 3264 §8). */
  createOffer(options: OfferOptions): SessionBody;
  /** The answer to the peer's offer (RFC 3264 §6), or a refusal that leaves the state as it was. */
  receiveOffer(offer: SessionBody): SessionBody | MediaFailure;
  /** The peer's answer to our last offer (RFC 3264 §7). */
  receiveAnswer(answer: SessionBody): true | MediaFailure;
  /** Our last offer came to nothing: back to the parameters negotiated before it. */
  rollback(): void;
  /** The session ended: release ports and streams. */
  close(): void;
  /**
   * Whether the last negotiated description from the peer puts us on hold (RFC 3264 §8.4: it offered
   * `sendonly` or `inactive`, or the legacy `c=0.0.0.0`). Read after each negotiation to report
   * `hold` and `resume` events; a handler that does not know leaves it undefined.
   */
  readonly remoteHold?: boolean;
}

/** What a {@link MediaHandlerFactory} is told about the session it makes a handler for. */
export interface MediaContext {
  /** Caller (`uac`) or callee (`uas`) of the INVITE that creates the session. */
  readonly role: "uac" | "uas";
  /** The session's Call-ID. */
  readonly callId: string;
  /**
   * When a forked INVITE is answered by more than one endpoint and the core keeps them all
   * (`forking: "all"`): the handler that made the offer, whose answer this new handler receives.
   */
  readonly forkOf?: MediaHandler;
}

/** Makes the media handler of each new session. */
export type MediaHandlerFactory = (context: MediaContext) => MediaHandler;

/** Whether a handler result is a {@link MediaFailure}. */
export function isMediaFailure(value: unknown): value is MediaFailure {
  return typeof value === "object" && value !== null && (value as { ok?: unknown }).ok === false;
}
