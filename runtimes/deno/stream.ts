import type {
  Listener,
  StreamConnectOptions,
  StreamConnection,
  StreamHandlers,
  StreamListenOptions,
} from "../types.ts";
import { CLOSE_GRACE, MAX_WRITE_BUFFER } from "../types.ts";
import { streamListen as nodeStreamListen } from "../node/stream.ts";
import { deno, type DenoConn } from "./deno-api.ts";

/** Read buffers start small (an idle connection holds this much) and grow while reads fill them. */
const READ_MIN = 2048;
const READ_MAX = 65536;

/**
 * Runs the read loop and serializes writes (Deno's `write` may write less than asked). `close()`
 * after something was written is a lingering close: flush, half-close (FIN), and read on, discarding,
 * until the peer closes or {@link CLOSE_GRACE} passes; closing outright while the peer still sends
 * would reset the connection and could destroy what was just written (a WebSocket close frame, an
 * HTTP refusal) before the peer reads it. A connection that never wrote anything closes at once.
 */
function wrap(conn: DenoConn, handlers: StreamHandlers): StreamConnection {
  let closed = false;
  let closing = false;
  let wrote = false;
  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // already closed
    }
    handlers.onClose(error);
  };
  conn.setNoDelay?.(true);
  (async () => {
    let buf = new Uint8Array(READ_MIN);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        if (closed) return;
        if (closing) continue;
        handlers.onData(buf.subarray(0, n));
        // A full read suggests more is coming: read more at once next time.
        if (n === buf.length && buf.length < READ_MAX) buf = new Uint8Array(buf.length * 2);
        else if (n < buf.length / 8 && buf.length > READ_MIN) buf = new Uint8Array(READ_MIN);
      }
      finish();
    } catch (error) {
      finish(closed || closing ? undefined : error);
    }
  })();
  const queue: Uint8Array[] = [];
  let queued = 0;
  let writing = false;
  const halfClose = () => {
    conn.closeWrite().catch(() => finish());
  };
  const pump = async () => {
    writing = true;
    try {
      while (queue.length > 0 && !closed) {
        let chunk = queue.shift()!;
        queued -= chunk.length;
        while (chunk.length > 0) chunk = chunk.subarray(await conn.write(chunk));
      }
    } catch (error) {
      finish(error);
    }
    writing = false;
    if (closing && !closed) halfClose();
  };
  return {
    local: { host: conn.localAddr.hostname, port: conn.localAddr.port },
    remote: { host: conn.remoteAddr.hostname, port: conn.remoteAddr.port },
    write(data) {
      if (closed || closing) return;
      wrote = true;
      // The caller may reuse its buffer once write() returns.
      queue.push(data.slice());
      queued += data.length;
      if (queued > MAX_WRITE_BUFFER) {
        finish(new Error("peer is not reading: send buffer full"));
        return;
      }
      if (!writing) void pump();
    },
    close() {
      if (closed || closing) return;
      if (!wrote) {
        finish();
        return;
      }
      closing = true;
      setTimeout(() => finish(), CLOSE_GRACE);
      if (!writing) halfClose();
    },
  };
}

/** TCP via `Deno.connect`, TLS via `Deno.connectTls`. */
export async function streamConnect(options: StreamConnectOptions, handlers: StreamHandlers): Promise<StreamConnection> {
  const d = deno();
  const conn = options.tls
    ? await d.connectTls({
        hostname: options.tls.serverName ?? options.host,
        port: options.port,
        ...(options.tls.ca ? { caCerts: options.tls.ca } : {}),
      })
    : await d.connect({ hostname: options.host, port: options.port, transport: "tcp" });
  if (conn.handshake) {
    // Fail here on an untrusted certificate rather than on the first write.
    try {
      await conn.handshake();
    } catch (error) {
      conn.close();
      throw error;
    }
  }
  return wrap(conn, handlers);
}

/**
 * TCP via `Deno.listen`. TLS through Deno's `node:net` and `node:tls` (the Node adapter, a server
 * `TLSSocket` around each accepted TCP socket; rustls underneath, forward-secret suites only):
 * a `Deno.listenTls` connection closed before its handshake completes keeps its TCP socket open
 * (Deno 2.9: the peer never sees the close), so a peer that sends no ClientHello could pin
 * descriptors whatever the deadlines say.
 */
export async function streamListen(
  options: StreamListenOptions,
  onConnection: (connection: StreamConnection) => StreamHandlers,
): Promise<Listener> {
  if (options.tls) return nodeStreamListen(options, onConnection);
  const d = deno();
  const listener = d.listen({ hostname: options.host, port: options.port, transport: "tcp" });
  const open = new Set<StreamConnection>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let conn: DenoConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        // A failed accept concerns that client only; a closed listener ends the loop.
        if (stopped || (error as Error).name === "BadResource") break;
        continue;
      }
      let handlers: StreamHandlers | undefined;
      const c: StreamConnection = wrap(conn, {
        onData: (chunk) => handlers?.onData(chunk),
        onClose: (error) => {
          open.delete(c);
          handlers?.onClose(error);
        },
      });
      open.add(c);
      handlers = onConnection(c);
    }
  })();
  return {
    local: { host: listener.addr.hostname, port: listener.addr.port },
    async close() {
      stopped = true;
      listener.close();
      for (const c of open) c.close();
      // The port is free only once the pending accept has been cancelled.
      await loop;
    },
  };
}
