import { describe, expect, it } from "vitest";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/wasm/binary.generated.ts";
import { fixtureBytes, fixtureSamples } from "../vectors/g722/vectors.ts";
import { decodeRaw, encodeRaw, instantiateCore } from "./g722-core.ts";

/** A reproducible full-scale signal: noise with bursts of square wave, where the QMF works hardest. */
function stress(n: number): Int16Array {
  const out = new Int16Array(n);
  let s = 0x2545f491;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (i >> 9) % 3 === 2 ? ((i >> 2) & 1 ? 32767 : -32768) : s >> 16;
  }
  return out;
}

describe("G.722: the SIMD and scalar builds of the Wasm core", () => {
  const simd = instantiateCore(SIMD_WASM_BASE64);
  const scalar = instantiateCore(SCALAR_WASM_BASE64);

  it("the builds report what they are", () => {
    expect(simd.siphon_simd()).toBe(1);
    expect(scalar.siphon_simd()).toBe(0);
  });

  it("ITU-T G.722 encoder: both builds encode the fixture and a full-scale signal to the same octets (QMF sums identical)", () => {
    for (const pcm of [fixtureSamples("input.s16le"), stress(48000)]) {
      for (const mode of [1, 3]) {
        const a = encodeRaw(simd, pcm, 320, mode);
        expect(a).toEqual(encodeRaw(scalar, pcm, 320, mode));
        expect(a.some((b) => b !== 0)).toBe(true);
      }
    }
  });

  it("ITU-T G.722 decoder: both builds decode the same octets to the same samples in every mode", () => {
    const codes = [fixtureBytes("ffmpeg-encoded.g722"), fixtureBytes("random.g722"), encodeRaw(simd, stress(48000), 320)];
    for (const c of codes) {
      for (const mode of [1, 2, 3]) expect(decodeRaw(simd, c, 160, mode)).toEqual(decodeRaw(scalar, c, 160, mode));
    }
  });
});
