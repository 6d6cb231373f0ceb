import { expect } from "vitest";
import type { SiphonWasmExports } from "../../src/wasm/index.ts";

/** A fresh instance of one build of the Wasm core (its own memory, so its G.722 slots are free). */
export function instantiateCore(b64: string): SiphonWasmExports {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  expect(WebAssembly.validate(bytes)).toBe(true);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error("abort"); } } });
  const x = instance.exports as unknown as SiphonWasmExports;
  x._start();
  return x;
}

/** Encodes `pcm` in frames of `frame` samples through slot 0 of a raw core instance. */
export function encodeRaw(x: SiphonWasmExports, pcm: Int16Array, frame: number, mode = 1): Uint8Array {
  expect(x.g722_init(0, mode)).toBe(0);
  const out = new Uint8Array(pcm.length >> 1);
  const src = x.g722_pcm_buf();
  const dst = x.g722_code_buf();
  for (let i = 0; i < pcm.length; i += frame) {
    const n = Math.min(frame, pcm.length - i);
    new Int16Array(x.memory.buffer, src, n).set(pcm.subarray(i, i + n));
    expect(x.g722_encode(0, src, n, dst)).toBe(n >> 1);
    out.set(new Uint8Array(x.memory.buffer, dst, n >> 1), i >> 1);
  }
  return out;
}

/** Decodes `codes` in frames of `frame` octets through slot 1 of a raw core instance. */
export function decodeRaw(x: SiphonWasmExports, codes: Uint8Array, frame: number, mode = 1): Int16Array {
  expect(x.g722_init(1, mode)).toBe(0);
  const out = new Int16Array(codes.length * 2);
  const src = x.g722_code_buf();
  const dst = x.g722_pcm_buf();
  for (let i = 0; i < codes.length; i += frame) {
    const n = Math.min(frame, codes.length - i);
    new Uint8Array(x.memory.buffer, src, n).set(codes.subarray(i, i + n));
    expect(x.g722_decode(1, src, n, dst)).toBe(n * 2);
    out.set(new Int16Array(x.memory.buffer, dst, n * 2), i * 2);
  }
  return out;
}
