/**
 * `siphon serve`: the server — registrar, proxy, the echo and other services, SQLite storage, HTTP
 * metrics and status API — with embedded defaults (`npm start` runs it): UDP and TCP on 5060,
 * WebSocket on 8080, HTTP on 8088 (the next free ports when those are taken, said at start), the
 * SQLite file under `./data/`, demo users printed at start when none are configured. Runs until
 * SIGINT or SIGTERM, then stops gracefully.
 */
import { ConfigError, createSiphonServer, loadConfig } from "../engine/index.ts";
import type { ServerRuntime, SiphonServer } from "../engine/index.ts";
import { EXIT } from "./command.ts";
import type { CliCommand, CliIo } from "./command.ts";
import type { CliEnvironment, CliRuntime } from "./environment.ts";
import { defineCommand } from "./flags.ts";

const SPEC = {
  name: "serve",
  summary: "run the siphon server: registrar, proxy, echo and other services, SQLite, HTTP metrics",
  flags: {
    host: { kind: "string", arg: "HOST", help: "bind address for SIP, WebSocket and HTTP (default 127.0.0.1; 0.0.0.0 for every interface)" },
    port: { kind: "int", min: 0, max: 65535, arg: "PORT", help: "UDP and TCP port (default 5060, or the next free one)" },
    "ws-port": { kind: "int", min: 0, max: 65535, arg: "PORT", help: "WebSocket port (default 8080, or the next free one)" },
    "http-port": { kind: "int", min: 0, max: 65535, arg: "PORT", help: "HTTP port of /metrics and /api (default 8088)" },
    data: { kind: "string", arg: "DIR", help: "directory of the SQLite file (default ./data)" },
    user: { kind: "list", arg: "NAME:PASSWORD", help: "add a user (repeatable; replaces the demo users)" },
    config: { kind: "string", arg: "FILE", help: "configuration file, YAML or JSON (see README); flags and SIPHON_* variables win over it" },
  },
  details:
    "Environment: SIPHON_HOST, SIPHON_REALM, SIPHON_PORT, SIPHON_WS_PORT, SIPHON_HTTP_PORT, SIPHON_DATA, SIPHON_STORAGE,\n" +
    "SIPHON_LOG_LEVEL, SIPHON_LOG_FORMAT, SIPHON_USERS (NAME:PASSWORD,...).\n" +
    "Call sip:echo@<realm> to hear yourself; sip:tone@, sip:park@ and sip:echo-srtp@ are there too.\n" +
    "Example: siphon serve --port 5070 --user alice:secret --user bob:secret",
} as const;

function isServerRuntime(rt: CliRuntime): rt is CliRuntime & ServerRuntime {
  const r = rt as Partial<ServerRuntime>;
  return typeof r.wallTime === "function" && typeof r.openSqlite === "function" && typeof r.serveHttp === "function";
}

/** How many user names the banner lists. */
const BANNER_USERS = 10;

/** The lines printed once the server runs: where it listens, the users, how to call echo. */
export function banner(server: SiphonServer, runtime: string): string {
  const a = server.addresses;
  const c = server.config;
  const host = c.advertisedHost ?? a.sip.host;
  const lines = [`siphon serve on ${runtime}`];
  for (const m of a.moved) lines.push(`  note: ${m}`);
  lines.push(`  SIP        udp+tcp ${a.sip.host}:${a.sip.port}${a.ws ? `, ws ${a.ws.host}:${a.ws.port}` : ""}   domain ${c.realm}`);
  if (a.http) lines.push(`  HTTP       http://${a.http.host}:${a.http.port}/metrics  /api/registrations  /api/calls  /api/cdrs`);
  lines.push(`  storage    ${server.storage.kind === "sqlite" ? `SQLite ${server.storage.location}` : "memory (nothing survives a restart)"}, ${server.restored} registration(s) restored`);
  if (server.demoUsers) {
    lines.push(`  demo users (configure users to replace them): ${server.demoUsers.map((u) => `${u.username}/${u.password}`).join("  ")}`);
  } else {
    // A directory of thousands would bury the rest of the banner: the first few and a count.
    const names = server.users.usernames();
    lines.push(`  users      ${names.slice(0, BANNER_USERS).join(", ")}${names.length > BANNER_USERS ? `, … (${names.length} in all)` : ""}`);
  }
  lines.push(`  services   ${server.services.map((s) => `sip:${s}@${c.realm}`).join("  ")}`);
  const user = server.demoUsers?.[0]?.username ?? server.users.usernames()[0] ?? "alice";
  lines.push(`  softphone: register as sip:${user}@${c.realm} via ${host}:${a.sip.port} (user ${user}), then call sip:echo@${c.realm}`);
  return lines.join("\n") + "\n";
}

/** Waits for the abort of `signal`. */
const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));

/** The `serve` command. */
export function serveCommand(env: CliEnvironment): CliCommand {
  return defineCommand(SPEC, async ({ flags }, io: CliIo) => {
    const runtime = await env.loadRuntime();
    if (!isServerRuntime(runtime)) {
      io.err("siphon serve: this runtime record lacks the server's parts (wall clock, SQLite, HTTP)\n");
      return EXIT.FAILED;
    }
    let config;
    try {
      config = await loadConfig(
        { readTextFile: (p) => runtime.readTextFile(p), env: (n) => io.env(n) },
        {
          ...(flags.config !== undefined ? { file: flags.config } : {}),
          flags: {
            ...(flags.host !== undefined ? { host: flags.host } : {}),
            ...(flags.port !== undefined ? { port: flags.port } : {}),
            ...(flags["ws-port"] !== undefined ? { wsPort: flags["ws-port"] } : {}),
            ...(flags["http-port"] !== undefined ? { httpPort: flags["http-port"] } : {}),
            ...(flags.data !== undefined ? { data: flags.data } : {}),
            ...(flags.user !== undefined ? { users: flags.user } : {}),
          },
        },
      );
    } catch (e) {
      if (e instanceof ConfigError) {
        io.err(`siphon serve: ${e.message}\n`);
        return EXIT.USAGE;
      }
      throw e;
    }
    const server = await createSiphonServer(config, { runtime, write: (line) => io.err(`${line}\n`), aliases: env.localAddresses() });
    io.out(banner(server, runtime.name));
    await aborted(io.signal);
    io.err("siphon serve: stopping (a second Ctrl-C exits at once)\n");
    await server.stop();
    return EXIT.OK;
  });
}
