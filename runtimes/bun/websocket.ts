import type {
  Listener,
  MessageConnection,
  MessageHandlers,
  SocketAddress,
  WebSocketConnectOptions,
  WebSocketListenOptions,
} from "../types.ts";
import { bun, type BunServerWebSocket } from "./bun-api.ts";

/** WebSocket client via the web `WebSocket`; Bun takes `{ protocols, tls }` as the second argument. */
export function webSocketConnect(options: WebSocketConnectOptions, handlers: MessageHandlers): Promise<MessageConnection> {
  return new Promise((resolve, reject) => {
    const init = {
      protocols: [options.protocol],
      ...(options.tls?.ca ? { tls: { ca: options.tls.ca, ...(options.tls.serverName ? { serverName: options.tls.serverName } : {}) } } : {}),
    } as unknown as string[];
    const ws = new WebSocket(options.url, init);
    ws.binaryType = "arraybuffer";
    const url = new URL(options.url);
    const remote = {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port ? Number(url.port) : url.protocol === "wss:" ? 443 : 80,
    };
    let opened = false;
    let closed = false;
    const finish = (error?: unknown) => {
      if (closed) return;
      closed = true;
      handlers.onClose(error);
    };
    ws.onerror = (e) => {
      const error = new Error((e as ErrorEvent).message || "WebSocket error");
      if (!opened) reject(error);
      else finish(error);
    };
    ws.onclose = () => {
      if (!opened) reject(new Error("WebSocket closed during handshake"));
      else finish();
    };
    ws.onmessage = (e) => handlers.onMessage(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
    ws.onopen = () => {
      if (ws.protocol !== options.protocol) {
        ws.close();
        reject(new Error(`server did not accept subprotocol ${options.protocol}`));
        return;
      }
      opened = true;
      resolve({
        local: { host: "", port: 0 },
        remote,
        send(data) {
          if (ws.readyState === WebSocket.OPEN) ws.send(data as string | Uint8Array<ArrayBuffer>);
        },
        close() {
          ws.close();
          finish();
        },
      });
    };
  });
}

interface WsData {
  remote: SocketAddress;
  handlers?: MessageHandlers;
  closed: boolean;
}

/** WebSocket server via `Bun.serve`'s `websocket` handlers. */
export async function webSocketListen(
  options: WebSocketListenOptions,
  onConnection: (connection: MessageConnection) => MessageHandlers,
): Promise<Listener> {
  const finish = (ws: BunServerWebSocket, error?: unknown) => {
    const d = ws.data as WsData;
    if (d.closed) return;
    d.closed = true;
    d.handlers?.onClose(error);
  };
  const server = bun().serve({
    hostname: options.host,
    port: options.port,
    ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
    fetch(request, srv) {
      // RFC 7118 §4.1: only handshakes offering the "sip" subprotocol are accepted.
      const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
      if (!offered.includes(options.protocol)) return new Response("SIP WebSocket only", { status: 400 });
      const ip = srv.requestIP(request);
      const data: WsData = { remote: { host: ip?.address ?? "", port: ip?.port ?? 0 }, closed: false };
      if (srv.upgrade(request, { headers: { "Sec-WebSocket-Protocol": options.protocol }, data })) return undefined;
      return new Response("upgrade failed", { status: 400 });
    },
    websocket: {
      open(ws) {
        const d = ws.data as WsData;
        d.handlers = onConnection({
          local,
          remote: d.remote,
          send: (m) => {
            if (!d.closed) ws.send(m);
          },
          close: () => {
            ws.close();
            finish(ws);
          },
        });
      },
      message: (ws, message) => (ws.data as WsData).handlers?.onMessage(message),
      close: (ws) => finish(ws),
    },
  });
  const local = { host: server.hostname, port: server.port };
  return { local, close: () => server.stop(true) };
}
