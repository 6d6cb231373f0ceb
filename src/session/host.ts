import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { ClientTransaction, TimerConfig, TransactionFlow } from "../transaction/index.ts";
import type { TimerEntry } from "../transaction/timer-heap.ts";
import type { Dialog } from "./dialog.ts";
import type { SessionEvent } from "./events.ts";
import type { InviteSession } from "./invite-session.ts";
import type { MediaContext, MediaHandler } from "./media.ts";
import type { ResolvedOptions } from "./options.ts";
import type { SessionError } from "./errors.ts";
import type { ClientContext, ClientOwner, Purpose } from "./outgoing-request.ts";

/**
 * What an INVITE session needs from the core that owns it. The core implements it; a session never
 * sees maps, heaps, queues or the transaction layer's internals. @internal
 */
export interface SessionHost<F extends TransactionFlow> {
  readonly options: ResolvedOptions;
  readonly timers: Readonly<TimerConfig>;
  /**
   * Sends `request` in a new client transaction towards `nextHop` (RFC 3261 §8.1.2), adding our
   * Contact for the flow first when `contact` is set. Undefined when no flow reaches the next hop.
   */
  send(
    request: SipRequest,
    nextHop: string,
    owner: ClientOwner<F>,
    purpose: Purpose,
    dialog: Dialog | undefined,
    contact: boolean,
    now: number,
  ): ClientContext<F> | undefined;
  /** Why the last `send` returned undefined, as the error an application call throws. */
  sendError(nextHop: string): SessionError;
  /** Sends an ACK for a 2xx outside any transaction (§13.2.2.4). False when no flow reaches it. */
  sendAck(ack: SipRequest, nextHop: string): boolean;
  /** Sends a 2xx again on the flow its INVITE came on (§13.3.1.4: the TU retransmits 2xx). */
  resend(response: SipResponse, flow: F): void;
  /** CANCELs a pending INVITE (§9.1), now or when its first provisional arrives. */
  cancel(invite: ClientTransaction<F>, now: number): void;
  /** Our Contact URI for a flow. */
  contact(flow: F): string;
  emit(event: SessionEvent<F>): void;
  /** Arms a deadline of `session` at `at` (ms); the session knows which of its slots it is. */
  arm(session: InviteSession<F>, at: number): TimerEntry<InviteSession<F>>;
  disarm(deadline: TimerEntry<InviteSession<F>>): void;
  addDialog(dialog: Dialog): void;
  removeDialog(dialog: Dialog): void;
  /** Files a UAC session by Call-ID and From tag, to find it for a 2xx from a fork that made no early dialog. */
  watchForks(session: InviteSession<F>, on: boolean): void;
  /** Forgets the server transaction of a UAS session's INVITE (it has a final response). */
  releaseServer(session: InviteSession<F>): void;
  /** The session has ended and holds nothing any more. */
  released(session: InviteSession<F>): void;
  /** A media handler for a new session. */
  media(context: MediaContext): MediaHandler;
  /** A new session made by the core for a fork (forking: "all"). */
  adopt(session: InviteSession<F>): void;
  /** Ends a dialog nobody wants (an extra 2xx of a forked INVITE): ACK it, then BYE (§13.2.2.4). */
  discard(invite: SipRequest, response: SipResponse, dialog: Dialog | undefined, now: number): void;
  /** Counts a request the session answered with an error status (491, 500, 488, 481…). */
  answered(status: number): void;
  /** Counts a message dropped as out of place. */
  stray(): void;
}

/** The timer slots of a session: each holds at most one deadline. @internal */
export const Slot = {
  /** 2xx retransmission and ACK wait (§13.3.1.4), reliable 1xx retransmission and PRACK wait (RFC 3262 §3). */
  Retransmit: 0,
  /** UAC: fork window and ACK retention after a 2xx (64*T1, §13.2.2.4); CANCEL without a final response (§9.1). */
  Guard: 1,
  /** Glare back-off before retrying a re-INVITE or UPDATE (§14.1). */
  Glare: 2,
  /** Session refresh or expiry (RFC 4028 §10). */
  Refresh: 3,
} as const;
