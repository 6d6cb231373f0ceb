// Session-layer throughput and memory: complete simulated calls (INVITE, 180, 200, ACK, BYE, 200)
// between two session cores in one process, no sockets, and the heap an idle established dialog holds.
//
//   siphon sans-I/O          two SessionCores (each on its own TransactionLayer) joined in memory,
//                            the message objects handed across
//   siphon sans-I/O + wire   the same, each message parsed again between the cores from the bytes a
//                            transport would send (the transaction's kept bytes, else serialized)
//   sip.js core (peer)       two sip.js UserAgentCores (its dialog and INVITE-session layer, the
//                            closest peer in JavaScript) joined in memory by a transport that hands
//                            the message text across; sip.js runs its timers on the real clock
//
// Rows are calls per CPU-second of this process (user + system, GC threads included): the machine is
// shared, and wall time would measure the neighbours. The virtual clock of the siphon rows advances
// with that CPU time, so completed transactions live as long as they would between real endpoints
// at that rate (bench/transaction.mjs does the same with wall time). The two siphon rows run twice
// each, alternated, and print the mean of their two runs. Each row keeps WINDOW calls in
// flight; a siphon call is counted when the caller's session ended (BYE sent and answered), a sip.js
// one when its BYE was accepted.
//
// Memory (needs a callable GC: node --expose-gc, deno run -A --v8-flags=--expose-gc, bun): N calls
// established with the clock then moved past 64*T1 (no transaction left, only the dialogs and their
// sessions), heap + array buffers after a full GC, minus the same before; per call (a UAC and a UAS
// dialog) and per dialog; then N calls set up and ended at one instant (every completed transaction
// still live, as during the throughput rows), heap per call.
//
// Run: node --expose-gc bench/session.mjs | deno run -A --v8-flags=--expose-gc bench/session.mjs | bun bench/session.mjs
// SECONDS (default 2), WINDOW (default 64), MEM_N (default 10000); SIPHON_DIST=path/to/dist.
import { cpuMs, heapBytes, runtime } from "./lib.mjs";

const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).href;
const { parseMessage, serializeMessage } = await import(`${DIST}/src/sip/index.js`);
const { createSessionCore } = await import(`${DIST}/src/session/index.js`);

const SECONDS = Number(process.env.SECONDS ?? 2);
/** How long the next siphon row runs (the warm-up runs shorter). */
let rowSeconds = SECONDS;
const WINDOW = Number(process.env.WINDOW ?? 64);
const MEM_N = Number(process.env.MEM_N ?? 10000);

const OFFER = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
const ANSWER = "v=0\r\no=- 2 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
/** A media handler that negotiates nothing: fixed descriptions, as an RTP handler with pre-allocated ports would. */
const media = () => ({
  createOffer: () => ({ contentType: "application/sdp", body: OFFER }),
  receiveOffer: () => ({ contentType: "application/sdp", body: ANSWER }),
  receiveAnswer: () => true,
  rollback() {},
  close() {},
});

/** Two cores joined in memory. `hop` is what a transmit's message goes through between them. */
function pairOfCores(hop) {
  const flowToB = { transport: "UDP", reliable: false, peer: "b" };
  const flowToA = { transport: "UDP", reliable: false, peer: "a" };
  const big = { maxServerTransactions: 1e7, maxClientTransactions: 1e7, emitTerminated: false };
  const make = (host, flow) =>
    createSessionCore({
      transactions: big,
      maxSessions: 1e7,
      media,
      transport: {
        route: (request) => {
          const branch = request.branch;
          request.removeFirstValue("Via");
          request.addHeader("Via", `SIP/2.0/UDP ${host}:5060;branch=${branch}`, { prepend: true });
          return flow;
        },
        contact: () => `sip:u@${host}:5060`,
      },
    });
  const a = make("192.0.2.1", flowToB);
  const b = make("192.0.2.2", flowToA);
  /** Moves every message across until both cores are quiet; `onA`/`onB` see the events. */
  const pump = (clock, onA, onB) => {
    for (let moved = true; moved; ) {
      moved = false;
      for (let t = a.pollTransmit(); t; t = a.pollTransmit()) {
        moved = true;
        b.handleMessage(hop(t), flowToA, clock);
      }
      for (let e = b.pollEvent(); e; e = b.pollEvent()) onB(e, clock);
      for (let t = b.pollTransmit(); t; t = b.pollTransmit()) {
        moved = true;
        a.handleMessage(hop(t), flowToB, clock);
      }
      for (let e = a.pollEvent(); e; e = a.pollEvent()) onA(e, clock);
    }
  };
  return { a, b, pump };
}

const callee = (e, clock) => {
  if (e.type === "incoming") {
    e.session.ring(clock);
    e.session.answer(clock);
  }
};

function siphonCalls(mode) {
  // On the wire a message is sent as the bytes the transaction kept, when it kept them (a final
  // response, an ACK: `Transmit.bytes`), as a transport does, else serialized.
  const hop = mode === "wire" ? (t) => parseMessage(t.bytes ?? serializeMessage(t.message)) : (t) => t.message;
  const { a, b, pump } = pairOfCores(hop);
  let clock = 0;
  let done = 0;
  let inflight = 0;
  let failed = 0;
  const caller = (e, t) => {
    if (e.type === "answered") e.session.bye(t);
    else if (e.type === "terminated") {
      if (e.reason !== "bye") failed++;
      done++;
      inflight--;
    }
  };
  const t0 = cpuMs();
  let n = 0;
  while (clock < rowSeconds * 1000) {
    while (inflight < WINDOW) {
      a.invite({ from: `<sip:a${++n}@192.0.2.1>`, to: "<sip:b@192.0.2.2:5060>" }, clock);
      inflight++;
    }
    pump(clock, caller, callee);
    clock = cpuMs() - t0;
    a.handleTimeout(clock);
    b.handleTimeout(clock);
    pump(clock, caller, callee);
  }
  return { cps: done / (clock / 1000), done, failed, live: a.sessionCount + b.sessionCount };
}

/** Heap per idle established call: N calls up, the clock past 64*T1, GC. */
function memory() {
  const { a, b, pump } = pairOfCores((t) => t.message);
  const base = heapBytes();
  if (base === undefined) return undefined;
  const sessions = [];
  const caller = (e) => {
    if (e.type === "answered") sessions.push(e.session);
  };
  for (let i = 0; i < MEM_N; i++) {
    a.invite({ from: `<sip:a${i}@192.0.2.1>`, to: "<sip:b@192.0.2.2:5060>" }, 0);
    if (i % 256 === 255) pump(0, caller, callee);
  }
  pump(0, caller, callee);
  // Past 64*T1 and Timer D: every transaction is gone, the fork windows closed; no refresh is due.
  for (const t of [33000, 70000]) {
    a.handleTimeout(t);
    b.handleTimeout(t);
    pump(t, caller, callee);
  }
  const held = heapBytes();
  const dialogs = a.dialogCount + b.dialogCount;
  const txns = a.transactions.clientCount + a.transactions.serverCount + b.transactions.clientCount + b.transactions.serverCount;
  return { perCall: (held - base) / MEM_N, perDialog: (held - base) / dialogs, dialogs, txns, established: sessions.length };
}

/**
 * Heap per completed call while its transactions are still live (the 64*T1 = 32 s a completed
 * INVITE or BYE transaction lives on UDP): N calls set up and ended at one instant, GC. What the
 * throughput rows keep per call, and what the collector copies and marks for each.
 */
function completedMemory() {
  const { a, b, pump } = pairOfCores((t) => t.message);
  const base = heapBytes();
  if (base === undefined) return undefined;
  let ended = 0;
  const caller = (e, t) => {
    if (e.type === "answered") e.session.bye(t);
    else if (e.type === "terminated") ended++;
  };
  for (let i = 0; i < MEM_N; i++) {
    a.invite({ from: `<sip:a${i}@192.0.2.1>`, to: "<sip:b@192.0.2.2:5060>" }, 1);
    if (i % WINDOW === WINDOW - 1) pump(1, caller, callee);
  }
  pump(1, caller, callee);
  const held = heapBytes();
  const txns = a.transactions.clientCount + a.transactions.serverCount + b.transactions.clientCount + b.transactions.serverCount;
  return { perCall: (held - base) / MEM_N, ended, txns };
}

// ---------------------------------------------------------------- sip.js (the peer)

/**
 * Two sip.js UserAgentCores (sip.js/lib/core: its transactions, dialogs and INVITE sessions, without
 * the UserAgent wrapper) joined by a transport that queues the message text; the loop delivers the
 * queue and yields to sip.js's promises and timers between rounds.
 */
async function sipJsCalls() {
  let sipjs;
  try {
    sipjs = await import("sip.js/lib/core/index.js");
  } catch (e) {
    return { error: String(e) };
  }
  const { UserAgentCore, Parser, LoggerFactory, URI, C } = sipjs;
  const loggerFactory = new LoggerFactory();
  loggerFactory.builtinEnabled = false;
  const queue = [];
  const parserLog = loggerFactory.getLogger("parser");
  const deliver = (to, text) => {
    const msg = Parser.parseMessage(text, parserLog);
    if (msg === undefined) return;
    if (msg.statusCode !== undefined) to.receiveIncomingResponseFromTransport(msg);
    else to.receiveIncomingRequestFromTransport(msg);
  };
  const cores = {};
  const configuration = (user, host, peer) => {
    const uri = new URI("sip", user, host, 5060);
    const transport = { protocol: "UDP", send: (m) => (queue.push(() => deliver(cores[peer], m)), Promise.resolve()) };
    return {
      aor: uri,
      contact: { uri, toString: () => `<sip:${user}@${host}:5060>` },
      displayName: "",
      loggerFactory,
      hackViaTcp: false,
      routeSet: [],
      sipjsId: "bench",
      supportedOptionTags: [],
      supportedOptionTagsResponse: [],
      userAgentHeaderFieldValue: undefined,
      viaForceRport: false,
      viaHost: host,
      authenticationFactory: () => undefined,
      transportAccessor: () => transport,
    };
  };
  const sdp = (content) => ({ contentDisposition: "session", contentType: "application/sdp", content });
  cores.b = new UserAgentCore(configuration("b", "192.0.2.2", "a"), {
    onInvite(request) {
      request.progress({ statusCode: 180 });
      request.accept({ body: sdp(ANSWER) });
    },
  });
  cores.a = new UserAgentCore(configuration("a", "192.0.2.1", "b"), {});
  const target = new URI("sip", "b", "192.0.2.2", 5060);
  let done = 0;
  let inflight = 0;
  let n = 0;
  const startOne = () => {
    const from = new URI("sip", `a${++n}`, "192.0.2.1", 5060);
    const message = cores.a.makeOutgoingRequestMessage(C.INVITE, target, from, target, {}, ["Contact: <sip:a@192.0.2.1:5060>"], sdp(OFFER));
    inflight++;
    cores.a.invite(message, {
      onAccept(response) {
        response.ack();
        response.session.bye({
          onAccept() {
            done++;
            inflight--;
          },
        });
      },
    });
  };
  const t0 = cpuMs();
  while (cpuMs() - t0 < SECONDS * 1000) {
    while (inflight < WINDOW) startOne();
    for (let spins = 0; spins < 64 && queue.length > 0; spins++) {
      while (queue.length > 0) queue.shift()();
      await Promise.resolve();
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  return { cps: done / ((cpuMs() - t0) / 1000), done };
}

// ---------------------------------------------------------------- report

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
console.log(`session bench on ${runtime}: ${SECONDS} CPU-s per run (siphon rows: the mean of two runs, alternated), ${WINDOW} calls in flight`);
// Warm-up (JIT), not reported.
{
  const seconds = SECONDS;
  rowSeconds = 0.5;
  siphonCalls("layer");
  siphonCalls("wire");
  rowSeconds = seconds;
}
// Each row twice, alternated (objects, wire, objects, wire), and their mean reported: the first
// measured row of a process pays for the heap's growth, which favoured whichever row ran second.
const mean = (x, y) => ({ ...y, cps: (x.cps + y.cps) / 2, failed: x.failed + y.failed });
const layer1 = siphonCalls("layer");
const wire1 = siphonCalls("wire");
const layer = mean(layer1, siphonCalls("layer"));
const wire = mean(wire1, siphonCalls("wire"));
let peer;
try {
  peer = await sipJsCalls();
} catch (e) {
  peer = { error: String(e?.message ?? e) };
}
const rows = [
  ["siphon sans-I/O (message objects across)", layer],
  ["siphon sans-I/O + serialize/parse per hop", wire],
  ["sip.js UserAgentCore pair (message text across)", peer],
];
const ref = peer.cps;
console.log("| calls per CPU-second (INVITE/180/200/ACK/BYE/200) | calls/s | vs sip.js |");
console.log("|---|---:|---:|");
for (const [name, r] of rows) {
  if (r.error) {
    console.log(`| ${name} | n/a (${r.error}) | |`);
    continue;
  }
  const ratio = ref ? `${(r.cps / ref).toFixed(1)}×` : "";
  console.log(`| ${name} | ${fmt(r.cps)} | ${ratio} |`);
}
for (const [name, r] of rows.slice(0, 2)) {
  if (r.failed) console.log(`${name}: ${r.failed} calls did not end with BYE`);
}
const mem = memory();
if (mem === undefined) console.log("memory: no callable GC (run node --expose-gc)");
else {
  console.log(
    `memory per idle established call (UAC + UAS dialog and session, ${mem.established} calls, ${mem.txns} transactions left): ` +
      `${fmt(mem.perCall)}B per call, ${fmt(mem.perDialog)}B per dialog (${mem.dialogs} dialogs)`,
  );
  const done = completedMemory();
  console.log(
    `memory per completed call with its transactions still live (${done.ended} calls ended, ${done.txns} transactions): ${fmt(done.perCall)}B per call`,
  );
}
