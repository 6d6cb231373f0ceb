import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeRtcpCompound, parseRtcpCompound, rtcpCompoundSize, tryParseRtcpCompound, tryParseRtcpPacket } from "../../src/rtcp/index.ts";
import type { RtcpPacket } from "../../src/rtcp/index.ts";
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

const u32 = fc.nat({ max: 0xffffffff });
const words = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => b.subarray(0, b.length & ~3));
const block = fc.record({
  ssrc: u32,
  fractionLost: fc.nat(255),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  extendedHighestSequence: u32,
  jitter: u32,
  lastSenderReport: u32,
  delaySinceLastSenderReport: u32,
});
const padding = fc.constantFrom(0, 4, 8);

const packetArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({
    type: fc.constant("sr" as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32,
    octetCount: u32, reports: fc.array(block, { maxLength: 3 }), profileExtension: words(8),
  }),
  fc.record({ type: fc.constant("rr" as const), ssrc: u32, reports: fc.array(block, { maxLength: 3 }), profileExtension: words(8) }),
  fc.record({
    type: fc.constant("sdes" as const),
    chunks: fc.array(
      fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 8 }), value: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 3 }) }),
      { maxLength: 3 },
    ),
  }),
  fc.record({ type: fc.constant("bye" as const), ssrcs: fc.array(u32, { maxLength: 4 }), reason: fc.uint8Array({ maxLength: 20 }) }),
  fc.record({ type: fc.constant("bye" as const), ssrcs: fc.array(u32, { maxLength: 4 }) }),
  fc.record({
    type: fc.constant("app" as const), subtype: fc.nat(31), ssrc: u32,
    name: fc.constantFrom("TEST", "abcd", "x\u00ff\u0000z"), data: words(16),
  }),
  fc.record({
    type: fc.constant("nack" as const), senderSsrc: u32, mediaSsrc: u32,
    items: fc.array(fc.record({ pid: fc.nat(0xffff), blp: fc.nat(0xffff) }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ type: fc.constant("pli" as const), senderSsrc: u32, mediaSsrc: u32 }),
  fc.record({
    type: fc.constant("fir" as const), senderSsrc: u32, mediaSsrc: fc.constant(0),
    entries: fc.array(fc.record({ ssrc: u32, sequenceNumber: fc.nat(255) }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ type: fc.constantFrom("rtpfb" as const, "psfb" as const), fmt: fc.constantFrom(15, 31), senderSsrc: u32, mediaSsrc: u32, fci: words(12) }),
  fc.record({
    type: fc.constant("xr" as const), ssrc: u32,
    blocks: fc.array(
      fc.oneof(
        fc.record({
          blockType: fc.constant(7 as const), ssrc: u32, lossRate: fc.nat(255), discardRate: fc.nat(255), burstDensity: fc.nat(255),
          gapDensity: fc.nat(255), burstDuration: fc.nat(0xffff), gapDuration: fc.nat(0xffff), roundTripDelay: fc.nat(0xffff),
          endSystemDelay: fc.nat(0xffff), signalLevel: fc.integer({ min: -128, max: 127 }), noiseLevel: fc.integer({ min: -128, max: 127 }),
          rerl: fc.nat(255), gmin: fc.nat(255), rFactor: fc.nat(255), extRFactor: fc.nat(255), mosLq: fc.nat(255), mosCq: fc.nat(255),
          rxConfig: fc.nat(255), jbNominal: fc.nat(0xffff), jbMaximum: fc.nat(0xffff), jbAbsMax: fc.nat(0xffff),
        }),
        fc.record({ blockType: fc.constantFrom(1, 4, 8, 255), typeSpecific: fc.nat(255), data: words(12) }),
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({ type: fc.constant("unknown" as const), packetType: fc.constantFrom(192, 193, 195, 208, 223), count: fc.nat(31), body: words(12) }),
);

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
