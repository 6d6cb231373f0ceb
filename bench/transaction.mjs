// Transaction-layer throughput: non-INVITE transactions (OPTIONS -> 200) per second between two
// endpoints in one process.
//
//   siphon sans-I/O         two TransactionLayers joined in memory, message objects handed across
//                           (the transaction layer alone: the upper bound)
//   siphon sans-I/O + wire  the same, each message serialized and re-parsed (message layer included)
//   siphon UDP loopback     two endpoints of the driver (createSipEndpoint, transactions: true) on
//                           127.0.0.1 UDP in one process, through the runtime adapter (runtimes/)
//   sip (npm) UDP loopback  two `sip.create()` stacks doing the same
//
// Clock of the sans-I/O rows: the virtual `now` handed to the layers is the row's measured wall time
// (ms), so Timers E/J/K/... run exactly as they would for two endpoints at that throughput: a
// completed transaction stays live 64*T1 = 32 s (server, Timer J) or T4 = 5 s (client, Timer K), and
// after t seconds about tps * min(t, 32) server transactions are live, as on a real server. (Until
// commit 978e74c the clock moved 0.01 ms per transaction whatever the throughput.) With SECONDS
// below 5 no timer expires, so the rows include the cost of the live population growing.
//
// After the table, the heap held per live transaction (heapUsed + arrayBuffers, after a full GC) at
// the end of each sans-I/O row, and per live completed transaction of each kind (N of them made
// through the layer with the clock stopped). Needs a callable GC: node --expose-gc,
// deno run -A --v8-flags=--expose-gc, or bun (Bun.gc; JSC's heap accounting makes Bun's memory
// figures noisy, even negative, at small MEM_N: read memory on Node or Deno).
//
// Each endpoint pair keeps WINDOW transactions in flight. Run: node --expose-gc | deno run -A
// --v8-flags=--expose-gc | bun  bench/transaction.mjs. SIPHON_DIST=path/to/dist measures another build.
import { gc, heapBytes } from "./lib.mjs";

const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).href;
const { createRequest, createResponse, parseMessage, serializeMessage } = await import(`${DIST}/src/sip/index.js`);
const { newBranch, TransactionLayer } = await import(`${DIST}/src/transaction/index.js`);
const { createSipEndpoint } = await import(`${DIST}/src/driver/index.js`);
const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);

const WINDOW = Number(process.env.WINDOW ?? 64);
const SECONDS = Number(process.env.SECONDS ?? 2);
const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const now = () => performance.now();

let seq = 0;
function options(viaHost, targetHost, targetPort) {
  const n = ++seq;
  return createRequest({
    method: "OPTIONS",
    uri: `sip:bob@${targetHost}:${targetPort}`,
    from: `<sip:alice@${viaHost}>;tag=a${n}`,
    to: `<sip:bob@${targetHost}>`,
    callId: `bench-${n}@${viaHost}`,
    cseq: 1,
    via: `SIP/2.0/UDP ${viaHost};branch=${newBranch()}`,
  });
}

// ---------------------------------------------------------------- sans-I/O (virtual clock)

const BIG = { maxServerTransactions: 1e7, maxClientTransactions: 1e7, emitTerminated: false };

// mode "layer": requests and 200s pre-built and their accessors read once, outside the timed part,
//   so only the transaction layers' own work is timed (matching, machines, timers, queues).
// mode "build": the TU builds each request and response (createRequest / createResponse) in the loop.
// mode "wire": as "build", and every message is serialized and re-parsed between the layers.
function sansIo(mode) {
  const a = new TransactionLayer(BIG);
  const b = new TransactionLayer(BIG);
  const fa = { transport: "UDP", reliable: false };
  const fb = { transport: "UDP", reliable: false };
  const wire = mode === "wire";
  const hop = wire ? (m) => parseMessage(serializeMessage(m)) : (m) => m;
  const BATCH = 4096;
  const base = heapBytes();
  let clock = 0; // virtual ms = the measured wall time of this row so far (see the top of the file)
  let done = 0;
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    let reqs;
    const resFor = new Map();
    if (mode === "layer") {
      reqs = [];
      for (let i = 0; i < BATCH; i++) {
        const r = options("127.0.0.1:5060", "127.0.0.1", 5070);
        void r.branch, r.topVia, r.cseq, r.from, r.callId, r.toTag;
        const res = createResponse(r, 200, "OK", { toTag: "b" });
        void res.branch, res.cseq, res.toTag;
        reqs.push(r);
        resFor.set(r, res);
      }
    }
    const t0 = now();
    let next = 0;
    let inflight = 0;
    let finished = 0;
    while (finished < BATCH) {
      while (inflight < WINDOW && next < BATCH) {
        const r = mode === "layer" ? reqs[next] : options("127.0.0.1:5060", "127.0.0.1", 5070);
        next++;
        a.sendRequest(r, fb, clock);
        inflight++;
      }
      for (let t = a.pollTransmit(); t; t = a.pollTransmit()) b.handleRequest(hop(t.message), fa, clock);
      for (let e = b.pollEvent(); e; e = b.pollEvent()) {
        if (e.type !== "request") continue;
        const res = mode === "layer" ? resFor.get(e.request) : createResponse(e.request, 200, "OK", { toTag: "b" });
        e.transaction.respond(res, clock);
      }
      for (let t = b.pollTransmit(); t; t = b.pollTransmit()) a.handleResponse(hop(t.message), fb, clock);
      for (let e = a.pollEvent(); e; e = a.pollEvent()) {
        if (e.type === "response" && e.response.status >= 200) {
          finished++;
          inflight--;
        }
      }
      clock = elapsed + (now() - t0);
      a.handleTimeout(clock);
      b.handleTimeout(clock);
    }
    elapsed += now() - t0;
    done += BATCH;
  }
  const live = a.clientCount + b.serverCount;
  const held = heapBytes();
  const perLive = base === undefined || held === undefined || live === 0 ? undefined : (held - base) / live;
  return { tps: done / (elapsed / 1000), done, live, perLive, layers: [a, b] };
}

// ---------------------------------------------------------------- siphon over UDP loopback (src/driver)

async function siphonUdp() {
  const rt = await loadRuntime();
  const big = { maxServerTransactions: 1e7, maxClientTransactions: 1e7, emitTerminated: false };
  const listen = [{ transport: "UDP", host: "127.0.0.1", port: 0 }];
  const b = await createSipEndpoint({
    runtime: rt,
    listen,
    transactions: big,
    transactionUser: {
      receiveRequest: (request, transaction) => b.respond(transaction, createResponse(request, 200, "OK", { toTag: "b" })),
    },
  });
  let done = 0;
  let stop = false;
  let finish;
  const finished = new Promise((r) => (finish = r));
  const pB = b.listeningPoints[0].local.port;
  const target = { transport: "UDP", host: "127.0.0.1", port: pB };
  const a = await createSipEndpoint({
    runtime: rt,
    listen,
    transactions: big,
    transactionUser: {
      receiveResponse(response) {
        if (response.status < 200) return;
        done++;
        if (!stop) startOne();
        else if (a.transactions.counters.active["non-invite-client"].Trying === 0) finish();
      },
    },
  });
  // The driver fills in the top Via's sent-by (RFC 3261 §18.1.1); the branch is ours.
  const startOne = () => a.request(options("127.0.0.1", "127.0.0.1", pB), target);
  const start = now();
  for (let i = 0; i < WINDOW; i++) startOne();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const secs = (now() - start) / 1000;
  const count = done;
  await Promise.race([finished, new Promise((r) => setTimeout(r, 1000))]);
  const retrans = a.transactions.counters.retransmissionsSent + b.transactions.counters.retransmissionsSent;
  await a.close();
  await b.close();
  return { tps: count / secs, done: count, retrans };
}

// ---------------------------------------------------------------- the `sip` npm stack over UDP loopback

async function sipNpm() {
  let sip;
  try {
    sip = (await import("sip")).default;
  } catch (e) {
    return { error: String(e) };
  }
  const pA = 25060 + Math.floor(Math.random() * 1000);
  const pB = pA + 1;
  // publicAddress must differ from the target host: sip treats a Request-URI on its own hostname
  // as a flow token (RFC 5626) and finds no address for it.
  const common = { address: "127.0.0.1", tcp: false, udp: true, logger: {} };
  const b = sip.create({ ...common, port: pB, publicAddress: "bob.invalid" }, (rq) => {
    if (rq.method !== "ACK") b.send(sip.makeResponse(rq, 200, "OK"));
  });
  const a = sip.create({ ...common, port: pA, publicAddress: "alice.invalid" }, () => {});
  let done = 0;
  let failed = 0;
  let stop = false;
  let n = 0;
  const startOne = () => {
    n++;
    a.send(
      {
        method: "OPTIONS",
        uri: `sip:bob@127.0.0.1:${pB}`,
        headers: {
          to: { uri: `sip:bob@127.0.0.1:${pB}` },
          from: { uri: `sip:alice@127.0.0.1:${pA}`, params: { tag: `a${n}` } },
          "call-id": `npm-${n}@127.0.0.1`,
          cseq: { method: "OPTIONS", seq: 1 },
          via: [],
        },
      },
      (rs) => {
        if (rs.status >= 200) {
          if (rs.status === 200) done++;
          else failed++;
          // Next tick: a synchronous local failure would otherwise recurse.
          if (!stop) queueMicrotask(startOne);
        }
      },
    );
  };
  await new Promise((r) => setTimeout(r, 100));
  const start = now();
  for (let i = 0; i < WINDOW; i++) startOne();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const secs = (now() - start) / 1000;
  const count = done;
  await new Promise((r) => setTimeout(r, 200));
  a.destroy();
  b.destroy();
  return { tps: count / secs, done: count, failed };
}

// ---------------------------------------------------------------- memory per live completed transaction

const MEM_N = Number(process.env.MEM_N ?? 20000);

/** Heap per live transaction left in `state` after N transactions with the clock stopped at 0. */
function completedMemory(side, method, status) {
  const flow = { transport: "UDP", reliable: false };
  const wire = (m) => parseMessage(serializeMessage(m));
  const base = heapBytes();
  const layer = new TransactionLayer(BIG);
  for (let i = 0; i < MEM_N; i++) {
    if (side === "server") {
      // A request off the wire; the TU answers with a built response and keeps nothing.
      layer.handleRequest(wire(request(method)), flow, 0);
      for (let e = layer.pollEvent(); e; e = layer.pollEvent()) {
        if (e.type === "request") e.transaction.respond(createResponse(e.request, status, undefined, { toTag: `b${i}` }), 0);
      }
      while (layer.pollTransmit());
    } else {
      // A built request; the response comes off the wire.
      layer.sendRequest(request(method), flow, 0);
      const sent = layer.pollTransmit();
      while (layer.pollTransmit());
      layer.handleResponse(wire(createResponse(wire(sent.message), status, undefined, { toTag: `b${i}` })), flow, 0);
      while (layer.pollEvent());
      while (layer.pollTransmit());
    }
  }
  const held = heapBytes();
  const live = layer.serverCount + layer.clientCount;
  return { perLive: (held - base) / live, live, layer };
}

function request(method) {
  const n = ++seq;
  return createRequest({
    method,
    uri: "sip:bob@127.0.0.1:5070",
    from: `<sip:alice@127.0.0.1>;tag=a${n}`,
    to: "<sip:bob@127.0.0.1>",
    callId: `mem-${n}@127.0.0.1`,
    cseq: 1,
    via: `SIP/2.0/UDP 127.0.0.1:5060;branch=${newBranch()}`,
  });
}

// ---------------------------------------------------------------- run

const rows = [];
const fmt = (x) => (x === undefined ? "n/a" : Math.round(x).toLocaleString("en-US"));
sansIo("layer"); // warm-up
const memRows = [];
for (const [name, mode] of [
  ["siphon sans-I/O, transaction layer only", "layer"],
  ["siphon sans-I/O + createRequest/createResponse", "build"],
  ["siphon sans-I/O + build + serialize/parse", "wire"],
]) {
  const r = sansIo(mode);
  rows.push([name, r.tps]);
  memRows.push([name, r.live, r.perLive]);
}
const u = await siphonUdp();
rows.push(["siphon UDP loopback (src/driver, createSipEndpoint)", u.tps]);
const p = await sipNpm();
rows.push(["sip (npm) UDP loopback", p.tps]);

console.log(`transaction bench on ${runtime}: OPTIONS -> 200, window ${WINDOW}, ${SECONDS} s each`);
console.log("| endpoint pair | transactions/s | vs sip (npm) UDP |");
console.log("|---|---:|---:|");
for (const [name, tps] of rows) {
  const ratio = p.tps && tps ? (tps / p.tps).toFixed(2) + "x" : "n/a";
  console.log(`| ${name} | ${fmt(tps)} | ${ratio} |`);
}
if (p.error) console.log(`sip (npm) unavailable: ${p.error}`);
console.log(`siphon UDP: ${u.done} transactions, ${u.retrans} retransmissions; sip (npm): ${p.done ?? 0} transactions, ${p.failed ?? 0} failed`);
console.log("");
if (gc === undefined) {
  console.log("memory: no callable GC (run node --expose-gc, deno --v8-flags=--expose-gc, or bun)");
} else {
  console.log("| sans-I/O row, at its end | live transactions | bytes per live transaction |");
  console.log("|---|---:|---:|");
  for (const [name, live, per] of memRows) console.log(`| ${name} | ${fmt(live)} | ${fmt(per)} |`);
  console.log("");
  console.log(`| live completed transaction (${fmt(MEM_N)} of a kind, UDP) | bytes each |`);
  console.log("|---|---:|");
  for (const [name, side, method, status] of [
    ["non-INVITE server, Completed (200)", "server", "OPTIONS", 200],
    ["non-INVITE client, Completed (200)", "client", "OPTIONS", 200],
    ["INVITE server, Completed (486)", "server", "INVITE", 486],
    ["INVITE server, Accepted (200)", "server", "INVITE", 200],
    ["INVITE client, Completed (486)", "client", "INVITE", 486],
    ["INVITE client, Accepted (200)", "client", "INVITE", 200],
  ]) {
    const m = completedMemory(side, method, status);
    console.log(`| ${name} | ${fmt(m.perLive)} |`);
  }
}
process.exit(0);
