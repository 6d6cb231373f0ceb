import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/wasm/binary.generated.ts";
import type { SiphonWasmExports } from "../../src/wasm/index.ts";

function instantiate(b64: string): SiphonWasmExports {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { abort: () => { throw new Error("abort"); } },
  });
  const ex = inst.exports as unknown as SiphonWasmExports;
  ex._start();
  return ex;
}

function tokenize(ex: SiphonWasmExports, msg: Uint8Array): number[] {
  const u8 = new Uint8Array(ex.memory.buffer);
  u8.set(msg, ex.sip_input_ptr());
  const n = ex.sip_tokenize(msg.length, 256, 8192, 0);
  const base = ex.sip_tokens_ptr() >>> 2;
  const u32 = new Uint32Array(ex.memory.buffer);
  const size = n < 0 ? 16 : 24 + n * 8;
  return [n, ...u32.subarray(base, base + size)];
}

describe("the scalar and SIMD builds of the Wasm core agree", () => {
  const simd = instantiate(SIMD_WASM_BASE64);
  const scalar = instantiate(SCALAR_WASM_BASE64);

  it("the builds report what they are", () => {
    expect(simd.siphon_simd()).toBe(1);
    expect(scalar.siphon_simd()).toBe(0);
  });

  it("SIP tokenizer: identical token tables on every fixture and on mutated messages", () => {
    const inputs: Uint8Array[] = [];
    for (const dir of ["test/vectors/rfc4475", "test/vectors/rfc5118", "bench/corpus"]) {
      for (const f of readdirSync(dir)) if (/\.(dat|sip|txt)$/.test(f)) inputs.push(new Uint8Array(readFileSync(`${dir}/${f}`)));
    }
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const base = inputs.slice();
    for (let i = 0; i < 3000; i++) {
      const m = base[rnd(base.length)]!.slice();
      for (let k = 0; k < 4; k++) m[rnd(m.length)] = [0, 9, 10, 13, 32, 34, 44, 58, 59, 60, 62, 0x80, 0xff][rnd(13)]!;
      inputs.push(m);
    }
    for (const m of inputs) expect(tokenize(scalar, m)).toEqual(tokenize(simd, m));
    expect(inputs.length).toBeGreaterThan(3050);
  });
});
