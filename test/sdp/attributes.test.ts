import { describe, expect, it } from "vitest";
import {
  formatCandidate,
  formatCrypto,
  formatEventList,
  formatExtmap,
  formatRtcp,
  formatRtcpFeedback,
  formatRtpMap,
  parseCandidate,
  parseCrypto,
  parseEventList,
  parseExtmap,
  parseFingerprint,
  parseFmtp,
  parseGroup,
  parseRtcp,
  parseRtcpFeedback,
  parseRtpMap,
  parseSdp,
  parseSetup,
  parseSsrc,
  parseSsrcGroup,
  staticRtpMap,
} from "../../src/sdp/index.ts";
import { fixture } from "./fixtures.ts";

describe("typed attributes", () => {
  it("RFC 8866 §6.6: rtpmap with and without encoding parameters; malformed ones are undefined", () => {
    expect(parseRtpMap("99 h263-1998/90000")).toEqual({ payloadType: 99, encoding: "h263-1998", clockRate: 90000 });
    expect(parseRtpMap("111 opus/48000/2")).toEqual({ payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2 });
    expect(formatRtpMap({ payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2 })).toBe("111 opus/48000/2");
    for (const bad of ["", "99", "128 PCMU/8000", "x PCMU/8000", "0 PCMU", "0 PCMU/0", "0 /8000", "0 PCMU/8000/0", "0 PCMU/8000 extra"]) {
      expect(parseRtpMap(bad), bad).toBeUndefined();
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
    expect(parseFmtp("__proto__ x")).toBeUndefined();
    expect(Object.entries(parseFmtp("96 __proto__=1")!.parameters)).toEqual([["__proto__", "1"]]);
  });

  it("RFC 4733 §7.1.1: telephone-event lists", () => {
    expect(parseEventList("0-11,16")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16]);
    expect(formatEventList([16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3])).toBe("0-11,16");
    expect(parseEventList("5-2")).toBeUndefined();
    expect(parseEventList("0-256")).toBeUndefined();
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
      expect(parseCrypto(bad), bad).toBeUndefined();
    }
  });

  it("RFC 8839 §5.1: candidates (host, and srflx with related address and extensions)", () => {
    const host = "1 1 UDP 2130706431 203.0.113.141 8998 typ host";
    expect(parseCandidate(host)).toEqual({ foundation: "1", component: 1, transport: "UDP", priority: 2130706431, address: "203.0.113.141", port: 8998, type: "host", extensions: [] });
    const srflx = "2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998 generation 0";
    const c = parseCandidate(srflx)!;
    expect([c.relatedAddress, c.relatedPort, c.extensions]).toEqual(["203.0.113.141", 8998, [["generation", "0"]]]);
    expect(formatCandidate(c)).toBe(srflx);
    expect(parseCandidate("1 1 UDP 1 203.0.113.141 8998 host")).toBeUndefined();
    expect(parseCandidate("1 0 UDP 1 203.0.113.141 8998 typ host")).toBeUndefined();
  });

  it("RFC 8122 §5, RFC 4145 §4: fingerprint and setup", () => {
    expect(parseFingerprint("SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB")).toEqual({ hash: "sha-1", value: "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB" });
    expect(parseFingerprint("sha-256")).toBeUndefined();
    expect(["active", "passive", "actpass", "holdconn", "other"].map(parseSetup)).toEqual(["active", "passive", "actpass", "holdconn", undefined]);
  });

  it("RFC 5576 §4: ssrc and ssrc-group", () => {
    expect(parseSsrc("314159 cname:user@example.com")).toEqual({ id: 314159, attribute: "cname", value: "user@example.com" });
    expect(parseSsrc("314159 previous-ssrc")).toEqual({ id: 314159, attribute: "previous-ssrc" });
    expect(parseSsrc("4294967296 cname:x")).toBeUndefined();
    expect(parseSsrcGroup("FID 314159 271828")).toEqual({ semantics: "FID", ssrcs: [314159, 271828] });
  });

  it("RFC 5888 §5, RFC 9143: group and mid", () => {
    const sd = parseSdp("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE foo bar\r\na=group:LS foo\r\nm=audio 4000 RTP/AVP 0\r\na=mid:foo\r\nm=video 4000 RTP/AVP 31\r\na=mid:bar\r\n");
    expect(sd.groups()).toEqual([{ semantics: "BUNDLE", mids: ["foo", "bar"] }, { semantics: "LS", mids: ["foo"] }]);
    expect(sd.media.map((m) => m.mid)).toEqual(["foo", "bar"]);
    expect(parseGroup("")).toBeUndefined();
  });

  it("RFC 8285 §8: extmap with and without direction and attributes", () => {
    expect(parseExtmap("1 http://example.com/082005/ext.htm#ttime")).toEqual({ id: 1, uri: "http://example.com/082005/ext.htm#ttime" });
    const e = parseExtmap("2/sendrecv http://example.com/082005/ext.htm#xmeta short")!;
    expect(e).toEqual({ id: 2, direction: "sendrecv", uri: "http://example.com/082005/ext.htm#xmeta", attributes: "short" });
    expect(formatExtmap(e)).toBe("2/sendrecv http://example.com/082005/ext.htm#xmeta short");
    expect(parseExtmap("2/sideways urn:x")).toBeUndefined();
    expect(parseExtmap("0 urn:x")).toBeUndefined();
  });

  it("RFC 3605 §2.1 and RFC 4585 §4.2: rtcp and rtcp-fb", () => {
    expect(parseRtcp("53020")).toEqual({ port: 53020 });
    expect(parseRtcp("53020 IN IP6 2001:2345:6789:ABCD:EF01:2345:6789:ABCD")).toEqual({ port: 53020, netType: "IN", addrType: "IP6", address: "2001:2345:6789:ABCD:EF01:2345:6789:ABCD" });
    expect(formatRtcp({ port: 53020, netType: "IN", addrType: "IP4", address: "126.16.64.4" })).toBe("53020 IN IP4 126.16.64.4");
    expect(parseRtcp("53020 IN IP4")).toBeUndefined();
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
