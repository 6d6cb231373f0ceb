// SIP load generator: OPTIONS at a fixed rate or a ramp, from siphon's own endpoint in one or more
// worker processes, against siphon's example server on Node, Deno and Bun and against the `sip` npm
// stack's server (and Kamailio when asked), all in the same run; or against any address.
//
//   node bench/load.mjs                         knees of every server over UDP and TCP, then a 60 s
//                                               hold at 10 000/s on the Node example server
//   node bench/load.mjs --servers node --transports udp --rate 10000 --duration 60
//   node bench/load.mjs --address 192.0.2.10:5060 --rate 2000 --duration 30
//
// Options: --servers node,deno,bun,sip[,kamailio]  --transports udp,tcp  --workers N (generator
// processes, default 1)  --rate R --duration S (fixed rate) | --ramp FROM:STEP:MAX (default
// 2000:2000:30000)  --step S (seconds per ramp step, default 5)  --hold R (after the ramp, R/s for
// --duration S on the Node server, default 10000 for 60 s; 0 skips)  --address host:port  --stateless
// (no client transactions: no retransmissions, answers matched by branch)  --grace MS (how long after a
// step an answer still counts, default 2000)  --warmup S (seconds of traffic at the first rate, at most
// 1 000/s, before the measured steps; not reported; default 3, 0 for none)  --nice N (scheduling priority of the server and the
// generators, e.g. -5 on a machine shared with other work: the figures then describe the server with
// the CPU it asks for; say so with them).
//
// --calls: whole calls instead of OPTIONS (bench/load-calls.mjs): each generator is a caller user agent
// (siphon's session core) and the servers are examples/answer-server.ts on Node, Deno and Bun (a real
// media session per call) and a user agent server on the `sip` npm stack; --hold-ms H keeps each call
// up for H ms before its BYE (default 0). Default ramp 500:500:6000, hold 0 (no 60 s hold).
//
// Each request is a new client transaction of the worker's createSipEndpoint (transactions on: Timer E
// retransmits over UDP, Timer F times out after 32 s) unless --stateless. Latency is from the send to
// the final response. A step passes when non-200 answers, timeouts and requests unanswered after the
// grace period are under 0.1 % of those sent and p99 < 50 ms; the knee is the highest passing rate.
// Server RSS and CPU, and the generators' CPU, come from /proc (Linux): the machine has 2 cores, so the
// CPU split is printed with every row. Processes are started and stopped here, by PID.
import { fork, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setPriority } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { callsWorker, callsRow, callsHeader, callsPass } from "./load-calls.mjs";
import { bucket, COARSE, FINE, fmt, histogramPairs, int, percentile } from "./latency.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const has = (name) => args.includes(`--${name}`);
const callsMode = has("calls");

// ------------------------------------------------------------------ worker (a generator process)

async function worker() {
  const { loadRuntime } = await import(join(root, "dist/runtimes/index.js"));
  const { createSipEndpoint } = await import(join(root, "dist/src/driver/index.js"));
  const { createRequest } = await import(join(root, "dist/src/sip/index.js"));
  const { newBranch } = await import(join(root, "dist/src/transaction/index.js"));
  const rt = await loadRuntime();
  let ep;
  let target;
  let stateless = false;
  /** Outstanding requests: key (transaction or branch) -> [step, sent at]. */
  const outstanding = new Map();
  const steps = new Map();
  let seq = 0;
  const stepOf = (id) => {
    let s = steps.get(id);
    if (!s) steps.set(id, (s = { sent: 0, status: {}, timeouts: 0, failed: 0, hist: new Uint32Array(FINE + COARSE), answered: 0 }));
    return s;
  };
  const finished = (key, status) => {
    const o = outstanding.get(key);
    if (o === undefined) return;
    outstanding.delete(key);
    const s = stepOf(o[0]);
    if (status === "timeout") s.timeouts++;
    else if (status === "failed") s.failed++;
    else {
      s.status[status] = (s.status[status] ?? 0) + 1;
      s.answered++;
      s.hist[bucket(rt.now() - o[1])]++;
    }
  };
  const send = (stepId) => {
    const n = ++seq;
    const req = createRequest({
      method: "OPTIONS",
      uri: `sip:${target.user ? `${target.user}@` : ""}${target.host}:${target.port}`,
      from: `<sip:gen@127.0.0.1>;tag=g${process.pid}-${n}`,
      to: `<sip:load@${target.host}>`,
      callId: `${process.pid}-${n}@load.invalid`,
      cseq: 1,
      via: `SIP/2.0/${target.transport} 127.0.0.1;branch=${newBranch()}`,
    });
    stepOf(stepId).sent++;
    if (stateless) {
      outstanding.set(req.branch, [stepId, rt.now()]);
      ep.send(req, ep.prepareRequest(req, target));
    } else {
      const txn = ep.request(req, target);
      outstanding.set(txn, [stepId, rt.now()]);
    }
  };
  process.on("message", async (m) => {
    if (m.type === "setup") {
      stateless = m.stateless;
      target = { transport: m.transport.toUpperCase(), host: m.host, port: m.port, user: m.user };
      ep = await createSipEndpoint({
        runtime: rt,
        listen: [
          { transport: "UDP", host: "127.0.0.1", port: 0 },
          { transport: "TCP", host: "127.0.0.1", port: 0 },
        ],
        ...(stateless
          ? { transportUser: { receiveMessage: (msg) => !msg.isRequest && msg.status >= 200 && finished(msg.branch, msg.status) } }
          : {
              transactions: { maxClientTransactions: 1e7, emitTerminated: false },
              overload: false,
              transactionUser: {
                receiveResponse: (res, txn) => res.status >= 200 && finished(txn, res.status),
                timedOut: (txn) => finished(txn, "timeout"),
                transportFailed: (txn) => finished(txn, "failed"),
              },
            }),
      });
      process.send({ type: "ready" });
    } else if (m.type === "step") {
      if (process.env.LOAD_DEBUG) {
        let last = performance.now();
        let maxLag = 0;
        const probe = setInterval(() => {
          const now = performance.now();
          maxLag = Math.max(maxLag, now - last - 10);
          last = now;
        }, 10);
        setTimeout(() => {
          clearInterval(probe);
          console.error(`  debug: generator max event-loop lag ${maxLag.toFixed(1)} ms`);
        }, m.seconds * 1000);
      }
      // Paced by elapsed time: as many requests as the rate owes, checked every millisecond.
      const start = rt.now();
      const end = start + m.seconds * 1000;
      let sent = 0;
      await new Promise((done) => {
        const tick = () => {
          const now = rt.now();
          const owed = Math.min(now, end) - start;
          const due = Math.floor((owed / 1000) * m.rate) - sent;
          for (let i = 0; i < due; i++) send(m.id);
          sent += Math.max(0, due);
          if (now >= end) done();
          else setTimeout(tick, 1);
        };
        tick();
      });
      await new Promise((r) => setTimeout(r, m.grace));
      const s = stepOf(m.id);
      let unanswered = 0;
      for (const [, o] of outstanding) if (o[0] === m.id) unanswered++;
      const hist = histogramPairs(s.hist);
      const retransmissions = ep.transactions?.counters.retransmissionsSent ?? 0;
      process.send({ type: "result", id: m.id, sent: s.sent, status: s.status, timeouts: s.timeouts, failed: s.failed, unanswered, hist, retransmissions });
      steps.delete(m.id);
    } else if (m.type === "stop") {
      await ep?.close();
      process.exit(0);
    }
  });
  process.send({ type: "up" });
}

// ------------------------------------------------------------------ the `sip` npm stack's server

async function sipServer(port) {
  const { default: sip } = await import("sip");
  const sdp = "v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
  sip.start({ port, address: "127.0.0.1", udp: true, tcp: true, logger: {} }, (rq) => {
    if (rq.method === "ACK") return;
    // OPTIONS, and the calls mode's INVITE (answered at once with SDP) and BYE: 200; others 405.
    const ok = rq.method === "OPTIONS" || rq.method === "INVITE" || rq.method === "BYE";
    const rs = sip.makeResponse(rq, ok ? 200 : 405, ok ? "OK" : "Method Not Allowed");
    if (rs.headers.to.params?.tag === undefined) rs.headers.to.params = { ...(rs.headers.to.params ?? {}), tag: Math.random().toString(16).slice(2, 10) };
    if (rq.method === "INVITE") {
      const tcp = /TCP/i.test(rq.headers.via?.[0]?.protocol ?? "");
      rs.headers.contact = [{ uri: `sip:uas@127.0.0.1:${port}${tcp ? ";transport=tcp" : ""}` }];
      rs.headers["content-type"] = "application/sdp";
      rs.content = sdp;
    }
    sip.send(rs);
  });
  console.log(`sip npm server: UDP 127.0.0.1:${port}`);
  process.on("SIGTERM", () => process.exit(0));
}

// ------------------------------------------------------------------ parent

/** CPU seconds (user + system) and RSS (MB) of one process, from /proc, and its parent's pid. */
function usageOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpu: ticks / 100, rss: rss ? Number(rss[1]) / 1024 : 0, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds and RSS (MB) of a process and all its descendants (Kamailio forks its workers). */
function usage(pid) {
  const all = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const u = usageOf(Number(name));
    if (u) all.set(Number(name), u);
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, u] of all) if (!tree.has(p) && tree.has(u.ppid)) (tree.add(p), (grew = true));
  }
  let cpu = 0;
  let rss = 0;
  for (const p of tree) {
    const u = all.get(p);
    if (u) (cpu += u.cpu), (rss += u.rss);
  }
  return all.has(pid) ? { cpu, rss } : { cpu: NaN, rss: NaN };
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
function machineBusy() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    return (f.reduce((a, b) => a + b, 0) - idle) / 100;
  } catch {
    return NaN;
  }
}

/** Applies --nice to a process and its descendants (threads share the process priority on Linux only per thread: set each). */
function prioritize(pid) {
  const nice = flag("nice");
  if (nice === undefined) return;
  const ids = [pid];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) ids.push(Number(t));
  } catch {
    // not on Linux: the process alone
  }
  for (const id of ids) {
    try {
      setPriority(id, Number(nice));
    } catch {
      // gone, or not allowed
    }
  }
}

async function freePort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const free = await new Promise((r) => {
      const s = createServer();
      s.once("error", () => r(false));
      s.listen(port, "127.0.0.1", () => s.close(() => r(true)));
    });
    if (free) return port;
  }
}

/** Starts a server process and waits for it to say it listens. */
async function startServer(kind) {
  const port = await freePort();
  const bin = join(root, "node_modules/.bin");
  // The calls mode's server answers INVITEs with a media session each, its ports held 2 s after the BYE:
  // 10 000 RTP/RTCP pairs, away from freePort's range.
  const example = callsMode ? "answer-server" : "options-server";
  const flags = ["--port", String(port), "--transport", "udp,tcp", "--quiet", ...(callsMode ? ["--rtp-ports", "40000-59999"] : [])];
  const commands = {
    node: [process.execPath, [join(root, `dist/examples/${example}.js`), ...flags]],
    deno: [join(bin, "deno"), ["run", "-A", join(root, `examples/${example}.ts`), ...flags]],
    bun: [join(bin, "bun"), [join(root, `examples/${example}.ts`), ...flags]],
    sip: [process.execPath, [fileURLToPath(import.meta.url), "--sip-server", String(port)]],
  };
  if (kind === "kamailio") return startKamailio();
  const [cmd, argv] = commands[kind];
  const child = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  for (let i = 0; i < 400 && !out.includes(`:${port}`); i++) await new Promise((r) => setTimeout(r, 50));
  if (!out.includes(`:${port}`)) {
    child.kill("SIGKILL");
    throw new Error(`${kind} server did not start: ${out}`);
  }
  // TCP listens right after UDP; give it a moment.
  await new Promise((r) => setTimeout(r, 300));
  prioritize(child.pid);
  return { kind, port, pid: child.pid, stop: () => stopChild(child) };
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  for (let i = 0; i < 40 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Kamailio through the shared peer recipe (answers OPTIONS itself, statelessly); optional. */
async function startKamailio() {
  const script = "/work/shared/peers/kamailio.sh";
  const port = await freePort();
  const env = { ...process.env, KAM_PORT: String(port), KAM_QUIET: "1", KAM_SHM: "1024", PEERS_RUN: "/tmp/peers-load" };
  const r = spawn("bash", [script, "start"], { env, stdio: "inherit" });
  await new Promise((done) => r.on("exit", done));
  const pid = Number(readFileSync("/tmp/peers-load/kamailio.pid", "utf8").trim());
  prioritize(pid);
  return {
    kind: "kamailio",
    port,
    pid,
    stop: () => new Promise((done) => spawn("bash", [script, "stop"], { env, stdio: "inherit" }).on("exit", done)),
  };
}

async function startWorkers(n, setup) {
  const workers = [];
  for (let i = 0; i < n; i++) {
    const w = fork(fileURLToPath(import.meta.url), ["--worker", ...(callsMode ? ["--calls"] : [])], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    prioritize(w.pid);
    await new Promise((r) => w.once("message", r));
    w.send({ type: "setup", ...setup });
    await new Promise((r) => w.once("message", r));
    workers.push(w);
  }
  return workers;
}

async function stopWorkers(workers) {
  for (const w of workers) {
    w.send({ type: "stop" });
    await new Promise((r) => {
      const t = setTimeout(() => {
        w.kill("SIGKILL");
        r();
      }, 3000);
      w.once("exit", () => {
        clearTimeout(t);
        r();
      });
    });
  }
}

let stepIds = 0;
/** One step at `rate` for `seconds`, split over the workers; the merged result and the CPU split. */
async function step(workers, server, rate, seconds, grace) {
  const id = ++stepIds;
  const pids = workers.map((w) => w.pid);
  const before = { server: server ? usage(server.pid) : undefined, gen: pids.map(usage), t: performance.now(), busy: machineBusy() };
  let peakRss = 0;
  const rssTrace = [];
  const t0 = performance.now();
  const sampler = setInterval(() => {
    if (!server) return;
    const rss = usage(server.pid).rss;
    peakRss = Math.max(peakRss, rss);
    // Every 10 s, for the record of a long step: is the memory steady once Timer J's 32 s have passed?
    if (performance.now() - t0 >= (rssTrace.length + 1) * 10_000) rssTrace.push(Math.round(rss));
  }, 500);
  const results = await Promise.all(
    workers.map(
      (w) =>
        new Promise((r) => {
          const on = (m) => {
            if (m.type === "result" && m.id === id) {
              w.off("message", on);
              r(m);
            }
          };
          w.on("message", on);
          w.send({ type: "step", id, rate: rate / workers.length, seconds, grace });
        }),
    ),
  );
  clearInterval(sampler);
  const wall = (performance.now() - before.t) / 1000;
  const after = { server: server ? usage(server.pid) : undefined, gen: pids.map(usage), busy: machineBusy() };
  const hist = new Uint32Array(FINE + COARSE);
  const status = {};
  let sent = 0;
  let timeouts = 0;
  let unanswered = 0;
  let failed = 0;
  const extra = { completed: 0, provisional: {}, bye: {}, why: {}, byeUnanswered: 0 };
  const add = (into, from) => {
    for (const [k, c] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + c;
  };
  for (const r of results) {
    extra.completed += r.completed ?? 0;
    extra.byeUnanswered += r.byeUnanswered ?? 0;
    add(extra.provisional, r.provisional);
    add(extra.bye, r.bye);
    add(extra.why, r.why);
    sent += r.sent;
    timeouts += r.timeouts;
    unanswered += r.unanswered;
    failed += r.failed;
    for (const [s, c] of Object.entries(r.status)) status[s] = (status[s] ?? 0) + c;
    for (const [i, c] of r.hist) hist[i] += c;
  }
  const answered = Object.values(status).reduce((a, b) => a + b, 0);
  if (process.env.LOAD_DEBUG) {
    const q = (p) => fmt(percentile(hist, answered, p), 2);
    console.error(`  debug: p90 ${q(90)} p95 ${q(95)} p98 ${q(98)} p99 ${q(99)} p99.9 ${q(99.9)} max ${q(100)}; client retransmissions so far ${results.map((r) => r.retransmissions).join("+")}`);
  }
  const ok = status["200"] ?? 0;
  const bad = sent - ok;
  const cpu = (b, a) => (100 * (a.cpu - b.cpu)) / wall;
  return {
    ...extra,
    rate,
    seconds,
    sent,
    ok,
    status,
    timeouts,
    unanswered,
    failed,
    badShare: sent ? bad / sent : 1,
    p50: percentile(hist, answered, 50),
    p99: percentile(hist, answered, 99),
    p999: percentile(hist, answered, 99.9),
    serverCpu: server ? cpu(before.server, after.server) : NaN,
    serverRss: server ? Math.max(peakRss, after.server.rss) : NaN,
    serverRssEnd: server ? after.server.rss : NaN,
    genCpu: pids.reduce((sum, _, i) => sum + cpu(before.gen[i], after.gen[i]), 0),
    machineCpu: (100 * (after.busy - before.busy)) / wall,
    rssTrace,
  };
}

const passes = (r) => (callsMode ? callsPass(r) : r.badShare < 0.001 && r.p99 < 50);

function row(label, r) {
  if (callsMode) return callsRow(label, r);
  const others = Object.entries(r.status)
    .filter(([s]) => s !== "200")
    .map(([s, c]) => `${c}×${s}`)
    .join(" ");
  const lost = [r.timeouts && `${r.timeouts} timeout`, r.unanswered && `${r.unanswered} unanswered`, r.failed && `${r.failed} failed`, others]
    .filter(Boolean)
    .join(", ");
  console.log(
    `| ${label} | ${int(r.rate)} | ${int(r.ok / r.seconds)} | ${lost || "0"} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.p999, 2)} | ` +
      `${fmt(r.serverCpu, 0)} / ${fmt(r.genCpu, 0)} / ${fmt(Math.max(0, r.machineCpu - (Number.isFinite(r.serverCpu) ? r.serverCpu : 0) - r.genCpu), 0)} | ` +
      `${fmt(r.serverRss, 0)} | ${passes(r) ? "pass" : "FAIL"} |`,
  );
  if (r.rssTrace.length >= 3) console.log(`|   server RSS MB every 10 s: ${r.rssTrace.join(" → ")} | | | | | | | | | |`);
}

function header() {
  if (callsMode) return callsHeader();
  console.log(
    "| server, transport | offered/s | 200/s | not 200 | p50 ms | p99 ms | p99.9 ms | CPU % server / generators / other processes (of 200) | server RSS MB | step |",
  );
  console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|---|");
}

/** Ramp: up by `step` until a step fails, then one step halfway back; the highest passing rate. */
async function ramp(workers, server, label, from, by, max, seconds, grace) {
  let good;
  let badRate;
  for (let rate = from; rate <= max; rate += by) {
    const r = await step(workers, server, rate, seconds, grace);
    row(label, r);
    if (!passes(r)) {
      badRate = rate;
      break;
    }
    good = r;
  }
  if (badRate !== undefined && good !== undefined && badRate - good.rate > by / 4) {
    const mid = Math.round((good.rate + badRate) / 2 / 100) * 100;
    const r = await step(workers, server, mid, seconds, grace);
    row(label, r);
    if (passes(r)) good = r;
  }
  return good;
}

async function main() {
  const transports = flag("transports", "udp,tcp").split(",");
  const address = flag("address");
  const servers = address ? ["external"] : flag("servers", "node,deno,bun,sip").split(",");
  const nWorkers = Number(flag("workers", 1));
  const grace = Number(flag("grace", 2000));
  const stepSeconds = Number(flag("step", 5));
  const fixed = flag("rate");
  const duration = Number(flag("duration", 60));
  const [from, by, max] = flag("ramp", callsMode ? "500:500:6000" : "2000:2000:30000").split(":").map(Number);
  const hold = Number(flag("hold", fixed || callsMode ? 0 : 10000));
  const holdMs = Number(flag("hold-ms", 0));
  const warmup = Number(flag("warmup", 3));
  const stateless = has("stateless");
  console.log(
    (callsMode
      ? `load: calls (INVITE/200/ACK, ${holdMs} ms, BYE/200) from ${nWorkers} siphon caller process(es) (Node ${process.versions.node}), `
      : `load: OPTIONS from ${nWorkers} siphon generator process(es) (Node ${process.versions.node}, ${stateless ? "stateless" : "client transactions"}), `) +
      `2-core machine shared by server and generators${flag("nice") !== undefined ? ` (both at nice ${flag("nice")})` : ""}; ` +
      `${fixed ? `${fixed}/s for ${duration} s` : `ramp ${from}:${by}:${max}, ${stepSeconds} s steps`}`,
  );
  header();
  const knees = [];
  for (const kind of servers) {
    const server = address ? undefined : await startServer(kind);
    const [host, port] = address ? [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))] : ["127.0.0.1", server.port];
    try {
      for (const transport of transports) {
        // Kamailio's recipe answers OPTIONS itself only for a Request-URI without a user part.
        const workers = await startWorkers(nWorkers, { transport, host, port, stateless, holdMs, user: kind === "kamailio" ? "" : "load" });
        const label = `${kind}, ${transport.toUpperCase()}`;
        try {
          // Warm-up (not reported): the first seconds of a fresh server and generator run code that
          // is not optimized yet (and the answer server grows its port pool), which is not where a
          // server that has been up for a while is.
          if (warmup > 0) await step(workers, server, Math.min(fixed ? Number(fixed) : from, 1000), warmup, grace);
          if (fixed) {
            row(label, await step(workers, server, Number(fixed), duration, grace));
          } else {
            const knee = await ramp(workers, server, label, from, by, max, stepSeconds, grace);
            knees.push({ label, knee });
            if (kind === "node" && hold > 0) row(`${label}, ${duration} s hold`, await step(workers, server, hold, duration, grace));
          }
        } finally {
          await stopWorkers(workers);
        }
      }
    } finally {
      await server?.stop();
    }
  }
  if (knees.length) {
    console.log(`\n| server, transport | knee (${callsMode ? "calls/s with every call complete" : "offered/s with < 0.1 % not 200"} and p99 < 50 ms) | CPU % server / generators there |`);
    console.log("|---|---:|---:|");
    for (const { label, knee } of knees) console.log(`| ${label} | ${knee ? int(knee.rate) : "none"} | ${knee ? `${fmt(knee.serverCpu, 0)} / ${fmt(knee.genCpu, 0)}` : "–"} |`);
  }
}

if (has("worker")) await (callsMode ? callsWorker(root) : worker());
else if (has("sip-server")) await sipServer(Number(flag("sip-server")));
else await main();
