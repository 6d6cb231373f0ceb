// Test vectors for digest authentication, as the documents print them.
// Provenance: RFC 1321 §A.5 (MD5 test suite); FIPS 180-4 examples as published by NIST CSRC
// ("Example Algorithms": SHA-256 and SHA-512/256 for "abc" and the two-block messages; SHA-256 of a
// million "a"); RFC 4231 §4.2–4.8 (HMAC-SHA-256); RFC 7616 §3.9.1 and §3.9.2 with Errata ID 4897;
// RFC 2617 §3.5. Header values are the RFCs' with their line folding undone.

/** RFC 1321 §A.5: MD5 ("...") = ... */
export const MD5_VECTORS: readonly [input: string, hex: string][] = [
  ["", "d41d8cd98f00b204e9800998ecf8427e"],
  ["a", "0cc175b9c0f1b6a831c399e269772661"],
  ["abc", "900150983cd24fb0d6963f7d28e17f72"],
  ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
  ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
  ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
  ["12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"],
];

const TWO_BLOCK_256 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const TWO_BLOCK_512 =
  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

/** FIPS 180-4 SHA-256 examples (one block, two blocks, one million "a"). */
export const SHA256_VECTORS: readonly [input: string, hex: string][] = [
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [TWO_BLOCK_256, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  ["a".repeat(1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
];

/** FIPS 180-4 SHA-512/256 examples: SHA-512's compression from SHA-512/256's own initial value. */
export const SHA512_256_VECTORS: readonly [input: string, hex: string][] = [
  ["", "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a"],
  ["abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"],
  [TWO_BLOCK_512, "3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a"],
];

/** RFC 4231 §4.2–4.8: HMAC-SHA-256 (test case 5, truncated output, is left out). Keys and data as hex. */
export const HMAC_SHA256_VECTORS: readonly { name: string; key: string; data: string; mac: string }[] = [
  { name: "4.2", key: "0b".repeat(20), data: "4869205468657265", mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  {
    name: "4.3",
    key: "4a656665",
    data: "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
    mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  { name: "4.4", key: "aa".repeat(20), data: "dd".repeat(50), mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
  {
    name: "4.5",
    key: "0102030405060708090a0b0c0d0e0f10111213141516171819",
    data: "cd".repeat(50),
    mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
  },
  {
    name: "4.7",
    key: "aa".repeat(131),
    data: "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    name: "4.8",
    key: "aa".repeat(131),
    data:
      "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b6579" +
      "20616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e65656473" +
      "20746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f72" +
      "6974686d2e",
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];

/** RFC 7616 §3.9.1: GET /dir/index.html, user "Mufasa", password "Circle of Life" (Errata ID 4495: lower-case "of"). */
export const RFC7616_391 = {
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  /** The 401's two WWW-Authenticate values, SHA-256 first. */
  challenges: [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  ],
  authorizationMd5:
    'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  authorizationSha256:
    'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  responseMd5: "8ca523f5e9506fed4657c9700eebdbec",
  responseSha256: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
};

/**
 * RFC 7616 §3.9.2: SHA-512-256, charset and userhash; user "Jäsøn Doe" (UTF-8 4A C3A4 73 C3B8 6E 20
 * 44 6F 65), password "Secret, or not?", GET /doe.json. The username hash and response the RFC prints
 * are those of SHA-512 truncated to 256 bits; Errata ID 4897 gives the values of SHA-512/256 as FIPS
 * 180-4 §6.7 defines it (own initial value), which RFC 8760 §2.1 uses.
 */
export const RFC7616_392 = {
  username: "J\u00e4s\u00f8n Doe",
  password: "Secret, or not?",
  method: "GET",
  uri: "/doe.json",
  realm: "api@example.org",
  nonce: "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
  cnonce: "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
  opaque: "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS",
  challenge:
    'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true',
  /** As printed (SHA-512 truncated). */
  printed: {
    userhash: "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec",
    response: "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd",
    authorization:
      'Digest username="488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec", realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true',
  },
  /** Errata ID 4897 (SHA-512/256). */
  corrected: {
    userhash: "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b",
    response: "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5",
    authorization:
      'Digest username="793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true',
    /** The same credentials with the name as an RFC 8187 ext-value instead of hashed. */
    authorizationStar:
      "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"api@example.org\", uri=\"/doe.json\", algorithm=SHA-512-256, nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", nc=00000001, cnonce=\"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v\", qop=auth, response=\"3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5\", opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", userhash=false",
  },
};

/** RFC 2617 §3.5: MD5, qop=auth, user "Mufasa", password "Circle Of Life" (capital O). */
export const RFC2617_35 = {
  username: "Mufasa",
  password: "Circle Of Life",
  method: "GET",
  uri: "/dir/index.html",
  realm: "testrealm@host.com",
  challenge:
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  authorization:
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  response: "6629fae49393a05397450978507c4ef1",
};

/** Hex to bytes. */
export function hex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
