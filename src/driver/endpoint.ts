import type {
  Listener,
  MessageConnection,
  Runtime,
  SocketAddress,
  StreamConnection,
  TlsClientOptions,
  TlsServerOptions,
} from "../../runtimes/types.ts";
import type { SipRequest, SipResponse, SipUri } from "../sip/index.ts";
import { TransactionLayer } from "../transaction/index.ts";
import type { ClientTransaction, TransactionEvent, TransactionLayerOptions } from "../transaction/index.ts";
import { TargetList, TransportLayer, bracket, locateServer } from "../transport/index.ts";
import type {
  Flow,
  ListeningPoint,
  Target,
  TransportAction,
  TransportEvent,
  TransportOptions,
  TransportProtocol,
} from "../transport/index.ts";
import type { LocateOptions } from "../transport/index.ts";
import { pooledRandom } from "../random.ts";

/** One listening point to open. */
export interface ListenOptions {
  transport: TransportProtocol;
  /** Bind address (IP literal). Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (the default) picks a free one: read it back from `endpoint.listeningPoints`. */
  port?: number;
  /** Certificate and key for TLS and WSS. */
  tls?: TlsServerOptions;
  /** Host and port to write in Via when they differ from the bound ones (0.0.0.0, NAT). */
  advertisedHost?: string;
  advertisedPort?: number;
}

/** Options of {@link createSipEndpoint}: the transport core's options plus the runtime and callbacks. */
export interface SipEndpointOptions extends TransportOptions {
  /** The runtime record (`await loadRuntime()` from `siphon/runtimes`). */
  runtime: Runtime;
  listen: ListenOptions[];
  /** Trust settings for outbound TLS and WSS connections. */
  tlsClient?: TlsClientOptions;
  /**
   * Run a transaction layer (RFC 3261 §17) on top: inbound messages go to it, its transmits and
   * timers are driven here, and its events reach `onTransactionEvent`. Without it, `onMessage` gets
   * every inbound message.
   */
  transactions?: TransactionLayerOptions | true;
  /** Every inbound message when there is no transaction layer. */
  onMessage?: (message: SipRequest | SipResponse, flow: Flow) => void;
  /** Transaction-layer events (requests to answer, responses, timeouts, transport errors). */
  onTransactionEvent?: (event: TransactionEvent<Flow>) => void;
  /** Transport failures (RFC 3261 §18.4) and closed connections. */
  onTransportEvent?: (event: Exclude<TransportEvent, { type: "message" }>) => void;
}

/**
 * A SIP endpoint on a runtime: sockets, timers and the sans-I/O transport (and, optionally,
 * transaction) cores driven together. Everything here is web-standard; the runtime record does I/O.
 */
export interface SipEndpoint {
  readonly runtime: Runtime;
  readonly transport: TransportLayer;
  /** Present when `transactions` was given. */
  readonly transactions: TransactionLayer<Flow> | undefined;
  /** The bound listening points (ports resolved). */
  readonly listeningPoints: readonly ListeningPoint[];
  /** Fills the top Via and picks UDP/TCP for `request` towards `target` (RFC 3261 §18.1.1). */
  prepareRequest(request: SipRequest, target: Target): Flow;
  /** Sends a message outside any transaction (stateless): requests to `flow`, responses per §18.2.2. */
  send(message: SipRequest | SipResponse, flow: Flow, tag?: unknown): void;
  /** Starts a client transaction for `request` to `target` (needs `transactions`). */
  request(request: SipRequest, target: Target): ClientTransaction<Flow>;
  /** RFC 3263 server location with the runtime's DNS. */
  locate(uri: SipUri, options?: LocateOptions): Promise<TargetList>;
  /**
   * Runs the cores after you changed them directly (for instance `transaction.respond(res, now)`):
   * drains transmits, actions and events and re-arms the timer. The endpoint calls it after every
   * input it receives itself.
   */
  flush(): void;
  /** Monotonic milliseconds of the runtime, the `now` the cores run on. */
  now(): number;
  /** Closes every connection, listener and socket. */
  close(): Promise<void>;
}

interface Link {
  write(data: Uint8Array): void;
  close(): void;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A stream link, or a WebSocket one that sends each SIP message as a text frame when it is UTF-8. */
function streamLink(c: StreamConnection): Link {
  return { write: (d) => c.write(d), close: () => c.close() };
}

function messageLink(c: MessageConnection): Link {
  return {
    write(d) {
      let text: string | undefined;
      try {
        text = utf8.decode(d);
      } catch {
        text = undefined;
      }
      c.send(text ?? d);
    },
    close: () => c.close(),
  };
}

/**
 * Opens the listening points and returns a running endpoint.
 *
 * ```ts
 * import { loadRuntime } from "siphon/runtimes";
 * import { createSipEndpoint } from "siphon/driver";
 * const ep = await createSipEndpoint({
 *   runtime: await loadRuntime(),
 *   listen: [{ transport: "UDP", host: "127.0.0.1", port: 5060 }],
 *   transactions: true,
 *   onTransactionEvent(e) {
 *     if (e.type === "request") { e.transaction.respond(createResponse(e.request, 200), ep.now()); ep.flush(); }
 *   },
 * });
 * ```
 */
export async function createSipEndpoint(options: SipEndpointOptions): Promise<SipEndpoint> {
  const rt = options.runtime;
  const core = new TransportLayer({ randomBytes: pooledRandom(rt.randomBytes), ...options });
  const txl =
    options.transactions === undefined
      ? undefined
      : new TransactionLayer<Flow>(options.transactions === true ? {} : options.transactions);
  const links = new Map<number, Link>();
  const sockets = new Map<number, { send(d: Uint8Array, host: string, port: number): void; close(): void }>();
  const listeners: Listener[] = [];
  const points: ListeningPoint[] = [];
  let timer: unknown;
  let timerAt: number | undefined;
  let pumping = false;
  let closed = false;

  const perform = (a: TransportAction) => {
    switch (a.type) {
      case "datagram":
        sockets.get(a.listeningPoint)?.send(a.data, a.remote.host, a.remote.port);
        return;
      case "write":
        links.get(a.connection)?.write(a.data);
        return;
      case "close":
        links.get(a.connection)?.close();
        links.delete(a.connection);
        return;
      case "connect":
        connect(a);
        return;
    }
  };

  const connect = (a: Extract<TransportAction, { type: "connect" }>) => {
    const id = a.connection;
    const closedBy = (error?: unknown) => {
      links.delete(id);
      core.handleConnectionClosed(id, rt.now(), error);
      pump();
    };
    const opened = (link: Link) => {
      if (closed || !core.hasConnection(id)) {
        link.close();
        return;
      }
      links.set(id, link);
      core.handleConnected(id, rt.now());
      pump();
    };
    const failed = (error: unknown) => {
      core.handleConnectFailed(id, rt.now(), error);
      pump();
    };
    const tls = options.tlsClient ? { ...options.tlsClient } : {};
    if (a.transport === "WS" || a.transport === "WSS") {
      const secure = a.transport === "WSS";
      rt.webSocketConnect(
        {
          url: `${secure ? "wss" : "ws"}://${bracket(a.hostname)}:${a.remote.port}${a.path}`,
          protocol: "sip",
          ...(secure ? { tls } : {}),
        },
        {
          onMessage: (m) => {
            core.handleWebSocketMessage(id, m, rt.now());
            pump();
          },
          onClose: closedBy,
        },
      ).then((c) => opened(messageLink(c)), failed);
      return;
    }
    rt.streamConnect(
      {
        host: a.remote.host,
        port: a.remote.port,
        ...(a.transport === "TLS" ? { tls: { serverName: a.hostname, ...tls } } : {}),
      },
      {
        onData: (chunk) => {
          core.handleStreamData(id, chunk, rt.now());
          pump();
        },
        onClose: closedBy,
      },
    ).then((c) => opened(streamLink(c)), failed);
  };

  const onTransportEvent = (e: TransportEvent, now: number) => {
    if (e.type === "message") {
      if (txl) txl.handleMessage(e.message, e.flow, now);
      else options.onMessage?.(e.message, e.flow);
      return;
    }
    if (e.type === "error" && txl && typeof e.tag === "string") txl.handleTransportError(e.tag, now, e.error);
    options.onTransportEvent?.(e);
  };

  /** Drains every core until nothing moves, then arms one timer for the earliest deadline. */
  const pump = () => {
    if (pumping || closed) return;
    pumping = true;
    try {
      const now = rt.now();
      for (let moved = true; moved; ) {
        moved = false;
        if (txl) {
          for (let t; (t = txl.pollTransmit()); ) {
            moved = true;
            core.send(t.message, t.flow, now, t.transaction);
          }
        }
        for (let a; (a = core.pollAction()); ) {
          moved = true;
          perform(a);
        }
        for (let e; (e = core.pollEvent()); ) {
          moved = true;
          onTransportEvent(e, now);
        }
        if (txl) {
          for (let e; (e = txl.pollEvent()); ) {
            moved = true;
            options.onTransactionEvent?.(e);
          }
        }
      }
    } finally {
      pumping = false;
    }
    arm();
  };

  const arm = () => {
    const a = core.pollTimeout();
    const b = txl?.pollTimeout();
    const at = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    if (at === timerAt) return;
    if (timer !== undefined) rt.clearTimer(timer);
    timer = undefined;
    timerAt = at;
    if (at === undefined || closed) return;
    timer = rt.setTimer(Math.max(0, at - rt.now()), () => {
      timer = undefined;
      timerAt = undefined;
      const now = rt.now();
      const due = core.pollTimeout();
      if (due !== undefined && due <= now) core.handleTimeout(now);
      if (txl) {
        const t = txl.pollTimeout();
        if (t !== undefined && t <= now) txl.handleTimeout(now);
      }
      pump();
    });
  };

  try {
    for (const l of options.listen) {
      const host = l.host ?? "127.0.0.1";
      const port = l.port ?? 0;
      const adv = { host: l.advertisedHost, port: l.advertisedPort };
      let lpId = -1;
      // A connection accepted by a TCP/TLS/WS/WSS listener: registered with the transport core, or
      // closed at once when the core refuses it (its connection limit).
      const accept = (remote: SocketAddress, conn: { close(): void }, link: Link): number | undefined => {
        const id = core.handleIncomingConnection(lpId, remote, rt.now());
        if (id === undefined) {
          conn.close();
          return undefined;
        }
        links.set(id, link);
        pump();
        return id;
      };
      const ended = (id: number) => (error?: unknown) => {
        links.delete(id);
        core.handleConnectionClosed(id, rt.now(), error);
        pump();
      };
      const register = (transport: TransportProtocol, listener: Listener): number => {
        listeners.push(listener);
        const lp = core.addListeningPoint(transport, listener.local, adv);
        points.push(lp);
        return lp.id;
      };
      switch (l.transport) {
        case "UDP": {
          const s = await rt.udpBind(
            { host, port },
            {
              onMessage: (data, from) => {
                core.handleDatagram(lpId, data, from, rt.now());
                pump();
              },
            },
          );
          const lp = core.addListeningPoint("UDP", s.local, adv);
          lpId = lp.id;
          sockets.set(lp.id, s);
          points.push(lp);
          break;
        }
        case "TCP":
        case "TLS": {
          if (l.transport === "TLS" && !l.tls) throw new Error("a TLS listening point needs tls: { cert, key }");
          const listener = await rt.streamListen(
            { host, port, ...(l.transport === "TLS" ? { tls: l.tls! } : {}) },
            (conn) => {
              const id = accept(conn.remote, conn, streamLink(conn));
              if (id === undefined) return { onData: () => {}, onClose: () => {} };
              return {
                onData: (chunk) => {
                  core.handleStreamData(id, chunk, rt.now());
                  pump();
                },
                onClose: ended(id),
              };
            },
          );
          lpId = register(l.transport, listener);
          break;
        }
        case "WS":
        case "WSS": {
          if (l.transport === "WSS" && !l.tls) throw new Error("a WSS listening point needs tls: { cert, key }");
          const listener = await rt.webSocketListen(
            { host, port, protocol: "sip", ...(l.transport === "WSS" ? { tls: l.tls! } : {}) },
            (conn) => {
              const id = accept(conn.remote, conn, messageLink(conn));
              if (id === undefined) return { onMessage: () => {}, onClose: () => {} };
              return {
                onMessage: (m) => {
                  core.handleWebSocketMessage(id, m, rt.now());
                  pump();
                },
                onClose: ended(id),
              };
            },
          );
          lpId = register(l.transport, listener);
          break;
        }
      }
    }
  } catch (error) {
    for (const s of sockets.values()) s.close();
    for (const l of listeners) await l.close();
    throw error;
  }

  const endpoint: SipEndpoint = {
    runtime: rt,
    transport: core,
    transactions: txl,
    listeningPoints: points,
    prepareRequest: (request, target) => core.prepareRequest(request, target),
    send(message, flow, tag) {
      core.send(message, flow, rt.now(), tag);
      pump();
    },
    request(request, target) {
      if (!txl) throw new Error("createSipEndpoint: request() needs the transactions option");
      const flow = core.prepareRequest(request, target);
      const txn = txl.sendRequest(request, flow, rt.now());
      pump();
      return txn;
    },
    locate: (uri, locateOptions) => locateServer(uri, rt.dns, locateOptions),
    flush: pump,
    now: () => rt.now(),
    async close() {
      if (closed) return;
      core.close(rt.now());
      for (let a; (a = core.pollAction()); ) perform(a);
      closed = true;
      if (timer !== undefined) rt.clearTimer(timer);
      for (const link of links.values()) link.close();
      links.clear();
      for (const s of sockets.values()) s.close();
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
  return endpoint;
}
