/**
 * The SIP transaction layer (RFC 3261 §17, RFC 6026), sans-I/O: parsed messages, transport
 * failures and the clock in; transmits, transaction-user events and the next deadline out.
 */
export { TransactionLayer } from "./layer.ts";
export type { TransactionLayerOptions } from "./layer-options.ts";
export type { RequestChecks } from "./request-checks.ts";
export { InviteClientTransaction, buildNon2xxAck } from "./invite-client.ts";
export type { InviteClientState } from "./invite-client.ts";
export { NonInviteClientTransaction } from "./non-invite-client.ts";
export type { NonInviteClientState } from "./non-invite-client.ts";
export { InviteServerTransaction } from "./invite-server.ts";
export type { InviteServerState } from "./invite-server.ts";
export { NonInviteServerTransaction } from "./non-invite-server.ts";
export type { NonInviteServerState } from "./non-invite-server.ts";
export { Transaction } from "./transaction.ts";
export type { AnyTransaction, ClientTransaction, ServerTransaction, TransactionKind } from "./transaction.ts";
export { buildCancel } from "./cancel.ts";
export { DEFAULT_TIMERS, resolveTimers } from "./timers.ts";
export type { TimerConfig, TimerName } from "./timers.ts";
export { newBranch, MAGIC_COOKIE } from "./message-util.ts";
export type { TransactionCounters } from "./counters.ts";
export type { TransactionEvent, TransactionFailure, TransactionFlow, Transmit } from "./types.ts";
export { TransactionError, TransactionTimeoutError, TransactionTransportError } from "./errors.ts";
export type { TransactionErrorCode } from "./errors.ts";
export { deliverEvent } from "./transaction-user.ts";
export type { TransactionUser } from "./transaction-user.ts";
