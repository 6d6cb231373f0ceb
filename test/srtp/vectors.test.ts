import { describe, expect, it } from "vitest";
import { createSrtpContext } from "../../src/srtp/index.ts";
import { createSrtpContextFromSessionKeys } from "../../src/srtp/context.ts";
import { srtpEngine } from "../../src/srtp/engine.ts";
import { SrtpLabel, deriveSrtpKey } from "../../src/srtp/kdf.ts";
import type { SrtpProfileName } from "../../src/srtp/profiles.ts";
import { RFC3711_B2, RFC3711_B3, RFC6188_7_1, RFC6188_7_2, RFC7714, hex, toHex } from "../vectors/srtp/vectors.ts";
import { PATHS } from "./native.ts";

const derive = (key: string, salt: string, label: number, n: number) => toHex(deriveSrtpKey(srtpEngine(), hex(key), hex(salt), label, n));

describe("RFC 3711 B.3 / RFC 6188 §7.2 key derivation", () => {
  it("RFC 3711 B.3: cipher key, salt and the 94 listed bytes of the auth key (labels 0, 2, 1)", () => {
    const v = RFC3711_B3;
    expect(derive(v.masterKey, v.masterSalt, SrtpLabel.RtpEncryption, 16)).toBe(toHex(hex(v.cipherKey)));
    expect(derive(v.masterKey, v.masterSalt, SrtpLabel.RtpSalt, 14)).toBe(toHex(hex(v.cipherSalt)));
    expect(derive(v.masterKey, v.masterSalt, SrtpLabel.RtpAuthentication, 94)).toBe(toHex(hex(v.authKey)));
  });

  it("RFC 6188 §7.2: AES_256_CM_PRF cipher key, salt, auth key", () => {
    const v = RFC6188_7_2;
    expect(derive(v.masterKey, v.masterSalt, SrtpLabel.RtpEncryption, 32)).toBe(toHex(hex(v.cipherKey)));
    expect(derive(v.masterKey, v.masterSalt, SrtpLabel.RtpSalt, 14)).toBe(toHex(hex(v.cipherSalt)));
    expect(derive(v.masterKey, v.masterSalt, SrtpLabel.RtpAuthentication, 20)).toBe(toHex(hex(v.authKey)));
  });

  it("RFC 3711 §4.3.1: a context built from the B.3 master key uses the derived keys", () => {
    // Same master key through createSrtpContext and through explicit session keys: identical output.
    const v = RFC3711_B3;
    const a = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: hex(v.masterKey), masterSalt: hex(v.masterSalt) });
    const mk = (l: number, n: number) => hex(derive(v.masterKey, v.masterSalt, l, n));
    const b = createSrtpContextFromSessionKeys("AES_CM_128_HMAC_SHA1_80", {
      rtpKey: mk(0, 16), rtpAuthKey: mk(1, 20), rtpSalt: mk(2, 14),
      rtcpKey: mk(3, 16), rtcpAuthKey: mk(4, 20), rtcpSalt: mk(5, 14),
    });
    const rtp = hex("80000001 00000000 12345678 00112233 44556677");
    expect(toHex(a.protectRtp(rtp))).toBe(toHex(b.protectRtp(rtp)));
    const rtcp = hex("80c80006 12345678 00000000 00000000 00000000 00000000 00000000");
    expect(toHex(a.protectRtcp(rtcp))).toBe(toHex(b.protectRtcp(rtcp)));
    a.close();
    b.close();
  });
});

describe.each(PATHS)("AES-CM keystream ($name)", ({ crypto }) => {
  const keystream = (profile: SrtpProfileName, key: string, salt: string, n: number) => {
    const k = hex(key);
    const s = hex(salt);
    const ctx = createSrtpContextFromSessionKeys(profile, {
      rtpKey: k, rtpSalt: s, rtpAuthKey: new Uint8Array(20), rtcpKey: k, rtcpSalt: s, rtcpAuthKey: new Uint8Array(20),
    }, { crypto });
    // SSRC 0, SEQ 0, ROC 0: a zero payload encrypts to the keystream itself.
    const pkt = new Uint8Array(12 + n);
    pkt[0] = 0x80;
    const out = ctx.protectRtp(pkt);
    ctx.close();
    return toHex(out.subarray(12, 12 + n));
  };

  it("RFC 3711 B.2: AES-128-CM keystream blocks 0..2", () => {
    const v = RFC3711_B2;
    expect(keystream("AES_CM_128_HMAC_SHA1_80", v.sessionKey, v.sessionSalt, 48)).toBe(toHex(hex(v.keystreamStart)));
  });

  it("RFC 6188 §7.1: AES-256-CM keystream blocks 0..2", () => {
    const v = RFC6188_7_1;
    expect(keystream("AES_256_CM_HMAC_SHA1_80", v.sessionKey, v.sessionSalt, 48)).toBe(toHex(hex(v.keystreamStart)));
  });
});

describe.each(PATHS)("RFC 7714 AES-GCM vectors ($name)", ({ crypto }) => {
  const cases = [
    { profile: "AEAD_AES_128_GCM" as const, key: RFC7714.key128, rtp: RFC7714.rtp128, rtcp: RFC7714.rtcp128, authOnly: RFC7714.rtcpAuthOnly128 },
    { profile: "AEAD_AES_256_GCM" as const, key: RFC7714.key256, rtp: RFC7714.rtp256, rtcp: RFC7714.rtcp256, authOnly: RFC7714.rtcpAuthOnly256 },
  ];
  const ctxFor = (profile: SrtpProfileName, key: string) => {
    const k = hex(key);
    const s = hex(RFC7714.salt);
    return createSrtpContextFromSessionKeys(profile, { rtpKey: k, rtpSalt: s, rtcpKey: k, rtcpSalt: s }, { crypto });
  };

  for (const c of cases) {
    it(`RFC 7714 §16: ${c.profile} SRTP encryption and decryption`, () => {
      const tx = ctxFor(c.profile, c.key);
      expect(toHex(tx.protectRtp(hex(RFC7714.rtpPlain)))).toBe(toHex(hex(c.rtp)));
      const rx = ctxFor(c.profile, c.key);
      expect(toHex(rx.unprotectRtp(hex(c.rtp)))).toBe(toHex(hex(RFC7714.rtpPlain)));
      tx.close();
      rx.close();
    });

    it(`RFC 7714 §17: ${c.profile} SRTCP encryption and decryption (E = 1, index in AAD)`, () => {
      const tx = ctxFor(c.profile, c.key);
      tx.setSrtcpIndex(0x4d617273, RFC7714.rtcpIndex);
      expect(toHex(tx.protectRtcp(hex(RFC7714.rtcpPlain)))).toBe(toHex(hex(c.rtcp)));
      const rx = ctxFor(c.profile, c.key);
      expect(toHex(rx.unprotectRtcp(hex(c.rtcp)))).toBe(toHex(hex(RFC7714.rtcpPlain)));
      tx.close();
      rx.close();
    });

    it(`RFC 7714 §9.2: ${c.profile} SRTCP with E = 0 authenticates the whole packet`, () => {
      const rx = ctxFor(c.profile, c.key);
      expect(toHex(rx.unprotectRtcp(hex(c.authOnly)))).toBe(toHex(hex(RFC7714.rtcpPlain)));
      rx.close();
    });
  }
});
