import { describe, expect, it } from "vitest";
import {
  formatCandidate,
  formatCrypto,
  formatEventList,
  formatExtmap,
  formatRtcp,
  formatRtcpFeedback,
  formatRtpMap,
  parseBandwidth,
  parseCandidate,
  parseConnection,
  parseCrypto,
  parseEventList,
  parseExtmap,
  parseFingerprint,
  parseFmtp,
  parseGroup,
  parseOrigin,
  parseRtcp,
  parseRtcpFeedback,
  parseRtpMap,
  parseSdp,
  parseSetup,
  parseSsrc,
  parseSsrcGroup,
  SdpParseError,
  staticRtpMap,
} from "../../src/sdp/index.ts";
import type { SdpErrorCode } from "../../src/sdp/index.ts";
import type { ParseResult } from "../../src/errors.ts";
import { thrown } from "../thrown.ts";
import { fixture } from "./fixtures.ts";
import { VALUE_PARSERS } from "./value-parsers.ts";

/** The failure every value parser gives for malformed text: BAD_ATTRIBUTE_VALUE at offset 0. */
const BAD = { ok: false, code: "BAD_ATTRIBUTE_VALUE", offset: 0 };

/** The public `tryParseX` of a line or attribute (test/sdp/value-parsers.ts) on `value`. */
function tryParse(line: string, value: string): ParseResult<unknown, SdpErrorCode> {
  return VALUE_PARSERS[line]!.tryParse(value);
}

/** A result as a plain object, for toEqual against {@link BAD} or `{ ok: true, value }`. */
function result<T>(r: ParseResult<T, SdpErrorCode>): unknown {
  return r.ok ? { ok: true, value: r.value } : { ok: r.ok, code: r.code, offset: r.offset };
}

describe("typed attributes", () => {
  it("RFC 8866 §6.6: rtpmap with and without encoding parameters; malformed ones are failures", () => {
    expect(parseRtpMap("99 h263-1998/90000")).toEqual({ payloadType: 99, encoding: "h263-1998", clockRate: 90000 });
    expect(parseRtpMap("111 opus/48000/2")).toEqual({ payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2 });
    expect(formatRtpMap({ payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2 })).toBe("111 opus/48000/2");
    for (const bad of ["", "99", "128 PCMU/8000", "x PCMU/8000", "0 PCMU", "0 PCMU/0", "0 /8000", "0 PCMU/8000/0", "0 PCMU/8000 extra"]) {
      expect(result(tryParse("a=rtpmap", bad)), bad).toEqual(BAD);
    }
  });

  it("RFC 3551 §6: static payload types need no rtpmap", () => {
    expect(staticRtpMap(0)).toEqual({ payloadType: 0, encoding: "PCMU", clockRate: 8000 });
    expect(staticRtpMap(10)).toEqual({ payloadType: 10, encoding: "L16", clockRate: 44100, channels: 2 });
    expect(staticRtpMap(96)).toBeUndefined();
    const m = parseSdp(fixture("rfc3264/10.1-answer.sdp")).media[1]!;
    expect(m.rtpMap(31)).toEqual({ payloadType: 31, encoding: "H261", clockRate: 90000 });
  });

  it("RFC 8866 §6.15: fmtp parameters as a map, the text kept as received", () => {
    const f = parseFmtp("111 minptime=10; useinbandfec=1;stereo=0;minptime=20")!;
    expect(f.payloadType).toBe(111);
    expect(f.text).toBe("minptime=10; useinbandfec=1;stereo=0;minptime=20");
    expect({ ...f.parameters }).toEqual({ minptime: "10", useinbandfec: "1", stereo: "0" });
    expect({ ...parseFmtp("101 0-15")!.parameters }).toEqual({ "0-15": "" });
    expect(result(tryParse("a=fmtp", "__proto__ x"))).toEqual(BAD);
    expect(Object.entries(parseFmtp("96 __proto__=1")!.parameters)).toEqual([["__proto__", "1"]]);
  });

  it("RFC 4733 §7.1.1: telephone-event lists", () => {
    expect(parseEventList("0-11,16")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16]);
    expect(formatEventList([16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3])).toBe("0-11,16");
    expect(result(tryParse("telephone-event list", "5-2"))).toEqual(BAD);
    expect(result(tryParse("telephone-event list", "0-256"))).toEqual(BAD);
    expect(result(tryParse("telephone-event list", "0-15"))).toEqual({ ok: true, value: [...Array(16).keys()] });
  });

  it("RFC 4568 §9: the crypto lines of the RFC's offer", () => {
    const m = parseSdp(fixture("rfc4568/offer.sdp")).media[0]!;
    const [c1, c2] = m.cryptos();
    expect(c1).toEqual({
      tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", sessionParams: ["FEC_ORDER=FEC_SRTP"],
      keys: [{ method: "inline", info: "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4", keySalt: "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz", lifetime: 1048576, mki: { value: 1, length: 4 } }],
    });
    expect(c2!.keys.map((k) => [k.keySalt, k.mki?.value])).toEqual([["MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm", 1], ["QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5", 2]]);
    expect(m.attributeValues("crypto").map((v) => formatCrypto(parseCrypto(v)!))).toEqual(m.attributeValues("crypto"));
  });

  it("RFC 4568 §6.1: an MKI without a lifetime; §4's example with a 32-byte MKI length", () => {
    const k = parseCrypto("1 AES_CM_128_HMAC_SHA1_80 inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2|1066:4")!.keys[0]!;
    expect([k.lifetime, k.mki]).toEqual([undefined, { value: 1066, length: 4 }]);
    expect(parseCrypto("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32")!.keys[0]).toMatchObject({ lifetime: 2 ** 20, mki: { value: 1, length: 32 } });
    for (const bad of ["1 AES_CM_128_HMAC_SHA1_80", "x AES inline:abc", "1234567890 AES inline:abc", "1 S inline:", "1 S inline:a|1:4|2^20", "1 S inline:a|2^|1:4", "1 S noMethod"]) {
      expect(result(tryParse("a=crypto", bad)), bad).toEqual(BAD);
    }
  });

  it("RFC 8839 §5.1: candidates (host, and srflx with related address and extensions)", () => {
    const host = "1 1 UDP 2130706431 203.0.113.141 8998 typ host";
    expect(parseCandidate(host)).toEqual({ foundation: "1", component: 1, transport: "UDP", priority: 2130706431, address: "203.0.113.141", port: 8998, type: "host", extensions: [] });
    const srflx = "2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998 generation 0";
    const c = parseCandidate(srflx)!;
    expect([c.relatedAddress, c.relatedPort, c.extensions]).toEqual(["203.0.113.141", 8998, [["generation", "0"]]]);
    expect(formatCandidate(c)).toBe(srflx);
    expect(result(tryParse("a=candidate", "1 1 UDP 1 203.0.113.141 8998 host"))).toEqual(BAD);
    expect(result(tryParse("a=candidate", "1 0 UDP 1 203.0.113.141 8998 typ host"))).toEqual(BAD);
  });

  it("RFC 8122 §5, RFC 4145 §4: fingerprint and setup", () => {
    expect(parseFingerprint("SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB")).toEqual({ hash: "sha-1", value: "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB" });
    expect(result(tryParse("a=fingerprint", "sha-256"))).toEqual(BAD);
    expect(["active", "passive", "actpass", "holdconn"].map(parseSetup)).toEqual(["active", "passive", "actpass", "holdconn"]);
    expect(result(tryParse("a=setup", "other"))).toEqual(BAD);
  });

  it("RFC 5576 §4: ssrc and ssrc-group", () => {
    expect(parseSsrc("314159 cname:user@example.com")).toEqual({ id: 314159, attribute: "cname", value: "user@example.com" });
    expect(parseSsrc("314159 previous-ssrc")).toEqual({ id: 314159, attribute: "previous-ssrc" });
    expect(result(tryParse("a=ssrc", "4294967296 cname:x"))).toEqual(BAD);
    expect(result(tryParse("a=ssrc-group", "FID 1 x"))).toEqual(BAD);
    expect(parseSsrcGroup("FID 314159 271828")).toEqual({ semantics: "FID", ssrcs: [314159, 271828] });
  });

  it("RFC 5888 §5, RFC 9143: group and mid", () => {
    const sd = parseSdp("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE foo bar\r\na=group:LS foo\r\nm=audio 4000 RTP/AVP 0\r\na=mid:foo\r\nm=video 4000 RTP/AVP 31\r\na=mid:bar\r\n");
    expect(sd.groups()).toEqual([{ semantics: "BUNDLE", mids: ["foo", "bar"] }, { semantics: "LS", mids: ["foo"] }]);
    expect(sd.media.map((m) => m.mid)).toEqual(["foo", "bar"]);
    expect(result(tryParse("a=group", ""))).toEqual(BAD);
    expect(parseGroup("LS 1 2")).toEqual({ semantics: "LS", mids: ["1", "2"] });
  });

  it("RFC 8285 §8: extmap with and without direction and attributes", () => {
    expect(parseExtmap("1 http://example.com/082005/ext.htm#ttime")).toEqual({ id: 1, uri: "http://example.com/082005/ext.htm#ttime" });
    const e = parseExtmap("2/sendrecv http://example.com/082005/ext.htm#xmeta short")!;
    expect(e).toEqual({ id: 2, direction: "sendrecv", uri: "http://example.com/082005/ext.htm#xmeta", attributes: "short" });
    expect(formatExtmap(e)).toBe("2/sendrecv http://example.com/082005/ext.htm#xmeta short");
    expect(result(tryParse("a=extmap", "2/sideways urn:x"))).toEqual(BAD);
    expect(result(tryParse("a=extmap", "0 urn:x"))).toEqual(BAD);
  });

  it("RFC 3605 §2.1 and RFC 4585 §4.2: rtcp and rtcp-fb", () => {
    expect(parseRtcp("53020")).toEqual({ port: 53020 });
    expect(parseRtcp("53020 IN IP6 2001:2345:6789:ABCD:EF01:2345:6789:ABCD")).toEqual({ port: 53020, netType: "IN", addrType: "IP6", address: "2001:2345:6789:ABCD:EF01:2345:6789:ABCD" });
    expect(formatRtcp({ port: 53020, netType: "IN", addrType: "IP4", address: "126.16.64.4" })).toBe("53020 IN IP4 126.16.64.4");
    expect(result(tryParse("a=rtcp", "53020 IN IP4"))).toEqual(BAD);
    expect(result(tryParse("a=rtcp-fb", "96"))).toEqual(BAD);
    expect(parseRtcpFeedback("* nack")).toEqual({ format: "*", type: "nack" });
    expect(parseRtcpFeedback("96 nack pli")).toEqual({ format: "96", type: "nack", parameters: "pli" });
    expect(formatRtcpFeedback({ format: "98", type: "trr-int", parameters: "100" })).toBe("98 trr-int 100");
  });

  it("accessors on a WebRTC-style description; ICE and DTLS at session and media level", () => {
    const sd = parseSdp(
      [
        "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0", "a=ice-options:trickle ice2",
        "a=fingerprint:sha-256 12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:8hhY", "a=ice-pwd:asd88fgpdd777uzjYhagZg",
        "a=setup:actpass", "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=sendrecv", "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:63 red/48000/2",
        "a=fmtp:63 111/111", "a=ssrc:3735928559 cname:f7f2a5", "a=candidate:1 1 udp 2122260223 192.0.2.5 54321 typ host generation 0",
      ].map((l) => `${l}\r\n`).join(""),
    );
    expect(sd.iceOptions).toEqual(["trickle", "ice2"]);
    expect(sd.fingerprints()[0]!.hash).toBe("sha-256");
    const m = sd.media[0]!;
    expect([m.iceUfrag, m.icePwd, m.setup, m.mid, m.rtcpMux, m.direction]).toEqual(["8hhY", "asd88fgpdd777uzjYhagZg", "actpass", "0", true, "sendrecv"]);
    expect(m.rtcp).toEqual({ port: 9, netType: "IN", addrType: "IP4", address: "0.0.0.0" });
    expect(m.rtpMaps().map((r) => r.encoding)).toEqual(["opus", "red"]);
    expect(m.fmtp(63)?.text).toBe("111/111");
    expect(m.rtcpFeedback()).toEqual([{ format: "111", type: "transport-cc" }]);
    expect(m.extmaps()[0]!.uri).toBe("urn:ietf:params:rtp-hdrext:ssrc-audio-level");
    expect(m.ssrcs()).toEqual([{ id: 3735928559, attribute: "cname", value: "f7f2a5" }]);
    expect(m.candidates()[0]!.port).toBe(54321);
    expect(m.ssrcGroups()).toEqual([]);
  });

  it("setters replace in place and keep unknown attributes where they were", () => {
    const sd = parseSdp("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=x-first\r\na=ptime:20\r\na=sendonly\r\na=x-vendor:42\r\na=ptime:30\r\n");
    const m = sd.media[0]!;
    m.setAttribute("ptime", "40");
    m.direction = "inactive";
    m.addAttribute("x-last", "");
    expect(m.attributes).toEqual([{ name: "x-first" }, { name: "ptime", value: "40" }, { name: "inactive" }, { name: "x-vendor", value: "42" }, { name: "x-last", value: "" }]);
    expect(m.toString()).toBe("m=audio 4000 RTP/AVP 0\r\na=x-first\r\na=ptime:40\r\na=inactive\r\na=x-vendor:42\r\na=x-last:\r\n");
    expect(m.removeAttribute("x-vendor")).toBe(1);
    m.direction = undefined;
    expect(m.direction).toBeUndefined();
    expect(m.attributes.map((a) => a.name)).toEqual(["x-first", "ptime", "x-last"]);
    m.direction = "recvonly";
    expect(m.attributes.at(-1)).toEqual({ name: "recvonly" });
    expect(m.attribute("x-last")).toBe("");
    expect(m.attribute("missing")).toBeUndefined();
    expect(m.ptime).toBe(40);
  });
});

describe("value parsers: parseX throws SdpParseError, tryParseX returns the value (CONTRIBUTING, conventions)", () => {
  /** A well-formed and a malformed value of each attribute parser. */
  const examples: [line: string, good: string, bad: string][] = [
    ["a=rtpmap", "0 PCMU/8000", "0 PCMU"],
    ["a=fmtp", "101 0-15", "x 0-15"],
    ["telephone-event list", "0-11,16", "0-x"],
    ["a=rtcp", "53020", "port"],
    ["a=rtcp-fb", "* nack", "*"],
    ["a=crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2", "1 AES"],
    ["a=fingerprint", "sha-256 AB:CD", "sha-256"],
    ["a=setup", "actpass", "sideways"],
    ["a=candidate", "1 1 UDP 1 192.0.2.1 9 typ host", "1 1 UDP"],
    ["a=ssrc", "1 cname:x", "x cname:x"],
    ["a=ssrc-group", "FID 1 2", ""],
    ["a=group", "BUNDLE a b", " "],
    ["a=extmap", "1 urn:x", "urn:x"],
  ];
  it("every attribute parser of the layer has its examples here", () => {
    expect(examples.map(([line]) => line).sort()).toEqual(Object.keys(VALUE_PARSERS).filter((k) => k.startsWith("a=") || k.includes(" ")).sort());
  });
  for (const [line, good, bad] of examples) {
    const { parse } = VALUE_PARSERS[line]!;
    it(`${line}: the pair agree on good and malformed values`, () => {
      const ok = tryParse(line, good);
      expect(ok.ok).toBe(true);
      expect(parse(good)).toEqual(ok.ok && ok.value);
      expect(result(tryParse(line, bad))).toEqual(BAD);
      const e = thrown(() => parse(bad));
      expect(e).toBeInstanceOf(SdpParseError);
      expect([(e as SdpParseError).code, (e as SdpParseError).offset, (e as SdpParseError).line]).toEqual(["BAD_ATTRIBUTE_VALUE", 0, 0]);
      expect((e as SdpParseError).message).toBe(`SDP: malformed ${line} value ${JSON.stringify(bad)}`);
    });
  }

  it("RFC 8866 §5.2, §5.7, §5.8: o=, c= and b= values fail with their line's code", () => {
    expect(parseOrigin("jdoe 2890844526 2890842807 IN IP4 10.47.16.5")).toEqual({
      username: "jdoe", sessionId: "2890844526", sessionVersion: "2890842807", netType: "IN", addrType: "IP4", address: "10.47.16.5",
    });
    expect(tryParse("c=", "IN IP4 224.2.1.1/127/3")).toEqual({ ok: true, value: { netType: "IN", addrType: "IP4", address: "224.2.1.1", ttl: 127, count: 3 } });
    expect(parseBandwidth("AS:64")).toEqual({ type: "AS", value: 64 });
    expect(tryParse("o=", "jdoe x 1 IN IP4 10.47.16.5")).toEqual({ ok: false, code: "BAD_ORIGIN", offset: 0 });
    expect(tryParse("c=", "IN IP6 ff00::1/3/2")).toEqual({ ok: false, code: "BAD_CONNECTION", offset: 0 });
    expect(tryParse("b=", "AS")).toEqual({ ok: false, code: "BAD_BANDWIDTH", offset: 0 });
    const e = thrown(() => parseConnection("IN IP4"));
    expect([(e as SdpParseError).code, (e as SdpParseError).message]).toEqual(["BAD_CONNECTION", 'SDP: malformed c= value "IN IP4"']);
  });

  it("a long malformed value is shortened in the message", () => {
    const e = thrown(() => parseRtpMap(`0 ${"x".repeat(200)}`)) as SdpParseError;
    expect(e.message).toBe(`SDP: malformed a=rtpmap value ${JSON.stringify(`0 ${"x".repeat(75)}...`)}`);
  });
});
