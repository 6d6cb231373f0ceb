import type { MediaFailure, MediaHandler, OfferOptions, SessionBody } from "../../session/index.ts";

/**
 * The media of a bridge that does not anchor: each leg's session description passes to the other
 * leg unchanged, and RTP flows between the two parties directly.
 *
 * The callee's leg (`RelayOffer`) offers what the caller offered and hands the callee's answer —
 * early (a 183) or final — to `onAnswer`; the caller's leg (`RelayAnswer`) answers with the
 * callee's answer. A later offer on either leg (a re-INVITE or UPDATE: hold, resume, new codec)
 * is answered from the answer in force with the direction that RFC 3264 §6.1 gives it and handed
 * to `onOffer`, which passes it to the other leg.
 */
export class RelayOffer implements MediaHandler {
  #offer: SessionBody;
  #answer: SessionBody | undefined;
  /** The callee's answer (early, final, or to a re-offer passed through). */
  onAnswer: ((answer: SessionBody) => void) | undefined;
  /** A later offer from the callee. */
  onOffer: ((offer: SessionBody) => void) | undefined;

  constructor(offer: SessionBody) {
    this.#offer = offer;
  }

  /** The next offer this leg makes (the caller's re-offer passed through). */
  setOffer(offer: SessionBody): void {
    this.#offer = offer;
  }

  createOffer(_options: OfferOptions): SessionBody {
    return this.#offer;
  }

  receiveAnswer(answer: SessionBody): true | MediaFailure {
    this.#answer = answer;
    this.onAnswer?.(answer);
    return true;
  }

  receiveOffer(offer: SessionBody): SessionBody | MediaFailure {
    if (this.#answer === undefined) return { ok: false, status: 491, reason: "no answer in force to answer from" };
    this.onOffer?.(offer);
    return answerFrom(this.#offer, offer);
  }

  rollback(): void {}

  close(): void {}

  get remoteHold(): boolean | undefined {
    return this.#answer === undefined ? undefined : holds(this.#answer);
  }
}

/** The caller's leg of a relaying bridge: answers with the callee's answer. See {@link RelayOffer}. */
export class RelayAnswer implements MediaHandler {
  #answer: SessionBody;
  #offer: SessionBody | undefined;
  #next: SessionBody | undefined;
  /** A later offer from the caller. */
  onOffer: ((offer: SessionBody) => void) | undefined;
  /** The caller's answer to an offer of the callee passed through. */
  onAnswer: ((answer: SessionBody) => void) | undefined;

  constructor(answer: SessionBody) {
    this.#answer = answer;
  }

  /** The callee's answer now in force (after a re-offer passed through). */
  setAnswer(answer: SessionBody): void {
    this.#answer = answer;
  }

  /** The next offer this leg makes (the callee's re-offer passed through). */
  setOffer(offer: SessionBody): void {
    this.#next = offer;
  }

  createOffer(_options: OfferOptions): SessionBody {
    return this.#next ?? this.#answer;
  }

  receiveAnswer(answer: SessionBody): true | MediaFailure {
    this.#offer = answer;
    this.onAnswer?.(answer);
    return true;
  }

  receiveOffer(offer: SessionBody): SessionBody | MediaFailure {
    if (this.#offer === undefined) {
      // The INVITE's offer: answered with the callee's answer.
      this.#offer = offer;
      return this.#answer;
    }
    this.#offer = offer;
    this.onOffer?.(offer);
    return answerFrom(this.#answer, offer);
  }

  rollback(): void {}

  close(): void {}

  get remoteHold(): boolean | undefined {
    return this.#offer === undefined ? undefined : holds(this.#offer);
  }
}

const text = (b: SessionBody) => (typeof b.body === "string" ? b.body : new TextDecoder().decode(b.body));

/** Whether a description asks the other side not to send (RFC 3264 §8.4). */
function holds(body: SessionBody): boolean {
  const t = text(body);
  return /^a=(sendonly|inactive)\r?$/m.test(t) || /^c=IN IP4 0\.0\.0\.0\r?$/m.test(t);
}

/**
 * The answer to a re-offer from the answer in force (`previous`): the same description, its
 * session version one higher (RFC 3264 §8: "the version [...] MUST be incremented"), each stream's
 * direction the one §6.1 pairs with the offer's (sendonly → recvonly, inactive → inactive,
 * recvonly → sendonly, sendrecv → sendrecv).
 */
export function answerFrom(previous: SessionBody, offer: SessionBody): SessionBody {
  const o = text(offer);
  const dir = /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(o)?.[1] ?? "sendrecv";
  const mirror = dir === "sendonly" ? "recvonly" : dir === "recvonly" ? "sendonly" : dir;
  const lines = text(previous).split(/\r?\n/).filter((l) => l.length > 0 && !/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l));
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith("o=")) {
      const f = line.split(" ");
      if (f.length >= 6 && /^\d+$/.test(f[2]!)) f[2] = String(BigInt(f[2]!) + 1n);
      out.push(f.join(" "));
      continue;
    }
    out.push(line);
    if (line.startsWith("m=")) out.push(`a=${mirror}`);
  }
  return { contentType: previous.contentType, body: `${out.join("\r\n")}\r\n` };
}
