/**
 * `siphon register AOR`: registers the address of record with its registrar (digest answered),
 * prints the binding, then stays registered — refreshing before expiry, re-registering after a
 * transport loss — until interrupted, and unregisters. `--once` unregisters at once. Exit 0 when
 * registered, 1 when refused (wrong credentials, a 4xx/5xx) or unreachable, 2 on bad arguments.
 */
import { ClientError } from "../client/index.ts";
import { EXIT } from "./command.ts";
import type { CliCommand } from "./command.ts";
import { AGENT_FLAGS, agentFromFlags } from "./agent.ts";
import type { AgentFlags } from "./agent.ts";
import type { CliEnvironment } from "./environment.ts";
import { defineCommand } from "./flags.ts";
import { sipUriArg } from "./options.ts";
import { createReporter } from "./progress.ts";

const { from: _from, ...FLAGS } = AGENT_FLAGS;

const SPEC = {
  name: "register",
  summary: "register an address of record and stay registered until interrupted",
  positionals: ["AOR"],
  flags: {
    ...FLAGS,
    expires: { kind: "int", min: 10, max: 86400, arg: "S", help: "registration expiry to ask for (default 600)" },
    once: { kind: "switch", help: "unregister right after registering, then exit" },
    timeout: { kind: "number", min: 1, max: 600, arg: "S", help: "give up when not registered within S seconds (default 35)" },
  },
  details: "Exit status: 0 registered, 1 refused or unreachable, 2 bad arguments.\n" +
    "Example: SIPHON_PASSWORD=secret siphon register sip:alice@example.com --user alice --once",
} as const;

/** The `register` command. */
export function registerCommand(env: CliEnvironment): CliCommand {
  return defineCommand(SPEC, async ({ flags, positionals }, io) => {
    const aor = sipUriArg(positionals[0]!, "AOR");
    const report = createReporter(io, flags.json === true);
    const agentFlags: AgentFlags = { ...flags, from: String(aor) };
    const ua = await agentFromFlags(env, io, agentFlags, aor.host, flags.expires !== undefined ? { expires: flags.expires } : {});
    try {
      const account = ua.accounts[0]!;
      account.registration.on("state", (e) => {
        if (e.state === "failed") report.event("failed", `registration failed: ${e.error?.message ?? "?"}`, { code: e.error?.code ?? null, status: e.error?.status ?? null });
      });
      account.registration.on("registered", (info) => report.status(`registered ${info.aor}: ${info.expires} s${info.outbound ? ", outbound" : ""}`));
      report.status(`registering ${account.aor} ...`);
      const info = await ua.register({ signal: io.signal, timeoutMs: (flags.timeout ?? 35) * 1000 });
      report.event("registered", `registered ${info.aor} at ${info.contact} for ${info.expires} s${info.outbound ? " (outbound)" : ""}; ${info.bindings.length} binding(s)`, {
        aor: info.aor,
        contact: info.contact,
        expires: info.expires,
        outbound: info.outbound,
        bindings: info.bindings,
      });
      if (!flags.once) {
        await new Promise<void>((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
      }
      report.done();
      await ua.unregister({ timeoutMs: 5000 }).then(
        () => report.event("unregistered", `unregistered ${info.aor}`, { aor: info.aor }),
        (e: unknown) => report.event("failed", `unregister failed: ${(e as Error).message}`, { error: (e as Error).message }),
      );
      return EXIT.OK;
    } catch (error) {
      report.done();
      if (error instanceof ClientError) {
        if (error.code === "ABORTED") return EXIT.INTERRUPTED;
        report.event("failed", `not registered: ${error.message}`, { code: error.code, status: error.status ?? null, reason: error.reason ?? null });
        return EXIT.FAILED;
      }
      throw error;
    } finally {
      await ua.close({ timeoutMs: 3000 });
    }
  });
}
