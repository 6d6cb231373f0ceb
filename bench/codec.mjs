// Codec benchmark: G.722 encode and decode of 20 ms frames (320 samples <-> 160 octets) through the
// public API and through the core's pointer forms, for one stream and for 1000 streams taken in
// turn (each frame then loads another stream's state), and FFmpeg's native adpcm_g722 as the
// reference point (`ffmpeg -benchmark`, CPU time of a 10-minute file) when it is installed. All
// rates are per second of CPU time (user + system). No G.722 package for JavaScript was found on npm
// to compare with.
//
//   npm run build && node bench/codec.mjs
//   npx deno run -A bench/codec.mjs
//   npx bun bench/codec.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createG722Decoder, createG722Encoder } from "../dist/src/codec/index.js";
import { wasmCore } from "../dist/src/wasm/index.js";

const runtime = globalThis.Bun ? `bun ${globalThis.Bun.version}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
const MIN_MS = Number(globalThis.process?.env?.CODEC_BENCH_MS ?? 1000);
const now = () => performance.now();

/** CPU time of this process (user + system), ms: rates are per CPU second, as FFmpeg's below. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Runs `fn()` (doing `ops` operations) until MIN_MS of wall time has passed; returns operations per
 * second of CPU time, so that other load on a shared machine does not count against the figure.
 */
function measure(fn, ops) {
  // Warm up for a third of the time: Wasm functions tier up to optimized code only when hot.
  for (const t0 = now(); now() - t0 < MIN_MS / 3; ) fn();
  let n = 0;
  const t0 = now();
  const c0 = cpu();
  while (now() - t0 < MIN_MS) {
    fn();
    n += ops;
  }
  return (n * 1000) / (cpu() - c0);
}
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

/** Speech-band noise with a tone, reproducible. */
function signal(n) {
  const out = new Int16Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 16000)) + ((s >>> 20) - 2048);
  }
  return out;
}

const FRAMES = 50; // one second of 20 ms frames
const pcm = signal(320 * FRAMES);
const frames = Array.from({ length: FRAMES }, (_, i) => pcm.subarray(i * 320, (i + 1) * 320));
const probe = createG722Encoder();
const payloads = frames.map((f) => probe.encode(f));
probe.close();
const rows = [];
const row = (what, framesPerSecond) => {
  rows.push([what, framesPerSecond]);
  console.log(`  ${what.padEnd(44)} ${fmt(framesPerSecond * 320).padStart(9)} samples/s  ${(framesPerSecond * 0.02).toFixed(0).padStart(6)}× real time  = ${fmt(framesPerSecond / 50).padStart(7)} streams per core`);
};

console.log(`G.722, 20 ms frames (${runtime}, ${wasmCore().simd ? "SIMD" : "scalar"} build)`);
{
  const enc = createG722Encoder();
  const out = new Uint8Array(160);
  row("encode, API (caller's buffer)", measure(() => { for (const f of frames) enc.encode(f, out); }, FRAMES));
  row("encode, API (new array each frame)", measure(() => { for (const f of frames) enc.encode(f); }, FRAMES));
  const x = wasmCore().exports;
  const src = x.g722_pcm_buf();
  const dst = x.g722_code_buf();
  new Int16Array(x.memory.buffer, src, 320).set(frames[7]);
  row("encode, core pointer form (data in Wasm)", measure(() => { for (let i = 0; i < FRAMES; i++) enc.encodeAt(src, 320, dst); }, FRAMES));
  enc.close();

  const dec = createG722Decoder();
  const samples = new Int16Array(320);
  row("decode, API (caller's buffer)", measure(() => { for (const p of payloads) dec.decode(p, samples); }, FRAMES));
  row("decode, API (new array each frame)", measure(() => { for (const p of payloads) dec.decode(p); }, FRAMES));
  new Uint8Array(x.memory.buffer, dst, 160).set(payloads[7]);
  row("decode, core pointer form (data in Wasm)", measure(() => { for (let i = 0; i < FRAMES; i++) dec.decodeAt(dst, 160, src); }, FRAMES));
  dec.close();
}
{
  const STREAMS = 1000;
  const encs = Array.from({ length: STREAMS }, () => createG722Encoder());
  const decs = Array.from({ length: STREAMS }, () => createG722Decoder());
  const out = new Uint8Array(160);
  const samples = new Int16Array(320);
  row(`encode, ${STREAMS} streams in turn`, measure(() => { for (let i = 0; i < STREAMS; i++) encs[i].encode(frames[i % FRAMES], out); }, STREAMS));
  row(`decode, ${STREAMS} streams in turn`, measure(() => { for (let i = 0; i < STREAMS; i++) decs[i].decode(payloads[i % FRAMES], samples); }, STREAMS));
  for (const c of [...encs, ...decs]) c.close();
}
{
  const enc = createG722Encoder();
  const dec = createG722Decoder();
  const codes = new Uint8Array(pcm.length / 2);
  const back = new Int16Array(pcm.length);
  row("encode, 1 s per call", measure(() => enc.encode(pcm, codes), FRAMES));
  row("decode, 1 s per call", measure(() => dec.decode(codes, back), FRAMES));
  enc.close();
  dec.close();
}

// FFmpeg's native G.722 (C), one process on a 10-minute file: CPU time from -benchmark (which
// includes reading and writing the files, a small part).
const version = /^ffmpeg version (\S+)/.exec(spawnSync("ffmpeg", ["-version"], { encoding: "utf8" }).stdout ?? "")?.[1];
if (version) {
  const dir = mkdtempSync(join(tmpdir(), "g722-bench-"));
  try {
    const seconds = 600;
    const long = new Int16Array(16000 * seconds);
    for (let i = 0; i < long.length; i += pcm.length) long.set(pcm.subarray(0, Math.min(pcm.length, long.length - i)), i);
    writeFileSync(join(dir, "in.s16le"), new Uint8Array(long.buffer));
    const cpuSeconds = (args) => {
      const r = spawnSync("ffmpeg", ["-hide_banner", "-nostats", "-benchmark", "-y", ...args], { encoding: "utf8" });
      const m = /utime=([\d.]+)s stime=([\d.]+)s/.exec(r.stderr ?? "");
      return m ? Number(m[1]) + Number(m[2]) : NaN;
    };
    const s16 = ["-f", "s16le", "-ar", "16000", "-ac", "1"];
    const enc = cpuSeconds([...s16, "-i", join(dir, "in.s16le"), "-c:a", "g722", "-f", "g722", join(dir, "out.g722")]);
    const dec = cpuSeconds(["-f", "g722", "-i", join(dir, "out.g722"), ...s16, "-f", "null", "-"]);
    const ff = (what, cpu) => {
      const fps = (seconds * 50) / cpu;
      console.log(`  ${what.padEnd(44)} ${fmt(fps * 320).padStart(9)} samples/s  ${(fps * 0.02).toFixed(0).padStart(6)}× real time  = ${fmt(fps / 50).padStart(7)} streams per core`);
      return fps;
    };
    console.log(`FFmpeg ${version} adpcm_g722 (native, one process on a ${seconds} s file)`);
    const fe = ff("encode, FFmpeg", enc);
    const fd = ff("decode, FFmpeg", dec);
    const ours = Object.fromEntries(rows);
    const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
    console.log(`  siphon ÷ FFmpeg, 20 ms frames (API, caller's buffer): encode ${ratio(ours["encode, API (caller's buffer)"], fe)}, decode ${ratio(ours["decode, API (caller's buffer)"], fd)}`);
    console.log(`  siphon ÷ FFmpeg, 1 s per call:                        encode ${ratio(ours["encode, 1 s per call"], fe)}, decode ${ratio(ours["decode, 1 s per call"], fd)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log("FFmpeg not installed: no reference point (apt-get install ffmpeg)");
}
