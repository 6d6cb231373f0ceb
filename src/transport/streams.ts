import { SipStreamFramer } from "../sip/index.ts";
import type { SipLimits, SipMessage, SipRequest, SipResponse } from "../sip/index.ts";
import type { Queue } from "../queue.ts";
import { addressKey, hostPort, isIpLiteral, unbracket } from "./address.ts";
import { connectionKey } from "./connection.ts";
import type { Connection } from "./connection.ts";
import { ConnectionTable } from "./connection-table.ts";
import type { ConnectionTiming } from "./connection.ts";
import type { TransportErrorCode } from "./errors.ts";
import type { Address, Flow, TransportAction, TransportCounters, TransportEvent, TransportProtocol } from "./types.ts";
import { WebSocketSession } from "./websocket.ts";

const CRLF = new Uint8Array([13, 10]);
const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);
/** How long a connection whose framing failed stays open for the answers to what it delivered before. */
const LINGER = 2000;

/** What the stream side needs from the transport core it belongs to. */
export interface StreamHost {
  readonly actions: Queue<TransportAction>;
  readonly events: Queue<TransportEvent>;
  readonly counters: TransportCounters;
  readonly limits: SipLimits;
  readonly random: (n: number) => Uint8Array;
  /** A whole SIP message arrived on a connection. */
  receive(bytes: Uint8Array, flow: Flow, now: number): void;
  /** A message that cannot be taken (over the size limit): answered from its raw header section when it is a request. */
  refuse(head: Uint8Array, flow: Flow, code: string, reason: string, now: number): void;
  /** A message could not be sent (RFC 3261 §18.4). */
  fail(code: TransportErrorCode, reason: string, message: SipMessage | undefined, flow: Flow | undefined, tag: unknown, cause?: unknown): void;
}

/**
 * The connection-oriented side of the transport core (RFC 3261 §18.3; RFC 7118 for WebSocket): each
 * connection's lifecycle, its input (SIP messages framed by Content-Length on TCP and TLS, one per
 * WebSocket message on WS and WSS, keep-alives between), its writes, and its deadlines.
 */
export class StreamConnections {
  private readonly table: ConnectionTable;
  private nextId: () => number;

  constructor(
    private readonly host: StreamHost,
    limits: { maxConnections: number; maxPerAddress: number },
    timing: ConnectionTiming,
    nextId: () => number,
  ) {
    this.table = new ConnectionTable(limits.maxConnections, limits.maxPerAddress, timing);
    this.nextId = nextId;
  }

  /** Open (and opening) connections. */
  get count(): number {
    return this.table.size;
  }

  has(id: number): boolean {
    return this.table.get(id) !== undefined;
  }

  /** The connection to reuse for `transport` to `host:port` (RFC 3261 §18), if one is open or opening. */
  find(transport: TransportProtocol, host: string, port: number): number | undefined {
    return this.table.find(connectionKey(transport, host, port))?.id;
  }

  /** Inbound connections open from an address (an IPv6 peer counts by its /64 prefix). */
  fromAddress(host: string): number {
    return this.table.fromAddress(addressKey(unbracket(host)));
  }

  /** When `handleTimeout` may find something due. */
  nextDeadline(): number | undefined {
    return this.table.nextDeadline();
  }

  // ------------------------------------------------------------------ sending

  /**
   * Sends one SIP message on `flow`'s connection, or on the open connection to the same peer and
   * transport, else opens one; messages wait for the connection (and its WebSocket handshake).
   */
  send(data: Uint8Array, message: SipMessage | undefined, flow: Flow, tag: unknown, now: number): void {
    let conn = flow.connection !== undefined ? this.table.get(flow.connection) : undefined;
    conn ??= this.table.find(connectionKey(flow.transport, flow.remote.host, flow.remote.port));
    if (!conn) {
      // A WebSocket URL may name a host (the runtime resolves it); a TCP or TLS target must be an address.
      if (flow.transport !== "WS" && flow.transport !== "WSS" && !isIpLiteral(flow.remote.host)) {
        this.host.fail("NOT_RESOLVED", `${flow.remote.host} is not an address`, message, flow, tag);
        return;
      }
      if (this.table.refusal(undefined) !== undefined) {
        this.host.fail("TOO_MANY_CONNECTIONS", "the connection limit is reached", message, flow, tag);
        return;
      }
      conn = this.open(flow, now);
    }
    conn.lastMessage = now;
    this.host.counters.messagesOut++;
    if (conn.state === "connecting") conn.pending.push({ data, message, flow, tag });
    else this.writeMessage(conn, data, now);
  }

  private open(flow: Flow, now: number): Connection {
    const host = unbracket(flow.remote.host);
    const conn = this.add(flow.transport, true, { host, port: flow.remote.port }, flow.listeningPoint, now);
    conn.state = "connecting";
    this.host.actions.push({
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

  private add(transport: TransportProtocol, outbound: boolean, remote: Address, listeningPoint: number | undefined, now: number): Connection {
    const ws = transport === "WS" || transport === "WSS";
    const conn: Connection = {
      id: this.nextId(),
      transport,
      outbound,
      remote,
      key: connectionKey(transport, remote.host, remote.port),
      source: outbound ? undefined : addressKey(remote.host),
      listeningPoint,
      state: "open",
      framer: ws ? undefined : new SipStreamFramer({ limits: this.host.limits }),
      ws: ws ? new WebSocketSession(outbound ? "client" : "server", this.host.limits.maxMessageSize, this.host.random) : undefined,
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
    this.host.counters.connectionsOpened++;
    return conn;
  }

  /** One SIP message: as is on TCP/TLS, as one WebSocket message on WS/WSS (RFC 7118 §5). */
  private writeMessage(conn: Connection, data: Uint8Array, now: number): void {
    this.write(conn, conn.ws !== undefined ? conn.ws.frame(data) : data, now);
  }

  private write(conn: Connection, data: Uint8Array, now: number): void {
    conn.lastActivity = now;
    this.host.actions.push({ type: "write", connection: conn.id, data });
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

  /** An inbound connection: its id, or undefined when a limit (in total, or per address) refuses it. */
  handleIncoming(transport: TransportProtocol, listeningPoint: number, remote: Address, now: number): number | undefined {
    const host = unbracket(remote.host);
    const refusal = this.table.refusal(addressKey(host));
    if (refusal !== undefined) {
      this.host.counters.connectionsRefused++;
      if (refusal === "address") this.host.counters.connectionsRefusedAddress++;
      return undefined;
    }
    return this.add(transport, false, { host, port: remote.port }, listeningPoint, now).id;
  }

  /** A connection closed (by the peer or after an error). */
  handleClosed(id: number, now: number, cause?: unknown): void {
    const conn = this.table.get(id);
    if (!conn) return;
    this.drop(conn, "CONNECTION_CLOSED", `connection to ${hostPort(conn.remote.host, conn.remote.port)} closed`, cause, now, false);
  }

  // ------------------------------------------------------------------ input

  /** Bytes arrived on a connection (TCP, TLS, or the TCP/TLS under WS and WSS). */
  handleData(id: number, chunk: Uint8Array, now: number): void {
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

  /**
   * TCP and TLS: SIP messages framed by Content-Length (RFC 3261 §18.3), keep-alives between. A
   * header section may end in CRLF CRLF or, from a peer using bare LF line ends, LF LF (the
   * tokenizer accepts those on every transport).
   */
  private sipStreamData(conn: Connection, chunk: Uint8Array, now: number): void {
    const framer = conn.framer!;
    framer.push(chunk);
    const flow = this.flow(conn);
    for (let item = framer.poll(); item !== undefined; item = framer.poll()) {
      switch (item.kind) {
        case "message":
          this.message(conn, item.bytes, flow, now);
          break;
        case "ping":
          // RFC 5626 §4.4.1: "When a server receives a double CRLF sequence ... it MUST respond
          // with a single CRLF".
          this.host.counters.pongsSent++;
          this.write(conn, CRLF, now);
          break;
        case "pong":
          this.pong(conn);
          break;
        case "error":
          // RFC 3261 §18.3: a stream that cannot be framed cannot be resynchronized. The messages
          // it delivered before still get their answers: the connection closes after a linger.
          // A request over the size limit whose headers were read is still answered 513 (§21.4.28).
          if (item.head !== undefined) this.host.refuse(item.head, flow, item.error.code, item.error.message, now);
          else this.host.counters.malformed++;
          conn.closingAt = now + LINGER;
          conn.partialSince = undefined;
          this.table.touch(conn);
          return;
      }
    }
  }

  /** WS and WSS: the opening handshake, then one SIP message per WebSocket message. */
  private webSocketData(conn: Connection, ws: WebSocketSession, chunk: Uint8Array, now: number): void {
    ws.push(chunk);
    const flow = this.flow(conn);
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
          this.message(conn, out.data, flow, now);
          break;
        case "pong":
          this.pong(conn);
          break;
        case "close":
          if (out.handshake && !conn.outbound) this.host.counters.webSocketRefused++;
          else if (out.failed) this.host.counters.malformed++;
          if (conn.state === "connecting") this.closeWith(conn, "CONNECT_FAILED", out.reason, now, true);
          else this.closeWith(conn, "CONNECTION_CLOSED", out.reason, now, out.failed);
          return;
      }
    }
  }

  private message(conn: Connection, bytes: Uint8Array, flow: Flow, now: number): void {
    conn.lastMessage = now;
    conn.partialSince = undefined;
    conn.silent = false;
    this.host.receive(bytes, flow, now);
  }

  /** The next ping is due one interval after this pong, earlier than the pong deadline. */
  private pong(conn: Connection): void {
    conn.pingSentAt = undefined;
    this.table.touch(conn);
  }

  private flow(conn: Connection): Flow {
    return { transport: conn.transport, reliable: true, remote: conn.remote, listeningPoint: conn.listeningPoint, connection: conn.id };
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
          this.host.counters.firstMessageTimeouts++;
          this.closeWith(conn, "CONNECTION_CLOSED", "no complete SIP message in time", now, true);
          break;
        case "pong-timeout":
          this.closeWith(conn, "KEEPALIVE_TIMEOUT", "no pong to a keep-alive", now, true);
          break;
        case "slowloris":
          this.closeWith(conn, "CONNECTION_CLOSED", "incomplete message held too long", now, true);
          break;
        case "idle":
          this.host.counters.idleClosed++;
          this.closeWith(conn, "CONNECTION_CLOSED", "idle", now, false);
          break;
        case "ping":
          // RFC 5626 §4.4.1: the client sends a CRLFCRLF ping; the server answers with a CRLF pong.
          // On WebSocket, a ping frame (RFC 6455 §5.5.2).
          conn.pingSentAt = now;
          this.host.counters.pingsSent++;
          this.write(conn, conn.ws !== undefined ? conn.ws.ping() : CRLFCRLF, now);
          this.table.touch(conn);
          break;
      }
    }
  }

  /** Closes every connection (the driver closes the sockets). */
  closeAll(now: number): void {
    for (const conn of this.table.all()) this.closeWith(conn, "CONNECTION_CLOSED", "transport closed", now, false);
  }

  private closeWith(conn: Connection, code: TransportErrorCode, reason: string, now: number, failed: boolean): void {
    this.host.actions.push({ type: "close", connection: conn.id });
    this.drop(conn, code, reason, undefined, now, failed);
  }

  /** Forgets a connection, fails its queued messages and reports it. */
  private drop(conn: Connection, code: TransportErrorCode, reason: string, cause: unknown, _now: number, failed = true): void {
    if (!this.table.remove(conn)) return;
    this.host.counters.connectionsClosed++;
    if (failed) this.host.counters.connectionsFailed++;
    for (const p of conn.pending) this.host.fail(code, reason, p.message as SipRequest | SipResponse | undefined, p.flow, p.tag, cause);
    conn.pending = [];
    const flow = this.flow(conn);
    this.host.events.push(
      cause === undefined
        ? { type: "connection-closed", connection: conn.id, flow }
        : { type: "connection-closed", connection: conn.id, flow, error: cause },
    );
  }
}
