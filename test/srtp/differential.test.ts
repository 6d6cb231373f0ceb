import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SRTP_PROFILES, createSrtpContext } from "../../src/srtp/index.ts";
import type { SrtpProfileName } from "../../src/srtp/index.ts";
import { toHex } from "../vectors/srtp/vectors.ts";
import { PATHS } from "./native.ts";
import { RefSrtp } from "./reference.ts";

const profiles = Object.keys(SRTP_PROFILES) as SrtpProfileName[];

/** A random RTP packet: V=2, any CC, optional extension, payload 0..300 bytes. */
const rtpPacket = fc
  .record({
    b1: fc.integer({ min: 0, max: 255 }),
    cc: fc.integer({ min: 0, max: 15 }),
    ext: fc.option(fc.integer({ min: 0, max: 8 })),
    pad: fc.boolean(),
    seq: fc.integer({ min: 0, max: 65535 }),
    rest: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    csrc: fc.uint8Array({ minLength: 60, maxLength: 60 }),
    extBody: fc.uint8Array({ minLength: 36, maxLength: 36 }),
    payload: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  })
  .map(({ b1, cc, ext, pad, seq, rest, csrc, extBody, payload }) => {
    const extLen = ext === null ? 0 : 4 + ext * 4;
    const p = new Uint8Array(12 + cc * 4 + extLen + payload.length);
    p[0] = 0x80 | (pad ? 0x20 : 0) | (ext === null ? 0 : 0x10) | cc;
    p[1] = b1;
    p[2] = seq >> 8;
    p[3] = seq & 255;
    p.set(rest, 4);
    p.set(csrc.subarray(0, cc * 4), 12);
    if (ext !== null) {
      const at = 12 + cc * 4;
      p[at] = extBody[0]!;
      p[at + 1] = extBody[1]!;
      p[at + 2] = 0;
      p[at + 3] = ext;
      p.set(extBody.subarray(4, 4 + ext * 4), at + 4);
    }
    p.set(payload, 12 + cc * 4 + extLen);
    return p;
  });

/** A random RTCP packet: V=2 first byte, 8-byte header, 0..200 more bytes. */
const rtcpPacket = fc
  .tuple(fc.integer({ min: 0, max: 63 }), fc.uint8Array({ minLength: 7, maxLength: 207 }))
  .map(([b0, rest]) => Uint8Array.of(0x80 | b0, ...rest));

const ssrcOf = (p: Uint8Array, at: number) => new DataView(p.buffer, p.byteOffset).getUint32(at);

describe.each(PATHS)("differential against a node:crypto reference ($name)", ({ crypto }) => {
  for (const profile of profiles) {
    const info = SRTP_PROFILES[profile];
    const keyArb = fc.uint8Array({ minLength: info.keyLength, maxLength: info.keyLength });
    const saltArb = fc.uint8Array({ minLength: info.saltLength, maxLength: info.saltLength });

    it(`RFC 3711 §3.3 / RFC 7714 §8: ${profile} SRTP both directions`, () => {
      fc.assert(
        fc.property(keyArb, saltArb, rtpPacket, fc.integer({ min: 0, max: 0xffffffff }), (masterKey, masterSalt, pkt, roc) => {
          const ref = new RefSrtp(info, masterKey, masterSalt);
          const tx = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          const rx = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          const ssrc = ssrcOf(pkt, 8);
          tx.setRolloverCounter(ssrc, roc, "send");
          rx.setRolloverCounter(ssrc, roc, "receive");
          const ours = tx.protectRtp(pkt);
          expect(toHex(ours)).toBe(toHex(ref.protectRtp(pkt, roc)));
          expect(toHex(rx.unprotectRtp(ours))).toBe(toHex(pkt));
          expect(toHex(ref.unprotectRtp(ours, roc) ?? new Uint8Array(0))).toBe(toHex(pkt));
          tx.close();
          rx.close();
        }),
        { numRuns: 40 },
      );
    });

    it(`RFC 3711 §3.4 / RFC 7714 §9: ${profile} SRTCP both directions`, () => {
      fc.assert(
        fc.property(keyArb, saltArb, rtcpPacket, fc.integer({ min: 0, max: 0x7fffffff }), (masterKey, masterSalt, pkt, index) => {
          const ref = new RefSrtp(info, masterKey, masterSalt);
          const tx = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          const rx = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          tx.setSrtcpIndex(ssrcOf(pkt, 4), index);
          const ours = tx.protectRtcp(pkt);
          expect(toHex(ours)).toBe(toHex(ref.protectRtcp(pkt, index)));
          expect(toHex(rx.unprotectRtcp(ours))).toBe(toHex(pkt));
          expect(toHex(ref.unprotectRtcp(ours) ?? new Uint8Array(0))).toBe(toHex(pkt));
          tx.close();
          rx.close();
        }),
        { numRuns: 40 },
      );
    });

    it(`${profile}: batch forms equal the single-packet forms`, () => {
      fc.assert(
        fc.property(keyArb, saltArb, fc.array(rtpPacket, { minLength: 1, maxLength: 20 }), (masterKey, masterSalt, pkts) => {
          const a = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          const b = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          const rx = createSrtpContext({ profile, masterKey, masterSalt, crypto });
          const bufs = pkts.map((p) => {
            const buf = new Uint8Array(p.length + info.rtpOverhead);
            buf.set(p);
            return buf;
          });
          const results = new Int32Array(pkts.length);
          b.protectRtpBatch(bufs, pkts.map((p) => p.length), results);
          for (let i = 0; i < pkts.length; i++) {
            const single = a.protectRtp(pkts[i]!);
            expect(results[i]).toBe(single.length);
            expect(toHex(bufs[i]!.subarray(0, results[i]))).toBe(toHex(single));
          }
          const lens = Array.from(results);
          rx.unprotectRtpBatch(bufs, lens, results);
          // Packets repeated in the batch (same SSRC and SEQ) are replays after the first copy.
          const seen = new Set<string>();
          for (let i = 0; i < pkts.length; i++) {
            const key = `${ssrcOf(pkts[i]!, 8)}:${(pkts[i]![2]! << 8) | pkts[i]![3]!}`;
            if (seen.has(key)) {
              expect(results[i]).toBeLessThan(0);
              continue;
            }
            seen.add(key);
            expect(results[i]).toBe(pkts[i]!.length);
            expect(toHex(bufs[i]!.subarray(0, results[i]))).toBe(toHex(pkts[i]!));
          }
          a.close();
          b.close();
          rx.close();
        }),
        { numRuns: 15 },
      );
    });
  }
});
