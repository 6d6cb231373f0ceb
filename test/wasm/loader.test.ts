import { describe, expect, it } from "vitest";
import { wasmCore } from "../../src/wasm/index.ts";

describe("wasm loader", () => {
  it("instantiates once and picks SIMD when the engine validates it", () => {
    const a = wasmCore();
    const b = wasmCore();
    expect(a).toBe(b);
    expect(a.exports.siphon_abi()).toBe(1);
    expect(a.exports.siphon_simd()).toBe(a.simd ? 1 : 0);
    expect(a.u8.buffer).toBe(a.exports.memory.buffer);
  });
});
