import { describe, expect, it } from "vitest";
import { analyseTone, concatPcm, createRtpRelay, createRtpSession, ToneGenerator } from "../../src/media/index.ts";
import type { MediaAddress, RelayLeg, RelayTransmit, RtpSession } from "../../src/media/index.ts";
import { RtpHeaderReader } from "../../src/rtp/index.ts";
import { createSdpNegotiator } from "../../src/sdp/index.ts";
import type { NegotiatedStream, SdpCodec, SdpSrtpOptions } from "../../src/sdp/index.ts";
import { createSrtpContext } from "../../src/srtp/index.ts";
import { thrown } from "../thrown.ts";
import { nativeCrypto, PATHS } from "../srtp/native.ts";
import type { SrtpCrypto } from "../../src/srtp/index.ts";

const PCMU: SdpCodec = { name: "PCMU", clockRate: 8000 };

const X: MediaAddress = { host: "10.0.0.1", port: 4000 };
const RA: MediaAddress = { host: "10.0.0.2", port: 6000 };
const RB: MediaAddress = { host: "10.0.0.2", port: 6002 };
const Y: MediaAddress = { host: "10.0.0.3", port: 8000 };

/** One leg's negotiation: the party offers, the relay answers (leg a), or the relay offers (leg b). */
function negotiate(party: MediaAddress, relay: MediaAddress, codecs: { party: SdpCodec[]; relay: SdpCodec[] }, srtp: SdpSrtpOptions | undefined, relayOffers: boolean) {
  const caps = (a: MediaAddress, c: SdpCodec[]) => createSdpNegotiator({ address: a.host, media: [{ port: a.port, codecs: c, ...(srtp ? { srtp } : {}) }] });
  const p = caps(party, codecs.party);
  const r = caps(relay, codecs.relay);
  if (relayOffers) p.receiveAnswer(r.receiveOffer(p.createOffer()) as never);
  else r.receiveAnswer(p.receiveOffer(r.createOffer()) as never);
  return { party: p.streams[0]!, relay: r.streams[0]! };
}

/**
 * Caller x — relay leg a | relay leg b — callee y, each hop a direct virtual wire; the relay's legs
 * have their own SDES keys.
 */
function bridge(o: { srtp?: SdpSrtpOptions | false; crypto?: SrtpCrypto; codecsA?: { party: SdpCodec[]; relay: SdpCodec[] }; codecsB?: { party: SdpCodec[]; relay: SdpCodec[] } } = {}) {
  const srtp = o.srtp === false ? undefined : (o.srtp ?? { mandatory: true });
  const legA = negotiate(X, RA, o.codecsA ?? { party: [PCMU], relay: [PCMU] }, srtp, true);
  const legB = negotiate(Y, RB, o.codecsB ?? { party: [PCMU], relay: [PCMU] }, srtp, false);
  const crypto = o.crypto ? { crypto: o.crypto } : {};
  const x = createRtpSession({ stream: legA.party, now: 0, ...crypto });
  const y = createRtpSession({ stream: legB.party, now: 0, ...crypto });
  const relay = createRtpRelay({ a: legA.relay, b: legB.relay, now: 0, ...crypto });
  const forwarded: RelayTransmit[] = [];
  const heard = { x: [] as Int16Array[], y: [] as Int16Array[] };
  const tx = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
  const ty = new ToneGenerator({ sampleRate: 8000, frequencies: [700], levelDbm0: -10 });
  let now = 0;
  const drainRelay = () => {
    for (let t; (t = relay.pollTransmit()); ) {
      forwarded.push(t);
      const target = t.leg === "b" ? y : x;
      const src = t.leg === "b" ? RB : RA;
      target.handleRtp(t.data, src, now);
    }
  };
  const drain = (s: RtpSession, leg: RelayLeg, from: MediaAddress) => {
    for (let t; (t = s.pollTransmit()); ) {
      relay.handleRtp(leg, t.data, from, now);
      drainRelay();
    }
  };
  const run = (ms: number) => {
    for (const end = now + ms; now < end; ) {
      now += 20;
      x.writeAudio(tx.next(160));
      y.writeAudio(ty.next(160));
      x.handleTimeout(now);
      y.handleTimeout(now);
      drain(x, "a", X);
      drain(y, "b", Y);
      for (let f; (f = x.pollAudio()); ) heard.x.push(f.samples);
      for (let f; (f = y.pollAudio()); ) heard.y.push(f.samples);
      while (x.pollEvent());
      while (y.pollEvent());
    }
  };
  return { legA, legB, x, y, relay, forwarded, heard, run, now: () => now };
}

/** Unprotects an SRTP packet with a master key||salt (AES_CM_128_HMAC_SHA1_80). */
function open(packet: Uint8Array, keySalt: Uint8Array): Uint8Array {
  const ctx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: keySalt.subarray(0, 16), masterSalt: keySalt.subarray(16) });
  try {
    return ctx.unprotectRtp(packet);
  } finally {
    ctx.close();
  }
}

function header(p: Uint8Array): RtpHeaderReader {
  const h = new RtpHeaderReader();
  expect(h.read(p)).toBeGreaterThan(0);
  return h;
}

describe("RTP relay: SRTP in, SRTP out, no decoding", () => {
  for (const path of PATHS) {
    it(`RFC 3550 §7.1 / RFC 3711: each direction arrives re-protected under the other leg's key (${path.name}); both tones heard`, () => {
      const b = bridge({ crypto: path.crypto });
      b.run(3000);
      expect(analyseTone(concatPcm(b.heard.y.slice(50)), 8000, 1000).snrDb).toBeGreaterThan(35);
      expect(analyseTone(concatPcm(b.heard.x.slice(50)), 8000, 700).snrDb).toBeGreaterThan(35);
      for (const s of [b.x, b.y]) expect(s.counters.authFailed + s.counters.srtpFailed + s.counters.unexpectedSource).toBe(0);
      // Every packet of each side went through, and arrived.
      const ca = b.relay.counters("a");
      expect(ca.rtpForwarded).toBe(b.x.counters.rtpSent);
      expect(b.y.counters.rtpReceived).toBe(b.x.counters.rtpSent);
      expect(ca.authFailed).toBe(0);
      expect(b.relay.counters("b").rtpForwarded).toBe(b.y.counters.rtpSent);
      expect(b.x.counters.rtpReceived).toBe(b.y.counters.rtpSent);
    });
  }

  it("RFC 3550 §7.1: SSRC, sequence number, timestamp and payload pass unchanged; only the key differs", () => {
    const b = bridge({ crypto: nativeCrypto });
    // What x sends, as it left x (leg a's key: x's local key).
    const sent: Uint8Array[] = [];
    for (let k = 0; k < 3; k++) {
      b.x.writeAudio(new Int16Array(160).fill(1000 * k));
      b.x.handleTimeout(20 * (k + 1));
      for (let t; (t = b.x.pollTransmit()); ) if (!t.rtcp) sent.push(t.data.slice());
    }
    // The session's clock started at 0: four ticks by 60 ms.
    expect(sent.length).toBe(4);
    const out: Uint8Array[] = [];
    for (const p of sent) {
      b.relay.handleRtp("a", p.slice(), X, 60);
      for (let t; (t = b.relay.pollTransmit()); ) {
        expect(t.leg).toBe("b");
        expect(t.to).toEqual(Y);
        out.push(t.data);
      }
    }
    expect(out.length).toBe(4);
    for (let i = 0; i < 4; i++) {
      const inClear = open(sent[i]!, b.legA.party.crypto!.localKey);
      const outClear = open(out[i]!, b.legB.relay.crypto!.localKey);
      expect(outClear).toEqual(inClear);
      // Under leg a's key the forwarded packet does not authenticate: the legs' keys differ.
      expect(thrown(() => open(out[i]!, b.legA.party.crypto!.localKey))).toBeDefined();
      const h = header(outClear);
      expect(h.ssrc).toBe(b.x.ssrc);
    }
  });

  it("RFC 3711 §3.3 step 5: a forged packet is counted on its leg and not forwarded", () => {
    const b = bridge();
    b.run(200);
    b.x.writeAudio(new Int16Array(160));
    b.x.handleTimeout(b.now() + 20);
    let p: Uint8Array | undefined;
    for (let t; (t = b.x.pollTransmit()); ) if (!t.rtcp) p = t.data.slice();
    p![30]! ^= 1;
    const before = b.forwarded.length;
    b.relay.handleRtp("a", p!, X, b.now() + 20);
    expect(b.relay.pollTransmit()).toBeUndefined();
    expect(b.relay.counters("a").authFailed).toBe(1);
    expect(b.forwarded.length).toBe(before);
  });

  it("RFC 7362 §5: once the leg latched, packets from another address are dropped", () => {
    const b = bridge();
    b.run(200);
    expect(b.relay.remoteLatched("a")).toBe(true);
    b.x.writeAudio(new Int16Array(160));
    b.x.handleTimeout(b.now() + 20);
    let p: Uint8Array | undefined;
    for (let t; (t = b.x.pollTransmit()); ) if (!t.rtcp) p = t.data;
    b.relay.handleRtp("a", p!, { host: "10.9.9.9", port: 4000 }, b.now() + 20);
    expect(b.relay.pollTransmit()).toBeUndefined();
    expect(b.relay.counters("a").unexpectedSource).toBe(1);
  });

  it("RFC 3264 §6.1: a format both legs have under different numbers is renumbered; one the other leg lacks is dropped", () => {
    const opus = (pt: number): SdpCodec => ({ name: "opus", clockRate: 48000, channels: 2, payloadType: pt });
    const b = bridge({
      srtp: false,
      codecsA: { party: [opus(111), PCMU, { name: "PCMA", clockRate: 8000 }], relay: [opus(111), PCMU, { name: "PCMA", clockRate: 8000 }] },
      codecsB: { party: [opus(96), PCMU], relay: [opus(96), PCMU] },
    });
    expect(b.legA.relay.crypto).toBeUndefined();
    const packet = (pt: number, seq: number) => {
      const p = new Uint8Array(12 + 20);
      p.set([0x80, pt, 0, seq, 0, 0, 0, 160, 0x11, 0x22, 0x33, 0x44]);
      p.fill(0x5a, 12);
      return p;
    };
    b.relay.handleRtp("a", packet(111, 1), X, 20);
    const t = b.relay.pollTransmit()!;
    expect(t.leg).toBe("b");
    expect(t.data[1]! & 0x7f).toBe(96);
    expect(t.data.subarray(2)).toEqual(packet(111, 1).subarray(2));
    b.relay.handleRtp("a", packet(0, 2), X, 40);
    expect(b.relay.pollTransmit()!.data[1]! & 0x7f).toBe(0);
    // PCMA is on leg a only.
    b.relay.handleRtp("a", packet(8, 3), X, 60);
    expect(b.relay.pollTransmit()).toBeUndefined();
    expect(b.relay.counters("a").unknownPayloadType).toBe(1);
  });

  it("RFC 3264 §8.4: while leg b's peer holds the call nothing goes to it; its own packets still pass", () => {
    const b = bridge();
    b.run(400);
    const held: NegotiatedStream = { ...b.legB.relay, direction: "recvonly" };
    b.relay.update("b", held, b.now());
    const before = { a: b.relay.counters("a"), b: b.relay.counters("b") };
    b.run(400);
    const after = { a: b.relay.counters("a"), b: b.relay.counters("b") };
    expect(after.a.rtpForwarded).toBe(before.a.rtpForwarded);
    expect(after.a.notForwarded - before.a.notForwarded).toBe(20);
    expect(after.b.rtpForwarded - before.b.rtpForwarded).toBe(20);
    b.relay.update("b", b.legB.relay, b.now());
    b.run(200);
    expect(b.relay.counters("a").rtpForwarded - after.a.rtpForwarded).toBe(10);
  });

  it("RFC 3711 §3.4 / RFC 3550 §6: RTCP is forwarded re-protected and the far end takes it", () => {
    const b = bridge({ crypto: nativeCrypto });
    b.run(12_000);
    expect(b.relay.counters("a").rtcpForwarded).toBeGreaterThan(0);
    expect(b.relay.counters("b").rtcpForwarded).toBeGreaterThan(0);
    expect(b.y.counters.rtcpReceived).toBe(b.relay.counters("a").rtcpForwarded);
    expect(b.x.counters.rtcpReceived).toBe(b.relay.counters("b").rtcpForwarded);
    expect(b.forwarded.some((t) => t.rtcp)).toBe(true);
    for (const s of [b.x, b.y]) expect(s.counters.authFailed + s.counters.rtcpMalformed).toBe(0);
  });

  it("RFC 3264 §6: a rejected stream (port 0) cannot be relayed; a closed relay forwards nothing", () => {
    const b = bridge();
    const e = thrown(() => createRtpRelay({ a: b.legA.relay, b: { ...b.legB.relay, accepted: false }, now: 0 }));
    expect((e as { code?: string }).code).toBe("BAD_OPTION");
    b.run(100);
    b.relay.close();
    expect(b.relay.state).toBe("closed");
    const n = b.forwarded.length;
    b.run(100);
    expect(b.forwarded.length).toBe(n);
  });
  it("RFC 3550 A.1 / A.3: the relay counts the packets each leg's peer sent from their sequence numbers — a wrap, a gap, a late packet and a new source", () => {
    const b = bridge({ srtp: false });
    const packet = (ssrc: number, seq: number) => {
      const p = new Uint8Array(12 + 160);
      p[0] = 0x80;
      new DataView(p.buffer).setUint16(2, seq);
      new DataView(p.buffer).setUint32(4, seq * 160);
      new DataView(p.buffer).setUint32(8, ssrc);
      return p;
    };
    // 65534, 65535, (0 lost), 1, (2 lost), 3, then 1 again late: 6 expected, 5 forwarded.
    for (const seq of [65534, 65535, 1, 3, 2]) b.relay.handleRtp("a", packet(0x1234, seq), X, 0);
    const c = b.relay.counters("a");
    expect([c.rtpForwarded, c.packetsExpected, c.packetsLost]).toEqual([5, 6, 1]);
    // A new SSRC starts a count of its own, added to the first.
    for (const seq of [100, 101, 103]) b.relay.handleRtp("a", packet(0x5678, seq), X, 0);
    const d = b.relay.counters("a");
    expect([d.rtpForwarded, d.packetsExpected, d.packetsLost]).toEqual([8, 10, 2]);
    expect(b.relay.counters("b").packetsExpected).toBe(0);
  });
});


