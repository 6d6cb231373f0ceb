import type { RuntimeName } from "./types.ts";

/**
 * Which runtime is running this code. The one place siphon asks; Bun and Deno are checked first
 * because both also expose a Node-compatible `process`.
 */
export function detectRuntime(): RuntimeName | undefined {
  const g = globalThis as { Bun?: unknown; Deno?: { version?: unknown }; process?: { versions?: { node?: string } } };
  if (typeof g.Bun !== "undefined") return "bun";
  if (typeof g.Deno !== "undefined" && g.Deno.version !== undefined) return "deno";
  if (typeof g.process?.versions?.node === "string") return "node";
  return undefined;
}
