import { describe, expect, it } from "vitest";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/wasm/binary.generated.ts";
import type { SiphonWasmExports } from "../../src/wasm/index.ts";
import { RFC7714, hex, toHex } from "../vectors/srtp/vectors.ts";

function instantiate(b64: string): SiphonWasmExports | undefined {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (!WebAssembly.validate(bytes)) return undefined;
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
  it("RFC 7714 §16: the SIMD and the scalar build produce the same SRTP packets", () => {
    const builds = [instantiate(SIMD_WASM_BASE64), instantiate(SCALAR_WASM_BASE64)].filter((x) => x !== undefined);
    expect(builds.length).toBeGreaterThanOrEqual(1);
    for (const x of builds) {
      expect(protectVector(x, 7, RFC7714.key128)).toBe(toHex(hex(RFC7714.rtp128)));
      expect(protectVector(x, 8, RFC7714.key256)).toBe(toHex(hex(RFC7714.rtp256)));
    }
  });
});
