/**
 * Runtime detection and loading. `loadRuntime()` imports only the detected runtime's adapter, so
 * Node never loads Deno or Bun code (and the other way round).
 */
import { detectRuntime } from "./detect.ts";
import type { Runtime, RuntimeName } from "./types.ts";
import type { CliProcess } from "../src/cli/command.ts";

export { detectRuntime } from "./detect.ts";
export type * from "./types.ts";
export type { CliIo, CliProcess } from "../src/cli/command.ts";

/** Loads the adapter for `name`, or for the running runtime. Rejects on an unknown runtime. */
export async function loadRuntime(name: RuntimeName | undefined = detectRuntime()): Promise<Runtime> {
  switch (name) {
    case "node":
      return (await import("./node/index.ts")).nodeRuntime;
    case "deno":
      return (await import("./deno/index.ts")).denoRuntime;
    case "bun":
      return (await import("./bun/index.ts")).bunRuntime;
    default:
      throw new Error("siphon: unsupported JavaScript runtime (need Node 20+, Deno 2 or Bun 1.1+)");
  }
}

/**
 * The process of the running runtime for the `siphon` executable (arguments, stdout/stderr, TTY,
 * environment, signals, exit), from `runtimes/<runtime>/process.ts`. Loaded on demand: importing
 * this module touches no process API.
 */
export async function loadProcess(name: RuntimeName | undefined = detectRuntime()): Promise<CliProcess> {
  switch (name) {
    case "node":
      return (await import("./node/process.ts")).nodeProcess();
    case "deno":
      return (await import("./deno/process.ts")).denoProcess();
    case "bun":
      return (await import("./bun/process.ts")).bunProcess();
    default:
      throw new Error("siphon: unsupported JavaScript runtime (need Node 20+, Deno 2 or Bun 1.1+)");
  }
}
