import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CodecError,
  comfortNoiseReflectionCoefficient,
  comfortNoiseSize,
  dtmfDigit,
  dtmfEventCode,
  encodeComfortNoise,
  encodeL16,
  encodeTelephoneEvent,
  l16Size,
  parseComfortNoise,
  parseL16,
  parseTelephoneEvent,
  telephoneEventPackets,
  writeComfortNoise,
  writeL16,
  writeTelephoneEvent,
  tryParseComfortNoise,
  tryParseL16,
  tryParseTelephoneEvent,
} from "../../src/codec/index.ts";
import { CODEC_ERROR_CODES } from "../../src/codec/errors.ts";
import { thrown } from "../thrown.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));

describe("L16 (RFC 3551 §4.5.11)", () => {
  it("RFC 3551 §4.5.11: samples go out in network byte order", () => {
    const s = Int16Array.of(0x0102, -2, 0x7fff, -32768, 0, 1, 2, 3, 4, 5, 6);
    const b = encodeL16(s);
    expect(b.subarray(0, 8)).toEqual(hex("0102 fffe 7fff 8000"));
    expect(l16Size(s)).toBe(22);
    expect(Array.from(parseL16(b))).toEqual(Array.from(s));
  });

  it("RFC 3551 §4.5.11: odd length is BadLength; writes at an offset", () => {
    expect(tryParseL16(Uint8Array.of(1, 2, 3))).toEqual({ ok: false, code: "BAD_LENGTH", offset: 2 });
    const e = thrown(() => parseL16(Uint8Array.of(1, 2, 3)));
    expect(e).toBeInstanceOf(CodecError);
    expect(e).toMatchObject({ code: "BAD_LENGTH", offset: 2 });
    const dst = new Uint8Array(7).fill(9);
    expect(writeL16(Int16Array.of(0x1234, 0x5678), dst, 2)).toBe(4);
    expect(dst).toEqual(hex("0909 1234 5678 09"));
    expect(() => writeL16(Int16Array.of(1, 2), dst, 4)).toThrow(CodecError);
  });

  it("RFC 3551 §4.5.11: round trip for any samples (SIMD and scalar tails)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 70 }), (xs) => {
        const s = Int16Array.from(xs);
        const b = encodeL16(s);
        for (let i = 0; i < xs.length; i++) expect((b[2 * i]! << 8) | b[2 * i + 1]!).toBe(xs[i]! & 0xffff);
        expect(Array.from(parseL16(b))).toEqual(xs);
      }),
      { numRuns: 500 },
    );
  });
});

describe("telephone events (RFC 4733)", () => {
  it("RFC 4733 §2.3: parses event, E, volume, duration; ignores R", () => {
    // Digit 5, E = 1, R = 1 (ignored), volume 10, duration 800.
    expect(parseTelephoneEvent(hex("05 ca 0320"))).toEqual({ event: 5, end: true, volume: 10, duration: 800 });
    expect(encodeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 })).toEqual(hex("05 8a 0320"));
    expect(tryParseTelephoneEvent(hex("05 8a 03"))).toEqual({ ok: false, code: "TOO_SHORT", offset: 0 });
    expect(thrown(() => parseTelephoneEvent(hex("05 8a 03")))).toMatchObject({ name: "CodecError", code: "TOO_SHORT" });
  });

  it("RFC 4733 §3.2: DTMF event codes", () => {
    expect(["0", "9", "*", "#", "A", "d"].map(dtmfEventCode)).toEqual([0, 9, 10, 11, 12, 15]);
    expect(dtmfEventCode("E")).toBe(-1);
    expect(dtmfDigit(11)).toBe("#");
    expect(dtmfDigit(16)).toBeUndefined();
  });

  it("RFC 4733 §2.3: writer checks ranges and size equals bytes written", () => {
    const e = { event: 255, end: false, volume: 63, duration: 65535 };
    const dst = new Uint8Array(6);
    expect(writeTelephoneEvent(e, dst, 2)).toBe(4);
    expect(dst).toEqual(hex("0000 ff3f ffff"));
    expect(() => encodeTelephoneEvent({ ...e, volume: 64 })).toThrow(CodecError);
    expect(() => encodeTelephoneEvent({ ...e, duration: 65536 })).toThrow(CodecError);
  });

  it("RFC 4733 §2.5.1: digit '1' for 200 ms at 8 kHz, 50 ms updates: marker first, same timestamp, 3 end packets", () => {
    const p = telephoneEventPackets({ event: "1", durationMs: 200 }, { timestamp: 0xfffffff0, sequenceNumber: 65534 });
    expect(p.map((x) => [x.offsetMs, x.marker, x.sequenceNumber, x.payload.end, x.payload.duration])).toEqual([
      [50, true, 65534, false, 400],
      [100, false, 65535, false, 800],
      [150, false, 0, false, 1200],
      [200, false, 1, true, 1600],
      [200, false, 2, true, 1600],
      [200, false, 3, true, 1600],
    ]);
    for (const x of p) {
      expect(x.timestamp).toBe(0xfffffff0);
      expect(x.payload.event).toBe(1);
      expect(x.payload.volume).toBe(10);
    }
  });

  it("RFC 4733 §2.5.1: a tone shorter than one interval is only the end packets, the first marked", () => {
    const p = telephoneEventPackets({ event: 11, durationMs: 40, volume: 0, endPackets: 3 }, { timestamp: 0, sequenceNumber: 1 });
    expect(p.map((x) => [x.marker, x.payload.end, x.payload.duration])).toEqual([
      [true, true, 320],
      [false, true, 320],
      [false, true, 320],
    ]);
  });

  it("RFC 4733 §2.5.1: too long, unknown digit or bad volume is a CodecError", () => {
    expect(() => telephoneEventPackets({ event: "1", durationMs: 9000 }, { timestamp: 0, sequenceNumber: 0 })).toThrow(CodecError);
    expect(() => telephoneEventPackets({ event: "X", durationMs: 100 }, { timestamp: 0, sequenceNumber: 0 })).toThrow(CodecError);
    expect(() => telephoneEventPackets({ event: 1, durationMs: 100, volume: 99 }, { timestamp: 0, sequenceNumber: 0 })).toThrow(CodecError);
  });
});

describe("comfort noise (RFC 3389)", () => {
  it("RFC 3389 §3: level and reflection coefficients", () => {
    const noise = parseComfortNoise(hex("28 7f 00 fe"));
    expect(noise.level).toBe(40);
    expect(Array.from(noise.coefficients)).toEqual([0x7f, 0x00, 0xfe]);
    expect(Array.from(noise.coefficients, comfortNoiseReflectionCoefficient)).toEqual([0, -127 / 128, 127 / 128]);
    expect(encodeComfortNoise(noise)).toEqual(hex("28 7f 00 fe"));
    expect(comfortNoiseSize(noise)).toBe(4);
  });

  it("RFC 3389 §3: level only (no spectral information) is valid", () => {
    expect(parseComfortNoise(hex("7f")).coefficients.length).toBe(0);
  });

  it("RFC 3389 §3: empty payload and a set first bit are typed errors", () => {
    expect(tryParseComfortNoise(new Uint8Array(0))).toEqual({ ok: false, code: "TOO_SHORT", offset: 0 });
    expect(tryParseComfortNoise(hex("80 01"))).toEqual({ ok: false, code: "RESERVED_BIT_SET", offset: 0 });
    expect(() => writeComfortNoise({ level: 128, coefficients: new Uint8Array(0) }, new Uint8Array(2), 0)).toThrow(CodecError);
  });
});

describe("payload decoders on random bytes", () => {
  it("give a value or a typed error, never throw, never read outside the payload", () => {
    const codes: readonly string[] = CODEC_ERROR_CODES;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(6), fc.nat(40), (buf, off, len) => {
        const o = Math.min(off, buf.length);
        const l = Math.min(len, buf.length - o);
        for (const r of [tryParseTelephoneEvent(buf, o, l), tryParseComfortNoise(buf, o, l), tryParseL16(buf, o, l)]) {
          if (!r.ok) expect(codes).toContain(r.code);
        }
        const cn = tryParseComfortNoise(buf, o, l);
        if (cn.ok) {
          expect(cn.value.coefficients.byteOffset + cn.value.coefficients.length).toBeLessThanOrEqual(buf.byteOffset + o + l);
        }
        // Out-of-range offsets are failure values, not exceptions.
        expect(tryParseTelephoneEvent(buf, o, buf.length - o + 1).ok).toBe(false);
        expect(tryParseComfortNoise(buf, buf.length + 1).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
