import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CodecError,
  decodeAlaw,
  decodeG711,
  decodeUlaw,
  encodeAlaw,
  encodeG711,
  writeG711,
  encodeUlaw,
} from "../../src/codec/index.ts";
import { g711DecodeAt, g711EncodeAt, g711Scratch } from "../../src/codec/g711.ts";
import { thrown } from "../thrown.ts";
import { ULAW_DECODE } from "../vectors/g711/ulaw-decode.ts";
import { ALAW_DECODE } from "../vectors/g711/alaw-decode.ts";

// Reference G.711 quantisers written from the algorithm of ITU-T G.191's g711 module (the ITU's
// software reference for G.711): loops over segments, no bit tricks, so that they check the Wasm
// core's clz-based code independently.
function refUlaw(x: number): number {
  const absno = x < 0 ? ((~x) >> 2) + 33 : (x >> 2) + 33;
  const a = absno > 0x1fff ? 0x1fff : absno;
  let i = a >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const high = 8 - segno;
  const low = 15 - ((a >> segno) & 15);
  let out = (high << 4) | low;
  if (x >= 0) out |= 0x80;
  return out;
}

function refAlaw(x: number): number {
  let ix = x < 0 ? (~x) >> 4 : x >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

const ALL = new Int16Array(65536).map((_, i) => i - 32768);

describe("G.711 (ITU-T G.711, bit-exact with the G.191 reference)", () => {
  it("ITU-T G.711 μ-law: encode of all 65536 16-bit inputs matches the reference algorithm", () => {
    const got = encodeUlaw(ALL);
    let bad = 0;
    for (let i = 0; i < 65536; i++) if (got[i] !== refUlaw(ALL[i]!)) bad++;
    expect(bad).toBe(0);
  });

  it("ITU-T G.711 A-law: encode of all 65536 16-bit inputs matches the reference algorithm", () => {
    const got = encodeAlaw(ALL);
    let bad = 0;
    for (let i = 0; i < 65536; i++) if (got[i] !== refAlaw(ALL[i]!)) bad++;
    expect(bad).toBe(0);
  });

  it("ITU-T G.711 μ-law: all 256 code words decode to the published table", () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(decodeUlaw(codes))).toEqual(ULAW_DECODE);
  });

  it("ITU-T G.711 A-law: all 256 code words decode to the published table", () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(decodeAlaw(codes))).toEqual(ALAW_DECODE);
  });

  it("ITU-T G.711: well-known code points (silence 0xFF / 0xD5, full scale, -1 in one's complement)", () => {
    expect(Array.from(encodeUlaw(Int16Array.of(0, -1, 32767, -32768, 128, -128)))).toEqual([0xff, 0x7f, 0x80, 0x00, 0xef, 0x6f]);
    expect(Array.from(encodeAlaw(Int16Array.of(0, -1, 32767, -32768, 128, -128)))).toEqual([0xd5, 0x55, 0xaa, 0x2a, 0xdd, 0x52]);
  });

  it("ITU-T G.711: decode -> encode is the identity on code words (except μ-law's -0 0x7F -> +0 0xFF)", () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const u = encodeUlaw(decodeUlaw(codes));
    for (let c = 0; c < 256; c++) expect(u[c]).toBe(c === 0x7f ? 0xff : c);
    expect(encodeAlaw(decodeAlaw(codes))).toEqual(codes);
  });

  it("writeG711 writes the code words at an offset and nothing around them; writeX size equals what it wrote", () => {
    for (const law of ["ulaw", "alaw"] as const) {
      for (const n of [0, 160, g711Scratch().capacity + 5]) {
        const pcm = new Int16Array(n).map((_, i) => ((i * 7919) % 65536) - 32768);
        const dst = new Uint8Array(n + 22).fill(0xa5);
        expect(writeG711(law, pcm, dst, 12)).toBe(n);
        expect([...dst.subarray(12, 12 + n)]).toEqual([...encodeG711(law, pcm)]);
        expect(dst.subarray(0, 12).every((b) => b === 0xa5) && dst.subarray(12 + n).every((b) => b === 0xa5)).toBe(true);
      }
      expect(() => writeG711(law, new Int16Array(10), new Uint8Array(20), 11)).toThrow(CodecError);
    }
  });

  it("buffers longer than the Wasm scratch region are processed in chunks", () => {
    const n = g711Scratch().capacity * 2 + 17;
    const pcm = new Int16Array(n).map((_, i) => ((i * 7919) % 65536) - 32768);
    const u = encodeG711("ulaw", pcm);
    for (let i = 0; i < n; i += 997) expect(u[i]).toBe(refUlaw(pcm[i]!));
    const back = decodeG711("ulaw", u);
    for (let i = 0; i < n; i += 997) expect(back[i]).toBe(ULAW_DECODE[u[i]!]);
  });

  it("in place over Wasm memory (internal engine helpers): scratch regions and pointer-level calls", () => {
    const s = g711Scratch();
    s.pcm.set(Int16Array.of(0, 1000, -1000));
    expect(s.encode("alaw", 3)).toBe(3);
    expect(Array.from(s.bytes.subarray(0, 3))).toEqual([0, 1000, -1000].map(refAlaw));
    expect(s.decode("alaw", 3)).toBe(3);
    expect(Array.from(s.pcm.subarray(0, 3))).toEqual([0, 1000, -1000].map((x) => ALAW_DECODE[refAlaw(x)]));
    // Decode in place: bytes and samples share one region (dst == src).
    const ptr = s.bytes.byteOffset;
    s.bytes.set(Uint8Array.of(0x00, 0x80, 0xff, 0x7f));
    g711DecodeAt("ulaw", ptr, 4, ptr);
    expect(Array.from(new Int16Array(s.bytes.buffer, ptr, 4))).toEqual([-32124, 32124, 0, 0]);
    // Encode in place (2-byte samples -> 1-byte codes, front to back).
    new Int16Array(s.bytes.buffer, ptr, 4).set(Int16Array.of(0, -1, 32767, -32768));
    g711EncodeAt("ulaw", ptr, 4, ptr);
    expect(Array.from(s.bytes.subarray(0, 4))).toEqual([0xff, 0x7f, 0x80, 0x00]);
    expect(() => s.encode("ulaw", s.capacity + 1)).toThrow(CodecError);
  });

  it("any samples encode like the reference; any bytes decode like the table (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }), (xs) => {
        const pcm = Int16Array.from(xs);
        expect(Array.from(encodeAlaw(pcm))).toEqual(xs.map(refAlaw));
        expect(Array.from(encodeUlaw(pcm))).toEqual(xs.map(refUlaw));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        expect(Array.from(decodeAlaw(b))).toEqual(Array.from(b, (c) => ALAW_DECODE[c]));
      }),
      { numRuns: 300 },
    );
  });

  it("a too-small destination is a CodecError", () => {
    expect(() => encodeUlaw(new Int16Array(4), new Uint8Array(3))).toThrow(CodecError);
    expect(thrown(() => encodeUlaw(new Int16Array(4), new Uint8Array(3)))).toMatchObject({ code: "TOO_LONG" });
    expect(() => decodeUlaw(new Uint8Array(4), new Int16Array(3))).toThrow(CodecError);
  });
});
