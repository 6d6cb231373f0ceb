// Test vectors of RFC 3711 Appendix B, RFC 6188 §7 and RFC 7714 §16–17, byte-exact as hex.
// Provenance: the bytes the RFCs print, as quoted in pion/srtp's tests (srtp_cipher_aes_cm_hmac_sha1_rfc_test.go,
// srtp_cipher_aead_aes_gcm_rfc_test.go, key_derivation_test.go) and libre's test/srtp.c.
// Whitespace is insignificant.

/** RFC 3711 Appendix B.2: AES-CM keystream, session key and salt, packet index 0, SSRC 0. */
export const RFC3711_B2 = {
  sessionKey: "2B7E151628AED2A6ABF7158809CF4F3C",
  sessionSalt: "F0F1F2F3F4F5F6F7F8F9FAFBFCFD",
  /** Keystream blocks for counters 0x0000, 0x0001, 0x0002 (the RFC's blocks at 0xFEFF.. need a >1 MB payload). */
  keystreamStart: `E03EAD0935C95E80E166B16DD92B4EB4
                   D23513162B02D0F72A43A2FE4A5F97AB
                   41E95B3BB0A2E8DD477901E4FCA894C0`,
};

/** RFC 3711 Appendix B.3: key derivation with kdr = 0, packet index 0. */
export const RFC3711_B3 = {
  masterKey: "E1F97A0D3E018BE0D64FA32C06DE4139",
  masterSalt: "0EC675AD498AFEEBB6960B3AABE6",
  cipherKey: "C61E7A93744F39EE10734AFE3FF7A087",
  cipherSalt: "30CBBC08863D8C85D49DB34A9AE1",
  /** The RFC lists 94 bytes of the label-1 output; HMAC-SHA1 uses the first 20. */
  authKey: `CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
            E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
            6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2`,
};

/** RFC 6188 §7.1: AES-256-CM keystream. */
export const RFC6188_7_1 = {
  sessionKey: "57f82fe3613fd170a85ec93c40b1f092 2ec4cb0dc025b58272147cc438944a98",
  sessionSalt: "f0f1f2f3f4f5f6f7f8f9fafbfcfd",
  keystreamStart: `92bdd28a93c3f52511c677d08b5515a4
                   9da71b2378a854f67050756ded165bac
                   63c4868b7096d88421b563b8c94c9a31`,
};

/** RFC 6188 §7.2: AES_256_CM_PRF key derivation. */
export const RFC6188_7_2 = {
  masterKey: "f0f04914b513f2763a1b1fa130f10e29 98f6f6e43e4309d1e622a0e332b9f1b6",
  masterSalt: "3b04803de51ee7c96423ab5b78d2",
  cipherKey: "5ba1064e30ec51613cad926c5a28ef73 1ec7fb397f70a960653caf06554cd8c4",
  cipherSalt: "fa31791685ca444a9e07c6c64e93",
  authKey: "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05",
};

/** RFC 7714 §16 (SRTP, ROC 0) and §17 (SRTCP, index 0x5d4, E = 1): AEAD_AES_128_GCM and AEAD_AES_256_GCM. */
export const RFC7714 = {
  key128: "000102030405060708090a0b0c0d0e0f",
  key256: "000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f",
  salt: "517569642070726f2071756f",
  rtpPlain: `8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
             69736120 696e2070 61727465 73207472 6573`,
  rtp128: `8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5
           0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce`,
  rtp256: `8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238
           9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13`,
  rtcpIndex: 0x5d4,
  rtcpPlain: `81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
              deadbeef deadbeef deadbeef deadbeef deadbeef`,
  rtcp128: `81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
            c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4`,
  rtcp256: `81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50
            a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4`,
  /**
   * The same RTCP packet authenticated only (E = 0, index 0x5d4; AAD = whole packet || E+index per
   * RFC 7714 §9.2). Not an RFC vector: taken from pion/srtp's GCM tests as a cross-implementation check.
   */
  rtcpAuthOnly128: `81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
                    deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4`,
  rtcpAuthOnly256: `81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
                    deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393 ed2615fe 000005d4`,
};

/** Hex (any whitespace) to bytes. */
export function hex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, "");
  const out = new Uint8Array(t.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes to lowercase hex. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}
