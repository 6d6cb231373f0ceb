/// <reference types="node" />
// Deno implements node:crypto's createCipheriv natively (Rust), so the shared cipher applies.
import { createCipheriv } from "node:crypto";
import { cipherSrtpCrypto } from "../crypto-types.ts";

/** SRTP crypto on Deno: native AES-ECB keystream blocks (node:crypto compatibility). */
export const denoSrtpCrypto = cipherSrtpCrypto("deno node:crypto", createCipheriv);
