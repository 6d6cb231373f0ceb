/**
 * The call engine: what `siphon serve` runs — registrar and location service, stateful proxy,
 * B2BUA with media anchoring, built-in services and their storage. Each part lives in its own
 * folder under `src/engine/` and is exported from here.
 */
export * from "./services/index.ts";
export * from "./b2bua/index.ts";
export * from "./registrar/index.ts";
export * from "./proxy/index.ts";
