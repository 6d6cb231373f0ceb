import { describe, expect, it } from "vitest";
import {
  SRTP_PROFILES, SrtpAuthError, srtpErrorCode, SrtpLimitError, SrtpPacketError, SrtpReplayError, createSrtpContext,
} from "../../src/srtp/index.ts";
import type { SrtpProfileName } from "../../src/srtp/index.ts";
import { ReplayWindow } from "../../src/srtp/replay-window.ts";
import { guessRoc } from "../../src/srtp/rollover.ts";
import { SiphonError } from "../../src/errors.ts";
import { PATHS } from "./native.ts";
import { RefSrtp } from "./reference.ts";

const SSRC = 0x11223344;
function rtp(seq: number, payload = 20, ssrc = SSRC): Uint8Array {
  const p = new Uint8Array(12 + payload);
  p[0] = 0x80;
  p[1] = 0;
  p[2] = (seq >> 8) & 255;
  p[3] = seq & 255;
  new DataView(p.buffer).setUint32(8, ssrc);
  for (let i = 12; i < p.length; i++) p[i] = (i * 7 + seq) & 255;
  return p;
}
function rtcp(ssrc = SSRC): Uint8Array {
  const p = new Uint8Array(28);
  p[0] = 0x80;
  p[1] = 200;
  p[3] = 6;
  new DataView(p.buffer).setUint32(4, ssrc);
  return p;
}
function pair(profile: SrtpProfileName, crypto?: Parameters<typeof createSrtpContext>[0]["crypto"], replayWindow?: number) {
  const info = SRTP_PROFILES[profile];
  const masterKey = new Uint8Array(info.keyLength).map((_, i) => i + 1);
  const masterSalt = new Uint8Array(info.saltLength).map((_, i) => 0xa0 + i);
  return {
    tx: createSrtpContext({ profile, masterKey, masterSalt, crypto }),
    rx: createSrtpContext({ profile, masterKey, masterSalt, crypto, replayWindow }),
    ref: new RefSrtp(info, masterKey, masterSalt),
  };
}

describe("RFC 3711 Appendix A: index estimate", () => {
  it("RFC 3711 §3.3.1: guesses ROC-1, ROC or ROC+1 around s_l", () => {
    expect(guessRoc(100, 5, 101)).toBe(5);
    expect(guessRoc(100, 5, 65000)).toBe(4); // late packet from before the wrap
    expect(guessRoc(65000, 5, 10)).toBe(6); // wrapped
    expect(guessRoc(65000, 5, 64000)).toBe(5);
    expect(guessRoc(40000, 5, 7000)).toBe(6);
    expect(guessRoc(40000, 5, 7233)).toBe(5);
  });
});

describe("RFC 3711 §3.3.2: replay window bitmask", () => {
  it("accepts new indices once, rejects repeats and indices older than the window", () => {
    const w = new ReplayWindow(128);
    expect(w.check(1000)).toBe(true);
    w.accept(1000);
    expect(w.check(1000)).toBe(false);
    expect(w.check(999)).toBe(true);
    w.accept(999);
    expect(w.check(999)).toBe(false);
    expect(w.check(1000 - 127)).toBe(true);
    expect(w.check(1000 - 128)).toBe(false);
    w.accept(1200); // slides by more than the window: all earlier bits forgotten
    expect(w.check(1100)).toBe(true);
    expect(w.check(1072)).toBe(false);
    w.accept(1201);
    w.accept(1203);
    expect(w.check(1202)).toBe(true);
    expect(w.check(1203)).toBe(false);
  });
});

describe.each(PATHS)("SRTP state ($name)", ({ crypto }) => {
  for (const profile of ["AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"] as const) {
    it(`RFC 3711 §3.3.1: ${profile} ROC increments across 65535 -> 0 on both sides`, () => {
      const { tx, rx, ref } = pair(profile, crypto);
      for (const [seq, roc] of [[65533, 0], [65534, 0], [65535, 0], [0, 1], [1, 1], [2, 1]] as const) {
        const p = rtp(seq);
        const s = tx.protectRtp(p);
        expect(Array.from(s)).toEqual(Array.from(ref.protectRtp(p, roc)));
        expect(Array.from(rx.unprotectRtp(s))).toEqual(Array.from(p));
      }
      expect(tx.rolloverCounter(SSRC, "send")).toBe(1);
      expect(rx.rolloverCounter(SSRC, "receive")).toBe(1);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §3.3.1: ${profile} a receiver joining after a wrap needs the ROC signalled`, () => {
      const { tx, rx } = pair(profile, crypto);
      tx.setRolloverCounter(SSRC, 1, "send");
      const s = tx.protectRtp(rtp(10));
      // Unknown stream: the receiver assumes ROC 0, so the tag (over ROC 1) does not verify.
      expect(() => rx.unprotectRtp(s.slice())).toThrow(SrtpAuthError);
      rx.setRolloverCounter(SSRC, 1, "receive");
      expect(rx.unprotectRtp(s).length).toBe(32);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §3.3.1: ${profile} a ROC signalled for a stream already received restarts it at that ROC`, () => {
      const { tx, rx } = pair(profile, crypto);
      for (let seq = 10; seq < 13; seq++) expect(rx.unprotectRtp(tx.protectRtp(rtp(seq))).length).toBe(32);
      // The sender moves to ROC 1 out of band; so does the receiver, and its stream starts over.
      tx.setRolloverCounter(SSRC, 1, "send");
      rx.setRolloverCounter(SSRC, 1, "receive");
      const s = tx.protectRtp(rtp(5));
      // Under the old stream (s_l 12, ROC 0) seq 5 would be guessed at ROC 0 and fail authentication.
      expect(rx.unprotectRtp(s).length).toBe(32);
      expect(rx.rolloverCounter(SSRC, "receive")).toBe(1);
      expect(() => rx.unprotectRtp(s)).toThrow(SrtpReplayError);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §3.3.1: ${profile} receiver follows reordering around the wrap`, () => {
      const { tx, rx } = pair(profile, crypto);
      const pkts = [65534, 65535, 0, 1].map((s) => tx.protectRtp(rtp(s)));
      expect(rx.unprotectRtp(pkts[0]!).length).toBe(32);
      expect(rx.unprotectRtp(pkts[2]!).length).toBe(32); // seq 0 arrives first: ROC+1
      expect(rx.unprotectRtp(pkts[1]!).length).toBe(32); // then 65535: ROC-1 relative to s_l = 0
      expect(rx.unprotectRtp(pkts[3]!).length).toBe(32);
      expect(rx.rolloverCounter(SSRC, "receive")).toBe(1);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §3.3.2: ${profile} replayed packets throw SrtpReplayError, state updates only after auth`, () => {
      const { tx, rx } = pair(profile, crypto, 64);
      const pkts = Array.from({ length: 100 }, (_, i) => tx.protectRtp(rtp(1000 + i)));
      rx.unprotectRtp(pkts[0]!);
      expect(() => rx.unprotectRtp(pkts[0]!)).toThrow(SrtpReplayError);
      rx.unprotectRtp(pkts[99]!);
      expect(() => rx.unprotectRtp(pkts[99]!)).toThrow(SrtpReplayError);
      expect(rx.unprotectRtp(pkts[50]!).length).toBe(32); // inside the 64-packet window
      expect(() => rx.unprotectRtp(pkts[20]!)).toThrow(SrtpReplayError); // 79 behind: too old
      // A forged packet with a fresh index does not move the window: the real one is still accepted.
      const real = tx.protectRtp(rtp(1200));
      const forged = real.slice();
      forged[forged.length - 1]! ^= 1;
      expect(() => rx.unprotectRtp(forged)).toThrow(SrtpAuthError);
      expect(rx.unprotectRtp(real).length).toBe(32);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §3.3 step 5: ${profile} flipped bits in header, payload or tag give SrtpAuthError`, () => {
      const { tx, rx } = pair(profile, crypto);
      const s = tx.protectRtp(rtp(7, 60));
      for (const at of [1, 5, 12, 30, s.length - 5, s.length - 1]) {
        const f = s.slice();
        f[at]! ^= 0x10;
        expect(() => rx.unprotectRtp(f)).toThrow(SrtpAuthError);
      }
      expect(rx.unprotectRtp(s).length).toBe(72);
      const c = tx.protectRtcp(rtcp());
      for (const at of [1, 8, c.length - 1]) {
        const f = c.slice();
        f[at]! ^= 0x01;
        expect(() => rx.unprotectRtcp(f)).toThrow(SrtpAuthError);
      }
      expect(rx.unprotectRtcp(c).length).toBe(28);
      expect(() => rx.unprotectRtcp(c)).toThrow(SrtpReplayError);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §3.4: ${profile} SRTCP index increments per packet and carries the E flag`, () => {
      const { tx, rx } = pair(profile, crypto);
      for (let i = 0; i < 3; i++) {
        const c = tx.protectRtcp(rtcp());
        const at = SRTP_PROFILES[profile].aead ? c.length - 4 : c.length - 14;
        expect(new DataView(c.buffer).getUint32(at)).toBe((0x80000000 | i) >>> 0);
        expect(rx.unprotectRtcp(c).length).toBe(28);
      }
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §9.2: ${profile} SRTP index never wraps past ROC 2^32-1 (SrtpLimitError)`, () => {
      const { tx, rx } = pair(profile, crypto);
      tx.setRolloverCounter(SSRC, 0xffffffff, "send");
      rx.setRolloverCounter(SSRC, 0xffffffff, "receive");
      const last = tx.protectRtp(rtp(65535));
      expect(rx.unprotectRtp(last).length).toBe(32);
      let err: unknown;
      try {
        tx.protectRtp(rtp(0));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SrtpLimitError);
      expect((err as SrtpLimitError).code).toBe("LIMIT");
      expect((err as SrtpLimitError).ssrc).toBe(SSRC);
      expect(err).toBeInstanceOf(SiphonError);
      tx.close();
      rx.close();
    });

    it(`RFC 3711 §9.2: ${profile} SRTCP index never wraps past 2^31-1 (SrtpLimitError)`, () => {
      const { tx, rx } = pair(profile, crypto);
      tx.setSrtcpIndex(SSRC, 0x7fffffff);
      expect(rx.unprotectRtcp(tx.protectRtcp(rtcp())).length).toBe(28);
      expect(() => tx.protectRtcp(rtcp())).toThrow(SrtpLimitError);
      tx.close();
      rx.close();
    });

    it(`${profile}: in-place forms need room for the tag and match the copying forms`, () => {
      const { tx, rx } = pair(profile, crypto);
      const p = rtp(42);
      const buf = new Uint8Array(p.length + tx.rtpOverhead);
      buf.set(p);
      expect(() => tx.protectRtpInPlace(buf.subarray(0, p.length + 1), p.length)).toThrow(SrtpPacketError);
      const n = tx.protectRtpInPlace(buf, p.length);
      expect(n).toBe(p.length + tx.rtpOverhead);
      expect(rx.unprotectRtpInPlace(buf, n)).toBe(p.length);
      expect(Array.from(buf.subarray(0, p.length))).toEqual(Array.from(p));
      tx.close();
      rx.close();
    });
  }
});

describe("batch forms", () => {
  it("RFC 3711 §3.3.1: a batch crossing the wrap at the very start of a stream estimates ROC+1", () => {
    const { tx, rx } = pair("AES_CM_128_HMAC_SHA1_80");
    const seqs = [65534, 65535, 0, 1];
    const bufs = seqs.map((s) => {
      const b = new Uint8Array(32 + 10);
      b.set(rtp(s));
      return b;
    });
    const res = new Int32Array(4);
    tx.protectRtpBatch(bufs, [32, 32, 32, 32], res);
    expect(Array.from(res)).toEqual([42, 42, 42, 42]);
    expect(tx.rolloverCounter(SSRC, "send")).toBe(1);
    rx.unprotectRtpBatch(bufs, Array.from(res), res);
    expect(Array.from(res)).toEqual([32, 32, 32, 32]);
    expect(rx.rolloverCounter(SSRC, "receive")).toBe(1);
    tx.close();
    rx.close();
  });

  it("reports each packet's error as a negative code without throwing", () => {
    const { tx, rx } = pair("AEAD_AES_256_GCM");
    const good = new Uint8Array(48);
    good.set(rtp(5));
    const bufs = [good, new Uint8Array(5 + 16), new Uint8Array(48), good.slice(0, 33)];
    bufs[2]!.set(rtp(6));
    bufs[2]![0] = 0x40; // version 1
    const res = new Int32Array(4);
    tx.protectRtpBatch(bufs, [32, 5, 32, 32], res);
    expect(Array.from(res, (r) => srtpErrorCode(r) ?? r)).toEqual([48, "TOO_SHORT", "BAD_VERSION", "NO_ROOM"]);
    const replay = good.slice();
    const forged = good.slice();
    forged[20]! ^= 1;
    rx.unprotectRtpBatch([good, replay, forged], [48, 48, 48], res);
    expect(Array.from(res.subarray(0, 3), (r) => srtpErrorCode(r) ?? r)).toEqual([32, "REPLAY", "AUTH_FAILED"]);
    tx.close();
    rx.close();
  });

  it("handles batches larger than the core's descriptor table and IO region", () => {
    const { tx, rx } = pair("AES_CM_128_HMAC_SHA1_32", PATHS[1]!.crypto);
    const n = 1500;
    const bufs = Array.from({ length: n }, (_, i) => {
      const b = new Uint8Array(1200 + 4);
      b.set(rtp(i, 1188));
      return b;
    });
    const res = new Int32Array(n);
    tx.protectRtpBatch(bufs, new Array(n).fill(1200), res);
    expect(res.every((r) => r === 1204)).toBe(true);
    rx.unprotectRtpBatch(bufs, res, res);
    expect(res.every((r) => r === 1200)).toBe(true);
    tx.close();
    rx.close();
  });
});

describe("keystream fetched ahead for single packets (native crypto)", () => {
  const native = PATHS[1]!.crypto;
  for (const profile of ["AES_CM_128_HMAC_SHA1_32", "AEAD_AES_256_GCM"] as const) {
    it(`RFC 3711 §3.3.1 / §4.1.1: ${profile} long stream across a wrap, varying sizes, loss, reordering and forgeries`, () => {
      const { tx, ref } = pair(profile, native);
      const info = SRTP_PROFILES[profile];
      const rxNative = createSrtpContext({ profile, masterKey: new Uint8Array(info.keyLength).map((_, i) => i + 1), masterSalt: new Uint8Array(info.saltLength).map((_, i) => 0xa0 + i), crypto: native });
      const { rx: rxWasm } = pair(profile);
      tx.setRolloverCounter(SSRC, 7, "send");
      rxNative.setRolloverCounter(SSRC, 7, "receive");
      rxWasm.setRolloverCounter(SSRC, 7, "receive");
      const sent: Uint8Array[] = [];
      let roc = 7;
      for (let n = 0; n < 700; n++) {
        const seq = (65200 + n) & 0xffff;
        if (seq === 0) roc++;
        // Sizes vary (and grow past the fetched block count) every so often.
        const p = rtp(seq, n % 97 === 0 ? 900 : 20 + (n % 5) * 17);
        const s = tx.protectRtp(p);
        expect(Array.from(s)).toEqual(Array.from(ref.protectRtp(p, roc)));
        sent.push(s);
      }
      // Receive with 1 in 10 lost, neighbours swapped, and a forged copy of the next packet first.
      for (let n = 0; n < sent.length; n += 1) {
        if (n % 10 === 3) continue;
        const i = n % 10 === 5 && n + 1 < sent.length ? n + 1 : n % 10 === 6 ? n - 1 : n;
        const forged = sent[i]!.slice();
        forged[forged.length - 2]! ^= 4;
        expect(() => rxNative.unprotectRtp(forged)).toThrow(SrtpAuthError);
        const a = rxNative.unprotectRtp(sent[i]!);
        const b = rxWasm.unprotectRtp(sent[i]!);
        expect(Array.from(a)).toEqual(Array.from(b));
      }
      expect(rxNative.rolloverCounter(SSRC, "receive")).toBe(8);
      tx.close();
      rxNative.close();
      rxWasm.close();
    });
  }
});

describe("stream bound", () => {
  it("RFC 3711 §3.2.3: SSRCs beyond maxStreams get SrtpLimitError, tracked ones keep working", () => {
    const info = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
    const o = { profile: info.name, masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2), maxStreams: 3 };
    const tx = createSrtpContext(o);
    const rx = createSrtpContext(o);
    for (let s = 1; s <= 3; s++) rx.unprotectRtp(tx.protectRtp(rtp(1, 20, s)));
    expect(() => tx.protectRtp(rtp(1, 20, 4))).toThrow(SrtpLimitError);
    const big = createSrtpContext({ ...o, maxStreams: 10 });
    expect(() => rx.unprotectRtp(big.protectRtp(rtp(1, 20, 4)))).toThrow(SrtpLimitError);
    expect(rx.unprotectRtp(tx.protectRtp(rtp(2, 20, 2))).length).toBe(32);
    const res = new Int32Array(1);
    const buf = new Uint8Array(42);
    buf.set(rtp(1, 20, 9));
    tx.protectRtpBatch([buf], [32], res);
    expect(srtpErrorCode(res[0]!)).toBe("LIMIT");
    tx.close();
    rx.close();
    big.close();
  });
});
