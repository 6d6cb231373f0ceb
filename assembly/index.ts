// The one Wasm module of siphon. Each layer's core lives in its own folder and is re-exported here;
// every export takes pointers and lengths into linear memory and returns a length or a negative error
// code. Memory is fixed at build time (asconfig.json: initialMemory == maximumMemory), so it never grows.
export * from "./sip/index";
export * from "./rtp/index";
export * from "./srtp/index";
export * from "./codec/index";
export * from "./auth/index";

/** ABI version, bumped when an export changes shape. */
export function siphon_abi(): u32 {
  return 1;
}

/** 1 when this build was compiled with the SIMD feature. */
export function siphon_simd(): u32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
