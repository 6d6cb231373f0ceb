import type { RtpResumedEvent, RtpTimeoutEvent } from "./rtp-session-types.ts";

/**
 * The RTP inactivity timer of a session: a peer that should be sending and has sent nothing for
 * `timeoutMs` is reported once (`rtp-timeout`), and again when its packets come back
 * (`rtp-resumed`). RFC 3550 §6.3.5 times a silent participant out of the member list after a few
 * RTCP intervals; this is the media-level counterpart an application acts on (hang up a call
 * whose far end vanished). It runs only while the negotiated direction has the peer sending, so a
 * call on hold does not time out.
 */
export class RtpTimeout {
  readonly #timeoutMs: number;
  #last: number;
  #fired = false;
  #armed = true;

  /** `timeoutMs` 0 turns the timer off. */
  constructor(timeoutMs: number, now: number) {
    this.#timeoutMs = timeoutMs;
    this.#last = now;
  }

  /** When the timer fires, or undefined while it cannot (off, fired, or the peer is not sending). */
  get deadline(): number | undefined {
    if (this.#timeoutMs <= 0 || this.#fired || !this.#armed) return undefined;
    return this.#last + this.#timeoutMs;
  }

  /** An RTP packet from the peer at `now`: the event when the silence had been reported. */
  received(now: number): RtpResumedEvent | undefined {
    const silentMs = now - this.#last;
    this.#last = now;
    if (!this.#fired) return undefined;
    this.#fired = false;
    return { type: "rtp-resumed", silentMs };
  }

  /** Whether the peer should be sending (RFC 3264 direction); becoming so restarts the count at `now`. */
  expect(sending: boolean, now: number): void {
    if (sending && !this.#armed) {
      this.#last = now;
      this.#fired = false;
    }
    this.#armed = sending;
  }

  /** The event when the deadline has passed at `now`. */
  check(now: number): RtpTimeoutEvent | undefined {
    const d = this.deadline;
    if (d === undefined || now < d) return undefined;
    this.#fired = true;
    return { type: "rtp-timeout", silentMs: now - this.#last };
  }
}
