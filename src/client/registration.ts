import type { OutgoingRequest, OutgoingRequestInit } from "../session/index.ts";
import { splitHeaderValues } from "../sip/index.ts";
import type { SipResponse } from "../sip/index.ts";
import type { Flow } from "../transport/index.ts";
import { Emitter } from "./emitter.ts";
import { ClientError } from "./errors.ts";
import { waitUntil } from "./wait.ts";
import type { WaitOptions } from "./wait.ts";

/**
 * Where a registration is:
 *
 *     unregistered ──register()──> registering ──2xx──> registered ──(refresh)──> registering
 *          ^                           │                    │
 *          │                         fail ──> failed ──(retry after back-off)──> registering
 *          └──── 2xx to Expires: 0 <── unregistering <── unregister() / close()
 */
export type RegistrationState = "unregistered" | "registering" | "registered" | "failed" | "unregistering";

/** What a successful registration says. */
export interface RegistrationInfo {
  /** The address of record registered. */
  readonly aor: string;
  /** The Contact we registered. */
  readonly contact: string;
  /** The expiry the registrar granted, s. */
  readonly expires: number;
  /** The registrar supports RFC 5626 outbound (its 2xx has `Require: outbound`). */
  readonly outbound: boolean;
  /** Every binding the registrar holds for the AOR (its 2xx's Contact values). */
  readonly bindings: readonly string[];
}

/** The events of a {@link Registration}. */
export interface RegistrationEvents {
  /** Every state change; `error` says why it failed. */
  state: { readonly state: RegistrationState; readonly previous: RegistrationState; readonly error?: ClientError };
  /** A 2xx (first registration and every refresh). */
  registered: RegistrationInfo;
}

/** @internal What a registration needs from its user agent. */
export interface RegistrationHost {
  readonly runtime: { now(): number; setTimer(ms: number, f: () => void): unknown; clearTimer(h: unknown): void; randomBytes(n: number): Uint8Array };
  /** Sends a request outside any dialog; rejects when it cannot be routed. */
  send(init: OutgoingRequestInit, onResponse: (status: number, response: SipResponse | undefined) => void): Promise<OutgoingRequest<Flow>>;
  /** Our Contact URI for the registrar's transport (public address applied). */
  contactUri(): string;
  /** The instance ID (RFC 5626 §4.1, a URN). */
  readonly instanceId: string;
}

/** Options of a registration. */
export interface RegistrationOptions {
  /** The address of record, `sip:alice@example.com`. */
  readonly aor: string;
  /** The registrar's URI; default the AOR's domain (RFC 3261 §10.2.6). */
  readonly registrar: string;
  /** A pre-loaded route set (outbound proxy). */
  readonly route?: readonly string[];
  /** Expires to ask for, s. Default 600. */
  readonly expires?: number;
  /** reg-id of RFC 5626 §4.2. Default 1. */
  readonly regId?: number;
  /** Retry a failed registration after a back-off (RFC 5626 §4.5). Default true. */
  readonly retry?: boolean;
  /** Display name in From and To. */
  readonly displayName?: string;
}

/** RFC 5626 §4.5: base times of the back-off, s — 30 when no flow works, 90 otherwise; max 1800. */
const BASE_FAILED = 30;
const MAX_BACKOFF = 1800;

/**
 * The registration of one address of record with its registrar (RFC 3261 §10): REGISTER with our
 * Contact (with `+sip.instance` and `reg-id`, and `Supported: outbound, path`, RFC 5626 §4.2),
 * digest challenges answered by the user agent's authenticator, a refresh before the granted
 * expiry (same Call-ID, CSeq up, §10.2.4), 423 answered with the registrar's Min-Expires, a retry
 * with back-off after a failure (RFC 5626 §4.5) and at once after the transport lost the flow,
 * unregistration (Expires: 0) on `unregister()` and when the user agent closes.
 */
export class Registration {
  readonly aor: string;
  readonly registrar: string;
  readonly #opts: RegistrationOptions;
  readonly #host: RegistrationHost;
  readonly #events = new Emitter<RegistrationEvents>();
  readonly #callId: string;
  #cseq = 0;
  #state: RegistrationState = "unregistered";
  #expires: number;
  #timer: unknown;
  #failures = 0;
  #info: RegistrationInfo | undefined;
  #wanted = false;
  #inFlight = false;
  #generation = 0;

  /** @internal Made by the user agent. */
  constructor(host: RegistrationHost, options: RegistrationOptions) {
    this.#host = host;
    this.#opts = options;
    this.aor = options.aor;
    this.registrar = options.registrar;
    this.#expires = options.expires ?? 600;
    const b = host.runtime.randomBytes(12);
    this.#callId = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  /** The state now. */
  get state(): RegistrationState {
    return this.#state;
  }

  /** The last successful registration's figures. */
  get info(): RegistrationInfo | undefined {
    return this.#info;
  }

  /** Listens for `type` events; returns the function that stops listening. */
  on<K extends keyof RegistrationEvents>(type: K, listener: (event: RegistrationEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Registers (or refreshes now) and resolves on the 2xx. Rejects with AUTH_FAILED (the
   * credentials were refused), REGISTRATION_FAILED (another final status), TIMEOUT (no answer:
   * an unreachable registrar), NO_ROUTE or ABORTED; the registration keeps retrying in the background
   * after a failure unless `retry: false` or `unregister()`.
   */
  register(options: WaitOptions = {}): Promise<RegistrationInfo> {
    this.#wanted = true;
    return waitUntil<RegistrationInfo>(this.#host.runtime, "register", options, 40_000, (w) => {
      const offOk = this.#events.on("registered", (info) => w.resolve(info));
      const offState = this.#events.on("state", (e) => {
        if (e.state === "failed" && e.error !== undefined) w.reject(e.error);
      });
      this.#send(this.#expires);
      return () => {
        offOk();
        offState();
      };
    });
  }

  /** Removes our binding (Expires: 0, RFC 3261 §10.2.2) and stops refreshing; resolves on the answer. */
  unregister(options: WaitOptions = {}): Promise<void> {
    this.#wanted = false;
    this.#clearTimer();
    if (this.#state === "unregistered") return Promise.resolve();
    if (this.#info === undefined) {
      // Never registered: nothing to remove at the registrar.
      this.#set("unregistered");
      return Promise.resolve();
    }
    return waitUntil<void>(this.#host.runtime, "unregister", options, 40_000, (w) => {
      const off = this.#events.on("state", (e) => {
        if (e.state === "unregistered" || e.state === "failed") w.resolve();
      });
      this.#set("unregistering");
      this.#send(0);
      return off;
    });
  }

  /** @internal The transport lost a connection: a registered flow is re-registered at once (RFC 5626 §4.4.1). */
  flowLost(): void {
    if (!this.#wanted || this.#inFlight) return;
    this.#clearTimer();
    this.#send(this.#expires);
  }

  /** @internal The user agent closes: stop every timer. */
  stop(): void {
    this.#wanted = false;
    this.#clearTimer();
    this.#generation++;
  }

  #send(expires: number): void {
    const gen = ++this.#generation;
    this.#inFlight = true;
    if (expires > 0) this.#set("registering");
    const contact = `<${this.#host.contactUri()}>;+sip.instance="<${this.#host.instanceId}>";reg-id=${this.#opts.regId ?? 1}`;
    const name = this.#opts.displayName !== undefined ? `"${this.#opts.displayName.replace(/["\\]/g, "")}" ` : "";
    const init: OutgoingRequestInit = {
      method: "REGISTER",
      uri: this.registrar,
      from: `${name}<${this.aor}>`,
      to: `${name}<${this.aor}>`,
      callId: this.#callId,
      cseq: ++this.#cseq,
      ...(this.#opts.route !== undefined && this.#opts.route.length > 0 ? { route: this.#opts.route } : {}),
      headers: [["Contact", contact], ["Expires", String(expires)], ["Supported", "outbound, path"]],
    };
    this.#host.send(init, (status, response) => {
      if (gen !== this.#generation) return;
      this.#inFlight = false;
      this.#answered(expires, status, response, contact);
    }).then(
      (exchange) => {
        // The digest retries of the core bump the CSeq it used; ours must stay above (§10.2.4).
        void exchange;
        this.#cseq += 2;
      },
      (error: unknown) => {
        if (gen !== this.#generation) return;
        this.#inFlight = false;
        this.#failed(new ClientError("NO_ROUTE", `register: no route to ${this.registrar}`, { cause: error }), expires === 0);
      },
    );
  }

  #answered(expires: number, status: number, response: SipResponse | undefined, contact: string): void {
    if (status >= 200 && status < 300 && response !== undefined) {
      this.#failures = 0;
      if (expires === 0) {
        this.#info = undefined;
        this.#set("unregistered");
        return;
      }
      const info = this.#grant(response, contact);
      this.#info = info;
      this.#set("registered");
      this.#events.emit("registered", info);
      // Refresh ahead of expiry: a minute early, or halfway for short grants.
      const at = info.expires > 120 ? info.expires - 60 : info.expires / 2;
      if (this.#wanted) this.#arm(at * 1000, () => this.#send(this.#expires));
      return;
    }
    if (status === 423 && response !== undefined) {
      // RFC 3261 §10.2.8: "the UA MAY retry the registration with an expiration ... greater than or equal to" Min-Expires.
      const min = Number(response.header("Min-Expires"));
      if (Number.isInteger(min) && min > this.#expires && min <= 86_400) {
        this.#expires = min;
        this.#send(min);
        return;
      }
    }
    const reason = response?.reason ?? (status === 408 ? "no answer" : "transport failure");
    const code = response === undefined ? (status === 408 ? "TIMEOUT" : "TRANSPORT") : status === 401 || status === 407 ? "AUTH_FAILED" : "REGISTRATION_FAILED";
    this.#failed(new ClientError(code, `register ${this.aor}: ${status} ${reason}`, { status, reason: response?.reason }), expires === 0);
  }

  #grant(response: SipResponse, contact: string): RegistrationInfo {
    const headerExpires = Number(response.header("Expires"));
    let expires = Number.isFinite(headerExpires) && headerExpires > 0 ? headerExpires : this.#expires;
    const bindings: string[] = [];
    const ours = this.#host.instanceId;
    for (const value of response.headers("Contact")) {
      for (const one of splitHeaderValues(value)) {
        bindings.push(one);
        // §10.2.4: the expiry of our binding is in its Contact's expires parameter.
        const mine = one.includes(ours) || one.includes(contact.slice(1, contact.indexOf(">")));
        const m = /;\s*expires\s*=\s*(\d+)/i.exec(one);
        if (mine && m !== null) expires = Number(m[1]);
      }
    }
    const outbound = /\boutbound\b/i.test(response.header("Require") ?? "");
    return { aor: this.aor, contact, expires: Math.max(1, expires), outbound, bindings };
  }

  #failed(error: ClientError, unregistering: boolean): void {
    if (unregistering) {
      this.#info = undefined;
      this.#set("unregistered");
      return;
    }
    this.#failures++;
    this.#set("failed", error);
    if (!this.#wanted || this.#opts.retry === false || error.code === "AUTH_FAILED") return;
    // RFC 5626 §4.5: wait-time = min(max-time, base-time * 2^(failures)) * random(50..100 %).
    const r = this.#host.runtime.randomBytes(1)[0]! / 255;
    const wait = Math.min(MAX_BACKOFF, BASE_FAILED * 2 ** Math.min(this.#failures - 1, 10)) * (0.5 + r / 2);
    this.#arm(wait * 1000, () => this.#send(this.#expires));
  }

  #arm(ms: number, f: () => void): void {
    this.#clearTimer();
    this.#timer = this.#host.runtime.setTimer(ms, () => {
      this.#timer = undefined;
      f();
    });
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#host.runtime.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #set(state: RegistrationState, error?: ClientError): void {
    const previous = this.#state;
    if (previous === state && error === undefined) return;
    this.#state = state;
    this.#events.emit("state", { state, previous, ...(error !== undefined ? { error } : {}) });
  }
}

