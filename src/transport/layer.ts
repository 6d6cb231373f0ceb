import { DEFAULT_SIP_LIMITS, messageSize, serializeMessage, sipErrorText, tryParseMessage } from "../sip/index.ts";
import type { SipLimits, SipMessage, SipRequest, SipResponse, Via } from "../sip/index.ts";
import { Queue } from "../queue.ts";
import { pooledRandom, randomHex } from "../random.ts";
import { isIpLiteral, isReliable, unbracket } from "./address.ts";
import { newCounters } from "./counters.ts";
import { TransportError } from "./errors.ts";
import type { TransportErrorCode } from "./errors.ts";
import { ListeningPoints } from "./listening-points.ts";
import { answerUnparsable } from "./malformed.ts";
import { responseRoute } from "./routing.ts";
import { StreamConnections } from "./streams.ts";
import type {
  Address,
  Flow,
  ListeningPoint,
  TransportAction,
  TransportCounters,
  TransportEvent,
  TransportOptions,
  TransportProtocol,
} from "./types.ts";
import { replaceTopVia, stampReceived } from "./via.ts";

/** Where a request goes: a transport and an address (resolved per RFC 3263, see `locate.ts`). */
export interface Target {
  transport: TransportProtocol;
  /** IP literal (IPv6 with or without brackets). */
  host: string;
  port: number;
  /** The name the target was found under (TLS certificate check, WebSocket URL host). */
  hostname?: string;
  /** WebSocket resource path; default `/`. */
  path?: string;
}

/**
 * The SIP transport layer (RFC 3261 §18), sans-I/O. The driver feeds it datagrams, connection
 * events, stream bytes and the clock; it drains I/O actions (`pollAction`), events (`pollEvent`) and
 * the next deadline (`pollTimeout`). The core decides everything the RFC says: Via sent-by and the
 * UDP-to-TCP size rule on the client side (§18.1.1, listening-points.ts), response sent-by checks
 * (§18.1.2), `received` / `rport` on the server side (§18.2.1, RFC 3581), response routing (§18.2.2,
 * routing.ts), stream framing (§18.3) and WebSocket (RFC 6455, RFC 7118) with connection reuse,
 * keep-alives (RFC 5626 §4.4.1) and the limits that keep a peer from holding the server
 * (streams.ts, connection-table.ts): connections in total and per address, a deadline for the first
 * message, idle and slowloris closes, message sizes.
 *
 * ```ts
 * const flow = transport.prepareRequest(request, target);   // fills the Via, picks UDP/TCP
 * transport.send(request, flow, now);
 * for (let a; (a = transport.pollAction()); ) io.perform(a);
 * for (let e; (e = transport.pollEvent()); ) user.handle(e);
 * ```
 */
export class TransportLayer {
  /** Live counters; read freely. */
  readonly counters: TransportCounters = newCounters();
  private readonly udpLimit: number;
  private readonly maxEvents: number;
  private readonly answerMalformed: boolean;
  private readonly limits: SipLimits;
  private readonly random: (n: number) => Uint8Array;
  private readonly points: ListeningPoints;
  private readonly streams: StreamConnections;
  /** Inbound UDP flows by source port: one flow object per peer, shared by its messages. */
  private readonly udpFlows = new Map<number, Flow>();
  private readonly actions = new Queue<TransportAction>();
  private readonly events = new Queue<TransportEvent>();
  private nextId = 1;

  constructor(options: TransportOptions = {}) {
    this.udpLimit = options.pathMtu !== undefined ? options.pathMtu - 200 : (options.udpMaxRequestSize ?? 1300);
    this.maxEvents = options.maxPendingEvents ?? 4096;
    this.answerMalformed = options.answerMalformed ?? true;
    this.limits = {
      maxMessageSize: options.maxMessageSize ?? DEFAULT_SIP_LIMITS.maxMessageSize,
      maxHeaders: options.maxHeaders ?? DEFAULT_SIP_LIMITS.maxHeaders,
      maxHeaderLength: options.maxHeaderLength ?? DEFAULT_SIP_LIMITS.maxHeaderLength,
    };
    this.random = options.randomBytes ?? pooledRandom();
    this.points = new ListeningPoints(options.webSocketViaHost ?? `${this.hex(6)}.invalid`, options.rport ?? true, () => `z9hG4bK${this.hex(8)}`);
    this.streams = new StreamConnections(
      {
        actions: this.actions,
        events: this.events,
        counters: this.counters,
        limits: this.limits,
        random: this.random,
        receive: (bytes, flow, now) => this.receive(bytes, flow, now),
        refuse: (head, flow, code, reason, now) => this.malformed(head, flow, code, reason, now),
        fail: (code, reason, message, flow, tag, cause) => this.fail(code, reason, message, flow, tag, cause),
      },
      { maxConnections: options.maxConnections ?? 1024, maxPerAddress: options.maxConnectionsPerAddress ?? 128 },
      {
        idleTimeout: options.idleTimeout ?? 300_000,
        keepAlive: options.keepAliveInterval ?? 60_000,
        pongTimeout: options.pongTimeout ?? 10_000,
        partialTimeout: options.partialMessageTimeout ?? 30_000,
        firstMessageTimeout: options.firstMessageTimeout ?? 10_000,
        connectTimeout: options.connectTimeout ?? 10_000,
      },
      () => this.nextId++,
    );
  }

  // ------------------------------------------------------------------ listening points and connections

  /** Registers a listening point the driver has bound. */
  addListeningPoint(
    transport: TransportProtocol,
    local: Address,
    advertised?: { host?: string | undefined; port?: number | undefined },
  ): ListeningPoint {
    return this.points.add(this.nextId++, transport, local, advertised);
  }

  removeListeningPoint(id: number): void {
    this.points.remove(id);
  }

  /** The open listening points. */
  listeningPoints(): ListeningPoint[] {
    return this.points.list();
  }

  /** True while connection `id` is known (opening or open). */
  hasConnection(id: number): boolean {
    return this.streams.has(id);
  }

  /** Open (and opening) connections. */
  get connectionCount(): number {
    return this.streams.count;
  }

  /** Open connections from one peer address (an IPv6 peer counts by its /64 prefix). */
  connectionsFrom(host: string): number {
    return this.streams.fromAddress(host);
  }

  // ------------------------------------------------------------------ client side: requests

  /**
   * Chooses the transport for `request` towards `target` and fills the top Via (RFC 3261 §18.1.1):
   * sent-by is the listening point's address, the transport the one used, and `rport` is asked for
   * on UDP (RFC 3581 §3). A request without a Via gets one with a new branch. A UDP request larger
   * than the limit moves to TCP when a TCP listening point exists. Returns the flow to pass to the
   * transaction layer and to `send`.
   */
  prepareRequest(request: SipRequest, target: Target): Flow {
    let transport = target.transport;
    const host = unbracket(target.host);
    this.points.fillVia(request, transport, host);
    if (transport === "UDP" && messageSize(request) > this.udpLimit && this.points.pick("TCP", host)) {
      // §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than 1300
      // bytes and the path MTU is unknown, the request MUST be sent using an RFC 2914 congestion
      // controlled transport protocol, such as TCP. If this causes a change in the transport
      // protocol from the one indicated in the top Via, the value in the top Via MUST be changed."
      transport = "TCP";
      this.counters.udpToTcp++;
      this.points.fillVia(request, transport, host);
    }
    return {
      transport,
      reliable: isReliable(transport),
      remote: { host, port: target.port },
      listeningPoint: this.points.pick(transport, host)?.id,
      connection: isReliable(transport) ? this.streams.find(transport, host, target.port) : undefined,
      hostname: target.hostname,
      path: target.path,
    };
  }

  /**
   * Sends a request or a response. Requests go to `flow` (reusing an open connection to the same
   * peer and transport, else opening one). Responses follow RFC 3261 §18.2.2 from their top Via and
   * the flow the request arrived on. Failures come back as `error` events carrying `tag`. `bytes`,
   * when given, is the message already serialized (a transaction's kept response).
   */
  send(message: SipRequest | SipResponse, flow: Flow, now: number, tag?: unknown, bytes?: Uint8Array): void {
    let data = bytes;
    if (data === undefined) {
      try {
        data = serializeMessage(message);
      } catch (error) {
        this.fail("NO_ROUTE", "message could not be serialized", message, flow, tag, error);
        return;
      }
    }
    if (message.isRequest) {
      this.transmit(data, message, flow, now, tag);
      return;
    }
    const dest = this.responseFlow(message as SipResponse, flow, tag);
    if (dest) this.transmit(data, message, dest, now, tag);
  }

  // ------------------------------------------------------------------ server side: responses

  /** RFC 3261 §18.2.2 (and RFC 3581 §4, routing.ts): where a response goes. Undefined after an error event. */
  private responseFlow(response: SipResponse, flow: Flow, tag: unknown): Flow | undefined {
    let via: Via | undefined;
    try {
      via = response.topVia;
    } catch {
      via = undefined;
    }
    if (!via) {
      this.fail("NO_ROUTE", "response without a readable top Via", response, flow, tag);
      return undefined;
    }
    const open = flow.connection !== undefined && this.streams.has(flow.connection);
    const route = responseRoute(via, open, flow.remote.host);
    switch (route.kind) {
      case "connection":
        return flow;
      case "none":
        this.fail("NO_ROUTE", route.reason, response, flow, tag);
        return undefined;
      case "address": {
        if (route.maddrIgnored) this.counters.maddrIgnored++;
        const h = unbracket(route.host);
        if (!isIpLiteral(h)) {
          this.fail("NOT_RESOLVED", `${route.host} needs RFC 3263 resolution before a response can go there`, response, flow, tag);
          return undefined;
        }
        const sameFamily = flow.listeningPoint !== undefined && flow.transport === route.transport;
        return {
          transport: route.transport,
          reliable: isReliable(route.transport),
          remote: { host: h, port: route.port },
          listeningPoint: sameFamily ? flow.listeningPoint : this.points.pick(route.transport, h)?.id,
        };
      }
    }
  }

  // ------------------------------------------------------------------ sending

  private transmit(data: Uint8Array, message: SipMessage | undefined, flow: Flow, now: number, tag: unknown): void {
    if (flow.reliable) {
      this.streams.send(data, message, flow, tag, now);
      return;
    }
    const lp = (flow.listeningPoint !== undefined ? this.points.get(flow.listeningPoint) : undefined) ?? this.points.pick("UDP", flow.remote.host);
    if (!lp) {
      this.fail("NO_LISTENING_POINT", `no UDP listening point for ${flow.remote.host}`, message, flow, tag);
      return;
    }
    this.counters.messagesOut++;
    this.actions.push({ type: "datagram", listeningPoint: lp.id, remote: flow.remote, data });
  }

  // ------------------------------------------------------------------ connection events

  /** An outbound connection opened; on WS/WSS the WebSocket handshake starts (RFC 6455 §4.1). */
  handleConnected(id: number, now: number): void {
    this.streams.handleConnected(id, now);
  }

  /** An outbound connection could not be opened: its queued messages fail (RFC 3261 §18.4). */
  handleConnectFailed(id: number, now: number, cause?: unknown): void {
    this.streams.handleConnectFailed(id, now, cause);
  }

  /**
   * Someone connected to listening point `listeningPoint` (for TLS and WSS: before the TLS
   * handshake, so that the handshake is counted and timed too). Returns the connection id, or
   * undefined when a limit refuses it (in total, or per address): the driver then closes the socket.
   */
  handleIncomingConnection(listeningPoint: number, remote: Address, now: number): number | undefined {
    const lp = this.points.get(listeningPoint);
    if (lp === undefined) {
      this.counters.connectionsRefused++;
      return undefined;
    }
    return this.streams.handleIncoming(lp.transport, lp.id, remote, now);
  }

  /** A connection closed (by the peer or after an error). */
  handleConnectionClosed(id: number, now: number, cause?: unknown): void {
    this.streams.handleClosed(id, now, cause);
  }

  /** Bytes arrived on a stream connection (TCP, TLS, or the TCP/TLS under WS and WSS). */
  handleStreamData(id: number, chunk: Uint8Array, now: number): void {
    this.streams.handleData(id, chunk, now);
  }

  // ------------------------------------------------------------------ inbound

  /** A datagram arrived on UDP listening point `listeningPoint` from `remote`. */
  handleDatagram(listeningPoint: number, data: Uint8Array, remote: Address, now: number): void {
    const lp = this.points.get(listeningPoint);
    if (!lp) return;
    // Keep-alives on UDP (RFC 5626 §4.4.2 uses STUN; a bare CRLF is also common) carry no message.
    if (data.length <= 4 && data.every((b) => b === 13 || b === 10)) return;
    // The parsed message keeps its bytes; the runtime may reuse its receive buffer.
    this.receive(data.slice(), this.udpFlow(lp.id, remote), now);
  }

  /**
   * The flow of a datagram's source. Flows are immutable and server transactions keep theirs for
   * their whole life (64*T1 on UDP), so one object per peer is shared instead of one per datagram.
   */
  private udpFlow(listeningPoint: number, remote: Address): Flow {
    const host = unbracket(remote.host);
    const known = this.udpFlows.get(remote.port);
    if (known !== undefined && known.remote.host === host && known.listeningPoint === listeningPoint) return known;
    if (this.udpFlows.size >= 4096) this.udpFlows.clear();
    const flow: Flow = { transport: "UDP", reliable: false, remote: { host, port: remote.port }, listeningPoint };
    this.udpFlows.set(remote.port, flow);
    return flow;
  }

  private receive(bytes: Uint8Array, flow: Flow, now: number): void {
    const parsed = tryParseMessage(bytes, { limits: this.limits });
    if (!parsed.ok) {
      this.malformed(bytes, flow, parsed.code, `${sipErrorText(parsed.code)} at byte ${parsed.offset}`, now);
      return;
    }
    const message = parsed.value;
    let via: Via | undefined;
    try {
      via = message.topVia;
    } catch {
      via = undefined;
    }
    if (!via) {
      this.malformed(bytes, flow, "BAD_VIA", "Missing or malformed Via", now);
      return;
    }
    if (message.isRequest) {
      if (stampReceived(via, flow.remote.host, flow.remote.port)) replaceTopVia(message, via);
    } else if (!this.points.isOurs(via)) {
      // RFC 3261 §18.1.2: a response whose top Via sent-by is not one of ours is silently discarded.
      this.counters.responsesDiscarded++;
      return;
    }
    if (this.events.length >= this.maxEvents) {
      this.counters.queueDropped++;
      return;
    }
    this.counters.messagesIn++;
    this.events.push({ type: "message", message, flow });
  }

  /**
   * A message that does not parse: counted and dropped, or, for a request whose start line and Via
   * can be read, answered where the bytes came from (the Via may not be trustworthy) with 505 for
   * another SIP version, 513 for a message over the size limits, 400 otherwise (malformed.ts).
   */
  private malformed(bytes: Uint8Array, flow: Flow, code: string, reason: string, now: number): void {
    this.counters.malformed++;
    if (!this.answerMalformed) return;
    const reply = answerUnparsable(bytes, code, reason, this.hex(6));
    if (!reply) return;
    this.counters.malformedAnswered++;
    this.transmit(reply, undefined, flow, now, undefined);
  }

  // ------------------------------------------------------------------ time and outputs

  /** Runs the connection deadlines due at `now`: closes, keep-alive pings, lingering closes. */
  handleTimeout(now: number): void {
    this.streams.handleTimeout(now);
  }

  /** The earliest time `handleTimeout` has work (it may find none when activity moved it later). */
  pollTimeout(): number | undefined {
    return this.streams.nextDeadline();
  }

  pollAction(): TransportAction | undefined {
    return this.actions.shift();
  }

  pollEvent(): TransportEvent | undefined {
    return this.events.shift();
  }

  /** Closes every connection (the driver closes the sockets). */
  close(now: number): void {
    this.streams.closeAll(now);
  }

  private fail(
    code: TransportErrorCode,
    reason: string,
    message: SipMessage | undefined,
    flow: Flow | undefined,
    tag: unknown,
    cause?: unknown,
  ): void {
    this.counters.sendErrors++;
    const error = new TransportError(code, reason, cause === undefined ? undefined : { cause });
    this.events.push({ type: "error", error, message: message as SipRequest | SipResponse | undefined, flow, tag });
  }

  private hex(bytes: number): string {
    return randomHex(bytes, this.random);
  }
}
