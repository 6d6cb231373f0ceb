/**
 * Kamailio (Debian's package) as a stateful proxy for the proxy interop tests and the proxy
 * benchmark: a configuration written to a temporary directory (loopback only, UDP and TCP, no DNS,
 * tm + rr + maxfwd + sl), Request-URIs rewritten by user part to the next hop given, the process
 * started in the foreground (`-DD`, its children with it) and stopped by its PID. With `registrar`,
 * it is a registrar and proxy instead: REGISTER challenged with digest (auth_db over a db_text
 * subscriber table of plain-text passwords), bindings in memory (usrloc), requests to a registered
 * AOR forwarded to its Contact.
 *
 * Plain JavaScript so that `bench/proxy.mjs` (Node, no build step) and the interop tests share it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createSocket } from "node:dgram";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/";

/** The first lines of both scripts: core settings (no DNS), the module path and these modules. */
function head(o, modules) {
  return `#!KAMAILIO
debug=${o.quiet ? 1 : 2}
log_stderror=yes
children=${o.children ?? 2}
tcp_children=${o.children ?? 2}
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
mpath="${MODULES}"
${modules.map((m) => `loadmodule "${m}.so"\n`).join("")}`;
}

/**
 * The routing script: requests inside a dialog follow their Route (loose_route), CANCEL and
 * retransmissions go to their transaction, INVITE and SUBSCRIBE are record-routed, and a new
 * request's Request-URI becomes `routes[user]` (or the request goes to `otherwise` as its
 * destination, Request-URI kept), then t_relay.
 */
function config(o) {
  const rewrite = Object.entries(o.routes ?? {})
    .map(([user, uri], i) => `\t${i === 0 ? "" : "} else "}if ($rU == "${user}") {\n\t\t$ru = "${uri}";\n`)
    .join("");
  const otherwise = o.otherwise === undefined ? `\t\tsl_send_reply("404", "Not Found");\n\t\texit;\n` : `\t\t$du = "${o.otherwise}";\n`;
  const routing = rewrite === "" ? otherwise.replace(/^\t/gm, "") : `${rewrite}\t} else {\n${otherwise}\t}\n`;
  return `${head(o, ["kex", "corex", "tm", "tmx", "sl", "rr", "pv", "maxfwd", "siputils", "textops", "xlog"])}modparam("rr", "enable_full_lr", 1)
modparam("tm", "fr_timer", 10000)
modparam("tm", "fr_inv_timer", 60000)

request_route {
${o.quiet ? "" : '\txlog("L_INFO", "REQ $rm $ru from $si:$sp/$proto\\n");\n'}\tif (!mf_process_maxfwd_header("10")) {
\t\tsl_send_reply("483", "Too Many Hops");
\t\texit;
\t}
${SEQUENTIAL}\tif (is_method("INVITE|SUBSCRIBE")) record_route();
${routing}\tif (!t_relay()) sl_reply_error();
\texit;
}
`;
}

/**
 * The registrar script: REGISTER answered by `auth_check` (401 with a digest challenge until the
 * credentials match the subscriber table) then `save("location")`; INVITE (and MESSAGE, SUBSCRIBE)
 * challenged with 407 as well when `inviteAuth`; requests to a registered AOR go to its bindings
 * (`lookup`), record-routed; in-dialog requests follow their Route. GRUU is off: a pub-gruu without
 * a port (`sip:alice@127.0.0.1;gr=…`) taken as a dialog Contact would send in-dialog requests to 5060.
 */
function registrarConfig(o, db) {
  return `${head(o, ["kex", "corex", "tm", "tmx", "sl", "rr", "pv", "maxfwd", "usrloc", "registrar", "textops", "siputils", "xlog", "sanity", "db_text", "auth", "auth_db"])}modparam("tm", "fr_timer", 10000)
modparam("tm", "fr_inv_timer", 60000)
modparam("rr", "enable_full_lr", 1)
modparam("rr", "append_fromtag", 1)
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)
modparam("registrar", "min_expires", 10)
modparam("registrar", "gruu_enabled", 0)
modparam("auth", "nonce_expire", 300)
modparam("auth_db", "db_url", "text://${db}")
modparam("auth_db", "calculate_ha1", yes)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "use_domain", 0)
modparam("auth_db", "load_credentials", "")

request_route {
${o.quiet ? "" : '\txlog("L_INFO", "REQ $rm $ru from $si:$sp/$proto cid=$ci\\n");\n'}\tif (!mf_process_maxfwd_header("10")) {
\t\tsl_send_reply("483", "Too Many Hops");
\t\texit;
\t}
\tif (!sanity_check("17895", "7")) {
\t\txlog("L_WARN", "malformed request from $si:$sp\\n");
\t\texit;
\t}
${SEQUENTIAL}\tif (is_method("OPTIONS") && uri == myself && $rU == $null) {
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
${o.registrar.inviteAuth ? `\tif (is_method("INVITE|MESSAGE|SUBSCRIBE")) {
\t\tif (!auth_check("$fd", "subscriber", "1")) {
\t\t\tauth_challenge("$fd", "1");
\t\t\texit;
\t\t}
\t\tconsume_credentials();
\t}
` : ""}\tif (is_method("INVITE|SUBSCRIBE")) record_route();
\tif (uri == myself) {
\t\tif ($rU == $null) {
\t\t\tsl_send_reply("484", "Address Incomplete");
\t\t\texit;
\t\t}
\t\tif (!lookup("location")) {
\t\t\tsend_reply("404", "Not Found");
\t\t\texit;
\t\t}
\t}
\tif (!t_relay()) sl_reply_error();
\texit;
}
${o.quiet ? "" : 'onreply_route {\n\txlog("L_INFO", "RPL $rs $rr for $rm cid=$ci\\n");\n}\n'}`;
}

/**
 * The db_text tables of the registrar: `version` and `subscriber` (plain-text passwords; db_text
 * refuses empty columns, so ha1 and ha1b are filled too, though calculate_ha1 ignores them).
 */
function writeSubscribers(db, users) {
  mkdirSync(db, { recursive: true });
  writeFileSync(join(db, "version"), "id(int,auto) table_name(string) table_version(int)\n0:version:1\n0:subscriber:7\n");
  const md5 = (s) => createHash("md5").update(s).digest("hex");
  const rows = Object.entries(users).map(([u, p], i) => `${i + 1}:${u}:127.0.0.1:${p}:${md5(`${u}:127.0.0.1:${p}`)}:${md5(`${u}@127.0.0.1:127.0.0.1:${p}`)}`);
  writeFileSync(join(db, "subscriber"), ["id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string) ", ...rows, ""].join("\n"));
}

/**
 * Starts Kamailio on 127.0.0.1:`port` (UDP and TCP) and waits until it answers an OPTIONS.
 * Options: `port`, `routes` ({ user: next Request-URI }), `otherwise` (a destination URI for any
 * other user), `quiet` (warnings only), `children` (worker processes per transport), `shm` (MB);
 * or `registrar: { users: { name: password }, inviteAuth }` for the registrar script instead.
 */

/**
 * The start of both routing scripts: CANCEL and retransmissions to tm, then requests inside a dialog
 * along their Route (loose routing), ACKs of their transactions, and 404 for the rest.
 */
const SEQUENTIAL = `\tforce_rport();
\tif (is_method("CANCEL")) {
\t\tif (t_check_trans()) t_relay();
\t\texit;
\t}
\tif (!is_method("ACK")) {
\t\tif (t_precheck_trans()) {
\t\t\tt_check_trans();
\t\t\texit;
\t\t}
\t\tt_check_trans();
\t}
\tif (has_totag()) {
\t\tif (loose_route()) {
\t\t\tt_relay();
\t\t\texit;
\t\t}
\t\tif (is_method("ACK")) {
\t\t\tif (t_check_trans()) t_relay();
\t\t\texit;
\t\t}
\t\tsl_send_reply("404", "Not here");
\t\texit;
\t}
`;

export async function startKamailioProxy(o) {
  const dir = mkdtempSync(join(tmpdir(), "siphon-kamailio-"));
  if (o.registrar !== undefined) writeSubscribers(join(dir, "db"), o.registrar.users);
  writeFileSync(join(dir, "kamailio.cfg"), o.registrar !== undefined ? registrarConfig(o, join(dir, "db")) : config(o));
  let log = "";
  const child = spawn(
    "kamailio",
    ["-f", join(dir, "kamailio.cfg"), "-DD", "-E", "-m", String(o.shm ?? 64), "-M", "8", "-Y", dir, "-P", join(dir, "kamailio.pid"),
      "-l", `udp:127.0.0.1:${o.port}`, "-l", `tcp:127.0.0.1:${o.port}`, `--alias=127.0.0.1:${o.port}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const up = await waitForOptions(o.port, 10_000, () => child.exitCode !== null);
  if (!up) {
    child.kill("SIGKILL");
    throw new Error(`kamailio did not start:\n${log.slice(-3000)}`);
  }
  return {
    pid: child.pid,
    dir,
    log: () => log,
    /** Resident memory of Kamailio's processes (the main one and its children), bytes. */
    rss: () => processTree(child.pid).reduce((sum, pid) => sum + rssOf(pid), 0),
    /** Proportional set size of Kamailio's processes, bytes: shared memory counted once, split among them. */
    pss: () => processTree(child.pid).reduce((sum, pid) => sum + pssOf(pid), 0),
    /** CPU time of Kamailio's processes (user + system), ms. */
    cpu: () => processTree(child.pid).reduce((sum, pid) => sum + cpuOf(pid), 0),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** An OPTIONS to 127.0.0.1:`port` until anything answers. */
async function waitForOptions(port, timeoutMs, dead) {
  const until = Date.now() + timeoutMs;
  const sock = createSocket("udp4");
  await new Promise((r) => sock.bind(0, "127.0.0.1", r));
  let answered = false;
  sock.on("message", () => (answered = true));
  const lport = sock.address().port;
  for (let i = 0; Date.now() < until && !answered && !dead(); i++) {
    const msg =
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${lport};branch=z9hG4bKkamwait${i}\r\nMax-Forwards: 70\r\n` +
      `From: <sip:wait@127.0.0.1>;tag=w${i}\r\nTo: <sip:127.0.0.1:${port}>\r\nCall-ID: kamwait-${i}-${process.pid}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    sock.send(msg, port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 200));
  }
  sock.close();
  return answered;
}

/** `pid` and every process below it (Linux /proc). */
export function processTree(pid) {
  const children = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Resident set size of a process, bytes (0 when it is gone). */
export function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size of a process (its shared pages divided among the processes mapping them), bytes. */
export function pssOf(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process, ms (clock ticks of 10 ms). */
export function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}
