import type { SipRequest, SipResponse } from "../sip/index.ts";
import { sixtyFourT1 } from "./timers.ts";
import type { TimerName } from "./timers.ts";
import { assertNever, invalidTransition, Transaction } from "./transaction.ts";
import type { TransactionHost } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

/**
 * States of the non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8):
 *
 * ```
 *                           |Request received
 *                           |pass to TU
 *                           V
 *                     +-----------+
 *                     |           |
 *                     | Trying    |-------------+
 *                     |           |             |
 *                     +-----------+             |200-699 from TU
 *                           |                   |send response
 *                           |1xx from TU        |
 *                           |send response      |
 *                           |                   |
 *        Request            V      1xx from TU  |
 *        send response+-----------+send response|
 *            +--------|           |--------+    |
 *            |        | Proceeding|        |    |
 *            +------->|           |<-------+    |
 *     +<--------------|           |             |
 *     |Trnsprt Err    +-----------+             |
 *     |Inform TU            |                   |
 *     |                     |                   |
 *     |                     |200-699 from TU    |
 *     |                     |send response      |
 *     |  Request            V                   |
 *     |  send response+-----------+             |
 *     |      +--------|           |             |
 *     |      |        | Completed |<------------+
 *     |      +------->|           |
 *     +<--------------|           |
 *     |Trnsprt Err    +-----------+
 *     |Inform TU            |
 *     |                     |Timer J fires
 *     |                     |-
 *     |                     |
 *     |                     V
 *     |               +-----------+
 *     |               |           |
 *     +-------------->| Terminated|
 *                     |           |
 *                     +-----------+
 * ```
 */
export type NonInviteServerState = "Trying" | "Proceeding" | "Completed" | "Terminated";

type NonInviteServerTimer = "J";

const FROM: Record<NonInviteServerState, readonly NonInviteServerState[]> = {
  Trying: [],
  Proceeding: ["Trying"],
  Completed: ["Trying", "Proceeding"],
  Terminated: ["Trying", "Proceeding", "Completed"],
};

/** A non-INVITE server transaction (RFC 3261 §17.2.2). */
export class NonInviteServerTransaction<F extends TransactionFlow = TransactionFlow> extends Transaction<F> {
  /** Which of the four machines (on the prototype: no field per transaction). */
  get kind(): "non-invite-server" {
    return "non-invite-server";
  }
  private current: NonInviteServerState = "Trying";
  private lastProvisional: SipResponse | undefined;
  /**
   * The To tag of the responses sent so far (what a CANCEL's 200 reuses, RFC 3261 §9.2). Let go of
   * in Completed, where a CANCEL no longer finds the transaction.
   */
  toTag: string | undefined;
  /** @internal The CANCEL index key this transaction is filed under (server-index.ts). */
  cancelKey: string | undefined;
  /** @internal The RFC 2543 ACK index key this transaction is filed under. */
  ackKey: string | undefined;
  /** @internal The merged-request index key this transaction is filed under. */
  mergeKey: string | undefined;

  /** @internal */
  constructor(host: TransactionHost<F>, id: string, request: SipRequest, flow: F) {
    super(host, id, request, flow);
  }

  get state(): NonInviteServerState {
    return this.current;
  }

  /**
   * The last response sent. Once Completed on an unreliable transport the transaction keeps only
   * the final response's bytes (what §17.2.2 re-sends), so this is then a copy parsed from them.
   */
  get lastResponse(): SipResponse | undefined {
    return this.hasRetained() ? this.retained<SipResponse>() : this.lastProvisional;
  }

  /**
   * Sends a response from the TU through this transaction. Returns false when it is discarded
   * (RFC 3261 §17.2.2: responses after the final one).
   */
  respond(response: SipResponse, now: number): boolean {
    const state = this.current;
    if (this.toTag === undefined && response.status > 100) this.toTag = response.toTag;
    switch (state) {
      case "Trying":
      case "Proceeding":
        if (response.status < 200) {
          // §17.2.2: "While in the "Trying" state, if the TU passes a provisional response to the
          // server transaction, the server transaction MUST enter the "Proceeding" state. The
          // response MUST be passed to the transport layer for transmission." "Any further
          // provisional responses that are received from the TU while in the "Proceeding" state
          // MUST be passed to the transport layer for transmission."
          this.lastProvisional = response;
          this.host.send(this, response, this.flow, false);
          if (state === "Trying") this.transition("Proceeding", now);
        } else {
          // §17.2.2: "If the TU passes a final response (status codes 200-699) to the server
          // while in the "Proceeding" state, the transaction MUST enter the "Completed" state,
          // and the response MUST be passed to the transport layer for transmission."
          // On an unreliable transport Completed re-sends it, so it is kept as bytes from the start.
          const bytes = this.retain(response, !this.reliable);
          this.host.send(this, response, this.flow, false, bytes);
          this.transition("Completed", now);
        }
        return true;
      case "Completed":
        // §17.2.2: "Any other final responses passed by the TU to the server transaction MUST be
        // discarded while in the "Completed" state."
        return false;
      case "Terminated":
        return false;
      default:
        return assertNever(state, "state");
    }
  }

  /** @internal A retransmission of the request matched this transaction (§17.2.3). */
  receiveRequest(_request: SipRequest, _flow: F, now: number): void {
    const state = this.current;
    this.host.absorbed(this);
    switch (state) {
      case "Trying":
        // §17.2.2: "Once in the "Trying" state, any further request retransmissions are discarded."
        return;
      case "Proceeding":
        // §17.2.2: "If a retransmission of the request is received while in the "Proceeding"
        // state, the most recently sent provisional response MUST be passed to the transport
        // layer for retransmission."
        this.host.send(this, this.lastProvisional!, this.flow, true);
        return;
      case "Completed":
        // §17.2.2: "While in the "Completed" state, the server transaction MUST pass the final
        // response to the transport layer for retransmission whenever a retransmission of the
        // request is received."
        this.resendRetained(now);
        return;
      case "Terminated":
        return;
      default:
        assertNever(state, "state");
    }
  }

  protected fire(name: TimerName, now: number): void {
    const timer = name as NonInviteServerTimer;
    switch (timer) {
      case "J":
        // §17.2.2: "The server transaction remains in this state until Timer J fires, at which
        // point it MUST transition to the "Terminated" state."
        if (this.current === "Completed") this.transition("Terminated", now);
        return;
      default:
        assertNever(timer, "timer");
    }
  }

  protected terminate(now: number): void {
    this.transition("Terminated", now);
  }

  /** The one place the state changes: checks the predecessor, then runs the entry actions. */
  private transition(to: NonInviteServerState, now: number): void {
    const from = this.current;
    if (!FROM[to].includes(from)) invalidTransition(this.kind, from, to);
    this.current = to;
    switch (to) {
      case "Trying":
      case "Proceeding":
        break;
      case "Completed":
        // §17.2.2: "When the server transaction enters the "Completed" state, it MUST set Timer J
        // to fire in 64*T1 seconds for unreliable transports, and zero seconds for reliable transports."
        // Completed only re-sends the final response on a retransmitted request (§17.2.2): keep
        // its bytes and the match key, let go of the request and the provisional response.
        this.releaseRequest();
        this.lastProvisional = undefined;
        this.toTag = undefined;
        this.host.entered(this, from, to, now);
        if (this.reliable) this.transition("Terminated", now);
        else this.absorb("J", sixtyFourT1(this.host.timers), now);
        return;
      case "Terminated":
        this.disarmAll();
        break;
      default:
        assertNever(to, "state");
    }
    this.host.entered(this, from, to, now);
  }
}
