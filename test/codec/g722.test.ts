import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError, createG722Decoder, createG722Encoder, G722_CLOCK_RATE, G722_MAX_STATES, G722_SAMPLE_RATE } from "../../src/codec/index.ts";
import type { G722Bitrate, G722Encoder } from "../../src/codec/index.ts";
import { analyseTone, AudioPlayout, concatPcm, createG722PlayoutDecoder, detectFrequency, ToneGenerator } from "../../src/media/index.ts";
import { wasmCore } from "../../src/wasm/index.ts";
import { thrown } from "../thrown.ts";

/** One second of a tone at −10 dBm0 (peak ≈ 7180) through a 64 kbit/s encoder and a decoder in `bitrate`. */
function roundTrip(frequency: number, bitrate: G722Bitrate = 64000): Int16Array {
  const tone = new ToneGenerator({ sampleRate: G722_SAMPLE_RATE, frequencies: [frequency], levelDbm0: -10 });
  const enc = createG722Encoder();
  const dec = createG722Decoder({ bitrate });
  const out: Int16Array[] = [];
  for (let i = 0; i < 50; i++) out.push(dec.decode(enc.encode(tone.next(320))));
  enc.close();
  dec.close();
  return concatPcm(out);
}

/** Reproducible speech-band noise. */
function noise(n: number, seed = 1): Int16Array {
  const out = new Int16Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 17) - 16384;
  }
  return out;
}

describe("G.722 tone round trip (RFC 3551 §4.5.2, ITU-T G.722)", () => {
  // SNR measured: 1 kHz 47.1 / 41.3 / 35.2 dB in modes 1 / 2 / 3; 5 kHz (higher band, 2 bits) 22.2 dB.
  const cases: [number, G722Bitrate, number][] = [
    [1000, 64000, 44],
    [1000, 56000, 38],
    [1000, 48000, 32],
    [5000, 64000, 20],
  ];
  for (const [frequency, bitrate, minSnr] of cases) {
    it(`a ${frequency} Hz tone at 16 kHz survives at ${bitrate / 1000} kbit/s (frequency, level, SNR > ${minSnr} dB)`, () => {
      const out = roundTrip(frequency, bitrate);
      expect(out.length).toBe(16000);
      // After the ADPCM's start-up (100 ms).
      const steady = out.subarray(1600);
      expect(Math.abs(detectFrequency(steady, G722_SAMPLE_RATE) - frequency)).toBeLessThan(0.05);
      const a = analyseTone(steady, G722_SAMPLE_RATE, frequency);
      expect(Math.abs(a.amplitude / 7180 - 1)).toBeLessThan(0.01);
      expect(a.snrDb).toBeGreaterThan(minSnr);
    });
  }

  it("ITU-T G.722 modes: each bit dropped from the lower band costs SNR (64 > 56 > 48 kbit/s)", () => {
    const snr = ([64000, 56000, 48000] as const).map((b) => analyseTone(roundTrip(1000, b).subarray(1600), G722_SAMPLE_RATE, 1000).snrDb);
    expect(snr[0]).toBeGreaterThan(snr[1]! + 3);
    expect(snr[1]).toBeGreaterThan(snr[2]! + 3);
  });
});

describe("G.722 encoder and decoder", () => {
  it("RFC 3551 §4.5.2: 16 kHz audio, an 8 kHz RTP clock; 20 ms is 320 samples in 160 octets", () => {
    const enc = createG722Encoder();
    expect([enc.sampleRate, enc.clockRate, G722_SAMPLE_RATE, G722_CLOCK_RATE]).toEqual([16000, 8000, 16000, 8000]);
    expect(enc.bitrate).toBe(64000);
    expect(enc.encode(new Int16Array(320)).length).toBe(160);
    enc.close();
  });

  it("the state carries across calls: any framing on pair boundaries gives the one-call stream", () => {
    const pcm = noise(40000);
    const whole = createG722Encoder();
    const expected = whole.encode(pcm); // over the core's capacity: several core calls
    whole.close();
    const framed = createG722Encoder();
    const parts: Uint8Array[] = [];
    for (let i = 0, step = 2; i < pcm.length; i += step, step = (step * 7) % 998 + 2) parts.push(framed.encode(pcm.subarray(i, i + step)));
    framed.close();
    expect(Uint8Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(expected);

    const dec1 = createG722Decoder();
    const dec2 = createG722Decoder();
    const out = dec1.decode(expected);
    const pieces: Int16Array[] = [];
    for (let i = 0; i < expected.length; i += 333) pieces.push(dec2.decode(expected.subarray(i, i + 333)));
    expect(concatPcm(pieces)).toEqual(out);
    dec1.close();
    dec2.close();
  });

  it("writes into a caller's buffer and returns the view of what it wrote", () => {
    const pcm = noise(320, 7);
    const enc = createG722Encoder();
    const buf = new Uint8Array(200).fill(0xee);
    const got = enc.encode(pcm, buf);
    expect(got.buffer).toBe(buf.buffer);
    expect(got.length).toBe(160);
    expect(buf[160]).toBe(0xee);
    const dec = createG722Decoder();
    const samples = new Int16Array(400);
    const pcmOut = dec.decode(got, samples);
    expect(pcmOut.buffer).toBe(samples.buffer);
    expect(pcmOut.length).toBe(320);
    enc.close();
    dec.close();
  });

  it("reset() returns to the initial state: the stream restarts as a new encoder's", () => {
    const pcm = noise(640, 3);
    const a = createG722Encoder();
    const first = a.encode(pcm);
    a.encode(noise(320, 9));
    a.reset();
    expect(a.encode(pcm)).toEqual(first);
    a.close();
  });

  it("ITU-T G.722 modes 2 and 3: the encoder leaves the auxiliary data bits zero; the codes are mode 1's otherwise", () => {
    const pcm = noise(3200, 5);
    const streams = ([64000, 56000, 48000] as const).map((bitrate) => {
      const enc = createG722Encoder({ bitrate });
      const out = enc.encode(pcm);
      enc.close();
      return out;
    });
    expect(streams[0]!.some((b) => (b & 3) !== 0)).toBe(true);
    expect(streams[1]!.every((b, i) => b === (streams[0]![i]! & 0xfe))).toBe(true);
    expect(streams[2]!.every((b, i) => b === (streams[0]![i]! & 0xfc))).toBe(true);
  });

  it("ITU-T G.722 mode 3: the decoder ignores the two auxiliary bits", () => {
    const enc = createG722Encoder();
    const codes = enc.encode(noise(1600, 11));
    enc.close();
    const withData = codes.map((b, i) => (b & 0xfc) | (i & 3));
    const a = createG722Decoder({ bitrate: 48000 });
    const b = createG722Decoder({ bitrate: 48000 });
    expect(a.decode(withData)).toEqual(b.decode(codes));
    a.close();
    b.close();
  });

  it("every byte string decodes to two samples an octet and never throws", () => {
    const dec = createG722Decoder({ bitrate: 56000 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(dec.decode(bytes).length).toBe(bytes.length * 2);
      }),
      { numRuns: 500 },
    );
    dec.close();
  });

  it("misuse is a CodecError with its code: BAD_LENGTH, TOO_LONG, BAD_OPTION, CLOSED", () => {
    const enc = createG722Encoder();
    const dec = createG722Decoder();
    expect((thrown(() => enc.encode(new Int16Array(3))) as CodecError).code).toBe("BAD_LENGTH");
    expect((thrown(() => enc.encode(new Int16Array(8), new Uint8Array(3))) as CodecError).code).toBe("TOO_LONG");
    expect((thrown(() => dec.decode(new Uint8Array(4), new Int16Array(7))) as CodecError).code).toBe("TOO_LONG");
    const bad = thrown(() => createG722Encoder({ bitrate: 32000 as G722Bitrate }));
    expect(bad).toBeInstanceOf(CodecError);
    expect((bad as CodecError).code).toBe("BAD_OPTION");
    enc.close();
    enc.close();
    dec.close();
    expect((thrown(() => enc.encode(new Int16Array(2))) as CodecError).code).toBe("CLOSED");
    expect((thrown(() => dec.decode(new Uint8Array(1))) as CodecError).code).toBe("CLOSED");
    expect((thrown(() => dec.reset()) as CodecError).code).toBe("CLOSED");
  });

  it("the pool holds G722_MAX_STATES states: one more is LIMIT, and a closed one is free again", () => {
    expect(G722_MAX_STATES).toBe(wasmCore().exports.g722_slot_count());
    const open: G722Encoder[] = [];
    let error: unknown;
    try {
      for (let i = 0; i <= G722_MAX_STATES; i++) open.push(createG722Encoder());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe("LIMIT");
    expect(open.length).toBeLessThanOrEqual(G722_MAX_STATES);
    // Each state is its own: the last encoder opened codes as a fresh one.
    const pcm = noise(320, 13);
    open[0]!.encode(noise(320, 17));
    const fresh = open.at(-1)!.encode(pcm);
    open.pop()!.close();
    const again = createG722Encoder();
    expect(again.encode(pcm)).toEqual(fresh);
    again.close();
    for (const e of open) e.close();
    createG722Decoder().close();
  });
});

describe("G.722 in the playout (RFC 3551 §4.5.2)", () => {
  it("20 ms packets of 160 octets advance the timestamp by 160 and play as 320 samples of 16 kHz audio", () => {
    const decoder = createG722PlayoutDecoder();
    expect([decoder.sampleRate, decoder.clockRate]).toEqual([16000, 8000]);
    const playout = new AudioPlayout({ clockRate: decoder.clockRate, decoder, minDelayMs: 20, initialDelayMs: 20 });
    const enc = createG722Encoder();
    const tone = new ToneGenerator({ sampleRate: 16000, frequencies: [1000], levelDbm0: -10 });
    const out: Int16Array[] = [];
    for (let i = 0; i < 50; i++) {
      const payload = enc.encode(tone.next(320));
      playout.push({ sequenceNumber: i, timestamp: i * 160, payloadType: 9, payload }, i * 20);
      const frame = playout.pull(i * 20);
      expect(frame.samples.length).toBe(320);
      out.push(frame.samples);
    }
    enc.close();
    decoder.close();
    const audio = concatPcm(out).subarray(3200);
    expect(Math.abs(detectFrequency(audio, 16000) - 1000)).toBeLessThan(0.1);
    expect(analyseTone(audio, 16000, 1000).snrDb).toBeGreaterThan(40);
  });
});
