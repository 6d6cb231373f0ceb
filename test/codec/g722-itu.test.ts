import { describe, expect, it } from "vitest";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/wasm/binary.generated.ts";
import type { SiphonWasmExports } from "../../src/wasm/index.ts";
import { crc32, ITU_BINARY_CRC32, ituBinary, ituWords, isReset } from "../vectors/g722/vectors.ts";
import { instantiateCore } from "./g722-core.ts";

// ITU-T G.722 Appendix II: digital test sequences for the SB-ADPCM coder with the QMF bypassed.
// Input words (.XMT) hold a 15-bit sample in their top 15 bits, fed to both sub-band encoders;
// code words (.COD) hold the octet in their top byte; decoder outputs (.RC0 higher band, .RCn lower
// band in mode n) hold the reconstructed 15-bit signal shifted left by one. A word whose least
// significant bit is set is a reset (RSS): the coder resets, and the expected output is 0x0001.
// Sequence 2 (800 words) is the one kept here (see test/vectors/g722/README.md).

/** Runs the encoder over an input sequence; returns the output words. */
function encodeSequence(x: SiphonWasmExports, slot: number, input: Uint16Array): Uint16Array {
  const view = new DataView(x.memory.buffer);
  const pcm = x.g722_pcm_buf();
  const code = x.g722_code_buf();
  expect(x.g722_init(slot, 1)).toBe(0);
  return input.map((w) => {
    if (isReset(w)) {
      expect(x.g722_reset(slot)).toBe(0);
      return 1;
    }
    const sample = ((w << 16) >> 16) >> 1;
    view.setInt16(pcm, sample, true);
    view.setInt16(pcm + 2, sample, true);
    expect(x.g722_encode_bands(slot, pcm, pcm + 2, 1, code)).toBe(1);
    return view.getUint8(code) << 8;
  });
}

/** Runs the decoder in `mode` over a code sequence; returns the lower- and higher-band words. */
function decodeSequence(x: SiphonWasmExports, slot: number, codes: Uint16Array, mode: number): [Uint16Array, Uint16Array] {
  const view = new DataView(x.memory.buffer);
  const pcm = x.g722_pcm_buf();
  const code = x.g722_code_buf();
  expect(x.g722_init(slot, mode)).toBe(0);
  const low = new Uint16Array(codes.length);
  const high = new Uint16Array(codes.length);
  codes.forEach((w, i) => {
    if (isReset(w)) {
      expect(x.g722_reset(slot)).toBe(0);
      low[i] = high[i] = 1;
      return;
    }
    view.setUint8(code, w >> 8);
    expect(x.g722_decode_bands(slot, code, 1, pcm, pcm + 2)).toBe(1);
    low[i] = view.getInt16(pcm, true) << 1;
    high[i] = view.getInt16(pcm + 2, true) << 1;
  });
  return [low, high];
}

/** Index of the first difference, or -1. */
function firstDifference(a: Uint16Array, b: Uint16Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((v, i) => v !== b[i]);
}

describe("ITU-T G.722 Appendix II digital test sequences", () => {
  it("App. II: the sequences kept in ITU's ASCII form are the binary files ITU lists (CRC-32, size)", () => {
    for (const [name, [crc, bytes]] of Object.entries(ITU_BINARY_CRC32)) {
      const bin = ituBinary(ituWords(name));
      expect(bin.length, name).toBe(bytes);
      expect(crc32(bin).toString(16), name).toBe(crc.toString(16));
    }
  });

  const builds: [string, string][] = [
    ["SIMD", SIMD_WASM_BASE64],
    ["scalar", SCALAR_WASM_BASE64],
  ];
  for (const [build, b64] of builds) {
    it(`App. II, sequence 2 (${build} build): the encoder turns T1C2.XMT into T2R2.COD word for word`, () => {
      const x = instantiateCore(b64);
      const got = encodeSequence(x, 0, ituWords("T1C2.XMT"));
      expect(firstDifference(got, ituWords("T2R2.COD"))).toBe(-1);
    });

    for (const mode of [1, 2, 3]) {
      it(`App. II, sequence 2 (${build} build): the mode ${mode} decoder turns T2R2.COD into T3L2.RC${mode} and T3H2.RC0`, () => {
        const x = instantiateCore(b64);
        const [low, high] = decodeSequence(x, 3, ituWords("T2R2.COD"), mode);
        expect(firstDifference(low, ituWords(`T3L2.RC${mode}`))).toBe(-1);
        expect(firstDifference(high, ituWords("T3H2.RC0"))).toBe(-1);
      });
    }
  }

  it("App. II: a decoder in the wrong mode does not reproduce another mode's lower band (the comparison can fail)", () => {
    const x = instantiateCore(SIMD_WASM_BASE64);
    const [low] = decodeSequence(x, 0, ituWords("T2R2.COD"), 3);
    expect(firstDifference(low, ituWords("T3L2.RC1"))).toBeGreaterThan(0);
  });
});
