/// <reference types="node" />
import { createCipheriv } from "node:crypto";
import { cipherSrtpCrypto } from "../crypto-types.ts";

/** SRTP crypto on Node: native AES-ECB keystream blocks (node:crypto, OpenSSL with AES-NI). */
export const nodeSrtpCrypto = cipherSrtpCrypto("node:crypto", createCipheriv);
