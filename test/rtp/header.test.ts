import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  encodeRtpHeader,
  encodeRtpPacket,
  parseRtpPacket,
  RtpError,
  rtpErrorCode,
  RtpHeaderReader,
  rtpHeaderSize,
  rtpPacketSize,
  tryParseRtpPacket,
  writeRtpHeader,
  writeRtpPacket,
} from "../../src/rtp/index.ts";
import type { ParsedRtpPacket, RtpErrorCode, RtpHeader } from "../../src/rtp/index.ts";
import { thrown } from "../thrown.ts";

/** The header fields of a parsed packet. */
function headerOf(p: ParsedRtpPacket): RtpHeader {
  const { padding, marker, payloadType, sequenceNumber, timestamp, ssrc, csrcs, extension } = p;
  return { padding, marker, payloadType, sequenceNumber, timestamp, ssrc, csrcs, extension };
}

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));

// A PCMU packet: V=2, PT=0, seq 0x1234, ts 0x11223344, SSRC 0xdeadbeef, 4 payload bytes.
const SIMPLE = hex("80 00 1234 11223344 deadbeef  ff fe fd fc");

describe("RTP header (RFC 3550 §5.1)", () => {
  it("RFC 3550 §5.1: parses the fixed header fields", () => {
    const r = parseRtpPacket(SIMPLE);
    expect(headerOf(r)).toEqual({
      padding: false,
      marker: false,
      payloadType: 0,
      sequenceNumber: 0x1234,
      timestamp: 0x11223344,
      ssrc: 0xdeadbeef,
      csrcs: [],
      extension: undefined,
    });
    expect(r.headerLength).toBe(12);
    expect(Array.from(r.payload)).toEqual([0xff, 0xfe, 0xfd, 0xfc]);
    // The payload is a view of the input, not a copy.
    expect(r.payload.buffer).toBe(SIMPLE.buffer);
  });

  it("RFC 3550 §5.1: marker, payload type 127, CSRC list of 2, and padding of 3", () => {
    const pkt = hex("a2 ff 0001 00000002 00000003 0000000a 0000000b  aa bb 00 00 03");
    const r = parseRtpPacket(pkt);
    expect(r.marker).toBe(true);
    expect(r.payloadType).toBe(127);
    expect(r.padding).toBe(true);
    expect(r.csrcs).toEqual([10, 11]);
    expect(r.headerLength).toBe(20);
    expect(r.paddingLength).toBe(3);
    expect(Array.from(r.payload)).toEqual([0xaa, 0xbb]);
    // The parsed packet is a packet to write: the same bytes come back.
    expect(rtpPacketSize(r)).toBe(pkt.length);
    expect(encodeRtpPacket(r)).toEqual(pkt);
  });

  it("RFC 3550 §5.3.1: header extension with profile field and length in words", () => {
    const pkt = hex("90 60 0102 00000003 00000004 abcd 0002 01020304 05060708 c0ffee");
    const r = parseRtpPacket(pkt);
    expect(r.extension?.profile).toBe(0xabcd);
    expect(Array.from(r.extension!.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.headerLength).toBe(24);
    expect(Array.from(r.payload)).toEqual([0xc0, 0xff, 0xee]);
    expect(encodeRtpPacket(r)).toEqual(pkt);
  });

  it("RFC 3550 §5.3.1: extension data not a multiple of 4 is zero-padded on write", () => {
    const h: RtpHeader = {
      padding: false, marker: false, payloadType: 8, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrcs: [],
      extension: { profile: 0x1234, data: Uint8Array.of(9, 9, 9) },
    };
    expect(rtpHeaderSize(h)).toBe(20);
    const out = encodeRtpHeader(h);
    expect(out.subarray(12)).toEqual(hex("1234 0001 09090900"));
  });

  describe("RFC 3550 A.1: invalid packets are failure values with the code and the offset", () => {
    const cases: [string, string, RtpErrorCode, number][] = [
      ["TOO_SHORT", "80 00 0000 00000000 000000", "TOO_SHORT", 0],
      ["BAD_VERSION", "40 00 0000 00000000 00000000", "BAD_VERSION", 0],
      ["CSRC_TRUNCATED", "82 00 0000 00000000 00000000 00000001", "CSRC_TRUNCATED", 12],
      ["EXTENSION_TRUNCATED (header)", "90 00 0000 00000000 00000000 bede", "EXTENSION_TRUNCATED", 12],
      ["EXTENSION_TRUNCATED (data)", "90 00 0000 00000000 00000000 bede 0002 00000000", "EXTENSION_TRUNCATED", 12],
      ["BAD_PADDING (zero count)", "a0 00 0000 00000000 00000000 01 00", "BAD_PADDING", 13],
      ["BAD_PADDING (count > payload)", "a0 00 0000 00000000 00000000 01 03", "BAD_PADDING", 13],
    ];
    for (const [name, bytes, code, offset] of cases) {
      it(name, () => {
        const r = tryParseRtpPacket(hex(bytes));
        expect(r).toEqual({ ok: false, code, offset });
        // The failure is a plain value: no Error was built for it.
        expect(r).not.toBeInstanceOf(Error);
        const e = thrown(() => parseRtpPacket(hex(bytes)));
        expect(e).toBeInstanceOf(RtpError);
        expect(e).toMatchObject({ code, offset });
        const reader = new RtpHeaderReader();
        expect(rtpErrorCode(reader.read(hex(bytes)))).toBe(code);
        expect(rtpErrorCode(reader.readWasm(hex(bytes)))).toBe(code);
      });
    }
  });

  it("RFC 3550 §5.1: writeRtpHeader returns rtpHeaderSize and writes at an offset", () => {
    const h: RtpHeader = {
      padding: false, marker: true, payloadType: 96, sequenceNumber: 65535, timestamp: 0xffffffff,
      ssrc: 0x80000000, csrcs: [1, 0xffffffff], extension: undefined,
    };
    const dst = new Uint8Array(40).fill(0xee);
    const n = writeRtpHeader(h, dst, 5);
    expect(n).toBe(rtpHeaderSize(h));
    expect(dst[4]).toBe(0xee);
    expect(dst[5 + n]).toBe(0xee);
    expect(headerOf(parseRtpPacket(dst, 5, n))).toEqual(h);
  });

  it("writers throw RtpError for values the header cannot carry", () => {
    const base: RtpHeader = {
      padding: false, marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: [], extension: undefined,
    };
    expect(() => encodeRtpHeader({ ...base, payloadType: 128 })).toThrow(RtpError);
    expect(() => encodeRtpHeader({ ...base, sequenceNumber: 70000 })).toThrow(RtpError);
    expect(() => encodeRtpHeader({ ...base, csrcs: new Array(16).fill(1) })).toThrow(RtpError);
    expect(() => writeRtpHeader(base, new Uint8Array(11), 0)).toThrow(RtpError);
    expect(() => encodeRtpPacket({ ...base, payload: new Uint8Array(1), paddingLength: 256 })).toThrow(RtpError);
    expect(() => writeRtpPacket({ ...base, payload: new Uint8Array(4) }, new Uint8Array(15), 0)).toThrow(RtpError);
    expect(thrown(() => encodeRtpHeader({ ...base, ssrc: -1 }))).toMatchObject({ code: "FIELD_OUT_OF_RANGE" });
  });
});

const headerArb = fc.record({
  padding: fc.constant(false),
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.nat({ max: 0xffffffff }),
  ssrc: fc.nat({ max: 0xffffffff }),
  csrcs: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 15 }),
  extension: fc.option(
    fc.record({
      profile: fc.integer({ min: 0, max: 0xffff }),
      data: fc.uint8Array({ maxLength: 12 }).map((d) => d.subarray(0, d.length & ~3)),
    }),
    { nil: undefined },
  ),
});

describe("RTP codec properties", () => {
  it("RFC 3550 §5.1: encode -> parse -> encode is the identity (with padding)", () => {
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 255 }), (h, payload, pad) => {
        const pkt = encodeRtpPacket({ ...h, payload, paddingLength: pad });
        expect(pkt.length).toBe(rtpPacketSize({ ...h, payload, paddingLength: pad }));
        const r = parseRtpPacket(pkt);
        expect(headerOf(r)).toEqual({ ...h, padding: pad > 0 });
        expect(r.payload).toEqual(payload);
        expect(r.paddingLength).toBe(pad);
        expect(encodeRtpPacket(r)).toEqual(pkt);
      }),
      { numRuns: 1000 },
    );
  });

  it("RFC 3550 A.1: random bytes give a value or a typed error; JS reader, Wasm reader and facade agree", () => {
    const js = new RtpHeaderReader();
    const wasm = new RtpHeaderReader();
    // Bias the first byte towards version 2 so that the deep paths run often.
    const packet = fc.tuple(fc.integer({ min: 0x80, max: 0xbf }), fc.uint8Array({ maxLength: 120 })).map(([b0, rest]) =>
      Uint8Array.of(b0, ...rest)
    );
    fc.assert(
      fc.property(fc.oneof(packet, fc.uint8Array({ maxLength: 80 })), fc.nat(8), (buf, cut) => {
        const offset = Math.min(cut, buf.length);
        const result = tryParseRtpPacket(buf, offset);
        const a = js.read(buf, offset);
        const b = wasm.readWasm(buf, offset);
        expect(a).toBe(b);
        if (!result.ok) {
          expect(rtpErrorCode(a)).toBe(result.code);
          expect(result.offset).toBeGreaterThanOrEqual(offset);
          expect(result.offset).toBeLessThan(Math.max(buf.length, offset + 1));
          return;
        }
        const r = result.value;
        expect(a).toBe(r.headerLength);
        for (const x of [js, wasm]) {
          expect(x.marker).toBe(r.marker);
          expect(x.payloadType).toBe(r.payloadType);
          expect(x.sequenceNumber).toBe(r.sequenceNumber);
          expect(x.timestamp).toBe(r.timestamp);
          expect(x.ssrc).toBe(r.ssrc);
          expect(Array.from(x.csrcs.subarray(0, x.csrcCount))).toEqual(r.csrcs);
          expect(x.payloadLength).toBe(r.payload.length);
          expect(x.paddingLength).toBe(r.paddingLength);
          expect(x.extensionProfile).toBe(r.extension ? r.extension.profile : -1);
          expect(x.extensionLength).toBe(r.extension ? r.extension.data.length : 0);
        }
        // Everything the parser returns lies inside the packet.
        expect(r.payload.byteOffset + r.payload.length).toBeLessThanOrEqual(buf.byteOffset + buf.length);
        expect(r.payload.byteOffset).toBeGreaterThanOrEqual(buf.byteOffset + offset);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads only inside [offset, offset+length): a packet inside a larger buffer parses like the packet alone", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (pkt, pre, post) => {
        const big = Uint8Array.of(...pre, ...pkt, ...post);
        const alone = tryParseRtpPacket(pkt);
        const inside = tryParseRtpPacket(big, pre.length, pkt.length);
        expect(inside.ok).toBe(alone.ok);
        if (alone.ok && inside.ok) {
          expect(headerOf(inside.value)).toEqual(headerOf(alone.value));
          expect(inside.value.payload).toEqual(alone.value.payload);
        } else if (!alone.ok && !inside.ok) {
          expect(inside.code).toBe(alone.code);
          expect(inside.offset).toBe(alone.offset + pre.length);
        }
        const r = new RtpHeaderReader();
        expect(r.read(big, pre.length, pkt.length)).toBe(r.read(pkt));
      }),
      { numRuns: 2000 },
    );
  });
});
