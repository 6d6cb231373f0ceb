import type { RAck, SipResponse } from "../sip/index.ts";
import type { Dialog } from "./dialog.ts";

/**
 * Reliable provisional responses (RFC 3262), both sides.
 *
 * UAS (§3): each reliable 1xx carries `Require: 100rel` and an RSeq one higher than the last; it is
 * retransmitted by the TU with an exponential back-off until a PRACK with a matching RAck arrives,
 * and only one may be unacknowledged at a time. UAC (§4): a reliable 1xx is PRACKed once, in RSeq
 * order; retransmissions and out-of-order ones are discarded.
 */

/** The UAS side's reliable provisionals of one INVITE. */
export class ReliableProvisionals<Q> {
  private next: number;
  /** The reliable 1xx waiting for its PRACK. */
  unacked: SipResponse | undefined = undefined;
  /** Its RSeq. */
  unackedRseq = 0;
  /** Whether it carried a session description (RFC 3262 §3: no 2xx until it is PRACKed). */
  carriesBody = false;
  /** Current retransmission interval and the time retransmissions give up (64*T1 after the first). */
  interval = 0;
  until = 0;
  /** Reliable provisionals asked for while one was unacknowledged, sent in order after its PRACK. */
  readonly waiting: Q[] = [];

  /**
   * @param random a uniform value in [0, 1). §3: "The value of the header field for the first
   *   reliable provisional response in a transaction MUST be between 1 and 2**31 - 1. It is
   *   RECOMMENDED that it be chosen uniformly in this range."
   */
  constructor(random: number) {
    // Drawn from the lower half, so that incrementing never passes 2**31 - 1 within one transaction.
    this.next = 1 + Math.floor(random * 0x3fffffff);
  }

  /**
   * Adds what makes a 1xx reliable to its header fields (§3: "the provisional response MUST contain
   * a Require header field containing the option tag 100rel" and an RSeq; "Each subsequent reliable
   * provisional response for the same request MUST have an RSeq value one higher than the
   * previous"), and returns that RSeq.
   */
  stamp(headers: [string, string][]): number {
    const rseq = this.next++;
    headers.push(["Require", "100rel"], ["RSeq", String(rseq)]);
    return rseq;
  }

  /** Notes the 1xx just sent reliably; the caller arms its first retransmission at `now + t1`. */
  sent(response: SipResponse, rseq: number, carriesBody: boolean, t1: number, now: number): void {
    this.unacked = response;
    this.unackedRseq = rseq;
    this.carriesBody = carriesBody;
    this.interval = t1;
    this.until = now + 64 * t1;
  }

  /**
   * Whether a PRACK's RAck acknowledges the unacknowledged 1xx (§3: "If the PRACK does not match any
   * unacknowledged reliable provisional response, the UAS MUST respond to the PRACK with a 481
   * response." The match is on the RSeq, and on the CSeq number and method of the INVITE).
   */
  acknowledges(rack: RAck, inviteSeq: number): boolean {
    return this.unacked !== undefined && rack.rseq === this.unackedRseq && rack.cseq === inviteSeq && rack.method === "INVITE";
  }

  /** The unacknowledged 1xx was PRACKed (or the INVITE got its final response). */
  acknowledged(): void {
    this.unacked = undefined;
    this.carriesBody = false;
  }
}

/** What the UAC does with a reliable 1xx on one early dialog (RFC 3262 §4). */
export type RseqVerdict = "new" | "repeat" | "gap";

/**
 * RFC 3262 §4: "If the UAC receives another reliable provisional response to the same request, and
 * its RSeq value is not one higher than the value of the sequence number, that response MUST NOT
 * be acknowledged with a PRACK, and MUST NOT be processed further by the UAC." The first one on a
 * dialog sets the sequence; repeats of the last one are retransmissions.
 */
export function checkRseq(dialog: Dialog, rseq: number): RseqVerdict {
  const last = dialog.lastRseq;
  if (last === -1 || rseq === last + 1) return "new";
  return rseq <= last ? "repeat" : "gap";
}
