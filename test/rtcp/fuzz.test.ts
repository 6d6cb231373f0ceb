import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeRtcpCompound, parseRtcpCompound, rtcpCompoundSize, tryParseRtcpCompound, tryParseRtcpPacket } from "../../src/rtcp/index.ts";
import type { RtcpPacket } from "../../src/rtcp/index.ts";
import { block, packetArb, padding, u32 } from "./arbitraries.ts";
import { tryParseApplicationDefined } from "../../src/rtcp/app.ts";
import { tryParseGoodbye } from "../../src/rtcp/bye.ts";
import { RTCP_ERROR_CODES } from "../../src/rtcp/errors.ts";
import { tryParseGenericFeedback } from "../../src/rtcp/feedback.ts";
import { tryParseFullIntraRequest } from "../../src/rtcp/fir.ts";
import { tryParseGenericNack } from "../../src/rtcp/nack.ts";
import { tryParsePictureLossIndication } from "../../src/rtcp/pli.ts";
import { tryParseReceiverReport } from "../../src/rtcp/receiver-report.ts";
import { tryParseSourceDescription } from "../../src/rtcp/sdes.ts";
import { tryParseSenderReport } from "../../src/rtcp/sender-report.ts";
import { tryParseExtendedReport } from "../../src/rtcp/xr.ts";

describe("RTCP properties", () => {
  it("RFC 3550 §6.1: any compound (RR first) round-trips: encode -> parse -> encode gives identical bytes", () => {
    const first = fc.record({ type: fc.constant("rr" as const), ssrc: u32, reports: fc.array(block, { maxLength: 2 }) });
    fc.assert(
      fc.property(first, fc.array(packetArb, { maxLength: 5 }), padding, (rr, rest, pad) => {
        const packets: RtcpPacket[] = [rr, ...rest];
        // A.2: the first packet is never padded, so only pad a last packet that is not the first.
        if (pad && rest.length > 0) packets[packets.length - 1] = { ...packets[packets.length - 1]!, paddingLength: pad };
        const bytes = encodeRtcpCompound(packets);
        expect(bytes.length).toBe(rtcpCompoundSize(packets));
        const parsed = parseRtcpCompound(bytes);
        expect(parsed.map((p) => p.type)).toEqual(packets.map((p) => p.type));
        expect(encodeRtcpCompound(parsed)).toEqual(bytes);
      }),
      { numRuns: 800 },
    );
  });

  it("RFC 3550 A.2: random bytes give packets or a typed error, never an exception", () => {
    const codes: readonly string[] = RTCP_ERROR_CODES;
    const parsers = [
      tryParseSenderReport, tryParseReceiverReport, tryParseSourceDescription, tryParseGoodbye, tryParseApplicationDefined,
      tryParseGenericNack, tryParsePictureLossIndication, tryParseFullIntraRequest, tryParseGenericFeedback,
      tryParseExtendedReport, tryParseRtcpPacket,
    ];
    // Bias towards version 2 and real packet types so the typed parsers run deep.
    const rtcpish = fc
      .tuple(fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 192, max: 210 }), fc.nat(12), fc.uint8Array({ maxLength: 80 }))
      .map(([b0, pt, len, rest]) => Uint8Array.of(b0, pt, 0, len, ...rest));
    fc.assert(
      fc.property(fc.oneof(rtcpish, fc.uint8Array({ maxLength: 64 })), fc.boolean(), (buf, reduced) => {
        const r = tryParseRtcpCompound(buf, 0, buf.length, { reducedSize: reduced });
        if (!r.ok) {
          expect(codes).toContain(r.code);
          expect(r.offset).toBeGreaterThanOrEqual(0);
          expect(r.offset).toBeLessThanOrEqual(buf.length);
        } else {
          // Whatever parsed is re-encodable into the same number of bytes.
          expect(rtcpCompoundSize(r.value)).toBe(buf.length);
        }
        for (const parse of parsers) {
          const x = parse(buf, 0);
          if (!x.ok) expect(codes).toContain(x.code);
          else expect(x.end).toBeLessThanOrEqual(buf.length);
        }
      }),
      { numRuns: 2500 },
    );
  });

  it("never reads outside the datagram: trailing bytes in the buffer do not change the result", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.uint8Array({ minLength: 1, maxLength: 8 }), (pkt, tail) => {
        const withTail = Uint8Array.of(0x80, 201, 0, 1, 1, 2, 3, 4, ...pkt, ...tail);
        const alone = withTail.slice(0, 8 + pkt.length);
        const a = tryParseRtcpCompound(alone);
        const b = tryParseRtcpCompound(withTail, 0, alone.length);
        expect(b.ok).toBe(a.ok);
        if (!a.ok && !b.ok) expect(b).toEqual(a);
        if (a.ok && b.ok) expect(encodeRtcpCompound(b.value)).toEqual(encodeRtcpCompound(a.value));
      }),
      { numRuns: 2000 },
    );
  });
});
