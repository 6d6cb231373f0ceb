// Transaction-layer throughput: non-INVITE transactions (OPTIONS -> 200) per second between two
// endpoints in one process.
//
//   siphon sans-I/O         two TransactionLayers joined in memory, message objects handed across
//                           (the transaction layer alone: the upper bound)
//   siphon sans-I/O + wire  the same, each message serialized and re-parsed (message layer included)
//   siphon UDP loopback     two layers over 127.0.0.1 UDP sockets (node:dgram, a minimal driver in
//                           this file; src/driver is used instead once it exists)
//   sip (npm) UDP loopback  two `sip.create()` stacks doing the same
//
// Each endpoint pair keeps WINDOW transactions in flight. Run: node|deno run -A|bun bench/transaction.mjs
import { createSocket } from "node:dgram";
import { createRequest, createResponse, parseMessage, serializeMessage } from "../dist/src/sip/index.js";
import { newBranch, TransactionLayer } from "../dist/src/transaction/index.js";

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
  let clock = 0; // virtual ms: 0.01 ms per transaction, so Timers J/K expire and memory stays bounded
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
      clock += WINDOW * 0.01;
      a.handleTimeout(clock);
      b.handleTimeout(clock);
    }
    elapsed += now() - t0;
    done += BATCH;
  }
  return { tps: done / (elapsed / 1000), done, live: a.clientCount + b.serverCount };
}

// ---------------------------------------------------------------- siphon over UDP loopback

function bindUdp(onMessage) {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.on("message", onMessage);
    s.bind(0, "127.0.0.1", () => resolve(s));
  });
}

async function siphonUdp() {
  const big = { maxServerTransactions: 1e7, maxClientTransactions: 1e7, emitTerminated: false };
  const a = new TransactionLayer(big);
  const b = new TransactionLayer(big);
  let sa, sb;
  const t0 = now();
  const clock = () => now() - t0;
  const flush = (layer, sock) => {
    for (let t = layer.pollTransmit(); t; t = layer.pollTransmit()) {
      sock.send(serializeMessage(t.message), t.flow.port, t.flow.host);
    }
  };
  let done = 0;
  let stop = false;
  let finish;
  const finished = new Promise((r) => (finish = r));
  let pA = 0;
  let pB = 0;
  const startOne = () => {
    a.sendRequest(options(`127.0.0.1:${pA}`, "127.0.0.1", pB), { transport: "UDP", reliable: false, host: "127.0.0.1", port: pB }, clock());
  };
  sb = await bindUdp((msg, rinfo) => {
    const m = parseMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    const t = clock();
    b.handleMessage(m, { transport: "UDP", reliable: false, host: rinfo.address, port: rinfo.port }, t);
    for (let e = b.pollEvent(); e; e = b.pollEvent()) {
      if (e.type === "request") e.transaction.respond(createResponse(e.request, 200, "OK", { toTag: "b" }), t);
    }
    flush(b, sb);
  });
  sa = await bindUdp((msg, rinfo) => {
    const m = parseMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    const t = clock();
    a.handleMessage(m, { transport: "UDP", reliable: false, host: rinfo.address, port: rinfo.port }, t);
    for (let e = a.pollEvent(); e; e = a.pollEvent()) {
      if (e.type === "response" && e.response.status >= 200) {
        done++;
        if (!stop) startOne();
        else if (a.clientCount === 0 || done % WINDOW === 0) finish();
      }
    }
    flush(a, sa);
  });
  pA = sa.address().port;
  pB = sb.address().port;
  // The driver's timer loop: wake at the layers' next deadline.
  let timer;
  const tick = () => {
    const t = clock();
    a.handleTimeout(t);
    b.handleTimeout(t);
    flush(a, sa);
    flush(b, sb);
    const next = Math.min(a.pollTimeout() ?? Infinity, b.pollTimeout() ?? Infinity);
    timer = setTimeout(tick, Math.max(1, Math.min(1000, next - t)));
  };
  tick();
  const start = now();
  for (let i = 0; i < WINDOW; i++) startOne();
  flush(a, sa);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const secs = (now() - start) / 1000;
  const count = done;
  await Promise.race([finished, new Promise((r) => setTimeout(r, 1000))]);
  clearTimeout(timer);
  sa.close();
  sb.close();
  return { tps: count / secs, done: count, retrans: a.counters.retransmissionsSent + b.counters.retransmissionsSent };
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

// ---------------------------------------------------------------- run

const rows = [];
const fmt = (x) => (x === undefined ? "n/a" : Math.round(x).toLocaleString("en-US"));
sansIo("layer"); // warm-up
rows.push(["siphon sans-I/O, transaction layer only", sansIo("layer").tps]);
rows.push(["siphon sans-I/O + createRequest/createResponse", sansIo("build").tps]);
rows.push(["siphon sans-I/O + build + serialize/parse", sansIo("wire").tps]);
const u = await siphonUdp();
rows.push(["siphon UDP loopback", u.tps]);
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
console.log("(src/driver not used: the UDP rows use a minimal node:dgram driver in this file)");
process.exit(0);
