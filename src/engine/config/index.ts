/**
 * The server's configuration: a zod schema with defaults, read from a YAML or JSON file, `SIPHON_*`
 * environment variables and flags, every problem named by its path and source.
 * @module
 */
export { CONFIG_ENV, loadConfig, parseConfigText, resolveConfig } from "./load.ts";
export type { ConfigFlags, ConfigHost, ConfigSources } from "./load.ts";
export type { ServerConfig, UserConfig } from "./schema.ts";
export { ConfigError } from "./errors.ts";
export type { ConfigErrorCode } from "./errors.ts";
