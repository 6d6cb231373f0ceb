import type {
  Listener,
  StreamConnectOptions,
  StreamConnection,
  StreamHandlers,
  StreamListenOptions,
} from "../types.ts";
import { CLOSE_GRACE, MAX_WRITE_BUFFER } from "../types.ts";
import { FORWARD_SECRET_CIPHERS } from "../tls-policy.ts";
import { bun, type BunSocket, type BunSocketHandler } from "./bun-api.ts";

/** Per-socket state kept in `socket.data`: the handlers and bytes the kernel did not take yet. */
interface State {
  handlers: StreamHandlers;
  pending: Uint8Array[];
  pendingBytes: number;
  closed: boolean;
  /** close() was called while bytes were pending: end once they are flushed. */
  closing: boolean;
}

const state = (s: BunSocket) => s.data as State;

function finish(s: BunSocket, error?: unknown): void {
  const st = state(s);
  if (!st || st.closed) return;
  st.closed = true;
  st.handlers.onClose(error);
}

function flush(s: BunSocket): void {
  const st = state(s);
  while (st.pending.length > 0) {
    const chunk = st.pending[0]!;
    const n = s.write(chunk);
    if (n < 0) return;
    st.pendingBytes -= Math.max(0, n);
    if (n < chunk.length) {
      st.pending[0] = chunk.subarray(n);
      return;
    }
    st.pending.shift();
  }
  if (st.closing) {
    s.end();
    finish(s);
  }
}

function wrap(s: BunSocket, handlers: StreamHandlers): StreamConnection {
  s.data = { handlers, pending: [], pendingBytes: 0, closed: false, closing: false } satisfies State;
  s.setNoDelay?.(true);
  return {
    local: { host: s.localAddress ?? "", port: s.localPort ?? 0 },
    remote: { host: s.remoteAddress ?? "", port: s.remotePort ?? 0 },
    write(data) {
      const st = state(s);
      if (st.closed || st.closing) return;
      let rest = data;
      if (st.pending.length === 0) {
        const n = s.write(data);
        if (n < 0 || n >= data.length) return;
        rest = data.subarray(n);
      }
      st.pending.push(rest.slice());
      st.pendingBytes += rest.length;
      if (st.pendingBytes > MAX_WRITE_BUFFER) {
        // Report first: ending the socket runs the close handler at once.
        finish(s, new Error("peer is not reading: send buffer full"));
        if (s.terminate) s.terminate();
        else s.end();
      }
    },
    close() {
      const st = state(s);
      if (st.closed) return;
      if (st.pending.length === 0) {
        s.end();
        finish(s);
        return;
      }
      // Flush what was written (an HTTP refusal, a close frame) first.
      st.closing = true;
      setTimeout(() => {
        if (state(s).closed) return;
        if (s.terminate) s.terminate();
        else s.end();
        finish(s);
      }, CLOSE_GRACE);
    },
  };
}

const events: BunSocketHandler = {
  data: (s, data) => {
    const st = state(s);
    if (st && !st.closed) st.handlers.onData(data);
  },
  drain: (s) => flush(s),
  close: (s, error) => finish(s, error),
  error: (s, error) => finish(s, error),
  // A half-closed peer cannot receive responses; SIP has no use for half-open streams.
  end: (s) => {
    s.end();
    finish(s);
  },
};

/** TCP and TLS via `Bun.connect`; with TLS, resolves after a successful handshake. */
export function streamConnect(options: StreamConnectOptions, handlers: StreamHandlers): Promise<StreamConnection> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (s: BunSocket, error?: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) {
        s.end();
        reject(error);
      } else resolve(wrap(s, handlers));
    };
    const tls = options.tls;
    bun()
      .connect({
        hostname: options.host,
        port: options.port,
        ...(tls ? { tls: { ...(tls.ca ? { ca: tls.ca } : {}), serverName: tls.serverName ?? options.host } } : {}),
        socket: {
          ...events,
          open: (s) => {
            if (!tls) settle(s);
          },
          handshake: (s, success, authorizationError) =>
            settle(s, success && !authorizationError ? null : (authorizationError ?? new Error("TLS handshake failed"))),
          connectError: (s, error) => settle(s, error),
          close: (s, error) => {
            if (!settled) settle(s, error ?? new Error("connection closed during setup"));
            else finish(s, error);
          },
        },
      })
      .catch((error: Error) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
  });
}

/**
 * TCP and TLS listeners via `Bun.listen`. Bun calls `open` at TCP accept, before a TLS handshake, so
 * the handshake runs under the caller's deadlines; the suites offered are forward-secret only.
 */
export async function streamListen(
  options: StreamListenOptions,
  onConnection: (connection: StreamConnection) => StreamHandlers,
): Promise<Listener> {
  const listener = bun().listen({
    hostname: options.host,
    port: options.port,
    ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key, ciphers: FORWARD_SECRET_CIPHERS } } : {}),
    socket: {
      ...events,
      // With a handshake handler Bun calls `open` at TCP accept; without one, only after the
      // handshake (never, for a peer that sends no ClientHello). A failed handshake ends the socket.
      handshake: (s, success) => {
        if (!success) {
          s.end();
          finish(s);
        }
      },
      open: (s) => {
        let handlers: StreamHandlers | undefined;
        const conn = wrap(s, { onData: (c) => handlers?.onData(c), onClose: (e) => handlers?.onClose(e) });
        handlers = onConnection(conn);
      },
    },
  });
  return {
    local: { host: listener.hostname, port: listener.port },
    close: async () => listener.stop(true),
  };
}
