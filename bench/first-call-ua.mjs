// Two calls in one process through createUserAgent, against the echo service of a running
// `siphon serve` (bench/first-call.mjs starts one and runs this): the first call pays the
// process's first frames, the second does not. Prints one JSON line per call.
//
//   node bench/first-call-ua.mjs <sip-port> [codecs=opus] [seconds=6]
const dist = process.env.FIRST_CALL_DIST ?? new URL("../dist/", import.meta.url).pathname;
const { createUserAgent } = await import(`${dist}src/client/index.js`);
const [port, codecs = "opus", seconds = "6"] = process.argv.slice(2);
const ua = await createUserAgent({ aor: "sip:alice@siphon.local", credentials: { username: "alice", password: "alice-demo" }, media: { codecs: codecs.split(",") } });
for (let i = 0; i < 2; i++) {
  const call = await ua.call(`sip:echo@127.0.0.1:${port}`);
  const stop = new AbortController();
  const tone = call.audio.playTone(440, { signal: stop.signal }).catch(() => undefined);
  await call.waitFor("ended", { timeoutMs: Number(seconds) * 1000 }).catch(() => undefined);
  const q = call.stats();
  await call.hangup({ timeoutMs: 5000 }).catch(() => undefined);
  stop.abort();
  await tone;
  console.log(JSON.stringify({ call: i + 1, codec: q?.codec, mos: q?.mos, packetsSent: q?.packetsSent, packetsReceived: q?.packetsReceived, jitterBufferMs: q?.jitterBufferMs, concealedMs: q?.concealedMs }));
}
await ua.close({ timeoutMs: 3000 });
