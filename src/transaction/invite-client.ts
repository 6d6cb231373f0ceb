import { createRequest } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { H } from "../sip/header-names.ts";
import { copyFields, firstHeaderValue } from "./message-util.ts";
import { sixtyFourT1 } from "./timers.ts";
import type { TimerName } from "./timers.ts";
import { assertNever, invalidTransition, Transaction } from "./transaction.ts";
import type { TransactionHost } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

/**
 * States of the INVITE client transaction, RFC 3261 §17.1.1 (Figure 5) as corrected by RFC 6026 §7.2
 * (a 2xx moves to Accepted and Timer M instead of straight to Terminated):
 *
 * ```
 *                                |INVITE from TU
 *              Timer A fires     |INVITE sent        Timer B fires
 *              Reset A,          V                   or Transport Err.
 *              INVITE sent +-----------+             inform TU
 *                +---------|           |------------------------------+
 *                |         |  Calling  |                              |
 *                +-------->|           |--------------+               |
 *   300-699                +-----------+ 2xx          |               |
 *   ACK sent                  |  |       2xx to TU    |               |
 *   resp. to TU               |  |1xx                 |               |
 *   +-------------------------+  |1xx to TU           |               |
 *   |                            V                    |               |
 *   |        1xx to TU     +------------+  2xx        |               |
 *   |         +------------|            |  2xx to TU  |               |
 *   |         |            | Proceeding |---------+   |               |
 *   |         +----------->|            |         |   |               |
 *   |                      +------------+         V   V               |
 *   |  300-699 ACK sent,      |           +-------------+  2xx        |
 *   |  resp. to TU            |           |             |  2xx to TU  |
 *   |  +----------------------+           |  Accepted   |------+      |
 *   |  |                                  |             |<-----+      |
 *   V  V                                  +-------------+             |
 * +-----------+ 300-699                          | Timer M fires      |
 * |           |--------+ ACK sent                | -                  |
 * | Completed |        |                         |                    |
 * |           |<-------+                         |                    |
 * +-----------+                                  |                    |
 *       | Timer D fires, Transport Err.          |                    |
 *       | -                                      V                    |
 *       |                                 +------------+              |
 *       +-------------------------------->| Terminated |<-------------+
 *                                         +------------+
 * ```
 */
export type InviteClientState = "Calling" | "Proceeding" | "Accepted" | "Completed" | "Terminated";

type InviteClientTimer = "A" | "B" | "D" | "M";

/** Allowed predecessors of each state; anything else is a bug in this file. */
const FROM: Record<InviteClientState, readonly InviteClientState[]> = {
  Calling: [],
  Proceeding: ["Calling"],
  Accepted: ["Calling", "Proceeding"],
  Completed: ["Calling", "Proceeding"],
  Terminated: ["Calling", "Proceeding", "Accepted", "Completed"],
};

/**
 * The header fields an Accepted INVITE client keeps of its INVITE: the dialog's identifiers, local
 * URI, CSeq and target (RFC 3261 §12.1.2), its route, and the credentials an ACK repeats (§13.2.2.4:
 * "The ACK MUST contain the same credentials as the INVITE").
 */
const ACCEPTED_FIELDS: ReadonlySet<number> = new Set([
  H.VIA,
  H.FROM,
  H.TO,
  H.CALL_ID,
  H.CSEQ,
  H.CONTACT,
  H.ROUTE,
  H.AUTHORIZATION,
  H.PROXY_AUTHORIZATION,
]);

/** An INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2). */
export class InviteClientTransaction<F extends TransactionFlow = TransactionFlow> extends Transaction<F> {
  /** Which of the four machines (on the prototype: no field per transaction). */
  get kind(): "invite-client" {
    return "invite-client";
  }
  private current: InviteClientState = "Calling";
  private intervalA: number;
  /** The last response received, until a final one (then the kept message is the 2xx or the ACK). */
  private response: SipResponse | undefined;
  /** Whether the kept message is the ACK for a non-2xx (Completed) rather than the 2xx (Accepted). */
  private acked = false;
  /** @internal Set by the layer when the TU asked to CANCEL before any provisional arrived (§9.1). */
  cancelPending: [string, string][] | undefined;

  /** @internal */
  constructor(host: TransactionHost<F>, id: string, request: SipRequest, flow: F) {
    super(host, id, request, flow);
    this.intervalA = host.timers.t1;
  }

  get state(): InviteClientState {
    return this.current;
  }

  /**
   * The ACK this transaction sent for a non-2xx final response, once in Completed. On an unreliable
   * transport it is kept as bytes (what §17.1.1.2 re-sends), so this is then a copy parsed from them.
   */
  get ackRequest(): SipRequest | undefined {
    return this.acked ? this.retained<SipRequest>() : undefined;
  }

  /**
   * The last provisional response received, until a final one. Undefined once Accepted (the 2xx
   * went to the TU; nothing of it is kept) or Completed (that state keeps only its ACK, §17.1.1.2).
   */
  get lastResponse(): SipResponse | undefined {
    return this.response;
  }

  /**
   * The INVITE as sent. In Accepted, a copy parsed from the bytes kept of it, reduced to the start
   * line and the fields an ACK or BYE is built from (Via, From, To, Call-ID, CSeq, Contact, Route
   * and the credentials; no body): a new object on each read. Undefined once Completed.
   */
  override get request(): SipRequest | undefined {
    return this.current === "Accepted" ? this.retained<SipRequest>() : super.request;
  }

  /** @internal Sends the INVITE and arms Timers A and B (Calling's entry actions). */
  start(now: number): void {
    this.host.send(this, this.request!, this.flow, false);
    // §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer
    // A with a value of T1. If a reliable transport is being used, the client transaction SHOULD NOT
    // start timer A. For any transport, the client transaction MUST start timer B with a value of 64*T1."
    if (!this.reliable) this.arm("A", this.intervalA, now);
    this.arm("B", sixtyFourT1(this.host.timers), now);
  }

  /** @internal A response matched this transaction (§17.1.3). */
  receiveResponse(response: SipResponse, flow: F, now: number): void {
    const status = response.status;
    const state = this.current;
    switch (state) {
      case "Calling":
      case "Proceeding":
        this.response = response;
        if (status < 200) {
          // §17.1.1.2: "If the client transaction receives a provisional response while in the
          // "Calling" state, it transitions to the "Proceeding" state. [...] In addition, the
          // provisional response MUST be passed to the TU. Any further provisional responses MUST
          // be passed up to the TU while in the "Proceeding" state."
          if (state === "Calling") this.transition("Proceeding", now);
          this.host.emit({ type: "response", transaction: this, response, flow });
        } else if (status < 300) {
          // RFC 6026 §7.2: "If a 2xx response is received while the client INVITE state machine is
          // in the "Calling" or "Proceeding" states, it MUST transition to the "Accepted" state,
          // pass the 2xx response to the TU, and set Timer M to 64*T1."
          this.host.emit({ type: "response", transaction: this, response, flow });
          this.transition("Accepted", now);
        } else {
          // §17.1.1.2: "When in either the "Calling" or "Proceeding" states, reception of a
          // response with status code from 300-699 MUST cause the client transaction to transition
          // to "Completed". The client transaction MUST pass the received response up to the TU,
          // and the client transaction MUST generate an ACK request, even if the transport is
          // reliable [...] and then pass the ACK to the transport layer for transmission. The ACK
          // MUST be sent to the same address, port, and transport to which the original request was sent."
          const ack = buildNon2xxAck(this.request!, response);
          this.acked = true;
          const bytes = this.retain(ack, !this.reliable);
          this.host.send(this, ack, this.flow, false, bytes);
          this.host.emit({ type: "response", transaction: this, response, flow });
          this.transition("Completed", now);
        }
        return;
      case "Accepted":
        // RFC 6026 §7.2: "Any 2xx responses received while in the "Accepted" state MUST be passed
        // up to the TU. The client transaction MUST NOT generate an ACK to any 2xx response on its
        // own." Other responses cannot legitimately follow a 2xx and are absorbed.
        if (status >= 200 && status < 300) {
          this.host.emit({ type: "response", transaction: this, response, flow });
        } else {
          this.host.absorbed(this);
        }
        return;
      case "Completed":
        // §17.1.1.2: "Any retransmissions of the final response that are received while in the
        // "Completed" state MUST cause the ACK to be re-passed to the transport layer for
        // retransmission, but the newly received response MUST NOT be passed up to the TU."
        this.host.absorbed(this);
        if (status >= 300) this.resendRetained(now);
        return;
      case "Terminated":
        return;
      default:
        assertNever(state, "state");
    }
  }

  protected fire(name: TimerName, now: number): void {
    const timer = name as InviteClientTimer;
    switch (timer) {
      case "A":
        // §17.1.1.2: "When timer A fires, the client transaction MUST retransmit the request by
        // passing it to the transport layer, and MUST reset the timer with a value of 2*T1. [...]
        // When timer A fires 2*T1 seconds later, the request MUST be retransmitted again [...]"
        if (this.current !== "Calling") return;
        this.host.send(this, this.request!, this.flow, true);
        this.intervalA *= 2;
        this.arm("A", this.intervalA, now);
        return;
      case "B":
        // §17.1.1.2: "If the client transaction is still in the "Calling" state when timer B
        // fires, the client transaction SHOULD inform the TU that a timeout has occurred."
        if (this.current !== "Calling") return;
        this.timedOut("B", "INVITE client transaction: Timer B fired in Calling", now);
        return;
      case "D":
        // §17.1.1.2: "If timer D fires while the client transaction is in the "Completed" state,
        // the client transaction MUST move to the terminated state."
        if (this.current === "Completed") this.transition("Terminated", now);
        return;
      case "M":
        // RFC 6026 §7.2: "If Timer M fires while the client INVITE transaction is in the
        // "Accepted" state, the client transaction MUST move to the "Terminated" state."
        if (this.current === "Accepted") this.transition("Terminated", now);
        return;
      default:
        assertNever(timer, "timer");
    }
  }

  protected terminate(now: number): void {
    this.transition("Terminated", now);
  }

  /** The one place the state changes: checks the predecessor, then runs the entry actions. */
  private transition(to: InviteClientState, now: number): void {
    const from = this.current;
    if (!FROM[to].includes(from)) invalidTransition(this.kind, from, to);
    this.current = to;
    switch (to) {
      case "Calling":
        break;
      case "Proceeding":
        // §17.1.1.2: retransmissions stop once a provisional arrives, and Timer B only guards Calling.
        this.disarm("A");
        this.disarm("B");
        break;
      case "Accepted":
        this.disarm("A");
        this.disarm("B");
        // RFC 6026 §7.2: "[...] and set Timer M to 64*T1." The TU ACKs every 2xx passed up in
        // Accepted (§13.2.2.4) and may build those ACKs, and the BYE of a dialog it does not
        // want, from the INVITE: the request stays, reduced to the start line and the fields such
        // an ACK or BYE is built from (§12.1.2 for the dialog, §13.2.2.4 for the credentials),
        // and kept as bytes (`request` parses them when asked): Timer M runs on every transport,
        // and 32 s of objects per call cost the collector more than writing them out once.
        // Nothing of the 2xx is kept: it went up to the TU, and Accepted never sends it.
        this.retainReducedRequest(ACCEPTED_FIELDS);
        this.response = undefined;
        // Accepted passes further 2xx up and absorbs everything else: like the server's Accepted
        // (Timer L), it waits as an absorbing record, expired first-in first-out, not on the heap.
        this.host.entered(this, from, to, now);
        this.absorb("M", sixtyFourT1(this.host.timers), now);
        return;
      case "Completed": {
        this.disarm("A");
        this.disarm("B");
        // §17.1.1.2: "The client transaction SHOULD start timer D when it enters the "Completed"
        // state, with a value of at least 32 seconds for unreliable transports, and a value of zero
        // seconds for reliable transports."
        const d = this.reliable ? 0 : this.host.timers.timerD;
        // Completed only re-sends its ACK on a retransmitted final response (§17.1.1.2): let go of
        // the INVITE and the response, keep the ACK's bytes only.
        this.releaseRequest();
        this.response = undefined;
        this.host.entered(this, from, to, now);
        if (d === 0) this.transition("Terminated", now);
        else this.absorb("D", d, now);
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

/**
 * The ACK for a non-2xx final response, built by the INVITE client transaction (RFC 3261 §17.1.1.3):
 * the original request's Request-URI, Call-ID, From and CSeq number; the To of the response (with
 * its tag); a single Via equal to the request's top Via; the request's Route header fields; its
 * Max-Forwards. No body.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  // §17.1.1.3: "The ACK request constructed by the client transaction MUST contain values for the
  // Call-ID, From, and Request-URI that are equal to the values of those header fields in the
  // request passed to the transport by the client transaction [...]. The To header field in the ACK
  // MUST equal the To header field in the response being acknowledged [...]. The ACK MUST contain a
  // single Via header field, and this MUST be equal to the top Via header field of the original
  // request. The CSeq header field in the ACK MUST contain the same value for the sequence number as
  // was present in the original request, but the method parameter MUST be equal to "ACK"."
  // "If the INVITE request whose response is being acknowledged had Route header fields, those
  // header fields MUST appear in the ACK."
  const via = firstHeaderValue(invite, "Via");
  return createRequest({
    method: "ACK",
    uri: invite.uriText,
    from: invite.header("From")!,
    to: response.header("To")!,
    callId: invite.callId,
    cseq: invite.cseq.seq,
    ...(via !== undefined ? { via } : {}),
    maxForwards: invite.maxForwards ?? 70,
    headers: copyFields(invite, "Route"),
  });
}
