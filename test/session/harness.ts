// A simulated network for the session tests: session cores (and test proxies) joined by a lossy,
// delaying datagram network on a virtual clock. Every message is serialized, maybe dropped, delayed,
// parsed again and handed over; the wire log keeps each one for assertions on the message sequence.
import { parseMessage, serializeMessage, type SipMessage, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import type { TransactionFlow, Transmit } from "../../src/transaction/index.ts";
import {
  createSessionCore,
  type ChallengeResponder,
  type InviteSession,
  type SessionCore,
  type SessionCoreOptions,
  type SessionEvent,
} from "../../src/session/index.ts";
import { prng } from "../prng.ts";
import { fakeMediaFactory, type FakeMedia } from "./fake-media.ts";


export interface SimFlow extends TransactionFlow {
  readonly transport: "UDP" | "TCP";
  /** The host at the other end. */
  readonly peer: string;
}

/** A node of the simulated network. */
export interface SimNode {
  readonly host: string;
  deliver(message: SipRequest | SipResponse, flow: SimFlow, now: number): void;
  pollTransmit(): Transmit<SimFlow> | undefined;
  pollTimeout(): number | undefined;
  handleTimeout(now: number): void;
  /** Runs after every input (drain events and call hooks). */
  settle(now: number): void;
}

/** One message as it crossed the network. */
export interface WireRecord {
  at: number;
  from: string;
  to: string;
  message: SipRequest | SipResponse;
  dropped: boolean;
}

/** The host part of a SIP URI (`sip:bob@biloxi.example.com:5060;lr` gives `biloxi.example.com`). */
export function hostOf(uri: string): string {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;?>]+)/.exec(uri.replace(/^<|>$/g, ""));
  return m ? m[1]! : "";
}

/** Short text of a message: `INVITE`, `180`, … */
export function label(m: SipMessage): string {
  return m.isRequest ? (m as SipRequest).method : String((m as SipResponse).status);
}

interface InFlight {
  at: number;
  seq: number;
  to: SimNode;
  flow: SimFlow;
  bytes: Uint8Array;
}

export interface NetOptions {
  loss?: number;
  delay?: number;
  jitter?: number;
  seed?: number;
}

export class SimNet {
  now = 0;
  readonly wire: WireRecord[] = [];
  readonly random: () => number;
  /** Drops the messages this returns true for (deterministic loss), besides the random loss. */
  dropIf: ((record: WireRecord) => boolean) | undefined;
  private readonly nodes = new Map<string, SimNode>();
  private inflight: InFlight[] = [];
  private later: { at: number; seq: number; fn: (now: number) => void }[] = [];
  private seq = 0;
  private readonly loss: number;
  private readonly delay: number;
  private readonly jitter: number;

  constructor(options: NetOptions = {}) {
    this.loss = options.loss ?? 0;
    this.delay = options.delay ?? 10;
    this.jitter = options.jitter ?? 0;
    this.random = prng(options.seed ?? 1);
  }

  add<N extends SimNode>(node: N): N {
    this.nodes.set(node.host, node);
    return node;
  }

  has(host: string): boolean {
    return this.nodes.has(host);
  }

  /** Runs `fn` at virtual time `at` (application actions: answer after ringing, hang up…). */
  at(at: number, fn: (now: number) => void): void {
    this.later.push({ at, seq: this.seq++, fn });
    this.later.sort((x, y) => x.at - y.at || x.seq - y.seq);
  }

  /** Drains every node's transmits onto the network. */
  pump(): void {
    for (let busy = true; busy; ) {
      busy = false;
      for (const node of this.nodes.values()) {
        node.settle(this.now);
        for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
          busy = true;
          const to = this.nodes.get(t.flow.peer);
          const record: WireRecord = { at: this.now, from: node.host, to: t.flow.peer, message: t.message, dropped: false };
          this.wire.push(record);
          if (to === undefined || (this.dropIf !== undefined && this.dropIf(record)) || this.random() < this.loss) {
            record.dropped = true;
            continue;
          }
          const at = this.now + this.delay + Math.floor(this.random() * this.jitter);
          const flow: SimFlow = { transport: t.flow.transport, reliable: t.flow.reliable, peer: node.host };
          this.inflight.push({ at, seq: this.seq++, to, flow, bytes: serializeMessage(t.message) });
        }
      }
    }
    this.inflight.sort((x, y) => x.at - y.at || x.seq - y.seq);
  }

  /** Runs the network until `until` (virtual ms) or until nothing is pending. */
  run(until = Infinity): void {
    this.pump();
    for (;;) {
      let next = Infinity;
      for (const node of this.nodes.values()) next = Math.min(next, node.pollTimeout() ?? Infinity);
      if (this.inflight.length > 0) next = Math.min(next, this.inflight[0]!.at);
      if (this.later.length > 0) next = Math.min(next, this.later[0]!.at);
      if (next === Infinity || next > until) break;
      this.now = Math.max(this.now, next);
      while (this.inflight.length > 0 && this.inflight[0]!.at <= this.now) {
        const m = this.inflight.shift()!;
        m.to.deliver(parseMessage(m.bytes), m.flow, this.now);
        this.pump();
      }
      while (this.later.length > 0 && this.later[0]!.at <= this.now) {
        this.later.shift()!.fn(this.now);
        this.pump();
      }
      for (const node of this.nodes.values()) {
        const t = node.pollTimeout();
        if (t !== undefined && t <= this.now) node.handleTimeout(this.now);
      }
      this.pump();
    }
    if (until !== Infinity && this.now < until) this.now = until;
  }

  /** Runs for `ms` more. */
  runFor(ms: number): void {
    this.run(this.now + ms);
  }

  /** The delivered messages as `from>to LABEL` lines, optionally only between two hosts. */
  trace(filter?: (r: WireRecord) => boolean): string[] {
    return this.wire.filter((r) => !r.dropped && (filter === undefined || filter(r))).map((r) => `${r.from}>${r.to} ${label(r.message)}`);
  }

  /** The delivered messages between a and b (either way). */
  between(a: string, b: string): WireRecord[] {
    return this.wire.filter((r) => !r.dropped && ((r.from === a && r.to === b) || (r.from === b && r.to === a)));
  }
}

/** Options of a simulated user agent. */
export interface AgentOptions extends Partial<SessionCoreOptions<SimFlow>> {
  /** Transport to reach others on. Default UDP. */
  transportName?: "UDP" | "TCP";
  codecs?: string[];
}

/** A user agent on the simulated network: a session core, its events, and its media handlers. */
export class SimAgent implements SimNode {
  readonly core: SessionCore<SimFlow>;
  readonly events: SessionEvent<SimFlow>[] = [];
  readonly media: FakeMedia[];
  /** Called for each event (after it was recorded); may call session methods with `now`. */
  onEvent: ((event: SessionEvent<SimFlow>, now: number) => void) | undefined;

  constructor(
    readonly net: SimNet,
    readonly name: string,
    readonly host: string,
    options: AgentOptions = {},
  ) {
    const transportName = options.transportName ?? "UDP";
    const reliable = transportName === "TCP";
    const media = fakeMediaFactory(name, options.codecs);
    this.media = media.made;
    this.core = createSessionCore<SimFlow>({
      transactions: { timers: { trying: 0 } },
      random: net.random,
      ...options,
      media: options.media ?? media,
      transport: {
        route: (request, nextHop) => {
          const peer = hostOf(nextHop);
          if (!net.has(peer)) return undefined;
          const branch = request.branch;
          request.removeFirstValue("Via");
          request.addHeader("Via", `SIP/2.0/${transportName} ${this.host};branch=${branch}`, { prepend: true });
          return { transport: transportName, reliable, peer };
        },
        contact: () => `sip:${this.name}@${this.host}`,
      },
    });
    net.add(this);
  }

  deliver(message: SipRequest | SipResponse, flow: SimFlow, now: number): void {
    this.core.handleMessage(message, flow, now);
  }

  pollTransmit(): Transmit<SimFlow> | undefined {
    return this.core.pollTransmit();
  }

  pollTimeout(): number | undefined {
    return this.core.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.core.handleTimeout(now);
  }

  settle(now: number): void {
    for (let e = this.core.pollEvent(); e; e = this.core.pollEvent()) {
      this.events.push(e);
      this.onEvent?.(e, now);
    }
  }

  /** Event types in order (optionally of one type). */
  types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** The events of one type. */
  of<T extends SessionEvent<SimFlow>["type"]>(type: T): Extract<SessionEvent<SimFlow>, { type: T }>[] {
    return this.events.filter((e): e is Extract<SessionEvent<SimFlow>, { type: T }> => e.type === type);
  }

  /** The first session of the first `incoming` event. */
  incoming(i = 0): InviteSession<SimFlow> {
    const e = this.of("incoming")[i];
    if (e === undefined) throw new Error(`${this.name}: no incoming session #${i}`);
    return e.session;
  }

  /** Whether the core holds nothing: no session, dialog, timer or transaction. */
  get idle(): boolean {
    const c = this.core;
    return c.sessionCount === 0 && c.dialogCount === 0 && c.timerCount === 0 && c.transactions.clientCount === 0 && c.transactions.serverCount === 0;
  }

  /** What the core still holds, for failure messages. */
  get holding(): string {
    const c = this.core;
    return `${this.name}: sessions ${c.sessionCount}, dialogs ${c.dialogCount}, timers ${c.timerCount}, client txns ${c.transactions.clientCount}, server txns ${c.transactions.serverCount}`;
  }
}

/**
 * A ChallengeResponder for the tests: one credential, kept per realm (so that requests through
 * several challenging proxies carry every realm's, RFC 3665 §3.3); gives up on a repeated nonce that
 * is not stale.
 */
export class FakeAuthenticator implements ChallengeResponder {
  readonly seen: { status: number; realm: string; nonce: string; stale: boolean }[] = [];
  private readonly tried = new Set<string>();
  private readonly realms = new Map<string, { nonce: string; proxy: boolean }>();

  constructor(readonly user = "alice", readonly password = "secret") {}

  authorize(request: SipRequest, challenge: SipResponse): [string, string][] | undefined {
    const proxy = challenge.status === 407;
    const values = proxy ? challenge.proxyAuthenticate : challenge.wwwAuthenticate;
    for (const c of values) {
      const realm = c.params["realm"] ?? "";
      const nonce = c.params["nonce"] ?? "";
      const stale = (c.params["stale"] ?? "").toLowerCase() === "true";
      this.seen.push({ status: challenge.status, realm, nonce, stale });
      const key = `${realm}/${nonce}`;
      if (this.tried.has(key) && !stale) return undefined;
      this.tried.add(key);
      this.realms.set(realm, { nonce, proxy });
    }
    const out: [string, string][] = [];
    for (const [realm, { nonce, proxy: p }] of this.realms) {
      out.push([
        p ? "Proxy-Authorization" : "Authorization",
        `Digest username="${this.user}", realm="${realm}", nonce="${nonce}", uri="${request.uriText}", response="${this.password}-${nonce}"`,
      ]);
    }
    return out;
  }
}

/**
 * A bare endpoint that sends whatever the test gives it and keeps what it receives: for RFC message
 * fixtures and for bad input the session cores must survive.
 */
export class RawPeer implements SimNode {
  readonly received: (SipRequest | SipResponse)[] = [];
  private readonly out: Transmit<SimFlow>[] = [];

  constructor(
    readonly net: SimNet,
    readonly host: string,
    readonly transport: "UDP" | "TCP" = "UDP",
  ) {
    net.add(this);
  }

  /** Queues `message` (text or parsed) for `to`; run the network to deliver it. */
  send(message: string | SipRequest | SipResponse, to: string): void {
    const m = typeof message === "string" ? parseMessage(message.replace(/\r?\n/g, "\r\n")) : message;
    this.out.push({ message: m, flow: { transport: this.transport, reliable: this.transport === "TCP", peer: to }, transaction: undefined, retransmission: false });
  }

  /** Received requests of a method / responses of a status. */
  requests(method: string): SipRequest[] {
    return this.received.filter((m): m is SipRequest => m.isRequest && (m as SipRequest).method === method);
  }

  responses(status?: number): SipResponse[] {
    return this.received.filter((m): m is SipResponse => !m.isRequest && (status === undefined || (m as SipResponse).status === status));
  }

  deliver(message: SipRequest | SipResponse): void {
    this.received.push(message);
  }

  pollTransmit(): Transmit<SimFlow> | undefined {
    return this.out.shift();
  }

  pollTimeout(): number | undefined {
    return undefined;
  }

  handleTimeout(): void {}

  settle(): void {}
}

/** What a simulated callee does with each incoming INVITE. */
export interface AnswerPlan {
  /** Ring first (180), then answer after `ringMs`. Default: ring, answer after 1000 ms. */
  ringMs?: number;
  ring?: boolean;
  reliable?: boolean;
  earlyMedia?: boolean;
  /** Reject with this status instead of answering. */
  reject?: number;
}

/** Makes `agent` answer every incoming session per `plan`. */
export function autoAnswer(agent: SimAgent, plan: AnswerPlan = {}): void {
  const net = agent.net;
  const previous = agent.onEvent;
  agent.onEvent = (e, now) => {
    previous?.(e, now);
    if (e.type !== "incoming") return;
    const s = e.session;
    if (plan.ring !== false) s.ring(now, { ...(plan.reliable !== undefined ? { reliable: plan.reliable } : {}), ...(plan.earlyMedia ? { earlyMedia: true } : {}) });
    net.at(now + (plan.ringMs ?? 1000), (t) => {
      if (s.state !== "incoming" && s.state !== "early") return;
      if (plan.reject !== undefined) s.reject(plan.reject, t);
      else s.answer(t);
    });
  };
}

export const ALICE = "Alice <sip:alice@atlanta.example.com>";
export const BOB = "Bob <sip:bob@biloxi.example.com>";

/** Alice (atlanta) and Bob (biloxi) on a network. */
export function pair(net: SimNet, alice: AgentOptions = {}, bob: AgentOptions = {}): { alice: SimAgent; bob: SimAgent } {
  return {
    alice: new SimAgent(net, "alice", "client.atlanta.example.com", alice),
    bob: new SimAgent(net, "bob", "client.biloxi.example.com", bob),
  };
}

/** Alice calls Bob. */
export function call(net: SimNet, alice: SimAgent, init: Partial<import("../../src/session/index.ts").InviteInit> = {}): InviteSession<SimFlow> {
  return alice.core.invite({ from: ALICE, to: "Bob <sip:bob@client.biloxi.example.com>", ...init }, net.now);
}

/** Matches requests of a method on the wire (delivered or dropped). */
export const isReq = (method: string) => (r: WireRecord): boolean =>
  r.message.isRequest && (r.message as SipRequest).method === method;

/** Matches responses of a status (and, when given, to a method) on the wire (delivered or dropped). */
export const isRes = (status: number, method?: string) => (r: WireRecord): boolean =>
  !r.message.isRequest && (r.message as SipResponse).status === status && (method === undefined || (r.message as SipResponse).cseq.method === method);

/** The delivered messages as `INVITE`, `180 INVITE`, `200 BYE`, … in order. */
export function labels(net: SimNet): string[] {
  return net.wire
    .filter((r) => !r.dropped)
    .map((r) => (r.message.isRequest ? (r.message as SipRequest).method : `${(r.message as SipResponse).status} ${(r.message as SipResponse).cseq.method}`));
}
