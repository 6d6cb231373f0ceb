import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { classifyMediaPacket, isPayloadTypeRtcpConflicting, SsrcDemuxer } from "../../src/rtp/index.ts";

describe("demultiplexing a shared port (RFC 7983, RFC 5761)", () => {
  it("RFC 7983 §7: first-byte ranges", () => {
    const k = (b0: number, b1 = 0) => classifyMediaPacket(Uint8Array.of(b0, b1));
    expect([0, 1, 2, 3].map((b) => k(b))).toEqual(["stun", "stun", "stun", "stun"]);
    expect([16, 19].map((b) => k(b))).toEqual(["zrtp", "zrtp"]);
    expect([20, 22, 63].map((b) => k(b))).toEqual(["dtls", "dtls", "dtls"]);
    expect([64, 79].map((b) => k(b))).toEqual(["turn-channel", "turn-channel"]);
    expect([128, 191].map((b) => k(b))).toEqual(["rtp", "rtp"]);
    expect([4, 15, 80, 127, 192, 255].map((b) => k(b))).toEqual(Array(6).fill("unknown"));
    expect(classifyMediaPacket(new Uint8Array(0))).toBe("unknown");
    expect(classifyMediaPacket(Uint8Array.of(0x80))).toBe("unknown");
  });

  it("RFC 5761 §4: second octet 192..223 is RTCP, anything else RTP", () => {
    const k = (b1: number) => classifyMediaPacket(Uint8Array.of(0x80, b1));
    expect([192, 200, 201, 205, 206, 207, 223].map(k)).toEqual(Array(7).fill("rtcp"));
    expect([0, 8, 96, 127, 128, 191, 224, 255].map(k)).toEqual(Array(8).fill("rtp"));
    expect(isPayloadTypeRtcpConflicting(72)).toBe(true);
    expect(isPayloadTypeRtcpConflicting(96)).toBe(false);
  });

  it("classifies any bytes without throwing and respects offset/length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4 }), fc.nat(4), (b, off) => {
        const o = Math.min(off, b.length);
        expect(classifyMediaPacket(b, o)).toBe(classifyMediaPacket(b.slice(o)));
      }),
      { numRuns: 2000 },
    );
  });

  it("RFC 3550 §8: routes RTP by the SSRC at octet 8 and RTCP by the sender SSRC at octet 4", () => {
    const d = new SsrcDemuxer<string>();
    d.set(0xdeadbeef, "a");
    d.set(7, "b");
    const rtp = Uint8Array.of(0x80, 0, 0, 1, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef);
    const rtcp = Uint8Array.of(0x80, 201, 0, 1, 0, 0, 0, 7);
    expect(d.route(rtp)).toBe("a");
    expect(d.route(rtcp, true)).toBe("b");
    expect(d.route(rtp.subarray(0, 11))).toBeUndefined();
    expect(d.route(Uint8Array.of(0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9))).toBeUndefined();
    expect(d.unrouted).toBe(2);
    expect(d.size).toBe(2);
    expect(d.delete(7)).toBe(true);
    expect(d.get(7)).toBeUndefined();
  });
});
