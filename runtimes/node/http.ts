/// <reference types="node" />
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpHandler, HttpListener } from "../../src/engine/server/runtime.ts";

/** Reads a Node request into a web `Request` (bodies up to 1 MiB; the status API takes no more). */
async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? "GET";
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Uint8Array).length;
      if (size > 1 << 20) throw new Error("request body over 1 MiB");
      chunks.push(c as Uint8Array);
    }
    body = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
  }
  return new Request(new URL(req.url ?? "/", base), { method, headers, ...(body ? { body } : {}) });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(response.status, headers);
  res.end(new Uint8Array(await response.arrayBuffer()));
}

/** An HTTP/1.1 listener on node:http (Node, and Bun's implementation of it). */
export function serveHttp(options: { host: string; port: number }, handler: HttpHandler): Promise<HttpListener> {
  const server = createServer((req, res) => {
    const base = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}`;
    toRequest(req, base)
      .then((r) => handler(r))
      .then((response) => send(res, response))
      .catch(() => {
        if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
        res.end("bad request\n");
      });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const a = server.address();
      const port = typeof a === "object" && a !== null ? a.port : options.port;
      resolve({
        local: { host: options.host, port },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
