import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { TransactionTimeoutError, TransactionTransportError } from "./errors.ts";
import type { ClientTransaction, ServerTransaction, Transaction } from "./transaction.ts";
import type { InviteServerTransaction } from "./invite-server.ts";

/**
 * What the transaction layer needs to know about the transport a message came in on or goes out
 * over. The layer reads `reliable` only (RFC 3261 §17: retransmit timers run on unreliable transports
 * alone, and Timers D, I, J, K are zero on reliable ones); everything else the driver puts in its flow
 * object (remote address and port, connection id, …) travels through untouched, back out in the
 * transmits, so the layer never depends on the transport's internals.
 */
export interface TransactionFlow {
  /** Transport name as written in Via: `"UDP"`, `"TCP"`, `"TLS"`, `"SCTP"`, `"WS"`, `"WSS"`. */
  readonly transport: string;
  /** True for TCP, TLS, SCTP, WS, WSS: the transport itself retransmits. */
  readonly reliable: boolean;
}

/**
 * A message the driver must hand to the transport. Client transactions send to the flow given to
 * `sendRequest`; server transactions answer on the flow the request arrived on and the transport
 * applies the response rules of RFC 3261 §18.2.2 (received / rport / maddr / sent-by).
 */
export interface Transmit<F extends TransactionFlow = TransactionFlow> {
  readonly message: SipRequest | SipResponse;
  readonly flow: F;
  /**
   * Id of the transaction that sent it, to report a send failure back with
   * `handleTransportError(id, now)`; undefined for stateless answers (503 under overload, 400).
   */
  readonly transaction: string | undefined;
  /** True when this is a retransmission (timer-driven or triggered by a retransmitted request/response). */
  readonly retransmission: boolean;
  /**
   * The message already serialized, when the transaction has its bytes (a final response or ACK it
   * keeps for retransmission): the transport sends these instead of serializing again.
   */
  readonly bytes?: Uint8Array | undefined;
}

/** Why a transaction ended in a failure reported to the TU. */
export type TransactionFailure = TransactionTimeoutError | TransactionTransportError;

/**
 * Events for the transaction user (the UA core, a proxy core, a dialog layer), drained with
 * `pollEvent()`.
 */
export type TransactionEvent<F extends TransactionFlow = TransactionFlow> =
  /**
   * A new request created a server transaction (RFC 3261 §17.2.1, §17.2.2); answer with
   * `transaction.respond`. For a CANCEL (only when `autoCancel` is off), `cancels` is the server
   * transaction it matched by §9.2, if any.
   */
  | {
    readonly type: "request";
    readonly transaction: ServerTransaction<F>;
    readonly request: SipRequest;
    readonly flow: F;
    readonly cancels?: ServerTransaction<F> | undefined;
  }
  /**
   * An ACK that is not absorbed by a server transaction: the ACK for a 2xx (its own transaction,
   * RFC 3261 §17.1.1.3, §13.2.2.4), or an ACK matching an INVITE server transaction in the Accepted
   * state, which RFC 6026 §7.1 passes up (then `transaction` is set).
   */
  | {
    readonly type: "ack";
    readonly request: SipRequest;
    readonly flow: F;
    readonly transaction: InviteServerTransaction<F> | undefined;
  }
  /** A response matched a client transaction and goes to the TU (RFC 3261 §17.1; RFC 6026 §7.2 for 2xx retransmissions). */
  | { readonly type: "response"; readonly transaction: ClientTransaction<F>; readonly response: SipResponse; readonly flow: F }
  /** A response matched no client transaction (RFC 3261 §18.1.2: a UA discards it; a proxy forwards it, §16.7). */
  | { readonly type: "stray-response"; readonly response: SipResponse; readonly flow: F }
  /**
   * A CANCEL matched a pending INVITE server transaction (RFC 3261 §9.2). With `autoCancel` the layer
   * has already answered the CANCEL 200 and the INVITE 487; without it the CANCEL arrives as a
   * `request` event too and the TU answers both.
   */
  | { readonly type: "cancel"; readonly transaction: InviteServerTransaction<F>; readonly request: SipRequest }
  /** Timer B, F or H fired (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1); a client TU treats it as 408 (§8.1.3.1). */
  | { readonly type: "timeout"; readonly transaction: Transaction<F>; readonly error: TransactionTimeoutError }
  /** The transport could not send for this transaction (RFC 3261 §17.1.4, §17.2.4). */
  | { readonly type: "transport-error"; readonly transaction: Transaction<F>; readonly error: TransactionTransportError }
  /** The transaction reached Terminated and was removed from the layer. */
  | { readonly type: "terminated"; readonly transaction: Transaction<F> };
