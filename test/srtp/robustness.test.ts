import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SRTP_PROFILES, SrtpError, SrtpPacketError, createSrtpContext } from "../../src/srtp/index.ts";
import type { SrtpProfileName } from "../../src/srtp/index.ts";
import { srtpEngine } from "../../src/srtp/engine.ts";
import { PATHS } from "./native.ts";

const profiles = Object.keys(SRTP_PROFILES) as SrtpProfileName[];

function ctx(profile: SrtpProfileName, crypto?: Parameters<typeof createSrtpContext>[0]["crypto"]) {
  const info = SRTP_PROFILES[profile];
  return createSrtpContext({ profile, masterKey: new Uint8Array(info.keyLength).fill(3), masterSalt: new Uint8Array(info.saltLength).fill(9), crypto });
}

/** Runs f and returns the thrown value, or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe.each(PATHS)("bad input gives typed errors only ($name)", ({ crypto }) => {
  it("RFC 3711 §3.3 / §3.4: arbitrary bytes to every unprotect form throw only SrtpError subclasses", () => {
    for (const profile of profiles) {
      const rx = ctx(profile, crypto);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          for (const f of [() => rx.unprotectRtp(bytes), () => rx.unprotectRtcp(bytes)]) {
            const e = thrown(f);
            expect(e === undefined || e instanceof SrtpError).toBe(true);
          }
          const res = new Int32Array(1);
          const buf = bytes.slice();
          rx.unprotectRtpBatch([buf], [buf.length], res);
          rx.unprotectRtcpBatch([buf], [buf.length], res);
        }),
        { numRuns: 150 },
      );
      rx.close();
    }
  });

  it("protect of truncated RTP/RTCP headers, CSRC lists and extensions throws SrtpPacketError", () => {
    const tx = ctx("AES_CM_128_HMAC_SHA1_80", crypto);
    const cases = [
      new Uint8Array(0),
      Uint8Array.of(0x80, 0, 0, 1),
      Uint8Array.of(0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0), // CC = 15, no CSRCs
      Uint8Array.of(0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 9), // extension longer than packet
      Uint8Array.of(0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1), // version 1
    ];
    for (const p of cases) expect(thrown(() => tx.protectRtp(p))).toBeInstanceOf(SrtpPacketError);
    expect(thrown(() => tx.protectRtcp(Uint8Array.of(0x80, 200, 0, 1)))).toBeInstanceOf(SrtpPacketError);
    expect(thrown(() => tx.protectRtcp(new Uint8Array(8)))).toBeInstanceOf(SrtpPacketError); // version 0
    tx.close();
  });

  it("oversized packets throw SrtpPacketError and leave memory untouched", () => {
    const tx = ctx("AEAD_AES_128_GCM", crypto);
    const e = srtpEngine();
    const before = e.u8.length;
    const big = new Uint8Array(e.maxPacket + 1);
    big[0] = 0x80;
    expect(thrown(() => tx.protectRtp(big))).toBeInstanceOf(SrtpPacketError);
    expect(thrown(() => tx.unprotectRtp(new Uint8Array(e.maxPacket + 100)))).toBeInstanceOf(SrtpPacketError);
    expect(thrown(() => tx.protectRtcp(big))).toBeInstanceOf(SrtpPacketError);
    // The largest allowed packet works.
    const max = big.subarray(0, e.maxPacket);
    expect(tx.protectRtp(max).length).toBe(e.maxPacket + 16);
    expect(e.u8.length).toBe(before);
    expect(e.x.memory.buffer.byteLength).toBe(before);
    tx.close();
  });

  it("forged packets for unknown SSRCs create no per-stream state", () => {
    const rx = ctx("AES_CM_128_HMAC_SHA1_80", crypto);
    const p = new Uint8Array(40);
    p[0] = 0x80;
    for (let i = 0; i < 2000; i++) {
      new DataView(p.buffer).setUint32(8, i);
      expect(thrown(() => rx.unprotectRtp(p))).toBeInstanceOf(SrtpError);
    }
    expect(rx.rolloverCounter(5, "receive")).toBeUndefined();
    rx.close();
  });

  it("bad keys and profiles are typed errors", () => {
    expect(thrown(() => createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: new Uint8Array(15), masterSalt: new Uint8Array(14) }))).toBeInstanceOf(SrtpError);
    expect(thrown(() => createSrtpContext({ profile: "AEAD_AES_128_GCM", masterKey: new Uint8Array(16), masterSalt: new Uint8Array(14) }))).toBeInstanceOf(SrtpError);
    expect(thrown(() => createSrtpContext({ profile: "NULL" as SrtpProfileName, masterKey: new Uint8Array(16), masterSalt: new Uint8Array(14) }))).toBeInstanceOf(SrtpError);
  });

  it("a media server's 2 000 SDES sessions (4 000 AES-CM contexts, one per direction) all stay resident, and give their slots back", () => {
    const e = srtpEngine();
    const free = e.cm.free;
    const hand = e.cm.hand;
    const info = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
    const pairs = Array.from({ length: 2000 }, (_, i) => {
      const masterKey = new Uint8Array(info.keyLength).fill(i & 255);
      const masterSalt = new Uint8Array(info.saltLength).fill((i >> 8) + 1);
      return [createSrtpContext({ profile: info.name, masterKey, masterSalt, crypto }), createSrtpContext({ profile: info.name, masterKey, masterSalt, crypto })] as const;
    });
    const p = new Uint8Array(50);
    p[0] = 0x80;
    for (const [tx, rx] of pairs) expect(Array.from(rx.unprotectRtp(tx.protectRtp(p)))).toEqual(Array.from(p));
    // Every context took a free slot of its own; none was evicted (the hand moves only to evict).
    expect(e.cm.free).toBe(free - 4000);
    expect(e.cm.hand).toBe(hand);
    for (const [tx, rx] of pairs) {
      tx.close();
      rx.close();
    }
    expect(e.cm.free).toBe(free);
  });

  for (const [name, pool] of [["AES_CM_128_HMAC_SHA1_80", "cm"], ["AEAD_AES_128_GCM", "general"]] as const) {
    it(`more ${name} contexts than core slots of their kind keep working (slots are reloaded on use)`, () => {
      const e = srtpEngine();
      // Each pair is two contexts: twice the pool's slots and more.
      const n = e[pool].count + 20;
      expect(n).toBeGreaterThan(20);
      const info = SRTP_PROFILES[name];
      const pairs = Array.from({ length: n }, (_, i) => {
        const masterKey = new Uint8Array(info.keyLength).fill(i);
        const masterSalt = new Uint8Array(info.saltLength).fill(i + 1);
        return [createSrtpContext({ profile: info.name, masterKey, masterSalt, crypto }), createSrtpContext({ profile: info.name, masterKey, masterSalt, crypto })] as const;
      });
      const p = new Uint8Array(50);
      p[0] = 0x80;
      for (let round = 0; round < 2; round++) {
        for (const [tx, rx] of pairs) {
          p[3] = round;
          expect(Array.from(rx.unprotectRtp(tx.protectRtp(p)))).toEqual(Array.from(p));
        }
      }
      for (const [tx, rx] of pairs) {
        tx.close();
        rx.close();
      }
    });
  }
});
