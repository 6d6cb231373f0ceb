import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { ClientTransaction, TransactionFlow } from "../transaction/index.ts";
import type { Dialog } from "./dialog.ts";
import type { InviteSession } from "./invite-session.ts";

/** Why the core sent a request: which part of the session handles its responses. @internal */
export type Purpose = "invite" | "reinvite" | "update" | "prack" | "bye" | "request";

/**
 * A client transaction the core started, with what it needs to handle the responses: the request
 * (to build it again for a digest retry), its dialog and next hop, and who handles the outcome.
 * @internal
 */
export interface ClientContext<F extends TransactionFlow> {
  readonly owner: ClientOwner<F>;
  readonly purpose: Purpose;
  readonly request: SipRequest;
  readonly dialog: Dialog | undefined;
  readonly nextHop: string;
  readonly transaction: ClientTransaction<F>;
  /** Whether the core wrote our Contact for the flow (written again when a failover changes the flow). */
  readonly contact: boolean;
  /** How many times this request has been sent again with credentials (RFC 3261 §22.2). */
  readonly tries: number;
  /** How many times it went to the next target after a failure (RFC 3263 §4.3). */
  readonly hops: number;
  /** A provisional response other than 100 arrived: the request reached its destination. */
  heard: boolean;
}

/** Whoever sent a request through the core and takes its responses. @internal */
export interface ClientOwner<F extends TransactionFlow> {
  /** A response (provisional or final) to the request of `ctx`. */
  receiveResponse(ctx: ClientContext<F>, response: SipResponse, now: number): void;
  /** No response: 408 for a timeout, 503 for a transport failure (RFC 3261 §8.1.3.1). */
  requestFailed(ctx: ClientContext<F>, status: number, now: number): void;
  /** The core sent the request again as `next`: with credentials (RFC 3261 §22.2), or to the next target (RFC 3263 §4.3). */
  resent(ctx: ClientContext<F>, next: ClientContext<F>): void;
}

/**
 * A request the application sent outside the session's own machinery — out of any dialog with
 * `core.request` (REGISTER, OPTIONS, MESSAGE…) or inside a session with `session.request` (INFO,
 * OPTIONS, MESSAGE…). Its final outcome arrives as a `response` event naming it.
 */
export class OutgoingRequest<F extends TransactionFlow = TransactionFlow> {
  /** The method. */
  readonly method: string;
  /** The session it was sent in, if any. */
  readonly session: InviteSession<F> | undefined;
  private last: SipRequest;
  private done = false;
  private readonly report: (exchange: OutgoingRequest<F>, status: number, response: SipResponse | undefined, now: number) => void;

  /** @internal */
  constructor(
    request: SipRequest,
    session: InviteSession<F> | undefined,
    report: (exchange: OutgoingRequest<F>, status: number, response: SipResponse | undefined, now: number) => void,
  ) {
    this.method = request.method;
    this.session = session;
    this.last = request;
    this.report = report;
  }

  /** The request as last sent (after a digest retry, the retried one). */
  get request(): SipRequest {
    return this.last;
  }

  /** True once the final outcome was reported. */
  get finished(): boolean {
    return this.done;
  }

  /** @internal */
  receiveResponse(_ctx: ClientContext<F>, response: SipResponse, now: number): void {
    if (response.status < 200 || this.done) return;
    this.done = true;
    this.report(this, response.status, response, now);
  }

  /** @internal */
  requestFailed(_ctx: ClientContext<F>, status: number, now: number): void {
    if (this.done) return;
    this.done = true;
    this.report(this, status, undefined, now);
  }

  /** @internal */
  resent(_ctx: ClientContext<F>, next: ClientContext<F>): void {
    this.last = next.request;
  }
}
