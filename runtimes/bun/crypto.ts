/// <reference types="node" />
// Bun implements node:crypto's ciphers on BoringSSL, so the Node adapter's approach applies.
import { createCipheriv } from "node:crypto";
import type { AesEcbEncryptor, SrtpCrypto } from "../crypto-types.ts";

/** A long-lived AES-ECB cipher from Bun's node:crypto (BoringSSL). */
export function bunAesEcb(key: Uint8Array): AesEcbEncryptor {
  if (key.length !== 16 && key.length !== 32) throw new RangeError("AES key must be 16 or 32 bytes");
  const cipher = createCipheriv(key.length === 16 ? "aes-128-ecb" : "aes-256-ecb", key, null);
  cipher.setAutoPadding(false);
  return (src, dst) => {
    dst.set(cipher.update(src));
  };
}

/** SRTP crypto on Bun: native AES-ECB keystream blocks (node:crypto on BoringSSL). */
export const bunSrtpCrypto: SrtpCrypto = { name: "bun node:crypto", createAesEcb: bunAesEcb };
