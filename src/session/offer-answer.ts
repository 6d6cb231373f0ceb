import { assertNever } from "./strings.ts";

/**
 * The offer/answer state of one session (RFC 3264 §4, RFC 6337 §2):
 *
 * ```
 *                  send offer                      receive answer
 *   +------+  ---------------------> +-------------+ -------------------+
 *   | none |                         | local-offer |                    |
 *   +------+  <--------------------- +-------------+                    V
 *     |  ^      rollback (no answer yet)       ^  rollback       +--------+
 *     |  |                                     +---------------- | stable |
 *     |  | refuse offer            send offer (re-offer)         +--------+
 *     |  |                         receive offer (re-offer)        |   ^
 *     V  |                                     +---------------- +   |
 *   +--------------+ ------------------------- V                     |
 *   | remote-offer |   send answer -------------------------------->-+
 *   +--------------+
 * ```
 *
 * The carriers an offer can travel in (RFC 6337 §2.1, Table 1) are kept with it, because the
 * answer must come in the matching message: an offer in an INVITE is answered in a reliable 1xx
 * or the 2xx, one in a 2xx in the ACK, one in a reliable 1xx in its PRACK, one in a PRACK or
 * UPDATE in that request's 2xx.
 */
export type OfferAnswerState = "none" | "local-offer" | "remote-offer" | "stable";

/** Where a pending offer travelled (RFC 6337 §2.1). */
export type OfferCarrier = "INVITE" | "reliable-1xx" | "2xx" | "PRACK" | "UPDATE";

/** Allowed predecessors of each state; anything else is a bug in the caller. */
const FROM: Record<OfferAnswerState, readonly OfferAnswerState[]> = {
  none: ["local-offer", "remote-offer"],
  "local-offer": ["none", "stable"],
  "remote-offer": ["none", "stable"],
  stable: ["local-offer", "remote-offer"],
};

/** The RFC 3264 offer/answer exchange of a session, one offer outstanding at a time. */
export class OfferAnswer {
  private current: OfferAnswerState = "none";
  private completedOnce = false;
  /** Where the outstanding offer went, while one is outstanding. */
  carrier: OfferCarrier | undefined = undefined;

  /** The current state. */
  get state(): OfferAnswerState {
    return this.current;
  }

  /** True once an offer/answer exchange has completed: the session has negotiated media. */
  get negotiated(): boolean {
    return this.completedOnce;
  }

  /** No offer is outstanding in either direction: a new one may be made or taken. */
  get idle(): boolean {
    return this.current === "none" || this.current === "stable";
  }

  /** We sent an offer in `carrier`. */
  sentOffer(carrier: OfferCarrier): void {
    this.transition("local-offer");
    this.carrier = carrier;
  }

  /** The peer sent an offer in `carrier`. */
  receivedOffer(carrier: OfferCarrier): void {
    this.transition("remote-offer");
    this.carrier = carrier;
  }

  /** The outstanding offer was answered (by us or by the peer). */
  answered(): void {
    this.transition("stable");
    this.completedOnce = true;
  }

  /**
   * The outstanding offer came to nothing (a non-2xx to the request that carried it, glare, a
   * refused remote offer): back to the state before it (RFC 3261 §14.1: "the session parameters
   * MUST remain unchanged, as if no re-INVITE had been issued").
   */
  withdrawn(): void {
    this.transition(this.completedOnce ? "stable" : "none");
  }

  /** The one place the state changes. */
  private transition(to: OfferAnswerState): void {
    const from = this.current;
    // RFC 3264 §4: an offerer "MUST NOT generate a new offer until it has received an answer for
    // the previous one" (and RFC 6337 §2.2: one offer outstanding at a time); callers check `idle`
    // before making or taking an offer, so a refused transition is a bug, not bad input.
    if (!FROM[to].includes(from)) throw new Error(`offer/answer: no transition from ${from} to ${to}`);
    this.current = to;
    switch (to) {
      case "none":
      case "stable":
        this.carrier = undefined;
        break;
      case "local-offer":
      case "remote-offer":
        break;
      default:
        assertNever(to, "offer/answer state");
    }
  }
}
