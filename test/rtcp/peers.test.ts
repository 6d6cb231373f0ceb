/**
 * RTCP checked against independent implementations on the same bytes: rtp.js (a full RTCP codec)
 * reads the golden packets and random packets siphon writes, and writes them back; werift-rtp
 * checks what rtp.js does not decode (FIR) and the cumulative loss rtp.js misreads.
 *
 * Peer limitations found on the way, which the comparisons step around: rtp.js 0.15 reads the
 * 24-bit cumulative number of packets lost as 4095 whatever its value; it cannot write back an SDES
 * chunk without items, an empty SDES item or an empty BYE reason (all allowed by §6.5 and §6.6), and
 * misreads an SDES chunk that is not the last when a single null octet ends its item list; werift-rtp reads the cumulative
 * loss unsigned (RFC 3550 §6.4.1 makes it signed), reads a padded APP packet as SDES, and drops BYE.
 */
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeRtcpCompound, parseRtcpCompound, sdesItemText } from "../../src/rtcp/index.ts";
import type { RtcpPacket } from "../../src/rtcp/index.ts";
import { hex, REDUCED_SIZE_PLI, RR_NACK, RR_PLI_FIR, RR_SDES_APP_PADDED, RR_TWO_BLOCKS, RR_XR_VOIP, SR_SDES_BYE } from "../vectors/rtcp/fixtures.ts";
import { block, u32 } from "./arbitraries.ts";

const require = createRequire(import.meta.url);
const rtpjs = require("rtp.js/packets") as {
  CompoundPacket: new (view: DataView) => { dump(): { packets: Dump[] }; getByteLength(): number; serialize(buffer?: ArrayBuffer, offset?: number): void };
};
const werift = require("werift-rtp") as { RtcpPacketConverter: { deSerialize(b: Uint8Array): unknown[] } };

type Dump = Record<string, unknown> & { packetType: number; count: number; byteLength: number; padding: number };
type Json = Record<string, unknown>;

const dec = new TextDecoder();
const s8 = (v: number): number => (v > 127 ? v - 256 : v);

/** The fields both libraries decode, from rtp.js's dump of one packet. */
function fromRtpJs(d: Dump): Json {
  const reports = (d.reports as Json[] | undefined)?.map((r) => ({
    ssrc: r.ssrc, fractionLost: r.fractionLost, extendedHighestSequence: r.highestSeq, jitter: r.jitter,
    lastSenderReport: r.lsr, delaySinceLastSenderReport: r.dlsr,
  }));
  switch (d.packetType) {
    case 200:
      return {
        type: "sr", ssrc: d.ssrc, ntpSeconds: d.ntpSeq, ntpFraction: d.ntpFraction, rtpTimestamp: d.rtpTimestamp,
        packetCount: d.packetCount, octetCount: d.octetCount, reports,
      };
    case 201:
      return { type: "rr", ssrc: d.ssrc, reports };
    case 202:
      return { type: "sdes", chunks: (d.chunks as Json[]).map((c) => ({ ssrc: c.ssrc, items: c.items })) };
    case 203:
      return { type: "bye", ssrcs: d.ssrcs, reason: d.reason };
    case 205:
      if (d.messageType === 1) {
        const items = (d.items as Json[]).map((i) => ({ pid: i.pid, blp: i.bitmask }));
        return { type: "nack", senderSsrc: d.senderSsrc, mediaSsrc: d.mediaSsrc, items };
      }
      break;
    case 206:
      if (d.messageType === 1) return { type: "pli", senderSsrc: d.senderSsrc, mediaSsrc: d.mediaSsrc };
      break;
    case 207:
      return {
        type: "xr", ssrc: d.ssrc,
        blocks: (d.reports as Json[]).map((r) => ({
          blockType: r.reportType, ssrc: r.ssrc, lossRate: r.lossRate, discardRate: r.discardRate,
          burstDensity: r.burstDensity, gapDensity: r.gapDensity, burstDuration: r.burstDuration,
          gapDuration: r.gapDuration, roundTripDelay: r.roundTripDelay, endSystemDelay: r.endSystemDelay,
          signalLevel: s8(r.signalLevel as number), noiseLevel: s8(r.noiseLevel as number), rerl: r.rerl, gmin: r.gmin,
          rFactor: r.rFactor, extRFactor: r.extRFactor, mosLq: r.mosLq, mosCq: r.mosCq,
          rxConfig: ((r.plc as number) << 6) | ((r.jba as number) << 4) | (r.jbRate as number),
          jbNominal: r.jbNominal, jbMaximum: r.jbMax, jbAbsMax: r.jbAbsMax,
        })),
      };
  }
  // Types rtp.js keeps opaque (APP, FIR, other feedback): its header reading still has to agree.
  return { packetType: d.packetType, count: d.count, byteLength: d.byteLength };
}

/** The same fields from siphon's packet. */
function fromSiphon(p: RtcpPacket, bytes: number): Json {
  const reports = "reports" in p
    ? p.reports.map(({ cumulativeLost: _, ...r }) => r)
    : undefined;
  switch (p.type) {
    case "sr": {
      const { ssrc, ntpSeconds, ntpFraction, rtpTimestamp, packetCount, octetCount } = p;
      return { type: "sr", ssrc, ntpSeconds, ntpFraction, rtpTimestamp, packetCount, octetCount, reports };
    }
    case "rr":
      return { type: "rr", ssrc: p.ssrc, reports };
    case "sdes":
      return { type: "sdes", chunks: p.chunks.map((c) => ({ ssrc: c.ssrc, items: c.items.map((i) => ({ type: i.type, text: sdesItemText(i) })) })) };
    case "bye":
      return { type: "bye", ssrcs: p.ssrcs, reason: p.reason === undefined ? undefined : dec.decode(p.reason) };
    case "nack":
      return { type: "nack", senderSsrc: p.senderSsrc, mediaSsrc: p.mediaSsrc, items: p.items };
    case "pli":
      return { type: "pli", senderSsrc: p.senderSsrc, mediaSsrc: p.mediaSsrc };
    case "xr":
      return { type: "xr", ssrc: p.ssrc, blocks: p.blocks };
    case "app":
      return { packetType: 204, count: p.subtype, byteLength: bytes };
    case "fir":
      return { packetType: 206, count: 4, byteLength: bytes };
    case "rtpfb":
    case "psfb":
      return { packetType: p.type === "rtpfb" ? 205 : 206, count: p.fmt, byteLength: bytes };
    case "unknown":
      return { packetType: p.packetType, count: p.count, byteLength: bytes };
  }
}

/** siphon's and rtp.js's reading of one datagram, packet by packet; and rtp.js's bytes written back. */
function readBoth(bytes: Uint8Array): { siphon: Json[]; peer: Json[]; peerBytes: Uint8Array } {
  const packets = parseRtcpCompound(bytes);
  const sizes = packets.map((p) => encodeRtcpCompound([p]).length);
  const copy = bytes.slice();
  const compound = new rtpjs.CompoundPacket(new DataView(copy.buffer));
  const out = new ArrayBuffer(compound.getByteLength());
  compound.serialize(out, 0);
  return {
    siphon: packets.map((p, i) => fromSiphon(p, sizes[i]!)),
    peer: compound.dump().packets.map(fromRtpJs),
    peerBytes: new Uint8Array(out),
  };
}

describe("RTCP against rtp.js on the same bytes", () => {
  const goldens: [string, string][] = [
    ["RFC 3550 §6.4.1, §6.5, §6.6: SR + SDES + BYE", SR_SDES_BYE],
    ["RFC 3550 §6.4.2, §6.5, §6.7: RR + SDES + padded APP", RR_SDES_APP_PADDED],
    ["RFC 3550 §6.4.1: RR with two report blocks", RR_TWO_BLOCKS],
    ["RFC 4585 §6.2.1: RR + generic NACK", RR_NACK],
    ["RFC 4585 §6.3.1, RFC 5104 §4.3.1: RR + PLI + FIR", RR_PLI_FIR],
    ["RFC 3611 §4.7: RR + XR VoIP metrics", RR_XR_VOIP],
  ];
  for (const [name, fixture] of goldens) {
    it(`${name}: both read the same fields, and rtp.js writes siphon's bytes back`, () => {
      const bytes = hex(fixture);
      const { siphon, peer, peerBytes } = readBoth(bytes);
      expect(siphon).toEqual(peer);
      expect(peerBytes).toEqual(bytes);
    });
  }

  it("RFC 5506 §3: a reduced-size PLI reads the same", () => {
    const bytes = hex(REDUCED_SIZE_PLI);
    const peer = new rtpjs.CompoundPacket(new DataView(bytes.slice().buffer)).dump().packets.map(fromRtpJs);
    const ours = parseRtcpCompound(bytes, 0, bytes.length, { reducedSize: true }).map((p) => fromSiphon(p, 12));
    expect(ours).toEqual(peer);
  });

  // Non-empty: rtp.js cannot write back an empty SDES item or BYE reason (see above).
  const ascii = fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x"));
  const text = (s: string) => new TextEncoder().encode(s);
  const peerReadable: fc.Arbitrary<RtcpPacket> = fc.oneof(
    fc.record({
      type: fc.constant("sr" as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32,
      octetCount: u32, reports: fc.array(block, { maxLength: 3 }),
    }),
    fc.record({ type: fc.constant("rr" as const), ssrc: u32, reports: fc.array(block, { maxLength: 3 }) }),
    fc.record({
      type: fc.constant("sdes" as const),
      chunks: fc.array(
        fc.record({
          ssrc: u32,
          items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 7 }), value: ascii.map(text) }), { minLength: 1, maxLength: 3 }),
        }),
        // One chunk: rtp.js misreads a chunk that is not the last when one null octet ends it.
        { minLength: 1, maxLength: 1 },
      ),
    }),
    fc.record({
      type: fc.constant("bye" as const),
      ssrcs: fc.array(u32, { maxLength: 4 }),
      reason: ascii.map(text),
    }),
    fc.record({
      type: fc.constant("nack" as const), senderSsrc: u32, mediaSsrc: u32,
      items: fc.array(fc.record({ pid: fc.nat(0xffff), blp: fc.nat(0xffff) }), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ type: fc.constant("pli" as const), senderSsrc: u32, mediaSsrc: u32 }),
  );

  it("RFC 3550 §6: random packets siphon writes are read alike by rtp.js and written back to the same bytes", () => {
    const first = fc.record({ type: fc.constant("rr" as const), ssrc: u32, reports: fc.array(block, { maxLength: 2 }) });
    fc.assert(
      fc.property(first, fc.array(peerReadable, { maxLength: 4 }), (rr, rest) => {
        const bytes = encodeRtcpCompound([rr, ...rest]);
        const { siphon, peer, peerBytes } = readBoth(bytes);
        expect(siphon).toEqual(peer);
        expect(peerBytes).toEqual(bytes);
      }),
      { numRuns: 1000, seed: 3550 },
    );
  });
});

describe("RTCP against werift-rtp on the same bytes", () => {
  it("RFC 5104 §4.3.1: FIR entries (which rtp.js keeps opaque) read the same", () => {
    const bytes = hex(RR_PLI_FIR);
    const fir = parseRtcpCompound(bytes)[2]!;
    const peer = werift.RtcpPacketConverter.deSerialize(Buffer.from(bytes))[2] as { feedback: { senderSsrc: number; mediaSsrc: number; fir: unknown[] } };
    expect(fir.type).toBe("fir");
    if (fir.type !== "fir") return;
    expect({ senderSsrc: fir.senderSsrc, mediaSsrc: fir.mediaSsrc, entries: fir.entries }).toEqual({
      senderSsrc: peer.feedback.senderSsrc, mediaSsrc: peer.feedback.mediaSsrc, entries: peer.feedback.fir,
    });
  });

  it("RFC 3550 §6.4.1: the 24-bit cumulative loss has the same bits (werift reads it unsigned)", () => {
    const bytes = hex(RR_TWO_BLOCKS);
    const rr = parseRtcpCompound(bytes)[0]!;
    const peer = werift.RtcpPacketConverter.deSerialize(Buffer.from(bytes))[0] as { reports: { packetsLost: number }[] };
    if (rr.type !== "rr") throw new Error("not an RR");
    expect(rr.reports.map((r) => r.cumulativeLost)).toEqual([-1, 0x7fffff]);
    expect(rr.reports.map((r) => r.cumulativeLost & 0xffffff)).toEqual(peer.reports.map((r) => r.packetsLost));
  });

  it("RFC 4585 §6.2.1: the sequence numbers a NACK names are the same", () => {
    const bytes = hex(RR_NACK);
    const peer = werift.RtcpPacketConverter.deSerialize(Buffer.from(bytes))[1] as { feedback: { lost: number[] } };
    const nack = parseRtcpCompound(bytes)[1]!;
    if (nack.type !== "nack") throw new Error("not a NACK");
    expect(peer.feedback.lost).toEqual([100, 101, 103]);
    expect(nack.items).toEqual([{ pid: 100, blp: 0b101 }]);
  });
});
