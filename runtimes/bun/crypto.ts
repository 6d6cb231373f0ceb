/// <reference types="node" />
// Bun implements node:crypto's ciphers on BoringSSL, so the shared cipher applies.
import { createCipheriv } from "node:crypto";
import { cipherSrtpCrypto } from "../crypto-types.ts";

/** SRTP crypto on Bun: native AES-ECB keystream blocks (node:crypto on BoringSSL). */
export const bunSrtpCrypto = cipherSrtpCrypto("bun node:crypto", createCipheriv);
