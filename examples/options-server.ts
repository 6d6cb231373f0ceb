/**
 * A SIP OPTIONS server (RFC 3261 §11): answers every OPTIONS with 200 OK and its capabilities, any
 * other request with 405 (Method Not Allowed) and an Allow header (§8.2.1). Listens on UDP and TCP on
 * one port (RFC 3261 §18: a server listens on both). Runs unchanged on Node, Deno and Bun:
 *
 *     node --experimental-strip-types examples/options-server.ts [port]   (Node 22.6+; on Node 20
 *                                                                           run the built dist/examples/options-server.js)
 *     deno run -A examples/options-server.ts [port]
 *     bun examples/options-server.ts [port]
 *
 * Try it with `sipsak -s sip:ping@127.0.0.1:5060` or any SIP client.
 */
import { loadRuntime } from "../runtimes/index.ts";
import { createSipEndpoint } from "../src/driver/index.ts";
import { createResponse } from "../src/sip/index.ts";

const ALLOW = "OPTIONS";
const args = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
const port = Number(args[2] ?? 5060);

const runtime = await loadRuntime();
const endpoint = await createSipEndpoint({
  runtime,
  listen: [
    { transport: "UDP", host: "127.0.0.1", port },
    { transport: "TCP", host: "127.0.0.1", port },
  ],
  // Retransmissions are absorbed by the server transactions (RFC 3261 §17.2.2).
  transactions: true,
  onTransactionEvent(event) {
    if (event.type !== "request") return;
    const request = event.request;
    const response =
      request.method === "OPTIONS"
        ? createResponse(request, 200, "OK", {
            toTag: tag(),
            headers: [
              ["Allow", ALLOW],
              ["Accept", "application/sdp"],
              ["Supported", ""],
            ],
          })
        : createResponse(request, 405, "Method Not Allowed", { toTag: tag(), headers: [["Allow", ALLOW]] });
    event.transaction.respond(response, endpoint.now());
    endpoint.flush();
  },
  onTransportEvent(event) {
    if (event.type === "error") console.error(`transport: ${event.error.code} ${event.error.message}`);
  },
});

function tag(): string {
  return [...runtime.randomBytes(6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

for (const lp of endpoint.listeningPoints) {
  console.log(`OPTIONS server on ${runtime.name}: ${lp.transport} ${lp.local.host}:${lp.local.port}`);
}
