// The calls mode of the load generator (bench/load.mjs --calls): a worker process is a caller user
// agent — siphon's session core on createSessionEndpoint — that starts calls at the rate it is given:
// INVITE (with an SDP offer), 100/180/200 as the server sends them, ACK, the call held for --hold-ms,
// BYE, 200. A call is complete when the final response to its BYE is a 2xx; every other end is a
// failed call, counted by why (a non-2xx to the INVITE, a timeout, a transport error, a BYE answered
// otherwise or not at all). Setup latency is from the INVITE leaving to its 200 arriving.
import { join } from "node:path";
import { bucket, fmt, histogramPairs, int, newHistogram } from "./latency.mjs";

const OFFER = "v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n";

/** A media handler that offers fixed SDP and takes any answer: the generator sends no RTP. */
const media = () => ({
  createOffer: () => ({ contentType: "application/sdp", body: OFFER }),
  receiveOffer: () => ({ ok: false, reason: "the generator only offers" }),
  receiveAnswer: () => true,
  rollback() {},
  close() {},
});

/** The worker side of the calls mode: the same messages as the OPTIONS worker (setup, step, stop). */
export async function callsWorker(root) {
  const { loadRuntime } = await import(join(root, "dist/runtimes/index.js"));
  const { createSessionEndpoint } = await import(join(root, "dist/src/driver/index.js"));
  const rt = await loadRuntime();
  let ep;
  let to;
  let holdMs = 0;
  /** Calls in progress by Call-ID: [step id, INVITE sent at, BYE sent]. */
  const calls = new Map();
  const steps = new Map();
  /** Answered calls waiting for their BYE, in the order they were answered (one hold time for all). */
  const holds = [];
  let holdHead = 0;
  let holdTimer;
  let seq = 0;

  const stepOf = (id) => {
    let s = steps.get(id);
    if (!s) steps.set(id, (s = { sent: 0, status: {}, provisional: {}, bye: {}, completed: 0, failed: 0, why: {}, hist: newHistogram() }));
    return s;
  };
  const fail = (callId, why) => {
    const c = calls.get(callId);
    if (c === undefined) return;
    calls.delete(callId);
    const s = stepOf(c[0]);
    s.failed++;
    s.why[why] = (s.why[why] ?? 0) + 1;
  };
  const hangUp = () => {
    holdTimer = undefined;
    const now = rt.now();
    while (holdHead < holds.length && holds[holdHead][0] <= now) {
      const session = holds[holdHead][1];
      holds[holdHead++] = undefined;
      if (session.state === "confirmed") session.bye(now);
    }
    if (holdHead > 4096 && holdHead * 2 > holds.length) (holds.splice(0, holdHead), (holdHead = 0));
    if (holdHead < holds.length) holdTimer = setTimeout(hangUp, Math.max(0, holds[holdHead][0] - now));
  };

  const send = (stepId) => {
    const s = stepOf(stepId);
    s.sent++;
    const n = ++seq;
    try {
      const session = ep.core.invite({ from: `<sip:load${process.pid}-${n}@127.0.0.1>`, to }, rt.now());
      calls.set(session.callId, [stepId, rt.now(), false]);
    } catch (error) {
      s.failed++;
      const why = `invite threw ${error?.code ?? error?.message}`;
      s.why[why] = (s.why[why] ?? 0) + 1;
    }
  };

  process.on("message", async (m) => {
    if (m.type === "setup") {
      holdMs = m.holdMs;
      const tcp = m.transport.toUpperCase() === "TCP";
      to = `<sip:echo@${m.host}:${m.port}${tcp ? ";transport=tcp" : ""}>`;
      ep = await createSessionEndpoint({
        runtime: rt,
        listen: [
          { transport: "UDP", host: "127.0.0.1", port: 0 },
          { transport: "TCP", host: "127.0.0.1", port: 0 },
        ],
        contactUser: "load",
        transactions: { maxClientTransactions: 1e7, maxServerTransactions: 1e7 },
        endpoint: { overload: false },
        media,
        observeTransactions(e) {
          // RFC 3261 §15.1.1: the session ends as the BYE leaves; its final response comes here.
          if (e.type === "response") {
            const status = e.response.status;
            const method = e.response.cseq.method;
            const c = calls.get(e.response.callId);
            if (c === undefined) return;
            const s = stepOf(c[0]);
            if (method === "INVITE" && status < 200) s.provisional[status] = (s.provisional[status] ?? 0) + 1;
            if (method !== "BYE" || status < 200) return;
            s.bye[status] = (s.bye[status] ?? 0) + 1;
            if (status < 300) {
              calls.delete(e.response.callId);
              s.completed++;
            } else fail(e.response.callId, `BYE ${status}`);
          } else if ((e.type === "timeout" || e.type === "transport-error") && e.transaction.method === "BYE") {
            const callId = e.transaction.request?.callId;
            if (callId !== undefined) fail(callId, `BYE ${e.type}`);
          }
        },
        onSessionEvent(e, now) {
          const callId = e.session?.callId;
          const c = callId === undefined ? undefined : calls.get(callId);
          if (c === undefined) return;
          const s = stepOf(c[0]);
          if (e.type === "answered") {
            s.status[200] = (s.status[200] ?? 0) + 1;
            s.hist[bucket(now - c[1])]++;
            if (holdMs === 0) e.session.bye(now);
            else {
              holds.push([now + holdMs, e.session]);
              if (holdTimer === undefined) holdTimer = setTimeout(hangUp, holdMs);
            }
          } else if (e.type === "terminated") {
            if (e.reason === "bye" && e.by === "local") {
              c[2] = true;
              return;
            }
            if (e.reason === "rejected" && e.status !== undefined) s.status[e.status] = (s.status[e.status] ?? 0) + 1;
            fail(callId, `${e.reason}${e.status !== undefined ? ` ${e.status}` : ""}`);
          }
        },
      });
      process.send({ type: "ready" });
    } else if (m.type === "step") {
      // Paced by elapsed time: as many calls as the rate owes, checked every millisecond.
      const start = rt.now();
      const end = start + m.seconds * 1000;
      let started = 0;
      await new Promise((done) => {
        const tick = () => {
          const now = rt.now();
          const due = Math.floor(((Math.min(now, end) - start) / 1000) * m.rate) - started;
          for (let i = 0; i < due; i++) send(m.id);
          started += Math.max(0, due);
          if (now >= end) done();
          else setTimeout(tick, 1);
        };
        tick();
      });
      await new Promise((r) => setTimeout(r, m.grace + holdMs));
      const s = stepOf(m.id);
      // Calls of this step still in progress after the grace period: unfinished (then forgotten).
      let unanswered = 0;
      let byeUnanswered = 0;
      for (const [callId, c] of calls) {
        if (c[0] !== m.id) continue;
        if (c[2]) byeUnanswered++;
        else unanswered++;
        calls.delete(callId);
      }
      process.send({
        type: "result",
        id: m.id,
        sent: s.sent,
        status: s.status,
        provisional: s.provisional,
        bye: s.bye,
        completed: s.completed,
        failed: s.failed,
        why: s.why,
        timeouts: 0,
        unanswered: unanswered + byeUnanswered,
        byeUnanswered,
        hist: histogramPairs(s.hist),
        dialogs: ep.core.dialogCount,
        sessions: ep.core.sessionCount,
      });
      steps.delete(m.id);
    } else if (m.type === "stop") {
      await ep?.close();
      process.exit(0);
    }
  });
  process.send({ type: "up" });
}

/** A step of the calls mode passes with every call complete (none failed or unfinished) and p99 setup < 50 ms. */
export const callsPass = (r) => r.completed === r.sent && r.failed === 0 && r.unanswered === 0 && r.p99 < 50;

export function callsHeader() {
  console.log(
    "| server, transport | offered calls/s | complete calls/s | failed / unfinished | INVITE answers | BYE answers | setup p50 ms | p99 ms | p99.9 ms | CPU % server / generators / other (of 200) | server RSS MB | step |",
  );
  console.log("|---|---:|---:|---|---|---|---:|---:|---:|---:|---:|---|");
}

const counts = (o) =>
  Object.entries(o)
    .map(([s, c]) => `${int(c)}×${s}`)
    .join(" ") || "–";

export function callsRow(label, r) {
  const why = Object.entries(r.why ?? {})
    .map(([w, c]) => `${c}× ${w}`)
    .join(", ");
  console.log(
    `| ${label} | ${int(r.rate)} | ${int(r.completed / r.seconds)} | ${int(r.failed)} / ${int(r.unanswered)}${why ? ` (${why})` : ""} | ` +
      `${counts({ ...r.provisional, ...r.status })} | ${counts(r.bye)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.p999, 2)} | ` +
      `${fmt(r.serverCpu, 0)} / ${fmt(r.genCpu, 0)} / ${fmt(Math.max(0, r.machineCpu - (Number.isFinite(r.serverCpu) ? r.serverCpu : 0) - r.genCpu), 0)} | ` +
      `${fmt(r.serverRss, 0)} | ${callsPass(r) ? "pass" : "FAIL"} |`,
  );
  if (r.rssTrace.length >= 3) console.log(`|   server RSS MB every 10 s: ${r.rssTrace.join(" → ")} | | | | | | | | | | | |`);
}
