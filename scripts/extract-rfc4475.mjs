#!/usr/bin/env node
/**
 * Writes the RFC 4475 torture messages to test/vectors/rfc4475/, byte-exact.
 *
 * RFC 4475 Appendix A ("Bit-Exact Archive of Each Test Message") carries a base64-encoded,
 * gzip-compressed tar of the 50 message files (49 described in §3 plus `test.dat`, which no
 * section discusses). The rendered RFC text loses bytes (the NUL of escnull, the UTF-8 of intmeth
 * and unreason, the binary S/MIME part of mpart01), so only the archive is authoritative.
 *
 * The npm package `sip` (a dev dependency, installed from the registry) ships those archive files
 * in `test/messages/`. This script copies them and refuses any file whose SHA-256 differs from the
 * manifest below; the manifest was checked against an independent decode of the Appendix A archive
 * (identical bytes for all 50 files). The package also ships two files that are not RFC 4475's
 * (`badcseq.dat`, `baddn_sep.dat`); they are not copied.
 *
 * Usage: node scripts/extract-rfc4475.mjs [--check]
 *          --check   only verify test/vectors/rfc4475/ against the manifest
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MANIFEST = {
  "badaspec.dat": "f8f6e2f4247287b0be6adb5ac222a6db4759395e44d27d2ddb9b39393e94867e",
  "badbranch.dat": "cb049c727f16b5ec49e822f9e8b7d0ee20ca2d20ffb50baecd0b411a5e64fa7d",
  "baddate.dat": "1208a6e3e0c8a8c33a06a1f3733d158413cb72e58c379d094c4ecea11e9d4c28",
  "baddn.dat": "9d9428e8017092f194ec11077ba6865c251308cdfd7fd9db6a993b28e5748951",
  "badinv01.dat": "9ee2b88f2e0b5a9eeb9bf729b6177f0a0c7d0b5e6c84be593e0480d7962f3ab8",
  "badvers.dat": "037d702d19e934bfeebbd2609050d7d54928d590cf90c78f3914522771dd8e03",
  "bcast.dat": "073637c63597199179cf5fc91b980b2d530c066a0048ea3b908772def57b4c36",
  "bext01.dat": "57181987c02c4f5752b7aa8c2847311f6184216ce7621e40303015949e70761c",
  "bigcode.dat": "f79450070975da54c3525c9a5cbe75bae3c9d8cb92eba609772c26f66f225c2e",
  "clerr.dat": "d9da629086a38df433438fb0fb19a8730f34516f049a5520dd0cac3285485290",
  "cparam01.dat": "dfa6b5cdb289adc694b9b7e103ebfa7a2167335c46e5dc9de67055021910ae1c",
  "cparam02.dat": "e93574215bd1d804bb46cc15ca6176b567def7ea1b15f72ab2c2dcf598af465a",
  "dblreq.dat": "a6be48426565c2a705389c4ce2ea17e57b891cb13f80490a2cb9392c797b46ef",
  "esc01.dat": "be3a316d4ce5f69cad474646191e390dd4b50fc8371e44b5197fe1237781973e",
  "esc02.dat": "9a9c59449f00327b02071feafc8e5c2a261c98c818044167894cc17809a12199",
  "escnull.dat": "263fe2ecd12a5ccbb6c67b3174e9211d11da9b600e7d69666a86d2ee42873e90",
  "escruri.dat": "c3cf30af13a9d107829cc105effd79355f1139c6ecc683a048b4c27951f8f416",
  "insuf.dat": "1e3efd9f3b238c6351ba12bc7eb46d843f2761b5d4a6b82b63bffdf07f2c5aee",
  "intmeth.dat": "b957a8292c1c0a9851fe94705b90f94320738f43aacde64998e401f742ef688d",
  "inv2543.dat": "76fac8afe22dee49ea696b511621946694897ac7030fc5d07f57c8b487ce0521",
  "invut.dat": "9b39e824947df46f90f824cd308fb3c118f548d94637f581101e355b381a0d92",
  "longreq.dat": "185739292bc676760e5b1cca77c87705aa570240171c506ad76f8c35af0ecdaa",
  "ltgtruri.dat": "bcacb2dc17610e8cc8f9b8b0e3d6ee65ab473f93787a03bbd33579e1cea473df",
  "lwsdisp.dat": "d1b36b6316c12824f6f04bf6b1fd1f021cade9b74871693b9c3474cd9fa7f4e6",
  "lwsruri.dat": "3e22ceeca585ad23cc180208e2dad94e0a5aa4bb877a61cac443aa927f758b9e",
  "lwsstart.dat": "f884e5626c6c5b1210cfc4a3540b8a28bd52939cff092f3f0c5c971e032adb0e",
  "mcl01.dat": "887191619bf003b7e87399200b5cf4c3b5397344dbf70288ad5e23bd157b7fe4",
  "mismatch01.dat": "a2c285636e451e75420da0cc62ee55ca3e398827008418befbfb078726bf0793",
  "mismatch02.dat": "01b287f9a9c492f7f57405c36c8a2af0e2393896ed2d25fb92b502f2a6722bc4",
  "mpart01.dat": "92147c8e24997bac59629e1b163767697d0d6d499af87f89e325d69968bec3ba",
  "multi01.dat": "d156ab12105b4bfd8a6498de6f7195087058162b8cda1606169855b722411791",
  "ncl.dat": "7ea6538edc1f054fdb6cd1c821040460cffca3cb682fa2e8e2a502d92170b4c2",
  "noreason.dat": "07e11e470a69fffa3674de805e5165d1351a9439a91045ee70c9570ea24ab4fe",
  "novelsc.dat": "9a50a7343fcf685e77c4d0f477138a28f32a41c75aa566d200f3df210b01e648",
  "quotbal.dat": "e61978a2ea359fc666f0336fe4dbc623447532280e3273ea98119b3d3f788c84",
  "regaut01.dat": "885ba0488872cfc04a3c7622854b8381955a5ee890745d6010834e3731a73faa",
  "regbadct.dat": "575d27530275814c1c98be164808fac89a0e2b4fc899dadcd97e6ba499437bda",
  "regescrt.dat": "dab4087c133348b06fd7b3c4c7ef15094f8754e265e4e8c2137bb3ecda2ef477",
  "scalar02.dat": "53158177326568e9964bce5dcfac27a2bf8a90953bbc03f6c5e2775864a97e4b",
  "scalarlg.dat": "0957eca31737e3592eb1418bb41e9f5219278a78ff420111620d7fb60175b551",
  "sdp01.dat": "497c5f1ced6c7b579b48075e2dca919ce9b819a735964128a6e744a3a0b9e57f",
  "semiuri.dat": "87bbaed6b4b354dbd3c5c7a20e66686303c63e43a0aa19b89de1ac75231611a2",
  "test.dat": "fe1cb604956316c0831e28bdc2ebda829a999e187ee801b08251bdb6e74014c7",
  "transports.dat": "33b4553a3b9418121b099ff07882535151edd6a1e81898c63a916aad2cbf90bc",
  "trws.dat": "64ae20694026e28c10746b57386b7fd1276de02b6f8d42d418070e87d6f4499f",
  "unkscm.dat": "81be1a6a566c7ab52fe1c58c4a75440dfd697ad04c5e09fa71340de7da7b8bbb",
  "unksm2.dat": "f6914409ced613ef5eb56e264d2f096dac26ab9e397d6a638934d2027f1f6acb",
  "unreason.dat": "4f939d6ebf4817eea70f011d3209e83732872ffc20ffd304b244084dc392f4d7",
  "wsinv.dat": "d6f6cdee99cd0a1f8e3d9a0fdd67c877700e19ab86d8186dada06f61260e3e61",
  "zeromf.dat": "50954ef47acca4f9f5263ded06246d06dee4e2ee508a8d284191795d7fddf365",
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "sip", "test", "messages");
const dest = join(root, "test", "vectors", "rfc4475");
const checkOnly = process.argv.includes("--check");

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

let bad = 0;
if (!checkOnly) mkdirSync(dest, { recursive: true });
for (const [name, want] of Object.entries(MANIFEST)) {
  const from = checkOnly ? join(dest, name) : join(source, name);
  if (!existsSync(from)) {
    console.error(`missing: ${from}`);
    bad++;
    continue;
  }
  const bytes = readFileSync(from);
  const got = sha256(bytes);
  if (got !== want) {
    console.error(`${name}: sha256 ${got}, expected ${want}`);
    bad++;
    continue;
  }
  if (!checkOnly) writeFileSync(join(dest, name), bytes);
}
if (bad > 0) {
  console.error(`${bad} of ${Object.keys(MANIFEST).length} files failed`);
  process.exit(1);
}
console.log(`${Object.keys(MANIFEST).length} RFC 4475 messages ${checkOnly ? "verified in" : "written to"} test/vectors/rfc4475/`);
