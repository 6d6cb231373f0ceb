import type { CliProcess } from "../../src/cli/command.ts";
// Bun implements Node's process object and node:os: the Node facade as it is.
import { nodeProcess } from "../node/process.ts";

/** The `siphon` executable's process on Bun. */
export function bunProcess(): CliProcess {
  return nodeProcess();
}
