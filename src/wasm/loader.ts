import { embeddedBytes } from "../base64.ts";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "./binary.generated.ts";
import type { SiphonWasmExports } from "./exports.ts";

/** The instantiated Wasm core with views over its memory, made once. */
export interface WasmCore {
  readonly exports: SiphonWasmExports;
  /** Whether the SIMD build was chosen (the engine validated it). */
  readonly simd: boolean;
  /** Byte view of the whole linear memory. Valid for the life of the process: memory never grows. */
  readonly u8: Uint8Array;
  /** 32-bit view of the whole linear memory (index = byte offset >>> 2). */
  readonly u32: Uint32Array;
  /** DataView of the whole linear memory. */
  readonly view: DataView;
}

let core: WasmCore | undefined;

function instantiate(): WasmCore {
  const simdBytes = embeddedBytes(SIMD_WASM_BASE64, "siphon wasm core");
  const simd = WebAssembly.validate(simdBytes);
  const bytes = simd ? simdBytes : embeddedBytes(SCALAR_WASM_BASE64, "siphon wasm core");
  // Synchronous compile: the module is small and server runtimes allow it, so importing siphon
  // needs no top-level await. Its hot functions reach optimized code as soon as after an
  // asynchronous compile (bench/wasm-tier.mjs, on Node, Deno and Bun).
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`siphon wasm core aborted at ${line}:${col}`);
      },
    },
  });
  const exports = instance.exports as unknown as SiphonWasmExports;
  exports._start();
  const buffer = exports.memory.buffer;
  return {
    exports,
    simd,
    u8: new Uint8Array(buffer),
    u32: new Uint32Array(buffer),
    view: new DataView(buffer),
  };
}

/** The Wasm core, instantiated on first use and shared by every layer. */
export function wasmCore(): WasmCore {
  return (core ??= instantiate());
}
