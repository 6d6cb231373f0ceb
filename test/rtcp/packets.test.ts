import { describe, expect, it } from "vitest";
import {
  encodeRtcpCompound,
  encodeRtcpPacket,
  isVoipMetricsBlock,
  nackItemsFor,
  nackSequenceNumbers,
  parseRtcpCompound,
  parseRtcpPacket,
  RtcpError,
  rtcpCompoundSize,
  rtcpPacketSize,
  sdesItemText,
  tryParseRtcpCompound,
  tryParseRtcpPacket,
  writeRtcpCompound,
  writeRtcpPacket,
} from "../../src/rtcp/index.ts";
import type { RtcpPacket } from "../../src/rtcp/index.ts";
import { tryParseGoodbye } from "../../src/rtcp/bye.ts";
import { tryParseSenderReport } from "../../src/rtcp/sender-report.ts";
import { thrown } from "../thrown.ts";
import {
  hex,
  REDUCED_SIZE_PLI,
  RR_NACK,
  RR_PLI_FIR,
  RR_SDES_APP_PADDED,
  RR_TWO_BLOCKS,
  RR_XR_VOIP,
  SR_SDES_BYE,
} from "../vectors/rtcp/fixtures.ts";

function roundTrip(bytes: Uint8Array): RtcpPacket[] {
  const packets = parseRtcpCompound(bytes);
  expect(rtcpCompoundSize(packets)).toBe(bytes.length);
  expect(encodeRtcpCompound(packets)).toEqual(bytes);
  // xSize equals what writeX wrote, per packet, at an offset; each packet parses alone again.
  let at = 0;
  for (const p of packets) {
    const dst = new Uint8Array(rtcpPacketSize(p) + 3);
    expect(writeRtcpPacket(p, dst, 3)).toBe(rtcpPacketSize(p));
    const one = tryParseRtcpPacket(bytes, at);
    expect(one.ok && one.end).toBe(at + rtcpPacketSize(p));
    expect(encodeRtcpPacket(p)).toEqual(bytes.subarray(at, at + rtcpPacketSize(p)));
    at += rtcpPacketSize(p);
  }
  return packets;
}

describe("RTCP golden packets round-trip parse -> write -> identical bytes", () => {
  it("RFC 3550 §6.4.1 / §6.5 / §6.6: SR + SDES CNAME + BYE with reason", () => {
    const [sr, sdes, bye] = roundTrip(hex(SR_SDES_BYE));
    expect(sr).toMatchObject({
      type: "sr",
      ssrc: 0x902f9e2e,
      ntpSeconds: 0xda8bd1fc,
      ntpFraction: 0xdddda05a,
      rtpTimestamp: 0xaaf4edd5,
      packetCount: 1,
      octetCount: 160,
    });
    if (sr?.type !== "sr") throw new Error();
    expect(sr.reports).toEqual([
      {
        ssrc: 0x12345678,
        fractionLost: 16,
        cumulativeLost: 3,
        extendedHighestSequence: 0x1ffff,
        jitter: 16,
        lastSenderReport: 0x12340000,
        delaySinceLastSenderReport: 0x8000,
      },
    ]);
    if (sdes?.type !== "sdes") throw new Error();
    expect(sdes.chunks[0]!.ssrc).toBe(0x902f9e2e);
    expect(sdes.chunks[0]!.items.map((i) => [i.type, sdesItemText(i)])).toEqual([[1, "user@example.com"]]);
    if (bye?.type !== "bye") throw new Error();
    expect(bye.ssrcs).toEqual([0x902f9e2e]);
    expect(new TextDecoder().decode(bye.reason)).toBe("shutdown");
  });

  it("RFC 3550 §6.4.2 / §6.7 / §6.4.1: empty RR, SDES with two items, padded APP last", () => {
    const [rr, sdes, app] = roundTrip(hex(RR_SDES_APP_PADDED));
    expect(rr).toMatchObject({ type: "rr", ssrc: 0x11111111, reports: [] });
    if (sdes?.type !== "sdes") throw new Error();
    expect(sdes.chunks[0]!.items.map((i) => [i.type, sdesItemText(i)])).toEqual([[1, "abc"], [2, "Alice"]]);
    if (app?.type !== "app") throw new Error();
    expect(app.subtype).toBe(3);
    expect(app.name).toBe("TEST");
    expect(Array.from(app.data)).toEqual([1, 2, 3, 4]);
    expect(app.paddingLength).toBe(4);
  });

  it("RFC 3550 §6.4.1: report blocks with signed 24-bit cumulative loss", () => {
    const [rr] = roundTrip(hex(RR_TWO_BLOCKS));
    if (rr?.type !== "rr") throw new Error();
    expect(rr.reports.map((b) => [b.fractionLost, b.cumulativeLost])).toEqual([[0, -1], [255, 0x7fffff]]);
    expect(rr.reports[1]!.extendedHighestSequence).toBe(0xffffffff);
  });

  it("RFC 4585 §6.2.1: generic NACK with PID and BLP", () => {
    const [, nack] = roundTrip(hex(RR_NACK));
    if (nack?.type !== "nack") throw new Error();
    expect(nack).toMatchObject({ senderSsrc: 0x55555555, mediaSsrc: 0x66666666, items: [{ pid: 100, blp: 5 }] });
    expect(nackSequenceNumbers(nack.items)).toEqual([100, 101, 103]);
  });

  it("RFC 4585 §6.3.1 PLI and RFC 5104 §4.3.1 FIR", () => {
    const [, pli, fir] = roundTrip(hex(RR_PLI_FIR));
    expect(pli).toMatchObject({ type: "pli", senderSsrc: 0x55555555, mediaSsrc: 0x66666666 });
    expect(fir).toMatchObject({ type: "fir", senderSsrc: 0x55555555, mediaSsrc: 0, entries: [{ ssrc: 0x66666666, sequenceNumber: 7 }] });
  });

  it("RFC 3611 §4.7: XR VoIP Metrics report block", () => {
    const [, xr] = roundTrip(hex(RR_XR_VOIP));
    if (xr?.type !== "xr") throw new Error();
    const b = xr.blocks[0]!;
    expect(isVoipMetricsBlock(b)).toBe(true);
    expect(b).toEqual({
      blockType: 7, ssrc: 0x88888888, lossRate: 10, discardRate: 20, burstDensity: 30, gapDensity: 40,
      burstDuration: 100, gapDuration: 500, roundTripDelay: 50, endSystemDelay: 40, signalLevel: -20,
      noiseLevel: -70, rerl: 127, gmin: 16, rFactor: 93, extRFactor: 127, mosLq: 42, mosCq: 43, rxConfig: 5,
      jbNominal: 40, jbMaximum: 80, jbAbsMax: 200,
    });
  });

  it("RFC 3611 §2: an XR block of unknown type is kept as bytes and written back", () => {
    const bytes = hex("80 c9 0001 77777777  80 cf 0004 77777777 04 00 0002 0000abcd 12345678");
    const [, xr] = roundTrip(bytes);
    expect(xr?.type === "xr" && xr.blocks[0]).toMatchObject({ blockType: 4, typeSpecific: 0 });
  });

  it("RFC 3550 §12.1: unknown packet types are kept and round-trip", () => {
    const bytes = hex("80 c9 0001 77777777  85 d0 0001 deadbeef");
    const [, u] = roundTrip(bytes);
    expect(u).toMatchObject({ type: "unknown", packetType: 0xd0, count: 5 });
  });
});

describe("RFC 3550 A.2: compound validity checks", () => {
  const err = (s: string, reducedSize = false) => {
    const r = tryParseRtcpCompound(hex(s), 0, undefined, { reducedSize });
    return r.ok ? "ok" : r.code;
  };
  it("RFC 3550 A.2: the first packet must be SR or RR", () => {
    expect(err(REDUCED_SIZE_PLI)).toBe("FIRST_NOT_REPORT");
    expect(err("81 ca 0002 11111111 01000000")).toBe("FIRST_NOT_REPORT");
  });
  it("RFC 5506 §3: reduced-size RTCP accepts a lone feedback packet", () => {
    expect(err(REDUCED_SIZE_PLI, true)).toBe("ok");
  });
  it("RFC 3550 A.2: the first packet must not be padded; padding only on the last", () => {
    expect(err("a0 c9 0001 00000004")).toBe("PADDING_NOT_LAST");
    expect(err("80 c9 0001 11111111  a0 c9 0002 11111111 00000004  80 c9 0001 11111111")).toBe("PADDING_NOT_LAST");
  });
  it("RFC 3550 A.2: version 2 everywhere and lengths adding up to the datagram", () => {
    expect(err("80 c9 0001 11111111  40 c9 0001 11111111")).toBe("BAD_VERSION");
    expect(err("80 c9 0002 11111111")).toBe("BAD_LENGTH");
    expect(err("80 c9 0001 11111111 00")).toBe("TOO_SHORT");
    expect(err("")).toBe("EMPTY");
  });
  it("RFC 3550 §6.4.1: padding count of zero or beyond the body is BAD_PADDING", () => {
    expect(err("80 c9 0001 11111111  a0 cc 0001 00000000")).toBe("BAD_PADDING");
    expect(err("80 c9 0001 11111111  a0 cc 0001 00000009")).toBe("BAD_PADDING");
  });
  it("RFC 3550 §6.4: count fields that do not fit the packet are BAD_COUNT", () => {
    expect(err("81 c9 0001 11111111")).toBe("BAD_COUNT");
    expect(err("80 c9 0001 11111111  82 cb 0001 11111111")).toBe("BAD_COUNT");
  });
  it("RFC 3550 §6.5: an SDES packet whose length runs past its SC chunks is BAD_COUNT (it could not be written back)", () => {
    // SC = 0 with eight body bytes: found by the property test in fuzz.test.ts.
    expect(err("80 c9 0001 11111111  80 ca 0002 00000000 00000000")).toBe("BAD_COUNT");
    const lone = hex("80 ca 0002 00000000 00000000");
    const r = tryParseRtcpCompound(lone, 0, lone.length, { reducedSize: true });
    expect(r.ok ? "ok" : r.code).toBe("BAD_COUNT");
  });
  it("the datagram bounds are respected: a compound inside a larger buffer parses the same", () => {
    const inner = hex(SR_SDES_BYE);
    const big = new Uint8Array(inner.length + 10).fill(0xff);
    big.set(inner, 5);
    expect(encodeRtcpCompound(parseRtcpCompound(big, 5, inner.length))).toEqual(inner);
  });
  it("failures are values with the byte offset; the throwing forms raise RtcpError with the same", () => {
    const bad = hex("80 c9 0001 11111111  40 c9 0001 11111111");
    expect(tryParseRtcpCompound(bad)).toEqual({ ok: false, code: "BAD_VERSION", offset: 8 });
    expect(thrown(() => parseRtcpCompound(bad))).toMatchObject({ name: "RtcpError", code: "BAD_VERSION", offset: 8 });
    expect(tryParseRtcpPacket(bad, 8)).toEqual({ ok: false, code: "BAD_VERSION", offset: 8 });
    const e = thrown(() => parseRtcpPacket(bad, 8));
    expect(e).toBeInstanceOf(RtcpError);
    expect(e).toMatchObject({ code: "BAD_VERSION", offset: 8 });
  });
});

describe("RTCP writers", () => {
  it("RFC 3550 §6.4.1: more than 31 report blocks is a typed error", () => {
    const block = { ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0 };
    const e = thrown(() =>
      encodeRtcpPacket({ type: "sr", ssrc: 1, ntpSeconds: 0, ntpFraction: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports: new Array(32).fill(block) })
    );
    expect(e).toBeInstanceOf(RtcpError);
    expect(e).toMatchObject({ code: "FIELD_OUT_OF_RANGE" });
  });
  it("RFC 3550 §6.4.1: padding is only allowed on the last packet of a compound", () => {
    const rr: RtcpPacket = { type: "rr", ssrc: 1, reports: [], paddingLength: 4 };
    expect(() => writeRtcpCompound([rr, { type: "rr", ssrc: 2, reports: [] }], new Uint8Array(64), 0)).toThrow(RtcpError);
  });
  it("RFC 4585 §6.2.1: NACK items packed from lost sequence numbers, across the wrap", () => {
    const items = nackItemsFor([65534, 65535, 0, 15, 16, 40]);
    expect(items).toEqual([
      { pid: 65534, blp: 0b11 }, // 65535 and 0 (the wrap)
      { pid: 15, blp: 0b1 }, // 15 is 17 after 65534: a new item; 16 follows it
      { pid: 40, blp: 0 },
    ]);
    expect(nackSequenceNumbers(items)).toEqual([65534, 65535, 0, 15, 16, 40]);
    const bytes = encodeRtcpPacket({ type: "nack", senderSsrc: 1, mediaSsrc: 2, items });
    expect(bytes.length).toBe(12 + 12);
  });
  it("the SR parser refuses other packet types; the BYE parser reads a BYE without reason", () => {
    expect(tryParseSenderReport(hex("80 c9 0001 11111111"))).toEqual({ ok: false, code: "WRONG_TYPE", offset: 1 });
    const b = tryParseGoodbye(hex("81 cb 0001 11111111"));
    expect(b).toEqual({ ok: true, value: { type: "bye", ssrcs: [0x11111111], paddingLength: 0 }, end: 8 });
  });
});
