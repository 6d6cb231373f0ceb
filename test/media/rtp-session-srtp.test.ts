import { describe, expect, it } from "vitest";
import { analyseTone } from "../../src/media/index.ts";
import { tryParseRtcpCompound } from "../../src/rtcp/index.ts";
import { createSrtpContext } from "../../src/srtp/index.ts";
import type { SdesSuite, SdpCodec } from "../../src/sdp/index.ts";
import { nativeCrypto, PATHS } from "../srtp/native.ts";
import { MediaNetwork, received } from "./media-network.ts";
import type { End } from "./media-network.ts";

const PCMU: SdpCodec = { name: "PCMU", clockRate: 8000 };

function srtpCall(o: { suites?: SdesSuite[]; crypto?: typeof nativeCrypto | undefined; seed?: number } = {}) {
  const srtp = { mandatory: true, ...(o.suites ? { suites: o.suites } : {}) };
  const session = o.crypto ? { crypto: o.crypto } : {};
  return new MediaNetwork(
    { codecs: [PCMU], srtp, toneHz: 1000, session },
    { codecs: [PCMU], srtp, toneHz: 700, session },
    { ab: { delayMs: 25, jitterSpanMs: 30 }, ba: { delayMs: 25, jitterSpanMs: 30 }, seed: o.seed ?? 21 },
  );
}

/** The last RTP (not RTCP) datagram `e` sent. */
function lastRtp(e: End): Uint8Array {
  for (let i = e.sent.length - 1; i >= 0; i--) if (!e.sent[i]!.t.rtcp) return e.sent[i]!.t.data;
  throw new Error("no RTP sent");
}

describe("RTP session: SRTP with SDES keys", () => {
  for (const path of PATHS) {
    it(`RFC 4568 / RFC 3711: AES_CM_128_HMAC_SHA1_80 both directions (${path.name}): the tone arrives, nothing travels in clear`, () => {
      const net = srtpCall({ crypto: path.crypto });
      net.run(5000);
      expect(net.a.session.srtpSuite).toBe("AES_CM_128_HMAC_SHA1_80");
      expect(net.a.session.srtpNative).toBe(path.crypto !== undefined);
      for (const [end, hz] of [[net.b, 1000], [net.a, 700]] as const) {
        const rx = received(end, 1000, 20);
        expect(analyseTone(rx, 8000, hz).snrDb).toBeGreaterThan(35);
        expect(end.session.counters.authFailed).toBe(0);
        expect(end.session.counters.rtcpReceived).toBeGreaterThan(0);
      }
      // RFC 3711 §3.1: 160 bytes of payload, a 12-byte header and a 10-byte tag; SRTCP is E=1 (§3.4).
      const rtp = net.a.sent.filter((s) => !s.t.rtcp);
      expect(rtp.every((s) => s.t.data.length === 12 + 160 + 10)).toBe(true);
      const rtcp = net.a.sent.find((s) => s.t.rtcp)!.t.data;
      expect(tryParseRtcpCompound(rtcp).ok).toBe(false);
      expect(rtcp[rtcp.length - 14]! & 0x80).toBe(0x80);
    });
  }

  for (const suite of ["AES_CM_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"] as SdesSuite[]) {
    it(`RFC 4568 §6.2 / RFC 6188 / RFC 7714: ${suite} negotiated and applied`, () => {
      const net = srtpCall({ suites: [suite], crypto: nativeCrypto });
      net.run(3000);
      expect(net.b.session.srtpSuite).toBe(suite);
      expect(analyseTone(received(net.b, 1000, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
      expect(net.b.session.counters.authFailed + net.b.session.counters.srtpFailed).toBe(0);
    });
  }

  it("RFC 3711 §3.3 step 5: a forged packet (one payload bit flipped) is counted as authFailed and dropped", () => {
    const net = srtpCall();
    net.run(2000);
    const forged = lastRtp(net.a).slice();
    forged[40]! ^= 1;
    const before = net.b.session.counters;
    net.inject(net.b, forged, net.a.rtp);
    const after = net.b.session.counters;
    expect(after.authFailed).toBe(before.authFailed + 1);
    expect(after.rtpReceived).toBe(before.rtpReceived);
    net.run(3000);
    expect(analyseTone(received(net.b, 1000, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
  });

  it("RFC 3711 §3.3.2: a replayed packet is counted as replayed and dropped", () => {
    const net = srtpCall();
    net.run(2000);
    const copy = lastRtp(net.a).slice();
    net.run(2200);
    const before = net.b.session.counters;
    net.inject(net.b, copy, net.a.rtp);
    expect(net.b.session.counters.replayed).toBe(before.replayed + 1);
    expect(net.b.session.counters.rtpReceived).toBe(before.rtpReceived);
  });

  it("RFC 3711 §3.4: a forged SRTCP compound is counted and dropped; genuine ones give RTT", () => {
    const net = srtpCall();
    net.run(12000);
    // A new SRTCP index (so not a replay, RFC 3711 §3.3.2) on a copy of a genuine compound.
    const rtcp = net.a.sent.filter((s) => s.t.rtcp).pop()!.t.data.slice();
    rtcp[rtcp.length - 11]! += 100;
    const before = net.b.session.counters.authFailed;
    net.inject(net.b, rtcp, net.a.rtp);
    expect(net.b.session.counters.authFailed).toBe(before + 1);
    expect(net.a.session.quality.rttMs).toBeGreaterThan(50);
  });

  it("plain RTP sent to an SRTP session fails authentication: counted, dropped", () => {
    const net = srtpCall();
    net.run(1000);
    const plain = new Uint8Array(172);
    plain.set([0x80, 0, 0x12, 0x34, 0, 0, 0, 160, 1, 2, 3, 4]);
    net.inject(net.b, plain, net.a.rtp);
    expect(net.b.session.counters.authFailed).toBe(1);
  });

  it("RFC 4568 §7.1.4: a re-INVITE rekeys both ways; packets in flight under the old key still authenticate", () => {
    const net = srtpCall();
    net.run(3000);
    const bRx = net.b.session.counters.rtpReceived;
    // b takes the new keys at once; a's packets sent before its answer arrives use the old key.
    net.reinvite({ delayMs: 60 });
    expect(net.a.session.counters.rekeys).toBe(1);
    expect(net.b.session.counters.rekeys).toBe(1);
    net.run(8000);
    // b lost nothing from a across the rekey: every packet a sent (old key or new) authenticated.
    expect(net.b.session.counters.authFailed).toBe(0);
    expect(net.b.session.counters.rtpReceived - bRx).toBeGreaterThan(240);
    expect(analyseTone(received(net.b, 4000, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
    expect(analyseTone(received(net.a, 4000, 20), 8000, 700).snrDb).toBeGreaterThan(35);
  });

  it("RFC 4568 §7.1.4: the old receive key authenticates new packets during the grace period only", () => {
    const net = srtpCall();
    net.run(2000);
    const oldKey = net.negotiators.a.streams[0]!.crypto!.localKey;
    const last = lastRtp(net.a);
    const seq = (last[2]! << 8) | last[3]!;
    // A packet a would send under its old key, a few sequence numbers ahead.
    const packet = (ahead: number) => {
      const ctx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: oldKey.subarray(0, 16), masterSalt: oldKey.subarray(16) });
      const rtp = new Uint8Array(172);
      rtp.set(last.subarray(0, 12));
      rtp[2] = ((seq + ahead) >> 8) & 0xff;
      rtp[3] = (seq + ahead) & 0xff;
      return ctx.protectRtp(rtp);
    };
    net.reinvite();
    const inGrace = net.b.session.counters;
    net.inject(net.b, packet(3), net.a.rtp);
    expect(net.b.session.counters.rtpReceived).toBe(inGrace.rtpReceived + 1);
    expect(net.b.session.counters.authFailed).toBe(inGrace.authFailed);
    net.run(net.now + 6000);
    const after = net.b.session.counters;
    net.inject(net.b, packet(1000), net.a.rtp);
    expect(net.b.session.counters.authFailed).toBe(after.authFailed + 1);
    expect(net.b.session.counters.rtpReceived).toBe(after.rtpReceived);
  });

  it("RFC 4568 §6.1: packets past the lifetime of the peer's key are refused until a re-INVITE brings a new key", () => {
    const net = srtpCall();
    net.run(1000);
    const stream = net.negotiators.b.streams[0]!;
    // As if a had written `inline:<key>|100`: 100 packets (RTP and RTCP) under that key.
    net.b.session.update({ ...stream, crypto: { ...stream.crypto!, remoteLifetime: 100 } }, net.now);
    net.run(4000);
    const used = net.b.session.counters;
    expect(used.rtpReceived + used.rtcpReceived).toBe(100);
    expect(used.srtpFailed).toBeGreaterThan(40);
    expect(used.authFailed).toBe(0);
    net.reinvite();
    net.run(7000);
    const after = net.b.session.counters;
    expect(after.rekeys).toBe(1);
    expect(after.rtpReceived - used.rtpReceived).toBeGreaterThan(130);
    expect(analyseTone(received(net.b, 5000, 20), 8000, 1000).snrDb).toBeGreaterThan(35);
  });
});
