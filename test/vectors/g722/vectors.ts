// G.722 fixtures: the ITU-T G.722 Appendix II digital test sequences (itu/, ITU's ASCII form) and
// FFmpeg's encodings and decodings (see README.md), read as the tests need them.
import { readFileSync } from "node:fs";

const DIR = "test/vectors/g722";

/** A fixture's bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${DIR}/${name}`));
}

/** A fixture of 16-bit little-endian samples. */
export function fixtureSamples(name: string): Int16Array {
  const b = fixtureBytes(name);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

/**
 * An Appendix II sequence in ITU's ASCII form: comment lines, then lines of sixteen 16-bit words
 * in hex followed by a two-digit line check. Returns the words.
 */
export function ituWords(name: string): Uint16Array {
  const words: number[] = [];
  for (const line of readFileSync(`${DIR}/itu/${name}`, "utf8").split("\n")) {
    const t = line.trim();
    if (t === "" || t.startsWith("/*")) continue;
    if (!/^[0-9A-F]{66}$/.test(t)) throw new Error(`${name}: not a sequence line: ${t}`);
    for (let i = 0; i < 64; i += 4) words.push(parseInt(t.slice(i, i + 4), 16));
  }
  return Uint16Array.from(words);
}

/** The words as ITU's little-endian binary files hold them (`bt` + the name in lower case). */
export function ituBinary(words: Uint16Array): Uint8Array {
  const out = new Uint8Array(words.length * 2);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint16(2 * i, w, true));
  return out;
}

/**
 * CRC-32 and size of the little-endian binary files, from ITU's read-me of the G.722 (09/2012)
 * test sequences (g722-ts-le/bin/00readme-g.722-testvectors-le.txt), for the sequences kept here.
 */
export const ITU_BINARY_CRC32: Readonly<Record<string, [crc: number, bytes: number]>> = {
  "T1C2.XMT": [0x2d604685, 1600],
  "T2R2.COD": [0x344ea5d0, 1600],
  "T3H2.RC0": [0x5330ae2e, 1600],
  "T3L2.RC1": [0xaf00f31f, 1600],
  "T3L2.RC2": [0x9143e92c, 1600],
  "T3L2.RC3": [0xae855c07, 1600],
};

/** CRC-32 (ISO-HDLC, as zip and ITU's read-me use). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Word of an Appendix II input or output that asks for (or marks) a reset: the least significant bit. */
export function isReset(word: number): boolean {
  return (word & 1) === 1;
}
