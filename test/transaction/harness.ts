// Shared helpers for the transaction tests: message builders, output draining, and a two-peer
// simulated network on a virtual clock (no real timers anywhere).
import {
  createRequest,
  createResponse,
  parseMessage,
  serializeMessage,
  type SipRequest,
  type SipResponse,
} from "../../src/sip/index.ts";
import {
  newBranch,
  TransactionLayer,
  type TransactionEvent,
  type TransactionFlow,
  type Transmit,
} from "../../src/transaction/index.ts";
import { prng as rng } from "../prng.ts";

export interface TestFlow extends TransactionFlow {
  readonly peer: string;
}

export const UDP: TestFlow = Object.freeze({ transport: "UDP", reliable: false, peer: "remote" });
export const TCP: TestFlow = Object.freeze({ transport: "TCP", reliable: true, peer: "remote" });

let counter = 0;

export interface RequestOpts {
  branch?: string;
  transport?: string;
  sentBy?: string;
  uri?: string;
  fromTag?: string;
  toTag?: string;
  callId?: string;
  cseq?: number;
  route?: boolean;
  body?: string;
}

/** A request in the style of RFC 3261 §24.2 (Alice calls Bob). */
export function makeRequest(method: string, o: RequestOpts = {}): SipRequest {
  const branch = o.branch ?? newBranch();
  const transport = o.transport ?? "UDP";
  const headers: [string, string][] = [];
  if (o.route !== false) headers.push(["Route", "<sip:p1.example.com;lr>"], ["Route", "<sip:p2.example.com;lr>"]);
  return createRequest({
    method,
    uri: o.uri ?? "sip:bob@biloxi.example.com",
    from: `Alice <sip:alice@atlanta.example.com>;tag=${o.fromTag ?? "1928301774"}`,
    to: `Bob <sip:bob@biloxi.example.com>${o.toTag !== undefined ? ";tag=" + o.toTag : ""}`,
    callId: o.callId ?? `a84b4c76e66710-${++counter}@pc33.atlanta.example.com`,
    cseq: o.cseq ?? 314159,
    via: `SIP/2.0/${transport} ${o.sentBy ?? "pc33.atlanta.example.com"};branch=${branch}`,
    contact: "<sip:alice@pc33.atlanta.example.com>",
    headers,
    ...(o.body !== undefined ? { body: o.body, contentType: "application/sdp" } : {}),
  });
}

/** A response to `req`; `toTag` is added when the request's To has none. */
export function respondTo(req: SipRequest, status: number, toTag = "a6c85cf"): SipResponse {
  return createResponse(req, status, undefined, { toTag });
}

/** Serializes and re-parses, as a hop over the wire would. */
export function wire<T extends SipRequest | SipResponse>(m: T): T {
  return parseMessage(serializeMessage(m)) as T;
}

export interface Drained<F extends TransactionFlow> {
  transmits: Transmit<F>[];
  events: TransactionEvent<F>[];
}

/** Drains every queued transmit and event. */
export function drain<F extends TransactionFlow>(layer: TransactionLayer<F>): Drained<F> {
  const transmits: Transmit<F>[] = [];
  const events: TransactionEvent<F>[] = [];
  for (let t = layer.pollTransmit(); t; t = layer.pollTransmit()) transmits.push(t);
  for (let e = layer.pollEvent(); e; e = layer.pollEvent()) events.push(e);
  return { transmits, events };
}

/**
 * Advances a single layer's virtual clock from `from` to `until`, firing each deadline exactly when
 * due, and returns every transmit with the time it was queued.
 */
export function runClock<F extends TransactionFlow>(
  layer: TransactionLayer<F>,
  from: number,
  until: number,
): { at: number; transmit: Transmit<F> }[] {
  const out: { at: number; transmit: Transmit<F> }[] = [];
  let now = from;
  for (;;) {
    for (let t = layer.pollTransmit(); t; t = layer.pollTransmit()) out.push({ at: now, transmit: t });
    const next = layer.pollTimeout();
    if (next === undefined || next > until) break;
    now = Math.max(now, next);
    layer.handleTimeout(now);
  }
  return out;
}

/** Event types in order. */
export function types<F extends TransactionFlow>(events: TransactionEvent<F>[]): string[] {
  return events.map((e) => e.type);
}

/** Start line and selected headers of transmitted messages, for compact assertions. */
export function lines<F extends TransactionFlow>(transmits: Transmit<F>[]): string[] {
  return transmits.map((t) => {
    const m = t.message;
    return m.isRequest ? (m as SipRequest).method : String((m as SipResponse).status);
  });
}

/** A seeded PRNG (test/prng.ts) so simulated loss and jitter are reproducible. */
export { rng };

interface InFlight {
  at: number;
  seq: number;
  to: Peer;
  bytes: Uint8Array;
}

/** One endpoint of the simulated network: a layer and its transaction user. */
export interface Peer {
  readonly name: string;
  readonly layer: TransactionLayer<TestFlow>;
  /** The flow this peer uses to reach the other one. */
  readonly flow: TestFlow;
  /** Called for each TU event; may call layer APIs with `now`. */
  onEvent(event: TransactionEvent<TestFlow>, now: number): void;
}

/**
 * Two layers joined by a lossy, delaying datagram network on a virtual clock: every transmit is
 * serialized, maybe dropped, delayed by `delay` plus jitter, re-parsed and handed to the peer.
 */
export class SimNetwork {
  now = 0;
  delivered = 0;
  dropped = 0;
  private inflight: InFlight[] = [];
  private later: { at: number; seq: number; fn: (now: number) => void }[] = [];
  private seq = 0;
  private readonly random: () => number;

  constructor(
    readonly a: Peer,
    readonly b: Peer,
    readonly opts: { loss: number; delay: number; jitter: number; seed: number },
  ) {
    this.random = rng(opts.seed);
  }

  /** Schedules TU work (e.g. a UAS core's 2xx retransmission, §13.3.1.4) on the virtual clock. */
  schedule(delay: number, fn: (now: number) => void): void {
    this.later.push({ at: this.now + delay, seq: this.seq++, fn });
    this.later.sort((x, y) => x.at - y.at || x.seq - y.seq);
  }

  private other(p: Peer): Peer {
    return p === this.a ? this.b : this.a;
  }

  /** Drains both peers' outputs until nothing is left but deadlines. */
  pump(): void {
    let busy = true;
    while (busy) {
      busy = false;
      for (const p of [this.a, this.b]) {
        for (let t = p.layer.pollTransmit(); t; t = p.layer.pollTransmit()) {
          busy = true;
          if (this.random() < this.opts.loss) {
            this.dropped++;
            continue;
          }
          const at = this.now + this.opts.delay + Math.floor(this.random() * this.opts.jitter);
          this.inflight.push({ at, seq: this.seq++, to: this.other(p), bytes: serializeMessage(t.message) });
        }
        for (let e = p.layer.pollEvent(); e; e = p.layer.pollEvent()) {
          busy = true;
          p.onEvent(e, this.now);
        }
      }
    }
    this.inflight.sort((x, y) => x.at - y.at || x.seq - y.seq);
  }

  /** Runs until `until` (virtual ms) or until nothing is pending. */
  run(until: number): void {
    this.pump();
    for (;;) {
      const ta = this.a.layer.pollTimeout() ?? Infinity;
      const tb = this.b.layer.pollTimeout() ?? Infinity;
      const tm = this.inflight.length > 0 ? this.inflight[0]!.at : Infinity;
      const tl = this.later.length > 0 ? this.later[0]!.at : Infinity;
      const next = Math.min(ta, tb, tm, tl);
      if (next === Infinity || next > until) break;
      this.now = Math.max(this.now, next);
      while (this.inflight.length > 0 && this.inflight[0]!.at <= this.now) {
        const m = this.inflight.shift()!;
        this.delivered++;
        m.to.layer.handleMessage(parseMessage(m.bytes), m.to.flow, this.now);
      }
      while (this.later.length > 0 && this.later[0]!.at <= this.now) this.later.shift()!.fn(this.now);
      this.a.layer.handleTimeout(this.now);
      this.b.layer.handleTimeout(this.now);
      this.pump();
    }
    if (this.now < until && until !== Infinity) this.now = until;
  }
}
