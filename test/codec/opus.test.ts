import { describe, expect, it } from "vitest";
import {
  createOpusDecoder,
  createOpusEncoder,
  formatOpusFmtp,
  OpusError,
  opusDecoderOptionsFromFmtp,
  opusEncoderOptionsFromFmtp,
  opusPacketSamples,
  parseOpusFmtp,
  tryParseOpusToc,
} from "../../src/codec/index.ts";
import type { OpusSampleRate } from "../../src/codec/index.ts";
import { analyseTone, AudioPlayout, concatPcm, detectFrequency, ToneGenerator } from "../../src/media/index.ts";


function encodeTone(rate: OpusSampleRate, frames: number, options: Parameters<typeof createOpusEncoder>[0] = {}) {
  const enc = createOpusEncoder({ sampleRate: rate, bitrate: 32000, ...options });
  const tone = new ToneGenerator({ sampleRate: rate, frequencies: [1000], levelDbm0: -10 });
  const source: Int16Array[] = [];
  const packets: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    const f = tone.next(enc.frameSamples);
    source.push(f);
    packets.push(enc.encode(f));
  }
  const lookahead = enc.lookahead;
  enc.close();
  return { source, packets, lookahead };
}

describe("Opus (RFC 6716, RFC 7587)", () => {
  // Opus is perceptual: a pure tone's SNR depends on the mode libopus picks. Fullband CELT at
  // 32 kbit/s spends few bits on one sinusoid (≈ 16 dB); at 64 kbit/s, or in SILK/narrower CELT at
  // 32 kbit/s, it is 40 dB or more.
  const cases = [
    [48000, 32000, 12],
    [48000, 64000, 35],
    [16000, 32000, 30],
    [8000, 32000, 30],
  ] as const;
  for (const [rate, bitrate, minSnr] of cases) {
    it(`RFC 7587 §4: a 1 kHz tone survives the round trip at ${rate} Hz, ${bitrate / 1000} kbit/s (frequency, level, SNR > ${minSnr} dB)`, () => {
      const { packets } = encodeTone(rate, 50, { bitrate });
      const dec = createOpusDecoder({ sampleRate: rate });
      const out = concatPcm(packets.map((p) => dec.decode(p)));
      expect(out.length).toBe(rate); // 50 × 20 ms
      expect(dec.lastPacketDuration).toBe(rate / 50);
      const steady = out.subarray(rate / 5);
      expect(Math.abs(detectFrequency(steady, rate) - 1000)).toBeLessThan(0.2);
      const a = analyseTone(steady, rate, 1000);
      // −10 dBm0 is a peak of ≈ 7180.
      expect(Math.abs(a.amplitude / 7180 - 1)).toBeLessThan(0.03);
      expect(a.snrDb).toBeGreaterThan(minSnr);
      dec.close();
    });
  }

  it("RFC 6716 §2.1.7 / RFC 7587 §3.2: in-band FEC recovers a lost packet from the next one; PLC only guesses", () => {
    const rate = 16000;
    const { source, packets } = encodeTone(rate, 50, { fec: true, packetLossPercent: 20 });
    const withFec = createOpusDecoder({ sampleRate: rate });
    const withPlc = createOpusDecoder({ sampleRate: rate });
    let fec: Int16Array | undefined;
    let plc: Int16Array | undefined;
    // SILK adds LBRR (FEC) data only to frames its voice activity detector calls active; a steady
    // tone stops counting as active after ~0.7 s, so the loss is placed within the first half second.
    for (let i = 0; i < 50; i++) {
      if (i === 20) {
        fec = withFec.conceal(320, packets[21]);
        plc = withPlc.conceal(320);
        continue;
      }
      withFec.decode(packets[i]!);
      withPlc.decode(packets[i]!);
    }
    expect(fec!.length).toBe(320);
    expect(plc!.length).toBe(320);
    const original = analyseTone(source[20]!, rate, 1000).amplitude;
    const f = analyseTone(fec!, rate, 1000);
    const p = analyseTone(plc!, rate, 1000);
    expect(Math.abs(f.amplitude - original) / original).toBeLessThan(0.05);
    expect(f.snrDb).toBeGreaterThan(25);
    expect(f.snrDb).toBeGreaterThan(p.snrDb + 10);
  });

  it("RFC 7587 §3.2: without FEC in the stream, conceal() with the next packet falls back to PLC", () => {
    const { packets } = encodeTone(48000, 10);
    const dec = createOpusDecoder();
    for (let i = 0; i < 5; i++) dec.decode(packets[i]!);
    expect(dec.conceal(960, packets[6]).length).toBe(960);
    expect(dec.conceal(480).length).toBe(480);
    expect(() => dec.conceal(500)).toThrow(OpusError);
  });

  it("corrupt, empty and oversized packets decode to nothing and are counted; the decoder carries on", () => {
    const { packets } = encodeTone(48000, 5);
    const dec = createOpusDecoder();
    expect(dec.decode(new Uint8Array(0)).length).toBe(0);
    expect(dec.decode(new Uint8Array(5000)).length).toBe(0);
    // Code 3 with M = 0 frames is invalid (RFC 6716 §3.2.5).
    expect(dec.decode(Uint8Array.of(0x0b, 0x00)).length).toBe(0);
    expect(dec.invalidPackets).toBe(3);
    expect(dec.decode(packets[0]!).length).toBe(960);
    dec.close();
    expect(() => dec.decode(packets[1]!)).toThrow(OpusError);
  });

  it("options out of range are an OpusError BAD_OPTION", () => {
    expect(() => createOpusEncoder({ sampleRate: 44100 as OpusSampleRate })).toThrow(OpusError);
    expect(() => createOpusEncoder({ bitrate: 100 })).toThrow(/bitrate/);
    expect(() => createOpusEncoder({ complexity: 11 })).toThrow(OpusError);
    const enc = createOpusEncoder({ sampleRate: 8000 });
    try {
      enc.encode(new Int16Array(100));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OpusError);
      expect((e as OpusError).code).toBe("BAD_OPTION");
    }
  });

  it("RFC 7587 §3.3: DTX sends tiny packets in silence", () => {
    const enc = createOpusEncoder({ sampleRate: 16000, dtx: true });
    const sizes = Array.from({ length: 30 }, () => enc.encode(new Int16Array(320)).length);
    expect(Math.min(...sizes.slice(10))).toBeLessThanOrEqual(2);
  });

  it("RFC 6716 §3.1: the TOC byte gives mode, bandwidth, frame size and count", () => {
    const toc = (b: number[]) => {
      const r = tryParseOpusToc(Uint8Array.from(b));
      return r.ok ? r.value : r;
    };
    // config 1 = SILK NB 20 ms, code 0.
    expect(toc([1 << 3])).toMatchObject({ mode: "silk", bandwidth: "narrowband", frameMs: 20, frames: 1, durationMs: 20 });
    // config 15 = hybrid FB 20 ms, stereo, code 1 (two frames).
    expect(toc([(15 << 3) | 4 | 1])).toMatchObject({ mode: "hybrid", bandwidth: "fullband", stereo: true, frames: 2, durationMs: 40 });
    // config 16 = CELT NB 2.5 ms, code 3 with M = 48 (120 ms, the maximum).
    expect(toc([(16 << 3) | 3, 48])).toMatchObject({ mode: "celt", frameMs: 2.5, frames: 48, durationMs: 120 });
    expect(toc([(31 << 3) | 3, 7])).toMatchObject({ code: "BAD_FRAME_COUNT" });
    expect(toc([])).toMatchObject({ code: "TOO_SHORT" });
    expect(opusPacketSamples(Uint8Array.of(9 << 3))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of((3 << 3) | 3))).toBe(0);
  });

  it("RFC 7587 §6.1: fmtp parameters parse, format and drive the encoder and decoder", () => {
    const f = parseOpusFmtp("maxplaybackrate=16000; sprop-maxcapturerate=16000;maxaveragebitrate=20000;stereo=1;sprop-stereo=0;cbr=1;useinbandfec=1;usedtx=1;minptime=10;foo=bar;maxptime=999");
    expect(f).toEqual({
      maxPlaybackRate: 16000,
      spropMaxCaptureRate: 16000,
      maxAverageBitrate: 20000,
      stereo: true,
      spropStereo: false,
      cbr: true,
      useInbandFec: true,
      useDtx: true,
      minPtime: 10,
    });
    expect(formatOpusFmtp(f)).toBe("maxplaybackrate=16000;sprop-maxcapturerate=16000;maxaveragebitrate=20000;minptime=10;stereo=1;sprop-stereo=0;cbr=1;useinbandfec=1;usedtx=1");
    expect(parseOpusFmtp({ useinbandfec: "1", maxplaybackrate: "4000" })).toEqual({ useInbandFec: true });
    expect(opusEncoderOptionsFromFmtp(f, { bitrate: 32000 })).toEqual({
      channels: 1,
      frameMs: 20,
      bitrate: 20000,
      fec: true,
      dtx: true,
      cbr: true,
      maxBandwidth: "wideband",
    });
    expect(opusEncoderOptionsFromFmtp({ stereo: true, minPtime: 30 }, { channels: 2 })).toEqual({ channels: 2, frameMs: 40 });
    expect(opusDecoderOptionsFromFmtp(f)).toEqual({ channels: 1, sampleRate: 16000 });
    expect(opusDecoderOptionsFromFmtp({ spropStereo: true }, 24000)).toEqual({ channels: 2, sampleRate: 24000 });
    // The derived options are accepted by the encoder.
    createOpusEncoder({ sampleRate: 48000, ...opusEncoderOptionsFromFmtp(f) }).close();
  });

  it("RFC 7587 §4.2: the Opus decoder plugs into the jitter buffer's playout; a lost packet is recovered by FEC", () => {
    const { packets } = encodeTone(48000, 60, { fec: true, packetLossPercent: 20 });
    const lostAt = 20;
    const playout = new AudioPlayout({ clockRate: 48000, decoder: createOpusDecoder(), minDelayMs: 40, initialDelayMs: 40, packetDuration: (p) => opusPacketSamples(p.payload) });
    const frames: string[] = [];
    const out: Int16Array[] = [];
    for (let i = 0; i < 64; i++) {
      if (i < 60 && i !== lostAt) playout.push({ sequenceNumber: i, timestamp: i * 960, payloadType: 111, payload: packets[i]! }, i * 20);
      const f = playout.pull(i * 20 + 10);
      frames.push(f.frame.kind + (f.frame.next ? "+next" : ""));
      out.push(f.samples);
    }
    expect(frames.filter((k) => k === "conceal+next").length).toBe(1);
    expect(out.every((o) => o.length === 960)).toBe(true);
    const lost = out[frames.indexOf("conceal+next")]!;
    // Exactly what the decoder gives for FEC of the next packet after the same history.
    const direct = createOpusDecoder();
    for (let i = 0; i < lostAt; i++) direct.decode(packets[i]!);
    expect(Array.from(lost)).toEqual(Array.from(direct.conceal(960, packets[lostAt + 1])));
    expect(analyseTone(lost, 48000, 1000).snrDb).toBeGreaterThan(25);
    expect(playout.buffer.stats.lost).toBe(1);
  });
});
