import { createAnswer } from "./answer.ts";
import { applyAnswer } from "./apply-answer.ts";
import type { SdpLocalOptions, SdpMediaCapabilities } from "./capabilities.ts";
import type { SdpDirection } from "./direction.ts";
import { negotiationFailure } from "./errors.ts";
import type { SdpNegotiationFailure } from "./errors.ts";
import type { NegotiatedStream } from "./negotiated.ts";
import { createOffer } from "./offer.ts";
import { parseSdp } from "./parse.ts";
import type { SessionDescription } from "./session-description.ts";

/** A message body carrying a session description. */
export interface SdpBody {
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

/** What a re-offer asks for. */
export interface SdpOfferRequest {
  /** Our direction from now on (RFC 3264 §8.4: sendonly or inactive holds, sendrecv resumes); absent keeps it. */
  readonly direction?: SdpDirection;
  /** Accepted for interface compatibility; transport addresses come from the capabilities. */
  readonly restart?: boolean;
}

interface State {
  local: SessionDescription | undefined;
  remote: SessionDescription | undefined;
  streams: NegotiatedStream[];
}

/**
 * The offer/answer state of one session as a synchronous object: it makes offers and answers from
 * our capabilities, applies answers, and remembers the last negotiated descriptions so that
 * re-offers keep the o= line (RFC 3264 §8) and a failed re-offer can be rolled back (RFC 3261
 * §14.1). It does no I/O; a session calls it with the bodies it sends and receives, and it has
 * the shape of a session's media handler (createOffer, receiveOffer, receiveAnswer, rollback,
 * close, remoteHold).
 */
export class SdpNegotiator {
  private options: SdpLocalOptions;
  private direction: SdpDirection | undefined;
  private state: State = { local: undefined, remote: undefined, streams: [] };
  private saved: State | undefined;
  private offer: SessionDescription | undefined;
  private sent: SessionDescription | undefined;
  /** Our offer that was answered last, for further answers to it from forks; cleared by any new exchange. */
  private answered: SessionDescription | undefined;
  private closed = false;

  constructor(options: SdpLocalOptions) {
    this.options = options;
  }

  /** Our last description that took effect (sent answer, or offer that was answered). */
  get localDescription(): SessionDescription | undefined {
    return this.state.local;
  }

  /** The peer's last description that took effect. */
  get remoteDescription(): SessionDescription | undefined {
    return this.state.remote;
  }

  /** The streams of the last completed exchange. */
  get streams(): readonly NegotiatedStream[] {
    return this.state.streams;
  }

  /** True when an offer we made awaits its answer. */
  get offerPending(): boolean {
    return this.offer !== undefined;
  }

  /**
   * Whether the peer's last description holds us (RFC 3264 §8.4): every accepted stream is
   * sendonly, inactive or at 0.0.0.0 from its side; undefined before the first exchange.
   */
  get remoteHold(): boolean | undefined {
    const live = this.state.streams.filter((s) => s.accepted);
    if (this.state.remote === undefined || live.length === 0) return undefined;
    return live.every((s) => s.remoteHold);
  }

  /** Replaces our media capabilities (new ports, codecs) for the next offer or answer. */
  setMedia(media: readonly SdpMediaCapabilities[]): void {
    this.options = { ...this.options, media };
  }

  private local(): SdpLocalOptions {
    const d = this.direction;
    const media = d === undefined ? this.options.media : this.options.media.map((m) => ({ ...m, direction: d }));
    // RFC 3264 §8: the version goes up from the last description we sent, rolled back or not, so
    // the peer never sees one version with two contents.
    return { ...this.options, media, previous: this.sent };
  }

  /** An initial offer or a re-offer (RFC 3264 §5, §8). */
  createOffer(request: SdpOfferRequest = {}): SdpBody {
    this.check();
    if (request.direction !== undefined) this.direction = request.direction;
    if (this.offer === undefined) this.saved = { ...this.state };
    this.answered = undefined;
    this.offer = this.sent = createOffer(this.local());
    return { contentType: "application/sdp", body: this.offer.toString() };
  }

  /** Answers the peer's offer; on failure nothing changes and the failure says what a 488 carries. */
  receiveOffer(body: SdpBody | string): SdpBody | SdpNegotiationFailure {
    this.check();
    const offer = parse(body);
    if (!("media" in offer)) return offer;
    const r = createAnswer(offer, this.local());
    if (!r.ok) return r;
    this.sent = r.answer;
    this.offer = undefined;
    this.answered = undefined;
    this.state = { local: r.answer, remote: offer, streams: r.streams };
    return { contentType: "application/sdp", body: r.answer.toString() };
  }

  /**
   * Applies the answer to our outstanding offer (RFC 3264 §7). It may be called again with another
   * answer to the same offer (forked early dialogs, RFC 3261 §13.2.2.4): the last one wins.
   */
  receiveAnswer(body: SdpBody | string): true | SdpNegotiationFailure {
    this.check();
    const offer = this.offer ?? this.answered;
    if (!offer) return negotiationFailure("NO_OFFER", "no offer outstanding");
    const answer = parse(body);
    if (!("media" in answer)) return answer;
    const r = applyAnswer(offer, answer);
    if (!r.ok) return r;
    if (this.offer) this.saved = undefined;
    this.state = { local: offer, remote: answer, streams: r.streams };
    this.offer = undefined;
    this.answered = offer;
    return true;
  }

  /** Drops an offer that failed (non-2xx, glare): back to the last negotiated state (RFC 3261 §14.1). */
  rollback(): void {
    if (this.offer === undefined) return;
    this.offer = undefined;
    if (this.saved) this.state = this.saved;
    this.saved = undefined;
  }

  /** Ends the negotiator; later calls throw. */
  close(): void {
    this.closed = true;
    this.offer = undefined;
  }

  private check(): void {
    if (this.closed) throw new Error("SdpNegotiator is closed");
  }
}

function parse(body: SdpBody | string): SessionDescription | SdpNegotiationFailure {
  const b = typeof body === "string" ? body : body.body;
  try {
    return parseSdp(b);
  } catch (e) {
    return negotiationFailure("BAD_SDP", e instanceof Error ? e.message : "malformed SDP");
  }
}

/** Creates a {@link SdpNegotiator} for one session. */
export function createSdpNegotiator(options: SdpLocalOptions): SdpNegotiator {
  return new SdpNegotiator(options);
}
