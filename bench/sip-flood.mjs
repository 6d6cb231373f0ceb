// A flood of malformed datagrams: what refusing bad input costs. A SIP server on a public port sees
// scanners and broken peers; each datagram must be judged and dropped (or answered 400) cheaply.
//
// The inputs are the messages of bench/corpus/ broken in the ways the fuzz tests and RFC 4475 §3.1.2
// break them, taken round-robin: bad SIP version, non-token method, header line without a colon at
// the end of the header section, a NUL inside a header value, no empty line after the headers,
// Content-Length past the end, a negative Content-Length, random bytes.
//
//   siphon tryParseMessage   the result value ({ ok: false, code, offset }): what a transport calls
//   siphon parseMessage      the throwing form, caught
//   sip                      sip.parse(string), caught (it returns undefined or throws)
//   drachtio-srf             its parser (lazy), caught
//
// Run `npm run build` first, then: node bench/sip-flood.mjs   (BENCH_SECONDS=<n> per case, default 1)
// Also runs as `npx deno run -A bench/sip-flood.mjs` and `npx bun bench/sip-flood.mjs`.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseMessage, tryParseMessage } from "../dist/src/sip/index.js";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(globalThis.process?.env?.BENCH_SECONDS ?? 1);
const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";

const enc = new TextEncoder();
const dec = new TextDecoder();
const corpus = readdirSync(join(here, "corpus"))
  .filter((f) => f.endsWith(".sip"))
  .sort()
  .map((f) => dec.decode(readFileSync(join(here, "corpus", f))));

/** Deterministic bytes (LCG) so every run and runtime floods with the same datagrams. */
let seed = 4475;
const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;

const breakers = [
  (m) => m.replace("SIP/2.0", "SIP/3.0"),
  (m) => "INV@ITE" + m.slice(m.indexOf(" ")),
  (m) => m.replace("\r\n\r\n", "\r\nNot a header line\r\n\r\n"),
  (m) => m.replace("Call-ID: ", "Call-ID: a\u0000b"),
  (m) => m.slice(0, m.indexOf("\r\n\r\n")),
  (m) => m.replace(/Content-Length: *\d+/i, "Content-Length: 9999"),
  (m) => m.replace(/Content-Length: *\d+/i, "Content-Length: -1"),
  () => String.fromCharCode(...Array.from({ length: 200 + rnd(400) }, () => rnd(256))),
];
const texts = [];
for (const b of breakers) for (const m of corpus) texts.push(b(m));
const datagrams = texts.map((t) => enc.encode(t));
const parsing = datagrams.filter((d) => tryParseMessage(d).ok).length;
if (parsing > 0) throw new Error(`${parsing} bench inputs parse`);
const meanSize = datagrams.reduce((n, b) => n + b.length, 0) / datagrams.length;

const sip = require("sip");
const DrachtioMessage = require("drachtio-srf/lib/sip-parser/message.js");

/** Each case returns 1 when the datagram was refused, 0 when the library accepted it. */
const cases = {
  "siphon tryParseMessage": (i) => (tryParseMessage(datagrams[i]).ok ? 0 : 1),
  "siphon parseMessage": (i) => {
    try {
      parseMessage(datagrams[i]);
      return 0;
    } catch {
      return 1;
    }
  },
  sip: (i) => {
    try {
      return sip.parse(texts[i]) ? 0 : 1;
    } catch {
      return 1;
    }
  },
  "drachtio-srf": (i) => {
    try {
      new DrachtioMessage(texts[i]);
      return 0;
    } catch {
      return 1;
    }
  },
};

let sink = 0;
function measure(fn) {
  const n = datagrams.length;
  const run = (ms) => {
    let iters = 0;
    let refused = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let k = 0; k < 256; k++) {
        refused += fn(iters % n);
        iters++;
      }
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    sink ^= refused;
    return { perSec: (iters * 1000) / elapsed, refused: refused / iters };
  };
  run(Math.min(300, SECONDS * 300));
  return run(SECONDS * 1000);
}

const rows = Object.entries(cases).map(([name, f]) => [name, measure(f)]);
const bestPeer = Math.max(...rows.filter(([n]) => !n.startsWith("siphon")).map(([, r]) => r.perSec));
console.log(`\nmalformed datagrams (${runtime}, ${datagrams.length} inputs, mean ${meanSize.toFixed(0)} B)`);
console.log(`${"library".padEnd(24)} ${"dgram/s".padStart(12)} ${"refused".padStart(8)} ${"vs best peer".padStart(13)}`);
for (const [name, r] of rows) {
  console.log(
    `${name.padEnd(24)} ${Math.round(r.perSec).toLocaleString("en-US").padStart(12)} ${`${Math.round(r.refused * 100)} %`.padStart(8)} ${`${(r.perSec / bestPeer).toFixed(2)}x`.padStart(13)}`,
  );
}
if (sink === 0.5) console.log(sink);
