/** fast-check generators of RTCP packets in siphon's model, shared by the property tests. */
import fc from "fast-check";
import type { RtcpPacket } from "../../src/rtcp/index.ts";

export const u32 = fc.nat({ max: 0xffffffff });
const words = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => b.subarray(0, b.length & ~3));
export const block = fc.record({
  ssrc: u32,
  fractionLost: fc.nat(255),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  extendedHighestSequence: u32,
  jitter: u32,
  lastSenderReport: u32,
  delaySinceLastSenderReport: u32,
});
export const padding = fc.constantFrom(0, 4, 8);

export const packetArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
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
