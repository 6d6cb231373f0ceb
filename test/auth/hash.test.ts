import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashBytesHex, hashHex, hashJoin, hmacKeySchedule, hmacSha256, MD5, SHA256, SHA512_256 } from "../../src/auth/hash.ts";
import type { HashId } from "../../src/auth/hash.ts";
import { ALG_MD5, ALG_SHA256, ALG_SHA512_256, ERR_RANGE } from "../../src/auth/abi.generated.ts";
import { wasmCore } from "../../src/wasm/index.ts";
import { HMAC_SHA256_VECTORS, MD5_VECTORS, SHA256_VECTORS, SHA512_256_VECTORS, hex } from "../vectors/auth/vectors.ts";

const NODE_NAMES: Record<HashId, string> = { 0: "md5", 1: "sha256", 2: "sha512-256" };
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("hash vectors", () => {
  it.each(MD5_VECTORS)("RFC 1321 §A.5: MD5(%j)", (input, want) => {
    expect(hashHex(MD5, input)).toBe(want);
  });

  it.each(SHA256_VECTORS.map(([i, h]) => [i.length > 80 ? `${i.length} bytes` : i, i, h]))("FIPS 180-4 SHA-256: %s", (_, input, want) => {
    expect(hashHex(SHA256, input)).toBe(want);
  });

  it.each(SHA512_256_VECTORS)("FIPS 180-4 §5.3.6.2 SHA-512/256(%j) (its own initial value)", (input, want) => {
    expect(hashHex(SHA512_256, input)).toBe(want);
  });

  it.each(HMAC_SHA256_VECTORS.map((v) => [v.name, v]))("RFC 4231 §%s: HMAC-SHA-256", (_, v) => {
    const out = new Uint8Array(32);
    hmacSha256(hmacKeySchedule(hex(v.key)), hex(v.data), out, 0, 32);
    expect(toHex(out)).toBe(v.mac);
  });
});

describe("hash lengths and encodings against node:crypto", () => {
  // Every padding boundary of both block sizes (64 and 128), streaming sizes past the IO region,
  // and non-ASCII text (UTF-8 encoded).
  const lengths = [0, 1, 54, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 255, 256, 1000, 66_000, 66_432, 66_433, 140_000];
  for (const h of [MD5, SHA256, SHA512_256] as HashId[]) {
    it(`${NODE_NAMES[h]}: text and bytes of ${lengths.length} lengths`, () => {
      for (const n of lengths) {
        const s = "xyz:".repeat(Math.ceil(n / 4)).slice(0, n);
        expect(hashHex(h, s), `${n}`).toBe(createHash(NODE_NAMES[h]).update(s).digest("hex"));
        const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
        expect(hashBytesHex(h, bytes), `${n} bytes`).toBe(createHash(NODE_NAMES[h]).update(bytes).digest("hex"));
      }
    });

    it(`${NODE_NAMES[h]}: UTF-8 text, and pieces joined with ":"`, () => {
      for (const s of ["J\u00e4s\u00f8n Doe:api@example.org", "\u{1f600}", "\u00e9".repeat(30_000)]) {
        expect(hashHex(h, s)).toBe(createHash(NODE_NAMES[h]).update(s).digest("hex"));
      }
      const parts = ["Mufasa", "http-auth@example.org", "Circle of Life", "\u00e4".repeat(40_000)];
      expect(hashJoin(h, parts.slice(0, 3))).toBe(createHash(NODE_NAMES[h]).update(parts.slice(0, 3).join(":")).digest("hex"));
      expect(hashJoin(h, parts)).toBe(createHash(NODE_NAMES[h]).update(parts.join(":")).digest("hex"));
    });
  }

  it("HMAC-SHA-256 with keys of every size class and long messages", () => {
    for (const keyLen of [0, 1, 32, 63, 64, 65, 200]) {
      const key = new Uint8Array(keyLen).map((_, i) => i ^ 0x5a);
      const schedule = hmacKeySchedule(key);
      for (const msgLen of [0, 12, 55, 64, 1000]) {
        const msg = new Uint8Array(msgLen).map((_, i) => i & 255);
        const out = new Uint8Array(40);
        hmacSha256(schedule, msg, out, 4, 32);
        expect(toHex(out.subarray(4, 36)), `${keyLen}/${msgLen}`).toBe(createHmac("sha256", key).update(msg).digest("hex"));
      }
    }
  });
});

describe("the auth core's ABI, generated from assembly/auth/abi.json", () => {
  const core = wasmCore();
  const ex = core.exports;
  const io = ex.auth_io();
  /** The core's own answer for "abc" under algorithm id `alg`: hex, or the negative code. */
  const raw = (alg: number): string | number => {
    core.u8.set([0x61, 0x62, 0x63], io);
    const out = ex.auth_io_size() - 128;
    const n = ex.auth_hash(alg, 0, 3, out);
    return n < 0 ? n : new TextDecoder().decode(core.u8.subarray(io + out, io + out + n));
  };

  it("RFC 1321 §A.5 and FIPS 180-4: each generated id selects its hash in the core", () => {
    expect([MD5, SHA256, SHA512_256]).toEqual([ALG_MD5, ALG_SHA256, ALG_SHA512_256]);
    expect(raw(ALG_MD5)).toBe(createHash("md5").update("abc").digest("hex"));
    expect(raw(ALG_SHA256)).toBe(createHash("sha256").update("abc").digest("hex"));
    expect(raw(ALG_SHA512_256)).toBe(createHash("sha512-256").update("abc").digest("hex"));
  });

  it("an unknown id or a range outside the IO region is the generated ERR_RANGE", () => {
    expect(ERR_RANGE).toBeLessThan(0);
    expect(raw(3)).toBe(ERR_RANGE);
    expect(raw(-1)).toBe(ERR_RANGE);
    expect(ex.auth_begin(7)).toBe(ERR_RANGE);
    expect(ex.auth_hash(ALG_MD5, 0, ex.auth_io_size() + 1, 0)).toBe(ERR_RANGE);
    expect(ex.auth_hmac(0, -1, 1, 0)).toBe(ERR_RANGE);
  });
});
