import type { SipMessage, SipRequest, SipResponse } from "../sip/index.ts";
import { TransactionError, TransactionTimeoutError, TransactionTransportError } from "./errors.ts";
import { keepBytes, reviveBytes } from "./retained.ts";
import type { TimerConfig, TimerName } from "./timers.ts";
import type { TimerEntry } from "./timer-heap.ts";
import type { TransactionEvent, TransactionFlow } from "./types.ts";
import type { InviteClientTransaction } from "./invite-client.ts";
import type { NonInviteClientTransaction } from "./non-invite-client.ts";
import type { InviteServerTransaction } from "./invite-server.ts";
import type { NonInviteServerTransaction } from "./non-invite-server.ts";

/** The four machines of RFC 3261 §17. */
export type TransactionKind = "invite-client" | "non-invite-client" | "invite-server" | "non-invite-server";

/** A client transaction (RFC 3261 §17.1). */
export type ClientTransaction<F extends TransactionFlow = TransactionFlow> =
  | InviteClientTransaction<F>
  | NonInviteClientTransaction<F>;

/** A server transaction (RFC 3261 §17.2). */
export type ServerTransaction<F extends TransactionFlow = TransactionFlow> =
  | InviteServerTransaction<F>
  | NonInviteServerTransaction<F>;

/** Any transaction. */
export type AnyTransaction<F extends TransactionFlow = TransactionFlow> = ClientTransaction<F> | ServerTransaction<F>;

/** What the layer's timer heap holds: the transaction; the entry's tag is the RFC timer name. */
export type TimerRef = Transaction<TransactionFlow>;

/**
 * Each machine runs at most two timers at once: one retransmission timer (A, E, G, or the 100
 * Trying delay) and one lifetime timer (B, D, F, H, I, J, K, L, M). Two fixed slots instead of a map
 * keep a transaction to one allocation.
 */
function isRetransmitTimer(name: TimerName): boolean {
  return name === "A" || name === "E" || name === "G" || name === "Trying";
}

/**
 * What a machine needs from the layer that owns it. The layer implements it; the machines never see
 * maps, heaps or queues, which keeps each machine file about the RFC's rules alone.
 * @internal
 */
export interface TransactionHost<F extends TransactionFlow> {
  readonly timers: Readonly<TimerConfig>;
  /** Queues a transmit; `bytes` is the message serialized, when the transaction already has it. */
  send(txn: Transaction<F>, message: SipRequest | SipResponse, flow: F, retransmission: boolean, bytes?: Uint8Array): void;
  /** Queues an event for the TU. */
  emit(event: TransactionEvent<F>): void;
  /** Arms a timer at absolute time `at`. */
  arm(txn: Transaction<F>, name: TimerName, at: number): TimerEntry<TimerRef>;
  disarm(entry: TimerEntry<TimerRef>): void;
  /**
   * Files the transaction as an absorbing record until `now + delay`, when its timer `name` fires:
   * it leaves the transactions in progress (and their limit), and expires from a first-in first-out
   * list (one fixed delay per timer name) instead of the timer heap.
   */
  absorb(txn: Transaction<F>, name: TimerName, delay: number, now: number): void;
  /** Called after every state change; on Terminated the layer forgets the transaction. */
  entered(txn: Transaction<F>, from: string, to: string, now: number): void;
  /** A retransmitted request or response was absorbed. */
  absorbed(txn: Transaction<F>): void;
  /** A random To tag for responses the layer generates itself (487, 100 carries none). */
  newTag(): string;
}

/**
 * What the four machines share: identity, the request that created the transaction, the flow, and
 * timer bookkeeping. The state-specific rules live in the subclasses, each in its own file.
 */
export abstract class Transaction<F extends TransactionFlow = TransactionFlow> {
  /** The match key the layer files this transaction under (RFC 3261 §17.1.3 / §17.2.3). */
  readonly id: string;
  abstract get kind(): TransactionKind;
  /**
   * The CSeq method of the transaction's request (what §17.1.3 and §17.2.3 match on). Kept apart
   * from the request, which the transaction lets go of once it is done with it.
   */
  readonly method: string;
  /** Client: where the request goes. Server: where the request came from. */
  readonly flow: F;
  /** Whether the flow is reliable (RFC 3261 §17: decides which timers run). */
  get reliable(): boolean {
    return this.flow.reliable;
  }
  /** @internal */
  protected readonly host: TransactionHost<F>;
  private retransmitTimer: TimerEntry<TimerRef> | undefined = undefined;
  private lifetimeTimer: TimerEntry<TimerRef> | undefined = undefined;
  private req: SipRequest | undefined;
  /** The message the transaction may send again: an object, or the block its bytes were kept in. */
  private kept: SipMessage | Uint8Array | undefined = undefined;
  private keptAt = 0;
  private keptLength = 0;
  /** @internal The timer of the absorbing state the transaction waits in (see TransactionHost.absorb). */
  absorbTimer: TimerName | undefined = undefined;
  /** @internal When that timer fires (absolute ms, a whole one: see TransactionTable.absorb). */
  absorbAt = 0;
  /** @internal What the layer charged this record against its absorbing-memory budget. */
  absorbCost = 0;

  /** @internal */
  constructor(host: TransactionHost<F>, id: string, request: SipRequest, flow: F) {
    this.host = host;
    this.id = id;
    this.req = request;
    this.method = internMethod(request.method);
    this.flow = flow;
  }

  /** The current state, one of the machine's string-union states. */
  abstract get state(): string;

  /**
   * The request that created the transaction (for a client: the request as sent), while the
   * transaction still needs it. It is let go of on entering Completed, Confirmed or (server)
   * Accepted, where the RFC needs only the match key, the timers and what is re-sent (see
   * `lastResponse`); an INVITE client keeps in Accepted, where the TU ACKs each 2xx (RFC 6026
   * §7.2), a copy reduced to the start line and the fields an ACK or BYE is built from (Via, From,
   * To, Call-ID, CSeq, Contact, Route and the credentials; no body). The TU holds its own reference
   * from the `request` event or `sendRequest` when it needs the whole request longer.
   */
  get request(): SipRequest | undefined {
    return this.req;
  }

  /** Lets go of the request (entry action of the states that no longer use it). */
  protected releaseRequest(): void {
    this.req = undefined;
  }

  /**
   * Lets go of the request object and keeps, as bytes in a shared block (`retained()` parses them),
   * only its start line and the header fields of `ids` (see SipRequest._reduced).
   */
  protected retainReducedRequest(ids: ReadonlySet<number>): void {
    const r = this.req;
    if (r === undefined) return;
    this.req = undefined;
    this.retain(r._reduced(ids), true);
  }


  /**
   * Keeps `message` to send it again later: as bytes in a shared block when `asBytes` (what an
   * absorbing state needs), else as the object. Returns the bytes when it kept them, for the first
   * transmission (no second serialization).
   */
  protected retain(message: SipRequest | SipResponse, asBytes: boolean): Uint8Array | undefined {
    const k = asBytes ? keepBytes(message) : undefined;
    if (k === undefined) {
      this.kept = message;
      return undefined;
    }
    this.kept = k.block;
    this.keptAt = k.offset;
    this.keptLength = k.length;
    return k.block.subarray(k.offset, k.offset + k.length);
  }

  /** Converts a kept object to bytes (entry action of an absorbing state); returns them. */
  protected retainAsBytes(): Uint8Array | undefined {
    const k = this.kept;
    if (k === undefined || k instanceof Uint8Array) return this.keptBytes();
    return this.retain(k as SipRequest | SipResponse, true);
  }

  /** The kept message as an object: the object itself, or a copy parsed from its bytes. */
  protected retained<M extends SipRequest | SipResponse>(): M | undefined {
    const k = this.kept;
    if (!(k instanceof Uint8Array)) return k as M | undefined;
    return reviveBytes<M>(this.keptBytes()!);
  }

  /** Whether a message is kept. */
  protected hasRetained(): boolean {
    return this.kept !== undefined;
  }

  /** Lets go of the kept message. */
  protected releaseRetained(): void {
    this.kept = undefined;
    this.keptAt = 0;
    this.keptLength = 0;
  }

  /** @internal Bytes the kept message occupies (0 for none or an object): the layer's memory budget. */
  get retainedLength(): number {
    return this.kept instanceof Uint8Array ? this.keptLength : 0;
  }

  /**
   * @internal Whether a message object is held besides the kept bytes: the request (every absorbing
   * state lets go of it) or a kept message that could not be written as bytes.
   */
  get keepsObject(): boolean {
    return this.req !== undefined || (this.kept !== undefined && !(this.kept instanceof Uint8Array));
  }

  private keptBytes(): Uint8Array | undefined {
    const k = this.kept;
    return k instanceof Uint8Array ? k.subarray(this.keptAt, this.keptAt + this.keptLength) : undefined;
  }

  /**
   * Sends the kept message again: the final response of a server transaction on a retransmitted
   * request or Timer G (RFC 3261 §17.2.1, §17.2.2), the ACK of an INVITE client transaction on a
   * retransmitted final response (§17.1.1.2). Kept bytes that no longer parse (a message the TU
   * built with values the parser refuses) end the transaction as a transport failure (§17.1.4,
   * §17.2.4) instead of an exception; returns false then.
   */
  protected resendRetained(now: number): boolean {
    const message = this.retained();
    if (message === undefined) {
      this.transportError(now, new TransactionError("BAD_RESPONSE", "the kept message does not parse back for retransmission"));
      return false;
    }
    this.host.send(this, message, this.flow, true, this.keptBytes());
    return true;
  }

  /** Whether a timer of this name is armed (for tests and diagnostics). */
  isArmed(name: TimerName): boolean {
    return this.absorbTimer === name || this.slot(name)?.tag === name;
  }

  /** Deadline of an armed timer, or undefined. */
  deadline(name: TimerName): number | undefined {
    if (this.absorbTimer === name) return this.absorbAt;
    const e = this.slot(name);
    return e?.tag === name ? e.at : undefined;
  }

  /** @internal Called by the layer when a timer armed by this transaction is due. */
  timerFired(name: TimerName, now: number): void {
    if (this.absorbTimer === name) this.absorbTimer = undefined;
    else if (isRetransmitTimer(name)) this.retransmitTimer = undefined;
    else this.lifetimeTimer = undefined;
    this.fire(name, now);
  }

  /**
   * Waits in an absorbing state until timer `name` fires `delay` ms from `now` (RFC 3261 Timers D,
   * I, J, K; RFC 6026 Timers L and M): the state only absorbs retransmissions (or, in Accepted,
   * passes them up), so the layer keeps the transaction as a small record outside the transactions
   * in progress.
   */
  protected absorb(name: TimerName, delay: number, now: number): void {
    this.host.absorb(this, name, delay, now);
  }

  private slot(name: TimerName): TimerEntry<TimerRef> | undefined {
    return isRetransmitTimer(name) ? this.retransmitTimer : this.lifetimeTimer;
  }

  /**
   * @internal The transport could not send for this transaction. Client, §17.1.4: "the client
   * transaction SHOULD inform the TU that a transport failure has occurred, and the client
   * transaction SHOULD transition directly to the "Terminated" state." Server, §17.2.4: after the
   * RFC 3263 backups (the transport's business) "the server transaction SHOULD inform the TU that a
   * failure has occurred, and SHOULD transition to the terminated state."
   */
  transportError(now: number, cause?: unknown): void {
    if (this.state === "Terminated") return;
    const side = this.kind.endsWith("client") ? "client" : "server";
    this.host.emit({
      type: "transport-error",
      transaction: this,
      error: new TransactionTransportError(`${this.method} ${side} transaction: transport error`, { cause }),
    });
    this.terminate(now);
  }

  /** Informs the TU that timer B, F or H ran out (§17.1.1.2, §17.1.2.2, §17.2.1), then terminates. */
  protected timedOut(timer: "B" | "F" | "H", text: string, now: number): void {
    this.host.emit({ type: "timeout", transaction: this, error: new TransactionTimeoutError(timer, text) });
    this.terminate(now);
  }

  /** Moves to Terminated through the machine's own guarded transition (and its entry actions). */
  protected abstract terminate(now: number): void;

  /** The machine's reaction to one of its timers. */
  protected abstract fire(name: TimerName, now: number): void;

  /** (Re)arms a timer `delay` ms from `now`. */
  protected arm(name: TimerName, delay: number, now: number): void {
    const retransmit = isRetransmitTimer(name);
    const old = retransmit ? this.retransmitTimer : this.lifetimeTimer;
    if (old !== undefined) this.host.disarm(old);
    const entry = this.host.arm(this, name, now + delay);
    if (retransmit) this.retransmitTimer = entry;
    else this.lifetimeTimer = entry;
  }

  protected disarm(name: TimerName): void {
    if (isRetransmitTimer(name)) {
      if (this.retransmitTimer?.tag === name) {
        this.host.disarm(this.retransmitTimer);
        this.retransmitTimer = undefined;
      }
    } else if (this.lifetimeTimer?.tag === name) {
      this.host.disarm(this.lifetimeTimer);
      this.lifetimeTimer = undefined;
    }
  }

  protected disarmAll(): void {
    if (this.retransmitTimer !== undefined) this.host.disarm(this.retransmitTimer);
    if (this.lifetimeTimer !== undefined) this.host.disarm(this.lifetimeTimer);
    this.retransmitTimer = undefined;
    this.lifetimeTimer = undefined;
    this.absorbTimer = undefined;
  }
}

/** RFC 3261 and extension methods: one shared string each instead of a copy per transaction. */
const METHODS = new Map(
  ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "UPDATE", "INFO", "MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH"].map(
    (m) => [m, m],
  ),
);

function internMethod(method: string): string {
  return METHODS.get(method) ?? method;
}

/** Exhaustiveness check for `switch` statements over string unions. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}

/** Throws when a transition is not in the machine's whitelist: a broken invariant, not bad input. */
export function invalidTransition(kind: TransactionKind, from: string, to: string): never {
  throw new Error(`${kind} transaction: no transition from ${from} to ${to}`);
}
