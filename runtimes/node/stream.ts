/// <reference types="node" />
import { createServer, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, createSecureContext, TLSSocket } from "node:tls";
import type {
  Listener,
  StreamConnectOptions,
  StreamConnection,
  StreamHandlers,
  StreamListenOptions,
} from "../types.ts";
import { CLOSE_GRACE, MAX_WRITE_BUFFER } from "../types.ts";
import { FORWARD_SECRET_CIPHERS } from "../tls-policy.ts";

function wrap(socket: Socket, handlers: StreamHandlers): StreamConnection {
  let closed = false;
  let closing = false;
  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    handlers.onClose(error);
  };
  socket.setNoDelay(true);
  socket.on("data", (b: Buffer) => handlers.onData(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  socket.on("error", (error) => finish(error));
  socket.on("close", () => finish());
  // A half-closed peer cannot receive our responses; SIP has no use for half-open streams.
  socket.on("end", () => socket.end());
  return {
    local: { host: socket.localAddress ?? "", port: socket.localPort ?? 0 },
    remote: { host: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 },
    write(data) {
      if (socket.destroyed) return;
      socket.write(data);
      if (socket.writableLength > MAX_WRITE_BUFFER) socket.destroy(new Error("peer is not reading: send buffer full"));
    },
    close() {
      if (socket.destroyed || closing) return;
      // Nothing written: close at once. Else a lingering close: flush, half-close (FIN), and read on
      // (the data is dropped) until the peer closes or the grace passes; closing outright while the
      // peer still sends would reset the connection and could destroy what was just written (a
      // WebSocket close frame, an HTTP refusal) before the peer reads it.
      if (socket.bytesWritten === 0 && socket.writableLength === 0) {
        socket.destroy();
        return;
      }
      closing = true;
      socket.removeAllListeners("data");
      socket.on("data", () => {});
      const grace = setTimeout(() => socket.destroy(), CLOSE_GRACE);
      grace.unref();
      socket.once("close", () => clearTimeout(grace));
      socket.end();
    },
  };
}

/** TCP via `node:net`, TLS via `node:tls`. */
export function streamConnect(options: StreamConnectOptions, handlers: StreamHandlers): Promise<StreamConnection> {
  return new Promise((resolve, reject) => {
    const tls = options.tls;
    const socket: Socket = tls
      ? tlsConnect({
          host: options.host,
          port: options.port,
          ...(tls.ca ? { ca: tls.ca } : {}),
          servername: tls.serverName ?? options.host,
        })
      : netConnect({ host: options.host, port: options.port });
    const fail = (error: Error) => reject(error);
    socket.once("error", fail);
    socket.once(tls ? "secureConnect" : "connect", () => {
      socket.off("error", fail);
      resolve(wrap(socket, handlers));
    });
  });
}

/**
 * TCP via `node:net`; TLS by wrapping each accepted TCP socket in a server `TLSSocket`, so the
 * connection is reported at accept and its handshake runs under the caller's deadlines (a
 * `tls.Server` reports a connection only after the handshake, and keeps stalled ones 120 s).
 */
export function streamListen(
  options: StreamListenOptions,
  onConnection: (connection: StreamConnection) => StreamHandlers,
): Promise<Listener> {
  const open = new Set<Socket>();
  const context = options.tls
    ? createSecureContext({ cert: options.tls.cert, key: options.tls.key, ciphers: FORWARD_SECRET_CIPHERS, minVersion: "TLSv1.2" })
    : undefined;
  const server = createServer((raw) => {
    const socket = context ? new TLSSocket(raw, { isServer: true, secureContext: context }) : raw;
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    let handlers: StreamHandlers | undefined;
    // wrap() needs the handlers and the handlers need the connection: forward through a shim.
    const conn = wrap(socket, {
      onData: (chunk) => handlers?.onData(chunk),
      onClose: (error) => handlers?.onClose(error),
    });
    handlers = onConnection(conn);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const a = server.address();
      const local = typeof a === "object" && a ? { host: a.address, port: a.port } : { host: options.host, port: 0 };
      resolve({
        local,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of open) socket.destroy();
          }),
      });
    });
  });
}
