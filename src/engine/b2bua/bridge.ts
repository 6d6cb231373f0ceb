import type { RtpMediaHandler } from "../../driver/index.ts";
import type { InviteSession, SessionBody, SessionEvent } from "../../session/index.ts";
import type { Flow } from "../../transport/index.ts";
import type { LegMedia } from "./leg-media.ts";
import type { RelayAnswer, RelayOffer } from "./relay-media.ts";

/** The two media sides of a bridge: two RTP handlers (anchored) or two relays (SDP passed through). */
export type BridgeMedia =
  | { readonly kind: "anchored"; readonly caller: RtpMediaHandler; readonly callee: RtpMediaHandler }
  | { readonly kind: "relay"; readonly callee: RelayOffer; caller: RelayAnswer | undefined };

/** What a bridge asks of the engine that made it. */
export interface BridgeHost {
  now(): number;
  /** The caller's leg answered or ended, or the callee's answered: the CDR moves on. */
  answered(bridge: Bridge): void;
  ended(bridge: Bridge, status: number | undefined, by: "caller" | "callee" | "engine"): void;
  /** Makes the caller's relay once the callee's first answer is known (relay bridges). */
  relayAnswer(bridge: Bridge, answer: SessionBody): RelayAnswer;
}

/**
 * Maps the callee leg's failure to the final status the caller gets (RFC 3261 §16.7 chooses among
 * responses the same way a proxy would): the callee's own status for 4xx–6xx, except that a
 * challenge we could not answer (401, 407) is a 502 Bad Gateway and a redirect a 480 (the engine
 * does not recurse on 3xx); no response at all is 408 (timeout) or 503 (transport).
 */
export function callerStatus(reason: string, status: number | undefined): number {
  if (status === undefined) return reason === "timeout" ? 408 : reason === "media" ? 488 : 503;
  if (status === 401 || status === 407) return 502;
  if (status >= 300 && status < 400) return 480;
  if (status === 408 && reason === "transport") return 503;
  if (status < 400 || status > 699) return 500;
  return status;
}

/**
 * Two INVITE sessions bridged by the B2BUA: the caller's leg (we are its UAS) and the callee's
 * (we are its UAC). Each leg is a session of its own — its own dialog, CSeq, PRACK and session
 * timer — and the bridge passes between them what a party must see of the other:
 *
 * - provisional responses in the order they came (a 183 with early media, then a quick 200, stay
 *   in order: a reliable 183 holds the 200 back until its PRACK, RFC 3262 §3), reliable when the
 *   callee's was;
 * - the answer (200) once the callee's 2xx is ACKed, or its failure mapped by {@link callerStatus};
 * - CANCEL from the caller (the callee's INVITE is cancelled, §9.1), BYE from either side;
 * - hold and resume (RFC 3264 §8.4) by re-INVITE or UPDATE, as the method that carried them;
 *   with a relay, every re-offer (a new codec or address) is passed to the other leg;
 * - INFO (DTMF relay) to the other leg.
 */
export class Bridge {
  readonly id: string;
  readonly caller: InviteSession<Flow>;
  readonly callerMedia: LegMedia;
  callee: InviteSession<Flow> | undefined;
  readonly media: BridgeMedia;
  readonly #host: BridgeHost;
  /** The method of the last change the peer of each leg made (re-INVITE or UPDATE). */
  #lastMethod: { caller: "INVITE" | "UPDATE"; callee: "INVITE" | "UPDATE" } = { caller: "INVITE", callee: "INVITE" };
  #done = false;

  constructor(id: string, caller: InviteSession<Flow>, callerMedia: LegMedia, media: BridgeMedia, host: BridgeHost) {
    this.id = id;
    this.caller = caller;
    this.callerMedia = callerMedia;
    this.media = media;
    this.#host = host;
    // An anchored bridge's media (relay or transcoding) is the engine's AnchorMedia.
    if (media.kind === "relay") {
      media.callee.onAnswer = (answer) => this.#calleeAnswer(answer);
      media.callee.onOffer = (offer) => {
        const r = this.media.kind === "relay" ? this.media.caller : undefined;
        r?.setOffer(offer);
      };
    }
  }

  /** Whether the bridge is over (both legs ended or ending). */
  get done(): boolean {
    return this.#done;
  }

  /** The callee's leg was created (its INVITE sent). */
  calleeStarted(session: InviteSession<Flow>): void {
    this.callee = session;
    // The caller may have cancelled while the callee's next hop was being located.
    if (this.caller.state === "terminated") session.terminate(this.#host.now());
  }

  /** The callee's INVITE could not be sent (no route, DNS failure, overload). */
  calleeFailed(status: number): void {
    this.#rejectCaller(status);
    this.#end(status, "engine");
  }

  #calleeAnswer(answer: SessionBody): void {
    if (this.media.kind !== "relay") return;
    if (this.media.caller === undefined) {
      const relay = this.#host.relayAnswer(this, answer);
      this.media.caller = relay;
      relay.onOffer = (offer) => this.media.kind === "relay" && this.media.callee.setOffer(offer);
      relay.onAnswer = (a) => this.media.kind === "relay" && this.media.callee.setOffer(a);
      const bound = this.callerMedia.bind(relay);
      if (bound !== true) this.#rejectCaller(bound.status ?? 488);
      return;
    }
    this.media.caller.setAnswer(answer);
  }

  #rejectCaller(status: number): void {
    const s = this.caller.state;
    if (s === "incoming" || s === "early") this.caller.reject(status, this.#host.now());
  }

  /** An event of either leg. */
  handle(e: SessionEvent<Flow>, now: number): void {
    if (e.type === "request" || e.type === "response" || e.type === "incoming") {
      if (e.type === "request") this.#relayRequest(e, now);
      return;
    }
    const fromCaller = e.session === this.caller;
    const other = fromCaller ? this.callee : this.caller;
    switch (e.type) {
      case "progress":
      case "early-media": {
        // Only the callee's leg (we are its UAC) has provisional responses.
        if (fromCaller || (this.caller.state !== "incoming" && this.caller.state !== "early")) return;
        if (e.type === "early-media") {
          // The 183 that carried the early answer went as `progress` already; with an anchor the
          // early media reaches the caller through our 183 (sent for the callee's 183).
          return;
        }
        const status = e.response.status;
        if (status <= 100) return;
        const sdp = e.response.body.length > 0;
        // A relay has the caller's answer only once the callee sent one; an anchor always has its own.
        const early = sdp && (this.media.kind === "anchored" || this.media.caller !== undefined);
        this.caller.ring(now, { status, reason: e.response.reason, reliable: e.reliable, ...(early ? { earlyMedia: true } : {}) });
        return;
      }
      case "answered":
        if (fromCaller) return;
        if (this.caller.state === "incoming" || this.caller.state === "early") {
          this.caller.answer(now);
          this.#host.answered(this);
        }
        return;
      case "confirmed":
        return;
      case "forked":
        return;
      case "modified": {
        if (e.by !== "remote") return;
        if (e.method === "INVITE" || e.method === "UPDATE") this.#lastMethod[fromCaller ? "caller" : "callee"] = e.method;
        // A relay passes every re-offer on: the other party must see the new description.
        if (this.media.kind === "relay" && other !== undefined && other.state === "confirmed") {
          if (e.method === "UPDATE") other.update(now);
          else other.reinvite(now);
        }
        return;
      }
      case "hold":
      case "resume": {
        if (e.by !== "remote" || this.media.kind !== "anchored" || other === undefined || other.state !== "confirmed") return;
        // RFC 3264 §8.4 across the anchor: the other party is held (or resumed) by the same method.
        const method = this.#lastMethod[fromCaller ? "caller" : "callee"];
        if (e.type === "hold") other.hold(now, { method });
        else other.resume(now, { method });
        return;
      }
      case "modify-failed":
        return;
      case "terminated":
        this.#terminated(fromCaller, e.reason, e.status, now);
        return;
      default:
        return;
    }
  }

  #terminated(fromCaller: boolean, reason: string, status: number | undefined, now: number): void {
    if (fromCaller) {
      // The caller cancelled (§9.1: the CANCEL goes on to the callee), hung up, or its leg failed.
      this.callee?.terminate(now);
      this.#end(reason === "cancel" ? 487 : status, "caller");
      return;
    }
    const c = this.caller;
    if (c.state === "incoming" || c.state === "early") {
      const mapped = callerStatus(reason, status);
      c.reject(mapped, now);
      this.#end(mapped, "callee");
      return;
    }
    if (c.state !== "terminated") c.terminate(now);
    this.#end(status, "callee");
  }

  #relayRequest(e: Extract<SessionEvent<Flow>, { type: "request" }>, now: number): void {
    const other = e.session === this.caller ? this.callee : this.caller;
    const ct = e.request.header("Content-Type");
    if (other === undefined || other.state !== "confirmed") return;
    other.request(e.request.method, now, {
      ...(e.request.body.length > 0 ? { body: e.request.body, contentType: ct ?? "application/octet-stream" } : {}),
    });
  }

  #end(status: number | undefined, by: "caller" | "callee" | "engine"): void {
    if (this.#done) return;
    this.#done = true;
    this.#host.ended(this, status, by);
  }
}
