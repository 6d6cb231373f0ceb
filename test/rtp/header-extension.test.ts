import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  encodeRtpExtensionElements,
  encodeRtpPacket,
  parseRtpExtensionElements,
  parseRtpPacket,
  RtpError,
  rtpExtensionElementsSize,
  tryParseRtpExtensionElements,
  writeRtpExtensionElements,
} from "../../src/rtp/index.ts";
import { RTP_ERROR_CODES } from "../../src/rtp/abi.generated.ts";
import { thrown } from "../thrown.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));

describe("RTP header extension elements (RFC 8285)", () => {
  it("RFC 8285 §4.2: the one-byte example (L=0, L=1, two padding bytes, L=3)", () => {
    // 0xBEDE, length=3; IDs 1, 2, 3 with 1, 2 and 4 data bytes, padding between 2 and 3.
    const pkt = hex("90 00 0001 00000000 00000001 bede 0003 10aa 21bb bb00 0033 cccc cccc");
    const e = parseRtpExtensionElements(parseRtpPacket(pkt).extension!);
    expect(e.form).toBe("one-byte");
    expect(e.elements.map((x) => [x.id, Array.from(x.data)])).toEqual([
      [1, [0xaa]],
      [2, [0xbb, 0xbb]],
      [3, [0xcc, 0xcc, 0xcc, 0xcc]],
    ]);
  });

  it("RFC 8285 §4.3: the two-byte example (L=0, L=1, one padding byte, L=4) with appbits", () => {
    const ext = { profile: 0x1005, data: hex("0100 0201 dd00 0304 eeeeeeee") };
    const e = parseRtpExtensionElements(ext);
    expect(e.form).toBe("two-byte");
    expect(e.appBits).toBe(5);
    expect(e.elements.map((x) => [x.id, Array.from(x.data)])).toEqual([
      [1, []],
      [2, [0xdd]],
      [3, [0xee, 0xee, 0xee, 0xee]],
    ]);
  });

  it("RFC 8285 §4.2: ID 15 terminates processing, its length ignored", () => {
    const e = parseRtpExtensionElements({ profile: 0xbede, data: hex("10aa ff11 2233 4455") });
    expect(e.elements.map((x) => x.id)).toEqual([1]);
  });

  it("RFC 8285 §4.1: element overrunning the block, reserved ID 0, unknown profile", () => {
    const over = { profile: 0xbede, data: hex("13aa bbcc") };
    expect(tryParseRtpExtensionElements(over)).toEqual({ ok: false, code: "BAD_EXTENSION_ELEMENT", offset: 0 });
    expect(thrown(() => parseRtpExtensionElements(over))).toMatchObject({ code: "BAD_EXTENSION_ELEMENT", offset: 0 });
    const id0 = tryParseRtpExtensionElements({ profile: 0xbede, data: hex("0100 0000") });
    expect(id0).toEqual({ ok: false, code: "BAD_EXTENSION_ELEMENT", offset: 0 });
    const two = tryParseRtpExtensionElements({ profile: 0x1000, data: hex("0105 aabb") });
    expect(two).toEqual({ ok: false, code: "BAD_EXTENSION_ELEMENT", offset: 0 });
    const prof = tryParseRtpExtensionElements({ profile: 0xabac, data: hex("00000000") });
    expect(prof).toEqual({ ok: false, code: "UNKNOWN_EXTENSION_PROFILE", offset: 0 });
  });

  it("RFC 8285 §4.1: the one-byte form is chosen when IDs are 1..14 and data 1..16 bytes, else two-byte", () => {
    const one = encodeRtpExtensionElements([{ id: 3, data: Uint8Array.of(7) }]);
    expect(one.profile).toBe(0xbede);
    expect(one.data).toEqual(hex("30070000"));
    const two = encodeRtpExtensionElements([{ id: 20, data: Uint8Array.of(7) }]);
    expect(two.profile).toBe(0x1000);
    expect(two.data).toEqual(hex("14010700"));
    const empty = encodeRtpExtensionElements([{ id: 3, data: new Uint8Array(0) }]);
    expect(empty.profile).toBe(0x1000);
    expect(() => writeRtpExtensionElements([{ id: 15, data: Uint8Array.of(1) }], new Uint8Array(4), 0, "one-byte")).toThrow(RtpError);
  });

  it("RFC 8285 §4: elements -> extension -> RTP packet -> elements round trip; size equals bytes written", () => {
    const el = fc.record({ id: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ maxLength: 20 }) });
    fc.assert(
      fc.property(fc.array(el, { maxLength: 6 }), (elements) => {
        const ext = encodeRtpExtensionElements(elements);
        const form = ext.profile === 0xbede ? "one-byte" : "two-byte";
        const dst = new Uint8Array(600);
        expect(writeRtpExtensionElements(elements, dst, 3, form)).toBe(rtpExtensionElementsSize(elements, form));
        const pkt = encodeRtpPacket({
          padding: false, marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: [], extension: ext,
          payload: new Uint8Array(0),
        });
        const back = parseRtpExtensionElements(parseRtpPacket(pkt).extension!);
        expect(back.elements.map((x) => [x.id, Array.from(x.data)])).toEqual(elements.map((x) => [x.id, Array.from(x.data)]));
      }),
      { numRuns: 1000 },
    );
  });

  it("RFC 8285: random extension data gives elements or a typed error, inside the block", () => {
    fc.assert(
      fc.property(fc.constantFrom(0xbede, 0x1000, 0x100f, 0x1234), fc.uint8Array({ maxLength: 64 }), (profile, data) => {
        const e = tryParseRtpExtensionElements({ profile, data });
        if (!e.ok) {
          expect(RTP_ERROR_CODES).toContain(e.code);
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(data.length);
          return;
        }
        for (const x of e.value.elements) {
          expect(x.data.byteOffset).toBeGreaterThanOrEqual(data.byteOffset);
          expect(x.data.byteOffset + x.data.length).toBeLessThanOrEqual(data.byteOffset + data.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
