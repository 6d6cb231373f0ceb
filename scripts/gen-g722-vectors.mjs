// Regenerates the G.722 differential fixtures in test/vectors/g722/ with the installed FFmpeg
// (Debian's `ffmpeg`, codec `adpcm_g722`): a PCM input, FFmpeg's encoding of it, FFmpeg's decoding
// of that stream, and FFmpeg's decoding of random octets. test/codec/g722-ffmpeg.test.ts compares
// siphon's encoder and decoder with them bit for bit. Run:
//
//   node scripts/gen-g722-vectors.mjs
//
// The FFmpeg version and each file's SHA-256 go to test/vectors/g722/ffmpeg.json.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const dir = join(root, "test", "vectors", "g722");
const RATE = 16000;

function ffmpeg(...args) {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(" ")}: ${r.stderr || r.error}`);
}

/** A small deterministic PRNG (xorshift32), so the fixture input is reproducible. */
function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * One second that exercises both sub-bands and the limits: a chirp over the whole band, full-scale
 * white noise, two tones (one per sub-band), a full-scale square wave, then near-silence.
 */
function input() {
  const x = new Int16Array(RATE);
  const rnd = prng(722);
  let phase = 0;
  for (let i = 0; i < RATE; i++) {
    let v;
    if (i < 4000) {
      const f = 100 + (7800 * i) / 4000;
      phase += (2 * Math.PI * f) / RATE;
      v = 16000 * Math.sin(phase);
    } else if (i < 8000) {
      v = (rnd() >>> 16) - 32768;
    } else if (i < 12000) {
      const t = i / RATE;
      v = 8000 * Math.sin(2 * Math.PI * 1000 * t) + 8000 * Math.sin(2 * Math.PI * 5000 * t);
    } else if (i < 14000) {
      v = Math.floor(i / 4) % 2 === 0 ? 32767 : -32768;
    } else {
      v = (rnd() % 7) - 3;
    }
    x[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return x;
}

const version = /^ffmpeg version (\S+)/.exec(spawnSync("ffmpeg", ["-version"], { encoding: "utf8" }).stdout ?? "")?.[1];
if (!version) throw new Error("ffmpeg not found: apt-get install ffmpeg");
const pcm = input();
writeFileSync(join(dir, "input.s16le"), new Uint8Array(pcm.buffer));
const s16 = ["-f", "s16le", "-ar", String(RATE), "-ac", "1"];
ffmpeg(...s16, "-i", join(dir, "input.s16le"), "-c:a", "g722", "-f", "g722", join(dir, "ffmpeg-encoded.g722"));
ffmpeg("-f", "g722", "-i", join(dir, "ffmpeg-encoded.g722"), ...s16, join(dir, "ffmpeg-decoded.s16le"));
// Every octet value, in random order, through FFmpeg's decoder.
const rnd = prng(9);
const codes = new Uint8Array(2048);
for (let i = 0; i < codes.length; i++) codes[i] = i < 256 ? i : rnd() & 0xff;
writeFileSync(join(dir, "random.g722"), codes);
ffmpeg("-f", "g722", "-i", join(dir, "random.g722"), ...s16, join(dir, "random-ffmpeg-decoded.s16le"));

const files = ["input.s16le", "ffmpeg-encoded.g722", "ffmpeg-decoded.s16le", "random.g722", "random-ffmpeg-decoded.s16le"];
const sha256 = Object.fromEntries(files.map((f) => [f, createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")]));
const meta = {
  generator: "scripts/gen-g722-vectors.mjs",
  ffmpeg: `${version} (Debian package ffmpeg)`,
  encode: "ffmpeg -f s16le -ar 16000 -ac 1 -i input.s16le -c:a g722 -f g722 ffmpeg-encoded.g722",
  decode: "ffmpeg -f g722 -i X.g722 -f s16le -ar 16000 -ac 1 X.s16le",
  sha256,
};
writeFileSync(join(dir, "ffmpeg.json"), JSON.stringify(meta, null, 2) + "\n");
console.log(`gen-g722-vectors: ${files.length} files from FFmpeg ${version}`);
