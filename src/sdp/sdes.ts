import { decodeBase64, encodeBase64 } from "../base64.ts";
import type { SdpCrypto } from "./crypto.ts";

/**
 * SDES key management for SRTP (RFC 4568): the crypto suites siphon's SRTP layer implements, with
 * the names RFC 4568 §6.2 (AES_CM_128_HMAC_SHA1_80/_32), RFC 6188 §7 (AES_256_CM_HMAC_SHA1_80/_32)
 * and RFC 7714 §14.2 (AEAD_AES_128_GCM/_256_GCM) give them — the same strings as the SRTP layer's
 * profile names, so a negotiated suite is passed to it as is.
 */
export type SdesSuite =
  | "AES_CM_128_HMAC_SHA1_80"
  | "AES_CM_128_HMAC_SHA1_32"
  | "AES_256_CM_HMAC_SHA1_80"
  | "AES_256_CM_HMAC_SHA1_32"
  | "AEAD_AES_128_GCM"
  | "AEAD_AES_256_GCM";

/** Master key and salt lengths in bytes of each suite (the inline key is key||salt). */
export const SDES_SUITES: Readonly<Record<SdesSuite, { readonly keyLength: number; readonly saltLength: number }>> = {
  AES_CM_128_HMAC_SHA1_80: { keyLength: 16, saltLength: 14 },
  AES_CM_128_HMAC_SHA1_32: { keyLength: 16, saltLength: 14 },
  AES_256_CM_HMAC_SHA1_80: { keyLength: 32, saltLength: 14 },
  AES_256_CM_HMAC_SHA1_32: { keyLength: 32, saltLength: 14 },
  AEAD_AES_128_GCM: { keyLength: 16, saltLength: 12 },
  AEAD_AES_256_GCM: { keyLength: 32, saltLength: 12 },
};

/** What an offer lists when the caller names no suites: the two every SDES peer implements. */
export const DEFAULT_OFFER_SUITES: readonly SdesSuite[] = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"];

/** What an answer accepts when the caller names no suites: every suite above. */
export const DEFAULT_ANSWER_SUITES: readonly SdesSuite[] = Object.keys(SDES_SUITES) as SdesSuite[];

/** True when `name` is a suite of {@link SDES_SUITES}. */
export function isSdesSuite(name: string): name is SdesSuite {
  return Object.prototype.hasOwnProperty.call(SDES_SUITES, name);
}

/** A source of random bytes; the default is `crypto.getRandomValues`. */
export type RandomBytes = (n: number) => Uint8Array;

/** @internal The layer's default source of keys and session ids: `crypto.getRandomValues`. */
export const defaultRandom: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A fresh master key||salt for `suite` (RFC 4568 §6.1: the inline key is the concatenation). */
export function createSdesKey(suite: SdesSuite, random: RandomBytes = defaultRandom): Uint8Array {
  const s = SDES_SUITES[suite];
  const n = s.keyLength + s.saltLength;
  const b = random(n);
  if (b.length !== n) throw new Error(`random source returned ${b.length} bytes, not ${n}`);
  return b;
}

/** The decoded key||salt of an inline key whose length fits `suite`, or undefined. */
export function sdesKeyOf(crypto: SdpCrypto, suite: SdesSuite): Uint8Array | undefined {
  const k = crypto.keys[0];
  if (!k || k.method !== "inline" || k.keySalt === undefined) return undefined;
  const bytes = decodeBase64(k.keySalt);
  const s = SDES_SUITES[suite];
  return bytes && bytes.length === s.keyLength + s.saltLength ? bytes : undefined;
}

/** The a=crypto value for our key (RFC 4568 §9.1), without lifetime or MKI. */
export function sdesCrypto(tag: number, suite: SdesSuite, keySalt: Uint8Array): SdpCrypto {
  return { tag, suite, keys: [{ method: "inline", info: encodeBase64(keySalt), keySalt: encodeBase64(keySalt) }], sessionParams: [] };
}

/**
 * Session parameters that change nothing for a stream without FEC (RFC 4568 §6.3.6 FEC_ORDER) or
 * are only a hint (§6.3.7 WSH). Any other one (KDR, UNENCRYPTED_*, UNAUTHENTICATED_SRTP, FEC_KEY)
 * asks for something the SRTP layer does not do.
 */
function harmlessParam(p: string): boolean {
  return p.startsWith("FEC_ORDER=") || p.startsWith("WSH=");
}

/**
 * The crypto attribute an answerer takes (RFC 4568 §7.1.2: it "MUST ... select one of the offered
 * crypto attributes" it supports, and "MUST NOT" accept unsupported parameters): the first one in
 * the offer's order whose suite is in `supported`, with one inline key of the right length and no
 * MKI (the SRTP layer sends and expects no MKI field), and only harmless session parameters.
 */
export function selectSdesCrypto(
  offered: readonly SdpCrypto[],
  supported: readonly SdesSuite[] = DEFAULT_ANSWER_SUITES,
): { crypto: SdpCrypto; suite: SdesSuite; key: Uint8Array } | undefined {
  for (const c of offered) {
    if (!isSdesSuite(c.suite) || !supported.includes(c.suite) || c.keys.length !== 1) continue;
    if (c.keys[0]!.mki !== undefined || !c.sessionParams.every(harmlessParam)) continue;
    const key = sdesKeyOf(c, c.suite);
    if (key) return { crypto: c, suite: c.suite, key };
  }
  return undefined;
}
