export { wasmCore } from "./loader.ts";
export type { WasmCore } from "./loader.ts";
export type { SiphonWasmExports } from "./exports.ts";
