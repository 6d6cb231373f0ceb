/**
 * What the runtime adapters lend to SRTP contexts. The interfaces belong to the SRTP layer
 * (src/srtp/crypto.ts); this file re-exports them for runtimes/types.ts and holds the one
 * implementation the three adapters share: each runtime's `node:crypto` `createCipheriv` (OpenSSL on
 * Node, BoringSSL on Bun, Rust on Deno) makes a long-lived AES-ECB cipher. Each adapter passes its
 * own `createCipheriv`, so this file imports no runtime module.
 */
import type { AesEcbEncryptor, SrtpCrypto } from "../src/srtp/crypto.ts";

export type { AesEcbEncryptor, SrtpCrypto };

/** The part of `node:crypto`'s `createCipheriv` the cipher needs. */
export type CreateCipheriv = (
  algorithm: "aes-128-ecb" | "aes-256-ecb",
  key: Uint8Array,
  iv: null,
) => { setAutoPadding(autoPadding: boolean): unknown; update(data: Uint8Array): Uint8Array };

/**
 * SRTP crypto from a `createCipheriv`: one cipher object per session key, since creating one per
 * packet costs about 6 µs on Node, far more than the encryption.
 */
export function cipherSrtpCrypto(name: string, createCipheriv: CreateCipheriv): SrtpCrypto {
  const createAesEcb = (key: Uint8Array): AesEcbEncryptor => {
    if (key.length !== 16 && key.length !== 32) throw new RangeError("AES key must be 16 or 32 bytes");
    const cipher = createCipheriv(key.length === 16 ? "aes-128-ecb" : "aes-256-ecb", key, null);
    cipher.setAutoPadding(false);
    // Whole blocks with padding off: update() returns exactly src.length bytes.
    return (src, dst) => {
      dst.set(cipher.update(src));
    };
  };
  return { name, createAesEcb };
}
