// What the benches share: the runtime's name, a CPU clock, a timing loop, the heap held after a
// full collection, a `siphon serve` configuration file. Not a bench itself (bench/run.mjs skips
// it). Runs on Node, Deno and Bun.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** "node", "deno" or "bun": the runtime running this bench. */
export const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";

/**
 * CPU time of this process in ms (user + system, every thread, GC included): on a shared machine a
 * rate per CPU-second is not inflated by the neighbours, as one per wall-second is.
 */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls `fn` `warmup` times, then in batches of `batch` until `seconds` of wall time have passed;
 * returns calls per second. A result of `fn` is not kept: it must do its work for its side effects
 * or the caller must keep it observable.
 */
export function opsPerSecond(fn, { seconds = 0.5, batch = 200, warmup = 2000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/**
 * A full collection, or undefined without a callable GC (node --expose-gc, deno run
 * --v8-flags=--expose-gc, or Bun's Bun.gc).
 */
export const gc = typeof globalThis.gc === "function" ? () => globalThis.gc() : typeof Bun !== "undefined" ? () => Bun.gc(true) : undefined;

/** Heap plus array-buffer bytes after a full collection, or undefined without a callable GC. */
export function heapBytes() {
  if (gc === undefined) return undefined;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * A `siphon serve` configuration file in a new temporary directory (its data directory too): SIP on
 * `port` (no WebSocket, no hunting for a free port), no per-address limit, warnings only, and
 * `settings` over that. Returns the directory and the file's path.
 */
export function serveConfig(prefix, port, settings) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = join(dir, "siphon.json");
  const base = { realm: "siphon.local", data: dir, sip: { port, wsPort: null, nextFreePort: false }, limits: { perAddress: null }, log: { level: "warn" } };
  writeFileSync(config, JSON.stringify({ ...base, ...settings }));
  return { dir, config };
}
