/**
 * The dispatcher of `siphon`: the first argument names a command in the table; `siphon --help`
 * lists them, `siphon help CMD` and `siphon CMD --help` print a command's own help, and an unknown
 * command is a message on stderr and exit code 2.
 */
import { EXIT } from "./command.ts";
import type { CliCommand, CliIo } from "./command.ts";

/** The version `siphon --version` prints. */
export const CLI_VERSION = "0.1.0";

/** The text of `siphon --help` for `commands`. */
export function mainHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return [
    "siphon — SIP calls, registrations and pings from the command line (Node, Deno, Bun)",
    "",
    "Usage: siphon <command> [arguments] [flags]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'siphon <command> --help' for a command's flags.",
    "",
  ].join("\n");
}

/** Runs the command `args[0]` with the rest of `args`; resolves to the process's exit code. */
export async function runCli(args: readonly string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    io.err(mainHelp(commands));
    return EXIT.USAGE;
  }
  if (first === "--help" || first === "-h") {
    io.out(mainHelp(commands));
    return EXIT.OK;
  }
  if (first === "--version" || first === "-V") {
    io.out(`siphon ${CLI_VERSION}\n`);
    return EXIT.OK;
  }
  if (first === "help") {
    if (rest[0] === undefined) {
      io.out(mainHelp(commands));
      return EXIT.OK;
    }
    return dispatch(rest[0], ["--help"], io, commands);
  }
  return dispatch(first, rest, io, commands);
}

async function dispatch(name: string, args: string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const hint = name.startsWith("-") ? `unknown flag ${name} (flags go after the command)` : `unknown command '${name}'`;
    io.err(`siphon: ${hint}\nCommands: ${commands.map((c) => c.name).join(", ")}. Run 'siphon --help'.\n`);
    return EXIT.USAGE;
  }
  return command.run(args, io);
}
