import type { RtpMediaEvent, RtpMediaHandler } from "../driver/index.ts";
import type { CallQuality } from "../media/index.ts";
import type { Initiator, InviteSession, TerminationReason } from "../session/index.ts";
import type { SipResponse } from "../sip/index.ts";
import type { Flow } from "../transport/index.ts";
import { CallAudio } from "./audio.ts";
import { Emitter } from "./emitter.ts";
import { ClientError } from "./errors.ts";
import type { ClientErrorCode } from "./errors.ts";
import { waitUntil } from "./wait.ts";
import type { WaitOptions } from "./wait.ts";

/**
 * Where a call is:
 *
 *     calling ──> ringing ──> early ──┐
 *        └───────────┴──────────┴─────┴──> active <──> held
 *                                            │           │
 *     (any) ─────────────────────────────> ending ──> ended
 *
 * `calling`: the INVITE is out; `ringing`: the peer rings (18x); `early`: early media flows (a 183
 * with SDP); `active`: answered; `held`: either side put the call on hold (RFC 3264 §8.4, see
 * {@link Call.localHold} and {@link Call.remoteHold}); `ending`: BYE or CANCEL sent; `ended`.
 */
export type CallState = "calling" | "ringing" | "early" | "active" | "held" | "ending" | "ended";

/** Why a call ended: the session's reasons, and the user agent's own. */
export type CallEndReason =
  | TerminationReason
  /** No RTP arrived for the media timeout while the peer should have been sending: we hung up. */
  | "media-timeout"
  /** The user agent closed. */
  | "closed";

/** A call's quality now (see `CallQuality` of siphon/media): loss, jitter, RTT, MOS, counters. */
export type CallStats = CallQuality;

/** The events of a {@link Call}. */
export interface CallEvents {
  /** Every state change. */
  state: { readonly state: CallState; readonly previous: CallState };
  /** A provisional response to our INVITE (100 excluded). */
  progress: { readonly status: number; readonly reason: string };
  /** The call was put on hold, by us or by the peer. */
  hold: { readonly by: Initiator };
  /** The call was taken off hold. */
  resume: { readonly by: Initiator };
  /** A DTMF digit from the peer: RFC 4733 telephone-event, or SIP INFO. */
  dtmf: { readonly digit: string; readonly durationMs: number | undefined; readonly via: "rtp" | "info" };
  /** Quality figures after each RTCP report sent or received. */
  quality: { readonly quality: CallQuality };
  /** No RTP for `silentMs` while the peer should be sending (the call is hung up, see `mediaTimeoutMs`). */
  "media-timeout": { readonly silentMs: number };
  /** With `forking: "all"`: another endpoint answered the same INVITE; `call` is its call. */
  forked: { readonly call: Call };
  /** The call ended. `status` when a response ended it. */
  ended: { readonly reason: CallEndReason; readonly by: Initiator; readonly status: number | undefined; readonly quality: CallQuality | undefined };
}

/** @internal What a call needs from its user agent. */
export interface CallHost {
  readonly runtime: { now(): number; setTimer(ms: number, f: () => void): unknown; clearTimer(h: unknown): void };
  /** Our own time for session methods. */
  now(): number;
  /** Ms to wait for a final response to a re-INVITE or BYE. */
  readonly requestTimeoutMs: number;
  /** The call is gone: forget it. */
  released(call: Call): void;
}

/**
 * A call: an INVITE session (RFC 3261 §13–§15) with its RTP media. Made by `ua.call()` (resolved
 * when answered) or `incoming.answer()`. Every operation that waits takes an AbortSignal and has a
 * timeout; everything that happens to the call is an event (`call.on("ended", …)`).
 */
export class Call {
  /** Outgoing (we called) or incoming. */
  readonly direction: "outgoing" | "incoming";
  /** The SIP Call-ID. */
  readonly callId: string;
  /** The call's audio: PCM in and out, tones, WAV files. */
  readonly audio: CallAudio;
  readonly #events = new Emitter<CallEvents>();
  readonly #session: InviteSession<Flow>;
  readonly #host: CallHost;
  #state: CallState;
  #end: CallEvents["ended"] | undefined;
  #endReason: CallEndReason | undefined;
  #final: CallQuality | undefined;

  /** @internal Made by the user agent. */
  constructor(host: CallHost, session: InviteSession<Flow>, direction: "outgoing" | "incoming") {
    this.#host = host;
    this.#session = session;
    this.direction = direction;
    this.callId = session.callId;
    this.#state = direction === "outgoing" ? "calling" : "active";
    const media = this.media;
    this.audio = new CallAudio(media, host.runtime);
    media.onEvent = (e) => this.#mediaEvent(e);
    // DTMF by SIP INFO (application/dtmf-relay) when telephone-event was not negotiated.
    media.sendInfo = (body) => {
      try {
        session.request("INFO", host.now(), { body: body.body, contentType: body.contentType });
      } catch {
        // the session is ending: the digit is dropped with it
      }
    };
  }

  /** The state now. */
  get state(): CallState {
    return this.#state;
  }

  /** The remote party (To of an outgoing call, From of an incoming one), as written. */
  get remoteIdentity(): string | undefined {
    return this.#session.dialog?.remoteUri;
  }

  /** Whether we put the call on hold. */
  get localHold(): boolean {
    return this.#session.localHold;
  }

  /** Whether the peer put the call on hold. */
  get remoteHold(): boolean {
    return this.#session.remoteHold;
  }

  /** The negotiated codec (`PCMU`, `opus`…), once media runs. */
  get codec(): string | undefined {
    return this.media.stream?.codecs[0]?.name;
  }

  /** Whether the media is encrypted (SDES-SRTP, RFC 4568). */
  get secure(): boolean {
    return this.media.stream?.crypto !== undefined;
  }

  /** The session underneath (siphon/session), for what this API does not cover. */
  get session(): InviteSession<Flow> {
    return this.#session;
  }

  /** @internal */
  get media(): RtpMediaHandler {
    return this.#session.media as RtpMediaHandler;
  }

  /** Listens for `type` events; returns the function that stops listening. */
  on<K extends keyof CallEvents>(type: K, listener: (event: CallEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Resolves when the call reaches `state` (at once when it is there). Rejects with ENDED when the
   * call ends first (unless `ended` is awaited), TIMEOUT (default: none… 1 hour) or ABORTED.
   */
  waitFor(state: CallState, options: WaitOptions = {}): Promise<void> {
    return waitUntil<void>(this.#host.runtime, `waitFor(${state})`, options, 3_600_000, (w) => {
      if (this.#state === state) return w.resolve();
      if (this.#state === "ended") return w.reject(this.#endedError());
      return this.#events.on("state", (e) => {
        if (e.state === state) w.resolve();
        else if (e.state === "ended") w.reject(this.#endedError());
      });
    });
  }

  /**
   * Puts the call on hold (RFC 3264 §8.4: a re-INVITE offering `sendonly`, or `inactive`).
   * Resolves on the 2xx; on a failure the call goes on as before (RFC 3261 §14.1) and the promise
   * rejects with REINVITE_FAILED carrying the status.
   */
  hold(options: WaitOptions & { readonly direction?: "sendonly" | "inactive" } = {}): Promise<void> {
    return this.#modify("hold", options, (now) => this.#session.hold(now, options.direction !== undefined ? { direction: options.direction } : {}));
  }

  /** Takes the call off hold (a re-INVITE offering `sendrecv`); as {@link Call.hold}. */
  resume(options: WaitOptions = {}): Promise<void> {
    return this.#modify("resume", options, (now) => this.#session.resume(now));
  }

  /**
   * Sends DTMF digits (0-9 * # A-D): RFC 4733 telephone-events in the RTP stream when negotiated,
   * else one SIP INFO per digit (`application/dtmf-relay`). Resolves when they have been sent,
   * with the way they went.
   */
  async sendDtmf(digits: string, options: { readonly durationMs?: number; readonly signal?: AbortSignal } = {}): Promise<"rtp" | "info"> {
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) throw new ClientError("BAD_ARGUMENT", `sendDtmf: ${JSON.stringify(digits)} is not DTMF (0-9 * # A-D)`);
    if (this.#state !== "active" && this.#state !== "held" && this.#state !== "early") throw new ClientError("INVALID_STATE", `sendDtmf in state ${this.#state}`);
    const durationMs = options.durationMs ?? 100;
    const how = this.media.sendDtmf(digits.toUpperCase(), { durationMs });
    if (how === false) throw new ClientError("MEDIA", "sendDtmf: no telephone-event and no dialog for INFO");
    if (how === "rtp") {
      // The events go out on the media clock: each digit lasts durationMs, with a gap between.
      await waitUntil<void>(this.#host.runtime, "sendDtmf", { ...(options.signal ? { signal: options.signal } : {}), timeoutMs: digits.length * (durationMs + 100) + 1000 }, 0, (w) => {
        const h = this.#host.runtime.setTimer(digits.length * (durationMs + 60) + 60, () => w.resolve());
        return () => this.#host.runtime.clearTimer(h);
      });
    }
    return how;
  }

  /**
   * Ends the call: CANCEL before the answer, BYE after it (RFC 3261 §9, §15). Resolves once the
   * call has ended (at the latest after the request's timeout); a call that ended already resolves at once.
   */
  hangup(options: WaitOptions = {}): Promise<void> {
    if (this.#state === "ended") return Promise.resolve();
    const s = this.#session;
    try {
      if (s.state === "calling" || s.state === "early") s.cancel(this.#host.now());
      else if (s.state === "incoming" || s.state === "answering") s.reject(480, this.#host.now());
      else if (s.state === "confirmed") s.bye(this.#host.now());
    } catch {
      // already ending: wait for the end
    }
    this.#set("ending");
    return waitUntil<void>(this.#host.runtime, "hangup", options, this.#host.requestTimeoutMs + 1000, (w) => {
      if (this.#state === "ended") return w.resolve();
      return this.#events.on("ended", () => w.resolve());
    }).catch((error: unknown) => {
      // The peer never answered the BYE: the call is over for us all the same.
      if (error instanceof ClientError && error.code === "TIMEOUT") this.#ended("timeout", "local", undefined);
      else throw error;
    });
  }

  /** The call's quality now (after the end: the final figures); undefined before media ran. */
  stats(): CallStats | undefined {
    return this.#final ?? this.media.quality;
  }

  /** How the call ended, once it has. */
  get endReason(): CallEndReason | undefined {
    return this.#end?.reason;
  }

  // ------------------------------------------------------------------------------------------ from the user agent

  /** @internal A provisional response to our INVITE. */
  progress(response: SipResponse, early: boolean): void {
    if (response.status === 100) return;
    this.#events.emit("progress", { status: response.status, reason: response.reason });
    if (early) this.#set("early");
    else if (this.#state === "calling") this.#set("ringing");
  }

  /** @internal The INVITE was answered (UAC) or the ACK came (UAS). */
  established(): void {
    this.#set(this.#session.localHold || this.#session.remoteHold ? "held" : "active");
  }

  /** @internal A hold or resume happened. */
  holdChanged(type: "hold" | "resume", by: Initiator): void {
    this.#events.emit(type, { by });
    if (this.#state === "active" || this.#state === "held") this.established();
  }

  /** @internal Our re-INVITE or UPDATE succeeded or failed. */
  modified(ok: boolean, status: number): void {
    this.#modifyWaiter?.(ok, status);
  }

  /** @internal Another fork answered (forking "all"). */
  forked(call: Call): void {
    this.#events.emit("forked", { call });
  }

  /** @internal The session ended. */
  terminated(reason: TerminationReason, by: Initiator, status: number | undefined): void {
    this.#ended(this.#endReason ?? reason, by, status);
  }

  /** @internal The user agent is closing. */
  closing(): void {
    this.#endReason ??= "closed";
  }

  #ended(reason: CallEndReason, by: Initiator, status: number | undefined): void {
    if (this.#state === "ended") return;
    this.#final = this.media.quality;
    this.media.close();
    this.#end = { reason, by, status, quality: this.#final };
    this.#set("ended");
    this.#events.emit("ended", this.#end);
    this.#host.released(this);
  }

  #endedError(): ClientError {
    const e = this.#end;
    return new ClientError("ENDED", `the call ended (${e?.reason ?? "unknown"})`, { status: e?.status });
  }

  #modifyWaiter: ((ok: boolean, status: number) => void) | undefined;

  #modify(what: "hold" | "resume", options: WaitOptions, send: (now: number) => void): Promise<void> {
    if (this.#state !== "active" && this.#state !== "held") {
      return Promise.reject(new ClientError("INVALID_STATE", `${what} in state ${this.#state}`));
    }
    if (this.#modifyWaiter !== undefined) return Promise.reject(new ClientError("INVALID_STATE", `${what}: another hold or resume is in progress`));
    return waitUntil<void>(this.#host.runtime, what, options, this.#host.requestTimeoutMs + 1000, (w) => {
      this.#modifyWaiter = (ok, status) => {
        if (ok) w.resolve();
        else w.reject(new ClientError("REINVITE_FAILED", `${what}: the re-INVITE failed with ${status}; the call goes on as before`, { status }));
      };
      const offEnded = this.#events.on("ended", () => w.reject(this.#endedError()));
      try {
        send(this.#host.now());
      } catch (error) {
        w.reject(new ClientError("INVALID_STATE", `${what}: ${(error as Error).message}`, { cause: error }));
      }
      return () => {
        this.#modifyWaiter = undefined;
        offEnded();
      };
    });
  }

  #mediaEvent(e: RtpMediaEvent): void {
    switch (e.type) {
      case "dtmf":
        if (e.digit !== undefined) this.#events.emit("dtmf", { digit: e.digit, durationMs: e.durationMs, via: "rtp" });
        break;
      case "info-dtmf":
        this.#events.emit("dtmf", { digit: e.digit, durationMs: e.durationMs, via: "info" });
        break;
      case "quality":
        this.#events.emit("quality", { quality: e.quality });
        break;
      case "rtp-timeout":
        // The peer vanished (no RTP, no BYE): end the call rather than hold it open for ever.
        this.#events.emit("media-timeout", { silentMs: e.silentMs });
        if (this.#state === "active" || this.#state === "held") {
          this.#endReason = "media-timeout";
          void this.hangup().catch(() => undefined);
        }
        break;
      default:
        break;
    }
  }

  #set(state: CallState): void {
    const previous = this.#state;
    if (previous === state || previous === "ended") return;
    this.#state = state;
    this.#events.emit("state", { state, previous });
  }
}

/** @internal The typed failure of a call that ended before it was answered. */
export function callFailure(reason: TerminationReason, status: number | undefined, response: SipResponse | undefined, aborted: boolean): ClientError {
  const why = response?.reason ?? (status !== undefined ? String(status) : reason);
  const code: ClientErrorCode = aborted
    ? "ABORTED"
    : reason === "rejected"
      ? status === 401 || status === 407
        ? "AUTH_FAILED"
        : "REJECTED"
      : reason === "cancel"
        ? "CANCELLED"
        : reason === "timeout"
          ? "TIMEOUT"
          : reason === "transport"
            ? "TRANSPORT"
            : reason === "media"
              ? "MEDIA"
              : "ENDED";
  return new ClientError(code, `the call failed: ${status !== undefined ? `${status} ` : ""}${why}`, { status, reason: response?.reason });
}
