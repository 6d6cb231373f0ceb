import { describe, expect, it } from "vitest";
import { detectRuntime } from "../../runtimes/detect.ts";
import { wasmCore } from "../../src/wasm/index.ts";

describe("wasm loader", () => {
  const runtime = detectRuntime();

  it(`instantiates once and picks SIMD when the engine validates it (on ${runtime})`, () => {
    const a = wasmCore();
    const b = wasmCore();
    expect(a).toBe(b);
    expect(a.exports.siphon_abi()).toBe(1);
    expect(a.exports.siphon_simd()).toBe(a.simd ? 1 : 0);
    expect(a.u8.buffer).toBe(a.exports.memory.buffer);
    // All three runtimes ship engines with Wasm SIMD.
    expect(a.simd).toBe(true);
    console.log(`wasm core on ${runtime}: ${a.simd ? "SIMD" : "scalar"} build, ${a.u8.length >> 20} MiB fixed memory`);
  });

  it("memory never grows: parsing keeps the views valid", async () => {
    const { parseMessage } = await import("../../src/sip/index.ts");
    const before = wasmCore().exports.memory.buffer.byteLength;
    for (let i = 0; i < 1000; i++) parseMessage(`OPTIONS sip:a@b SIP/2.0\r\nCall-ID: ${i}\r\n\r\n`).callId;
    expect(wasmCore().exports.memory.buffer.byteLength).toBe(before);
    expect(wasmCore().u8.byteLength).toBe(before);
  });

  it("the runtime detected is the one running the tests", () => {
    const g = globalThis as { Deno?: unknown; Bun?: unknown };
    expect(runtime).toBe(g.Deno ? "deno" : g.Bun ? "bun" : "node");
  });
});

describe("pooled randomness", () => {
  it("draws distinct bytes from 4 KiB blocks and calls the source once per block", async () => {
    const { pooledRandom, randomHex } = await import("../../src/random.ts");
    let calls = 0;
    const random = pooledRandom((n) => {
      calls++;
      return crypto.getRandomValues(new Uint8Array(n));
    });
    const seen = new Set<string>();
    for (let i = 0; i < 1024; i++) seen.add(randomHex(8, random));
    expect(seen.size).toBe(1024);
    expect(calls).toBe(2);
    expect(random(5000)).toHaveLength(5000);
    expect(randomHex(4)).toMatch(/^[0-9a-f]{8}$/);
  });

  it("RFC 3261 §19.3: default tags and branches are lower-case hex of fresh bytes, distinct across the 4 KiB blocks they are read from", async () => {
    const { randomHex } = await import("../../src/random.ts");
    const seen = new Set<string>();
    // 1200 draws of 8 bytes cross two block boundaries; no draw reuses bytes of another.
    for (let i = 0; i < 1200; i++) {
      const t = randomHex(8);
      expect(t).toMatch(/^[0-9a-f]{16}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(1200);
    expect(randomHex(5000)).toMatch(/^[0-9a-f]{10000}$/);
    expect(randomHex(0)).toBe("");
  });

  it("writes each byte as two lower-case hex digits, high nibble first, for short and long draws", async () => {
    const { randomHex } = await import("../../src/random.ts");
    const bytes = (n: number) => () => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 0x0f) & 0xff);
    const hex = (n: number) => Array.from(bytes(n)(), (b) => b.toString(16).padStart(2, "0")).join("");
    for (const n of [1, 8, 16, 17, 40]) expect(randomHex(n, bytes(n))).toBe(hex(n));
    expect(randomHex(3, () => new Uint8Array([0x00, 0xab, 0xff]))).toBe("00abff");
  });
});
