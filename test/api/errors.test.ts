import { describe, expect, it } from "vitest";
import { CodecError } from "../../src/codec/index.ts";
import { CODEC_ERROR_CODES } from "../../src/codec/errors.ts";
import { SiphonError } from "../../src/errors.ts";
import { RtcpError } from "../../src/rtcp/index.ts";
import { RTCP_ERROR_CODES } from "../../src/rtcp/errors.ts";
import { RtpError } from "../../src/rtp/index.ts";
import { RTP_ERROR_CODES } from "../../src/rtp/abi.generated.ts";
import { SipParseError, SipValidationError } from "../../src/sip/index.ts";
import { SIP_ERROR_CODES } from "../../src/sip/abi.generated.ts";
import { SrtpAuthError, SrtpError, SrtpLimitError, SrtpPacketError, SrtpReplayError } from "../../src/srtp/index.ts";
import { SRTP_ERROR_CODES } from "../../src/srtp/abi.generated.ts";

/** One row per error class of the layers: how to make one with a code, an offset and a cause. */
const CLASSES: [string, (cause: Error) => SiphonError, string][] = [
  ["SipParseError", (cause) => new SipParseError("BAD_URI", "m", { offset: 7, cause }), "BAD_URI"],
  ["SipValidationError", (cause) => new SipValidationError("header-value", "BAD_VIA", "m", { offset: 7, cause }), "BAD_VIA"],
  ["RtpError", (cause) => new RtpError("TOO_SHORT", "m", { offset: 7, cause }), "TOO_SHORT"],
  ["RtcpError", (cause) => new RtcpError("BAD_COUNT", "m", { offset: 7, cause }), "BAD_COUNT"],
  ["CodecError", (cause) => new CodecError("BAD_LENGTH", "m", { offset: 7, cause }), "BAD_LENGTH"],
  ["SrtpError", (cause) => new SrtpError("BAD_KEY", "m", { cause }), "BAD_KEY"],
  ["SrtpAuthError", (cause) => new SrtpAuthError("AUTH_FAILED", "m", { ssrc: 1, index: 2, cause }), "AUTH_FAILED"],
  ["SrtpReplayError", (cause) => new SrtpReplayError("REPLAY", "m", { cause }), "REPLAY"],
  ["SrtpLimitError", (cause) => new SrtpLimitError("LIMIT", "m", { cause }), "LIMIT"],
  ["SrtpPacketError", (cause) => new SrtpPacketError("TOO_LONG", "m", { cause }), "TOO_LONG"],
];

describe("one shape for errors (CONTRIBUTING, conventions for every layer)", () => {
  for (const [name, make, code] of CLASSES) {
    it(`${name}: a SiphonError with its name, the code as given, and the cause kept`, () => {
      const cause = new Error("underneath");
      const e = make(cause);
      expect(e).toBeInstanceOf(SiphonError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(e.code).toBe(code);
      expect(e.cause).toBe(cause);
      if ("offset" in e) expect(e.offset).toBe(7);
    });
  }

  it("a message that parsed and broke a rule is not a parse error", () => {
    expect(new SipValidationError("method", "BAD_METHOD", "m")).not.toBeInstanceOf(SipParseError);
  });

  const lists: [string, readonly string[]][] = [
    ["sip", SIP_ERROR_CODES],
    ["rtp", RTP_ERROR_CODES],
    ["rtcp", RTCP_ERROR_CODES],
    ["codec", CODEC_ERROR_CODES],
    ["srtp", SRTP_ERROR_CODES],
  ];
  for (const [layer, codes] of lists) {
    it(`the ${layer} layer has one list of UPPER_SNAKE_CASE codes, without a layer prefix`, () => {
      expect(codes.length).toBeGreaterThan(3);
      expect(new Set(codes).size).toBe(codes.length);
      for (const c of codes) {
        expect(c).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
        expect(c.startsWith(`${layer.toUpperCase()}_`)).toBe(false);
      }
    });
  }
});
