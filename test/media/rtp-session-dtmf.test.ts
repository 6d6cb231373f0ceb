import { describe, expect, it } from "vitest";
import { tryParseTelephoneEvent } from "../../src/codec/index.ts";
import { rms } from "../../src/media/index.ts";
import type { RtpSessionEvent } from "../../src/media/index.ts";
import { tryParseRtpPacket } from "../../src/rtp/index.ts";
import type { SdpCodec } from "../../src/sdp/index.ts";
import { thrown } from "../thrown.ts";
import { MediaNetwork, received } from "./media-network.ts";
import type { End } from "./media-network.ts";

const PCMU: SdpCodec = { name: "PCMU", clockRate: 8000 };
const CN: SdpCodec = { name: "CN", clockRate: 8000 };

const digitsOf = (events: RtpSessionEvent[]) =>
  events.flatMap((e) => (e.type === "dtmf" ? [{ digit: e.digit, ms: e.durationMs }] : []));

/** The RTP packets `e` sent, parsed (plain RTP). */
function rtpSent(e: End) {
  return e.sent.filter((s) => !s.t.rtcp).map((s) => {
    const r = tryParseRtpPacket(s.t.data);
    if (!r.ok) throw new Error(r.code);
    return { at: s.at, p: r.value };
  });
}

describe("RTP session: DTMF (RFC 4733) and comfort noise (RFC 3389)", () => {
  it("RFC 4733 §2.5.1: digits sent both ways arrive as typed events, in order, with their durations", () => {
    const net = new MediaNetwork({ codecs: [PCMU], toneHz: 1000 }, { codecs: [PCMU], toneHz: 700 }, { ab: { delayMs: 30, jitterSpanMs: 20 }, ba: { delayMs: 30, jitterSpanMs: 20 } });
    net.run(500);
    expect(net.a.session.sendDtmf("123#")).toBe(true);
    expect(net.b.session.sendDtmf("9*", { durationMs: 200 })).toBe(true);
    net.run(3000);
    expect(digitsOf(net.b.events)).toEqual(["1", "2", "3", "#"].map((digit) => ({ digit, ms: 100 })));
    expect(digitsOf(net.a.events)).toEqual(["9", "*"].map((digit) => ({ digit, ms: 200 })));
    expect(net.b.events.filter((e) => e.type === "dtmf-start").length).toBe(4);
  });

  it("RFC 4733 §2.5.1: the end packet's redundancy carries digits across a 10 % lossy path", () => {
    const path = { loss: 0.1, delayMs: 30, jitterSpanMs: 30 };
    const net = new MediaNetwork({ codecs: [PCMU], toneHz: 1000 }, { codecs: [PCMU] }, { ab: path, ba: path, seed: 8 });
    net.run(500);
    net.a.session.sendDtmf("0123456789");
    net.run(4000);
    expect(digitsOf(net.b.events).map((d) => d.digit).join("")).toBe("0123456789");
  });

  it("RFC 4733 §2.5.1 / §2.2: the event's packets share its start timestamp, the first has M, the last three E; no audio in between", () => {
    const net = new MediaNetwork({ codecs: [PCMU], toneHz: 1000 }, { codecs: [PCMU] });
    net.run(400);
    net.a.session.sendDtmf("5");
    net.run(1200);
    const sent = rtpSent(net.a);
    const te = net.negotiators.a.streams[0]!.telephoneEvent!.sendPayloadType;
    const first = sent.findIndex((s) => s.p.payloadType === te);
    const last = sent.map((s) => s.p.payloadType).lastIndexOf(te);
    const event = sent.slice(first, last + 1);
    expect(event.every((s) => s.p.payloadType === te)).toBe(true);
    expect(event.every((s) => s.p.timestamp === event[0]!.p.timestamp)).toBe(true);
    expect(event.map((s) => s.p.marker)).toEqual(event.map((_, i) => i === 0));
    const payloads = event.map((s) => tryParseTelephoneEvent(s.p.payload)).map((r) => (r.ok ? r.value : undefined)!);
    expect(payloads.map((p) => p.end)).toEqual(payloads.map((_, i) => i >= payloads.length - 3));
    expect(payloads[payloads.length - 1]!.duration).toBe(800);
    // Sequence numbers run on without a gap through the event; the next audio packet starts a talkspurt.
    for (let i = first + 1; i <= last + 1; i++) expect(sent[i]!.p.sequenceNumber).toBe((sent[i - 1]!.p.sequenceNumber + 1) & 0xffff);
    expect(sent[last + 1]!.p.marker).toBe(true);
  });

  it("sendDtmf refuses what it cannot send: no telephone-event negotiated, a character that is not a digit", () => {
    const none = new MediaNetwork({ codecs: [PCMU], telephoneEvent: false }, { codecs: [PCMU] });
    expect(none.a.session.sendDtmf("1")).toBe(false);
    const net = new MediaNetwork({ codecs: [PCMU] }, { codecs: [PCMU] });
    expect(net.a.session.sendDtmf("1x")).toBe(false);
    expect(net.a.session.sendDtmf("")).toBe(false);
    expect((thrown(() => net.a.session.sendDtmf("1", { durationMs: 5 })) as { code: string }).code).toBe("BAD_OPTION");
  });

  it("RFC 3389 / RFC 3551 §4.1: with CN negotiated, silence goes as comfort noise and the next talkspurt starts with the marker bit", () => {
    const net = new MediaNetwork({ codecs: [PCMU, CN], toneHz: 1000 }, { codecs: [PCMU, CN] }, { ab: { delayMs: 20 }, ba: { delayMs: 20 } });
    // a talks for a second, is silent for a second (its queue runs dry), talks again.
    net.run(1000);
    const tone = net.a.tone;
    net.a.tone = undefined;
    net.run(2000);
    net.a.tone = tone;
    net.run(3000);
    const sent = rtpSent(net.a);
    const cnPt = net.negotiators.a.streams[0]!.codecs.find((c) => c.name === "CN")!.sendPayloadType;
    const cn = sent.filter((s) => s.p.payloadType === cnPt);
    // One CN packet as the silence begins, refreshed once a second (the silence lasts ~1 s).
    expect(cn.length).toBeGreaterThanOrEqual(1);
    expect(cn.length).toBeLessThanOrEqual(2);
    expect(cn[0]!.p.payload[0]).toBe(127);
    const audio = sent.filter((s) => s.p.payloadType === 0);
    expect(audio.length).toBeLessThan(110);
    const resumed = audio.findIndex((s) => s.at > cn[0]!.at);
    expect(audio[resumed]!.p.marker).toBe(true);
    expect(audio.filter((s) => s.p.marker).length).toBe(2);
    // The receiver played silence-level comfort noise, then the tone again, with no loss counted.
    expect(net.b.session.quality.packetsLost).toBe(0);
    const gap = received(net.b, 1400, 20).subarray(0, 8000 * 0.4);
    expect(rms(gap)).toBeLessThan(50);
    expect(rms(received(net.b, 2600, 20))).toBeGreaterThan(3000);
  });

  it("without CN, a session with nothing to say sends silence frames (keeps NAT bindings and the peer's timeout)", () => {
    const net = new MediaNetwork({ codecs: [PCMU] }, { codecs: [PCMU] });
    net.run(1000);
    const sent = rtpSent(net.a);
    expect(sent.length).toBe(51);
    expect(sent.every((s) => s.p.payloadType === 0 && s.p.payload.every((b) => b === 0xff))).toBe(true);
  });
});
