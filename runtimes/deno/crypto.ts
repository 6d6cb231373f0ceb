/// <reference types="node" />
// Deno implements node:crypto's createCipheriv natively (Rust), so the Node adapter's approach applies.
import { createCipheriv } from "node:crypto";
import type { AesEcbEncryptor, SrtpCrypto } from "../crypto-types.ts";

/** A long-lived AES-ECB cipher from Deno's node:crypto compatibility layer. */
export function denoAesEcb(key: Uint8Array): AesEcbEncryptor {
  if (key.length !== 16 && key.length !== 32) throw new RangeError("AES key must be 16 or 32 bytes");
  const cipher = createCipheriv(key.length === 16 ? "aes-128-ecb" : "aes-256-ecb", key, null);
  cipher.setAutoPadding(false);
  return (src, dst) => {
    dst.set(cipher.update(src));
  };
}

/** SRTP crypto on Deno: native AES-ECB keystream blocks (node:crypto compatibility). */
export const denoSrtpCrypto: SrtpCrypto = { name: "deno node:crypto", createAesEcb: denoAesEcb };
