/**
 * The shape every `siphon` subcommand has. The dispatcher (`main.ts`) finds a command by name in
 * its table and hands it the arguments after the name and the process's I/O; the command parses
 * its own flags (`--help` included, see `flags.ts`) and returns the exit code. Nothing here touches
 * a runtime: the process glue lives in `runtimes/<runtime>/process.ts`, so a command runs the same
 * on Node, Deno and Bun, and under a test that fills {@link CliIo} with strings.
 */

/** The process as a command sees it. */
export interface CliIo {
  /** Writes to stdout; no newline is added. */
  out(text: string): void;
  /** Writes to stderr; no newline is added. */
  err(text: string): void;
  /** Whether stdout is a terminal (a live progress line instead of one line per event). */
  readonly isTerminal: boolean;
  /** An environment variable, or undefined (also when the runtime was not allowed to read it). */
  env(name: string): string | undefined;
  /** Aborted on SIGINT or SIGTERM: a command stops what it waits for and exits. */
  readonly signal: AbortSignal;
}

/** One subcommand of `siphon`. */
export interface CliCommand {
  /** The name typed after `siphon`: "call", "serve", ... */
  readonly name: string;
  /** One line for `siphon --help`. */
  readonly summary: string;
  /** Runs the command on `args` (those after its name); resolves to the exit code. Handles `--help` itself. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** What a runtime's process facade gives the executable (`runtimes/<runtime>/process.ts`). */
export interface CliProcess {
  /** The arguments after the program and script names. */
  readonly args: readonly string[];
  readonly io: CliIo;
  /** Ends the process with `code` once what was written has left. */
  exit(code: number): void;
  /** This machine's interface addresses, not loopback: IPv4 first, then IPv6. */
  localAddresses(): string[];
  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Creates (or truncates) a file for sequential writing with one rewrite of its header. */
  createFile(path: string): Promise<CliFileWriter>;
}

/** A file being written (the shape of siphon/media's `AudioFileWriter`). */
export interface CliFileWriter {
  write(bytes: Uint8Array): Promise<void>;
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
  /** Closes the file; a second call does nothing. */
  close(): Promise<void>;
}

/** Exit codes of the commands: 0 success, 1 the operation failed, 2 bad usage, 130 interrupted. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 } as const;
