import type {
  Listener,
  MessageConnection,
  MessageHandlers,
  SocketAddress,
  WebSocketConnectOptions,
  WebSocketListenOptions,
} from "../types.ts";
import { deno } from "./deno-api.ts";

function wrap(ws: WebSocket, local: SocketAddress, remote: SocketAddress, handlers: MessageHandlers): MessageConnection {
  let closed = false;
  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    handlers.onClose(error);
  };
  ws.binaryType = "arraybuffer";
  ws.onmessage = (e) => handlers.onMessage(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
  ws.onerror = (e) => finish((e as ErrorEvent).error ?? new Error((e as ErrorEvent).message ?? "WebSocket error"));
  ws.onclose = () => finish();
  return {
    local,
    remote,
    send(data) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data as string | Uint8Array<ArrayBuffer>);
    },
    close() {
      ws.close();
      finish();
    },
  };
}

/** WebSocket client via the web `WebSocket`; a custom CA goes through `Deno.createHttpClient`. */
export function webSocketConnect(options: WebSocketConnectOptions, handlers: MessageHandlers): Promise<MessageConnection> {
  return new Promise((resolve, reject) => {
    const client = options.tls?.ca ? deno().createHttpClient({ caCerts: options.tls.ca }) : undefined;
    // Deno's WebSocket takes `{ protocols, client }` as its second argument.
    const init = { protocols: [options.protocol], ...(client ? { client } : {}) } as unknown as string[];
    const ws = new WebSocket(options.url, init);
    const url = new URL(options.url);
    const remote = {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port ? Number(url.port) : url.protocol === "wss:" ? 443 : 80,
    };
    ws.onerror = (e) => reject(new Error((e as ErrorEvent).message ?? "WebSocket handshake failed"));
    ws.onclose = () => client?.close();
    ws.onopen = () => {
      if (ws.protocol !== options.protocol) {
        ws.close();
        reject(new Error(`server did not accept subprotocol ${options.protocol}`));
        return;
      }
      const conn = wrap(ws, { host: "", port: 0 }, remote, handlers);
      const onclose = ws.onclose;
      ws.onclose = (e) => {
        client?.close();
        onclose?.call(ws, e);
      };
      resolve(conn);
    };
  });
}

/** WebSocket server via `Deno.serve` and `Deno.upgradeWebSocket`. */
export function webSocketListen(
  options: WebSocketListenOptions,
  onConnection: (connection: MessageConnection) => MessageHandlers,
): Promise<Listener> {
  const d = deno();
  const open = new Set<MessageConnection>();
  return new Promise((resolve) => {
    const server = d.serve(
      {
        hostname: options.host,
        port: options.port,
        ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
        onListen: () => {},
      },
      (request, info) => {
        // RFC 7118 §4.1: only handshakes offering the "sip" subprotocol are accepted.
        const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
        if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !offered.includes(options.protocol)) {
          return new Response("SIP WebSocket only", { status: 400 });
        }
        // The request is unusable once upgraded: read the peer address first.
        const remote = { host: info.remoteAddr.hostname, port: info.remoteAddr.port };
        const { socket, response } = d.upgradeWebSocket(request, { protocol: options.protocol });
        socket.onopen = () => {
          let handlers: MessageHandlers | undefined;
          const conn: MessageConnection = wrap(socket, local, remote, {
            onMessage: (m) => handlers?.onMessage(m),
            onClose: (e) => {
              open.delete(conn);
              handlers?.onClose(e);
            },
          });
          open.add(conn);
          handlers = onConnection(conn);
        };
        return response;
      },
    );
    const local = { host: server.addr.hostname, port: server.addr.port };
    resolve({
      local,
      async close() {
        for (const c of open) c.close();
        await server.shutdown();
      },
    });
  });
}
