// Media benchmark: the jitter buffer (push + pull per 20 ms packet, with playout through G.711 and
// concealment), the resampler (samples per second and real-time factor), and Opus encode/decode
// of 20 ms frames through siphon's wrapper against @evan/opus's own API (the same libopus Wasm,
// and its native addon where it loads) in the same run.
//
//   npm run build && node bench/media.mjs
//   npx deno run -A bench/media.mjs
//   npx bun bench/media.mjs
import { createRequire } from "node:module";
import { AudioPlayout, JitterBuffer, Resampler, ToneGenerator } from "../dist/src/media/index.js";
import { createOpusDecoder, createOpusEncoder, decodeUlaw, encodeUlaw } from "../dist/src/codec/index.js";

const require = createRequire(import.meta.url);
const runtime = globalThis.Bun ? `bun ${globalThis.Bun.version}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
const MIN_MS = Number(globalThis.process?.env?.MEDIA_BENCH_MS ?? 1000);
const now = () => performance.now();

/** Runs `fn()` (doing `ops` operations) until MIN_MS has passed; returns operations per second. */
function measure(fn, ops) {
  // Warm up for a third of the time: Wasm functions tier up to optimized code only when hot.
  for (const t0 = now(); now() - t0 < MIN_MS / 3; ) fn();
  let n = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < MIN_MS) {
    fn();
    n += ops;
    t = now();
  }
  return (n * 1000) / (t - t0);
}
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

console.log(`media benchmarks (${runtime})`);

// --- jitter buffer -----------------------------------------------------------------------------
{
  const payloads = Array.from({ length: 64 }, (_, i) => new Uint8Array(160).fill(i));
  let seq = 0;
  let clock = 0;
  const jb = new JitterBuffer({ clockRate: 8000, minDelayMs: 40, initialDelayMs: 40 });
  // 1000 packets per call: push with ±10 ms of jitter, one pull every 20 ms.
  const jbOps = measure(() => {
    for (let i = 0; i < 1000; i++) {
      const s = seq++;
      jb.push({ sequenceNumber: s & 0xffff, timestamp: (s * 160) >>> 0, payloadType: 0, payload: payloads[s & 63] }, clock + ((s * 7919) % 20));
      jb.pull(clock);
      clock += 20;
    }
  }, 1000);
  const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000] });
  const ulaw = Array.from({ length: 64 }, () => encodeUlaw(tone.next(160)));
  const playout = new AudioPlayout({ clockRate: 8000, minDelayMs: 40, initialDelayMs: 40, decoder: { sampleRate: 8000, decode: (p) => decodeUlaw(p) } });
  let pseq = 0;
  let pclock = 0;
  // Every 20th packet lost, so the concealer runs too.
  const poOps = measure(() => {
    for (let i = 0; i < 1000; i++) {
      const s = pseq++;
      if (s % 20 !== 7) playout.push({ sequenceNumber: s & 0xffff, timestamp: (s * 160) >>> 0, payloadType: 0, payload: ulaw[s & 63] }, pclock);
      playout.pull(pclock);
      pclock += 20;
    }
  }, 1000);
  console.log(`\njitter buffer, 20 ms packets (${runtime})`);
  console.log(`  JitterBuffer push+pull                 ${fmt(jbOps).padStart(9)} packets/s  = ${fmt(jbOps / 50)} streams per core`);
  console.log(`  AudioPlayout push+pull+G.711+PLC (5 %) ${fmt(poOps).padStart(9)} packets/s  = ${fmt(poOps / 50)} streams per core`);
}

// --- resampler ---------------------------------------------------------------------------------
{
  console.log(`\nresampler, 20 ms mono frames (${runtime})`);
  for (const [from, to] of [[8000, 16000], [8000, 48000], [16000, 48000], [48000, 8000], [48000, 16000], [44100, 48000]]) {
    const r = new Resampler({ from, to });
    const tone = new ToneGenerator({ sampleRate: from, frequencies: [1000] });
    const frames = Array.from({ length: 50 }, () => tone.next(from / 50));
    const ops = measure(() => {
      for (const f of frames) r.process(f);
    }, from);
    console.log(`  ${String(from).padStart(5)} → ${String(to).padEnd(5)} ${fmt(ops).padStart(9)} input samples/s  = ${(ops / from).toFixed(0).padStart(5)}× real time`);
  }
}

// --- Opus --------------------------------------------------------------------------------------
{
  let evan;
  let evanKind = "";
  try {
    evan = require("@evan/opus");
    evanKind = "native addon or Wasm, as it loads";
  } catch {
    evan = undefined;
  }
  let evanWasm;
  try {
    evanWasm = require("@evan/opus/wasm/index.js");
  } catch {
    evanWasm = undefined;
  }
  console.log(`\nOpus, 20 ms mono frames of a 1 kHz tone at 32 kbit/s, encode + decode (${runtime})`);
  for (const rate of [8000, 16000, 48000]) {
    const frame = rate / 50;
    const tone = new ToneGenerator({ sampleRate: rate, frequencies: [1000], levelDbm0: -10 });
    const pcm = Array.from({ length: 50 }, () => tone.next(frame));
    /** Encode and decode rates of one encoder/decoder pair over the 50 frames. */
    const rates = (encode, decode) => {
      const encOps = measure(() => {
        for (const f of pcm) encode(f);
      }, 50);
      const packets = pcm.map((f) => encode(f));
      const decOps = measure(() => {
        for (const p of packets) decode(p);
      }, 50);
      return [encOps, decOps];
    };
    const rows = [];
    const enc = createOpusEncoder({ sampleRate: rate, bitrate: 32000 });
    const dec = createOpusDecoder({ sampleRate: rate });
    rows.push(["siphon (libopus Wasm SIMD)", ...rates((f) => enc.encode(f), (p) => dec.decode(p))]);
    const enc5 = createOpusEncoder({ sampleRate: rate, bitrate: 32000, complexity: 5 });
    rows.push(["siphon, complexity 5", ...rates((f) => enc5.encode(f), (p) => dec.decode(p))]);
    for (const [name, lib] of [["@evan/opus Wasm API", evanWasm], [`@evan/opus default (${evanKind})`, evan]]) {
      if (!lib) continue;
      const e = new lib.Encoder({ channels: 1, sample_rate: rate, application: "voip" });
      e.ctl(4002, 32000);
      const d = new lib.Decoder({ channels: 1, sample_rate: rate });
      rows.push([name, ...rates((f) => e.encode(f), (p) => d.decode(p))]);
    }
    const base = rows[0];
    console.log(`  ${rate} Hz`);
    for (const [name, e, d] of rows) {
      const both = 1 / (1 / e + 1 / d);
      const ratio = name === base[0] ? "" : `  (siphon ÷ this: enc ${(base[1] / e).toFixed(2)}×, dec ${(base[2] / d).toFixed(2)}×)`;
      console.log(`    ${name.padEnd(44)} enc ${fmt(e).padStart(7)}/s  dec ${fmt(d).padStart(7)}/s  = ${(both / 50).toFixed(0).padStart(4)} streams/core${ratio}`);
    }
  }
}
