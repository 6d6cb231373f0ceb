// The answer server's per-call media work in one process, no SIP and no sockets: the echo handler
// examples/answer-server.ts makes for each call (the same driver and handler options) is made, answers
// an offer, lives HOLD_MS on the media clock and is closed; CALLS_PER_MS new calls per millisecond
// of a virtual clock, whose timers (the media clock, the pairs' cooling) fire in order. Sockets are
// null (a send is counted, not made), so the figure is the JavaScript side: SDP, port pair, RTP
// session, media clock, RTCP. Prints the CPU per call (GC threads included) and the datagrams a call
// sends. SRTP=1 offers RTP/SAVP with a key; EAGER=1 starts each session on the answer instead of
// on the caller's first packet (the answer server's echo waits for it; this caller sends none).
//
// Run after `npm run build`: node bench/answer-media-setup.mjs   (CALLS=40000, CALLS_PER_MS=2.5, HOLD_MS=13)
const DIST = process.env.SIPHON_DIST ?? new URL("../dist", import.meta.url).pathname;
const { createMediaDriver, rtpMediaHandlers } = await import(`${DIST}/src/driver/index.js`);
const { loadRuntime } = await import(`${DIST}/runtimes/index.js`);
const { G722, OPUS, PCMA, PCMU } = await import(`${DIST}/src/media/index.js`);

const RATE = Number(process.env.CALLS_PER_MS ?? 2.5);
const HOLD = Number(process.env.HOLD_MS ?? 13);
const CALLS = Number(process.env.CALLS ?? 40000);
const SDP = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
const OFFER = process.env.SRTP
  ? `${SDP}m=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n`
  : `${SDP}m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;

// A virtual clock in whole milliseconds: the timers due by a millisecond fire at it, in the order armed.
let clock = 0;
let nextId = 1;
let sends = 0;
const timers = new Map();
const buckets = new Map();
const real = await loadRuntime();
const runtime = {
  ...real,
  now: () => clock,
  setTimer(ms, fn) {
    const e = { id: nextId++, fn };
    timers.set(e.id, e);
    const at = Math.max(Math.ceil(clock + ms), Math.floor(clock) + 1);
    let list = buckets.get(at);
    if (list === undefined) buckets.set(at, (list = []));
    list.push(e);
    return e.id;
  },
  clearTimer: (id) => void timers.delete(id),
  async udpBind(o) {
    return { local: { host: o.host, port: o.port }, send: () => void sends++, close() {} };
  },
};
function advance() {
  clock++;
  const list = buckets.get(clock);
  if (list === undefined) return;
  buckets.delete(clock);
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (!timers.delete(e.id)) continue;
    e.fn();
    const more = buckets.get(clock);
    if (more !== undefined) {
      buckets.delete(clock);
      list.push(...more);
    }
  }
}

// As examples/answer-server.ts makes them (its --rtp-ports range widened: pairs cool two seconds).
const media = await createMediaDriver({
  runtime,
  host: "127.0.0.1",
  ports: { minPort: 20000, maxPort: 59999, spare: 160 },
  session: { latching: true, rtpTimeoutMs: 60_000, sendQueueMs: 200 },
});
const handlers = rtpMediaHandlers(media, {
  codecs: [OPUS, G722, PCMU, PCMA],
  codecOrder: "offer",
  srtp: { mandatory: false },
  ...(process.env.EAGER ? {} : { startOnFirstPacket: true }),
});
const live = [];
let made = 0;
let due = 0;
async function run(calls) {
  for (const end = made + calls; made < end; ) {
    for (due += RATE; due >= 1 && made < end; due--) {
      const h = handlers({ role: "uas", callId: `c${made++}` });
      h.onAudio = (f) => h.writeAudio(f.samples);
      h.onEvent = () => {};
      const a = h.receiveOffer({ contentType: "application/sdp", body: OFFER });
      if (a.ok === false) throw new Error(`offer refused: ${a.reason}`);
      live.push([clock + HOLD, h]);
    }
    while (live.length > 0 && live[0][0] <= clock) live.shift()[1].close();
    advance();
    // The pool binds in the background; here between two milliseconds.
    if (media.pool.ready < 100) await media.pool.fill(160);
  }
}

await run(5000);
const sent0 = sends;
const cpu0 = process.cpuUsage();
await run(CALLS);
const cpu = process.cpuUsage(cpu0);
console.log(
  `answer server media per call (${process.env.EAGER ? "session on the answer" : "session on the first packet"}${process.env.SRTP ? ", SRTP" : ""}, ${RATE} calls/ms, ${HOLD} ms each): ` +
    `${((cpu.user + cpu.system) / CALLS).toFixed(1)} µs CPU, ${((sends - sent0) / CALLS).toFixed(2)} datagrams`,
);
