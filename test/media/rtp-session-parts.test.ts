import { describe, expect, it } from "vitest";
import { codecPtime, DEFAULT_AUDIO_CODECS, findAudioCodec, OPUS, PCMA, PCMU } from "../../src/media/index.ts";
import { AddressLatch, sameAddress } from "../../src/media/latching.ts";
import { PcmFifo } from "../../src/media/pcm-fifo.ts";
import { ntpMiddle32, ntpTime, RtcpReporter } from "../../src/media/rtcp-reporter.ts";
import { SrtpKeying } from "../../src/media/srtp-keying.ts";
import { planStream } from "../../src/media/stream-config.ts";
import { createSrtpContext } from "../../src/srtp/index.ts";
import type { NegotiatedStream } from "../../src/sdp/index.ts";

/** RFC 3550 §6.4.1 Figure 2: the SR sent at ntp 0xb44db705:20000000 and the RR back at A. */
const NTP_UNIX_MS = 2_208_988_800_000;
const msOfNtp = (seconds: number, fraction: number) => seconds * 1000 + (fraction / 2 ** 32) * 1000 - NTP_UNIX_MS;

describe("RTCP reporter", () => {
  it("RFC 3550 §4: NTP timestamps of Unix time; the middle 32 bits (§6.4.1 LSR)", () => {
    const t = ntpTime(msOfNtp(0xb44db705, 0x20000000));
    expect(t).toEqual({ seconds: 0xb44db705, fraction: 0x20000000 });
    expect(ntpMiddle32(t)).toBe(0xb7052000);
  });

  it("RFC 3550 §6.4.1 Figure 2: A 0xb710:8000 − LSR 0xb705:2000 − DLSR 0x0005:4000 = 6.125 s round trip", () => {
    const now = 1000;
    const clockOffsetMs = msOfNtp(0xb44db710, 0x80000000) - now;
    const r = new RtcpReporter({ ssrc: 1, cname: "x", rtcpBandwidth: 500, minInterval: 5, clockOffsetMs, random: () => 0.5, now });
    expect(ntpMiddle32(r.ntp(now))).toBe(0xb7108000);
    const block = { ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0, lastSenderReport: 0xb7052000, delaySinceLastSenderReport: 0x00054000 };
    expect(r.roundTrip(block, now)).toBe(6125);
    // No SR seen by the peer yet (LSR 0), or a report claiming more delay than elapsed: no RTT.
    expect(r.roundTrip({ ...block, lastSenderReport: 0 }, now)).toBeUndefined();
    expect(r.roundTrip({ ...block, delaySinceLastSenderReport: 0x000c0000 }, now)).toBeUndefined();
  });

  it("RFC 3550 §6.3.2: the first report is due after half the minimum, randomized (A.7)", () => {
    const at = (u: number) => new RtcpReporter({ ssrc: 1, cname: "x", rtcpBandwidth: 500, minInterval: 5, clockOffsetMs: 0, random: () => u, now: 0 }).deadline;
    expect(at(0)).toBeCloseTo((2500 * 0.5) / (Math.E - 1.5), 6);
    expect(at(0.999999)).toBeCloseTo((2500 * 1.5) / (Math.E - 1.5), 1);
  });

  it("RFC 3550 §6.1 / §6.6: SR with sender info when we sent, SDES CNAME, XR, and BYE with its reason", () => {
    const r = new RtcpReporter({ ssrc: 0xabc, cname: "me@host", rtcpBandwidth: 500, minInterval: 5, clockOffsetMs: 0, random: () => 0.5, now: 0 });
    const rr = r.build(10, {});
    expect(rr.map((p) => p.type)).toEqual(["rr", "sdes"]);
    const sr = r.build(10, { sender: { rtpTimestamp: 1234, packetCount: 2 ** 32 + 5, octetCount: 800 }, bye: { reason: "done" } });
    expect(sr.map((p) => p.type)).toEqual(["sr", "sdes", "bye"]);
    expect(sr[0]!.type === "sr" && [sr[0]!.rtpTimestamp, sr[0]!.packetCount, sr[0]!.octetCount]).toEqual([1234, 5, 800]);
    expect(sr[2]!.type === "bye" && new TextDecoder().decode(sr[2]!.reason)).toBe("done");
  });
});

describe("latching", () => {
  const sdp = { host: "192.0.2.10", port: 4000 };
  const nat = { host: "203.0.113.5", port: 61234 };

  it("RFC 7362 §4: the first proven packet from another address moves the target; later ones from elsewhere are unexpected", () => {
    const l = new AddressLatch(sdp, true);
    expect(l.check(nat)).toBe("candidate");
    expect(l.latch(nat)).toBe(true);
    expect(l.target).toEqual(nat);
    expect(l.check(nat)).toBe("expected");
    expect(l.check(sdp)).toBe("unexpected");
    expect(l.latch(sdp)).toBe(false);
    l.reset(sdp);
    expect(l.state).toBe("open");
    expect(l.check(nat)).toBe("candidate");
  });

  it("RFC 7362 §4: a first packet from the negotiated address closes the latch where it is; without latching only that address is taken", () => {
    const l = new AddressLatch(sdp, true);
    expect(l.latch(sdp)).toBe(false);
    expect(l.state).toBe("latched");
    expect(l.check(nat)).toBe("unexpected");
    const strict = new AddressLatch(sdp, false);
    expect(strict.check(nat)).toBe("unexpected");
    expect(strict.check({ host: "192.0.2.10", port: 4001 })).toBe("unexpected");
  });

  it("addresses compare as IP literals: case, and IPv4-mapped IPv6 from dual-stack sockets", () => {
    expect(sameAddress({ host: "::ffff:192.0.2.10", port: 4000 }, sdp)).toBe(true);
    expect(sameAddress({ host: "2001:DB8::1", port: 1 }, { host: "2001:db8::1", port: 1 })).toBe(true);
    expect(sameAddress({ host: "192.0.2.10", port: 4001 }, sdp)).toBe(false);
  });
});

describe("PCM FIFO", () => {
  it("is bounded: a write that does not fit is taken in part; reads wrap around the ring", () => {
    const f = new PcmFifo(10);
    expect(f.write(Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(8);
    const out = new Int16Array(6);
    expect(f.read(out)).toBe(true);
    expect([...out]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.write(Int16Array.from([9, 10, 11, 12, 13, 14, 15, 16, 17, 18]))).toBe(8);
    expect(f.length).toBe(10);
    const all = new Int16Array(10);
    expect(f.read(all)).toBe(true);
    expect([...all]).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(f.read(new Int16Array(1))).toBe(false);
    // Refused in part without wrapping: only what fits is copied, whole writes go in one piece.
    const g = new PcmFifo(4);
    expect(g.write(Int16Array.from([1, 2, 3, 4, 5, 6]))).toBe(4);
    const four = new Int16Array(4);
    expect(g.read(four)).toBe(true);
    expect([...four]).toEqual([1, 2, 3, 4]);
    expect(g.write(Int16Array.from([7, 8]))).toBe(2);
    expect(g.read(new Int16Array(2))).toBe(true);
    expect(g.write(Int16Array.from([9, 10]))).toBe(2);
    const two = new Int16Array(2);
    expect(g.read(two)).toBe(true);
    expect([...two]).toEqual([9, 10]);
  });
});

describe("codec plugs and the stream plan", () => {
  const stream = (o: Partial<NegotiatedStream>): NegotiatedStream => ({
    index: 0, type: "audio", protocol: "RTP/AVP", accepted: true, localPort: 4000, remoteAddress: "192.0.2.1", remotePort: 5000,
    remoteRtcpAddress: "192.0.2.1", remoteRtcpPort: 5001, rtcpMux: false, direction: "sendrecv", remoteHold: false, codecs: [], ...o,
  });

  it("RFC 3264 §6.1: we send with the first agreed format we have a plug for; every plugged one is received", () => {
    const p = planStream(
      stream({
        codecs: [
          { name: "G729", clockRate: 8000, channels: 1, sendPayloadType: 18, receivePayloadType: 18 },
          { name: "PCMA", clockRate: 8000, channels: 1, sendPayloadType: 8, receivePayloadType: 8 },
          { name: "PCMU", clockRate: 8000, channels: 1, sendPayloadType: 0, receivePayloadType: 0 },
          { name: "CN", clockRate: 8000, channels: 1, sendPayloadType: 13, receivePayloadType: 13 },
        ],
        telephoneEvent: { name: "telephone-event", clockRate: 8000, channels: 1, sendPayloadType: 101, receivePayloadType: 96, events: [0, 1] },
        ptime: 30,
      }),
      DEFAULT_AUDIO_CODECS,
      {},
    );
    expect(p.send?.codec).toBe(PCMA);
    expect(p.send?.ptimeMs).toBe(30);
    expect(p.send?.telephoneEvent).toEqual({ payloadType: 101, events: [0, 1] });
    expect(p.send?.comfortNoisePayloadType).toBe(13);
    expect([...p.receive.formats.keys()]).toEqual([8, 0]);
    expect(p.receive.telephoneEventPayloadType).toBe(96);
    expect(p.rtcp).toEqual({ host: "192.0.2.1", port: 5001 });
  });

  it("RFC 4733 §2.1: telephone-event at another clock rate than the audio is not used for sending", () => {
    const p = planStream(
      stream({
        codecs: [{ name: "opus", clockRate: 48000, channels: 2, sendPayloadType: 111, receivePayloadType: 111 }],
        telephoneEvent: { name: "telephone-event", clockRate: 8000, channels: 1, sendPayloadType: 101, receivePayloadType: 101, events: [0] },
      }),
      DEFAULT_AUDIO_CODECS,
      {},
    );
    expect(p.send?.codec).toBe(OPUS);
    expect(p.send?.telephoneEvent).toBeUndefined();
  });

  it("RFC 8866 §6.4-6.5: ptime follows the peer within what the codec can do and maxptime", () => {
    expect(codecPtime(PCMU, undefined)).toBe(20);
    expect(codecPtime(PCMU, 30)).toBe(30);
    expect(codecPtime(PCMU, 25)).toBe(20);
    expect(codecPtime(PCMU, 60, 40)).toBe(40);
    expect(codecPtime(OPUS, 30)).toBe(20);
    expect(codecPtime(OPUS, 40)).toBe(40);
    expect(findAudioCodec(DEFAULT_AUDIO_CODECS, "pcma", 8000)).toBe(PCMA);
    expect(findAudioCodec(DEFAULT_AUDIO_CODECS, "PCMA", 16000)).toBeUndefined();
  });

  it("RFC 3551 §4.5.14: the G.711 plugs encode and decode one octet per sample", () => {
    const enc = PCMU.createEncoder({ ptimeMs: 20 });
    const dst = new Uint8Array(200);
    const pcm = new Int16Array(160).fill(1000);
    expect(enc.encode(pcm, dst, 12)).toBe(160);
    expect(PCMU.packetDuration!(dst.subarray(12, 172))).toBe(160);
    const back = PCMU.createDecoder({ ptimeMs: 20 }).decode(dst.subarray(12, 172));
    expect(Math.abs(back[0]! - 1000)).toBeLessThan(40);
  });
});

describe("SRTP keying", () => {
  const key = (b: number) => new Uint8Array(30).fill(b);
  const keys = (local: number, remote: number) => ({ suite: "AES_CM_128_HMAC_SHA1_80" as const, tag: 1, localKey: key(local), remoteKey: key(remote) });
  const protect = (k: number, seq: number) => {
    const ctx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: key(k).subarray(0, 16), masterSalt: key(k).subarray(16) });
    const p = new Uint8Array(40);
    p.set([0x80, 0, seq >> 8, seq & 0xff, 0, 0, 0, 0, 0, 0, 0, 9]);
    return ctx.protectRtp(p);
  };

  it("RFC 4568 §7.1.4: the same keys change nothing; new ones rekey, the old receive key lasting the grace period", () => {
    const k = new SrtpKeying(undefined, 1000);
    expect(k.apply(keys(1, 2), 0)).toBe("keyed");
    expect(k.apply(keys(1, 2), 10)).toBe("unchanged");
    expect(k.unprotectRtp(protect(2, 1), 50, 20)).toBe(40);
    expect(k.apply(keys(3, 4), 100)).toBe("rekeyed");
    expect(k.pollTimeout()).toBe(1100);
    expect(k.unprotectRtp(protect(4, 2), 50, 200)).toBe(40);
    expect(k.unprotectRtp(protect(2, 3), 50, 300)).toBe(40);
    k.handleTimeout(1100);
    expect(k.pollTimeout()).toBeUndefined();
    expect(k.unprotectRtp(protect(2, 4), 50, 1200)).toBe("AUTH_FAILED");
    expect(k.apply(undefined, 1300)).toBe("cleared");
    expect(k.active).toBe(false);
  });
});
