import { describe, expect, it } from "vitest";
import { createAudioSource } from "../../src/engine/index.ts";
import { analyseTone, encodeWav, generateTone, MediaError, rms } from "../../src/media/index.ts";
import { thrown } from "../thrown.ts";

// The sources of the playback and park services: tones with a cadence, WAV files mixed down,
// resampled and looped.
describe("service audio sources", () => {
  it("ITU-T E.180 cadence: a 425 Hz tone 1 s on, 4 s off, read in pieces of any size", () => {
    const c = createAudioSource({ tone: { frequencies: [425], onMs: 1000, offMs: 4000 } }).open(8000, true);
    const out = new Int16Array(8000 * 6);
    for (let at = 0; at < out.length; at += 333) c.read(out.subarray(at, Math.min(out.length, at + 333)));
    expect(analyseTone(out.subarray(0, 8000), 8000, 425).snrDb).toBeGreaterThan(40);
    expect(rms(out.subarray(8000, 8000 * 5))).toBe(0);
    expect(analyseTone(out.subarray(8000 * 5, 8000 * 6), 8000, 425).snrDb).toBeGreaterThan(40);
  });

  it("a stereo 8 kHz WAV file is mixed down, resampled to 16 kHz, and ends (or loops)", () => {
    const mono = generateTone({ sampleRate: 8000, frequencies: [500], durationMs: 500 });
    const stereo = new Int16Array(mono.length * 2);
    for (let i = 0; i < mono.length; i++) stereo[2 * i] = stereo[2 * i + 1] = mono[i]!;
    const src = createAudioSource({ wav: encodeWav({ sampleRate: 8000, channels: 2, samples: stereo }) });
    expect(src.durationMs).toBe(500);
    const once = src.open(16000, false);
    const buf = new Int16Array(16000);
    expect(once.read(buf)).toBe(8000);
    expect(once.read(buf)).toBe(0);
    expect(analyseTone(buf.subarray(1000, 7000), 16000, 500).snrDb).toBeGreaterThan(30);
    const looped = src.open(16000, true);
    expect(looped.read(new Int16Array(20000))).toBe(20000);
  });

  it("a file that is not WAV is a MediaError when the source is made, not when a call comes", () => {
    const e = thrown(() => createAudioSource({ wav: new TextEncoder().encode("not a wav file at all") }));
    expect(e).toBeInstanceOf(MediaError);
    expect((e as MediaError).code).toBe("NOT_RIFF");
    expect((thrown(() => createAudioSource({ tone: { frequencies: [440], offMs: 100 } })) as MediaError).code).toBe("BAD_OPTION");
  });
});
