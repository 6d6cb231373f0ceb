// A simulated network for the proxy core: user agents on transaction layers, the proxy core in
// the middle, every message serialized and parsed again on its way, one virtual clock.
import {
  createRequest,
  createResponse,
  parseMessage,
  serializeMessage,
  tryParseUri,
  type SipRequest,
  type SipResponse,
  type SipUri,
} from "../../src/sip/index.ts";
import {
  newBranch,
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type TransactionEvent,
  type TransactionFlow,
} from "../../src/transaction/index.ts";
import { createProxyCore, createStaticLocation, type ProxyCore, type ProxyCoreOptions, type ProxyEvent } from "../../src/engine/index.ts";

export interface NetFlow extends TransactionFlow {
  /** The node at the other end. */
  readonly peer: string;
}

export const PROXY_HOST = "192.0.2.100";

/** Node addresses: the proxy, callers and callees. */
export const HOSTS: Record<string, string> = {
  alice: "192.0.2.1",
  bob1: "192.0.2.2",
  bob2: "192.0.2.3",
  carol: "192.0.2.4",
  bob3: "192.0.2.5",
  far: "198.51.100.7",
};

const byHost = new Map(Object.entries(HOSTS).map(([n, h]) => [h, n]));

/** Nodes reached over TCP (the others over UDP). */
export const TCP_NODES = new Set(["bob2"]);

function flowTo(peer: string): NetFlow {
  const tcp = TCP_NODES.has(peer);
  return { transport: tcp ? "TCP" : "UDP", reliable: tcp, peer };
}

/** What a wire saw: the sender, the receiver, the message as text. */
export interface Wired {
  readonly from: string;
  readonly to: string;
  readonly message: SipRequest | SipResponse;
}

type UaHandler = (request: SipRequest, txn: ServerTransaction<NetFlow>, ua: Ua) => void;

/** A user agent on its own transaction layer (enough of a UA for the proxy to talk to). */
export class Ua {
  readonly layer = new TransactionLayer<NetFlow>({ timers: { trying: 0 } });
  readonly events: TransactionEvent<NetFlow>[] = [];
  readonly requests: SipRequest[] = [];
  readonly responses: SipResponse[] = [];
  readonly acks: SipRequest[] = [];
  onRequest: UaHandler | undefined;
  constructor(readonly name: string, readonly net: Net) {}

  get host(): string {
    return HOSTS[this.name]!;
  }

  /** Sends a request to the proxy in a client transaction (or statelessly for ACK). */
  send(request: SipRequest): ClientTransaction<NetFlow> | undefined {
    const flow = flowTo("proxy");
    if (request.method === "ACK") {
      this.layer.sendStateless(request, flow);
      this.net.run();
      return undefined;
    }
    const t = this.layer.sendRequest(request, flow, this.net.now);
    this.net.run();
    return t;
  }

  respond(txn: ServerTransaction<NetFlow>, request: SipRequest, status: number, headers: [string, string][] = []): void {
    txn.respond(createResponse(request, status, undefined, { toTag: `${this.name}-tag`, headers }), this.net.now);
  }

  /** Final statuses received, in order. */
  finals(): number[] {
    return this.responses.filter((r) => r.status >= 200).map((r) => r.status);
  }

  statuses(): number[] {
    return this.responses.map((r) => r.status);
  }
}

/** The proxy core and its user agents on one virtual clock. */
export class Net {
  now = 0;
  readonly uas = new Map<string, Ua>();
  readonly wire: Wired[] = [];
  readonly proxyEvents: ProxyEvent<NetFlow>[] = [];
  readonly location = createStaticLocation<NetFlow>({});
  readonly proxy: ProxyCore<NetFlow>;

  constructor(options: Partial<ProxyCoreOptions<NetFlow>> = {}) {
    this.proxy = createProxyCore<NetFlow>({
      location: this.location,
      domains: ["example.com"],
      instance: "t1",
      transport: {
        route(request, nextHop, flow) {
          let peer = flow?.peer;
          if (peer === undefined) {
            const lt = nextHop.indexOf("<");
            const text = lt >= 0 ? nextHop.slice(lt + 1, nextHop.indexOf(">", lt)) : nextHop;
            const r = tryParseUri(text);
            if (!r.ok) return undefined;
            peer = byHost.get((r.value as SipUri).host);
          }
          if (peer === undefined) return undefined;
          const out = flowTo(peer);
          // What the transport does (RFC 3261 §18.1.1): sent-by and transport; the branch stays.
          const branch = request.topVia!.branch!;
          request.removeFirstValue("Via");
          request.addHeader("Via", `SIP/2.0/${out.transport} ${PROXY_HOST}:5060;branch=${branch}`, { prepend: true });
          return out;
        },
        recordRoute: (flow) => `sip:${PROXY_HOST}:5060${flow.transport === "TCP" ? ";transport=tcp" : ""}`,
        isLocal: (uri) => uri.host === PROXY_HOST || uri.host === "proxy.example.com",
      },
      ...options,
    });
  }

  ua(name: string, onRequest?: UaHandler): Ua {
    let ua = this.uas.get(name);
    if (ua === undefined) {
      ua = new Ua(name, this);
      this.uas.set(name, ua);
    }
    if (onRequest !== undefined) ua.onRequest = onRequest;
    return ua;
  }

  /** Moves every queued message until the network is quiet. */
  run(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (let t = this.proxy.pollTransmit(); t; t = this.proxy.pollTransmit()) {
        moved = true;
        const to = this.ua(t.flow.peer);
        const copy = parseMessage(serializeMessage(t.message));
        this.wire.push({ from: "proxy", to: to.name, message: copy });
        to.layer.handleMessage(copy, flowTo("proxy"), this.now);
      }
      for (let e = this.proxy.pollEvent(); e; e = this.proxy.pollEvent()) this.proxyEvents.push(e);
      for (const ua of this.uas.values()) {
        for (let t = ua.layer.pollTransmit(); t; t = ua.layer.pollTransmit()) {
          moved = true;
          const copy = parseMessage(serializeMessage(t.message));
          this.wire.push({ from: ua.name, to: "proxy", message: copy });
          this.proxy.handleMessage(copy, flowTo(ua.name), this.now);
        }
        for (let e = ua.layer.pollEvent(); e; e = ua.layer.pollEvent()) {
          moved = true;
          ua.events.push(e);
          if (e.type === "request") {
            ua.requests.push(e.request);
            ua.onRequest?.(e.request, e.transaction, ua);
          } else if (e.type === "response") ua.responses.push(e.response);
          else if (e.type === "ack") ua.acks.push(e.request);
        }
      }
    }
  }

  /** Advances the clock to `until`, firing every timer at its own time. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next = this.proxy.pollTimeout();
      for (const ua of this.uas.values()) {
        const t = ua.layer.pollTimeout();
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      if (next === undefined || next > until) break;
      this.now = Math.max(this.now, next);
      if ((this.proxy.pollTimeout() ?? Infinity) <= this.now) this.proxy.handleTimeout(this.now);
      for (const ua of this.uas.values()) if ((ua.layer.pollTimeout() ?? Infinity) <= this.now) ua.layer.handleTimeout(this.now);
      this.run();
    }
    this.now = until;
  }

  /** Requests of `method` the proxy sent to `to`. */
  sentTo(to: string, method?: string): SipRequest[] {
    return this.wire
      .filter((w) => w.from === "proxy" && w.to === to && w.message.isRequest && (method === undefined || (w.message as SipRequest).method === method))
      .map((w) => w.message as SipRequest);
  }
}

let calls = 0;

/** An INVITE from alice (RFC 3261 §24.2 style) to `uri`. */
export function invite(uri = "sip:bob@example.com", o: { headers?: [string, string][]; maxForwards?: number; callId?: string; toTag?: string } = {}): SipRequest {
  return createRequest({
    method: "INVITE",
    uri,
    from: `Alice <sip:alice@example.com>;tag=a${++calls}`,
    to: `Bob <${uri}>${o.toTag === undefined ? "" : `;tag=${o.toTag}`}`,
    callId: o.callId ?? `call-${calls}@alice`,
    cseq: 1,
    via: `SIP/2.0/UDP ${HOSTS["alice"]}:5060;branch=${newBranch()}`,
    maxForwards: o.maxForwards ?? 70,
    contact: `<sip:alice@${HOSTS["alice"]}:5060>`,
    headers: o.headers ?? [],
    body: "v=0\r\n",
    contentType: "application/sdp",
  });
}

/** A request from alice of any method. */
export function request(method: string, uri: string, o: { headers?: [string, string][]; toTag?: string; callId?: string; cseq?: number; maxForwards?: number } = {}): SipRequest {
  return createRequest({
    method,
    uri,
    from: `Alice <sip:alice@example.com>;tag=a${++calls}`,
    to: `<sip:bob@example.com>${o.toTag === undefined ? "" : `;tag=${o.toTag}`}`,
    callId: o.callId ?? `req-${calls}@alice`,
    cseq: o.cseq ?? 1,
    via: `SIP/2.0/UDP ${HOSTS["alice"]}:5060;branch=${newBranch()}`,
    maxForwards: o.maxForwards ?? 70,
    headers: o.headers ?? [],
  });
}

/** A UAS answering each request with the given statuses in turn (1xx first, then the final). */
export function answers(...statuses: number[]): UaHandler {
  return (req, txn, ua) => {
    if (req.method !== "INVITE" && req.method !== "BYE" && req.method !== "OPTIONS" && req.method !== "MESSAGE") return;
    for (const s of statuses) ua.respond(txn, req, s, s < 300 && req.method === "INVITE" ? [["Contact", `<sip:${ua.name}@${ua.host}:5060>`]] : []);
  };
}
