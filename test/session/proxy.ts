// A small stateful proxy for the session tests (RFC 3261 §16, much simplified): loose routing,
// Record-Route, parallel forking to the locations of a user, the best final response, CANCEL of
// the other branches once one answered, and an optional digest challenge (407) per realm.
import { createResponse, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import {
  newBranch,
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type TransactionEvent,
  type Transmit,
} from "../../src/transaction/index.ts";
import { hostOf, type SimFlow, type SimNet, type SimNode } from "./harness.ts";

export interface ProxyOptions {
  /** Add Record-Route to dialog-creating requests (§16.6 step 4). Default true. */
  recordRoute?: boolean;
  /** Challenge initial requests that carry no credentials for this realm with 407 (§22.3). */
  realm?: string;
  /** Where requests for a user go (several hosts: parallel forking); others by Request-URI host. */
  locations?: Record<string, string[]>;
  /** The next hop for a domain this proxy does not serve (what DNS would say, RFC 3263). */
  routes?: Record<string, string>;
  /** Challenge requests inside dialogs too (all but ACK and CANCEL). */
  challengeAll?: boolean;
  /** Header fields removed from every request and response forwarded (to play a peer that lacks them). */
  strip?: string[];
}

interface Fork {
  readonly server: ServerTransaction<SimFlow>;
  readonly clients: ClientTransaction<SimFlow>[];
  pending: number;
  best: SipResponse | undefined;
  answered: boolean;
}

export class SimProxy implements SimNode {
  readonly layer = new TransactionLayer<SimFlow>();
  /** Requests this proxy challenged. */
  challenged = 0;
  private readonly forks = new Map<string, Fork>();
  private readonly byClient = new Map<string, Fork>();
  private nonces = 0;

  constructor(
    readonly net: SimNet,
    readonly host: string,
    readonly options: ProxyOptions = {},
  ) {
    net.add(this);
  }

  deliver(message: SipRequest | SipResponse, flow: SimFlow, now: number): void {
    this.layer.handleMessage(message, flow, now);
  }

  pollTransmit(): Transmit<SimFlow> | undefined {
    return this.layer.pollTransmit();
  }

  pollTimeout(): number | undefined {
    return this.layer.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.layer.handleTimeout(now);
  }

  settle(now: number): void {
    for (let e = this.layer.pollEvent(); e; e = this.layer.pollEvent()) this.handle(e, now);
  }

  get idle(): boolean {
    return this.layer.clientCount === 0 && this.layer.serverCount === 0 && this.forks.size === 0;
  }

  private handle(e: TransactionEvent<SimFlow>, now: number): void {
    switch (e.type) {
      case "request":
        this.request(e.transaction, e.request, now);
        return;
      case "ack":
        this.forwardStateless(e.request);
        return;
      case "response":
        this.response(e.transaction, e.response, now);
        return;
      case "cancel": {
        // §16.10: the CANCEL was answered (and the INVITE 487'd) by the layer; cancel every branch.
        const fork = this.forks.get(e.transaction.id);
        if (fork !== undefined) for (const c of fork.clients) this.layer.cancel(c, now);
        return;
      }
      case "timeout":
      case "transport-error": {
        const fork = this.byClient.get(e.transaction.id);
        if (fork !== undefined && e.transaction.kind.endsWith("client")) {
          this.byClient.delete(e.transaction.id);
          this.final(fork, undefined, now);
        }
        return;
      }
      case "terminated":
        this.forks.delete(e.transaction.id);
        this.byClient.delete(e.transaction.id);
        return;
      case "stray-response":
        return;
    }
  }

  /** §16.4: a Route naming this proxy is removed. */
  private popRoute(request: SipRequest): void {
    const first = request.header("Route");
    if (first !== undefined && hostOf(first.split(",")[0]!.trim()) === this.host) request.removeFirstValue("Route");
  }

  /** The next hops of a request (§16.5): the next Route, or the user's locations, or the Request-URI. */
  private targets(request: SipRequest): { host: string; uri: string | undefined }[] {
    const route = request.header("Route");
    if (route !== undefined) return [{ host: hostOf(route.split(",")[0]!.trim()), uri: undefined }];
    const user = /^sips?:([^@;]+)@/.exec(request.uriText)?.[1];
    const locations = user === undefined ? undefined : this.options.locations?.[user];
    if (locations !== undefined && request.toTag === undefined) return locations.map((h) => ({ host: h, uri: `sip:${user}@${h}` }));
    const host = hostOf(request.uriText);
    return [{ host: this.options.routes?.[host] ?? host, uri: undefined }];
  }

  private request(server: ServerTransaction<SimFlow>, original: SipRequest, now: number): void {
    const request = original.clone();
    this.popRoute(request);
    const realm = this.options.realm;
    const initial = request.toTag === undefined;
    for (const name of this.options.strip ?? []) request.removeHeader(name);
    const challengeable = initial || (this.options.challengeAll === true && request.method !== "ACK");
    if (realm !== undefined && challengeable && !request.headers("Proxy-Authorization").some((v) => v.includes(`realm="${realm}"`))) {
      // §22.3: "the proxy MUST [...] return a 407 (Proxy Authentication Required) response".
      this.challenged++;
      server.respond(
        createResponse(original, 407, undefined, {
          toTag: `p${++this.nonces}`,
          headers: [["Proxy-Authenticate", `Digest realm="${realm}", nonce="${this.host}-${this.nonces}", algorithm=MD5, qop="auth"`]],
        }),
        now,
      );
      return;
    }
    const mf = request.maxForwards ?? 70;
    if (mf === 0) {
      server.respond(createResponse(original, 483, undefined, { toTag: "loop" }), now);
      return;
    }
    // §16.2: a stateful proxy forwarding an INVITE answers 100 (Trying) at once.
    if (request.method === "INVITE") server.respond(createResponse(original, 100), now);
    const fork: Fork = { server, clients: [], pending: 0, best: undefined, answered: false };
    this.forks.set(server.id, fork);
    for (const target of this.targets(request)) {
      const out = request.clone();
      if (target.uri !== undefined) out.uri = target.uri;
      out.setHeader("Max-Forwards", String(mf - 1));
      if (this.options.recordRoute !== false && initial && request.method === "INVITE") {
        out.addHeader("Record-Route", `<sip:${this.host};lr>`, { prepend: true });
      }
      out.addHeader("Via", `SIP/2.0/UDP ${this.host};branch=${newBranch()}`, { prepend: true });
      const client = this.layer.sendRequest(out, { transport: "UDP", reliable: false, peer: target.host }, now);
      fork.clients.push(client);
      fork.pending++;
      this.byClient.set(client.id, fork);
    }
  }

  /** §16.7: responses go upstream without our Via; 1xx and 2xx at once, the best other final at the end. */
  private response(client: ClientTransaction<SimFlow>, response: SipResponse, now: number): void {
    const fork = this.byClient.get(client.id);
    if (fork === undefined || client.method === "CANCEL") return;
    const status = response.status;
    const up = response.clone();
    up.removeFirstValue("Via");
    for (const name of this.options.strip ?? []) up.removeHeader(name);
    if (status < 200) {
      if (status !== 100) fork.server.respond(up, now);
      return;
    }
    if (status < 300) {
      fork.server.respond(up, now);
      if (!fork.answered) {
        fork.answered = true;
        // §16.7 step 10: once a 2xx has been forwarded, the other pending branches are cancelled.
        for (const c of fork.clients) if (c !== client) this.layer.cancel(c, now);
      }
      if (client.kind === "non-invite-client") this.byClient.delete(client.id);
      return;
    }
    this.byClient.delete(client.id);
    this.final(fork, up, now);
  }

  private final(fork: Fork, response: SipResponse | undefined, now: number): void {
    fork.pending--;
    if (response !== undefined && (fork.best === undefined || response.status < fork.best.status)) fork.best = response;
    if (fork.pending > 0 || fork.answered) return;
    fork.answered = true;
    const best = fork.best ?? createResponse(fork.server.request!, 408, undefined, { toTag: "timeout" });
    fork.server.respond(best, now);
  }

  /** ACK for a 2xx: forwarded statelessly along its Route (§16.11). */
  private forwardStateless(original: SipRequest): void {
    const request = original.clone();
    this.popRoute(request);
    const target = this.targets(request)[0]!;
    request.addHeader("Via", `SIP/2.0/UDP ${this.host};branch=${newBranch()}`, { prepend: true });
    this.layer.sendStateless(request, { transport: "UDP", reliable: false, peer: target.host });
  }
}
