/**
 * The flag parser every `siphon` command shares: a command declares its flags and positional
 * arguments once ({@link CommandSpec}); {@link parseArgs} reads `argv` against it and
 * {@link helpText} prints it. `--name value` and `--name=value` both work, a repeated value flag
 * keeps the last, list flags collect repeated and comma-separated values, `--` ends the flags.
 * Every mistake — an unknown flag, a missing or malformed value, a number out of range, a choice
 * not offered, too few or too many arguments — is a {@link CliUsageError} naming the flag, so a
 * typo never runs a command with defaults it did not ask for. {@link defineCommand} wraps it all
 * into a {@link CliCommand}: `--help`, usage errors on stderr with exit code 2, then the command.
 */
import { SiphonError } from "../errors.ts";
import { EXIT } from "./command.ts";
import type { CliCommand, CliIo } from "./command.ts";

/** What a flag takes. */
export type FlagKind = "switch" | "string" | "list" | "int" | "number";

/** One flag of a command. */
export interface FlagSpec {
  readonly kind: FlagKind;
  /** One line for `--help`. */
  readonly help: string;
  /** The value's placeholder in `--help` (`HOST`, `FILE.wav`). Default from the kind. */
  readonly arg?: string;
  /** `int` and `number`: the smallest value taken. */
  readonly min?: number;
  /** `int` and `number`: the largest value taken. */
  readonly max?: number;
  /** `string` and `list`: the values taken (compared case-insensitively, returned lowercase). */
  readonly choices?: readonly string[];
  /** A one-letter alias (`-v` for `--verbose`). */
  readonly short?: string;
}

/** A command's arguments: its flags, and its positional arguments by name. */
export interface CommandSpec {
  /** The command's name, as typed after `siphon`. */
  readonly name: string;
  /** One line for `siphon --help`. */
  readonly summary: string;
  /** Positional arguments, in order (`URI`, `AOR`); those ending in `?` are optional. */
  readonly positionals?: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Further paragraphs for `--help` (examples, what the exit codes mean). */
  readonly details?: string;
}

/** The value type of one flag kind. */
export type FlagValue<S extends FlagSpec> = S["kind"] extends "switch"
  ? true
  : S["kind"] extends "list"
    ? string[]
    : S["kind"] extends "int" | "number"
      ? number
      : string;

/** The flags found, by name: absent when not given. */
export type ParsedFlags<F extends Readonly<Record<string, FlagSpec>>> = { -readonly [K in keyof F]?: FlagValue<F[K]> };

/** What {@link parseArgs} found. */
export interface ParsedArgs<F extends Readonly<Record<string, FlagSpec>>> {
  readonly flags: ParsedFlags<F>;
  /** Positional arguments, in order. */
  readonly positionals: string[];
  /** `--help` or `-h` was given (nothing else was checked then). */
  readonly help: boolean;
}

/** Codes of {@link CliUsageError}. */
export type CliUsageErrorCode = "UNKNOWN_FLAG" | "MISSING_VALUE" | "BAD_VALUE" | "MISSING_ARGUMENT" | "EXTRA_ARGUMENT" | "UNKNOWN_COMMAND";

/** A command line the command cannot run: the message says which argument and why. */
export class CliUsageError extends SiphonError {
  declare readonly code: CliUsageErrorCode;
  constructor(code: CliUsageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Reads `argv` (the arguments after the command's name) against `spec`. Throws {@link CliUsageError}. */
export function parseArgs<S extends CommandSpec>(argv: readonly string[], spec: S): ParsedArgs<S["flags"]> {
  const flags: Record<string, unknown> = {};
  const positionals: string[] = [];
  if (argv.some((a) => a === "--help" || a === "-h")) return { flags: {}, positionals: [], help: true };
  const shorts = new Map<string, string>();
  for (const [name, f] of Object.entries(spec.flags)) if (f.short !== undefined) shorts.set(f.short, name);
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositionals = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const long = shorts.get(arg.slice(1));
      if (long === undefined) throw new CliUsageError("UNKNOWN_FLAG", `unknown flag ${arg}`);
      name = long;
    }
    const f = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
    if (f === undefined) throw new CliUsageError("UNKNOWN_FLAG", `unknown flag --${name}${suggest(name, Object.keys(spec.flags))}`);
    if (f.kind === "switch") {
      if (inline !== undefined) throw new CliUsageError("BAD_VALUE", `--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) throw new CliUsageError("MISSING_VALUE", `--${name} needs a value (${placeholder(f)})`);
      raw = next;
      i++;
    }
    flags[name] = f.kind === "list" ? [...((flags[name] as string[] | undefined) ?? []), ...listValue(name, f, raw)] : value(name, f, raw);
  }
  const names = spec.positionals ?? [];
  const required = names.filter((n) => !n.endsWith("?")).length;
  if (positionals.length < required) {
    throw new CliUsageError("MISSING_ARGUMENT", `missing ${names[positionals.length]!.replace(/\?$/, "")}`);
  }
  if (positionals.length > names.length) {
    throw new CliUsageError("EXTRA_ARGUMENT", `unexpected argument ${JSON.stringify(positionals[names.length])}`);
  }
  return { flags: flags as ParsedFlags<S["flags"]>, positionals, help: false };
}

function value(name: string, f: FlagSpec, raw: string): string | number {
  if (f.kind === "int" || f.kind === "number") {
    const n = raw.trim() === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(n) || (f.kind === "int" && !Number.isInteger(n))) {
      throw new CliUsageError("BAD_VALUE", `--${name} must be ${f.kind === "int" ? "an integer" : "a number"}, not ${JSON.stringify(raw)}`);
    }
    if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
      throw new CliUsageError("BAD_VALUE", `--${name} must be within ${f.min ?? "-∞"}..${f.max ?? "∞"}, not ${raw}`);
    }
    return n;
  }
  if (raw === "") throw new CliUsageError("BAD_VALUE", `--${name} needs a non-empty value`);
  return choice(name, f, raw);
}

function listValue(name: string, f: FlagSpec, raw: string): string[] {
  const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new CliUsageError("BAD_VALUE", `--${name} needs at least one value`);
  return items.map((s) => choice(name, f, s));
}

function choice(name: string, f: FlagSpec, raw: string): string {
  if (f.choices === undefined) return raw;
  const lower = raw.toLowerCase();
  if (!f.choices.includes(lower)) throw new CliUsageError("BAD_VALUE", `--${name} must be one of ${f.choices.join(", ")}, not ${JSON.stringify(raw)}`);
  return lower;
}

function placeholder(f: FlagSpec): string {
  if (f.arg !== undefined) return f.arg;
  if (f.choices !== undefined) return f.choices.join("|");
  return f.kind === "int" || f.kind === "number" ? "N" : f.kind === "list" ? "A,B" : "VALUE";
}

/** " (did you mean --x?)" for a flag one or two edits from a known one. */
function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best === undefined ? "" : ` (did you mean --${best}?)`;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The `--help` text of a command. */
export function helpText(spec: CommandSpec): string {
  const pos = (spec.positionals ?? []).map((p) => (p.endsWith("?") ? `[${p.slice(0, -1)}]` : p));
  const lines = [`siphon ${spec.name}${pos.length ? " " + pos.join(" ") : ""} [flags]`, "", spec.summary, "", "Flags:"];
  const rows = Object.entries(spec.flags).map(([name, f]): [string, string] => [
    `${f.short !== undefined ? `-${f.short}, ` : "    "}--${name}${f.kind === "switch" ? "" : ` ${placeholder(f)}`}`,
    f.help,
  ]);
  rows.push(["-h, --help", "this text"]);
  const width = Math.min(34, Math.max(...rows.map((r) => r[0].length)));
  for (const [left, right] of rows) lines.push(`  ${left.padEnd(width)}  ${right}`);
  if (spec.details !== undefined) lines.push("", spec.details.trim());
  return lines.join("\n") + "\n";
}

/**
 * A {@link CliCommand} from a spec and a body: `--help` prints {@link helpText} (exit 0); a
 * {@link CliUsageError} — from parsing, or thrown by the body while checking what it was given —
 * prints `siphon NAME: message` and a hint on stderr (exit 2); anything else the body throws is
 * printed as `siphon NAME: message` (exit 1).
 */
export function defineCommand<S extends CommandSpec>(
  spec: S,
  body: (args: ParsedArgs<S["flags"]>, io: CliIo) => Promise<number>,
): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(argv, io) {
      let parsed: ParsedArgs<S["flags"]>;
      try {
        parsed = parseArgs(argv, spec);
      } catch (error) {
        if (!(error instanceof CliUsageError)) throw error;
        io.err(`siphon ${spec.name}: ${error.message}\nRun 'siphon ${spec.name} --help' for its flags.\n`);
        return EXIT.USAGE;
      }
      if (parsed.help) {
        io.out(helpText(spec));
        return EXIT.OK;
      }
      try {
        return await body(parsed, io);
      } catch (error) {
        if (error instanceof CliUsageError) {
          io.err(`siphon ${spec.name}: ${error.message}\nRun 'siphon ${spec.name} --help' for its flags.\n`);
          return EXIT.USAGE;
        }
        io.err(`siphon ${spec.name}: ${describeError(error)}\n`);
        return EXIT.FAILED;
      }
    },
  };
}

/** One line for an error: its code (when it has one) and message. */
export function describeError(error: unknown): string {
  if (error instanceof SiphonError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
