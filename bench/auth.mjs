// Digest authentication: hashes, server verifications and client authorizations per second, siphon
// against the npm SIP stacks' digest code in the same run.
//
//   hashes           H(136-byte digest input) to hex: siphon's Wasm core, node:crypto createHash (native,
//                    one object per hash), @noble/hashes (pure JS), and the pure-JS MD5 of jssip and sip.js
//   verify           a REGISTER's credentials checked against a stored HA1, qop=auth:
//                      siphon verify               parsed message -> server.verify (header parse, nonce MAC or
//                                                  tracker hit, digest, constant-time compare, nc replay window)
//                      siphon parse + verify       the same from the datagram's bytes (parseMessage first)
//                      sip authenticateRequest     its MD5 check on an already parsed message (no nonce check,
//                                                  no replay check: nc is the context's counter)
//                      sip parse + authenticate    the same from the message text (sip.parse first)
//                    "nc 1..n" verifies requests sent under one nonce; "new nonce" one nonce per request
//                    (a MAC check and a tracker insert each time).
//   authorize        a client producing the credentials for a request:
//                      siphon authorize            401 (SipResponse) + request -> header fields
//                      siphon preauthorize         request -> header fields from the cached realm
//                      sip signRequest             parsed 401 + parsed request (MD5 only); with the 401 parsed
//                                                  from its text too (what siphon's authorize does on the
//                                                  already parsed message: read the challenge header)
//                      jssip / sip.js authenticate an already parsed challenge object (MD5 only), + toString
//
// Run `npm run build` first, then: node bench/auth.mjs   (BENCH_SECONDS=<n> per case, default 1)
// With `node --expose-gc` it also prints the memory per nonce tracked by a server.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { createDigestClient, createDigestServer, digestHa1 } from "../dist/src/auth/index.js";
import { hashHex } from "../dist/src/auth/hash.js";
import { NonceCounts } from "../dist/src/auth/replay.js";
import { createRequest, createResponse, parseMessage, serializeMessage } from "../dist/src/sip/index.js";

const require = createRequire(import.meta.url);
const SECONDS = Number(globalThis.process?.env?.BENCH_SECONDS ?? 1);
const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const enc = new TextEncoder();

const sip = require("sip");
const sipDigest = require("sip/digest");
const JsSipDigest = require("jssip/lib/DigestAuthentication.js");
const jssipUtils = require("jssip/lib/Utils.js");
const { DigestAuthentication: SipJsDigest } = await import("sip.js/lib/core/messages/digest-authentication.js");
const { Md5: SipJsMd5 } = await import("sip.js/lib/core/messages/md5.js");
const { LoggerFactory } = await import("sip.js/lib/core/log/index.js");
let noble;
try {
  noble = { ...require("@noble/hashes/legacy"), ...require("@noble/hashes/sha2"), ...require("@noble/hashes/utils") };
} catch {
  noble = undefined; // a transitive dependency; its rows are left out when it is not installed
}

// ------------------------------------------------------------------------------------ timing

// The machine running this may be shared: rates use this process's CPU time (user + system) where
// the runtime reports it, which other processes do not inflate; AUTH_BENCH_CLOCK=wall uses elapsed time.
const cpu = globalThis.process?.cpuUsage && globalThis.process?.env?.AUTH_BENCH_CLOCK !== "wall";
const now = cpu
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : () => performance.now();

let sink = 0;
function measure(fn) {
  const run = (ms) => {
    let iters = 0;
    const start = now();
    let elapsed = 0;
    do {
      for (let k = 0; k < 64; k++) {
        const r = fn(iters);
        sink ^= typeof r === "string" ? r.length : r ? 1 : 0;
        iters++;
      }
      elapsed = now() - start;
    } while (elapsed < ms);
    return (iters * 1000) / elapsed;
  };
  run(Math.min(300, SECONDS * 300)); // warm-up: JIT tiers and inline caches
  return run(SECONDS * 1000);
}

function table(title, rows) {
  const peers = rows.filter(([n]) => !n.startsWith("siphon"));
  const bestPeer = peers.length ? Math.max(...peers.map(([, r]) => r)) : 0;
  console.log(`\n${title} (${runtime})`);
  console.log(`${"case".padEnd(34)} ${"ops/s".padStart(12)} ${"vs best peer".padStart(13)}`);
  for (const [name, r] of rows) {
    const ratio = bestPeer ? `${(r / bestPeer).toFixed(2)}x` : "";
    console.log(`${name.padEnd(34)} ${Math.round(r).toLocaleString("en-US").padStart(12)} ${ratio.padStart(13)}`);
  }
}

// ------------------------------------------------------------------------------------ hashes

// A KD input of RFC 7616 §3.4.1 with an MD5 HA1: HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2.
const KD = "939e7578ed9e3c518a452acee763bce9:AAABjR2xY1wqM3Sg0QnTFcg8Q2xdrmKO:00000001:0a4f113b5a6b7c8d:auth:39aff3a2bab6126f332b942af96d3366";
const KDS = Array.from({ length: 8 }, (_, i) => KD.slice(0, -1) + i);
const nodeHash = (name) => (i) => createHash(name).update(KDS[i & 7]).digest("hex");
const nobleHash = (f) => (i) => noble.bytesToHex(f(enc.encode(KDS[i & 7])));
// Every hash runs once before the rows are taken, so that no row includes the core's first compile
// or JS warm-up (the hot code is optimized within ~0.2 s on every runtime: bench/wasm-tier.mjs).
for (const start = performance.now(); performance.now() - start < 500; ) for (let i = 0; i < 3000; i++) hashHex(i % 3, KDS[i & 7]);

for (const [name, id, node, nb] of [
  ["MD5", 0, "md5", "md5"],
  ["SHA-256", 1, "sha256", "sha256"],
  ["SHA-512/256", 2, "sha512-256", "sha512_256"],
]) {
  const rows = [
    [`siphon (Wasm)`, measure((i) => hashHex(id, KDS[i & 7]))],
    [`node:crypto createHash`, measure(nodeHash(node))],
  ];
  if (noble) rows.push([`@noble/hashes (JS)`, measure(nobleHash(noble[nb]))]);
  if (id === 0) {
    rows.push([`jssip calculateMD5 (JS)`, measure((i) => jssipUtils.calculateMD5(KDS[i & 7]))]);
    rows.push([`sip.js Md5.hashStr (JS)`, measure((i) => SipJsMd5.hashStr(KDS[i & 7]))]);
  }
  table(`hash: ${name} of a ${KD.length}-byte KD input, to hex`, rows);
}

// ------------------------------------------------------------------------------------ server

const REALM = "atlanta.example.com";
const T0 = 1_800_000_000_000;
const N = 4096;
const register = (cseq, callId = "reg-1@pc33.atlanta.example.com") =>
  createRequest({
    method: "REGISTER",
    uri: "sip:atlanta.example.com",
    from: "Alice <sip:alice@atlanta.example.com>;tag=a73kszlfl",
    to: "Alice <sip:alice@atlanta.example.com>",
    callId,
    cseq,
    via: "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds7",
    contact: "<sip:alice@192.0.2.101>",
    headers: [["Expires", "3600"]],
  });

/** N REGISTERs signed by a client: under one nonce (nc 1..N), or each after its own challenge. */
function signedRegisters(algorithm, freshNonces) {
  const server = createDigestServer({ realm: REALM, secret: "bench", algorithms: [algorithm] });
  const client = createDigestClient({ credentials: { username: "alice", password: "pa55word" }, preemptiveRealms: [REALM] });
  const out = [];
  for (let i = 0; i < N; i++) {
    const r = register(i + 2, freshNonces ? `reg-${i}@pc33` : undefined);
    const h = i === 0 || freshNonces ? client.authorize(r, server.challenge(register(i + 1, freshNonces ? `reg-${i}@pc33` : undefined), T0)) : client.preauthorize(r);
    for (const [n, v] of h) r.addHeader(n, v);
    out.push(serializeMessage(r).slice());
  }
  return out;
}

const siphonVerify = (algorithm, fromBytes, freshNonces) => {
  const wire = signedRegisters(algorithm, freshNonces);
  const parsed = wire.map((b) => parseMessage(b));
  const ha1 = digestHa1("alice", REALM, "pa55word", algorithm.replace("-sess", ""));
  let server;
  return (i) => {
    const k = i % N;
    // A fresh server (same secret) each round, so no count is seen twice.
    if (k === 0) server = createDigestServer({ realm: REALM, secret: "bench", algorithms: [algorithm], maxNonces: N });
    const r = server.verify(fromBytes ? parseMessage(wire[k]) : parsed[k], T0 + 1, ha1);
    if (!r.ok) throw new Error(`verify failed: ${r.code}`);
    return r.ok;
  };
};

// The sip package verifies against its context's nonce and its own nc counter.
const sipWire = signedRegisters("MD5", false).map((b) => new TextDecoder().decode(b));
const sipParsed = sipWire.map((t) => sip.parse(t));
const sipNonce = /nonce="([^"]+)"/.exec(sipWire[0])[1];
const sipCtx = { realm: REALM, nonce: sipNonce, nc: 0 };
const sipCreds = { hash: digestHa1("alice", REALM, "pa55word", "MD5") };
const sipVerify = (fromText) => (i) => {
  const k = i % N;
  sipCtx.nc = k;
  const ok = sipDigest.authenticateRequest(sipCtx, fromText ? sip.parse(sipWire[k]) : sipParsed[k], sipCreds);
  if (!ok) throw new Error("sip authenticateRequest failed");
  return ok;
};

for (const algorithm of ["MD5", "SHA-256", "SHA-512-256", "SHA-256-sess"]) {
  const rows = [
    ["siphon verify, nc 1..n", measure(siphonVerify(algorithm, false, false))],
    ["siphon verify, new nonce", measure(siphonVerify(algorithm, false, true))],
    ["siphon parse + verify, nc 1..n", measure(siphonVerify(algorithm, true, false))],
  ];
  if (algorithm === "MD5") {
    rows.push(["sip authenticateRequest", measure(sipVerify(false))]);
    rows.push(["sip parse + authenticateRequest", measure(sipVerify(true))]);
  }
  table(`server: verifications/s, ${algorithm}, qop=auth`, rows);
}

// ------------------------------------------------------------------------------------ client

const CH = (algorithm) => `Digest realm="${REALM}", nonce="AAABjR2xY1wqM3Sg0QnTFcg8Q2xdrmKO", algorithm=${algorithm}, qop="auth", stale=true`;
function siphonAuthorize(algorithm, preemptive) {
  const client = createDigestClient({ credentials: { username: "alice", password: "pa55word" }, preemptiveRealms: [REALM] });
  const first = register(1);
  // stale=true: the client answers the same challenge again each time instead of giving up.
  const challenge = createResponse(first, 401, undefined, { toTag: "1410948204", headers: [["WWW-Authenticate", CH(algorithm)]] });
  const next = register(2);
  client.authorize(next, challenge);
  return preemptive ? () => client.preauthorize(next)[0][1] : () => client.authorize(next, challenge)[0][1];
}

const sipRsText = new TextDecoder().decode(serializeMessage(createResponse(register(1), 401, undefined, { toTag: "1410948204", headers: [["WWW-Authenticate", CH("MD5")]] })));
const sipRs = sip.parse(sipRsText);
const sipRq = sip.parse(new TextDecoder().decode(serializeMessage(register(2))));
const sipClientCtx = {};
const sipCreds2 = { user: "alice", password: "pa55word" };
const jssip = new JsSipDigest({ username: "alice", password: "pa55word" });
const jssipChallenge = { algorithm: "MD5", realm: REALM, nonce: "AAABjR2xY1wqM3Sg0QnTFcg8Q2xdrmKO", qop: ["auth"], stale: true };
const quietLogs = new LoggerFactory();
quietLogs.builtinEnabled = false;
const sipjs = new SipJsDigest(quietLogs, undefined, "alice", "pa55word");
const sipjsRequest = { method: "REGISTER", ruri: "sip:atlanta.example.com" };

for (const algorithm of ["MD5", "SHA-256", "SHA-512-256"]) {
  const rows = [
    ["siphon authorize (401 -> fields)", measure(siphonAuthorize(algorithm, false))],
    ["siphon preauthorize", measure(siphonAuthorize(algorithm, true))],
  ];
  if (algorithm === "MD5") {
    rows.push(["sip signRequest (parsed 401)", measure(() => sipDigest.signRequest(sipClientCtx, sipRq, sipRs, sipCreds2))]);
    rows.push(["sip parse 401 + signRequest", measure(() => sipDigest.signRequest(sipClientCtx, sipRq, sip.parse(sipRsText), sipCreds2))]);
    rows.push(["sip signRequest (preemptive)", measure(() => sipDigest.signRequest(sipClientCtx, sipRq))]);
    rows.push(["jssip authenticate + toString", measure(() => jssip.authenticate({ method: "REGISTER", ruri: "sip:atlanta.example.com" }, jssipChallenge) && jssip.toString())]);
    rows.push(["sip.js authenticate + toString", measure(() => sipjs.authenticate(sipjsRequest, jssipChallenge) && sipjs.toString())]);
  }
  table(`client: authorizations/s, ${algorithm}, qop=auth`, rows);
}

// ------------------------------------------------------------------------------------ memory

if (typeof globalThis.gc === "function") {
  const count = 100_000;
  const nonces = Array.from({ length: count }, (_, i) => `AAABjR2xY1wq${String(i).padStart(8, "0")}M3Sg0QnTFcg8`);
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const tracker = new NonceCounts(count);
  for (let i = 0; i < count; i++) tracker.record(nonces[i], T0 + i, 1, "0a4f113b5a6b7c8d", T0 + i, 300_000);
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`\nserver nonce tracker: ${((after - before) / tracker.size).toFixed(0)} B per tracked nonce (${tracker.size} nonces, nonce strings not counted)`);
}
if (sink === 0.5) console.log(sink); // keeps the results observable
