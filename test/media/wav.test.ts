import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from "../../src/codec/index.ts";
import {
  analyseTone,
  collectPcm,
  encodeWav,
  generateTone,
  MediaError,
  parseWav,
  pcmFrames,
  tryParseWav,
  wavSink,
  wavSize,
  wavSource,
  writeWav,
} from "../../src/media/index.ts";
import type { AudioFileWriter, WavAudio } from "../../src/media/index.ts";

const DIR = new URL("../vectors/media/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));

describe("WAV (RIFF WAVE)", () => {
  it("PCM16 round trip, mono and stereo, any rate; wavSize equals the bytes written", () => {
    for (const [rate, channels] of [[8000, 1], [44100, 2], [48000, 2], [7350, 1]] as const) {
      const samples = generateTone({ sampleRate: rate, frequencies: [440], durationMs: 15 * channels });
      const audio: WavAudio = { sampleRate: rate, channels, samples: samples.subarray(0, samples.length - (samples.length % channels)) };
      const bytes = encodeWav(audio);
      expect(bytes.length).toBe(wavSize(audio));
      expect(bytes.length).toBe(44 + audio.samples.length * 2);
      const back = parseWav(bytes);
      expect(back).toMatchObject({ sampleRate: rate, channels, encoding: "pcm16" });
      expect(Array.from(back.samples)).toEqual(Array.from(audio.samples));
    }
  });

  it("G.711 formats 6 (A-law) and 7 (μ-law) and 8-bit PCM round trip through their quantization", () => {
    const samples = generateTone({ sampleRate: 8000, frequencies: [1000], durationMs: 25 });
    expect(Array.from(parseWav(encodeWav({ sampleRate: 8000, channels: 1, samples, encoding: "alaw" })).samples)).toEqual(Array.from(decodeAlaw(encodeAlaw(samples))));
    expect(Array.from(parseWav(encodeWav({ sampleRate: 8000, channels: 1, samples, encoding: "ulaw" })).samples)).toEqual(Array.from(decodeUlaw(encodeUlaw(samples))));
    const odd = samples.subarray(0, 161);
    const pcm8 = encodeWav({ sampleRate: 8000, channels: 1, samples: odd, encoding: "pcm8" });
    // An odd data chunk is followed by a pad byte (RIFF word alignment).
    expect(pcm8.length).toBe(44 + 161 + 1);
    const back = parseWav(pcm8);
    expect(back.samples.length).toBe(161);
    for (let i = 0; i < 161; i++) expect(Math.abs(back.samples[i]! - odd[i]!)).toBeLessThan(256);
    const dst = new Uint8Array(wavSize({ sampleRate: 8000, channels: 1, samples: odd }) + 3);
    expect(writeWav({ sampleRate: 8000, channels: 1, samples: odd }, dst, 3)).toBe(dst.length - 3);
  });

  it("real files: FFmpeg PCM with a LIST chunk, FFmpeg A-law/μ-law with fact and LIST", () => {
    const s16 = parseWav(fixture("ffmpeg-s16le-8k-mono.wav"));
    expect(s16).toMatchObject({ sampleRate: 8000, channels: 1, encoding: "pcm16" });
    expect(s16.samples.length).toBe(80);
    const a = parseWav(fixture("ffmpeg-alaw-8k.wav"));
    const u = parseWav(fixture("ffmpeg-ulaw-8k.wav"));
    expect([a.encoding, u.encoding, a.samples.length, u.samples.length]).toEqual(["alaw", "ulaw", 80, 80]);
    for (const w of [s16, a, u]) {
      const t = analyseTone(w.samples, 8000, 1000);
      // FFmpeg's sine source is at 1/8 of full scale.
      expect(t.amplitude).toBeGreaterThan(3900);
      expect(t.amplitude).toBeLessThan(4300);
      expect(t.snrDb).toBeGreaterThan(30);
    }
  });

  it("real files: SoX WAVE_FORMAT_EXTENSIBLE (3 channels), 8-bit with an odd data chunk; 24-bit is UNSUPPORTED_FORMAT", () => {
    const ext = parseWav(fixture("sox-s16-16k-3ch-extensible.wav"));
    expect(ext).toMatchObject({ sampleRate: 16000, channels: 3, encoding: "pcm16" });
    expect(ext.samples.length).toBe(80 * 3);
    const left = ext.samples.filter((_, i) => i % 3 === 0);
    expect(analyseTone(left, 16000, 1000).snrDb).toBeGreaterThan(40);
    const u8 = parseWav(fixture("sox-u8-11k-mono-odd.wav"));
    expect(u8).toMatchObject({ sampleRate: 11025, channels: 1, encoding: "pcm8" });
    expect(u8.samples.length).toBe(55);
    const r = tryParseWav(fixture("sox-s24-8k-extensible.wav"));
    expect(r).toEqual({ ok: false, code: "UNSUPPORTED_FORMAT", offset: 12 });
  });

  it("odd-sized chunks before data are skipped with their pad byte; streaming and truncated data sizes", () => {
    const base = fixture("ffmpeg-s16le-8k-mono.wav");
    // Insert a 3-byte "junk" chunk and its pad byte after the fmt chunk.
    const junk = Uint8Array.of(0x6a, 0x75, 0x6e, 0x6b, 3, 0, 0, 0, 1, 2, 3, 0);
    const withJunk = new Uint8Array(base.length + junk.length);
    withJunk.set(base.subarray(0, 36));
    withJunk.set(junk, 36);
    withJunk.set(base.subarray(36), 36 + junk.length);
    expect(Array.from(parseWav(withJunk).samples)).toEqual(Array.from(parseWav(base).samples));
    // A recorder that never patched its header: data size 0xFFFFFFFF, or 0.
    const dataAt = base.length - 160 - 8;
    for (const size of [0xffffffff, 0]) {
      const streaming = base.slice();
      new DataView(streaming.buffer).setUint32(dataAt + 4, size, true);
      expect(parseWav(streaming).samples.length).toBe(80);
    }
    // A file cut short mid-sample keeps the whole samples there are.
    expect(parseWav(base.subarray(0, base.length - 51)).samples.length).toBe(54);
  });

  it("refuses what is not a WAV file with a typed failure and offset", () => {
    const ok = encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(4) });
    const bad = (mutate: (b: Uint8Array) => Uint8Array) => tryParseWav(mutate(ok.slice()));
    expect(bad((b) => b.subarray(0, 10))).toEqual({ ok: false, code: "TOO_SHORT", offset: 0 });
    expect(bad((b) => ((b[0] = 0x58), b))).toEqual({ ok: false, code: "NOT_RIFF", offset: 0 });
    expect(bad((b) => ((b[8] = 0x58), b))).toEqual({ ok: false, code: "NOT_WAVE", offset: 8 });
    expect(bad((b) => ((b[12] = 0x58), b))).toMatchObject({ ok: false, code: "NO_FORMAT" });
    expect(bad((b) => ((b[36] = 0x58), b))).toMatchObject({ ok: false, code: "NO_DATA" });
    expect(bad((b) => (new DataView(b.buffer).setUint32(16, 1000, true), b))).toEqual({ ok: false, code: "BAD_CHUNK", offset: 12 });
    expect(bad((b) => ((b[32] = 3), b))).toEqual({ ok: false, code: "BAD_FORMAT", offset: 12 });
    expect(() => parseWav(new Uint8Array(3))).toThrow(MediaError);
  });

  it("wavSource and wavSink through the file interfaces: a header patched with the sizes at the end", async () => {
    const tone = generateTone({ sampleRate: 16000, frequencies: [1000], durationMs: 100 });
    let file = new Uint8Array(0);
    let closed = false;
    const writer: AudioFileWriter = {
      async write(b) {
        const grown = new Uint8Array(file.length + b.length);
        grown.set(file);
        grown.set(b, file.length);
        file = grown;
      },
      async writeAt(pos, b) {
        file.set(b, pos);
      },
      async close() {
        closed = true;
      },
    };
    expect(await wavSink(pcmFrames(tone, { sampleRate: 16000 }), writer)).toBe(1600);
    expect(closed).toBe(true);
    expect(Array.from(parseWav(file).samples)).toEqual(Array.from(tone));
    const back = await collectPcm(wavSource({ read: async () => file }, { frameMs: 10 }));
    expect(Array.from(back)).toEqual(Array.from(tone));
    await expect(collectPcm(wavSource({ read: async () => new Uint8Array(5) }))).rejects.toBeInstanceOf(MediaError);
    await expect(collectPcm(wavSource({ read: () => Promise.reject(new Error("EACCES")) }))).rejects.toMatchObject({ code: "DEVICE_ERROR" });
  });
});
