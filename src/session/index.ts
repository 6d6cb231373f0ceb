/**
 * The session layer: dialogs (RFC 3261 §12) with their usages (RFC 5057), INVITE sessions (§13–§15)
 * with offer/answer (RFC 3264, RFC 6337), reliable provisional responses (RFC 3262), UPDATE
 * (RFC 3311) and session timers (RFC 4028), and the user agent core that dispatches requests to
 * them — sans-I/O, on the transaction layer. Media is a pluggable {@link MediaHandler}; digest
 * authentication a pluggable {@link ChallengeResponder}.
 */
export { createSessionCore, SessionCore } from "./core.ts";
export type { SessionCounters } from "./counters.ts";
export { InviteSession } from "./invite-session.ts";
export type {
  AnswerOptions,
  InviteInit,
  InviteSessionState,
  ModifyOptions,
  RejectOptions,
  RingOptions,
  SessionRequestOptions,
} from "./invite-session.ts";
export type { OutgoingRequestInit, RespondInit } from "./session-api.ts";
export { Dialog, dialogKey } from "./dialog.ts";
export type { DialogState, InDialogInit } from "./dialog.ts";
export type { DialogUsage, ResponseReach } from "./usage.ts";
export { responseReach } from "./usage.ts";
export { OutgoingRequest } from "./outgoing-request.ts";
export type { SessionEvent, TerminationReason, Initiator } from "./events.ts";
export { isMediaFailure } from "./media.ts";
export type { MediaContext, MediaDirection, MediaFailure, MediaHandler, MediaHandlerFactory, OfferOptions, SessionBody } from "./media.ts";
export { digestChallenger } from "./challenge.ts";
export type { ChallengeRefusal, ChallengeResponder, DigestChallengerOptions, RequestChallenger } from "./challenge.ts";
export type { SessionCoreOptions, SessionTransport } from "./options.ts";
export type { SessionInterval, SessionTimerOptions } from "./session-timer.ts";
export { glareBackoff } from "./glare.ts";
export { initialNextHop, planRoute } from "./route-set.ts";
export type { RoutePlan } from "./route-set.ts";
export type { OfferAnswerState, OfferCarrier } from "./offer-answer.ts";
export { SessionError } from "./errors.ts";
export type { SessionErrorCode } from "./errors.ts";
