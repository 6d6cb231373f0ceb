/// <reference types="node" />
import { open, readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import type { CliProcess } from "../../src/cli/command.ts";

/**
 * The `siphon` executable's process on Node (and on Bun, which implements Node's `process`):
 * arguments, stdout/stderr, TTY, environment, SIGINT/SIGTERM as an AbortSignal (a second signal
 * exits at once with 130), exit code.
 */
export function nodeProcess(): CliProcess {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: string) => {
    if (++signals > 1) process.exit(130);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    args: process.argv.slice(2),
    io: {
      out: (text) => void process.stdout.write(text),
      err: (text) => void process.stderr.write(text),
      isTerminal: process.stdout.isTTY === true,
      env: (name) => process.env[name],
      signal: controller.signal,
    },
    exit(code) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // Writes to pipes and files are synchronous on POSIX; to a terminal too. Let them drain anyway.
      process.exitCode = code;
      if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
      else process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    },
    localAddresses: () => interfaceAddresses(),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    async createFile(path) {
      const handle = await open(path, "w");
      let position = 0;
      let closed: Promise<void> | undefined;
      return {
        async write(bytes) {
          await handle.write(bytes, 0, bytes.length, position);
          position += bytes.length;
        },
        async writeAt(at, bytes) {
          await handle.write(bytes, 0, bytes.length, at);
        },
        close: () => (closed ??= handle.close()),
      };
    },
  };
}

/** Non-internal interface addresses, IPv4 first. */
export function interfaceAddresses(): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === "IPv4") v4.push(a.address);
      else if (!a.address.startsWith("fe80")) v6.push(a.address);
    }
  }
  return [...v4, ...v6];
}
