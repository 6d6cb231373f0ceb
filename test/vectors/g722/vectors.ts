// G.722 fixtures: FFmpeg's encodings and decodings (see README.md), read as the tests need them.
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
