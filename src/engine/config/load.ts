/**
 * Where the configuration comes from, lowest precedence first: the defaults, a file (YAML, or
 * JSON, which YAML reads too), environment variables (`SIPHON_*`), then flags. Every problem is
 * reported at once, each as `path (from where): what is wrong`.
 */
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors.ts";
import { configSchema } from "./schema.ts";
import type { ServerConfig } from "./schema.ts";

/** The flags of `siphon serve` that set configuration values. */
export interface ConfigFlags {
  host?: string;
  port?: number | string;
  wsPort?: number | string;
  httpPort?: number | string;
  data?: string;
  /** `NAME:PASSWORD`, each adding a user. */
  users?: readonly string[];
}

/** Inputs of {@link resolveConfig}. */
export interface ConfigSources {
  /** A configuration file's text and its path (the extension is not needed: JSON is YAML). */
  file?: { path: string; text: string };
  /** Environment lookup. */
  env?: (name: string) => string | undefined;
  flags?: ConfigFlags;
}

/** The environment variables read, and the configuration path each sets. */
export const CONFIG_ENV: Readonly<Record<string, string>> = {
  SIPHON_HOST: "host",
  SIPHON_REALM: "realm",
  SIPHON_PORT: "sip.port",
  SIPHON_WS_PORT: "sip.wsPort",
  SIPHON_HTTP_PORT: "http.port",
  SIPHON_DATA: "data",
  SIPHON_STORAGE: "storage.kind",
  SIPHON_LOG_LEVEL: "log.level",
  SIPHON_LOG_FORMAT: "log.format",
  SIPHON_USERS: "users",
};

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Sets `path` (dotted) in `raw`, making the objects on the way. */
function setPath(raw: Raw, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = raw;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(at[p])) at[p] = {};
    at = at[p] as Raw;
  }
  at[parts[parts.length - 1]!] = value;
}

/** A port or count written as text (env, flags): a number when it is digits, else left for the schema to refuse. */
function numeric(v: unknown): unknown {
  if (typeof v === "string" && /^\d+$/.test(v.trim())) return Number(v.trim());
  if (typeof v === "string" && /^(off|none|null)$/i.test(v.trim())) return null;
  return v;
}

/** `NAME:PASSWORD` to a user, or a problem. */
function userFlag(text: string): { username: string; password: string } | string {
  const i = text.indexOf(":");
  if (i <= 0 || i === text.length - 1) return `"${text}" is not NAME:PASSWORD`;
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}

/** `users[1].password` from zod's path. */
function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s === "" ? "(top level)" : s;
}

/** Parses a configuration file's text: YAML (JSON included). Throws ConfigError BAD_FILE. */
export function parseConfigText(text: string, path: string): unknown {
  try {
    const v = parseYaml(text) as unknown;
    return v ?? {};
  } catch (e) {
    throw new ConfigError("BAD_FILE", `${path}: not valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`, { cause: e });
  }
}

/**
 * Merges the sources over the defaults and validates the result. Throws {@link ConfigError}
 * BAD_CONFIG listing every problem (`sip.port (from --port): Too big: expected number to be <=65535`).
 */
export function resolveConfig(sources: ConfigSources = {}): ServerConfig {
  const origin = new Map<string, string>();
  const problems: string[] = [];
  let raw: Raw = {};
  if (sources.file !== undefined) {
    const v = parseConfigText(sources.file.text, sources.file.path);
    if (!isObject(v)) throw new ConfigError("BAD_CONFIG", `${sources.file.path}: the top level must be a mapping of keys to values`);
    raw = structuredClone(v);
  }
  const fromFile = sources.file?.path;
  const portGiven = isObject(raw["sip"]) && (raw["sip"] as Raw)["port"] !== undefined;
  let portExplicit = portGiven;
  const extraUsers: unknown[] = [];

  const env = sources.env;
  if (env !== undefined) {
    for (const [name, path] of Object.entries(CONFIG_ENV)) {
      const v = env(name);
      if (v === undefined || v === "") continue;
      origin.set(path, `$${name}`);
      if (path === "users") {
        for (const u of v.split(",")) {
          const parsed = userFlag(u.trim());
          if (typeof parsed === "string") problems.push(`users (from $${name}): ${parsed}`);
          else extraUsers.push(parsed);
        }
        continue;
      }
      if (path === "sip.port") portExplicit = true;
      setPath(raw, path, /[Pp]ort$/.test(path) ? numeric(v) : v);
    }
  }

  const f = sources.flags ?? {};
  const flag = (name: string, path: string, value: unknown, asNumber = false) => {
    if (value === undefined) return;
    origin.set(path, `--${name}`);
    setPath(raw, path, asNumber ? numeric(value) : value);
  };
  flag("host", "host", f.host);
  flag("port", "sip.port", f.port, true);
  flag("ws-port", "sip.wsPort", f.wsPort, true);
  flag("http-port", "http.port", f.httpPort, true);
  flag("data", "data", f.data);
  if (f.port !== undefined) portExplicit = true;
  for (const u of f.users ?? []) {
    const parsed = userFlag(u);
    if (typeof parsed === "string") problems.push(`users (from --user): ${parsed}`);
    else extraUsers.push(parsed);
  }
  if (extraUsers.length > 0) {
    const listed = Array.isArray(raw["users"]) ? (raw["users"] as unknown[]) : [];
    // A user given again on the command line or in the environment replaces the file's.
    const names = new Set(extraUsers.map((u) => (u as { username: string }).username));
    raw["users"] = [...listed.filter((u) => !(isObject(u) && names.has(u["username"] as string))), ...extraUsers];
  }
  // An explicit port is a promise to the operator: never move away from it.
  if (portExplicit) {
    const sip = isObject(raw["sip"]) ? (raw["sip"] as Raw) : {};
    if (sip["nextFreePort"] === undefined) setPath(raw, "sip.nextFreePort", false);
  }

  const r = configSchema.safeParse(raw);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const path = formatPath(issue.path);
      const key = issue.path.filter((p) => typeof p === "string").join(".");
      const from = origin.get(key) ?? fromFile;
      problems.push(`${path}${from !== undefined ? ` (from ${from})` : ""}: ${issue.message}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError("BAD_CONFIG", `invalid configuration:\n  ${problems.join("\n  ")}`, { problems });
  }
  return (r as { data: ServerConfig }).data;
}

/** What {@link loadConfig} reads files and the environment with (a `ServerRuntime` fits). */
export interface ConfigHost {
  readTextFile(path: string): Promise<string>;
  env(name: string): string | undefined;
}

/**
 * Reads the file (when given), the environment and the flags into a validated configuration.
 * Throws {@link ConfigError}: BAD_FILE when the file cannot be read or parsed, BAD_CONFIG otherwise.
 */
export async function loadConfig(host: ConfigHost, options: { file?: string; flags?: ConfigFlags } = {}): Promise<ServerConfig> {
  let file: ConfigSources["file"];
  if (options.file !== undefined) {
    try {
      file = { path: options.file, text: await host.readTextFile(options.file) };
    } catch (e) {
      throw new ConfigError("BAD_FILE", `${options.file}: cannot read: ${(e as Error).message}`, { cause: e });
    }
  }
  return resolveConfig({ ...(file ? { file } : {}), env: (n) => host.env(n), ...(options.flags ? { flags: options.flags } : {}) });
}
