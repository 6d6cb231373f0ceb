import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { Flow, TransportError } from "../transport/index.ts";

/**
 * The transport user (RFC 3261 §18: the transaction layer, or a stateless element above the
 * transport) as a delegate of the driver, each method optional.
 */
export interface TransportUser {
  /** Every inbound message, when the endpoint runs no transaction layer. */
  receiveMessage?(message: SipRequest | SipResponse, flow: Flow): void;
  /**
   * A message could not be sent (RFC 3261 §18.4: "the transport layer ... SHOULD inform the transport
   * user of a failure"). With a transaction layer, its transaction learns it too (§17.1.4, §17.2.4).
   */
  transportFailed?(error: TransportError, message: SipRequest | SipResponse | undefined, flow: Flow | undefined): void;
  /** A connection closed: flows naming it are dead (RFC 5626 §4.4: flow failure). */
  connectionClosed?(flow: Flow, error: unknown): void;
}
