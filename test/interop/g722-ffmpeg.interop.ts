// Interop: siphon's G.722 against FFmpeg's adpcm_g722 (Debian's `ffmpeg`), run live on fresh
// random input each time (the seed is in every failure message). Run by `npm run test:interop`;
// the fixtures of the same comparison run in the normal suite (test/codec/g722-ffmpeg.test.ts).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createG722Decoder, createG722Encoder } from "../../src/codec/index.ts";

function ffmpeg(args: string[], input: Uint8Array): Uint8Array {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", ...args], { input, maxBuffer: 1 << 26, timeout: 30_000 });
  expect(r.error, "ffmpeg must be installed (apt-get install ffmpeg)").toBeUndefined();
  expect(r.status, String(r.stderr)).toBe(0);
  return new Uint8Array(r.stdout);
}

const S16 = ["-f", "s16le", "-ar", "16000", "-ac", "1"];
const ffmpegEncode = (pcm: Int16Array) =>
  ffmpeg([...S16, "-i", "pipe:0", "-c:a", "g722", "-f", "g722", "pipe:1"], new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
const ffmpegDecode = (codes: Uint8Array) => {
  const b = ffmpeg(["-f", "g722", "-i", "pipe:0", ...S16, "pipe:1"], codes);
  return new Int16Array(b.buffer, b.byteOffset, b.byteLength >> 1);
};

/** xorshift32 from `seed`. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0) / 2 ** 32;
  };
}

/**
 * Three seconds of random material — tones, chirps, noise, silence — in 100 ms pieces. Peaks stay
 * at or below `peak`: at 20 000 or less, no transmit-QMF output can leave 15 bits (Σ|h| = 12 964 in
 * units of 2^-13), so the ITU's limiter, which FFmpeg lacks, never acts.
 */
function material(seed: number, peak: number): Int16Array {
  const r = prng(seed);
  const out = new Int16Array(48000);
  let phase = 0;
  for (let start = 0; start < out.length; start += 1600) {
    const kind = Math.floor(r() * 4);
    const amp = peak * r();
    const f0 = 50 + r() * 7900;
    const f1 = 50 + r() * 7900;
    for (let i = 0; i < 1600; i++) {
      const f = kind === 1 ? f0 + ((f1 - f0) * i) / 1600 : f0;
      phase += (2 * Math.PI * f) / 16000;
      const v = kind === 0 ? Math.sin(phase) : kind === 1 ? Math.sin(phase) : kind === 2 ? 2 * r() - 1 : 0;
      out[start + i] = Math.round(amp * v);
    }
  }
  return out;
}

/** Index of the first difference, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe("G.722 against FFmpeg, live", () => {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;

  it("ITU-T G.722: the encoder gives FFmpeg's octets for fresh random material, in random frame sizes", () => {
    const pcm = material(seed, 20000);
    const enc = createG722Encoder();
    const r = prng(seed ^ 0x5a5a5a5a);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < pcm.length; ) {
      const n = Math.min(pcm.length - i, 2 * (1 + Math.floor(r() * 400)));
      parts.push(enc.encode(pcm.subarray(i, i + n)));
      i += n;
    }
    enc.close();
    const ours = Uint8Array.from(parts.flatMap((p) => Array.from(p)));
    expect(firstDifference(ours, ffmpegEncode(pcm)), `seed ${seed}`).toBe(-1);
  });

  it("ITU-T G.722: the decoder gives FFmpeg's samples for FFmpeg's stream of full-scale material and for random octets", () => {
    const stream = ffmpegEncode(material(seed ^ 1, 32767));
    const random = new Uint8Array(16000);
    crypto.getRandomValues(random);
    for (const codes of [stream, random]) {
      const dec = createG722Decoder();
      const ours = new Int16Array(codes.length * 2);
      for (let i = 0; i < codes.length; i += 160) ours.set(dec.decode(codes.subarray(i, i + 160)), i * 2);
      dec.close();
      expect(firstDifference(ours, ffmpegDecode(codes)), `seed ${seed}`).toBe(-1);
    }
  });
});
