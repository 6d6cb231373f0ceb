/// <reference types="node" />
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type {
  Listener,
  MessageConnection,
  MessageHandlers,
  SocketAddress,
  WebSocketConnectOptions,
  WebSocketListenOptions,
} from "../types.ts";

const decoder = new TextDecoder();

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function wrap(ws: WebSocket, local: SocketAddress, remote: SocketAddress, handlers: MessageHandlers): MessageConnection {
  let closed = false;
  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    handlers.onClose(error);
  };
  ws.on("message", (data, isBinary) => handlers.onMessage(isBinary ? toBytes(data) : decoder.decode(toBytes(data))));
  ws.on("error", (error) => finish(error));
  ws.on("close", () => finish());
  return {
    local,
    remote,
    send(data) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: typeof data !== "string" });
    },
    close() {
      ws.close();
    },
  };
}

/** WebSocket client via the `ws` package (Node 20 has no stable global WebSocket). */
export function webSocketConnect(options: WebSocketConnectOptions, handlers: MessageHandlers): Promise<MessageConnection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, options.protocol, {
      ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
      ...(options.tls?.serverName ? { servername: options.tls.serverName } : {}),
    });
    ws.once("error", reject);
    ws.once("open", () => {
      ws.off("error", reject);
      if (ws.protocol !== options.protocol) {
        ws.close();
        reject(new Error(`server did not accept subprotocol ${options.protocol}`));
        return;
      }
      // The ws socket is a net.Socket (or tls.TLSSocket) underneath.
      const s = (ws as unknown as { _socket: { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number } })._socket;
      resolve(
        wrap(
          ws,
          { host: s.localAddress ?? "", port: s.localPort ?? 0 },
          { host: s.remoteAddress ?? "", port: s.remotePort ?? 0 },
          handlers,
        ),
      );
    });
  });
}

/** WebSocket server via `ws` on a `node:http` or `node:https` server. */
export function webSocketListen(
  options: WebSocketListenOptions,
  onConnection: (connection: MessageConnection) => MessageHandlers,
): Promise<Listener> {
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has(options.protocol) ? options.protocol : false),
    // RFC 7118 §4.1: a handshake that does not offer "sip" is refused.
    verifyClient: (info: { req: IncomingMessage }) =>
      (info.req.headers["sec-websocket-protocol"] ?? "").split(",").some((p) => p.trim() === options.protocol),
  });
  // ws re-emits the HTTP server's errors on the WebSocketServer; without a listener a failed listen
  // (EADDRINUSE) would be an uncaught 'error' event instead of a rejected promise.
  wss.on("error", () => {});
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const a = server.address();
      const local = typeof a === "object" && a ? { host: a.address, port: a.port } : { host: options.host, port: 0 };
      wss.on("connection", (ws, req) => {
        let handlers: MessageHandlers | undefined;
        const conn = wrap(ws, local, { host: req.socket.remoteAddress ?? "", port: req.socket.remotePort ?? 0 }, {
          onMessage: (d) => handlers?.onMessage(d),
          onClose: (e) => handlers?.onClose(e),
        });
        handlers = onConnection(conn);
      });
      resolve({
        local,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close();
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
