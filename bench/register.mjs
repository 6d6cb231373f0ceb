// REGISTERs per second with digest authentication and durable bindings: `siphon serve` (SQLite in
// WAL mode; a REGISTER is answered 200 only once its binding is committed) on Node, Deno and Bun,
// against Kamailio 5.6 (registrar + auth_db, subscriber table in SQLite through db_sqlite) with its
// location table in memory (usrloc db_mode 0) and written through to SQLite in WAL mode (db_mode 1,
// when Debian's kamailio-sqlite-modules is installed), all in the same run, one after the other.
//
// The generator (this process, one UDP socket, no library in the path) keeps WINDOW AORs in flight
// out of USERS: each registration is REGISTER → 401 (RFC 3261 §22.4, a fresh nonce) → REGISTER with
// Authorization (qop=auth, MD5) → 200, each REGISTER retransmitted on Timer E like a UA's over UDP
// (counted). A registration that gets anything else, or no final answer before Timer F (32 s), counts
// under that status ("timeout"), and its AOR goes on with the next one.
//
// Phases per server: "fill" registers every AOR once (new bindings: an INSERT each); the server's
// memory is read before and after (the bytes per registration); then "refresh" registers the AORs
// round-robin for SECONDS (the same Call-ID, CSeq going up: the binding is updated in place — what a
// registrar does most of its life). Prints registrations/s (each is two REGISTERs), answers by
// status, the server's CPU per registration (/proc, so CPU-time figures hold on a shared machine),
// the load average, and the ratios against Kamailio.
//
//   node bench/register.mjs     (after `npm run build`; USERS=20000 WARM=2000 WINDOW=200 SECONDS=10,
//                                SERVERS=node,deno,bun,node-full,kamailio-mem,kamailio-sqlite;
//                                PROFILE=dir writes a CPU profile of the Node server there; SETTLE=1
//                                reads the Node server's heap again 33 s after the fill)
//
// Kamailio runs two UDP workers with the location in memory; written through to SQLite it runs one,
// since db_sqlite sets no busy timeout and two workers writing the file answer 500 ("database is
// locked") to most REGISTERs. "node-full" is the Node server with `synchronous: full` (an fsync per commit, as Kamailio's
// db_sqlite leaves SQLite's default). Siphon's memory is its RSS (one process) and on Node also its heap
// after a full collection (bench/heap-probe.mjs preloaded); Kamailio's the sum of the proportional
// set sizes (PSS) of its processes, so that its shared memory counts once.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuOf, processTree, pssOf, rssOf } from "../test/interop/peers/kamailio-proxy.mjs";
import { serveConfig } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const USERS = Number(process.env.USERS ?? 20_000);
const WINDOW = Number(process.env.WINDOW ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 10);
const PASSWORD = "pw";
const BASE = Number(process.env.PORT ?? 41000 + 2 * Math.floor(Math.random() * 4000));
const SERVERS = (process.env.SERVERS ?? "node,deno,bun,node-full,kamailio-mem,kamailio-sqlite").split(",");
const MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/";
const SQLITE_SCHEMA = "/usr/share/kamailio/db_sqlite/";
/** RFC 3261 §17.1.2.2 over UDP: Timer E from T1 = 500 ms doubling to T2 = 4 s; Timer F = 64*T1. */
const T1 = 500;
const T2 = 4000;
const TIMEOUT_MS = 64 * T1;
/** AORs past USERS registered once before the measured phases, so that the servers run warm. */
const WARM = Number(process.env.WARM ?? 2000);
const ALL = USERS + WARM;
/** SETTLE=1: on Node, the heap once more 33 s after the fill (Timer J's records gone). */
const SETTLE = process.env.SETTLE === "1";

const md5 = (s) => createHash("md5").update(s).digest("hex");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ servers

/** Waits until something answers an OPTIONS on 127.0.0.1:`port`. */
async function waitForSip(port, dead, timeoutMs = 60_000) {
  const sock = createSocket("udp4");
  await new Promise((r) => sock.bind(0, "127.0.0.1", r));
  let answered = false;
  sock.on("message", () => (answered = true));
  const until = Date.now() + timeoutMs;
  for (let i = 0; !answered && !dead() && Date.now() < until; i++) {
    const lp = sock.address().port;
    sock.send(
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${lp};branch=z9hG4bKwait${i}\r\nMax-Forwards: 70\r\n` +
        `From: <sip:wait@127.0.0.1>;tag=w${i}\r\nTo: <sip:127.0.0.1:${port}>\r\nCall-ID: wait-${i}-${process.pid}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
      port,
      "127.0.0.1",
    );
    await sleep(200);
  }
  sock.close();
  return answered;
}

/** `siphon serve` on `runtime` with USERS users and SQLite under a temporary directory. */
async function startSiphon(runtime, port, synchronous) {
  const { dir, config } = serveConfig("siphon-regbench-", port, {
    http: { port: null },
    storage: { kind: "sqlite", synchronous },
    media: { rtpPorts: `${port + 2}-${port + 101}` },
    users: Array.from({ length: ALL }, (_, i) => ({ username: `u${i}`, password: PASSWORD })),
  });
  const args = ["serve", "--config", config];
  const [cmd, argv] =
    runtime === "deno"
      ? [join(root, "node_modules/.bin/deno"), ["run", "-A", join(root, "src/cli/main.ts"), ...args]]
      : runtime === "bun"
        ? [join(root, "node_modules/.bin/bun"), [join(root, "src/cli/main.ts"), ...args]]
        : [process.execPath, ["--expose-gc", "--import", join(root, "bench/heap-probe.mjs"), ...(process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE}`] : []), join(root, "dist/src/cli/main.js"), ...args]];
  let out = "";
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const up = await waitForSip(port, () => child.exitCode !== null);
  if (!up || !/storage\s+SQLite/.test(out)) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`siphon serve on ${runtime} did not start with SQLite: ${out.slice(-1500)}`);
  }
  // The runtime's own process (npx-free paths above; Deno's and Bun's launchers exec the binary).
  const pid = child.pid;
  /** Node: the heap and array buffers after a full collection (bench/heap-probe.mjs, on SIGUSR2). */
  const heap = async () => {
    if (runtime !== "node") return undefined;
    const seen = out.length;
    child.kill("SIGUSR2");
    for (let i = 0; i < 200 && !/heap-probe \{.*\}\n/.test(out.slice(seen)); i++) await sleep(10);
    const m = /heap-probe (\{.*\})\n/.exec(out.slice(seen));
    if (m === null) return undefined;
    const u = JSON.parse(m[1]);
    return u.heapUsed + u.arrayBuffers;
  };
  return {
    pid,
    memory: () => rssOf(pid),
    heap,
    cpu: () => processTree(pid).reduce((s, p) => s + cpuOf(p), 0),
    log: () => out,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
      const rows = countRows(join(dir, "siphon.sqlite"), "registrations");
      rmSync(dir, { recursive: true, force: true });
      return rows;
    },
  };
}

/** Rows of `table` in an SQLite file (sqlite3's shell), or undefined without it. */
function countRows(file, table) {
  const r = spawnSync("sqlite3", [file, `SELECT count(*) FROM ${table}`], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

function kamailioConfig(dbUrl, dbMode) {
  return `#!KAMAILIO
debug=1
log_stderror=yes
children=${dbMode === 0 ? 2 : 1}
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
mpath="${MODULES}"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "db_sqlite.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
modparam("db_sqlite", "db_set_journal_mode", "${dbUrl.slice("sqlite://".length)}=WAL;")
modparam("usrloc", "db_mode", ${dbMode})
modparam("usrloc", "db_url", "${dbUrl}")
modparam("registrar", "max_expires", 3600)
modparam("registrar", "gruu_enabled", 0)
modparam("auth", "nonce_expire", 300)
modparam("auth_db", "db_url", "${dbUrl}")
modparam("auth_db", "calculate_ha1", yes)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "use_domain", 0)
modparam("auth_db", "load_credentials", "")

request_route {
\tif (!mf_process_maxfwd_header("10")) {
\t\tsl_send_reply("483", "Too Many Hops");
\t\texit;
\t}
\tif (!sanity_check("17895", "7")) exit;
\tforce_rport();
\tif (is_method("OPTIONS") && uri==myself && $rU==$null) {
\t\tsl_send_reply("200", "Keepalive");
\t\texit;
\t}
\tif (is_method("REGISTER")) {
\t\tif (!auth_check("$fd", "subscriber", "1")) {
\t\t\tauth_challenge("$fd", "1");
\t\t\texit;
\t\t}
\t\tconsume_credentials();
\t\tif (!save("location")) sl_reply_error();
\t\texit;
\t}
\tsl_send_reply("404", "Not Here");
}
`;
}

/**
 * Kamailio as registrar with digest authentication: the subscriber table (USERS users, plain
 * passwords, calculate_ha1) in an SQLite file, the location in memory (`dbMode` 0) or written
 * through to the same file (1).
 */
async function startKamailio(port, dbMode) {
  if (!existsSync(join(MODULES, "db_sqlite.so"))) throw new Error("db_sqlite.so missing: apt-get install kamailio-sqlite-modules");
  const dir = mkdtempSync(join(tmpdir(), "siphon-regbench-kam-"));
  const db = join(dir, "kamailio.sqlite");
  const users = Array.from({ length: ALL }, (_, i) => `(${i + 1},'u${i}','127.0.0.1','${PASSWORD}','x','x')`);
  const sql = [
    readFileSync(join(SQLITE_SCHEMA, "standard-create.sql"), "utf8"),
    readFileSync(join(SQLITE_SCHEMA, "auth_db-create.sql"), "utf8"),
    readFileSync(join(SQLITE_SCHEMA, "usrloc-create.sql"), "utf8"),
    "PRAGMA journal_mode=WAL;",
    "BEGIN;",
    ...users.map((u) => `INSERT INTO subscriber (id, username, domain, password, ha1, ha1b) VALUES ${u};`),
    "COMMIT;",
  ].join("\n");
  const made = spawnSync("sqlite3", [db], { input: sql, encoding: "utf8" });
  if (made.status !== 0) throw new Error(`sqlite3: ${made.stderr}`);
  writeFileSync(join(dir, "kamailio.cfg"), kamailioConfig(`sqlite://${db}`, dbMode));
  let log = "";
  const child = spawn(
    "kamailio",
    ["-f", join(dir, "kamailio.cfg"), "-DD", "-E", "-m", "256", "-M", "16", "-Y", dir, "-P", join(dir, "kamailio.pid"), "-l", `udp:127.0.0.1:${port}`, `--alias=127.0.0.1:${port}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  if (!(await waitForSip(port, () => child.exitCode !== null, 15_000))) {
    child.kill("SIGKILL");
    throw new Error(`kamailio did not start: ${log.slice(-2000)}`);
  }
  return {
    pid: child.pid,
    memory: () => processTree(child.pid).reduce((s, p) => s + pssOf(p), 0),
    heap: async () => undefined,
    cpu: () => processTree(child.pid).reduce((s, p) => s + cpuOf(p), 0),
    log: () => log,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
      const rows = dbMode === 0 ? undefined : countRows(db, "location");
      rmSync(dir, { recursive: true, force: true });
      return rows;
    },
  };
}

// ------------------------------------------------------------------ the generator

/**
 * The registering side: one UDP socket, WINDOW registrations in flight, each REGISTER → 401 →
 * REGISTER with Authorization → final answer. AOR i keeps its Call-ID across registrations and
 * raises its CSeq (RFC 3261 §10.2.4 refreshes).
 */
async function createGenerator() {
  const sock = createSocket({ type: "udp4", recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
  await new Promise((r) => sock.bind(0, "127.0.0.1", r));
  const lport = sock.address().port;
  const cseq = new Uint32Array(ALL);
  const callIds = Array.from({ length: ALL }, (_, i) => `reg${i}-${process.pid}-${lport}`);
  /** Call-ID -> the registration in flight on it. */
  const pending = new Map();
  let target = 0;
  let counts = {};
  let done = 0;
  let ok = 0;
  let nextUser = 0;
  /** AORs 0..span-1 take turns. */
  let span = USERS;
  let limit = Infinity;
  let started = 0;
  let running = false;
  let onIdle;

  const request = (user, auth) => {
    const n = ++cseq[user];
    const via = `z9hG4bK${user}x${n}x${lport}`;
    return (
      `REGISTER sip:127.0.0.1:${target} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${lport};rport;branch=${via}\r\nMax-Forwards: 70\r\n` +
      `From: <sip:u${user}@127.0.0.1>;tag=f${user}\r\nTo: <sip:u${user}@127.0.0.1>\r\nCall-ID: ${callIds[user]}\r\nCSeq: ${n} REGISTER\r\n` +
      `Contact: <sip:u${user}@127.0.0.1:${20000 + (user % 40000)};transport=udp>\r\nExpires: 3600\r\n` +
      (auth ?? "") +
      `User-Agent: siphon-regbench\r\nContent-Length: 0\r\n\r\n`
    );
  };
  const send = (text) => sock.send(text, target, "127.0.0.1");

  let retransmissions = 0;
  /** Sends a request and retransmits it on Timer E until an answer comes (a 1xx would stop it too). */
  const transmit = (p, text) => {
    clearTimeout(p.rtx);
    p.last = text;
    send(text);
    const again = (interval) => {
      p.rtx = setTimeout(() => {
        if (p.last !== text) return;
        retransmissions++;
        send(text);
        again(Math.min(2 * interval, T2));
      }, interval);
    };
    again(T1);
  };
  const finish = (callId, p, status) => {
    clearTimeout(p.timer);
    clearTimeout(p.rtx);
    pending.delete(callId);
    counts[status] = (counts[status] ?? 0) + 1;
    done++;
    if (status === 200) ok++;
    pump();
  };
  const pump = () => {
    while (running && pending.size < WINDOW && started < limit) {
      const user = nextUser;
      nextUser = (nextUser + 1) % span;
      started++;
      const callId = callIds[user];
      const p = { user, authed: false, last: "", rtx: undefined, timer: setTimeout(() => pending.get(callId) === p && finish(callId, p, "timeout"), TIMEOUT_MS) };
      pending.set(callId, p);
      transmit(p, request(user));
    }
    if (pending.size === 0 && onIdle !== undefined) {
      const f = onIdle;
      onIdle = undefined;
      f();
    }
  };

  sock.on("message", (buf) => {
    const text = buf.toString("latin1");
    const status = Number(text.slice(8, 11));
    const callId = /\r\n(?:Call-ID|i):\s*([^\r\n]+)/i.exec(text)?.[1]?.trim();
    const p = callId === undefined ? undefined : pending.get(callId);
    if (p === undefined) return;
    // A provisional answer stops Timer E; none of these servers sends one to REGISTER.
    if (status < 200) return void clearTimeout(p.rtx);
    // Answers to an earlier REGISTER of this Call-ID (a retransmission's second answer): handled.
    if (Number(/\r\nCSeq:\s*(\d+)/i.exec(text)?.[1]) !== cseq[p.user]) return;
    if (status === 401 && !p.authed) {
      const h = /\r\nWWW-Authenticate:\s*Digest\s+([^\r\n]+)/i.exec(text)?.[1] ?? "";
      const param = (name) => new RegExp(`(?:^|,)\\s*${name}="?([^",]*)"?`, "i").exec(h)?.[1];
      const realm = param("realm");
      const nonce = param("nonce");
      const opaque = param("opaque");
      const qop = param("qop") !== undefined ? "auth" : undefined;
      const username = `u${p.user}`;
      const uri = `sip:127.0.0.1:${target}`;
      const cnonce = (p.user * 2654435761 >>> 0).toString(16);
      const ha1 = md5(`${username}:${realm}:${PASSWORD}`);
      const ha2 = md5(`REGISTER:${uri}`);
      const response = qop ? md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
      const auth =
        `Authorization: Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5` +
        (qop ? `, qop=auth, nc=00000001, cnonce="${cnonce}"` : "") +
        (opaque !== undefined ? `, opaque="${opaque}"` : "") +
        "\r\n";
      p.authed = true;
      transmit(p, request(p.user, auth));
      return;
    }
    finish(callId, p, status);
  });

  return {
    /**
     * Registrations against 127.0.0.1:`port` from AOR `from` on: `count` of them, or as many as
     * fit in `seconds`; resolves once the last in flight is answered or timed out.
     */
    async run(port, { count = Infinity, seconds = Infinity, from = 0, aors = USERS }) {
      target = port;
      counts = {};
      done = 0;
      ok = 0;
      started = 0;
      span = aors;
      nextUser = from % aors;
      limit = count;
      running = true;
      const rtx0 = retransmissions;
      const t0 = performance.now();
      const idle = new Promise((r) => (onIdle = r));
      pump();
      if (seconds !== Infinity) {
        await sleep(seconds * 1000);
        limit = started;
      }
      await idle;
      running = false;
      const secs = (performance.now() - t0) / 1000;
      return { secs, done, ok, counts: { ...counts }, rate: ok / secs, next: nextUser, retransmissions: retransmissions - rtx0 };
    },
    close: () => sock.close(),
  };
}

// ------------------------------------------------------------------ runs

const gen = await createGenerator();
const rows = [];
for (const [i, name] of SERVERS.entries()) {
  const port = BASE + 200 * i;
  let server;
  try {
    if (name.startsWith("kamailio")) server = await startKamailio(port, name === "kamailio-mem" ? 0 : 1);
    else server = await startSiphon(name.replace("-full", ""), port, name.endsWith("-full") ? "full" : "normal");
  } catch (e) {
    console.log(`${name}: not measured (${e.message.split("\n")[0]})`);
    continue;
  }
  try {
    // Warm-up: the WARM AORs past USERS, once.
    const warm = await gen.run(port, { count: WARM, from: USERS, aors: ALL });
    await sleep(1000);
    const heap0 = await server.heap();
    const mem0 = server.memory();
    const load0 = loadavg()[0];
    const cpuFill0 = server.cpu();
    const fill = await gen.run(port, { count: USERS });
    const fillCpu = server.cpu() - cpuFill0;
    await sleep(500);
    const heap1 = await server.heap();
    const mem1 = server.memory();
    // Node: the heap again once Timer J (32 s) has let go of the REGISTER transactions' records,
    // so that what is left is the bindings (and the nonces' replay window).
    let heapSettled;
    if (heap1 !== undefined && SETTLE) {
      await sleep(33_000);
      heapSettled = await server.heap();
    }
    const cpu0 = server.cpu();
    const gen0 = process.cpuUsage();
    const refresh = await gen.run(port, { seconds: SECONDS, from: fill.next });
    const serverMs = server.cpu() - cpu0;
    const genMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(gen0));
    const load1 = loadavg()[0];
    const log = server.log();
    const stored = await server.stop();
    server = undefined;
    rows.push({ name, warm, fill, refresh, mem0, mem1, heap0, heap1, heapSettled, fillCpu, serverMs, genMs, load: (load0 + load1) / 2, stored });
    if (process.env.VERBOSE) console.error(name, JSON.stringify(rows.at(-1)), log.slice(-1500));
  } catch (e) {
    console.log(`${name}: failed (${e.message})`);
  } finally {
    await server?.stop();
  }
}
gen.close();

const k = (n) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} k` : String(Math.round(n)));
const statuses = (c) =>
  Object.entries(c)
    .sort()
    .map(([s, n]) => `${s}: ${n}`)
    .join(", ");
console.log(`REGISTER with digest (401 → REGISTER with Authorization → 200), ${USERS} AORs, ${WINDOW} in flight, UDP loopback (node ${process.version})`);
console.log("| server | fill: registrations/s (new bindings) | refresh: registrations/s | answers (refresh) | server CPU µs/registration (fill / refresh) | server cores (refresh) | generator cores | memory before → after fill | bytes/registration | heap after GC before → after fill, bytes/registration | load avg | rows stored at stop |");
console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const perReg = (r.mem1 - r.mem0) / Math.max(1, r.fill.ok);
  console.log(
    `| ${r.name} | ${k(r.fill.rate)} (${r.fill.ok}/${r.fill.done} in ${r.fill.secs.toFixed(1)} s${r.fill.ok === r.fill.done ? "" : `; ${statuses(r.fill.counts)}`}) | ${k(r.refresh.rate)} | ${statuses(r.refresh.counts)}${r.fill.retransmissions + r.refresh.retransmissions ? `; REGISTERs retransmitted: ${r.fill.retransmissions} fill, ${r.refresh.retransmissions} refresh` : ""} | ` +
      `${Math.round((r.fillCpu * 1000) / Math.max(1, r.fill.ok))} / ${Math.round((r.serverMs * 1000) / Math.max(1, r.refresh.ok))} | ${(r.serverMs / 1000 / r.refresh.secs).toFixed(2)} | ${(r.genMs / 1000 / r.refresh.secs).toFixed(2)} | ` +
      `${(r.mem0 / 2 ** 20).toFixed(0)} → ${(r.mem1 / 2 ** 20).toFixed(0)} MB | ${Math.round(perReg)} | ` +
      `${r.heap0 === undefined || r.heap1 === undefined ? "–" : `${(r.heap0 / 2 ** 20).toFixed(1)} → ${(r.heap1 / 2 ** 20).toFixed(1)} MB, ${Math.round((r.heap1 - r.heap0) / Math.max(1, r.fill.ok))}`}` +
      `${r.heapSettled === undefined ? "" : `; 33 s later ${(r.heapSettled / 2 ** 20).toFixed(1)} MB, ${Math.round((r.heapSettled - r.heap0) / Math.max(1, r.fill.ok))}`} | ${r.load.toFixed(1)} | ${r.stored ?? "–"} |`,
  );
}
const by = Object.fromEntries(rows.map((r) => [r.name, r]));
for (const kam of ["kamailio-mem", "kamailio-sqlite"]) {
  if (by[kam] === undefined) continue;
  for (const r of rows) {
    if (r.name.startsWith("kamailio")) continue;
    console.log(
      `${r.name} ÷ ${kam}: refresh ${(r.refresh.rate / by[kam].refresh.rate).toFixed(2)}×, fill ${(r.fill.rate / by[kam].fill.rate).toFixed(2)}×, ` +
        `CPU per registration ${(by[kam].serverMs / by[kam].refresh.ok / (r.serverMs / r.refresh.ok)).toFixed(2)}× (above 1: siphon cheaper)`,
    );
  }
}
