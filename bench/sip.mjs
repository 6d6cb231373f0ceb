// SIP message parse and serialize throughput: siphon against the npm SIP stacks, on the realistic
// messages of bench/corpus/ (INVITE and 200 OK with SDP, 180, REGISTER with Authorization, ACK, BYE,
// OPTIONS, 401 with WWW-Authenticate), taken round-robin.
//
// "parse" is the same job for every library: from the received message, get the Call-ID, the CSeq,
// the From tag, the To tag, the top Via branch and the body. Each library gets its natural input
// (siphon: the datagram's bytes; the peers: a string, which is what their parsers take).
//
//   siphon                 parseMessage(bytes) + callId, cseq, fromTag, toTag, branch, body
//   siphon (typed)         the same through the full value parsers: from.tag, to.tag, topVia.branch
//   siphon (string)        parseMessage(string), fields as in the first row
//   sip                    sip.parse(string): eager regex parse of To/From/Via/CSeq/...
//   drachtio-srf (lazy)    new SipMessage(string) (headers kept as text) + getParsedHeader per field
//   drachtio-srf (full)    its parser with lazy=false (every known header parsed up front)
//   jssip                  Parser.parseMessage(string, ua): PEG grammar on the headers it knows
//   sip.js                 core Parser.parseMessage(string, logger): the same grammar lineage
//
// "serialize" turns a parsed message back into wire text:
//   siphon (pristine)      serializeMessage of an unchanged parsed message (its bytes, copied)
//   siphon (edited)        serializeMessage after an edit: written field by field
//   sip                    sip.stringify(parsed message)
//   drachtio-srf           SipMessage.toString()
//   jssip and sip.js have no serializer for a received message (their toString returns the text
//   they were given), so they have no serialize row.
//
// Run `npm run build` first, then: node bench/sip.mjs   (BENCH_SECONDS=<n> per case, default 1)
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseMessage, serializeMessage } from "../dist/src/sip/index.js";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(globalThis.process?.env?.BENCH_SECONDS ?? 1);
const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";

const files = readdirSync(join(here, "corpus")).filter((f) => f.endsWith(".sip")).sort();
const bytes = files.map((f) => new Uint8Array(readFileSync(join(here, "corpus", f))));
const texts = bytes.map((b) => new TextDecoder().decode(b));
const meanSize = bytes.reduce((n, b) => n + b.length, 0) / bytes.length;

// ------------------------------------------------------------------------------------ peers

const sip = require("sip");
const DrachtioMessage = require("drachtio-srf/lib/sip-parser/message.js");
const drachtioParser = require("drachtio-srf/lib/sip-parser/parser.js");
const JsSipParser = require("jssip/lib/Parser.js");
const { Parser: SipJsParser } = await import("sip.js/lib/core/messages/parser.js");

const quiet = { log() {}, debug() {}, warn() {}, error() {}, info() {} };
const jssipUa = {}; // IncomingRequest keeps a reference to its UA and uses nothing else while parsing

/** Each parser returns [callId, cseq number, from tag, to tag, top branch, body length]. */
const parsers = {
  siphon: (i) => {
    const m = parseMessage(bytes[i]);
    return [m.callId, m.cseq.seq, m.fromTag, m.toTag, m.branch, m.body.length];
  },
  "siphon (typed)": (i) => {
    const m = parseMessage(bytes[i]);
    return [m.callId, m.cseq.seq, m.from.tag, m.to.tag, m.topVia.branch, m.body.length];
  },
  "siphon (string)": (i) => {
    const m = parseMessage(texts[i]);
    return [m.callId, m.cseq.seq, m.fromTag, m.toTag, m.branch, m.body.length];
  },
  sip: (i) => {
    const m = sip.parse(texts[i]);
    const h = m.headers;
    return [h["call-id"], h.cseq.seq, h.from.params.tag, h.to.params.tag, h.via[0].params.branch, m.content.length];
  },
  "drachtio-srf (lazy)": (i) => {
    const m = new DrachtioMessage(texts[i]);
    return [
      m.get("call-id"),
      m.getParsedHeader("cseq").seq,
      m.getParsedHeader("from").params.tag,
      m.getParsedHeader("to").params.tag,
      m.getParsedHeader("via")[0].params.branch,
      m.body.length,
    ];
  },
  "drachtio-srf (full)": (i) => {
    const m = drachtioParser.parseSipMessage(texts[i], false);
    const h = m.headers;
    return [h["call-id"], h.cseq.seq, h.from.params.tag, h.to.params.tag, h.via[0].params.branch, m.body.length];
  },
  jssip: (i) => {
    const m = JsSipParser.parseMessage(texts[i], jssipUa);
    return [m.call_id, m.cseq, m.from_tag, m.to_tag, m.via_branch, m.body.length];
  },
  "sip.js": (i) => {
    const m = SipJsParser.parseMessage(texts[i], quiet);
    return [m.callId, m.cseq, m.fromTag, m.toTag, m.viaBranch, m.body.length];
  },
};

// Every parser must read the same values, or the comparison means nothing.
const norm = (v) => v.map((x) => (x === undefined || x === null ? "" : String(x)));
for (let i = 0; i < bytes.length; i++) {
  const want = norm(parsers.siphon(i));
  for (const [name, p] of Object.entries(parsers)) {
    const got = norm(p(i));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      console.error(`warning: ${name} reads ${files[i]} as ${JSON.stringify(got)}, siphon as ${JSON.stringify(want)}`);
    }
  }
}

// Parsed inputs for the serializers.
const pristine = bytes.map((b) => parseMessage(b));
const edited = bytes.map((b) => {
  const m = parseMessage(b);
  m.addHeader("X-Bench", "1");
  m.removeHeader("X-Bench");
  return m;
});
const sipParsed = texts.map((t) => sip.parse(t));
const drachtioParsed = texts.map((t) => new DrachtioMessage(t));

const serializers = {
  "siphon (pristine)": (i) => serializeMessage(pristine[i]).length,
  "siphon (edited)": (i) => serializeMessage(edited[i]).length,
  sip: (i) => sip.stringify(sipParsed[i]).length,
  "drachtio-srf": (i) => drachtioParsed[i].toString().length,
};

// ------------------------------------------------------------------------------------ timing

let sink = 0;
function measure(fn) {
  const n = bytes.length;
  const run = (ms) => {
    let iters = 0;
    let size = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let k = 0; k < 256; k++) {
        const r = fn(iters % n);
        size += typeof r === "number" ? r : bytes[iters % n].length;
        sink ^= typeof r === "number" ? r : r.length;
        iters++;
      }
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return { perSec: (iters * 1000) / elapsed, mbPerSec: size / 1e6 / (elapsed / 1000) };
  };
  run(Math.min(300, SECONDS * 300)); // warm-up: JIT tiers and inline caches
  return run(SECONDS * 1000);
}

function table(title, rows, isOurs) {
  const bestPeer = Math.max(...rows.filter(([n]) => !isOurs(n)).map(([, r]) => r.perSec));
  console.log(`\n${title} (${runtime}, ${files.length} messages, mean ${meanSize.toFixed(0)} B)`);
  console.log(`${"library".padEnd(22)} ${"msg/s".padStart(12)} ${"MB/s".padStart(9)} ${"vs best peer".padStart(13)}`);
  for (const [name, r] of rows) {
    const ratio = r.perSec / bestPeer;
    console.log(
      `${name.padEnd(22)} ${Math.round(r.perSec).toLocaleString("en-US").padStart(12)} ${r.mbPerSec.toFixed(1).padStart(9)} ${`${ratio.toFixed(2)}x`.padStart(13)}`,
    );
  }
}

const isOurs = (n) => n.startsWith("siphon");
table("parse: message + Call-ID, CSeq, From/To tags, top Via branch, body", Object.entries(parsers).map(([n, f]) => [n, measure(f)]), isOurs);
table("serialize a parsed message", Object.entries(serializers).map(([n, f]) => [n, measure(f)]), isOurs);
if (sink === 0.5) console.log(sink); // keeps the results observable
