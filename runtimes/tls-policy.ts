/**
 * The TLS server policy of the Node and Bun adapters (Deno's rustls offers forward-secret suites
 * only): TLS 1.3, or TLS 1.2 with ECDHE key exchange and AEAD ciphers. RFC 7525 §4.2 recommends
 * exactly these suites; static-RSA key exchange, which a stolen server key decrypts after the fact,
 * is not offered.
 */
export const FORWARD_SECRET_CIPHERS = [
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "TLS_AES_128_GCM_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");
