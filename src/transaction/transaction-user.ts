import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { TransactionTimeoutError, TransactionTransportError } from "./errors.ts";
import type { InviteServerTransaction } from "./invite-server.ts";
import { assertNever } from "./transaction.ts";
import type { ClientTransaction, ServerTransaction, Transaction } from "./transaction.ts";
import type { TransactionEvent, TransactionFlow } from "./types.ts";

/**
 * The transaction user (RFC 3261 §17: "the layer above the transaction layer", a UA core, a proxy
 * core, a dialog layer) as a delegate: one method per kind of TransactionEvent, each optional. The
 * driver calls it; a sans-I/O user may instead read the events with `pollEvent()` and hand them to
 * {@link deliverEvent}.
 */
export interface TransactionUser<F extends TransactionFlow = TransactionFlow> {
  /**
   * A new request created a server transaction (§17.2.1, §17.2.2): answer through it. For a CANCEL
   * passed up (`autoCancel` off), `cancels` is the transaction it matched by §9.2.
   */
  receiveRequest?(request: SipRequest, transaction: ServerTransaction<F>, cancels: ServerTransaction<F> | undefined): void;
  /**
   * An ACK no server transaction absorbed: the ACK for a 2xx (§13.2.2.4), or one matching an INVITE
   * server transaction in Accepted, which RFC 6026 §7.1 passes up (`transaction` set).
   */
  receiveAck?(ack: SipRequest, flow: F, transaction: InviteServerTransaction<F> | undefined): void;
  /** A response for a client transaction (§17.1; RFC 6026 §7.2 for 2xx retransmissions). */
  receiveResponse?(response: SipResponse, transaction: ClientTransaction<F>): void;
  /** A response that matched no client transaction (§18.1.2: a UA discards it; a proxy forwards it). */
  receiveStrayResponse?(response: SipResponse, flow: F): void;
  /** A CANCEL matched a pending INVITE and the layer answered both (§9.2, `autoCancel`). */
  cancelled?(transaction: InviteServerTransaction<F>, cancel: SipRequest): void;
  /** Timer B, F or H fired (§17.1.1.2, §17.1.2.2, §17.2.1): a client TU treats it as 408 (§8.1.3.1). */
  timedOut?(transaction: Transaction<F>, error: TransactionTimeoutError): void;
  /** The transport could not send for this transaction (§17.1.4, §17.2.4). */
  transportFailed?(transaction: Transaction<F>, error: TransactionTransportError): void;
  /** The transaction reached Terminated and left the layer. */
  terminated?(transaction: Transaction<F>): void;
}

/** Hands one event to the matching method of `user`. */
export function deliverEvent<F extends TransactionFlow>(user: TransactionUser<F>, event: TransactionEvent<F>): void {
  switch (event.type) {
    case "request":
      user.receiveRequest?.(event.request, event.transaction, event.cancels);
      return;
    case "ack":
      user.receiveAck?.(event.request, event.flow, event.transaction);
      return;
    case "response":
      user.receiveResponse?.(event.response, event.transaction);
      return;
    case "stray-response":
      user.receiveStrayResponse?.(event.response, event.flow);
      return;
    case "cancel":
      user.cancelled?.(event.transaction, event.request);
      return;
    case "timeout":
      user.timedOut?.(event.transaction, event.error);
      return;
    case "transport-error":
      user.transportFailed?.(event.transaction, event.error);
      return;
    case "terminated":
      user.terminated?.(event.transaction);
      return;
    default:
      assertNever(event, "event");
  }
}
