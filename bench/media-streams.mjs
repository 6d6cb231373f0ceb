// Media streams benchmark.
//
// udp: one server process (the runtime under test: Node, Deno or Bun) runs N calls through the media
// driver — port pairs, one media clock, SDES-SRTP with the runtime's native AES, each call echoing
// what it plays out (decode, jitter buffer, re-encode) — while this process plays N peers: a few UDP
// sockets (one per 100 peers) sending every call a 20 ms SRTP packet every 20 ms (a quarter of the
// peers every 5 ms) and counting what comes back. Measured
// in the server, after a warm-up: CPU per stream, CPU per packet (received + sent) and the part of
// it spent in the kernel (the system calls of receive and send), datagrams sent
// more than one ptime (20 ms) after they were due. The baseline is the same traffic against a
// bare UDP echo on the same runtime (N sockets sending each datagram back; unconnected, and
// connected to the first sender as the driver connects media sockets): the stack's cost per
// packet against the runtime's own receive + send. The relay rows run N legs as N / 2 relayed
// calls (the driver's RtpRelay: SRTP authenticated and decrypted under one leg's key, encrypted
// under the other's, never decoded, as a B2BUA's anchored leg would), the peers sending on both
// legs of each call: the same datagrams per second as N echoed streams. The generator column is
// this process's CPU over the same seconds, and "offered" what it sent of the N × 50 datagrams per
// second it should: below 100 % the generator itself fell behind.
//
// core: pairs of RTP sessions (src/media) in one process, no sockets: each tick every session
// writes a 20 ms frame, moves its media clock (encode, SRTP, RTCP, playout, decode, PLC) and hands
// its datagrams to its peer (SRTP check, parse, jitter buffer). The figure is the process CPU per
// packet, sending and receiving included, and what it makes in streams per core (a stream sends and
// receives 50 packets/s): the cost of the sans-I/O media path alone.
//
//   npm run build && node bench/media-streams.mjs [core] [udp]
//   MEDIA_STREAMS=1000 MEDIA_SERVER=deno node bench/media-streams.mjs udp   (server on Deno; or bun)
//   MEDIA_MODES=bare-connected,relay MEDIA_OPUS_STREAMS=0 node bench/media-streams.mjs udp
//   MEDIA_MODES=relay,anchor MEDIA_STREAMS=200 MEDIA_OPUS_STREAMS=0 node bench/media-streams.mjs udp   (a B2BUA's
//     anchored call, relayed against transcoded: N legs as N / 2 calls either way)
//   npx deno run -A bench/media-streams.mjs core
//   SIPHON_DIST=/tmp/dist-before node bench/media-streams.mjs udp   (another build, for A/B runs)
//   MEDIA_SRTP=0 MEDIA_MODES=bare-connected,relay,echo node bench/media-streams.mjs udp   (plain RTP/AVP)
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";
import process from "node:process";
import { loadavg as osLoadavg } from "node:os";

// SIPHON_DIST=path/to/dist measures another build (the server process inherits it).
const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).pathname;
const { createMediaDriver, rtpMediaHandlers } = await import(`${DIST}/src/driver/index.js`);
const { createRtpRelay, createRtpSession, OPUS, PCMU, ToneGenerator } = await import(`${DIST}/src/media/index.js`);
const { createSdpNegotiator } = await import(`${DIST}/src/sdp/index.js`);
const { createSrtpContext } = await import(`${DIST}/src/srtp/index.js`);
const { createOpusEncoder, encodeUlaw } = await import(`${DIST}/src/codec/index.js`);

const runtime = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node";
const version = globalThis.Bun ? globalThis.Bun.version : globalThis.Deno ? globalThis.Deno.version.deno : process.version;
const adapter = await import(`${DIST}/runtimes/${runtime}/crypto.js`);
const native = adapter.nodeSrtpCrypto ?? adapter.denoSrtpCrypto ?? adapter.bunSrtpCrypto;
const only = process.argv.slice(2);
const SECONDS = Number(process.env.MEDIA_BENCH_SECONDS ?? 4);
// MEDIA_SRTP=0: the udp rows as plain RTP/AVP (no SDES keys, no SRTP), to tell the stack's cost
// without the crypto; the bare echo then gets the same 172-byte datagrams.
const SRTP = process.env.MEDIA_SRTP !== "0";
const SRTP_CAPS = SRTP ? { srtp: { mandatory: true } } : {};
const MEDIA = SRTP ? "G.711+SRTP" : "G.711 RTP/AVP";
const loadavg = () => osLoadavg().map((x) => x.toFixed(2)).join(" ");
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** The process's CPU in the kernel, ms (system calls: the sockets' receive and send). */
const systemCpu = () => process.cpuUsage().system / 1000;

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

/**
 * Relays between two negotiated legs, no sockets: each step, one SRTP packet of the caller per
 * relay (made before the measured time, under the caller's key) goes through the relay (leg a's
 * key in, leg b's out). The figure is the CPU per forwarded packet: what a B2BUA anchoring a call
 * without transcoding adds to each datagram.
 */
function coreRelay(label, n, secure = true) {
  const codecs = [{ name: "PCMU", clockRate: 8000 }];
  const srtp = secure ? { mandatory: true } : undefined;
  const relays = [];
  for (let i = 0; i < n; i++) {
    const x = createSdpNegotiator({ address: "10.0.0.1", media: [{ port: 10000 + 2 * i, codecs, srtp }] });
    const ra = createSdpNegotiator({ address: "10.0.0.2", media: [{ port: 20000 + 2 * i, codecs, srtp }] });
    const rb = createSdpNegotiator({ address: "10.0.0.2", media: [{ port: 30000 + 2 * i, codecs, srtp }] });
    const y = createSdpNegotiator({ address: "10.0.0.3", media: [{ port: 40000 + 2 * i, codecs, srtp }] });
    x.receiveAnswer(ra.receiveOffer(x.createOffer()));
    rb.receiveAnswer(y.receiveOffer(rb.createOffer()));
    const k = x.streams[0].crypto?.localKey;
    relays.push({
      relay: createRtpRelay({ a: ra.streams[0], b: rb.streams[0], now: 0, crypto: native }),
      ctx: k && createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: k.subarray(0, 16), masterSalt: k.subarray(16), crypto: native }),
      from: { host: "10.0.0.1", port: 10000 + 2 * i },
      ssrc: 0x1000 + i,
    });
  }
  const payload = ulawFrames()[0];
  let seq = 0;
  // One second of packets per relay, protected by the caller.
  const make = () => {
    const batch = [];
    for (let j = 0; j < 50; j++, seq++) {
      for (const r of relays) {
        const b = new Uint8Array(12 + payload.length + 10);
        b[0] = 0x80;
        b[2] = (seq >> 8) & 0xff;
        b[3] = seq & 0xff;
        b[7] = seq & 0xff;
        b[10] = r.ssrc >> 8;
        b[11] = r.ssrc & 0xff;
        b.set(payload, 12);
        if (r.ctx) r.ctx.protectRtpInPlace(b, 12 + payload.length);
        batch.push(r.ctx ? b : b.subarray(0, 12 + payload.length));
      }
    }
    return batch;
  };
  let forwarded = 0;
  const run = (batch) => {
    let i = 0;
    for (const b of batch) {
      const r = relays[i++ % n];
      r.relay.handleRtp("a", b, r.from, 0);
      for (let t; (t = r.relay.pollTransmit()); ) forwarded++;
    }
  };
  run(make());
  forwarded = 0;
  let used = 0;
  for (let s = 0; s < SECONDS; s++) {
    const batch = make();
    const c0 = cpu();
    run(batch);
    used += cpu() - c0;
  }
  if (forwarded !== SECONDS * 50 * n) throw new Error(`${label}: forwarded ${forwarded}`);
  const us = (used * 1000) / forwarded;
  console.log(`  ${label.padEnd(34)} ${us.toFixed(2).padStart(6)} µs/packet  ${String(Math.round(1e6 / (100 * us))).padStart(6)} calls per core (both ways)`);
  for (const r of relays) {
    r.relay.close();
    r.ctx?.close();
  }
}

// ------------------------------------------------------------------------------------------- udp

/** The server process: `server <mode> <codec> <port base>`, driven by JSON lines on stdin. */
async function serve(mode, codec, base) {
  const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);
  const rt = await loadRuntime();
  const lines = createInterface({ input: process.stdin });
  // A runaway server (Deno 2.9's node:dgram once held 10 GB at 500 bare sockets) must not take the
  // machine's memory: past 2 GiB it gives up.
  setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > 2 ** 31) {
      process.stderr.write(`server: ${Math.round(rss / 2 ** 20)} MiB resident, giving up\n`);
      process.exit(3);
    }
  }, 500).unref?.();
  const send = (o) => process.stdout.write(JSON.stringify(o) + "\n");
  let driver;
  const sockets = [];
  let mark;
  // The bare echo's own count of datagrams received and sent (the driver keeps its own).
  const bareStats = { received: 0, sent: 0 };
  for await (const line of lines) {
    const msg = JSON.parse(line);
    if (msg.offers && mode === "stack") {
      driver = await createMediaDriver({ runtime: rt, host: "127.0.0.1", connectSockets: msg.connect !== false, ports: { minPort: base, maxPort: base + 4 * msg.offers.length + 200, spare: msg.offers.length } });
      const handlers = rtpMediaHandlers(driver, { codecs: [codec === "opus" ? OPUS : PCMU], ...SRTP_CAPS, session: { rtpTimeoutMs: 0 } });
      const answers = msg.offers.map((offer, i) => {
        const h = handlers({ role: "uas", callId: `bench-${i}` });
        h.onAudio = (f) => h.writeAudio(f.samples);
        const a = h.receiveOffer({ contentType: "application/sdp", body: offer });
        if (!("body" in a)) throw new Error(a.reason);
        return a.body;
      });
      send({ answers });
    } else if (msg.offers && mode === "relay") {
      // Two offers per call, one per leg: each leg answered on its own port pair with its own keys.
      driver = await createMediaDriver({ runtime: rt, host: "127.0.0.1", connectSockets: msg.connect !== false, ports: { minPort: base, maxPort: base + 4 * msg.offers.length + 200, spare: msg.offers.length } });
      const answers = [];
      for (let i = 0; i < msg.offers.length; i += 2) {
        const legs = [0, 1].map((j) => {
          const pair = driver.pool.take();
          const neg = createSdpNegotiator({ address: "127.0.0.1", media: [{ port: pair.port, codecs: [{ name: "PCMU", clockRate: 8000 }], ...SRTP_CAPS }] });
          const a = neg.receiveOffer({ contentType: "application/sdp", body: msg.offers[i + j] });
          if (!("body" in a)) throw new Error(a.reason);
          answers.push(a.body);
          return { pair, stream: neg.streams[0] };
        });
        driver.relay(legs[0], legs[1]);
      }
      send({ answers });
    } else if (msg.offers && mode === "anchor") {
      // A B2BUA's anchored call whose legs are transcoded: two RTP media handlers per call, each
      // answering its own leg, what one plays out written to the other (decode, jitter buffer,
      // re-encode) — the path the call engine keeps when the legs' codecs differ.
      driver = await createMediaDriver({ runtime: rt, host: "127.0.0.1", connectSockets: msg.connect !== false, ports: { minPort: base, maxPort: base + 4 * msg.offers.length + 200, spare: msg.offers.length } });
      const handlers = rtpMediaHandlers(driver, { codecs: [PCMU], ...SRTP_CAPS, session: { rtpTimeoutMs: 0 } });
      const answers = [];
      for (let i = 0; i < msg.offers.length; i += 2) {
        const [x, y] = [0, 1].map((j) => {
          const h = handlers({ role: "uas", callId: `bench-${i + j}` });
          const a = h.receiveOffer({ contentType: "application/sdp", body: msg.offers[i + j] });
          if (!("body" in a)) throw new Error(a.reason);
          answers.push(a.body);
          return h;
        });
        x.onAudio = (f) => y.writeAudio(f.samples);
        y.onAudio = (f) => x.writeAudio(f.samples);
      }
      send({ answers });
    } else if (msg.ports && (mode === "bare" || mode === "bare-connected")) {
      for (let i = 0; i < msg.ports; i++) {
        // bare-connected: the socket is connected to the first sender, as the media driver does
        // once a peer is proven, so each send takes the runtime's cheapest path.
        let peer;
        const s = await rt.udpBind({ host: "127.0.0.1", port: 0 }, {
          onMessage: (d, from) => {
            if (peer === undefined && mode === "bare-connected") {
              peer = from;
              s.connect?.(from);
            }
            bareStats.received++;
            s.send(d, from.host, from.port);
            bareStats.sent++;
          },
        });
        sockets.push(s);
      }
      send({ ports: sockets.map((s) => s.local.port) });
    } else if (msg.mark) {
      mark = { cpu: cpu(), sys: systemCpu(), at: performance.now(), stats: driver?.stats, bare: { ...bareStats } };
      send({ marked: true });
    } else if (msg.stop) {
      const used = cpu() - mark.cpu;
      const wall = performance.now() - mark.at;
      const st = driver?.stats;
      send({
        cpuMs: used,
        sysMs: systemCpu() - mark.sys,
        wallMs: wall,
        ...(st
          ? { sent: st.sent - mark.stats.sent, sentLate: st.sentLate - mark.stats.sentLate, received: st.received - mark.stats.received, lateTicks: st.lateTicks - mark.stats.lateTicks, maxLateMs: st.maxLateMs }
          : { sent: bareStats.sent - mark.bare.sent, received: bareStats.received - mark.bare.received }),
      });
      driver?.close();
      for (const s of sockets) s.close();
      process.exit(0);
    }
  }
}

/** Runs N peers against a server on `serverRuntime`; returns the server's figures. */
async function load(serverRuntime, mode, codec, n, seconds, connect = true) {
  const base = 40000 + Math.floor(Math.random() * 5000) * 2;
  // MEDIA_SERVER_FLAGS: flags for the server's runtime, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" on Node.
  const flags = (process.env.MEDIA_SERVER_FLAGS ?? "").split(" ").filter(Boolean);
  const [cmd, args] = serverRuntime === "deno" ? ["npx", ["deno", "run", "-A", ...flags]] : serverRuntime === "bun" ? ["npx", ["bun", ...flags]] : [process.execPath, flags];
  const child = spawn(cmd, [...args, new URL(import.meta.url).pathname, "server", mode, codec, String(base)], { stdio: ["pipe", "pipe", "inherit"] });
  const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (o) => {
    child.stdin.write(JSON.stringify(o) + "\n");
    for (;;) {
      const r = await replies.next();
      if (r.done) throw new Error("server exited");
      try {
        return JSON.parse(r.value);
      } catch {
        // a line the runtime printed
      }
    }
  };
  // The peers share a few sockets (MEDIA_GEN_SOCKETS; default one per 100 peers), each with a
  // large receive buffer: one socket for a thousand peers loses replies in its buffer while this
  // process is busy sending.
  const nSockets = Math.max(1, Number(process.env.MEDIA_GEN_SOCKETS ?? Math.ceil(n / 100)));
  const socks = [];
  let back = 0;
  for (let i = 0; i < nSockets; i++) {
    const sock = createSocket({ type: "udp4", recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
    await new Promise((r) => sock.bind(0, "127.0.0.1", r));
    sock.on("message", (m) => {
      if ((m[1] & 0x7f) < 64 || (m[1] & 0x7f) > 95) back++;
    });
    socks.push(sock);
  }
  const portOf = (i) => socks[i % nSockets].address().port;
  // The peers' offers, their SRTP send contexts, and where each call's packets go.
  const peers = [];
  const rate = codec === "opus" ? 48000 : 8000;
  const payloads = codec === "opus" ? opusFrames() : ulawFrames();
  if (mode === "stack" || mode === "relay" || mode === "anchor") {
    // relay: n legs, two per call (n / 2 calls), each leg one of the peers.
    const negotiators = [];
    const offers = [];
    for (let i = 0; i < n; i++) {
      const codecs = codec === "opus" ? [{ name: "opus", clockRate: 48000, channels: 2 }] : [{ name: "PCMU", clockRate: 8000 }];
      const neg = createSdpNegotiator({ address: "127.0.0.1", media: [{ port: portOf(i), codecs, ...SRTP_CAPS }] });
      offers.push(neg.createOffer().body);
      negotiators.push(neg);
    }
    const { answers } = await ask({ offers, connect });
    for (let i = 0; i < n; i++) {
      const neg = negotiators[i];
      if (neg.receiveAnswer(answers[i]) !== true) throw new Error("answer refused");
      const st = neg.streams[0];
      const k = st.crypto?.localKey;
      const ctx = k && createSrtpContext({ profile: st.crypto.suite, masterKey: k.subarray(0, 16), masterSalt: k.subarray(16), crypto: native });
      peers.push({ port: st.remotePort, ctx, pt: st.sendPayloadType, ssrc: (0x10000 + i) >>> 0, sock: socks[i % nSockets], k: 0 });
    }
  } else {
    const { ports } = await ask({ ports: n, connect });
    for (let i = 0; i < n; i++) {
      const ctx = SRTP ? createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: new Uint8Array(16).fill(i), masterSalt: new Uint8Array(14), crypto: native }) : undefined;
      peers.push({ port: ports[i], ctx, pt: codec === "opus" ? 111 : 0, ssrc: (0x10000 + i) >>> 0, sock: socks[i % nSockets], k: 0 });
    }
  }
  // Every 20 ms, one SRTP packet per peer, paced by a drift-free schedule: a quarter of the peers
  // every 5 ms, so the replies do not all come back in one burst.
  const SLICES = 4;
  let step = 0;
  let sentGen = 0;
  const t0 = performance.now();
  let timer;
  const tick = () => {
    for (let i = step % SLICES; i < peers.length; i += SLICES) {
      const p = peers[i];
      const k = p.k++;
      const frame = payloads[k % payloads.length];
      const b = new Uint8Array(12 + frame.length + 10);
      b[0] = 0x80;
      b[1] = p.pt | (k === 0 ? 0x80 : 0);
      b[2] = (k >> 8) & 0xff;
      b[3] = k & 0xff;
      const ts = (k * (rate / 50)) >>> 0;
      b[4] = ts >>> 24; b[5] = (ts >> 16) & 0xff; b[6] = (ts >> 8) & 0xff; b[7] = ts & 0xff;
      b[8] = p.ssrc >>> 24; b[9] = (p.ssrc >> 16) & 0xff; b[10] = (p.ssrc >> 8) & 0xff; b[11] = p.ssrc & 0xff;
      b.set(frame, 12);
      const len = p.ctx ? p.ctx.protectRtpInPlace(b, 12 + frame.length) : 12 + frame.length;
      p.sock.send(b.subarray(0, len), p.port, "127.0.0.1");
      sentGen++;
    }
    step++;
    timer = setTimeout(tick, Math.max(0, t0 + (step * 20) / SLICES - performance.now()));
  };
  tick();
  await new Promise((r) => setTimeout(r, 3000));
  // This process's own window (the server's may start and end later when its loop is busy):
  // what came back of what was sent, and its CPU, over the same span.
  const backAtMark = back;
  const sentAtMark = sentGen;
  const genAtMark = cpu();
  const wallAtMark = performance.now();
  await ask({ mark: true });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const res = await ask({ stop: true });
  const genCpuMs = cpu() - genAtMark;
  const genWallMs = performance.now() - wallAtMark;
  const backs = back - backAtMark;
  const sents = sentGen - sentAtMark;
  clearTimeout(timer);
  for (const sock of socks) sock.close();
  return { ...res, genCpuMs, genWallMs, back: backs, genSent: sents };
}

function ulawFrames() {
  const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
  return Array.from({ length: 50 }, () => encodeUlaw(tone.next(160)));
}

function opusFrames() {
  const tone = new ToneGenerator({ sampleRate: 48000, frequencies: [1000], levelDbm0: -10 });
  const enc = createOpusEncoder({ sampleRate: 48000 });
  const out = Array.from({ length: 50 }, () => enc.encode(tone.next(960)));
  enc.close();
  return out;
}

if (only[0] === "server") {
  await serve(only[1], only[2], Number(only[3]));
} else {
console.log(`media streams (${runtime} ${version})`);
if (only.length === 0 || only.includes("core")) {
  console.log(`\ncore: RTP session pairs in one process, no sockets; CPU per packet sent and received`);
  const PCMU = [{ name: "PCMU", clockRate: 8000 }];
  const OPUS = [{ name: "opus", clockRate: 48000, channels: 2 }];
  core("G.711 (PCMU), 200 pairs", PCMU, 200, false);
  core("G.711 (PCMU) + SRTP, 200 pairs", PCMU, 200, true);
  coreRelay("relay, SRTP in and out, 200 relays", 200);
  coreRelay("relay, RTP/AVP, 200 relays", 200, false);
  if (process.env.MEDIA_OPUS_STREAMS !== "0") {
    core("Opus 8 kHz PCM + SRTP, 20 pairs", OPUS, 20, true, 8000);
    core("Opus 48 kHz PCM + SRTP, 20 pairs", OPUS, 20, true, 48000);
  }
}
if (only.length === 0 || only.includes("udp")) {
  const server = process.env.MEDIA_SERVER ?? "node";
  const seconds = SECONDS;
  const counts = (process.env.MEDIA_STREAMS ?? "1000").split(",").map(Number);
  const opusCounts = (process.env.MEDIA_OPUS_STREAMS ?? "100").split(",").map(Number);
  // MEDIA_MODES: which rows, of bare (unconnected echo), bare-connected, relay, anchor (a B2BUA's
  // transcoded legs; not in the default set), echo.
  const modes = (process.env.MEDIA_MODES ?? "bare,bare-connected,relay,echo").split(",");
  console.log(`\nudp: N streams through a ${server} server over loopback, ${SRTP ? "SRTP" : "plain RTP/AVP"}, 20 ms; ${seconds} s measured after 3 s (load average ${loadavg()})`);
  console.log(`  ${"case".padEnd(32)} ${"CPU".padStart(6)} ${"per stream".padStart(12)} ${"per packet".padStart(11)} ${"of it kernel".padStart(12)} ${"late".padStart(8)} ${"returned".padStart(9)} ${"generator".padStart(9)} ${"offered".padStart(8)}`);
  const row = (label, r, n, clocked = true) => {
    const packets = r.received !== undefined ? r.received + r.sent : 2 * r.back;
    const cpuPct = (100 * r.cpuMs) / r.wallMs;
    const late = !clocked ? "none" : r.sentLate !== undefined ? `${((100 * r.sentLate) / r.sent).toFixed(2)} %` : "-";
    console.log(`  ${label.padEnd(32)} ${cpuPct.toFixed(0).padStart(5)}% ${((1000 * r.cpuMs) / r.wallMs / n).toFixed(2).padStart(6)} ms CPU/s ${((1000 * r.cpuMs) / packets).toFixed(2).padStart(7)} µs ${((1000 * r.sysMs) / packets).toFixed(2).padStart(9)} µs ${late.padStart(8)} ${((100 * r.back) / r.genSent).toFixed(1).padStart(7)} % ${((100 * r.genCpuMs) / r.genWallMs).toFixed(0).padStart(8)}% ${((100 * r.genSent) / ((n * 50 * r.genWallMs) / 1000)).toFixed(0).padStart(7)}%`);
    if (process.env.MEDIA_BENCH_DEBUG) console.log(r);
    return (1000 * r.cpuMs) / packets;
  };
  const ratio = (what, x, base, baseName) => console.log(`  ${what} ÷ ${baseName} per packet: ${(x / base).toFixed(2)}× (adds ${Math.round(100 * (x / base - 1))} %)`);
  for (const n of counts) {
    const has = (m) => modes.includes(m);
    const bare = has("bare") ? row(`bare UDP echo, ${n}`, await load(server, "bare", "pcmu", n, seconds, false), n) : undefined;
    const bareC = has("bare-connected") ? row(`bare echo, connected, ${n}`, await load(server, "bare-connected", "pcmu", n, seconds), n) : undefined;
    const relay = has("relay") ? row(`${MEDIA} relay, ${n} legs`, await load(server, "relay", "pcmu", n, seconds), n, false) : undefined;
    const anchor = has("anchor") ? row(`${MEDIA} anchored, transcoded, ${n} legs`, await load(server, "anchor", "pcmu", n, seconds), n) : undefined;
    if (anchor !== undefined && relay !== undefined) ratio("anchored transcoded", anchor, relay, "relay");
    const stack = has("echo") ? row(`${MEDIA} echo, ${n}`, await load(server, "stack", "pcmu", n, seconds), n) : undefined;
    for (const [name, base] of [["bare echo, connected", bareC], ["bare echo", bare]]) {
      if (base === undefined) continue;
      if (relay !== undefined) ratio("relay", relay, base, name);
      if (stack !== undefined) ratio("echo", stack, base, name);
    }
    if (process.env.MEDIA_UNCONNECTED) {
      // The same with the media sockets left unconnected (connectSockets: false).
      const loose = row(`  sockets not connected, ${n}`, await load(server, "stack", "pcmu", n, seconds, false), n);
      if (bare !== undefined) console.log(`  not connected ÷ bare echo per packet: ${(loose / bare).toFixed(2)}×`);
    }
  }
  for (const n of opusCounts.filter((x) => x > 0)) row(`Opus+SRTP echo, ${n}`, await load(server, "stack", "opus", n, seconds), n);
}
}
