/**
 * The siphon OPTIONS server (RFC 3261 §11): answers OPTIONS with 200 OK and its capabilities (Allow,
 * Accept, Supported), requests for methods it knows but does not serve with 405 and an Allow header,
 * and methods it does not know with 501 (§8.2.1). Every request goes through the real transport and
 * transaction layers, so retransmissions are absorbed (§17.2.2), CANCEL and ACK are handled there,
 * malformed requests get their RFC 3261 §8.2 answer (400, 416, 420, 505, 513) before this code
 * sees them, and under overload new requests get 503 with Retry-After.
 * Runs unchanged on Node, Deno and Bun:
 *
 *     npm run build && node dist/examples/options-server.js [flags]
 *     deno run -A examples/options-server.ts [flags]
 *     bun examples/options-server.ts [flags]
 *
 * Flags: --host 127.0.0.1  --port 5060  --transport udp|tcp|tls|ws|wss (repeatable or comma-separated;
 * default udp,tcp)  --cert FILE --key FILE (PEM, for tls and wss)  --quiet.
 * Try it with `sipsak -s sip:ping@127.0.0.1:5060` or SIPp's OPTIONS scenarios.
 */
import { readFileSync } from "node:fs";
import { loadRuntime } from "../runtimes/index.ts";
import { createSipEndpoint, type ListenOptions } from "../src/driver/index.ts";
import { createResponse } from "../src/sip/index.ts";
import type { TransportProtocol } from "../src/transport/index.ts";

const ALLOW = "OPTIONS";
/** Methods of RFC 3261 and its extensions that this server recognizes but does not serve: 405. */
const KNOWN = new Set(["INVITE", "BYE", "REGISTER", "PRACK", "UPDATE", "INFO", "MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH"]);

interface Flags {
  host: string;
  port: number;
  transports: TransportProtocol[];
  cert?: string;
  key?: string;
  quiet: boolean;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { host: "127.0.0.1", port: 5060, transports: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--host") flags.host = value();
    else if (a === "--port") flags.port = Number(value());
    else if (a === "--transport") {
      for (const t of value().split(",")) {
        const up = t.trim().toUpperCase();
        if (!["UDP", "TCP", "TLS", "WS", "WSS"].includes(up)) throw new Error(`unknown transport ${t}`);
        flags.transports.push(up as TransportProtocol);
      }
    } else if (a === "--cert") flags.cert = value();
    else if (a === "--key") flags.key = value();
    else if (a === "--quiet") flags.quiet = true;
    else if (/^[0-9]+$/.test(a)) flags.port = Number(a);
    else throw new Error(`unknown flag ${a}`);
  }
  if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) throw new Error("--port must be 0..65535");
  if (flags.transports.length === 0) flags.transports = ["UDP", "TCP"];
  return flags;
}

const argv = ((globalThis as { process?: { argv?: string[] } }).process?.argv ?? []).slice(2);
let flags: Flags;
try {
  flags = parseFlags(argv);
} catch (e) {
  console.error(`options-server: ${(e as Error).message}`);
  (globalThis as { process?: { exit(code: number): never } }).process?.exit(2);
  throw e;
}

const secure = flags.transports.some((t) => t === "TLS" || t === "WSS");
if (secure && (flags.cert === undefined || flags.key === undefined)) {
  console.error("options-server: --transport tls/wss needs --cert and --key (PEM files)");
  (globalThis as { process?: { exit(code: number): never } }).process?.exit(2);
}
const tls = secure ? { cert: readFileSync(flags.cert!, "utf8"), key: readFileSync(flags.key!, "utf8") } : undefined;

const runtime = await loadRuntime();
const listen: ListenOptions[] = flags.transports.map((transport) => ({
  transport,
  host: flags.host,
  port: flags.port,
  ...(transport === "TLS" || transport === "WSS" ? { tls } : {}),
}));

/** Final responses the TU sent, by status. */
const answered = new Map<number, number>();
const endpoint = await createSipEndpoint({
  runtime,
  listen,
  // The TU ignores terminated transactions: no event for them.
  transactions: { emitTerminated: false },
  transactionUser: {
    receiveRequest(request, transaction) {
      const method = request.method;
      const response =
        method === "OPTIONS"
          ? createResponse(request, 200, "OK", {
              toTag: tag(),
              headers: [
                ["Allow", ALLOW],
                ["Accept", "application/sdp"],
                ["Supported", ""],
              ],
            })
          : KNOWN.has(method)
            ? createResponse(request, 405, "Method Not Allowed", { toTag: tag(), headers: [["Allow", ALLOW]] })
            : createResponse(request, 501, "Not Implemented", { toTag: tag(), headers: [["Allow", ALLOW]] });
      endpoint.respond(transaction, response);
      answered.set(response.status, (answered.get(response.status) ?? 0) + 1);
    },
  },
  transportUser: {
    transportFailed(error) {
      if (!flags.quiet) console.error(`transport: ${error.code} ${error.message}`);
    },
  },
});

function tag(): string {
  let s = "";
  for (const b of runtime.randomBytes(6)) s += b.toString(16).padStart(2, "0");
  return s;
}

for (const lp of endpoint.listeningPoints) {
  console.log(`siphon OPTIONS server on ${runtime.name}: ${lp.transport} ${lp.local.host}:${lp.local.port}`);
}

const proc = (globalThis as { process?: { on(sig: string, f: () => void): void; exit(code: number): never } }).process;
for (const signal of ["SIGINT", "SIGTERM"]) proc?.on(signal, () => {
  // What the TU answered, and what the transaction layer answered before the TU saw a request.
  const c = endpoint.transactions!.counters;
  const byStatus = [...answered].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status}: ${n}`);
  const total = [...answered.values()].reduce((a, b) => a + b, 0);
  console.log(`answered ${total} requests (${byStatus.join(", ") || "none"})`);
  console.log(
    `refused before the TU: 503 overload ${c.overload503}, 503 shed ${c.overloadShed}, 400 malformed ${c.malformed}, ` +
      `416 ${c.rejectedScheme}, 420 ${c.rejectedExtension}; absorbed retransmissions ${c.retransmissionsAbsorbed}`,
  );
  void endpoint.close().then(() => proc.exit(0));
});
