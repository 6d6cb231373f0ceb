/**
 * Structured logs with levels: each entry is a level, a message and fields, written as one line of
 * text (`12:00:00.123 INFO  registered aor=sip:alice@… contact=…`) or one JSON object (for a log
 * collector). The sink is a function, so tests read entries and the CLI writes to stderr.
 */

/** Log levels, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields of an entry: values print as text, or as JSON values in the `json` format. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined | null>>;

/** A structured logger. */
export interface Logger {
  readonly level: LogLevel;
  /** Whether entries of `level` are written (skip building costly fields otherwise). */
  enabled(level: LogLevel): boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  format?: "text" | "json";
  /** Where lines go (without a trailing newline). */
  write: (line: string) => void;
  /** Wall-clock milliseconds for the timestamp. */
  clock: () => number;
}

function textValue(v: string | number | boolean | null): string {
  const s = String(v);
  return /[\s"=]/.test(s) || s === "" ? JSON.stringify(s) : s;
}

/** Makes a logger writing lines of the given format at or above the given level. */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? "info";
  const min = RANK[level];
  const json = options.format === "json";
  const entry = (l: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[l] < min) return;
    const time = new Date(options.clock()).toISOString();
    if (json) {
      const o: Record<string, unknown> = { time, level: l, msg: message };
      for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) o[k] = v;
      options.write(JSON.stringify(o));
      return;
    }
    let line = `${time.slice(11, 23)} ${l.toUpperCase().padEnd(5)} ${message}`;
    for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) line += ` ${k}=${textValue(v)}`;
    options.write(line);
  };
  return {
    level,
    enabled: (l) => RANK[l] >= min,
    debug: (m, f) => entry("debug", m, f),
    info: (m, f) => entry("info", m, f),
    warn: (m, f) => entry("warn", m, f),
    error: (m, f) => entry("error", m, f),
  };
}
