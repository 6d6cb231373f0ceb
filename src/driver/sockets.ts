import type { ListeningPoint, TransportAction, TransportLayer, TransportProtocol } from "../transport/index.ts";
import type {
  DatagramSocket,
  DriverRuntime,
  Listener,
  StreamConnection,
  StreamHandlers,
  TlsClientOptions,
  TlsServerOptions,
} from "./runtime.ts";

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

/**
 * The receive buffer a signalling UDP socket asks for. Every request and response of every call
 * arrives on it, in bursts while the process is busy elsewhere: at 10 000 datagrams/s Linux's
 * default 208 KiB holds some 20 ms of them, 4 MiB about half a second (Linux caps the request at
 * net.core.rmem_max). Media sockets keep the runtime's default: they are many, and each carries
 * one 20 ms stream.
 */
const SIGNALLING_RECEIVE_BUFFER = 4 * 1024 * 1024;

/** Runs `work(now)` on an input from the runtime, then lets the cores move. */
export type Input = (work: (now: number) => void) => void;

/** Stream transports ride on TLS for TLS and WSS, on plain TCP for TCP and WS. */
function secure(transport: TransportProtocol): boolean {
  return transport === "TLS" || transport === "WSS";
}

/**
 * The runtime's sockets behind one transport core: UDP sockets and stream listeners by listening
 * point, stream connections by the core's connection id. Inputs from them go through `input`;
 * the core's I/O actions come back through `perform`.
 */
export class Sockets {
  private readonly links = new Map<number, StreamConnection>();
  private readonly udp = new Map<number, DatagramSocket>();
  private readonly listeners: Listener[] = [];
  private closed = false;

  constructor(
    private readonly rt: DriverRuntime,
    private readonly core: TransportLayer,
    private readonly input: Input,
    private readonly tlsClient: TlsClientOptions | undefined,
  ) {}

  /** Binds a listening point and registers it with the core. */
  async listen(l: ListenOptions): Promise<ListeningPoint> {
    const host = l.host ?? "127.0.0.1";
    const port = l.port ?? 0;
    const advertised = { host: l.advertisedHost, port: l.advertisedPort };
    let lpId = -1;
    if (l.transport === "UDP") {
      const s = await this.rt.udpBind(
        { host, port, receiveBuffer: SIGNALLING_RECEIVE_BUFFER },
        { onMessage: (data, from) => this.input((now) => this.core.handleDatagram(lpId, data, from, now)) },
      );
      const lp = this.core.addListeningPoint("UDP", s.local, advertised);
      lpId = lp.id;
      this.udp.set(lp.id, s);
      return lp;
    }
    if (secure(l.transport) && !l.tls) throw new Error(`a ${l.transport} listening point needs tls: { cert, key }`);
    const listener = await this.rt.streamListen({ host, port, ...(secure(l.transport) ? { tls: l.tls! } : {}) }, (conn) =>
      this.accepted(lpId, conn),
    );
    this.listeners.push(listener);
    const lp = this.core.addListeningPoint(l.transport, listener.local, advertised);
    lpId = lp.id;
    return lp;
  }

  /**
   * A connection accepted by a stream listener (for TLS and WSS, before the handshake): registered
   * with the core, or closed at once when a limit refuses it.
   */
  private accepted(lpId: number, conn: StreamConnection): StreamHandlers {
    let id: number | undefined;
    this.input((now) => (id = this.core.handleIncomingConnection(lpId, conn.remote, now)));
    if (id === undefined) {
      conn.close();
      return { onData: () => {}, onClose: () => {} };
    }
    const known = id;
    this.links.set(known, conn);
    return {
      onData: (chunk) => this.input((now) => this.core.handleStreamData(known, chunk, now)),
      onClose: (error) => this.ended(known, error),
    };
  }

  private ended(id: number, error?: unknown): void {
    this.links.delete(id);
    this.input((now) => this.core.handleConnectionClosed(id, now, error));
  }

  /** Performs one I/O action of the core. */
  perform(a: TransportAction): void {
    switch (a.type) {
      case "datagram":
        this.udp.get(a.listeningPoint)?.send(a.data, a.remote.host, a.remote.port);
        return;
      case "write":
        this.links.get(a.connection)?.write(a.data);
        return;
      case "close":
        this.links.get(a.connection)?.close();
        this.links.delete(a.connection);
        return;
      case "connect":
        this.connect(a);
        return;
    }
  }

  /** Opens an outbound stream: TLS checked against the target's name for TLS and WSS. */
  private connect(a: Extract<TransportAction, { type: "connect" }>): void {
    const id = a.connection;
    const tls = secure(a.transport) ? { tls: { serverName: a.hostname, ...this.tlsClient } } : {};
    this.rt
      .streamConnect(
        { host: a.remote.host, port: a.remote.port, ...tls },
        {
          onData: (chunk) => this.input((now) => this.core.handleStreamData(id, chunk, now)),
          onClose: (error) => this.ended(id, error),
        },
      )
      .then(
        (conn) => {
          if (this.closed || !this.core.hasConnection(id)) {
            conn.close();
            return;
          }
          this.links.set(id, conn);
          this.input((now) => this.core.handleConnected(id, now));
        },
        (error: unknown) => this.input((now) => this.core.handleConnectFailed(id, now, error)),
      );
  }

  /** Closes every connection, socket and listener. */
  async close(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) link.close();
    this.links.clear();
    for (const s of this.udp.values()) s.close();
    await Promise.all(this.listeners.map((l) => l.close()));
  }
}
