import type { SipRequest, SipResponse } from "../sip/index.ts";
import { sixtyFourT1 } from "./timers.ts";
import type { TimerName } from "./timers.ts";
import { assertNever, invalidTransition, Transaction } from "./transaction.ts";
import type { TransactionHost } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

/**
 * States of the non-INVITE client transaction, RFC 3261 §17.1.2 (Figure 6):
 *
 * ```
 *                                |Request from TU
 *                                |send request
 *            Timer E             V
 *            send request  +-----------+
 *                +---------|           |-------------------+
 *                |         |  Trying   |  Timer F          |
 *                +-------->|           |  or Transport Err.|
 *                          +-----------+  inform TU        |
 *             200-699         |  |                         |
 *             resp. to TU     |  |1xx                      |
 *             +---------------+  |resp. to TU              |
 *             |                  |                         |
 *             |   Timer E        V       Timer F           |
 *             |   send req +-----------+ or Transport Err. |
 *             |  +---------|           | inform TU         |
 *             |  |         |Proceeding |------------------>|
 *             |  +-------->|           |-----+             |
 *             |            +-----------+     |1xx          |
 *             |              |      ^        |resp to TU   |
 *             | 200-699      |      +--------+             |
 *             | resp. to TU  |                             |
 *             |              |                             |
 *             |              V                             |
 *             |            +-----------+                   |
 *             |            |           |                   |
 *             |            | Completed |                   |
 *             |            |           |                   |
 *             |            +-----------+                   |
 *             |              ^   |                         |
 *             |              |   | Timer K                 |
 *             +--------------+   | -                       |
 *                                |                         |
 *                                V                         |
 *          NOTE:           +-----------+                   |
 *                          |           |                   |
 *      transitions         | Terminated|<------------------+
 *      labeled with        |           |
 *      the event           +-----------+
 *      over the action
 *      to take
 * ```
 */
export type NonInviteClientState = "Trying" | "Proceeding" | "Completed" | "Terminated";

type NonInviteClientTimer = "E" | "F" | "K";

const FROM: Record<NonInviteClientState, readonly NonInviteClientState[]> = {
  Trying: [],
  Proceeding: ["Trying"],
  Completed: ["Trying", "Proceeding"],
  Terminated: ["Trying", "Proceeding", "Completed"],
};

/** A non-INVITE client transaction (RFC 3261 §17.1.2). */
export class NonInviteClientTransaction<F extends TransactionFlow = TransactionFlow> extends Transaction<F> {
  /** Which of the four machines (on the prototype: no field per transaction). */
  get kind(): "non-invite-client" {
    return "non-invite-client";
  }
  private current: NonInviteClientState = "Trying";
  private intervalE: number;
  /** The last response received, until the transaction only absorbs retransmissions. */
  private response: SipResponse | undefined;

  /** @internal */
  constructor(host: TransactionHost<F>, id: string, request: SipRequest, flow: F) {
    super(host, id, request, flow);
    this.intervalE = host.timers.t1;
  }

  get state(): NonInviteClientState {
    return this.current;
  }

  /**
   * The last response received. Undefined once Completed on an unreliable transport: that state
   * only absorbs retransmitted responses (§17.1.2.2), so the transaction keeps no message; the TU
   * had the response in its `response` event.
   */
  get lastResponse(): SipResponse | undefined {
    return this.response;
  }

  /** @internal Sends the request and arms Timers E and F (Trying's entry actions). */
  start(now: number): void {
    this.host.send(this, this.request!, this.flow, false);
    // §17.1.2.2: "The "Trying" state is entered when the TU initiates a new client transaction with
    // a request. When entering this state, the client transaction SHOULD set timer F to fire in
    // 64*T1 seconds. [...] If an unreliable transport is in use, the client transaction MUST set
    // timer E to fire in T1 seconds."
    if (!this.reliable) this.arm("E", this.intervalE, now);
    this.arm("F", sixtyFourT1(this.host.timers), now);
  }

  /** @internal A response matched this transaction (§17.1.3). */
  receiveResponse(response: SipResponse, flow: F, now: number): void {
    const state = this.current;
    switch (state) {
      case "Trying":
      case "Proceeding":
        this.response = response;
        if (response.status < 200) {
          // §17.1.2.2: "If a provisional response is received while in the "Trying" state, the
          // response MUST be passed to the TU, and then the client transaction SHOULD move to the
          // "Proceeding" state." "If a provisional response is received while in the "Proceeding"
          // state, it MUST be passed to the TU."
          this.host.emit({ type: "response", transaction: this, response, flow });
          if (state === "Trying") this.transition("Proceeding", now);
        } else {
          // §17.1.2.2: "If a final response (status codes 200-699) is received while in the
          // "Trying" state, the response MUST be passed to the TU, and the client transaction MUST
          // transition to the "Completed" state." (the same for "Proceeding")
          this.host.emit({ type: "response", transaction: this, response, flow });
          this.transition("Completed", now);
        }
        return;
      case "Completed":
        // §17.1.2.2: "The "Completed" state exists to buffer any additional response
        // retransmissions that may be received (which is why the client transaction remains there
        // only for unreliable transports)."
        this.host.absorbed(this);
        return;
      case "Terminated":
        return;
      default:
        assertNever(state, "state");
    }
  }

  protected fire(name: TimerName, now: number): void {
    const timer = name as NonInviteClientTimer;
    switch (timer) {
      case "E":
        if (this.current === "Trying") {
          // §17.1.2.2: "If timer E fires while still in this state, the timer is reset, but this
          // time with a value of MIN(2*T1, T2). When the timer fires again, it is reset to a
          // MIN(4*T1, T2). This process continues so that retransmissions occur with an
          // exponentially increasing interval that caps at T2."
          this.host.send(this, this.request!, this.flow, true);
          this.intervalE = Math.min(this.intervalE * 2, this.host.timers.t2);
          this.arm("E", this.intervalE, now);
        } else if (this.current === "Proceeding") {
          // §17.1.2.2: "If Timer E fires while in the "Proceeding" state, the request MUST be
          // passed to the transport layer for retransmission, and Timer E MUST be reset with a
          // value of T2 seconds."
          this.host.send(this, this.request!, this.flow, true);
          this.intervalE = this.host.timers.t2;
          this.arm("E", this.intervalE, now);
        }
        return;
      case "F":
        // §17.1.2.2: "If Timer F fires while the client transaction is still in the "Trying"
        // state, the client transaction SHOULD inform the TU about the timeout, and then it SHOULD
        // enter the "Terminated" state." (likewise in "Proceeding")
        if (this.current !== "Trying" && this.current !== "Proceeding") return;
        this.timedOut("F", `${this.method} client transaction: Timer F fired`, now);
        return;
      case "K":
        // §17.1.2.2: "If Timer K fires while in this state, the client transaction MUST transition
        // to the "Terminated" state."
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
  private transition(to: NonInviteClientState, now: number): void {
    const from = this.current;
    if (!FROM[to].includes(from)) invalidTransition(this.kind, from, to);
    this.current = to;
    switch (to) {
      case "Trying":
      case "Proceeding":
        break;
      case "Completed": {
        this.disarm("E");
        this.disarm("F");
        // §17.1.2.2: "Once the client transaction enters the "Completed" state, it MUST set Timer
        // K to fire in T4 seconds for unreliable transports, and zero seconds for reliable transports."
        // Completed only absorbs response retransmissions: it keeps no message at all.
        this.releaseRequest();
        if (!this.reliable) this.response = undefined;
        this.host.entered(this, from, to, now);
        if (this.reliable) this.transition("Terminated", now);
        else this.absorb("K", this.host.timers.t4, now);
        return;
      }
      case "Terminated":
        this.disarmAll();
        break;
      default:
        assertNever(to, "state");
    }
    this.host.entered(this, from, to, now);
  }
}
