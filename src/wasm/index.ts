/** The Wasm core shared by the layers (internal to siphon: not a package entry point). */
export { wasmCore } from "./loader.ts";
export type { WasmCore } from "./loader.ts";
export type { SiphonWasmExports } from "./exports.ts";
