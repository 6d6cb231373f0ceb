/**
 * RFC 4317 and RFC 3264 §10: the RFCs' offers answered by createAnswer with the answerer's choices
 * as capabilities, compared with the RFCs' answers; and the RFCs' answers applied with applyAnswer.
 */
import { describe, expect, it } from "vitest";
import { applyAnswer, createAnswer, parseSdp } from "../../src/sdp/index.ts";
import type { NegotiatedStream, SdpLocalOptions, SdpMediaCapabilities, SessionDescription } from "../../src/sdp/index.ts";
import { fixture } from "./fixtures.ts";

const sdp = (name: string) => parseSdp(fixture(name));

const bob = (media: SdpMediaCapabilities[], previous?: SessionDescription): SdpLocalOptions => ({
  address: "host.biloxi.example.com", username: "bob", sessionId: "2808844564", sessionName: " ", media, previous,
});
const alice = (media: SdpMediaCapabilities[], previous: SessionDescription): SdpLocalOptions => ({
  address: "host.atlanta.example.com", media, previous,
});
const audio = (port: number, codecs: [string, number][], extra: Partial<SdpMediaCapabilities> = {}): SdpMediaCapabilities => ({
  type: "audio", port, codecs: codecs.map(([name, clockRate]) => ({ name, clockRate })), telephoneEvent: false, ...extra,
});
const video = (port: number, codecs: [string, number][], extra: Partial<SdpMediaCapabilities> = {}): SdpMediaCapabilities => ({
  type: "video", port, codecs: codecs.map(([name, clockRate]) => ({ name, clockRate })), ...extra,
});

function answerText(offer: string, options: SdpLocalOptions): string {
  const r = createAnswer(sdp(offer), options);
  if (!r.ok) throw new Error(r.reason);
  return r.answer.toString();
}

function applied(offer: string, answer: string): NegotiatedStream[] {
  const r = applyAnswer(sdp(offer), sdp(answer));
  if (!r.ok) throw new Error(r.reason);
  return r.streams;
}

describe("RFC 4317 offer/answer examples", () => {
  it("RFC 4317 §2.1: one codec per stream kept (PCMU, MPV)", () => {
    const text = answerText("rfc4317/2.1-offer.sdp", bob([audio(49174, [["PCMU", 8000]]), video(49170, [["MPV", 90000]])]));
    expect(text).toBe(fixture("rfc4317/2.1-answer.sdp"));
    const s = applied("rfc4317/2.1-offer.sdp", "rfc4317/2.1-answer.sdp");
    expect(s.map((x) => [x.remoteAddress, x.remotePort, x.codecs[0]!.name, x.codecs[0]!.sendPayloadType])).toEqual([
      ["host.biloxi.example.com", 49174, "PCMU", 0],
      ["host.biloxi.example.com", 49170, "MPV", 32],
    ]);
  });

  it("RFC 4317 §2.2: video refused with port 0, then audio narrowed to PCMU (versions incremented)", () => {
    const first = createAnswer(sdp("rfc4317/2.2-offer.sdp"), bob([audio(49172, [["PCMU", 8000], ["PCMA", 8000]])]));
    if (!first.ok) throw new Error(first.reason);
    expect(first.answer.toString()).toBe(fixture("rfc4317/2.2-answer.sdp"));
    expect(first.streams[1]!.accepted).toBe(false);
    const second = answerText("rfc4317/2.2-offer-2.sdp", bob([audio(49172, [["PCMU", 8000], ["PCMA", 8000]])], first.answer));
    expect(second).toBe(fixture("rfc4317/2.2-answer-2.sdp"));
    const s = applied("rfc4317/2.2-offer.sdp", "rfc4317/2.2-answer.sdp");
    expect(s[0]!.codecs.map((c) => c.name)).toEqual(["PCMU", "PCMA"]);
    expect(s[1]!.accepted).toBe(false);
  });

  it("RFC 4317 §2.3: the answer renumbers iLBC 97 → 99; the offerer sends 99 and receives 97", () => {
    const s = applied("rfc4317/2.3-offer.sdp", "rfc4317/2.3-answer.sdp");
    expect(s[0]!.codecs).toEqual([{ name: "iLBC", clockRate: 8000, channels: 1, sendPayloadType: 99, receivePayloadType: 97, fmtp: undefined }]);
    expect(s[0]!.sendPayloadType).toBe(99);
    expect(s[1]!.codecs.map((c) => [c.name, c.sendPayloadType])).toEqual([["H261", 31]]);
  });

  it("RFC 4317 §2.4: a sendonly telephone-event stream is answered recvonly", () => {
    const r = createAnswer(sdp("rfc4317/2.4-offer.sdp"), bob([audio(49172, [["iLBC", 8000]]), audio(49174, [], { telephoneEvent: true })]));
    if (!r.ok) throw new Error(r.reason);
    expect(r.answer.toString()).toBe(fixture("rfc4317/2.4-answer.sdp"));
    expect(r.streams[1]!.direction).toBe("recvonly");
    expect(r.streams[1]!.telephoneEvent).toMatchObject({ sendPayloadType: 98, receivePayloadType: 98, events: Array.from({ length: 16 }, (_, i) => i) });
    const s = applied("rfc4317/2.4-offer.sdp", "rfc4317/2.4-answer.sdp");
    expect(s.map((x) => x.direction)).toEqual(["sendrecv", "sendonly"]);
  });

  it("RFC 4317 §2.5: an unchanged answer to a re-offer keeps its version", () => {
    const text = answerText("rfc4317/2.5-offer-2.sdp", alice([audio(49170, [["iLBC", 8000]]), video(51372, [["H261", 90000]])], sdp("rfc4317/2.5-offer.sdp")));
    expect(text).toBe(fixture("rfc4317/2.5-answer-2.sdp"));
    const s = applied("rfc4317/2.5-offer-2.sdp", "rfc4317/2.5-answer-2.sdp");
    expect(s.map((x) => `${x.remoteAddress}:${x.remotePort}`)).toEqual(["host.atlanta.example.com:49170", "host.atlanta.example.com:51372"]);
  });

  it("RFC 4317 §2.6: a stream without a common codec refused, the other accepted with telephone-event", () => {
    const r = createAnswer(sdp("rfc4317/2.6-offer.sdp"), bob([audio(49170, [["iLBC", 8000]], { telephoneEvent: true })]));
    if (!r.ok) throw new Error(r.reason);
    expect(r.answer.toString()).toBe(fixture("rfc4317/2.6-answer.sdp"));
    expect(r.streams[1]!.telephoneEvent?.sendPayloadType).toBe(101);
  });

  it("RFC 4317 §2.7: a second video codec added and accepted", () => {
    const caps = [audio(49172, [["iLBC", 8000]]), video(51374, [["H261", 90000], ["MPV", 90000]])];
    const first = createAnswer(sdp("rfc4317/2.7-offer.sdp"), bob(caps));
    if (!first.ok) throw new Error(first.reason);
    expect(first.answer.toString()).toBe(fixture("rfc4317/2.7-answer.sdp"));
    expect(answerText("rfc4317/2.7-offer-2.sdp", bob(caps, first.answer))).toBe(fixture("rfc4317/2.7-answer-2.sdp"));
  });

  it("RFC 4317 §2.8: video answered at another address (media-level c=)", () => {
    const caps = [audio(49174, [["PCMU", 8000]]), video(49172, [["MPV", 90000]], { address: "otherhost.biloxi.example.com" })];
    expect(answerText("rfc4317/2.8-offer.sdp", bob(caps))).toBe(fixture("rfc4317/2.8-answer.sdp"));
    const s = applied("rfc4317/2.8-offer.sdp", "rfc4317/2.8-answer.sdp");
    expect(s.map((x) => x.remoteAddress)).toEqual(["host.biloxi.example.com", "otherhost.biloxi.example.com"]);
    expect(s[1]!.remoteRtcpPort).toBe(49173);
  });

  it("RFC 4317 §3.1: the answerer holds (sendonly), then is taken off hold by its own re-offer", () => {
    const r = createAnswer(sdp("rfc4317/3.1-offer.sdp"), bob([audio(49172, [["iLBC", 8000]], { direction: "sendonly" })]));
    if (!r.ok) throw new Error(r.reason);
    expect(r.answer.media[0]!.toString()).toBe("m=audio 49172 RTP/AVP 97\r\na=rtpmap:97 iLBC/8000\r\na=sendonly\r\n");
    const s = applied("rfc4317/3.1-offer.sdp", "rfc4317/3.1-answer.sdp");
    expect([s[0]!.direction, s[0]!.remoteHold]).toEqual(["recvonly", true]);
    const text = answerText("rfc4317/3.1-offer-2.sdp", alice([audio(49178, [["PCMU", 8000], ["iLBC", 8000]])], sdp("rfc4317/3.1-offer.sdp")));
    expect(text).toBe(fixture("rfc4317/3.1-answer-2.sdp"));
    const s2 = applied("rfc4317/3.1-offer-2.sdp", "rfc4317/3.1-answer-2.sdp");
    expect([s2[0]!.direction, s2[0]!.remoteHold, s2[0]!.remotePort]).toEqual(["sendrecv", false, 49178]);
  });

  it("RFC 4317 §3.2: one of two streams held; an answer without a direction is read as what the offer allows", () => {
    const s = applied("rfc4317/3.2-offer-2.sdp", "rfc4317/3.2-answer-2.sdp");
    expect(s.map((x) => x.direction)).toEqual(["sendonly", "recvonly"]);
    const r = createAnswer(sdp("rfc4317/3.2-offer-2.sdp"), alice([audio(49170, [["PCMU", 8000], ["iLBC", 8000]]), audio(49172, [], { telephoneEvent: true })], sdp("rfc4317/3.2-offer.sdp")));
    if (!r.ok) throw new Error(r.reason);
    expect(r.answer.media.map((m) => m.direction)).toEqual(["recvonly", "sendonly"]);
    expect(r.streams.map((x) => x.remoteHold)).toEqual([true, false]);
    expect(r.answer.origin.sessionVersion).toBe("2890844527");
  });

  it("RFC 4317 §4.1: a stream added by a re-offer at another address", () => {
    const s = applied("rfc4317/4.1-offer-2.sdp", "rfc4317/4.1-answer-2.sdp");
    expect(s.map((x) => [x.remoteAddress, x.remotePort, x.direction])).toEqual([
      ["host.atlanta.example.com", 49170, "sendrecv"],
      ["host.atlanta.example.com", 49172, "recvonly"],
    ]);
    const r = createAnswer(sdp("rfc4317/4.1-offer-2.sdp"), alice([audio(49170, [["iLBC", 8000]]), audio(49172, [], { telephoneEvent: true })], sdp("rfc4317/4.1-offer.sdp")));
    if (!r.ok) throw new Error(r.reason);
    expect(r.streams[1]).toMatchObject({ remoteAddress: "mediaserver.biloxi.example.com", remotePort: 48282, direction: "sendonly" });
  });

  it("RFC 4317 §4.2: video added by a re-offer and accepted", () => {
    const caps = [audio(49172, [["PCMU", 8000]]), video(49168, [["H261", 90000]])];
    expect(answerText("rfc4317/4.2-offer-2.sdp", bob(caps, sdp("rfc4317/4.2-answer.sdp")))).toBe(fixture("rfc4317/4.2-answer-2.sdp"));
  });

  it("RFC 4317 §4.3: a stream deleted by port 0 is answered with port 0, its m= line kept", () => {
    const caps = [audio(49170, [["iLBC", 8000]]), video(51372, [["H261", 90000]])];
    expect(answerText("rfc4317/4.3-offer-2.sdp", alice(caps, sdp("rfc4317/4.3-offer.sdp")))).toBe(fixture("rfc4317/4.3-answer-2.sdp"));
    expect(applied("rfc4317/4.3-offer-2.sdp", "rfc4317/4.3-answer-2.sdp").map((x) => x.accepted)).toEqual([true, false]);
  });

  it("RFC 4317 §5.1: an offer without media is answered without media, then audio is added", () => {
    const first = createAnswer(sdp("rfc4317/5.1-offer.sdp"), bob([audio(49172, [["iLBC", 8000]])]));
    if (!first.ok) throw new Error(first.reason);
    expect(first.answer.toString()).toBe(fixture("rfc4317/5.1-answer.sdp"));
    expect(first.streams).toEqual([]);
    expect(answerText("rfc4317/5.1-offer-2.sdp", bob([audio(49172, [["iLBC", 8000]])], first.answer))).toBe(fixture("rfc4317/5.1-answer-2.sdp"));
  });

  it("RFC 4317 §5.2 / RFC 3264 §8.4: an offer at 0.0.0.0 (black hole) is recognised as a hold", () => {
    const r = createAnswer(sdp("rfc4317/5.2-offer.sdp"), bob([audio(49170, [["iLBC", 8000]])]));
    if (!r.ok) throw new Error(r.reason);
    expect(r.streams[0]).toMatchObject({ remoteHold: true, direction: "recvonly", remoteAddress: "0.0.0.0" });
    const r2 = createAnswer(sdp("rfc4317/5.2-offer-2.sdp"), bob([audio(49170, [["iLBC", 8000]])], r.answer));
    if (!r2.ok) throw new Error(r2.reason);
    expect(r2.streams[0]).toMatchObject({ remoteHold: false, direction: "sendrecv", remoteAddress: "host.atlanta.example.com" });
  });

  it("RFC 4317 §5.3: an answer at 0.0.0.0 leaves the offerer unable to send", () => {
    const s = applied("rfc4317/5.3-offer.sdp", "rfc4317/5.3-answer.sdp");
    expect(s[0]).toMatchObject({ remoteHold: true, direction: "recvonly", remotePort: 9322 });
    expect(applied("rfc4317/5.3-offer-2.sdp", "rfc4317/5.3-answer-2.sdp")[0]).toMatchObject({ remoteHold: false, direction: "sendrecv" });
  });
});

describe("RFC 3264 §10 examples", () => {
  it("RFC 3264 §10.1: the first video stream refused, then an events stream added recvonly", () => {
    const caps = [audio(49920, [["PCMU", 8000]]), video(53000, [["MPV", 90000]])];
    const r = createAnswer(sdp("rfc3264/10.1-offer.sdp"), {
      address: "host.example.com", username: "bob", sessionId: "2890844730", sessionName: "", media: caps,
    });
    if (!r.ok) throw new Error(r.reason);
    // RFC 3264 leaves the refused stream's rtpmap out; RFC 4317 keeps it, and so does createAnswer.
    expect(r.answer.toString()).toBe(fixture("rfc3264/10.1-answer.sdp").replace("m=video 0 RTP/AVP 31\r\n", "m=video 0 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\n"));
    const aliceCaps = [audio(49170, [["PCMU", 8000]]), video(53000, [["MPV", 90000]]), audio(53122, [], { telephoneEvent: true })];
    const r2 = createAnswer(sdp("rfc3264/10.1-offer-2.sdp"), { address: "host.anywhere.com", media: aliceCaps, previous: sdp("rfc3264/10.1-offer.sdp") });
    if (!r2.ok) throw new Error(r2.reason);
    expect(r2.answer.toString()).toBe(fixture("rfc3264/10.1-answer-2.sdp").replace("m=video 0 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\n", "m=video 0 RTP/AVP 31\r\n"));
    expect(r2.streams[3]).toMatchObject({ direction: "sendonly", telephoneEvent: { name: "telephone-events", sendPayloadType: 110 } });
    const s = applied("rfc3264/10.1-offer-2.sdp", "rfc3264/10.1-answer-2.sdp");
    expect(s.map((x) => [x.accepted, x.direction])).toEqual([[true, "sendrecv"], [false, "inactive"], [true, "sendrecv"], [true, "recvonly"]]);
  });

  it("RFC 3264 §10.2: one of N codecs — inactive offer answered inactive, then locked to G723 sendrecv", () => {
    const caps = [audio(54344, [["PCMU", 8000], ["G723", 8000]])];
    const opts = { address: "host.example.com", username: "bob", sessionId: "2890844730", sessionName: "", media: caps };
    const r = createAnswer(sdp("rfc3264/10.2-offer.sdp"), opts);
    if (!r.ok) throw new Error(r.reason);
    expect(r.answer.media[0]!.toString()).toBe(sdp("rfc3264/10.2-answer.sdp").media[0]!.toString());
    expect(r.streams[0]!.direction).toBe("inactive");
    const r2 = createAnswer(sdp("rfc3264/10.2-offer-2.sdp"), { ...opts, previous: sdp("rfc3264/10.2-answer.sdp") });
    if (!r2.ok) throw new Error(r2.reason);
    expect(r2.answer.toString()).toBe(fixture("rfc3264/10.2-answer-2.sdp"));
    expect(applied("rfc3264/10.2-offer-2.sdp", "rfc3264/10.2-answer-2.sdp")[0]!.codecs.map((c) => c.name)).toEqual(["G723"]);
  });

  it("RFC 3264 §9: a capability description (every port 0) has nothing to negotiate", () => {
    const caps = parseSdp(fixture("rfc3264/9-capabilities.sdp"));
    expect(caps.media.every((m) => m.port === 0)).toBe(true);
    const r = createAnswer(caps, { address: "192.0.2.9", media: [audio(4000, [["PCMU", 8000]])] });
    expect(r.ok && r.streams.map((x) => x.accepted)).toEqual([false, false]);
  });
});
