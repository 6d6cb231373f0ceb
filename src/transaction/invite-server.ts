import { createResponse } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { ownText } from "./message-util.ts";
import { sixtyFourT1 } from "./timers.ts";
import type { TimerName } from "./timers.ts";
import { assertNever, invalidTransition, Transaction } from "./transaction.ts";
import type { TransactionHost } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

/**
 * States of the INVITE server transaction, RFC 3261 §17.2.1 (Figure 7) as corrected by RFC 6026
 * §7.1 (a 2xx from the TU moves to Accepted with Timer L; retransmitted INVITEs are absorbed there
 * and ACKs passed to the TU):
 *
 * ```
 *                                |INVITE
 *                                |pass INV to TU
 *             INVITE             V send 100 if TU won't in 200 ms
 *             send response+------------+
 *                 +--------|            |--------+ 101-199 from TU
 *                 |        |            |        | send response
 *                 +------->|            |<-------+
 *                          | Proceeding |
 *                          |            |--------+ Transport Err.
 *                          |            |        | Inform TU
 *                          |            |<-------+   (to Terminated)
 *                          +------------+
 *             300-699 from TU |     |2xx from TU
 *             send response   |     |send response
 *              +--------------+     +------------+
 *              |                                 |
 *  INVITE      V          Timer G fires          |
 *  send resp.+-----------+ send response         |
 *     +------|           |--------+              |      INVITE -
 *     |      | Completed |        |              V     +--------+
 *     +----->|           |<-------+        +------------+      |
 *            +-----------+                 |            |<-----+
 *               |     |                    |  Accepted  |--------+ 2xx from TU
 *   Timer H     |     | ACK                |            |<-------+ send response
 *   fires -     |     | -                  +------------+--------+ ACK
 *   Inform TU   |     V                         |       ^--------+ to TU
 *               |  +-----------+                |
 *               |  |           |                |
 *               |  | Confirmed |                | Timer L fires
 *               |  |           |                | -
 *               |  +-----------+                |
 *               |        | Timer I fires        |
 *               |        | -                    |
 *               |        V                      |
 *               |  +------------+               |
 *               +->| Terminated |<--------------+
 *                  +------------+
 * ```
 */
export type InviteServerState = "Proceeding" | "Completed" | "Confirmed" | "Accepted" | "Terminated";

type InviteServerTimer = "Trying" | "G" | "H" | "I" | "L";

const FROM: Record<InviteServerState, readonly InviteServerState[]> = {
  Proceeding: [],
  Completed: ["Proceeding"],
  Confirmed: ["Completed"],
  Accepted: ["Proceeding"],
  Terminated: ["Proceeding", "Completed", "Confirmed", "Accepted"],
};

/** An INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1). */
export class InviteServerTransaction<F extends TransactionFlow = TransactionFlow> extends Transaction<F> {
  /** Which of the four machines (on the prototype: no field per transaction). */
  get kind(): "invite-server" {
    return "invite-server";
  }
  private current: InviteServerState = "Proceeding";
  private intervalG: number;
  private lastProvisional: SipResponse | undefined;
  /** To tag of the final response, kept for RFC 2543 ACK matching (§17.2.3) once the response is let go of. */
  private finalTag: string | undefined;
  private final = false;
  /** The To tag of the responses sent so far (the first response that carried one). */
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
    this.intervalG = host.timers.t1;
  }

  get state(): InviteServerState {
    return this.current;
  }

  /**
   * The last response sent, while the transaction still keeps it: the provisional or final response
   * object until a final one; in Completed a copy parsed from the final response's bytes (all that
   * §17.2.1 re-sends); undefined in Accepted and Confirmed, where nothing is re-sent.
   */
  get lastResponse(): SipResponse | undefined {
    return this.hasRetained() ? this.retained<SipResponse>() : this.final ? undefined : this.lastProvisional;
  }

  /**
   * @internal The To tag of the last response sent (RFC 3261 §17.2.3: an RFC 2543 ACK matches the
   * INVITE's transaction only with the To tag of the response the transaction sent).
   */
  get sentToTag(): string | undefined {
    return this.final ? this.finalTag : this.lastProvisional?.toTag;
  }

  /** @internal Entry actions of Proceeding (the request event is emitted by the layer). */
  start(now: number): void {
    // §17.2.1: "The server transaction MUST generate a 100 (Trying) response unless it knows that
    // the TU will generate a provisional or final response within 200 ms, in which case it MAY
    // generate a 100 (Trying) response." We give the TU those 200 ms (configurable).
    const trying = this.host.timers.trying;
    if (trying === 0) this.sendTrying();
    else this.arm("Trying", trying, now);
  }

  /**
   * Sends a response from the TU through this transaction. Returns false when the state does not
   * take it (RFC 3261 §17.2.1: after a final response only further 2xx, in Accepted, go out).
   */
  respond(response: SipResponse, now: number): boolean {
    const status = response.status;
    const state = this.current;
    this.noteTag(response);
    switch (state) {
      case "Proceeding":
        this.disarm("Trying");
        if (status < 200) {
          // §17.2.1: "The TU passes any number of provisional responses to the server
          // transaction. So long as the server transaction is in the "Proceeding" state, each of
          // these MUST be passed to the transport layer for transmission."
          this.lastProvisional = response;
          this.host.send(this, response, this.flow, false);
        } else if (status < 300) {
          // RFC 6026 §7.1: "If, while in the "Proceeding" state, the TU passes a 2xx response to
          // the server transaction, the server transaction MUST pass this response to the
          // transport layer for transmission. It is not retransmitted by the server transaction;
          // retransmissions of 2xx responses are handled by the TU. The server transaction MUST
          // then transition to the "Accepted" state."
          this.noteFinal(response);
          this.host.send(this, response, this.flow, false);
          this.transition("Accepted", now);
        } else {
          // §17.2.1: "While in the "Proceeding" state, if the TU passes a response with status
          // code from 300 to 699 to the server transaction, the response MUST be passed to the
          // transport layer for transmission, and the state machine MUST enter the "Completed" state."
          // On an unreliable transport Completed re-sends it (Timer G), so it is kept as bytes now.
          this.noteFinal(response);
          const bytes = this.retain(response, !this.reliable);
          this.host.send(this, response, this.flow, false, bytes);
          this.transition("Completed", now);
        }
        return true;
      case "Accepted":
        // RFC 6026 §7.1: "While in the "Accepted" state, if the TU passes a 2xx response, the
        // server transaction MUST pass the response to the transport layer for transmission."
        if (status >= 200 && status < 300) {
          this.host.send(this, response, this.flow, true);
          return true;
        }
        return false;
      case "Completed":
      case "Confirmed":
      case "Terminated":
        return false;
      default:
        return assertNever(state, "state");
    }
  }

  /** @internal A retransmitted INVITE or an ACK matched this transaction (§17.2.3). */
  receiveRequest(request: SipRequest, flow: F, _now: number): void {
    const isAck = request.method === "ACK";
    const state = this.current;
    switch (state) {
      case "Proceeding":
        // §17.2.1: "If a request retransmission is received while in the "Proceeding" state, the
        // most recent provisional response that was received from the TU MUST be passed to the
        // transport layer for retransmission."
        this.host.absorbed(this);
        if (!isAck && this.lastProvisional !== undefined) {
          this.host.send(this, this.lastProvisional, this.flow, true);
        }
        return;
      case "Completed":
        if (isAck) {
          // §17.2.1: "If an ACK is received while the server transaction is in the "Completed"
          // state, the server transaction MUST transition to the "Confirmed" state."
          this.host.absorbed(this);
          this.transition("Confirmed", _now);
        } else {
          // §17.2.1: "Furthermore, while in the "Completed" state, if a request retransmission is
          // received, the server SHOULD pass the response to the transport for retransmission."
          this.host.absorbed(this);
          this.resendRetained(_now);
        }
        return;
      case "Confirmed":
        // §17.2.1: "The purpose of the "Confirmed" state is to absorb any additional ACK messages
        // that arrive, triggered from retransmissions of the final response."
        this.host.absorbed(this);
        return;
      case "Accepted":
        if (isAck) {
          // RFC 6026 §7.1: "If an ACK is received while the INVITE server transaction is in the
          // "Accepted" state, then the ACK must be passed up to the TU."
          this.host.emit({ type: "ack", request, flow, transaction: this });
        } else {
          // RFC 6026 §7.1: "The purpose of the "Accepted" state is to absorb retransmissions of
          // an accepted INVITE request. Any such retransmissions are absorbed entirely within the
          // server transaction. They are not passed up to the TU [...]"
          this.host.absorbed(this);
        }
        return;
      case "Terminated":
        return;
      default:
        assertNever(state, "state");
    }
  }

  protected fire(name: TimerName, now: number): void {
    const timer = name as InviteServerTimer;
    switch (timer) {
      case "Trying":
        // §17.2.1: send 100 Trying when the TU has not answered within 200 ms.
        if (this.current === "Proceeding" && this.lastProvisional === undefined) this.sendTrying();
        return;
      case "G":
        // §17.2.1: "If timer G fires, the response is passed to the transport layer once more for
        // retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds. From then on, when
        // timer G fires, the response is passed to the transport again for transmission, and
        // timer G is reset with a value that doubles, unless that value exceeds T2, in which case
        // it is reset with the value of T2."
        if (this.current !== "Completed") return;
        if (!this.resendRetained(now)) return;
        this.intervalG = Math.min(this.intervalG * 2, this.host.timers.t2);
        this.arm("G", this.intervalG, now);
        return;
      case "H":
        // §17.2.1: "If timer H fires while in the "Completed" state, it implies that the ACK was
        // never received. In this case, the server transaction MUST transition to the
        // "Terminated" state, and MUST indicate to the TU that a transaction failure has occurred."
        if (this.current !== "Completed") return;
        this.timedOut("H", "INVITE server transaction: no ACK before Timer H", now);
        return;
      case "I":
        // §17.2.1: "Once timer I fires, the server MUST transition to the "Terminated" state."
        if (this.current === "Confirmed") this.transition("Terminated", now);
        return;
      case "L":
        // RFC 6026 §7.1: "If Timer L fires while the INVITE server transaction is in the
        // "Accepted" state, the transaction MUST transition to the "Terminated" state."
        if (this.current === "Accepted") this.transition("Terminated", now);
        return;
      default:
        assertNever(timer, "timer");
    }
  }

  protected terminate(now: number): void {
    this.transition("Terminated", now);
  }

  /** The final response's To tag outlives the response (RFC 2543 ACK matching, §17.2.3). */
  private noteFinal(response: SipResponse): void {
    this.final = true;
    // Usually the tag of the responses before it: one copy serves both.
    const tag = response.toTag;
    this.finalTag = tag !== undefined && tag === this.toTag ? this.toTag : ownText(tag);
  }

  /**
   * Entry action of the states after a final response: what the RFC still needs is the match key,
   * the timers, the final response's To tag and (Completed only) the final response itself.
   */
  private releaseAfterFinal(keepFinal: boolean): void {
    this.releaseRequest();
    this.lastProvisional = undefined;
    if (!keepFinal) this.releaseRetained();
  }

  private sendTrying(): void {
    // §8.2.6.1: a 100 (Trying) carries no To tag; the layer's createResponse copies Timestamp.
    this.lastProvisional = createResponse(this.request!, 100, "Trying");
    this.host.send(this, this.lastProvisional, this.flow, false);
  }

  private noteTag(response: SipResponse): void {
    if (this.toTag === undefined && response.status > 100) {
      const tag = response.toTag;
      if (tag !== undefined) this.toTag = ownText(tag);
    }
  }

  /** The one place the state changes: checks the predecessor, then runs the entry actions. */
  private transition(to: InviteServerState, now: number): void {
    const from = this.current;
    if (!FROM[to].includes(from)) invalidTransition(this.kind, from, to);
    this.current = to;
    switch (to) {
      case "Proceeding":
        break;
      case "Completed":
        // §17.2.1: "For unreliable transports, timer G is set to fire in T1 seconds, and is not
        // set to fire for reliable transports." "When the "Completed" state is entered, timer H
        // MUST be set to fire in 64*T1 seconds for all transports."
        // Completed re-sends the final response (Timer G, retransmitted INVITEs) and nothing else.
        this.releaseAfterFinal(true);
        if (!this.reliable) this.arm("G", this.intervalG, now);
        this.arm("H", sixtyFourT1(this.host.timers), now);
        break;
      case "Confirmed":
        this.disarm("G");
        this.disarm("H");
        // Confirmed only absorbs ACKs (§17.2.1): the final response is no longer needed.
        this.releaseAfterFinal(false);
        // §17.2.1: "When this state is entered, timer I is set to fire in T4 seconds for
        // unreliable transports, and zero seconds for reliable transports."
        this.host.entered(this, from, to, now);
        if (this.reliable) this.transition("Terminated", now);
        else this.absorb("I", this.host.timers.t4, now);
        return;
      case "Accepted":
        // RFC 6026 §7.1: "When the INVITE server transaction enters the "Accepted" state, Timer L
        // MUST be set to fire in 64*T1 for all transports."
        // Accepted absorbs INVITE retransmissions and passes ACKs up; 2xx retransmissions are the
        // TU's (RFC 6026 §7.1), so the transaction keeps no message at all.
        this.releaseAfterFinal(false);
        this.host.entered(this, from, to, now);
        this.absorb("L", sixtyFourT1(this.host.timers), now);
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
