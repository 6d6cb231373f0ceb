import type { CliProcess } from "../../src/cli/command.ts";

/** The slice of the Deno namespace the process facade uses (read when called, never at import). */
interface DenoProcessApi {
  readonly args: string[];
  readonly stdout: { writeSync(p: Uint8Array): number; isTerminal(): boolean };
  readonly stderr: { writeSync(p: Uint8Array): number };
  readonly env: { get(name: string): string | undefined };
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  removeSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  exit(code: number): never;
  networkInterfaces(): { family: "IPv4" | "IPv6"; address: string; name: string }[];
  readFile(path: string): Promise<Uint8Array>;
  open(path: string, options: { write: true; create: true; truncate: true }): Promise<DenoFile>;
}

interface DenoFile {
  write(p: Uint8Array): Promise<number>;
  seek(offset: number, whence: 0 | 1 | 2): Promise<number>;
  close(): void;
}

/**
 * The `siphon` executable's process on Deno: `Deno.args`, synchronous writes to stdout and stderr,
 * `Deno.stdout.isTerminal()`, `Deno.env` (undefined when not allowed), SIGINT/SIGTERM as an
 * AbortSignal (a second signal exits at once with 130), `Deno.exit`.
 */
export function denoProcess(): CliProcess {
  const d = (globalThis as unknown as { Deno: DenoProcessApi }).Deno;
  const encoder = new TextEncoder();
  const write = (w: { writeSync(p: Uint8Array): number }, text: string) => {
    const bytes = encoder.encode(text);
    for (let off = 0; off < bytes.length; ) off += w.writeSync(bytes.subarray(off));
  };
  const controller = new AbortController();
  let signals = 0;
  const handlers = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const handler = () => {
      if (++signals > 1) d.exit(130);
      controller.abort(new Error(`interrupted by ${name}`));
    };
    try {
      d.addSignalListener(name, handler);
    } catch {
      // Signals cannot be listened to on this platform: Ctrl-C then ends the process at once.
    }
    return [name, handler] as const;
  });
  return {
    args: [...d.args],
    io: {
      out: (text) => write(d.stdout, text),
      err: (text) => write(d.stderr, text),
      isTerminal: d.stdout.isTerminal(),
      env(name) {
        try {
          return d.env.get(name);
        } catch {
          return undefined;
        }
      },
      signal: controller.signal,
    },
    exit(code) {
      for (const [name, handler] of handlers) {
        try {
          d.removeSignalListener(name, handler);
        } catch {
          // never added
        }
      }
      d.exit(code);
    },
    localAddresses() {
      let list: { family: string; address: string }[] = [];
      try {
        list = d.networkInterfaces();
      } catch {
        return [];
      }
      const ok = list.filter((a) => !/^(127\.|::1$|fe80)/.test(a.address));
      return [...ok.filter((a) => a.family === "IPv4"), ...ok.filter((a) => a.family === "IPv6")].map((a) => a.address);
    },
    readFile: (path) => d.readFile(path),
    async createFile(path) {
      const file = await d.open(path, { write: true, create: true, truncate: true });
      const writeAll = async (bytes: Uint8Array) => {
        for (let off = 0; off < bytes.length; ) off += await file.write(bytes.subarray(off));
      };
      let end = 0;
      let closed = false;
      return {
        async write(bytes) {
          await file.seek(end, 0);
          await writeAll(bytes);
          end += bytes.length;
        },
        async writeAt(at, bytes) {
          await file.seek(at, 0);
          await writeAll(bytes);
        },
        // Deno throws BadResource on a second close; a writer is closed once whoever asks.
        close: async () => {
          if (closed) return;
          closed = true;
          file.close();
        },
      };
    },
  };
}
