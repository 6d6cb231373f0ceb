import { describe, expect, it } from "vitest";
import { encodeRtpPacket, parseRtpPacket, rtpBatch, rtpErrorCode } from "../../src/rtp/index.ts";
import type { RtpHeader } from "../../src/rtp/index.ts";

const base: RtpHeader = {
  padding: false, marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: [], extension: undefined,
};

describe("RTP Wasm batch path (RFC 3550 §5.1)", () => {
  it("RFC 3550 §5.1: parses packets in place in Wasm memory, good and bad", () => {
    const b = rtpBatch();
    expect(rtpBatch()).toBe(b);
    b.clear();
    const good = encodeRtpPacket({
      ...base, marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0x01020304,
      payload: new Uint8Array(160).fill(0xd5),
    });
    const ext = encodeRtpPacket({
      ...base, csrcs: [5], extension: { profile: 0xbede, data: Uint8Array.of(0x10, 1, 0, 0) }, payload: Uint8Array.of(1, 2, 3),
      paddingLength: 4,
    });
    expect(b.push(good)).toBe(0);
    expect(b.push(ext)).toBe(1);
    expect(b.push(Uint8Array.of(0x80, 0, 0))).toBe(2);
    expect(b.push(Uint8Array.of(0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBe(3);
    expect(b.parse()).toBe(2);
    expect(b.status(0)).toBe(12);
    expect(b.marker(0)).toBe(true);
    expect(b.payloadType(0)).toBe(8);
    expect(b.sequenceNumber(0)).toBe(65535);
    expect(b.timestamp(0)).toBe(0xfffffff0);
    expect(b.ssrc(0)).toBe(0x01020304);
    expect(b.payloadLength(0)).toBe(160);
    expect(b.extensionProfile(0)).toBe(-1);
    expect(b.payload(0)).toEqual(new Uint8Array(160).fill(0xd5));
    expect(b.status(1)).toBe(parseRtpPacket(ext).headerLength);
    expect(b.error(1)).toBeUndefined();
    expect(b.extensionProfile(1)).toBe(0xbede);
    expect(Array.from(b.payload(1))).toEqual([1, 2, 3]);
    expect(b.status(2)).toBeLessThan(0);
    expect(b.error(2)).toBe("TOO_SHORT");
    expect(b.error(3)).toBe("BAD_VERSION");
  });

  it("drops what does not fit: a full batch or an oversized packet is a TOO_LONG result, not an exception", () => {
    const b = rtpBatch();
    b.clear();
    expect(rtpErrorCode(b.push(new Uint8Array(b.slotSize + 1)))).toBe("TOO_LONG");
    for (let i = 0; i < b.capacity; i++) b.push(new Uint8Array(12));
    expect(rtpErrorCode(b.push(new Uint8Array(12)))).toBe("TOO_LONG");
    b.clear();
  });

  it("RFC 3550 §5.1: writeHeaders numbers consecutive packets, wrapping seq at 2^16 and ts at 2^32", () => {
    const b = rtpBatch();
    b.clear();
    for (let i = 0; i < 3; i++) {
      b.slot(i).fill(0x55, 12, 172);
      b.setLength(i, 172);
    }
    expect(b.writeHeaders(3, { payloadType: 0, marker: true, sequenceNumber: 65535, timestamp: 0xffffff60, timestampStep: 160, ssrc: 0xcafebabe })).toBe(3);
    const seen = [0, 1, 2].map((i) => {
      const r = parseRtpPacket(b.packet(i));
      return [r.sequenceNumber, r.timestamp, r.ssrc, r.marker, r.payload.length];
    });
    expect(seen).toEqual([
      [65535, 0xffffff60, 0xcafebabe, true, 160],
      [0, 0, 0xcafebabe, true, 160],
      [1, 160, 0xcafebabe, true, 160],
    ]);
    b.setLength(0, 5);
    expect(rtpErrorCode(b.writeHeaders(1, { payloadType: 0, sequenceNumber: 0, timestamp: 0, timestampStep: 0, ssrc: 0 }))).toBe("TOO_SHORT");
    b.clear();
  });
});
