// The SRTP floor of a relayed or echoed G.711 packet: one unprotect (under the peer's key) and one
// protect (under ours) of a 172-byte RTP packet (182 bytes as SRTP), AES_CM_128_HMAC_SHA1_80, with
// the runtime's native AES-ECB and the Wasm HMAC-SHA1, in place — over one pair of contexts (hot
// caches) and over 1 000 (each pair touched once per round, as a media server's streams are).
// Also the parts: the native keystream per packet (one long-lived cipher, 16 KiB per call, as the
// prefetch store fetches it) and the Wasm core alone (XOR + HMAC + tag with the keystream in place).
//
//   npm run build && node bench/srtp-floor.mjs
//   SIPHON_DIST=/tmp/dist-before node bench/srtp-floor.mjs   (another build)
import process from "node:process";
import { loadavg } from "node:os";

const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).pathname;
const { createSrtpContext } = await import(`${DIST}/src/srtp/index.js`);
const { srtpEngine } = await import(`${DIST}/src/srtp/engine.js`);
const runtime = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node";
const adapter = await import(`${DIST}/runtimes/${runtime}/crypto.js`);
const native = adapter.nodeSrtpCrypto ?? adapter.denoSrtpCrypto ?? adapter.bunSrtpCrypto;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const PAYLOAD = 160;
// SRTP_FLOOR_POLLUTE=KiB: read that much other memory between two packets (a server's kernel and
// other sessions pass through the caches between two packets of one stream). Default 0.
const POLLUTE = Number(process.env.SRTP_FLOOR_POLLUTE ?? 0) * 1024;
const junk = new Int32Array(64 * 1024 * 1024 / 4);
let junkAt = 0;
let junkSum = 0;
/** Reads POLLUTE bytes of `junk`, one word per 64-byte line, moving on each time. */
function pollute() {
  const lines = POLLUTE >> 6;
  let s = 0;
  let at = junkAt;
  for (let i = 0; i < lines; i++) {
    s += junk[at];
    at = (at + 16) & (junk.length - 1);
  }
  junkAt = at;
  junkSum += s;
}
/** µs per packet that pollute() alone costs, to subtract. */
function polluteCost() {
  if (POLLUTE === 0) return 0;
  const n = 100_000;
  const c0 = cpu();
  for (let i = 0; i < n; i++) pollute();
  return ((cpu() - c0) * 1000) / n;
}
const ROUND_PACKETS = 100_000;

function pairs(n, crypto) {
  return Array.from({ length: n }, (_, i) => {
    const key = (b) => ({ masterKey: new Uint8Array(16).fill(b), masterSalt: new Uint8Array(14).fill(b + 1) });
    const o = { profile: "AES_CM_128_HMAC_SHA1_80", ...(crypto ? { crypto } : {}) };
    return {
      peer: createSrtpContext({ ...o, ...key(i & 0xff), crypto: native }),
      rx: createSrtpContext({ ...o, ...key(i & 0xff) }),
      tx: createSrtpContext({ ...o, ...key((i + 7) & 0xff) }),
      ssrc: 0x1000 + i,
      seq: 0,
    };
  });
}

/** µs per packet for unprotect + protect, `n` pairs visited in turn. */
function run(n, crypto) {
  const ps = pairs(n, crypto);
  const perPair = Math.max(1, Math.floor(ROUND_PACKETS / n));
  // Packets of the peers, protected ahead (not timed), one buffer per packet.
  const make = () => {
    const out = [];
    for (let k = 0; k < perPair; k++) {
      for (const p of ps) {
        const b = new Uint8Array(12 + PAYLOAD + 10);
        b[0] = 0x80;
        b[2] = (p.seq >> 8) & 0xff;
        b[3] = p.seq & 0xff;
        b[8] = p.ssrc >>> 24;
        b[9] = (p.ssrc >> 16) & 0xff;
        b[10] = (p.ssrc >> 8) & 0xff;
        b[11] = p.ssrc & 0xff;
        b.fill(0x55, 12, 12 + PAYLOAD);
        p.peer.protectRtpInPlace(b, 12 + PAYLOAD);
        p.seq = (p.seq + 1) & 0xffff;
        out.push(b);
      }
    }
    return out;
  };
  const round = (batch) => {
    let i = 0;
    for (const b of batch) {
      const p = ps[i++ % n];
      if (POLLUTE) pollute();
      const len = p.rx.unprotectRtpInPlace(b, b.length);
      if (POLLUTE) pollute();
      p.tx.protectRtpInPlace(b, len);
    }
    return batch.length;
  };
  round(make());
  let used = 0;
  let packets = 0;
  for (let r = 0; r < 5; r++) {
    const batch = make();
    const c0 = cpu();
    packets += round(batch);
    used += cpu() - c0;
  }
  for (const p of ps) for (const c of [p.peer, p.rx, p.tx]) c.close();
  return (used * 1000) / packets - 2 * polluteCost();
}

/** The native AES share: µs of keystream per 10-block packet, fetched 16 KiB per call. */
function nativeKeystream() {
  const ecb = native.createAesEcb(new Uint8Array(16).fill(3));
  const src = new Uint8Array(16384);
  const dst = new Uint8Array(16384);
  const calls = 20_000;
  for (let i = 0; i < 1000; i++) ecb(src, dst);
  const c0 = cpu();
  for (let i = 0; i < calls; i++) ecb(src, dst);
  const used = cpu() - c0;
  return (used * 1000) / (calls * (16384 / (PAYLOAD + 0)));
}

/** The Wasm core alone for one protect (XOR + HMAC-SHA1 + tag), keystream already in its region. */
function wasmCore() {
  const ctx = createSrtpContext({ profile: "AES_CM_128_HMAC_SHA1_80", masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2) });
  const b = new Uint8Array(12 + PAYLOAD + 10);
  b[0] = 0x80;
  ctx.protectRtpInPlace(b, 12 + PAYLOAD); // makes the key slot resident
  const e = srtpEngine();
  const slot = e.cm.owners.findIndex((h) => h !== undefined && h.slot >= 0);
  const ptr = e.cm.owners[slot].ptr;
  const d = e.desc >>> 2;
  const n = 200_000;
  const once = () => {
    e.u32[d] = e.io;
    e.u32[d + 1] = 12 + PAYLOAD;
    e.u32[d + 2] = 0;
    e.x.srtp_run(ptr, 0, 1, 1);
  };
  for (let i = 0; i < 10_000; i++) once();
  const c0 = cpu();
  for (let i = 0; i < n; i++) once();
  const used = cpu() - c0;
  ctx.close();
  return (used * 1000) / n;
}

console.log(`SRTP floor (${runtime}), 172-byte RTP packets, AES_CM_128_HMAC_SHA1_80, ${POLLUTE >> 10} KiB read between packets (its own cost subtracted), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log(`  native AES keystream per packet (16 KiB per call)      ${nativeKeystream().toFixed(3)} µs`);
console.log(`  Wasm core per protect (XOR + HMAC-SHA1 + tag)          ${wasmCore().toFixed(3)} µs`);
for (const n of [1, 1000]) {
  const withNative = run(n, native);
  const withWasm = run(n, undefined);
  console.log(`  unprotect + protect, native AES, ${String(n).padStart(4)} context pairs   ${withNative.toFixed(3)} µs`);
  console.log(`  unprotect + protect, Wasm AES,   ${String(n).padStart(4)} context pairs   ${withWasm.toFixed(3)} µs`);
  console.log(`  Wasm AES ÷ native AES, ${String(n).padStart(4)} context pairs              ${(withWasm / withNative).toFixed(2)}×`);
}
