/**
 * The table of `siphon` commands, in the order `siphon --help` lists them. A new command is one
 * file exporting a {@link CliCommand} (or a factory taking the {@link CliEnvironment}) and one line here.
 */
import type { CliCommand } from "./command.ts";
import type { CliEnvironment } from "./environment.ts";
import { optionsCommand } from "./options.ts";

/** Every command, given what they need from the executable. */
export function cliCommands(env: CliEnvironment): CliCommand[] {
  return [optionsCommand(env)];
}
