// RTP benchmark: header parse and write of 172-byte RTP packets (12-byte header + 160-byte payload,
// one 20 ms G.711 frame) with siphon's paths (JS zero-allocation reader, Wasm reader with copy-in,
// allocating facade, Wasm batch in place) against rtp.js and werift-rtp; then G.711 encode.
//
//   npm run build && node bench/rtp.mjs
//   npx deno run -A bench/rtp.mjs
//   npx bun bench/rtp.mjs
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import {
  encodeRtpPacket,
  tryParseRtpPacket,
  rtpBatch,
  RtpHeaderReader,
  writeRtpHeader,
  writeRtpPacket,
} from "../dist/src/rtp/index.js";
import { encodeAlaw, encodeUlaw } from "../dist/src/codec/index.js";
// The in-place scratch is an engine-internal helper, not part of the public API.
import { g711Scratch } from "../dist/src/codec/g711.js";

const require = createRequire(import.meta.url);
const rtpjs = require("rtp.js/packets");
const werift = require("werift-rtp");

const runtime = globalThis.Bun ? `bun ${globalThis.Bun.version}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
const MIN_MS = Number(globalThis.process?.env?.RTP_BENCH_MS ?? 400);
const PAYLOAD = 160;
const N = 1024;
const SSRC = 0x5eed1234;
const now = () => performance.now();

function packet(seq, ts) {
  const p = new Uint8Array(12 + PAYLOAD);
  p[0] = 0x80;
  p[1] = 0;
  p[2] = (seq >> 8) & 255;
  p[3] = seq & 255;
  const v = new DataView(p.buffer);
  v.setUint32(4, ts >>> 0);
  v.setUint32(8, SSRC);
  for (let i = 12; i < p.length; i++) p[i] = (i * 31 + seq) & 255;
  return p;
}

const packets = Array.from({ length: N }, (_, i) => packet(i, i * 160));
const buffers = packets.map((p) => Buffer.from(p));
const views = packets.map((p) => new DataView(p.buffer, p.byteOffset, p.byteLength));

/** Runs `fn(i)` (one op each) until MIN_MS has passed; returns ops per second. */
function measure(fn, opsPerCall = 1) {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += fn(i & (N - 1)) | 0; // warm-up
  let calls = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < MIN_MS) {
    for (let i = 0; i < 10_000; i++) sink += fn(i & (N - 1)) | 0;
    calls += 10_000;
    t = now();
  }
  if (sink === 0.5) console.log("(sink)");
  return (calls * opsPerCall * 1000) / (t - t0);
}

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

function table(title, unit, rows, peers) {
  console.log(`\n${title} (${runtime})`);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [name, ops] of rows) {
    const ratios = peers
      .filter((p) => p !== name && rows.some((r) => r[0] === p))
      .map((p) => `${(ops / rows.find((r) => r[0] === p)[1]).toFixed(2)}x ${p}`)
      .join(", ");
    console.log(`  ${name.padEnd(w)}  ${fmt(ops).padStart(9)} ${unit}  ${peers.includes(name) ? "" : ratios}`);
  }
}

// --- parse ------------------------------------------------------------------------------------------
const reader = new RtpHeaderReader();
const batch = rtpBatch();
batch.clear();
for (let i = 0; i < batch.capacity; i++) batch.push(packets[i]);

const parseRows = [
  ["siphon RtpHeaderReader.read (JS, zero-alloc)", measure((i) => reader.read(packets[i]) + reader.ssrc)],
  ["siphon RtpHeaderReader.readWasm (copy + Wasm)", measure((i) => reader.readWasm(packets[i]) + reader.ssrc)],
  ["siphon tryParseRtpPacket (facade, result object)", measure((i) => { const r = tryParseRtpPacket(packets[i]); return r.ok ? r.value.sequenceNumber + r.value.payload.length : 0; })],
  ["siphon RtpBatch.parse (Wasm in place, 64/call)", measure(() => batch.parse() + batch.sequenceNumber(63), batch.capacity)],
  ["rtp.js RtpPacket(view)", measure((i) => { const p = new rtpjs.RtpPacket(views[i]); return p.getSequenceNumber() + p.getSsrc(); })],
  ["werift-rtp RtpPacket.deSerialize", measure((i) => { const p = werift.RtpPacket.deSerialize(buffers[i]); return p.header.sequenceNumber + p.payload.length; })],
];
table("RTP header parse, 172-byte packets", "pkt/s", parseRows, ["rtp.js RtpPacket(view)", "werift-rtp RtpPacket.deSerialize"]);

// --- write ------------------------------------------------------------------------------------------
const payload = packets[0].subarray(12);
const out = new Uint8Array(2048);
const headers = Array.from({ length: N }, (_, i) => ({
  padding: false, marker: false, payloadType: 0, sequenceNumber: i, timestamp: i * 160, ssrc: SSRC, csrcs: [], extension: undefined,
}));
// Built as literals: objects made by spreading another ({ ...h, payload }) were 20x slower to
// read on Node 20 in this loop.
const rtpPackets = headers.map((h) => ({
  padding: false, marker: false, payloadType: 0, sequenceNumber: h.sequenceNumber, timestamp: h.timestamp, ssrc: SSRC,
  csrcs: [], extension: undefined, payload, paddingLength: 0,
}));
for (let i = 0; i < batch.capacity; i++) batch.setLength(i, 12 + PAYLOAD);
const rtpjsPacket = new rtpjs.RtpPacket();
rtpjsPacket.setSsrc(SSRC);
rtpjsPacket.setPayload(new DataView(payload.buffer, payload.byteOffset, payload.byteLength));
// rtp.js refuses to serialize into the buffer it already lives in, so alternate two buffers.
const rtpjsOut = [new ArrayBuffer(2048), new ArrayBuffer(2048)];
const weriftPayload = Buffer.from(payload);
let seq = 0;

const writeRows = [
  ["siphon writeRtpHeader (12 B into buffer)", measure((i) => writeRtpHeader(headers[i], out, 0))],
  ["siphon writeRtpPacket (header + payload into buffer)", measure((i) => writeRtpPacket(rtpPackets[i], out, 0))],
  ["siphon encodeRtpPacket (new array)", measure((i) => encodeRtpPacket(rtpPackets[i]).length)],
  ["siphon RtpBatch.writeHeaders (Wasm in place, 64/call)", measure(() => batch.writeHeaders(64, { payloadType: 0, sequenceNumber: (seq += 64), timestamp: seq * 160, timestampStep: 160, ssrc: SSRC }), batch.capacity)],
  ["rtp.js setters + serialize(buffer)", measure((i) => { rtpjsPacket.setSequenceNumber(i); rtpjsPacket.setTimestamp(i * 160); rtpjsPacket.serialize(rtpjsOut[i & 1], 0); return rtpjsPacket.getByteLength(); })],
  ["werift-rtp new RtpPacket().serialize()", measure((i) => new werift.RtpPacket(new werift.RtpHeader({ sequenceNumber: i, timestamp: i * 160, ssrc: SSRC, payloadType: 0 }), weriftPayload).serialize().length)],
];
table("RTP packet write, 172-byte packets", "pkt/s", writeRows, ["rtp.js setters + serialize(buffer)", "werift-rtp new RtpPacket().serialize()"]);

// --- G.711 ------------------------------------------------------------------------------------------
const frame = Int16Array.from({ length: 160 }, (_, i) => Math.round(Math.sin(i / 7) * 12000));
const frameOut = new Uint8Array(160);
const scratch = g711Scratch();
const big = scratch.capacity;
for (let i = 0; i < big; i++) scratch.pcm[i] = Math.round(Math.sin(i / 7) * 12000);
// A plain JavaScript μ-law encoder (bias-and-shift, segment by Math.clz32) as a baseline.
function jsUlaw(src, dst) {
  for (let i = 0; i < src.length; i++) {
    const s = src[i];
    const neg = s >> 31;
    let x = ((s ^ neg) >> 2) + 33;
    if (x > 0x1fff) x = 0x1fff;
    const seg = 1 + (32 - Math.clz32(x >> 6));
    const code = ((8 - seg) << 4) | (15 - ((x >> seg) & 15));
    dst[i] = neg ? code : code | 0x80;
  }
  return dst[0];
}
const g711Rows = [
  ["siphon encodeUlaw (160-sample frames, copy in/out)", measure(() => encodeUlaw(frame, frameOut)[0], 160)],
  ["siphon encodeAlaw (160-sample frames, copy in/out)", measure(() => encodeAlaw(frame, frameOut)[0], 160)],
  [`siphon g711Scratch.encode ulaw (in place, ${big} samples)`, measure(() => scratch.encode("ulaw", big), big)],
  ["plain JS μ-law loop (160-sample frames)", measure(() => jsUlaw(frame, frameOut), 160)],
];
table("G.711 encode", "samples/s", g711Rows, ["plain JS μ-law loop (160-sample frames)"]);
