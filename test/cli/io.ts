import type { CliIo } from "../../src/cli/command.ts";

/** A CliIo that records what a command writes; `abort()` plays SIGINT. */
export function memoryIo(options: { isTerminal?: boolean; env?: Record<string, string> } = {}) {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    isTerminal: options.isTerminal ?? false,
    env: (n) => options.env?.[n],
    signal: controller.signal,
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join(""), abort: () => controller.abort(new Error("SIGINT")) };
}
