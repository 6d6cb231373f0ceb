// Concurrent anchored calls with media through `siphon serve`: calls to sip:echo@ (the call engine
// behind the proxy answers each with a media session that plays back what it hears: jitter buffer,
// decode, re-encode), G.711 over plain RTP, held up for a step of SECONDS while the server's
// /metrics counts the RTP it sends and how much of it left more than one packet time (20 ms) late.
// The callers are siphon's own session endpoint and media driver in this process (a 440 Hz tone per
// call, one frame every 20 ms), on the same 2-core machine: they cost the machine about what the
// server's side costs, so the figures are a floor for the server.
//
// Steps: CALLS (default "50,100,200,300") calls set up one step after the other, each on top of the
// last (a step whose calls do not all come up ends the ramp); a step passes with under 1 % of the
// server's RTP late and under 1 % of the callers' packets not coming back. Prints per step: calls up, server CPU (cores, /proc), RTP sent by the server,
// late %, the share of it the callers' sockets received, the load average.
//
//   node bench/b2bua-media.mjs      (after `npm run build`; CALLS=50,100,200,300 SECONDS=8;
//                                    PROFILE=dir for a CPU profile of the server)
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuOf } from "../test/interop/peers/kamailio-proxy.mjs";
import { serveConfig } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const STEPS = (process.env.CALLS ?? "50,100,200,300").split(",").map(Number);
const SECONDS = Number(process.env.SECONDS ?? 8);
const MAX = Math.max(...STEPS);
const BASE = 50000 + 2 * Math.floor(Math.random() * 500);
const SIP_PORT = BASE;
const HTTP_PORT = BASE + 1;
// The server's RTP ports, then the callers'.
const SERVER_RTP = [BASE + 2, BASE + 2 + 2 * MAX + 40];
const CALLER_RTP = [SERVER_RTP[1] + 2, SERVER_RTP[1] + 2 + 2 * MAX + 40];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { loadRuntime } = await import(join(root, "dist/runtimes/index.js"));
const { createDigestClient } = await import(join(root, "dist/src/auth/index.js"));
const { createMediaDriver, createSessionEndpoint, rtpMediaHandlers } = await import(join(root, "dist/src/driver/index.js"));
const { PCMU, ToneGenerator } = await import(join(root, "dist/src/media/index.js"));
const rt = await loadRuntime();

// ------------------------------------------------------------------ the server
const { dir, config } = serveConfig("siphon-b2bua-bench-", SIP_PORT, {
  http: { port: HTTP_PORT },
  storage: { kind: "memory" },
  media: { rtpPorts: `${SERVER_RTP[0]}-${SERVER_RTP[1]}` },
  users: [{ username: "load", password: "pw" }],
});
let out = "";
// PROFILE=dir: a CPU profile of the server, written when it stops.
const profile = process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE}`] : [];
const server = spawn(process.execPath, [...profile, join(root, "dist/src/cli/main.js"), "serve", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
// Never leave the server behind, whatever ends this process.
process.on("exit", () => server.exitCode === null && server.signalCode === null && server.kill("SIGKILL"));
server.stdout.on("data", (d) => (out += d));
server.stderr.on("data", (d) => (out += d));
for (let i = 0; i < 300 && !out.includes("softphone:"); i++) await sleep(100);
if (!out.includes("softphone:")) {
  server.kill("SIGKILL");
  throw new Error(`siphon serve did not start: ${out}`);
}
const metrics = async () => {
  const text = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
  const get = (name) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return {
    streams: get("siphon_media_streams"),
    sent: get('siphon_media_packets_total{direction="sent"}'),
    late: get("siphon_media_packets_late_total"),
    calls: get("siphon_calls_active"),
  };
};

// ------------------------------------------------------------------ the callers
const media = await createMediaDriver({ runtime: rt, host: "127.0.0.1", ports: { minPort: CALLER_RTP[0], maxPort: CALLER_RTP[1], spare: 64 } });
const ep = await createSessionEndpoint({
  runtime: rt,
  listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
  contactUser: "load",
  authenticator: createDigestClient({ credentials: { username: "load", password: "pw" } }),
  media: rtpMediaHandlers(media, { codecs: [PCMU], srtp: false, session: { sampleRate: 8000 } }),
  endpoint: { overload: false },
  transactions: { maxClientTransactions: 100_000, maxServerTransactions: 100_000 },
  onSessionEvent(e) {
    if (e.type === "terminated") ended[`${e.reason} ${e.status ?? ""}`.trim()] = (ended[`${e.reason} ${e.status ?? ""}`.trim()] ?? 0) + 1;
  },
});
const calls = [];
/** Calls that ended, by reason and status. */
const ended = {};
let played = 0;
const tones = new Map();
// One timer feeds every call: frames queued up to 100 ms ahead, the media clock sends them.
const feed = () => {
  for (const c of calls) {
    const h = c.media;
    const s = h?.session;
    if (s === undefined || s.state === "closed") continue;
    let t = tones.get(c);
    if (t === undefined) {
      t = new ToneGenerator({ sampleRate: 8000, frequencies: [440], levelDbm0: -10 });
      tones.set(c, t);
    }
    while (s.queuedAudioMs < 100 && h.writeAudio(t.next(160)) > 0) played++;
  }
};
const feeder = setInterval(feed, 20);

async function addCalls(n) {
  const route = [`<sip:127.0.0.1:${SIP_PORT};lr>`];
  const started = [];
  for (let i = 0; i < n; i++) {
    started.push(ep.invite({ from: "<sip:load@siphon.local>", to: "<sip:echo@siphon.local>", route }).then((c) => calls.push(c)));
    // A few at a time: a burst of INVITEs is not what is measured.
    if (i % 10 === 9) await sleep(200);
  }
  await Promise.all(started);
  for (let i = 0; i < 200 && calls.some((c) => c.state !== "confirmed" && c.state !== "terminated"); i++) await sleep(50);
}

const rows = [];
try {
  for (const target of STEPS) {
    await addCalls(target - calls.length);
    const up = calls.filter((c) => c.state === "confirmed").length;
    await sleep(2000);
    const m0 = await metrics();
    const cpu0 = cpuOf(server.pid);
    const r0 = media.stats.received;
    const t0 = performance.now();
    const load0 = loadavg()[0];
    await sleep(SECONDS * 1000);
    const secs = (performance.now() - t0) / 1000;
    const m1 = await metrics();
    const cpu = (cpuOf(server.pid) - cpu0) / 1000 / secs;
    const sent = m1.sent - m0.sent;
    const late = m1.late - m0.late;
    // What the callers' sockets got of what the server sent (RTP and RTCP both).
    const back = (media.stats.received - r0) / Math.max(1, sent);
    const row = { target, up, streams: m1.streams, cpu, sentPerS: sent / secs, latePct: (100 * late) / Math.max(1, sent), back, load: (load0 + loadavg()[0]) / 2 };
    rows.push(row);
    if (process.env.VERBOSE) console.error(JSON.stringify(row), JSON.stringify(ended), out.slice(-600));
    if (up < target) break;
  }
} finally {
  clearInterval(feeder);
  for (const c of calls) if (c.state === "confirmed") c.bye(ep.now());
  ep.flush();
  await sleep(500);
  await ep.close();
  await media.close();
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  await exited;
  rmSync(dir, { recursive: true, force: true });
}

console.log(`calls to sip:echo@ through siphon serve (Node ${process.version}), G.711 over RTP, ${SECONDS} s per step, callers in the bench process`);
console.log("| calls | up | server media streams | server CPU (cores) | server RTP sent/s | sent late (> 20 ms) | received by the callers | load avg | < 1 % late |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows) {
  console.log(
    `| ${r.target} | ${r.up} | ${r.streams} | ${r.cpu.toFixed(2)} | ${Math.round(r.sentPerS)} | ${r.latePct.toFixed(2)} % | ${(100 * r.back).toFixed(1)} % | ${r.load.toFixed(1)} | ` +
      `${r.up === r.target && r.latePct < 1 && r.back >= 0.99 ? "yes" : "no"} |`,
  );
}
