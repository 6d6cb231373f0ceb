// Does compiling the Wasm core synchronously (`new WebAssembly.Module`, what the loader does on first
// use) leave hot functions on the engine's baseline tier longer than the asynchronous
// `WebAssembly.instantiate`? Each run is a fresh process that compiles the core's SIMD build one way,
// then calls one export in a loop and records the cost per call in 50 ms windows:
//
//   sha256     auth_hash(SHA-256) of the 129-byte KD input of bench/auth.mjs (RFC 7616 §3.4.1)
//   tokenize   sip_tokenize of an INVITE (RFC 3665 §2.1 F1, no body)
//   hashHex    siphon's digest hash of the same input (src/auth/hash.ts: JS around the Wasm call)
//   parse      siphon's parseMessage of the same INVITE, reading Call-ID, CSeq and the top Via branch
//
// The first two call the Wasm exports directly, so what differs between the paths is the engine's
// code for the core alone. The last two go through siphon's own loader: for the asynchronous path the
// child compiles and instantiates first and hands the result to the loader's `new WebAssembly.Module`
// and `new WebAssembly.Instance` (replaced for that one call). Printed per compile path (median of
// RUNS processes): the first window, when the cost first falls within 10 % of the last second's, and
// the last second's. A baseline-only row (Node's --liftoff-only; Deno and Bun have no such flag)
// shows what a function left on Liftoff costs.
//
// Run `npm run build` first, then: node bench/wasm-tier.mjs | npx deno run -A bench/wasm-tier.mjs |
// npx bun bench/wasm-tier.mjs   (RUNS=<n> processes per row, default 3; MS=<n> per run, default 2000;
// WORKLOADS=sha256,tokenize,hashHex,parse). bench/README.md has RUNS=5 MS=3000.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtime } from "./lib.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const MS = Number(process.env.MS ?? 2000);
const WINDOW = 50;
const self = fileURLToPath(import.meta.url);

const KD = "939e7578ed9e3c518a452acee763bce9:AAABjR2xY1wqM3Sg0QnTFcg8Q2xdrmKO:00000001:0a4f113b5a6b7c8d:auth:39aff3a2bab6126f332b942af96d3366";
const INVITE =
  "INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n" +
  "Max-Forwards: 70\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\nTo: Bob <sip:bob@biloxi.example.com>\r\n" +
  "Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n" +
  "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n";

/** A direct call of one export of a fresh instance. */
function exportCall(instance, workload) {
  const ex = instance.exports;
  ex._start();
  const u8 = new Uint8Array(ex.memory.buffer);
  if (workload === "sha256") {
    const io = ex.auth_io();
    const out = ex.auth_io_size() - 128;
    for (let i = 0; i < KD.length; i++) u8[io + i] = KD.charCodeAt(i);
    return () => ex.auth_hash(1, 0, KD.length, out);
  }
  const input = ex.sip_input_ptr();
  for (let i = 0; i < INVITE.length; i++) u8[input + i] = INVITE.charCodeAt(i);
  return () => ex.sip_tokenize(INVITE.length, 256, 8192, 0);
}

/** A call of siphon's API, which loads the core through siphon's loader on first use. */
async function siphonCall(workload) {
  if (workload === "hashHex") {
    const { hashHex, SHA256 } = await import("../dist/src/auth/hash.js");
    return () => hashHex(SHA256, KD).length;
  }
  const { parseMessage } = await import("../dist/src/sip/index.js");
  const data = new TextEncoder().encode(INVITE);
  return () => {
    const m = parseMessage(data);
    return m.callId.length + m.cseq.seq + (m.branch?.length ?? 0);
  };
}

/** Loads siphon's core from an asynchronous compile: its loader's two constructors get the results. */
async function loadAsync(bytes) {
  const made = await WebAssembly.instantiate(bytes, { env: { abort: () => undefined } });
  const { Module, Instance } = WebAssembly;
  WebAssembly.Module = function () {
    return made.module;
  };
  WebAssembly.Instance = function () {
    return made.instance;
  };
  try {
    (await import("../dist/src/wasm/loader.js")).wasmCore();
  } finally {
    Object.assign(WebAssembly, { Module, Instance });
  }
}

/** One run in this process: compile `mode`, loop `workload`, print the windows as JSON. */
async function child(mode, workload) {
  const { SIMD_WASM_BASE64 } = await import("../dist/src/wasm/binary.generated.js");
  const bytes = Uint8Array.from(atob(SIMD_WASM_BASE64), (c) => c.charCodeAt(0));
  let call;
  if (workload === "sha256" || workload === "tokenize") {
    const imports = { env: { abort: () => undefined } };
    const instance = mode === "async" ? (await WebAssembly.instantiate(bytes, imports)).instance : new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    call = exportCall(instance, workload);
  } else {
    if (mode === "async") await loadAsync(bytes);
    call = await siphonCall(workload);
  }
  if (call() < 0) throw new Error(`${workload} failed`);
  const windows = [];
  const start = performance.now();
  let from = start;
  let calls = 0;
  for (;;) {
    for (let i = 0; i < 100; i++) call();
    calls += 100;
    const t = performance.now();
    if (t - from < WINDOW) continue;
    windows.push(((t - from) * 1000) / calls);
    from = t;
    calls = 0;
    if (t - start >= MS) break;
  }
  console.log(JSON.stringify(windows));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** RUNS fresh processes of one row; the median cost per window across them. */
function row(mode, workload, flags = []) {
  const args = runtime === "deno" ? ["run", "-A", ...flags, self] : [...flags, self];
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const p = spawnSync(process.execPath, [...args, "--child", mode, workload], { encoding: "utf8", env: { ...process.env, MS: String(MS) } });
    if (p.status !== 0) throw new Error(`${mode} ${workload}: ${p.stderr}`);
    runs.push(JSON.parse(p.stdout.trim().split("\n").at(-1)));
  }
  const n = Math.min(...runs.map((w) => w.length));
  return Array.from({ length: n }, (_, i) => median(runs.map((w) => w[i])));
}

function report(label, w) {
  const lastSecond = median(w.slice(-Math.round(1000 / WINDOW)));
  const settled = w.findIndex((x) => x <= lastSecond * 1.1);
  const ns = (x) => `${(x * 1000).toFixed(0)} ns`;
  console.log(`${label.padEnd(34)} ${ns(w[0]).padStart(10)} ${`${settled < 0 ? "never" : `${(settled + 1) * WINDOW} ms`}`.padStart(10)} ${ns(lastSecond).padStart(10)}`);
}

const i = process.argv.indexOf("--child");
if (i >= 0) {
  await child(process.argv[i + 1], process.argv[i + 2]);
} else {
  const version = runtime === "deno" ? Deno.version.deno : runtime === "bun" ? Bun.version : process.version;
  console.log(`Wasm tier-up on ${runtime} ${version} (median of ${RUNS} processes, ${MS} ms each, ${WINDOW} ms windows)\n`);
  console.log(`${"export, compile path".padEnd(34)} ${"first".padStart(10)} ${"settled".padStart(10)} ${"steady".padStart(10)}`);
  for (const workload of (process.env.WORKLOADS ?? "sha256,tokenize,hashHex,parse").split(",")) {
    for (const mode of ["sync", "async"]) report(`${workload}, ${mode === "sync" ? "new WebAssembly.Module" : "WebAssembly.instantiate"}`, row(mode, workload));
    if (runtime === "node") report(`${workload}, Liftoff only`, row("sync", workload, ["--liftoff-only"]));
  }
}
