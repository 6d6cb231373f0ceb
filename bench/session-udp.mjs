// Real calls over UDP loopback: this process is the caller (a session core on createSipEndpoint,
// examples/session-endpoint.ts), the answer server (examples/answer-server.ts, built under dist/) runs
// as a child process. Each call is INVITE, 100, 200, ACK, BYE, 200; WINDOW calls in flight for
// SECONDS; a call counts when the caller's BYE got its answer, every other end counts as failed.
// Prints calls/s and the CPU each process used (cores). Node only (the server is started with node).
//
// Run after `npm run build`: node bench/session-udp.mjs   (SECONDS=5, WINDOW=128, PORT=25090)
// SERVER_NODE_ARGS: extra Node flags for the answer server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
// SERVER_ARGS: extra answer-server flags.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).pathname;
const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);
const { createSessionEndpoint } = await import(`${DIST}/src/driver/index.js`);

const SECONDS = Number(process.env.SECONDS ?? 5);
const WINDOW = Number(process.env.WINDOW ?? 128);
const PORT = Number(process.env.PORT ?? 25090);
const OFFER = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/** CPU seconds (user + system) a process has used, from /proc (Linux); undefined elsewhere. */
function procCpu(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

const words = (v) => (v ?? "").split(/\s+/).filter((w) => w !== "");
// The calls here last a few milliseconds, thousands a second, and each call's RTP port pair cools two
// seconds after it (late packets of the call land there, not in the next one): the answer server's
// default range, 5 000 pairs, would be handed out again after half a second or refused (503) at this
// rate. 15 000 pairs cool their full time up to 7 500 calls/s. SERVER_ARGS may give another range.
const server = spawn(process.execPath, [...words(process.env.SERVER_NODE_ARGS), `${DIST}/examples/answer-server.js`, "--port", String(PORT), "--transport", "udp", "--quiet", "--rtp-ports", "30000-59999", ...words(process.env.SERVER_ARGS)], {
  stdio: ["ignore", "pipe", "inherit"],
});
let banner = "";
server.stdout.on("data", (d) => (banner += d));
for (let i = 0; i < 100 && !banner.includes("media echo"); i++) await new Promise((r) => setTimeout(r, 50));
if (!banner.includes(`UDP 127.0.0.1:${PORT}`)) {
  server.kill("SIGKILL");
  throw new Error(`the answer server did not start on UDP ${PORT}: ${banner}`);
}

const runtime = await loadRuntime();
const media = () => ({
  createOffer: () => ({ contentType: "application/sdp", body: OFFER }),
  receiveOffer: () => ({ ok: false, reason: "not used" }),
  receiveAnswer: () => true,
  rollback() {},
  close() {},
});
let done = 0;
let failed = 0;
let inflight = 0;
let stop = false;
let n = 0;
const why = {};
const failedAt = [];
let t0 = 0;
const caller = await createSessionEndpoint({
  runtime,
  listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
  contactUser: "caller",
  transactions: { maxServerTransactions: 1_000_000, maxClientTransactions: 1_000_000 },
  media,
  onSessionEvent(e, now) {
    if (e.type === "answered") e.session.bye(now);
    else if (e.type === "terminated") {
      inflight--;
      if (e.reason === "bye" && e.by === "local") done++;
      else {
        failed++;
        why[`${e.reason} ${e.status ?? ""}`] = (why[`${e.reason} ${e.status ?? ""}`] ?? 0) + 1;
        // When in the run the failures came (s): the first and the last.
        const at = Math.round((performance.now() - t0) / 100) / 10;
        failedAt[0] ??= at;
        failedAt[1] = at;
      }
      if (!stop) startOne();
    }
  },
});
const startOne = () => {
  inflight++;
  caller.core.invite({ from: `<sip:c${++n}@127.0.0.1>`, to: `<sip:anyone@127.0.0.1:${PORT}>` }, caller.now());
};

const serverCpu0 = procCpu(server.pid);
const cpu0 = process.cpuUsage();
t0 = performance.now();
for (let i = 0; i < WINDOW; i++) startOne();
caller.flush();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
stop = true;
const secs = (performance.now() - t0) / 1000;
const counted = done;
const cpu = process.cpuUsage(cpu0);
const serverCpu1 = procCpu(server.pid);
for (let i = 0; i < 100 && inflight > 0; i++) await new Promise((r) => setTimeout(r, 50));
await caller.close();
const exited = new Promise((r) => server.once("exit", r));
server.kill("SIGTERM");
// The server writes its profile (SERVER_NODE_ARGS=--cpu-prof) as it exits.
await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);

const cores = (s) => (s / secs).toFixed(2);
console.log(`real calls over UDP loopback (node, ${WINDOW} in flight, ${SECONDS} s):`);
console.log(`  ${Math.round(counted / secs)} calls/s, ${counted} completed, ${failed} failed${failed ? ` ${JSON.stringify(why)} from ${failedAt[0]} to ${failedAt[1]} s` : ""}`);
const perCall = (s) => (counted > 0 ? `${((s * 1000) / counted).toFixed(3)} ms/call` : "-");
const callerCpu = (cpu.user + cpu.system) / 1e6;
console.log(
  `  caller ${cores(callerCpu)} cores (${perCall(callerCpu)}), answer server ${serverCpu0 === undefined ? "n/a" : `${cores(serverCpu1 - serverCpu0)} cores (${perCall(serverCpu1 - serverCpu0)})`}`,
);
