import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { ServerTransaction, TransactionFlow } from "../transaction/index.ts";
import type { InviteSession } from "./invite-session.ts";
import type { OutgoingRequest } from "./outgoing-request.ts";

/** Why a session ended. */
export type TerminationReason =
  /** A BYE ended it (RFC 3261 §15); `by` says who sent it. */
  | "bye"
  /** The caller cancelled before the answer (§9), or a 2xx that raced the CANCEL was ACKed and BYEd. */
  | "cancel"
  /** A final non-2xx answered the INVITE (sent by us as UAS, received as UAC); `status` says which. */
  | "rejected"
  /** No final response to the INVITE (Timer B), or a request inside the session timed out (§8.1.3.1). */
  | "timeout"
  /** The 2xx was not ACKed within 64*T1 (§13.3.1.4): the session was ended with BYE. */
  | "no-ack"
  /** A reliable provisional was not PRACKed within 64*T1 (RFC 3262 §3): the INVITE was answered 504. */
  | "no-prack"
  /** No session refresh arrived in time (RFC 4028 §10): the session was ended with BYE. */
  | "session-expired"
  /** An answer the media handler refused, or an offer or answer missing where one was due. */
  | "media"
  /** A response said the dialog no longer exists (481 and the others of RFC 5057 §5.1). */
  | "dialog-gone"
  /** The transport could not deliver a request of the session (§8.1.3.1: treated as 503). */
  | "transport";

/** Which side acted. */
export type Initiator = "local" | "remote";

/**
 * Events of the session core, drained with `pollEvent()`. Sessions are the {@link InviteSession}
 * objects the application calls (`answer`, `bye`, `hold`, …).
 */
export type SessionEvent<F extends TransactionFlow = TransactionFlow> =
  /** A new INVITE (UAS): ring, answer or reject the session. Its offer (if any) was taken already. */
  | { readonly type: "incoming"; readonly session: InviteSession<F>; readonly request: SipRequest }
  /** A provisional response to our INVITE (UAC), reliable (RFC 3262) or not. */
  | { readonly type: "progress"; readonly session: InviteSession<F>; readonly response: SipResponse; readonly reliable: boolean }
  /** Early media (UAC): a provisional response carried the session description (a 183, RFC 3261 §13.2.1, RFC 3262 §5). */
  | { readonly type: "early-media"; readonly session: InviteSession<F>; readonly response: SipResponse }
  /** Our INVITE was answered (UAC): the 2xx arrived and was ACKed. */
  | { readonly type: "answered"; readonly session: InviteSession<F>; readonly response: SipResponse }
  /** The caller ACKed our 2xx (UAS): the session is established. */
  | { readonly type: "confirmed"; readonly session: InviteSession<F>; readonly ack: SipRequest }
  /** A re-INVITE or UPDATE (ours or the peer's) changed the session, or a PRACK carried a new offer. */
  | { readonly type: "modified"; readonly session: InviteSession<F>; readonly method: string; readonly by: Initiator }
  /** Our re-INVITE or UPDATE failed; the session goes on as before it (RFC 3261 §14.1). */
  | {
    readonly type: "modify-failed";
    readonly session: InviteSession<F>;
    readonly method: string;
    readonly status: number;
    readonly response: SipResponse | undefined;
  }
  /** The session was put on hold (RFC 3264 §8.4): by us (our offer succeeded) or by the peer (its offer). */
  | { readonly type: "hold"; readonly session: InviteSession<F>; readonly by: Initiator }
  /** The session was taken off hold. */
  | { readonly type: "resume"; readonly session: InviteSession<F>; readonly by: Initiator }
  /** `forking: "all"`: another endpoint answered our forked INVITE; `session` is its own session. */
  | { readonly type: "forked"; readonly session: InviteSession<F>; readonly original: InviteSession<F> }
  /**
   * A request for one of the application's `methods` (INFO, MESSAGE, …), inside a session or not:
   * answer it with `core.respond(event, status, now)`.
   */
  | {
    readonly type: "request";
    readonly session: InviteSession<F> | undefined;
    readonly request: SipRequest;
    readonly transaction: ServerTransaction<F>;
  }
  /**
   * The final outcome of a request the application sent with `core.request` or `session.request`:
   * the final response (after any digest retries), or a status without one (408 on a timeout, 503 on
   * a transport failure, RFC 3261 §8.1.3.1).
   */
  | {
    readonly type: "response";
    readonly exchange: OutgoingRequest<F>;
    readonly status: number;
    readonly response: SipResponse | undefined;
  }
  /** The session ended; it takes no more calls. `status` and `response` when a response ended it. */
  | {
    readonly type: "terminated";
    readonly session: InviteSession<F>;
    readonly reason: TerminationReason;
    readonly by: Initiator;
    readonly status: number | undefined;
    readonly response: SipResponse | undefined;
  };
