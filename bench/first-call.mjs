// First-call media quality: `siphon call` places one call per process, so every CLI call is the
// first of its process (Opus compiled and its code warmed up during that call). This starts one
// `siphon serve` (its echo service answers), then places N calls, each from a fresh process, and
// prints each call's MOS, packets sent against the frames of its duration (frames the sender
// skipped), the jitter buffer's depth at the end, and concealed audio. The load average is printed
// with the figures: the machine is shared.
//
//   npm run build && node bench/first-call.mjs [calls=5] [codecs=opus] [seconds=6] [cli|ua]
//
// `ua`: each fresh process makes two calls through createUserAgent (bench/first-call-ua.mjs),
// the second one in a process whose codec and media path already ran.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const calls = Number(process.argv[2] ?? 5);
const codecs = process.argv[3] ?? "opus";
const seconds = Number(process.argv[4] ?? 6);
const mode = process.argv[5] ?? "cli";
// FIRST_CALL_CLI: another build's dist/src/cli/main.js, to compare builds in one run.
const main = process.env.FIRST_CALL_CLI ?? new URL("../dist/src/cli/main.js", import.meta.url).pathname;
const base = 20000 + Math.floor(Math.random() * 20000);
const data = mkdtempSync(join(tmpdir(), "siphon-first-call-"));
const server = spawn(process.execPath, [main, "serve", "--port", String(base), "--ws-port", String(base + 1), "--http-port", String(base + 2), "--data", data], { stdio: ["ignore", "pipe", "ignore"] });
await new Promise((resolve) => server.stdout.on("data", (d) => String(d).includes("SIP") && resolve()));

const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`first-call quality (${codecs}, ${seconds} s, node ${process.version}), load ${load()}`);
const rows = [];
if (mode === "ua") {
  const second = [];
  for (let i = 0; i < calls; i++) {
    const r = spawnSync(process.execPath, [new URL("./first-call-ua.mjs", import.meta.url).pathname, String(base), codecs, String(seconds)], { encoding: "utf8" });
    const [a, b] = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    console.log(`process ${i + 1}: first call MOS ${a?.mos} buffer ${a?.jitterBufferMs} ms concealed ${a?.concealedMs} ms; second call MOS ${b?.mos} buffer ${b?.jitterBufferMs} ms concealed ${b?.concealedMs} ms  load ${load()}`);
    if (a && b) second.push([a.mos, b.mos]);
  }
  const med = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
  if (second.length > 0) console.log(`median MOS of ${second.length}: first ${med(second.map((x) => x[0]))}, second ${med(second.map((x) => x[1]))}, load ${load()}`);
}
for (let i = 0; mode === "cli" && i < calls; i++) {
  const r = spawnSync(process.execPath, [main, "call", `sip:echo@127.0.0.1:${base}`, "--from", "sip:alice@siphon.local", "--user", "alice", "--password", "alice-demo",
    "--codecs", codecs, "--tone", "440", "--duration", String(seconds), "--json"], { encoding: "utf8" });
  const q = r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === "quality");
  if (!q || q.mos === undefined) {
    console.log(`call ${i + 1}: no quality line (exit ${r.status}) ${r.stderr.slice(0, 200)}`);
    continue;
  }
  const frames = (seconds * 1000) / 20;
  const skipped = Math.max(0, frames - q.packetsSent);
  rows.push({ ...q, skipped });
  console.log(`call ${i + 1}: ${q.codec} MOS ${q.mos.toFixed(2)} sent ${q.packetsSent}/${frames} (skipped ${(100 * skipped / frames).toFixed(1)} %) received ${q.packetsReceived}` +
    ` buffer ${q.jitterBufferMs} ms concealed ${q.concealedMs} ms late ${q.lateDiscarded}  load ${load()}`);
}
server.kill("SIGTERM");
await new Promise((resolve) => server.on("exit", resolve));
rmSync(data, { recursive: true, force: true });
if (rows.length > 0) {
  const med = (k) => rows.map((x) => x[k]).sort((a, b) => a - b)[rows.length >> 1];
  const min = (k) => Math.min(...rows.map((x) => x[k]));
  const max = (k) => Math.max(...rows.map((x) => x[k]));
  console.log(`median of ${rows.length}: MOS ${med("mos").toFixed(2)} (${min("mos").toFixed(2)}–${max("mos").toFixed(2)}), skipped ${med("skipped")} (max ${max("skipped")}),` +
    ` buffer ${med("jitterBufferMs")} ms (max ${max("jitterBufferMs")}), concealed ${med("concealedMs")} ms (max ${max("concealedMs")}), load ${load()}`);
}
