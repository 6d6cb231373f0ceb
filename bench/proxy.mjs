// Calls proxied per second: a caller (a session core on createSipEndpoint, in this process) → a
// stateful proxy → the answer server (examples/answer-server.ts, a child process), every call
// INVITE/100/200/ACK/BYE/200 with the ACK and BYE through the proxy (Record-Route). The proxy is the
// siphon proxy (createProxyEndpoint, a child process on Node, location from a static table) and
// Kamailio 5.6 (tm + rr, the same routing; test/interop/peers/kamailio-proxy.mjs) in the same run,
// one after the other against the same answer server. WINDOW calls in flight for SECONDS each; a call
// counts when the caller's BYE got its answer, every other end counts as failed. Then the memory per
// proxied call: the proxy's RSS before and right after CALLS more calls, while their transactions
// are still held (RFC 6026 Timer L and M, 64*T1 for siphon; tm's wait timer for Kamailio).
//
// Prints calls/s, failures, each process's CPU (cores) and the proxy's CPU per call, and the ratios.
// The machine has 2 cores: Kamailio runs two UDP workers (it may use both), the siphon proxy one
// thread. Run after `npm run build`: node bench/proxy.mjs  (SECONDS=10 WINDOW=128 CALLS=10000;
// DOWNSTREAM=uas puts a light answerer without media behind the proxy instead of the answer server;
// PROXY_RUNTIME=bun runs the siphon proxy on Bun, the rest staying on Node; PROXIES=siphon skips Kamailio;
// KAMAILIO_FIRST=1 measures Kamailio first; KAMAILIO_SHM=MB its shared memory, default 1024: with 256 it answered
// thousands of calls 500 at 2 000 calls/s, its transactions filling it)
import { fork, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { cpuOf, startKamailioProxy } from "../test/interop/peers/kamailio-proxy.mjs";

const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).pathname;
const SECONDS = Number(process.env.SECONDS ?? 10);
const WINDOW = Number(process.env.WINDOW ?? 128);
const CALLS = Number(process.env.CALLS ?? 10000);
const ANSWER = Number(process.env.PORT ?? 25190);
const SIPHON = ANSWER + 2;
const KAMAILIO = ANSWER + 4;
/** What answers behind the proxy: `answer-server` (examples/answer-server.ts, a media session per call) or `uas` (200 with SDP, no media). */
const DOWNSTREAM = process.env.DOWNSTREAM ?? "answer-server";
const OFFER = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

// ------------------------------------------------------------------ the siphon proxy (child process)

if (process.argv[2] === "--uas") {
  // A light user agent server (DOWNSTREAM=uas): 200 with an SDP answer to every INVITE, 200 to
  // BYE, no media — so that the proxy, not the media sessions of the answer server, sets the pace.
  const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);
  const { createSipEndpoint } = await import(`${DIST}/src/driver/index.js`);
  const { createResponse } = await import(`${DIST}/src/sip/index.js`);
  const port = Number(process.argv[3]);
  const answerSdp = OFFER.replace("caller", "uas").replace("40000", "40002");
  let tag = 0;
  const ep = await createSipEndpoint({
    runtime: await loadRuntime(),
    listen: [{ transport: "UDP", host: "127.0.0.1", port }],
    transactions: { maxServerTransactions: 1_000_000 },
    overload: false,
    transactionUser: {
      receiveRequest(request, transaction) {
        const ok = request.method === "INVITE"
          ? createResponse(request, 200, "OK", { toTag: `u${++tag}`, headers: [["Contact", `<sip:uas@127.0.0.1:${port}>`]], body: answerSdp, contentType: "application/sdp" })
          : createResponse(request, 200, "OK", { toTag: `u${++tag}` });
        ep.respond(transaction, ok);
      },
    },
  });
  process.send?.("ready");
} else if (process.argv[2] === "--serve") {
  const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);
  const { createProxyEndpoint, createStaticLocation } = await import(`${DIST}/src/engine/index.js`);
  const [port, answer] = process.argv.slice(3).map(Number);
  const proxy = await createProxyEndpoint({
    runtime: await loadRuntime(),
    listen: [{ transport: "UDP", host: "127.0.0.1", port }],
    location: createStaticLocation({ "sip:answer@127.0.0.1": `sip:answer@127.0.0.1:${answer}` }),
    // Like the Kamailio script here: no overload control (which would answer 503 while the
    // machine's other load makes the event loop late).
    endpoint: { overload: false },
    transactions: { maxServerTransactions: 1_000_000, maxClientTransactions: 1_000_000 },
  });
  // Exit (rather than die) on SIGTERM, so that --cpu-prof (PROFILE=dir) writes its profile.
  process.on("SIGTERM", () => process.exit(0));
  // The memory the proxy holds: heap and array buffers after a full collection, and the RSS.
  process.on("message", (m) => {
    if (m !== "mem") return;
    const gc = globalThis.gc ?? (typeof Bun !== "undefined" ? () => Bun.gc(true) : undefined);
    gc?.();
    gc?.();
    const u = process.memoryUsage();
    const t = proxy.endpoint.transactions.counters;
    process.send?.({ held: u.heapUsed + u.arrayBuffers, rss: u.rss, counters: { ...proxy.core.counters, retransmissions: t.retransmissionsSent, absorbed: t.retransmissionsAbsorbed } });
  });
  process.send?.("ready");
} else {
  await main();
}

// ------------------------------------------------------------------ the caller and the runs

async function main() {
  const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);
  const { createSessionEndpoint } = await import(`${DIST}/src/driver/index.js`);

  let answer;
  if (DOWNSTREAM === "uas") {
    answer = fork(fileURLToPath(import.meta.url), ["--uas", String(ANSWER)], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
    await new Promise((resolve) => answer.once("message", resolve));
  } else {
    answer = spawn(process.execPath, [`${DIST}/examples/answer-server.js`, "--port", String(ANSWER), "--transport", "udp", "--quiet", "--rtp-ports", "30000-39999"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let banner = "";
    answer.stdout.on("data", (d) => (banner += d));
    for (let i = 0; i < 200 && !banner.includes("media echo"); i++) await sleep(50);
    if (!banner.includes(`UDP 127.0.0.1:${ANSWER}`)) {
      answer.kill("SIGKILL");
      throw new Error(`the answer server did not start on UDP ${ANSWER}: ${banner}`);
    }
  }

  let done = 0;
  let failed = 0;
  let inflight = 0;
  let running = false;
  let target = "";
  let n = 0;
  const why = {};
  const caller = await createSessionEndpoint({
    runtime: await loadRuntime(),
    listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    contactUser: "caller",
    transactions: { maxServerTransactions: 1_000_000, maxClientTransactions: 1_000_000 },
    media: () => ({
      createOffer: () => ({ contentType: "application/sdp", body: OFFER }),
      receiveOffer: () => ({ ok: false, reason: "not used" }),
      receiveAnswer: () => true,
      rollback() {},
      close() {},
    }),
    onSessionEvent(e, now) {
      if (e.type === "answered") e.session.bye(now);
      else if (e.type === "terminated") {
        inflight--;
        if (e.reason === "bye" && e.by === "local") done++;
        else {
          failed++;
          const k = `${e.reason} ${e.status ?? ""}`.trim();
          why[k] = (why[k] ?? 0) + 1;
        }
        if (running) startOne();
      }
    },
  });
  const startOne = () => {
    inflight++;
    caller.core.invite({ from: `<sip:c${++n}@127.0.0.1>`, to: `<sip:answer@${target}>` }, caller.now());
  };

  /** Calls in a closed loop of WINDOW for `seconds`, or until `calls` completed. */
  async function run(proxyPort, { seconds = Infinity, calls = Infinity }) {
    target = `127.0.0.1:${proxyPort}`;
    done = 0;
    failed = 0;
    for (const k of Object.keys(why)) delete why[k];
    running = true;
    const t0 = performance.now();
    for (let i = 0; i < WINDOW; i++) startOne();
    caller.flush();
    let shown = t0;
    while (performance.now() - t0 < seconds * 1000 && done < calls) {
      await sleep(20);
      if (process.env.VERBOSE && performance.now() - shown > 1000) {
        shown = performance.now();
        console.error(`  ${target}: ${done} done, ${failed} failed, ${inflight} in flight ${JSON.stringify(why)}`);
      }
    }
    running = false;
    const secs = (performance.now() - t0) / 1000;
    const counted = done;
    for (let i = 0; i < 200 && inflight > 0; i++) await sleep(50);
    return { secs, calls: counted, failed, why: { ...why } };
  }

  /** One proxy: warm-up, throughput for SECONDS, then memory per call over CALLS calls. */
  async function measure(name, port, cpu, held) {
    await run(port, { seconds: 2 });
    const c0 = { proxy: cpu(), answer: procCpu(answer.pid), caller: process.cpuUsage() };
    const load0 = loadavg()[0];
    const r = await run(port, { seconds: SECONDS });
    const proxyCpu = (cpu() - c0.proxy) / 1000;
    const answerCpu = procCpu(answer.pid) - c0.answer;
    const callerCpu = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(c0.caller));
    const rate = r.calls / r.secs;
    const row = {
      name,
      rate,
      failed: r.failed,
      why: r.why,
      proxyCores: proxyCpu / r.secs,
      answerCores: answerCpu / r.secs,
      callerCores: callerCpu / r.secs,
      proxyUsPerCall: (proxyCpu * 1e6) / Math.max(1, r.calls),
      load: load0,
    };
    // Memory: the proxy's RSS after the throughput run's state is gone, then right after CALLS calls.
    await sleep(name.startsWith("siphon") ? 34_000 : 6_000);
    const before = await held();
    const m = await run(port, { calls: CALLS });
    const after = await held();
    row.rssBefore = before;
    row.rssAfter = after;
    row.memCalls = m.calls;
    row.memFailed = m.failed;
    row.memWhy = m.why;
    row.bytesPerCall = (after - before) / Math.max(1, m.calls);
    return row;
  }

  const rows = [];
  // The siphon proxy.
  // PROXY_RUNTIME=bun runs the siphon proxy on Bun (Node's IPC channel, Bun.gc for the collection).
  const onBun = process.env.PROXY_RUNTIME === "bun";
  async function siphonRow() {
    const child = fork(fileURLToPath(import.meta.url), ["--serve", String(SIPHON), String(ANSWER)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      ...(onBun ? { execPath: new URL("../node_modules/.bin/bun", import.meta.url).pathname, execArgv: [] } : {}),
      ...(onBun ? {} : { execArgv: ["--expose-gc", ...(process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE}`] : [])] }),
    });
    await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`the siphon proxy exited (${code})`)));
    });
    const siphonHeld = () =>
      new Promise((resolve) => {
        child.once("message", (m) => {
          if (process.env.VERBOSE) console.error(JSON.stringify(m.counters));
          resolve(m.held);
        });
        child.send("mem");
      });
    rows.push(await measure(onBun ? "siphon (Bun)" : "siphon", SIPHON, () => procCpu(child.pid) * 1000, siphonHeld));
    child.kill("SIGTERM");
  }
  async function kamailioRow() {
    let kamailio;
    if (process.env.PROXIES !== "siphon") try {
      kamailio = await startKamailioProxy({ port: KAMAILIO, routes: { answer: `sip:answer@127.0.0.1:${ANSWER}` }, quiet: true, children: 2, shm: Number(process.env.KAMAILIO_SHM ?? 1024) });
      rows.push(await measure("kamailio", KAMAILIO, () => kamailio.cpu(), async () => kamailio.pss()));
    } catch (error) {
      console.log(`kamailio: not measured (${error.message.split("\n")[0]})`);
    } finally {
      await kamailio?.stop();
    }
  }
  // KAMAILIO_FIRST=1: Kamailio's run first, so that the answer server is warm for siphon's (the
  // proxy measured first meets a cold downstream).
  if (process.env.KAMAILIO_FIRST === "1") {
    await kamailioRow();
    await siphonRow();
    rows.reverse();
  } else {
    await siphonRow();
    await kamailioRow();
  }
  await caller.close();
  answer.kill("SIGTERM");

  console.log("held: siphon's heap + array buffers after a full GC; Kamailio's PSS summed over its processes (shared memory counted once; touched as used)");
  console.log(`calls proxied over UDP loopback: caller -> proxy -> ${DOWNSTREAM}, ${WINDOW} in flight, ${SECONDS} s each (node ${process.version})`);
  console.log("| proxy | calls/s | failed | proxy CPU (cores) | proxy CPU µs/call | answer server / caller (cores) | load avg | held before → after " + CALLS + " calls | bytes per proxied call |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${Math.round(r.rate)} | ${r.failed}${r.failed ? ` ${JSON.stringify(r.why)}` : ""} | ${r.proxyCores.toFixed(2)} | ${Math.round(r.proxyUsPerCall)} | ` +
        `${r.answerCores.toFixed(2)} / ${r.callerCores.toFixed(2)} | ${r.load.toFixed(1)} | ${(r.rssBefore / 2 ** 20).toFixed(0)} → ${(r.rssAfter / 2 ** 20).toFixed(0)} MB` +
        `${r.memFailed ? ` (${r.memFailed} failed ${JSON.stringify(r.memWhy)})` : ""} | ${Math.round(r.bytesPerCall)} |`,
    );
  }
  const [s, k] = rows;
  if (s !== undefined && k !== undefined) {
    console.log(`siphon ÷ kamailio: calls/s ${(s.rate / k.rate).toFixed(2)}×, CPU per call ${(k.proxyUsPerCall / s.proxyUsPerCall).toFixed(2)}× (above 1: siphon cheaper)`);
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function procCpu(pid) {
  return cpuOf(pid) / 1000;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

