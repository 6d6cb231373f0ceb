import { describe, expect, it } from "vitest";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/wasm/binary.generated.ts";
import type { SiphonWasmExports } from "../../src/wasm/index.ts";
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AEAD_AES_256_GCM } from "../../src/srtp/abi.generated.ts";
import { RFC7714, hex, toHex } from "../vectors/srtp/vectors.ts";

function instantiate(b64: string): SiphonWasmExports {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  // Node, Deno and Bun all validate the SIMD build (test/wasm/loader.test.ts checks the loader picks it).
  expect(WebAssembly.validate(bytes)).toBe(true);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() { throw new Error("abort"); } } });
  const x = instance.exports as unknown as SiphonWasmExports;
  x._start();
  return x;
}

/** Runs one RFC 7714 §16 SRTP protect through a module's raw exports. */
function protectVector(x: SiphonWasmExports, profile: number, key: string): string {
  const u8 = new Uint8Array(x.memory.buffer);
  const u32 = new Uint32Array(x.memory.buffer);
  const k = x.srtp_keys();
  u8.fill(0, k, k + 256);
  u8.set(hex(key), k);
  u8.set(hex(RFC7714.salt), k + 32);
  u8.set(hex(key), k + 128);
  u8.set(hex(RFC7714.salt), k + 160);
  const slot = x.srtp_slots();
  expect(x.srtp_setup(slot, profile)).toBe(0);
  const pkt = hex(RFC7714.rtpPlain);
  const io = x.srtp_io();
  u8.set(pkt, io);
  const d = x.srtp_desc() >>> 2;
  u32[d] = io;
  u32[d + 1] = pkt.length;
  u32[d + 2] = 0;
  x.srtp_run(slot, 0, 1, 0);
  const n = u32[d + 3]!;
  return toHex(u8.slice(io, io + n));
}

describe("both Wasm builds", () => {
  const builds: [string, () => SiphonWasmExports, number][] = [
    ["SIMD", () => instantiate(SIMD_WASM_BASE64), 1],
    ["scalar", () => instantiate(SCALAR_WASM_BASE64), 0],
  ];
  for (const [name, make, simd] of builds) {
    it(`RFC 7714 §16: the ${name} build produces the RFC's SRTP packets`, () => {
      const x = make();
      expect(x.siphon_simd()).toBe(simd);
      expect(protectVector(x, PROFILE_AEAD_AES_128_GCM, RFC7714.key128)).toBe(toHex(hex(RFC7714.rtp128)));
      expect(protectVector(x, PROFILE_AEAD_AES_256_GCM, RFC7714.key256)).toBe(toHex(hex(RFC7714.rtp256)));
    });
  }
});
