import {
  DEFAULT_SIP_LIMITS,
  SipStreamFramer,
  formatVia as formatViaValue,
  messageSize,
  serializeMessage,
  tryParseMessage,
} from "../sip/index.ts";
import type { SipLimits, SipMessage, SipRequest, SipResponse, Via } from "../sip/index.ts";
import { Queue } from "../queue.ts";
import { pooledRandom, randomHex } from "../random.ts";
import {
  addressKey,
  defaultPort,
  hostPort,
  isIpLiteral,
  isIpv6,
  isReliable,
  isUnspecified,
  normalizeHost,
  unbracket,
} from "./address.ts";
import { connectionKey } from "./connection.ts";
import type { Connection } from "./connection.ts";
import { ConnectionTable } from "./connection-table.ts";
import { newCounters } from "./counters.ts";
import { TransportError } from "./errors.ts";
import type { TransportErrorCode } from "./errors.ts";
import { answerUnparsable } from "./malformed.ts";
import { responseRoute } from "./routing.ts";
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
import { clientVia, replaceTopVia, stampReceived } from "./via.ts";
import { WebSocketSession } from "./websocket.ts";

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

const CRLF = new Uint8Array([13, 10]);
const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);
/** How long a connection whose framing failed stays open for the answers to what it delivered before. */
const LINGER = 2000;

/**
 * The SIP transport layer (RFC 3261 §18), sans-I/O. The driver feeds it datagrams, connection
 * events, stream bytes and the clock; it drains I/O actions (`pollAction`), events (`pollEvent`) and
 * the next deadline (`pollTimeout`). The core decides everything the RFC says: Via sent-by and the
 * UDP-to-TCP size rule on the client side (§18.1.1), response sent-by checks (§18.1.2), `received` /
 * `rport` on the server side (§18.2.1, RFC 3581), response routing (§18.2.2), stream framing
 * (§18.3), WebSocket handshake and framing (RFC 6455, RFC 7118), connection reuse, keep-alive
 * (RFC 5626 §4.4.1), and the limits that keep a peer from holding the server: connections in total
 * and per address, a deadline for the first message, idle and slowloris closes, message sizes.
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
  private readonly addRport: boolean;
  private readonly answerMalformed: boolean;
  private readonly limits: SipLimits;
  private readonly random: (n: number) => Uint8Array;
  private readonly wsViaHost: string;

  private readonly points = new Map<number, ListeningPoint>();
  private readonly table: ConnectionTable;
  /** Inbound UDP flows by source port: one flow object per peer, shared by its messages. */
  private readonly udpFlows = new Map<number, Flow>();
  /** Every `host:port` this transport writes as sent-by (RFC 3261 §18.1.2 check). */
  private readonly sentBys = new Set<string>();
  private readonly actions = new Queue<TransportAction>();
  private readonly events = new Queue<TransportEvent>();
  private nextId = 1;

  constructor(options: TransportOptions = {}) {
    this.udpLimit = options.pathMtu !== undefined ? options.pathMtu - 200 : (options.udpMaxRequestSize ?? 1300);
    this.table = new ConnectionTable(options.maxConnections ?? 1024, options.maxConnectionsPerAddress ?? 128, {
      idleTimeout: options.idleTimeout ?? 300_000,
      keepAlive: options.keepAliveInterval ?? 60_000,
      pongTimeout: options.pongTimeout ?? 10_000,
      partialTimeout: options.partialMessageTimeout ?? 30_000,
      firstMessageTimeout: options.firstMessageTimeout ?? 10_000,
      connectTimeout: options.connectTimeout ?? 10_000,
    });
    this.maxEvents = options.maxPendingEvents ?? 4096;
    this.addRport = options.rport ?? true;
    this.answerMalformed = options.answerMalformed ?? true;
    this.limits = {
      maxMessageSize: options.maxMessageSize ?? DEFAULT_SIP_LIMITS.maxMessageSize,
      maxHeaders: options.maxHeaders ?? DEFAULT_SIP_LIMITS.maxHeaders,
      maxHeaderLength: options.maxHeaderLength ?? DEFAULT_SIP_LIMITS.maxHeaderLength,
    };
    this.random = options.randomBytes ?? pooledRandom();
    this.wsViaHost = options.webSocketViaHost ?? `${this.hex(6)}.invalid`;
  }

  // ------------------------------------------------------------------ listening points

  /** Registers a listening point the driver has bound. */
  addListeningPoint(
    transport: TransportProtocol,
    local: Address,
    advertised?: { host?: string | undefined; port?: number | undefined },
  ): ListeningPoint {
    const host = advertised?.host ?? local.host;
    if (isUnspecified(host)) {
      throw new TransportError("NO_LISTENING_POINT", `listening on ${local.host} needs an advertisedHost for Via`);
    }
    const lp: ListeningPoint = {
      id: this.nextId++,
      transport,
      local: { host: unbracket(local.host), port: local.port },
      sentByHost: unbracket(host),
      sentByPort: advertised?.port ?? local.port,
    };
    this.points.set(lp.id, lp);
    this.sentBys.add(hostPort(normalizeHost(lp.sentByHost), lp.sentByPort));
    return lp;
  }

  removeListeningPoint(id: number): void {
    this.points.delete(id);
  }

  /** The open listening points. */
  listeningPoints(): ListeningPoint[] {
    return [...this.points.values()];
  }

  /** True while connection `id` is known (opening or open). */
  hasConnection(id: number): boolean {
    return this.table.get(id) !== undefined;
  }

  /** Open (and opening) connections. */
  get connectionCount(): number {
    return this.table.size;
  }

  /** Open connections from one peer address (an IPv6 peer counts by its /64 prefix). */
  connectionsFrom(host: string): number {
    return this.table.fromAddress(addressKey(unbracket(host)));
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
    this.fillVia(request, transport, host);
    if (transport === "UDP" && messageSize(request) > this.udpLimit && this.pickPoint("TCP", host)) {
      // §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than 1300
      // bytes and the path MTU is unknown, the request MUST be sent using an RFC 2914 congestion
      // controlled transport protocol, such as TCP. If this causes a change in the transport
      // protocol from the one indicated in the top Via, the value in the top Via MUST be changed."
      transport = "TCP";
      this.counters.udpToTcp++;
      this.fillVia(request, transport, host);
    }
    const lp = this.pickPoint(transport, host);
    const conn = isReliable(transport) ? this.table.find(connectionKey(transport, host, target.port)) : undefined;
    return {
      transport,
      reliable: isReliable(transport),
      remote: { host, port: target.port },
      listeningPoint: lp?.id,
      connection: conn?.id,
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
    const open = flow.connection !== undefined && this.table.get(flow.connection) !== undefined;
    const route = responseRoute(via, open, flow.remote.host);
    switch (route.kind) {
      case "connection":
        return flow;
      case "none":
        this.fail("NO_ROUTE", route.reason, response, flow, tag);
        return undefined;
      case "address":
        if (route.maddrIgnored) this.counters.maddrIgnored++;
        return this.addressFlow(route.transport, route.host, route.port, flow, response, tag);
    }
  }

  private addressFlow(
    transport: TransportProtocol,
    host: string,
    port: number,
    via: Flow,
    message: SipMessage,
    tag: unknown,
  ): Flow | undefined {
    const h = unbracket(host);
    if (!isIpLiteral(h)) {
      this.fail("NOT_RESOLVED", `${host} needs RFC 3263 resolution before a response can go there`, message, via, tag);
      return undefined;
    }
    const sameFamily = via.listeningPoint !== undefined && via.transport === transport;
    return {
      transport,
      reliable: isReliable(transport),
      remote: { host: h, port },
      listeningPoint: sameFamily ? via.listeningPoint : this.pickPoint(transport, h)?.id,
    };
  }

  // ------------------------------------------------------------------ sending

  private transmit(data: Uint8Array, message: SipMessage | undefined, flow: Flow, now: number, tag: unknown): void {
    if (!flow.reliable) {
      const lp =
        (flow.listeningPoint !== undefined ? this.points.get(flow.listeningPoint) : undefined) ??
        this.pickPoint("UDP", flow.remote.host);
      if (!lp) {
        this.fail("NO_LISTENING_POINT", `no UDP listening point for ${flow.remote.host}`, message, flow, tag);
        return;
      }
      this.counters.messagesOut++;
      this.actions.push({ type: "datagram", listeningPoint: lp.id, remote: flow.remote, data });
      return;
    }
    let conn = flow.connection !== undefined ? this.table.get(flow.connection) : undefined;
    conn ??= this.table.find(connectionKey(flow.transport, flow.remote.host, flow.remote.port));
    if (!conn) {
      if (flow.transport === "WS" || flow.transport === "WSS" ? false : !isIpLiteral(flow.remote.host)) {
        this.fail("NOT_RESOLVED", `${flow.remote.host} is not an address`, message, flow, tag);
        return;
      }
      if (this.table.refusal(undefined) !== undefined) {
        this.fail("TOO_MANY_CONNECTIONS", "the connection limit is reached", message, flow, tag);
        return;
      }
      conn = this.openConnection(flow, now);
    }
    conn.lastMessage = now;
    this.counters.messagesOut++;
    if (conn.state === "connecting") conn.pending.push({ data, message, flow, tag });
    else this.writeMessage(conn, data, now);
  }

  private openConnection(flow: Flow, now: number): Connection {
    const host = unbracket(flow.remote.host);
    const conn = this.newConnection(flow.transport, true, { host, port: flow.remote.port }, flow.listeningPoint, now);
    conn.state = "connecting";
    this.actions.push({
      type: "connect",
      connection: conn.id,
      transport: flow.transport,
      remote: conn.remote,
      hostname: flow.hostname ?? host,
      path: flow.path ?? "/",
    });
    this.table.touch(conn);
    return conn;
  }

  private newConnection(
    transport: TransportProtocol,
    outbound: boolean,
    remote: Address,
    listeningPoint: number | undefined,
    now: number,
  ): Connection {
    const ws = transport === "WS" || transport === "WSS";
    const conn: Connection = {
      id: this.nextId++,
      transport,
      outbound,
      remote,
      key: connectionKey(transport, remote.host, remote.port),
      source: outbound ? undefined : addressKey(remote.host),
      listeningPoint,
      state: "open",
      framer: ws ? undefined : new SipStreamFramer({ limits: this.limits }),
      ws: ws ? new WebSocketSession(outbound ? "client" : "server", this.limits.maxMessageSize, this.random) : undefined,
      pending: [],
      lastMessage: now,
      lastActivity: now,
      pingSentAt: undefined,
      partialSince: undefined,
      openedAt: now,
      silent: !outbound,
      closingAt: undefined,
    };
    this.table.add(conn);
    this.counters.connectionsOpened++;
    return conn;
  }

  /** Writes one SIP message: as is on TCP/TLS, as one WebSocket message on WS/WSS (RFC 7118 §5). */
  private writeMessage(conn: Connection, data: Uint8Array, now: number): void {
    this.write(conn, conn.ws !== undefined ? conn.ws.frame(data) : data, now);
  }

  private write(conn: Connection, data: Uint8Array, now: number): void {
    conn.lastActivity = now;
    this.actions.push({ type: "write", connection: conn.id, data });
  }

  // ------------------------------------------------------------------ connection events

  /** An outbound connection opened; on WS/WSS the WebSocket handshake starts (RFC 6455 §4.1). */
  handleConnected(id: number, now: number): void {
    const conn = this.table.get(id);
    if (!conn || conn.state !== "connecting") return;
    conn.lastActivity = now;
    if (conn.ws !== undefined) {
      const { hostname, path } = conn.pending[0]?.flow ?? {};
      this.write(conn, conn.ws.start(hostPort(hostname ?? conn.remote.host, conn.remote.port), path ?? "/"), now);
      return;
    }
    this.opened(conn, now);
  }

  /** Pending messages go out once the connection (and its WebSocket handshake) is up. */
  private opened(conn: Connection, now: number): void {
    conn.state = "open";
    const pending = conn.pending;
    conn.pending = [];
    for (const p of pending) this.writeMessage(conn, p.data, now);
    this.table.touch(conn);
  }

  /** An outbound connection could not be opened: its queued messages fail (RFC 3261 §18.4). */
  handleConnectFailed(id: number, now: number, cause?: unknown): void {
    const conn = this.table.get(id);
    if (!conn) return;
    this.drop(conn, "CONNECT_FAILED", `could not connect to ${hostPort(conn.remote.host, conn.remote.port)} over ${conn.transport}`, cause, now);
  }

  /**
   * Someone connected to listening point `listeningPoint` (for TLS and WSS: before the TLS
   * handshake, so that the handshake is counted and timed too). Returns the connection id, or
   * undefined when a limit refuses it (in total, or per address): the driver then closes the socket.
   */
  handleIncomingConnection(listeningPoint: number, remote: Address, now: number): number | undefined {
    const lp = this.points.get(listeningPoint);
    const host = unbracket(remote.host);
    const refusal = lp === undefined ? "total" : this.table.refusal(addressKey(host));
    if (lp === undefined || refusal !== undefined) {
      this.counters.connectionsRefused++;
      if (refusal === "address") this.counters.connectionsRefusedAddress++;
      return undefined;
    }
    return this.newConnection(lp.transport, false, { host, port: remote.port }, lp.id, now).id;
  }

  /** A connection closed (by the peer or after an error). */
  handleConnectionClosed(id: number, now: number, cause?: unknown): void {
    const conn = this.table.get(id);
    if (!conn) return;
    this.drop(conn, "CONNECTION_CLOSED", `connection to ${hostPort(conn.remote.host, conn.remote.port)} closed`, cause, now, false);
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

  /** Bytes arrived on a stream connection (TCP, TLS, or the TCP/TLS under WS and WSS). */
  handleStreamData(id: number, chunk: Uint8Array, now: number): void {
    const conn = this.table.get(id);
    if (!conn || conn.closingAt !== undefined) return;
    conn.lastActivity = now;
    if (conn.ws !== undefined) this.webSocketData(conn, conn.ws, chunk, now);
    else this.sipStreamData(conn, chunk, now);
    if (!this.table.get(id) || conn.closingAt !== undefined) return;
    const buffered = conn.ws !== undefined ? conn.ws.buffered : conn.framer!.buffered;
    if (buffered > 0) {
      if (conn.partialSince === undefined) {
        conn.partialSince = now;
        this.table.touch(conn);
      }
    } else conn.partialSince = undefined;
  }

  /** TCP and TLS: SIP messages framed by Content-Length (RFC 3261 §18.3), keep-alives between. */
  private sipStreamData(conn: Connection, chunk: Uint8Array, now: number): void {
    const framer = conn.framer!;
    framer.push(chunk);
    const flow = this.connectionFlow(conn);
    for (let item = framer.poll(); item !== undefined; item = framer.poll()) {
      switch (item.kind) {
        case "message":
          this.receiveOnConnection(conn, item.bytes, flow, now);
          break;
        case "ping":
          // RFC 5626 §4.4.1: "When a server receives a double CRLF sequence ... it MUST respond
          // with a single CRLF".
          this.counters.pongsSent++;
          this.write(conn, CRLF, now);
          break;
        case "pong":
          this.pongReceived(conn, now);
          break;
        case "error":
          // RFC 3261 §18.3: a stream that cannot be framed cannot be resynchronized. The messages
          // it delivered before still get their answers: the connection closes after a linger.
          this.counters.malformed++;
          this.linger(conn, now);
          return;
      }
    }
  }

  /** WS and WSS: the opening handshake, then one SIP message per WebSocket message. */
  private webSocketData(conn: Connection, ws: WebSocketSession, chunk: Uint8Array, now: number): void {
    ws.push(chunk);
    const flow = this.connectionFlow(conn);
    for (let out = ws.poll(); out !== undefined; out = ws.poll()) {
      switch (out.kind) {
        case "write":
          this.write(conn, out.data, now);
          break;
        case "open":
          if (conn.outbound) this.opened(conn, now);
          break;
        case "message":
          // RFC 7118 §5: one SIP message per WebSocket message; as on UDP (§18.3), bytes after the
          // Content-Length body are discarded.
          this.receiveOnConnection(conn, out.data, flow, now);
          break;
        case "pong":
          this.pongReceived(conn, now);
          break;
        case "close":
          if (out.handshake && !conn.outbound) this.counters.webSocketRefused++;
          else if (out.failed) this.counters.malformed++;
          if (conn.state === "connecting") {
            this.closeWith(conn, "CONNECT_FAILED", out.reason, now, true);
          } else this.closeWith(conn, "CONNECTION_CLOSED", out.reason, now, out.failed);
          return;
      }
    }
  }

  private receiveOnConnection(conn: Connection, bytes: Uint8Array, flow: Flow, now: number): void {
    conn.lastMessage = now;
    conn.partialSince = undefined;
    conn.silent = false;
    this.receive(bytes, flow, now);
  }

  private pongReceived(conn: Connection, now: number): void {
    conn.pingSentAt = undefined;
    // The next ping is due one interval after this pong, earlier than the pong deadline.
    this.table.touch(conn);
    void now;
  }

  private connectionFlow(conn: Connection): Flow {
    return {
      transport: conn.transport,
      reliable: true,
      remote: conn.remote,
      listeningPoint: conn.listeningPoint,
      connection: conn.id,
    };
  }

  private receive(bytes: Uint8Array, flow: Flow, now: number): void {
    const parsed = tryParseMessage(bytes, { limits: this.limits });
    if (!parsed.ok) {
      this.malformed(bytes, flow, parsed.error.code, parsed.error.message, now);
      return;
    }
    const message = parsed.message;
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
    } else if (!this.sentBys.has(hostPort(normalizeHost(via.host), via.port ?? defaultPort(via.transport)))) {
      // RFC 3261 §18.1.2: "If the value of the sent-by parameter in that header field value does
      // not correspond to a value that the client transport is configured to insert into requests,
      // the response MUST be silently discarded."
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

  // ------------------------------------------------------------------ time

  /** Runs the connection deadlines due at `now`: closes, keep-alive pings, lingering closes. */
  handleTimeout(now: number): void {
    for (const [conn, due] of this.table.sweep(now)) {
      const peer = hostPort(conn.remote.host, conn.remote.port);
      switch (due) {
        case "linger":
          this.closeWith(conn, "CONNECTION_CLOSED", "stream framing failed", now, true);
          break;
        case "connect-timeout":
          this.closeWith(conn, "CONNECT_FAILED", `connecting to ${peer} timed out`, now, true);
          break;
        case "first-message-timeout":
          this.counters.firstMessageTimeouts++;
          this.closeWith(conn, "CONNECTION_CLOSED", "no complete SIP message in time", now, true);
          break;
        case "pong-timeout":
          this.closeWith(conn, "KEEPALIVE_TIMEOUT", "no pong to a keep-alive", now, true);
          break;
        case "slowloris":
          this.closeWith(conn, "CONNECTION_CLOSED", "incomplete message held too long", now, true);
          break;
        case "idle":
          this.counters.idleClosed++;
          this.closeWith(conn, "CONNECTION_CLOSED", "idle", now, false);
          break;
        case "ping":
          // RFC 5626 §4.4.1: the client sends a CRLFCRLF ping; the server answers with a CRLF pong.
          // On WebSocket, a ping frame (RFC 6455 §5.5.2).
          conn.pingSentAt = now;
          this.counters.pingsSent++;
          this.write(conn, conn.ws !== undefined ? conn.ws.ping() : CRLFCRLF, now);
          this.table.touch(conn);
          break;
      }
    }
  }

  /** The earliest time `handleTimeout` has work (it may find none when activity moved it later). */
  pollTimeout(): number | undefined {
    return this.table.nextDeadline();
  }

  pollAction(): TransportAction | undefined {
    return this.actions.shift();
  }

  pollEvent(): TransportEvent | undefined {
    return this.events.shift();
  }

  /** Closes every connection (the driver closes the sockets). */
  close(now: number): void {
    for (const conn of this.table.all()) this.closeWith(conn, "CONNECTION_CLOSED", "transport closed", now, false);
  }

  // ------------------------------------------------------------------ helpers

  /** After a framing error: read nothing more, let answers go out, close at the linger deadline. */
  private linger(conn: Connection, now: number): void {
    conn.closingAt = now + LINGER;
    conn.partialSince = undefined;
    this.table.touch(conn);
  }

  private closeWith(conn: Connection, code: TransportErrorCode, reason: string, now: number, failed: boolean): void {
    this.actions.push({ type: "close", connection: conn.id });
    this.drop(conn, code, reason, undefined, now, failed);
  }

  /** Forgets a connection, fails its queued messages and reports it. */
  private drop(conn: Connection, code: TransportErrorCode, reason: string, cause: unknown, _now: number, failed = true): void {
    if (!this.table.remove(conn)) return;
    this.counters.connectionsClosed++;
    if (failed) this.counters.connectionsFailed++;
    const flow = this.connectionFlow(conn);
    for (const p of conn.pending) this.fail(code, reason, p.message, p.flow, p.tag, cause);
    conn.pending = [];
    this.events.push(
      cause === undefined
        ? { type: "connection-closed", connection: conn.id, flow }
        : { type: "connection-closed", connection: conn.id, flow, error: cause },
    );
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

  /** A listening point of `transport` in the family of `host` (for Via and for sending). */
  private pickPoint(transport: TransportProtocol, host: string): ListeningPoint | undefined {
    const v6 = isIpLiteral(host) ? isIpv6(host) : undefined;
    let any: ListeningPoint | undefined;
    for (const lp of this.points.values()) {
      if (lp.transport !== transport) continue;
      if (v6 === undefined || isIpv6(lp.local.host) === v6) return lp;
      any ??= lp;
    }
    return v6 === undefined ? any : undefined;
  }

  /** §18.1.1: the transport fills in sent-by and the transport; the branch stays the TU's. */
  private fillVia(request: SipRequest, transport: TransportProtocol, host: string): void {
    const lp = this.pickPoint(transport, host) ?? this.pickPoint(transport, "");
    let sentByHost: string;
    let sentByPort: number | undefined;
    if (lp) {
      sentByHost = lp.sentByHost;
      sentByPort = lp.sentByPort;
    } else if (transport === "WS" || transport === "WSS") {
      // RFC 7118 §5.2: a WebSocket client cannot be reached at an address of its own.
      sentByHost = this.wsViaHost;
      sentByPort = undefined;
    } else {
      // A client-only stream transport: responses come back on the connection (§18.2.2).
      const other = [...this.points.values()].find((p) => isIpv6(p.sentByHost) === isIpv6(host)) ?? this.points.values().next().value;
      sentByHost = other?.sentByHost ?? this.wsViaHost;
      sentByPort = undefined;
    }
    this.sentBys.add(hostPort(normalizeHost(sentByHost), sentByPort ?? defaultPort(transport)));
    let existing: Via | undefined;
    try {
      existing = request.topVia;
    } catch {
      existing = undefined;
    }
    const via = clientVia(existing, transport, sentByHost, sentByPort, transport === "UDP" && this.addRport, () => `z9hG4bK${this.hex(8)}`);
    if (existing) replaceTopVia(request, via);
    else request.addHeader("Via", formatViaValue(via), { prepend: true });
  }

  private hex(bytes: number): string {
    return randomHex(bytes, this.random);
  }
}
