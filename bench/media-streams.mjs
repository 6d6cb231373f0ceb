// Media streams benchmark.
//
// core: pairs of RTP sessions (src/media) in one process, no sockets: each tick every session
// writes a 20 ms frame, moves its media clock (encode, SRTP, RTCP, playout, decode, PLC) and hands
// its datagrams to its peer (SRTP check, parse, jitter buffer). The figure is the process CPU per
// packet, sending and receiving included, and what it makes in streams per core (a stream sends and
// receives 50 packets/s): the cost of the sans-I/O media path alone.
//
//   npm run build && node bench/media-streams.mjs [core]
//   npx deno run -A bench/media-streams.mjs
//   npx bun bench/media-streams.mjs
import process from "node:process";
import { createRtpSession, ToneGenerator } from "../dist/src/media/index.js";
import { createSdpNegotiator } from "../dist/src/sdp/index.js";

const runtime = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node";
const version = globalThis.Bun ? globalThis.Bun.version : globalThis.Deno ? globalThis.Deno.version.deno : process.version;
const adapter = await import(`../dist/runtimes/${runtime}/crypto.js`);
const native = adapter.nodeSrtpCrypto ?? adapter.denoSrtpCrypto ?? adapter.bunSrtpCrypto;
const only = process.argv.slice(2);
const SECONDS = Number(process.env.MEDIA_BENCH_SECONDS ?? 4);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Two sessions negotiated through SDP, as two ends of a call would be. */
function pair(i, codecs, srtp, sampleRate) {
  const caps = (port) => [{ port, codecs, ...(srtp ? { srtp: { mandatory: true } } : {}) }];
  const a = createSdpNegotiator({ address: "10.0.0.1", media: caps(10000 + 2 * i) });
  const b = createSdpNegotiator({ address: "10.0.0.2", media: caps(20000 + 2 * i) });
  a.receiveAnswer(b.receiveOffer(a.createOffer()));
  const o = { now: 0, crypto: native, ...(sampleRate ? { sampleRate } : {}) };
  return {
    a: createRtpSession({ stream: a.streams[0], ...o }),
    b: createRtpSession({ stream: b.streams[0], ...o }),
    fromA: { host: "10.0.0.1", port: 10000 + 2 * i },
    fromB: { host: "10.0.0.2", port: 20000 + 2 * i },
  };
}

function core(label, codecs, n, srtp, sampleRate) {
  const pairs = Array.from({ length: n }, (_, i) => pair(i, codecs, srtp, sampleRate));
  const rate = sampleRate ?? 8000;
  const tone = new ToneGenerator({ sampleRate: rate, frequencies: [1000], levelDbm0: -10 });
  const frames = Array.from({ length: 50 }, () => tone.next((rate * 20) / 1000));
  let now = 0;
  let packets = 0;
  const step = (k) => {
    now += 20;
    for (const p of pairs) {
      p.a.writeAudio(frames[k % 50]);
      p.b.writeAudio(frames[(k + 25) % 50]);
      p.a.handleTimeout(now);
      p.b.handleTimeout(now);
      for (let t; (t = p.a.pollTransmit()); packets++) p.b.handleRtp(t.data, p.fromA, now);
      for (let t; (t = p.b.pollTransmit()); packets++) p.a.handleRtp(t.data, p.fromB, now);
      while (p.a.pollAudio());
      while (p.b.pollAudio());
      while (p.a.pollEvent());
      while (p.b.pollEvent());
    }
  };
  // Warm up for a second of media, then measure.
  let k = 0;
  for (; k < 50; k++) step(k);
  packets = 0;
  const c0 = cpu();
  for (const end = k + SECONDS * 50; k < end; k++) step(k);
  const used = cpu() - c0;
  const us = (used * 1000) / packets;
  const q = pairs[0].b.quality;
  if (q.packetsLost !== 0 || q.packetsReceived < SECONDS * 50) throw new Error(`${label}: ${JSON.stringify(q)}`);
  console.log(`  ${label.padEnd(34)} ${us.toFixed(2).padStart(6)} µs/packet  ${String(Math.round(1e6 / (50 * us))).padStart(6)} streams per core`);
  for (const p of pairs) {
    p.a.close(now);
    p.b.close(now);
  }
}

console.log(`media streams (${runtime} ${version})`);
if (only.length === 0 || only.includes("core")) {
  console.log(`\ncore: RTP session pairs in one process, no sockets; CPU per packet sent and received`);
  const PCMU = [{ name: "PCMU", clockRate: 8000 }];
  const OPUS = [{ name: "opus", clockRate: 48000, channels: 2 }];
  core("G.711 (PCMU), 200 pairs", PCMU, 200, false);
  core("G.711 (PCMU) + SRTP, 200 pairs", PCMU, 200, true);
  core("Opus 8 kHz PCM + SRTP, 20 pairs", OPUS, 20, true, 8000);
  core("Opus 48 kHz PCM + SRTP, 20 pairs", OPUS, 20, true, 48000);
}
