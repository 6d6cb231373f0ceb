#!/usr/bin/env node
/**
 * The `siphon` executable: the process of the running runtime (arguments, stdout and stderr, the
 * terminal, environment, SIGINT/SIGTERM, exit code) handed to the dispatcher. Runs as the package's
 * `bin` on Node (`npx siphon …` after `npm run build`), and from source on Deno
 * (`deno run -A src/cli/main.ts …`) and Bun (`bun src/cli/main.ts …`).
 */
import { loadProcess, loadRuntime } from "../../runtimes/index.ts";
import { cliCommands } from "./commands.ts";
import { runCli } from "./dispatch.ts";

const proc = await loadProcess();
const code = await runCli(proc.args, proc.io, cliCommands({ loadRuntime: () => loadRuntime(), localAddresses: () => proc.localAddresses() }));
proc.exit(code);
