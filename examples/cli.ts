/**
 * Command-line flags of the examples, read from a table: `--name value` for values (the last one
 * wins), repeated or comma-separated values collected for lists, and bare switches. Unknown flags
 * and missing values are errors, so a typo never starts a server with defaults it did not ask for.
 */
export type FlagKind = "value" | "list" | "switch";

/** What each flag is. */
export type FlagTable = Readonly<Record<string, FlagKind>>;

/** The flags found: a string per value, an array per list, true per switch given. */
export type Flags = Record<string, string | string[] | true>;

/** Reads `argv` (without the program and script names) against `table`. Throws on a bad flag. */
export function readFlags(argv: readonly string[], table: FlagTable): Flags {
  const out: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const kind = name === undefined ? undefined : table[name];
    if (name === undefined || kind === undefined) throw new Error(`unknown flag ${arg}`);
    if (kind === "switch") {
      out[name] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value`);
    if (kind === "value") out[name] = value;
    else {
      const list = (out[name] as string[] | undefined) ?? [];
      for (const v of value.split(",")) if (v.trim() !== "") list.push(v.trim());
      out[name] = list;
    }
  }
  return out;
}

/** A flag's value as an integer in [min, max], or `fallback` when absent. Throws when out of range. */
export function intFlag(flags: Flags, name: string, fallback: number, min: number, max: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer ${min}..${max}`);
  return n;
}
