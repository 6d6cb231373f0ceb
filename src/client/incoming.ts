import type { InviteSession } from "../session/index.ts";
import type { SipRequest } from "../sip/index.ts";
import type { Flow } from "../transport/index.ts";
import { Call } from "./call.ts";
import type { CallHost } from "./call.ts";
import { Emitter } from "./emitter.ts";
import { ClientError } from "./errors.ts";
import { waitUntil } from "./wait.ts";
import type { WaitOptions } from "./wait.ts";

/** Where an incoming call is before it becomes a {@link Call}. */
export type IncomingState = "pending" | "ringing" | "answering" | "answered" | "rejected" | "cancelled" | "ended";

/** The events of an {@link IncomingCall}. */
export interface IncomingEvents {
  /** The caller cancelled (RFC 3261 §9) or the INVITE failed before we answered. */
  cancelled: { readonly reason: string };
}

/** @internal What an incoming call needs from its user agent. */
export interface IncomingHost extends CallHost {
  /** Makes the Call of an answered session (and files it). */
  adopt(session: InviteSession<Flow>): Call;
}

/**
 * A new call for us: an INVITE (RFC 3261 §13.3) not answered yet. `ring()`, then `answer()` (a
 * {@link Call} once the ACK came), `reject(status)` or `redirect(targets)`. The caller may cancel at
 * any time: `state` becomes `cancelled` and a pending `answer()` rejects with CANCELLED.
 */
export class IncomingCall {
  /** The INVITE. */
  readonly request: SipRequest;
  /** The SIP Call-ID. */
  readonly callId: string;
  readonly #session: InviteSession<Flow>;
  readonly #host: IncomingHost;
  readonly #events = new Emitter<IncomingEvents & { settled: { readonly call?: Call; readonly error?: ClientError } }>();
  #state: IncomingState = "pending";

  /** @internal Made by the user agent. */
  constructor(host: IncomingHost, session: InviteSession<Flow>, request: SipRequest) {
    this.#host = host;
    this.#session = session;
    this.request = request;
    this.callId = session.callId;
  }

  /** The caller, as written in From (display name and URI). */
  get from(): string {
    return this.request.header("From")?.replace(/;\s*tag=[^;]*/i, "") ?? "";
  }

  /** The callee, as written in To. */
  get to(): string {
    return this.request.header("To") ?? "";
  }

  /** The caller's URI. */
  get fromUri(): string {
    return String(this.request.from.uri);
  }

  /** The state now. */
  get state(): IncomingState {
    return this.#state;
  }

  /** The session underneath (siphon/session). */
  get session(): InviteSession<Flow> {
    return this.#session;
  }

  /** Listens for `type` events; returns the function that stops listening. */
  on<K extends keyof IncomingEvents>(type: K, listener: (event: IncomingEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Sends 180 Ringing, or 183 Session Progress with our answer for early media. Reliably (RFC 3262)
   * when the caller requires 100rel, or with `reliable: true` when it supports it; a reliable 1xx
   * should be PRACKed before the call is answered (a PRACK crossing our 2xx is refused 481).
   */
  ring(options: { readonly earlyMedia?: boolean; readonly reliable?: boolean } = {}): void {
    this.#check("ring", "pending", "ringing");
    this.#session.ring(this.#host.now(), { reliable: options.reliable ?? false, ...(options.earlyMedia ? { earlyMedia: true } : {}) });
    this.#state = "ringing";
  }

  /**
   * Answers (200 with our SDP answer) and resolves with the {@link Call} once the caller's ACK
   * came. Rejects with CANCELLED when the caller cancelled first, TIMEOUT without an ACK in 32 s
   * (RFC 3261 §13.3.1.4), ABORTED on `signal` (the call is then hung up).
   */
  answer(options: WaitOptions & { readonly headers?: [string, string][] } = {}): Promise<Call> {
    this.#check("answer", "pending", "ringing");
    this.#state = "answering";
    try {
      this.#session.answer(this.#host.now(), options.headers !== undefined ? { headers: options.headers } : {});
    } catch (error) {
      this.#state = "ended";
      return Promise.reject(new ClientError("INVALID_STATE", `answer: ${(error as Error).message}`, { cause: error }));
    }
    return waitUntil<Call>(this.#host.runtime, "answer", options, 40_000, (w) => {
      return this.#events.on("settled", (e) => (e.call !== undefined ? w.resolve(e.call) : w.reject(e.error)));
    }, () => {
      try {
        this.#session.bye(this.#host.now());
      } catch {
        // ended already
      }
    });
  }

  /** Refuses the call with a final status, 300–699 (default 486 Busy Here). */
  reject(status = 486, options: { readonly reason?: string; readonly headers?: [string, string][] } = {}): void {
    if (!(status >= 300 && status < 700)) throw new ClientError("BAD_ARGUMENT", `reject takes a status 300-699, not ${status}`);
    this.#check("reject", "pending", "ringing");
    this.#session.reject(status, this.#host.now(), { ...(options.reason !== undefined ? { reason: options.reason } : {}), ...(options.headers ? { headers: options.headers } : {}) });
    this.#state = "rejected";
  }

  /** Redirects the caller (RFC 3261 §8.3.3.1, §21.3): 302 Moved Temporarily, or `status`, with one Contact per target. */
  redirect(targets: readonly string[], status = 302): void {
    if (targets.length === 0) throw new ClientError("BAD_ARGUMENT", "redirect needs at least one target");
    if (!(status >= 300 && status < 400)) throw new ClientError("BAD_ARGUMENT", `redirect takes a 3xx status, not ${status}`);
    this.#check("redirect", "pending", "ringing");
    this.#session.reject(status, this.#host.now(), { headers: targets.map((t): [string, string] => ["Contact", t.includes("<") ? t : `<${t}>`]) });
    this.#state = "rejected";
  }

  /** @internal The ACK came: the call is established. */
  confirmed(): Call {
    const call = this.#host.adopt(this.#session);
    this.#state = "answered";
    this.#events.emit("settled", { call });
    return call;
  }

  /** @internal The session ended before the call was established. */
  terminated(reason: string, status: number | undefined): void {
    if (this.#state === "answered") return;
    const wasPending = this.#state === "pending" || this.#state === "ringing" || this.#state === "answering";
    this.#state = reason === "cancel" ? "cancelled" : this.#state === "rejected" ? "rejected" : "ended";
    if (wasPending) this.#events.emit("cancelled", { reason });
    this.#events.emit("settled", {
      error: new ClientError(reason === "cancel" ? "CANCELLED" : reason === "no-ack" ? "TIMEOUT" : "ENDED", `the incoming call ended before it was established (${reason})`, { status }),
    });
  }

  #check(what: string, ...states: IncomingState[]): void {
    if (!states.includes(this.#state)) throw new ClientError(this.#state === "cancelled" ? "CANCELLED" : "INVALID_STATE", `${what}: the incoming call is ${this.#state}`);
  }
}
