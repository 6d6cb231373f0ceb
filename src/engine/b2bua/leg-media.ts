import { isMediaFailure } from "../../session/index.ts";
import type { MediaContext, MediaFailure, MediaHandler, OfferOptions, SessionBody } from "../../session/index.ts";

/**
 * The media handler of one leg of a call the engine handles, chosen after the INVITE arrived.
 *
 * The session core asks an incoming session's handler for the answer to the INVITE's offer at once,
 * before the application has seen the INVITE — but which media the call gets (a service's RTP, an
 * anchored B2BUA leg, or the other leg's SDP passed through) depends on where the call is routed,
 * which may take a lookup. So the offer is kept and answered with a body whose text is filled in
 * when the engine {@link LegMedia.bind binds} the real handler; the core reads it only when the
 * session rings with early media or answers, which the engine does after binding.
 */
export class LegMedia implements MediaHandler {
  readonly context: MediaContext;
  #inner: MediaHandler | undefined;
  #offer: SessionBody | undefined;
  #answer: SessionBody | undefined;
  #closed = false;
  /** The answer handed to the core before the handler was bound: it reads through to the real one. */
  readonly #pending: SessionBody;

  constructor(context: MediaContext, inner?: MediaHandler) {
    this.context = context;
    this.#inner = inner;
    const self = this;
    this.#pending = {
      get contentType() {
        return self.#answer?.contentType ?? "application/sdp";
      },
      get body() {
        return self.#answer?.body ?? "";
      },
    };
  }

  /** The handler bound, if any. */
  get inner(): MediaHandler | undefined {
    return this.#inner;
  }

  /** The offer of the INVITE, while no handler is bound. */
  get pendingOffer(): SessionBody | undefined {
    return this.#inner === undefined ? this.#offer : undefined;
  }

  /**
   * Binds the real handler. An offer taken before is given to it now: its answer becomes the one
   * the session sends, or its refusal is returned (the engine then rejects the INVITE with the
   * refusal's status).
   */
  bind(inner: MediaHandler): true | MediaFailure {
    if (this.#inner !== undefined) throw new Error("LegMedia: bound twice");
    if (this.#closed) {
      inner.close();
      return { ok: false, status: 487, reason: "the call ended before its media was chosen" };
    }
    this.#inner = inner;
    const offer = this.#offer;
    this.#offer = undefined;
    if (offer === undefined) return true;
    const r = inner.receiveOffer(offer);
    if (isMediaFailure(r)) return r;
    this.#answer = r;
    return true;
  }

  #need(): MediaHandler {
    if (this.#inner === undefined) throw new Error("LegMedia: no media handler bound yet");
    return this.#inner;
  }

  createOffer(options: OfferOptions): SessionBody {
    return this.#need().createOffer(options);
  }

  receiveOffer(offer: SessionBody): SessionBody | MediaFailure {
    if (this.#inner !== undefined) return this.#inner.receiveOffer(offer);
    this.#offer = offer;
    return this.#pending;
  }

  receiveAnswer(answer: SessionBody): true | MediaFailure {
    return this.#need().receiveAnswer(answer);
  }

  rollback(): void {
    this.#inner?.rollback();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner?.close();
  }

  get remoteHold(): boolean | undefined {
    return this.#inner?.remoteHold;
  }
}
