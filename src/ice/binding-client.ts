import { Queue } from "../queue.ts";
import { StunError } from "./errors.ts";
import { encodeStunMessage, isStunMessage, STUN_ATTRIBUTE, STUN_BINDING, stunErrorCode, stunMappedAddress, tryParseStunMessage, verifyStunFingerprint } from "./stun-message.ts";
import type { StunAddress, StunAttribute } from "./stun-message.ts";

/** Options of {@link createStunBindingClient}. */
export interface StunBindingClientOptions {
  /** Initial retransmission timeout, ms (RFC 8489 §6.2.1: RTO, default 500). */
  readonly rtoMs?: number;
  /** Requests sent in all (Rc, default 7). */
  readonly maxRequests?: number;
  /** After the last request, wait Rm × RTO for the answer (Rm, default 16). */
  readonly lastWaitFactor?: number;
  /** SOFTWARE attribute text (§14.14). */
  readonly software?: string;
  /** Random bytes for the transaction ID; default crypto.getRandomValues. */
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** What a binding transaction ends with. */
export type StunBindingEvent =
  | { readonly type: "success"; readonly address: StunAddress; readonly rttMs: number }
  | { readonly type: "failure"; readonly error: StunError };

/**
 * A STUN Binding client (RFC 8489 §6.2.1 over UDP), sans-I/O: `start(now)` queues the request;
 * the driver sends `pollTransmit()`'s bytes to the server, hands what comes back to
 * `handleMessage(bytes, now)` and calls `handleTimeout(now)` at `pollTimeout()`. The request is sent
 * again after RTO, 2·RTO, 4·RTO … (Rc requests in all); the transaction fails Rm·RTO after the last
 * one. The outcome — the mapped address (XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS) or a
 * {@link StunError} — is one event.
 */
export class StunBindingClient {
  readonly #opts: Required<Omit<StunBindingClientOptions, "software">> & { software: string | undefined };
  readonly #transmits = new Queue<Uint8Array>();
  readonly #events = new Queue<StunBindingEvent>();
  #request: Uint8Array | undefined;
  #id: Uint8Array | undefined;
  #sent = 0;
  #next: number | undefined;
  #interval = 0;
  #startedAt = 0;

  /** Use {@link createStunBindingClient}. */
  constructor(options: StunBindingClientOptions = {}) {
    this.#opts = {
      rtoMs: options.rtoMs ?? 500,
      maxRequests: options.maxRequests ?? 7,
      lastWaitFactor: options.lastWaitFactor ?? 16,
      software: options.software,
      randomBytes: options.randomBytes ?? ((n) => crypto.getRandomValues(new Uint8Array(n))),
    };
  }

  /** Whether a transaction is running. */
  get running(): boolean {
    return this.#id !== undefined;
  }

  /** Starts a Binding transaction (a running one is replaced). */
  start(now: number): void {
    const id = this.#opts.randomBytes(12).slice(0, 12);
    const attributes: StunAttribute[] = [];
    if (this.#opts.software !== undefined) attributes.push({ type: STUN_ATTRIBUTE.SOFTWARE, value: new TextEncoder().encode(this.#opts.software) });
    // §6.2.1 (and RFC 5389 compatibility): FINGERPRINT lets a server sharing a port with other protocols tell STUN apart.
    this.#request = encodeStunMessage({ method: STUN_BINDING, class: "request", transactionId: id, attributes }, { fingerprint: true });
    this.#id = id;
    this.#sent = 0;
    this.#interval = this.#opts.rtoMs;
    this.#startedAt = now;
    this.#send(now);
  }

  /**
   * A datagram from the server. Returns true when it was this transaction's response (taken),
   * false for anything else (not STUN, another transaction, a request) — left for other users of the socket.
   */
  handleMessage(bytes: Uint8Array, now: number): boolean {
    const id = this.#id;
    if (id === undefined || !isStunMessage(bytes)) return false;
    const r = tryParseStunMessage(bytes);
    if (!r.ok) return false;
    const m = r.value;
    if (m.method !== STUN_BINDING || (m.class !== "success" && m.class !== "error") || !sameId(m.transactionId, id)) return false;
    // §14.7: a FINGERPRINT that is present must be right; a response without one is taken.
    if (m.attributes.some((a) => a.type === STUN_ATTRIBUTE.FINGERPRINT) && !verifyStunFingerprint(bytes)) return false;
    this.#finish();
    if (m.class === "error") {
      const e = stunErrorCode(m);
      this.#events.push({ type: "failure", error: new StunError("ERROR_RESPONSE", `STUN error response ${e?.code ?? "?"} ${e?.reason ?? ""}`.trim()) });
      return true;
    }
    const address = stunMappedAddress(m);
    if (address === undefined) this.#events.push({ type: "failure", error: new StunError("NO_ADDRESS", "STUN success response without a mapped address") });
    else this.#events.push({ type: "success", address, rttMs: now - this.#startedAt });
    return true;
  }

  /** Retransmits, or fails the transaction, when its time has come. */
  handleTimeout(now: number): void {
    if (this.#next === undefined || now < this.#next) return;
    if (this.#sent >= this.#opts.maxRequests) {
      this.#finish();
      this.#events.push({ type: "failure", error: new StunError("TIMEOUT", `no STUN response after ${this.#opts.maxRequests} requests`) });
      return;
    }
    this.#interval *= 2;
    this.#send(now);
  }

  pollTransmit(): Uint8Array | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): StunBindingEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): number | undefined {
    return this.#next;
  }

  #send(now: number): void {
    this.#transmits.push(this.#request!);
    this.#sent++;
    // §6.2.1: after the last request, wait Rm times the initial RTO.
    this.#next = now + (this.#sent >= this.#opts.maxRequests ? this.#opts.rtoMs * this.#opts.lastWaitFactor : this.#sent === 1 ? this.#opts.rtoMs : this.#interval);
  }

  #finish(): void {
    this.#id = undefined;
    this.#next = undefined;
  }
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Makes a {@link StunBindingClient}. */
export function createStunBindingClient(options: StunBindingClientOptions = {}): StunBindingClient {
  return new StunBindingClient(options);
}
