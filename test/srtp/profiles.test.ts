import { describe, expect, it } from "vitest";
import { S_GCM, S_KEYLEN, S_PROFILE, S_RTCPTAG, S_RTPTAG, S_SALTLEN } from "../../src/srtp/abi.generated.ts";
import { srtpEngine } from "../../src/srtp/engine.ts";
import { SRTP_PROFILES, srtpErrorCode } from "../../src/srtp/index.ts";

describe("SRTP profiles: the TypeScript table and the Wasm core agree", () => {
  // The key, salt and tag lengths live in src/srtp/profiles.ts and in the core's profileParams
  // (assembly/srtp/index.ts); the core writes them into the slot it sets up, where this reads them.
  for (const p of Object.values(SRTP_PROFILES)) {
    it(`RFC 4568 §6.2, RFC 6188 §4, RFC 7714 §14: ${p.name} has the same sizes on both sides`, () => {
      const e = srtpEngine();
      const slot = e.general.base + (e.general.count - 1) * e.general.stride;
      const saved = e.u8.slice(slot, slot + e.slotSize);
      try {
        e.u8.fill(1, e.keys, e.keys + 256);
        expect(e.x.srtp_setup(slot, p.id)).toBe(0);
        const u32 = (at: number) => e.u32[(slot + at) >>> 2];
        expect([u32(S_PROFILE), u32(S_KEYLEN), u32(S_SALTLEN), u32(S_RTPTAG), u32(S_RTCPTAG), u32(S_GCM)]).toEqual([
          p.id, p.keyLength, p.saltLength, p.rtpTagLength, p.rtcpTagLength, p.aead ? 1 : 0,
        ]);
      } finally {
        e.u8.set(saved, slot);
      }
    });
  }

  it("an id the core does not know is refused (BAD_PROFILE)", () => {
    const e = srtpEngine();
    const slot = e.general.base + (e.general.count - 1) * e.general.stride;
    const saved = e.u8.slice(slot, slot + e.slotSize);
    expect(srtpErrorCode(e.x.srtp_setup(slot, 99))).toBe("BAD_PROFILE");
    e.u8.set(saved, slot);
  });
});
