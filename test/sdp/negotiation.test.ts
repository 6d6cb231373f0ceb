import { describe, expect, it } from "vitest";
import {
  answerDirection,
  applyAnswer,
  createAnswer,
  createHoldOffer,
  createOffer,
  createResumeOffer,
  decodeBase64,
  isHold,
  parseSdp,
  SDES_SUITES,
} from "../../src/sdp/index.ts";
import type { SdpDirection, SdpLocalOptions, SdpMediaCapabilities, SessionDescription } from "../../src/sdp/index.ts";
import { SRTP_PROFILES } from "../../src/srtp/index.ts";
import { fixture } from "./fixtures.ts";

/** Deterministic bytes: 1, 2, 3, … so that keys and ids are reproducible and distinct. */
function counter(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => ++i & 0xff);
}

const PHONE: SdpMediaCapabilities = {
  port: 40000,
  codecs: [{ name: "opus", clockRate: 48000, channels: 2, fmtp: "minptime=10;useinbandfec=1" }, { name: "PCMU", clockRate: 8000 }, { name: "PCMA", clockRate: 8000 }],
  ptime: 20,
};

const local = (media: SdpMediaCapabilities[], extra: Partial<SdpLocalOptions> = {}): SdpLocalOptions => ({
  address: "192.0.2.10", media, random: counter(), ...extra,
});

function answer(offer: SessionDescription | string, options: SdpLocalOptions) {
  const r = createAnswer(typeof offer === "string" ? parseSdp(offer) : offer, options);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return r;
}

describe("createOffer", () => {
  it("RFC 3264 §5.1: codecs in preference order with rtpmap/fmtp, telephone-event at each clock rate, ptime, rtcp-mux, direction", () => {
    const offer = createOffer(local([PHONE], { sessionId: "42" }));
    expect(offer.toString()).toBe(
      "v=0\r\no=- 42 42 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 40000 RTP/AVP 96 0 8 97 98\r\n" +
        "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:97 telephone-event/48000\r\na=fmtp:97 0-16\r\na=rtpmap:98 telephone-event/8000\r\na=fmtp:98 0-16\r\n" +
        "a=ptime:20\r\na=rtcp-mux\r\na=sendrecv\r\n",
    );
    // What we print parses back to the same thing.
    expect(parseSdp(offer.toString()).toString()).toBe(offer.toString());
  });

  it("IPv6 address gives IP6 in o= and c=; a random session id when none is given", () => {
    const offer = createOffer({ address: "2001:db8::1", media: [{ port: 5004, codecs: [{ name: "PCMU", clockRate: 8000 }], telephoneEvent: false }] });
    expect(offer.connection).toEqual({ netType: "IN", addrType: "IP6", address: "2001:db8::1" });
    expect(offer.origin.addrType).toBe("IP6");
    expect(offer.origin.sessionId).toMatch(/^\d+$/);
    expect(offer.origin.sessionVersion).toBe(offer.origin.sessionId);
  });

  it("RFC 3264 §8: a re-offer keeps o= (id, user, address), adds one to the version, keeps removed streams as port 0", () => {
    const first = createOffer(local([PHONE, { type: "video", port: 40002, codecs: [{ name: "H264", clockRate: 90000, fmtp: "packetization-mode=1" }] }], { sessionId: "99999999999999999999" }));
    const second = createOffer(local([{ ...PHONE, port: 40010 }], { previous: first, address: "192.0.2.99" }));
    expect(second.origin).toEqual({ ...first.origin, sessionVersion: "100000000000000000000" });
    expect(second.connection?.address).toBe("192.0.2.99");
    expect(second.media.map((m) => [m.type, m.port, m.formats])).toEqual([["audio", 40010, ["96", "0", "8", "97", "98"]], ["video", 0, ["96"]]]);
    expect(second.media[1]!.attribute("rtpmap")).toBe("96 H264/90000");
  });

  it("RFC 4568 §6: mandatory SRTP offers RTP/SAVP with one crypto line per suite, tags from 1, fresh keys", () => {
    const offer = createOffer(local([{ ...PHONE, srtp: { mandatory: true, suites: ["AEAD_AES_256_GCM", "AES_CM_128_HMAC_SHA1_80"] } }]));
    const m = offer.media[0]!;
    expect(m.protocol).toBe("RTP/SAVP");
    const c = m.cryptos();
    expect(c.map((x) => [x.tag, x.suite])).toEqual([[1, "AEAD_AES_256_GCM"], [2, "AES_CM_128_HMAC_SHA1_80"]]);
    expect(decodeBase64(c[0]!.keys[0]!.keySalt!)!.length).toBe(44);
    expect(decodeBase64(c[1]!.keys[0]!.keySalt!)!.length).toBe(30);
    expect(c[0]!.keys[0]!.keySalt).not.toBe(c[1]!.keys[0]!.keySalt);
  });
});

describe("createAnswer", () => {
  const offerFrom = (lines: string[]) => parseSdp(["v=0", "o=- 1 1 IN IP4 198.51.100.7", "s=-", "c=IN IP4 198.51.100.7", "t=0 0", ...lines].map((l) => `${l}\r\n`).join(""));

  it("RFC 3264 §6.1: payload types are the offer's, order is the answerer's preference, telephone-event kept", () => {
    const offer = offerFrom([
      "m=audio 30000 RTP/AVP 0 8 111 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:111 OPUS/48000/2",
      "a=fmtp:111 maxplaybackrate=16000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=ptime:30",
    ]);
    const r = answer(offer, local([{ ...PHONE, codecs: [PHONE.codecs[2]!, PHONE.codecs[0]!, { name: "opus", clockRate: 48000, channels: 2 }] }]));
    const m = r.answer.media[0]!;
    // PCMA first (our preference), then opus with our own fmtp; the second opus entry finds no offered twin.
    expect(m.formats).toEqual(["8", "111", "101"]);
    expect(m.attributeValues("rtpmap")).toEqual(["8 PCMA/8000", "111 OPUS/48000/2", "101 telephone-event/8000"]);
    expect(m.attributeValues("fmtp")).toEqual(["111 minptime=10;useinbandfec=1", "101 0-15"]);
    const s = r.streams[0]!;
    expect(s.codecs.map((c) => [c.name, c.sendPayloadType, c.receivePayloadType])).toEqual([["PCMA", 8, 8], ["OPUS", 111, 111]]);
    expect(s.codecs[1]!.fmtp).toBe("maxplaybackrate=16000");
    expect(s.telephoneEvent).toMatchObject({ sendPayloadType: 101, events: [...Array(16).keys()] });
    expect([s.remoteAddress, s.remotePort, s.remoteRtcpPort, s.ptime, s.localPort]).toEqual(["198.51.100.7", 30000, 30001, 30, 40000]);
  });

  it("RFC 4733 §7.1.1: telephone-event events are the intersection; the one at the first codec's rate is chosen", () => {
    const offer = offerFrom([
      "m=audio 30000 RTP/AVP 111 0 110 101", "a=rtpmap:111 opus/48000/2", "a=rtpmap:110 telephone-event/48000", "a=fmtp:110 0-16",
      "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16",
    ]);
    const te = answer(offer, local([{ port: 4000, codecs: [{ name: "opus", clockRate: 48000, channels: 2 }], telephoneEvent: { events: "0-11" } }])).streams[0]!.telephoneEvent;
    expect(te).toMatchObject({ clockRate: 48000, sendPayloadType: 110, events: [...Array(12).keys()] });
    const pcmu = answer(offer, local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }] }]));
    expect(pcmu.streams[0]!.telephoneEvent?.sendPayloadType).toBe(101);
    expect(pcmu.answer.media[0]!.fmtp(101)?.text).toBe("0-16");
    // Telephone-event alone does not make an audio stream acceptable.
    const none = createAnswer(offer, local([{ port: 4000, codecs: [{ name: "G722", clockRate: 8000 }] }]));
    expect(none.ok ? "" : none.code).toBe("NO_COMMON_CODEC");
  });

  it("RFC 3264 §6.1: codecs match by name (any case), clock rate and channels", () => {
    const offer = offerFrom(["m=audio 30000 RTP/AVP 96 97 98", "a=rtpmap:96 L16/16000", "a=rtpmap:97 l16/8000/2", "a=rtpmap:98 l16/8000"]);
    const r = answer(offer, local([{ port: 4000, codecs: [{ name: "L16", clockRate: 8000 }], telephoneEvent: false }]));
    expect(r.answer.media[0]!.formats).toEqual(["98"]);
  });

  it("RFC 6184 §8.2.2: H.264 with another packetization-mode is another codec", () => {
    const offer = offerFrom(["m=video 30000 RTP/AVP 96 97", "a=rtpmap:96 H264/90000", "a=fmtp:96 profile-level-id=42e01f", "a=rtpmap:97 H264/90000", "a=fmtp:97 packetization-mode=1"]);
    const h264 = (mode: string) => local([{ type: "video", port: 4002, codecs: [{ name: "H264", clockRate: 90000, fmtp: `packetization-mode=${mode}` }] }]);
    expect(answer(offer, h264("1")).answer.media[0]!.formats).toEqual(["97"]);
    expect(answer(offer, h264("0")).answer.media[0]!.formats).toEqual(["96"]);
    const r = createAnswer(offerFrom(["m=video 30000 RTP/AVP 97", "a=rtpmap:97 H264/90000", "a=fmtp:97 packetization-mode=1"]), h264("2"));
    expect(r.ok ? "" : [r.code, r.warning.code]).toEqual(["NO_COMMON_CODEC", 305]);
  });

  const dirs: SdpDirection[] = ["sendrecv", "sendonly", "recvonly", "inactive"];
  // RFC 3264 §6.1 table: offered → what the answer may be, for each local wish.
  const table: Record<SdpDirection, Record<SdpDirection, SdpDirection>> = {
    sendrecv: { sendrecv: "sendrecv", sendonly: "sendonly", recvonly: "recvonly", inactive: "inactive" },
    sendonly: { sendrecv: "recvonly", sendonly: "inactive", recvonly: "recvonly", inactive: "inactive" },
    recvonly: { sendrecv: "sendonly", sendonly: "sendonly", recvonly: "inactive", inactive: "inactive" },
    inactive: { sendrecv: "inactive", sendonly: "inactive", recvonly: "inactive", inactive: "inactive" },
  };
  for (const offered of dirs) {
    for (const wanted of dirs) {
      it(`RFC 3264 §6.1: offer ${offered}, answerer wants ${wanted} → ${table[offered][wanted]}`, () => {
        expect(answerDirection(offered, wanted)).toBe(table[offered][wanted]);
        const r = answer(offerFrom(["m=audio 30000 RTP/AVP 0", `a=${offered}`]), local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }], direction: wanted }]));
        expect(r.answer.media[0]!.direction).toBe(table[offered][wanted]);
        expect(r.streams[0]!.direction).toBe(table[offered][wanted]);
        expect(r.streams[0]!.remoteHold).toBe(offered === "sendonly" || offered === "inactive");
      });
    }
  }

  it("RFC 8866 §6.7: a session-level direction applies to media without their own", () => {
    const offer = offerFrom(["a=sendonly", "m=audio 30000 RTP/AVP 0", "m=audio 30002 RTP/AVP 0", "a=sendrecv"]);
    const r = answer(offer, local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }] }, { port: 4002, codecs: [{ name: "PCMU", clockRate: 8000 }] }]));
    expect(r.answer.media.map((m) => m.direction)).toEqual(["recvonly", "sendrecv"]);
  });

  it("RFC 3264 §6: unsupported media and streams without a common codec are rejected with port 0, m= lines kept in order", () => {
    const offer = offerFrom([
      "m=image 30010 udptl t38", "m=video 30020 RTP/AVP 31", "a=rtpmap:31 H261/90000", "m=audio 30000 RTP/AVP 9 0", "a=rtpmap:9 G722/8000",
      "m=audio 30030 RTP/SAVP 0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
      "m=video 30040 UDP/TLS/RTP/SAVPF 96", "a=rtpmap:96 VP8/90000",
    ]);
    const r = answer(offer, local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }], telephoneEvent: false }, { port: 4002, codecs: [{ name: "PCMU", clockRate: 8000 }] }, { type: "video", port: 4004, codecs: [{ name: "VP8", clockRate: 90000 }] }]));
    expect(r.answer.media.map((m) => `${m.type} ${m.port} ${m.protocol} ${m.formats.join(" ")}`)).toEqual([
      "image 0 udptl t38", "video 0 RTP/AVP 31", "audio 4000 RTP/AVP 0", "audio 0 RTP/SAVP 0", "video 0 UDP/TLS/RTP/SAVPF 96",
    ]);
    expect(r.answer.media[1]!.attribute("rtpmap")).toBe("31 H261/90000");
    expect(r.streams.map((s) => s.accepted)).toEqual([false, false, true, false, false]);
  });

  it("RFC 3261 §21.4.26: nothing acceptable gives a 488 failure with Warning 304 or 305", () => {
    const t38 = createAnswer(offerFrom(["m=image 30010 udptl t38"]), local([PHONE]));
    expect(t38).toEqual({ ok: false, code: "NO_MEDIA_IN_COMMON", status: 488, warning: { code: 304, text: "Media type not available" }, reason: "no supported media stream" });
    const g729 = createAnswer(offerFrom(["m=audio 30000 RTP/AVP 18", "a=rtpmap:18 G729/8000"]), local([PHONE]));
    expect(g729).toEqual({ ok: false, code: "NO_COMMON_CODEC", status: 488, warning: { code: 305, text: "Incompatible media format" }, reason: "no common codec" });
  });

  it("RFC 5761 §5.1.1 and RFC 3605: rtcp-mux answered when offered; a=rtcp gives the peer's RTCP port", () => {
    const r = answer(offerFrom(["m=audio 30000 RTP/AVP 0", "a=rtcp-mux", "a=rtcp:30000"]), local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }], rtcpPort: 4001 }]));
    expect(r.answer.media[0]!.rtcpMux).toBe(true);
    expect(r.answer.media[0]!.rtcp).toEqual({ port: 4001 });
    expect(r.streams[0]).toMatchObject({ rtcpMux: true, remoteRtcpPort: 30000 });
    const noMux = answer(offerFrom(["m=audio 30000 RTP/AVP 0", "a=rtcp-mux", "a=rtcp:30101 IN IP4 198.51.100.9"]), local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }], rtcpMux: false }]));
    expect(noMux.answer.media[0]!.rtcpMux).toBe(false);
    expect(noMux.streams[0]).toMatchObject({ rtcpMux: false, remoteRtcpAddress: "198.51.100.9", remoteRtcpPort: 30101 });
  });

  it("RFC 5888 §9: the answer repeats each stream's mid", () => {
    const r = answer(offerFrom(["m=audio 30000 RTP/AVP 0", "a=mid:a0"]), local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }] }]));
    expect(r.answer.media[0]!.mid).toBe("a0");
    expect(r.streams[0]!.mid).toBe("a0");
  });
});

describe("SDES (RFC 4568)", () => {
  it("RFC 4568 §6.2, RFC 6188 §7, RFC 7714 §14.2: the suites are the SRTP layer's profiles by name, with its key and salt lengths", () => {
    // The SDP layer may not import the SRTP layer (it stands alone), so the names a negotiated suite
    // hands to it are kept equal by this check.
    expect(Object.keys(SDES_SUITES).sort()).toEqual(Object.keys(SRTP_PROFILES).sort());
    for (const [name, s] of Object.entries(SDES_SUITES)) {
      const p = SRTP_PROFILES[name as keyof typeof SRTP_PROFILES];
      expect([s.keyLength, s.saltLength], name).toEqual([p.keyLength, p.saltLength]);
    }
  });

  const srtp = (mandatory: boolean, suites?: SdpMediaCapabilities["srtp"] extends infer S ? S extends { suites?: infer T } ? T : never : never): SdpMediaCapabilities => ({
    port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }], srtp: { mandatory, suites },
  });

  it("RFC 4568 §7.1.2: the answerer takes the first offered suite it supports; keys cross over", () => {
    const offer = createOffer(local([{ ...srtp(true, ["AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM"]) }], { address: "192.0.2.1" }));
    const r = answer(offer, local([{ ...srtp(true, ["AEAD_AES_128_GCM", "AES_256_CM_HMAC_SHA1_80"]), port: 5000 }], { random: () => new Uint8Array(28).fill(9) }));
    const a = r.answer.media[0]!.cryptos();
    expect(a.map((c) => [c.tag, c.suite])).toEqual([[2, "AEAD_AES_128_GCM"]]);
    expect(r.streams[0]!.crypto?.localKey).toEqual(new Uint8Array(28).fill(9));
    const applied = applyAnswer(offer, r.answer);
    if (!applied.ok) throw new Error(applied.reason);
    const mine = applied.streams[0]!.crypto!;
    expect(mine.suite).toBe("AEAD_AES_128_GCM");
    expect(mine.remoteKey).toEqual(r.streams[0]!.crypto!.localKey);
    expect(mine.localKey).toEqual(r.streams[0]!.crypto!.remoteKey);
    expect(mine.localKey.length).toBe(SDES_SUITES.AEAD_AES_128_GCM.keyLength + SDES_SUITES.AEAD_AES_128_GCM.saltLength);
  });

  it("RFC 4568 §9: the RFC's offer has only MKI keys and an F8 suite, which the SRTP layer cannot do → refused", () => {
    const offer = parseSdp(fixture("rfc4568/offer.sdp"));
    const r = createAnswer(offer, local([srtp(true)]));
    expect(r.ok ? "" : [r.code, r.status, r.warning.code]).toEqual(["CRYPTO_MISMATCH", 488, 399]);
  });

  it("RFC 4568 §7.1.2: lifetime is allowed, unknown session parameters are not", () => {
    const key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
    const offer = (c: string) => parseSdp(`v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 30000 RTP/SAVP 0\r\na=crypto:${c}\r\n`);
    const withLifetime = createAnswer(offer(`5 AES_CM_128_HMAC_SHA1_80 inline:${key}|2^20`), local([srtp(true)]));
    expect(withLifetime.ok && withLifetime.streams[0]!.crypto?.remoteLifetime).toBe(2 ** 20);
    expect(createAnswer(offer(`5 AES_CM_128_HMAC_SHA1_80 inline:${key} FEC_ORDER=FEC_SRTP`), local([srtp(true)])).ok).toBe(true);
    expect(createAnswer(offer(`5 AES_CM_128_HMAC_SHA1_80 inline:${key} UNENCRYPTED_SRTCP`), local([srtp(true)])).ok).toBe(false);
    // A key of the wrong length for its suite.
    expect(createAnswer(offer(`5 AES_256_CM_HMAC_SHA1_80 inline:${key}`), local([srtp(true)])).ok).toBe(false);
  });

  it("best effort: RTP/AVP with crypto lines is answered with crypto when we do SRTP, plain otherwise", () => {
    const offer = createOffer(local([srtp(false)]));
    expect(offer.media[0]!.protocol).toBe("RTP/AVP");
    const withSrtp = answer(offer, local([srtp(false)]));
    expect(withSrtp.streams[0]!.crypto?.suite).toBe("AES_CM_128_HMAC_SHA1_80");
    const plain = answer(offer, local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }] }]));
    expect(plain.streams[0]!.crypto).toBeUndefined();
    expect(plain.answer.media[0]!.hasAttribute("crypto")).toBe(false);
    const applied = applyAnswer(offer, plain.answer);
    expect(applied.ok && applied.streams[0]!.crypto).toBeUndefined();
    // Mandatory SRTP refuses a plain offer.
    const refused = createAnswer(createOffer(local([{ port: 4000, codecs: [{ name: "PCMU", clockRate: 8000 }] }])), local([srtp(true)]));
    expect(refused.ok ? "" : refused.code).toBe("CRYPTO_MISMATCH");
  });
});

describe("applyAnswer", () => {
  const offer = () => createOffer(local([PHONE, { type: "video", port: 40002, codecs: [{ name: "VP8", clockRate: 90000 }] }], { sessionId: "7" }));

  it("RFC 3264 §6: an answer with another number of m= lines, or another media type in a place, is refused", () => {
    const o = offer();
    const a = answer(o, local([PHONE])).answer;
    const fewer = a.clone();
    fewer.media.pop();
    expect(applyAnswer(o, fewer)).toMatchObject({ ok: false, code: "MEDIA_COUNT_MISMATCH", status: 488 });
    const swapped = a.clone();
    swapped.media.reverse();
    expect(applyAnswer(o, swapped)).toMatchObject({ ok: false, code: "MEDIA_MISMATCH", mediaIndex: 0 });
  });

  it("RFC 3264 §6.1: an answer listing only codecs we never offered is refused; extra codecs are ignored", () => {
    const o = offer();
    const a = answer(o, local([PHONE])).answer;
    const bad = a.clone();
    bad.media[0]!.formats = ["18"];
    bad.media[0]!.attributes = [{ name: "rtpmap", value: "18 G729/8000" }];
    expect(applyAnswer(o, bad)).toMatchObject({ ok: false, code: "UNOFFERED_CODEC", mediaIndex: 0 });
    const extra = a.clone();
    extra.media[0]!.formats.unshift("18");
    const r = applyAnswer(o, extra);
    expect(r.ok && r.streams[0]!.codecs.map((c) => c.name)).toEqual(["opus", "PCMU", "PCMA"]);
  });

  it("RFC 3264 §6.1: a sendrecv answer to a sendonly offer is read as what the offer allows", () => {
    const o = createHoldOffer(offer());
    const a = answer(o, local([PHONE])).answer;
    a.media[0]!.direction = "sendrecv";
    const r = applyAnswer(o, a);
    expect(r.ok && r.streams[0]!.direction).toBe("sendonly");
  });
});

describe("hold and resume (RFC 3264 §8.4)", () => {
  it("RFC 3264 §8.4: hold re-offers sendonly (or inactive) with the version plus one; the answer is recvonly; resume restores sendrecv", () => {
    const o1 = createOffer(local([PHONE], { sessionId: "100" }));
    const hold = createHoldOffer(o1);
    expect(hold.origin.sessionVersion).toBe("101");
    expect(hold.media[0]!.direction).toBe("sendonly");
    expect(isHold(hold, hold.media[0]!)).toBe(true);
    const a = answer(hold, local([PHONE]));
    expect(a.answer.media[0]!.direction).toBe("recvonly");
    expect(a.streams[0]!.remoteHold).toBe(true);
    expect(createHoldOffer(o1, "inactive").media[0]!.direction).toBe("inactive");
    const resume = createResumeOffer(hold);
    expect([resume.origin.sessionVersion, resume.media[0]!.direction]).toEqual(["102", "sendrecv"]);
    expect(isHold(resume, resume.media[0]!)).toBe(false);
    // The rest of the description is untouched.
    expect(resume.toString().replace("o=- 100 102", "o=- 100 100")).toBe(o1.toString());
  });

  it("RFC 3264 §8.4: the legacy c=0.0.0.0 hold is recognised on input", () => {
    const sd = parseSdp("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");
    expect(isHold(sd, sd.media[0]!)).toBe(true);
  });
});
