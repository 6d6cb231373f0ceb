import { SiphonError } from "../../errors.ts";

/** Why a configuration was refused. */
export type ConfigErrorCode =
  | "BAD_CONFIG" // a value is missing, of the wrong type or out of range (the message names its path)
  | "BAD_FILE"; // the configuration file cannot be read, or is neither YAML nor JSON

/**
 * A configuration the server cannot run with. The message names each problem by its path
 * (`users[1].password: Required`), so an operator can fix the file without reading the source.
 */
export class ConfigError extends SiphonError {
  declare readonly code: ConfigErrorCode;
  /** Every problem found, `path: what is wrong`. */
  readonly problems: readonly string[];

  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown; problems?: readonly string[] }) {
    super(code, message, options);
    this.problems = options?.problems ?? [message];
  }
}
