/**
 * `siphon call URI`: places a call (registering first when `--registrar` is given), prints its
 * progress, sends a tone or a WAV file, records what comes back, sends DTMF, hangs up after
 * `--duration` seconds (or when the peer does) and prints the call's quality. Exit 0 when the call
 * was answered, 1 when it failed (rejected, unanswered, unreachable), 2 on bad arguments, 130 when
 * interrupted before the answer.
 */
import { ClientError } from "../client/index.ts";
import type { Call, CallStats, UserAgent } from "../client/index.ts";
import { EXIT } from "./command.ts";
import type { CliCommand, CliIo } from "./command.ts";
import { AGENT_FLAGS, agentFromFlags } from "./agent.ts";
import type { AgentFlags } from "./agent.ts";
import type { CliEnvironment } from "./environment.ts";
import { CliUsageError, defineCommand, describeError } from "./flags.ts";
import { sipUriArg } from "./options.ts";
import { createReporter } from "./progress.ts";
import type { Reporter } from "./progress.ts";

const SPEC = {
  name: "call",
  summary: "place a call, play a tone or a WAV file, record the answer, print call quality",
  positionals: ["URI"],
  flags: {
    ...AGENT_FLAGS,
    play: { kind: "string", arg: "FILE.wav", help: "send this WAV file (any rate, PCM or G.711)" },
    tone: { kind: "number", min: 20, max: 20000, arg: "HZ", help: "send a tone of HZ (default when nothing else is played: silence)" },
    record: { kind: "string", arg: "FILE.wav", help: "record what the peer sends" },
    duration: { kind: "number", min: 0, max: 86400, arg: "S", help: "hang up after S seconds (default 10; 0: when the peer hangs up)" },
    dtmf: { kind: "string", arg: "DIGITS", help: "send these DTMF digits (0-9*#A-D) one second after the answer" },
    timeout: { kind: "number", min: 1, max: 3600, arg: "S", help: "give up when not answered within S seconds (default 60)" },
  },
  details: "Exit status: 0 answered, 1 failed (rejected, no answer, unreachable), 2 bad arguments, 130 interrupted before the answer.\n" +
    "Examples:\n  siphon call sip:127.0.0.1:5060 --tone 440 --duration 5\n" +
    "  siphon call bob --from sip:alice@example.com --user alice --registrar example.com --play hello.wav --record reply.wav",
} as const;

/** The `call` command. */
export function callCommand(env: CliEnvironment): CliCommand {
  return defineCommand(SPEC, async ({ flags, positionals }, io) => {
    if (flags.play !== undefined && flags.tone !== undefined) throw new CliUsageError("BAD_VALUE", "--play and --tone exclude each other");
    if (flags.dtmf !== undefined && !/^[0-9*#A-Da-d]+$/.test(flags.dtmf)) throw new CliUsageError("BAD_VALUE", `--dtmf takes 0-9 * # A-D, not ${JSON.stringify(flags.dtmf)}`);
    const target = positionals[0]!;
    const peer = /^sips?:|@|^[\d.]+(:\d+)?$|^\[/.test(target) ? sipUriArg(target, "URI") : undefined;
    const wav = flags.play === undefined ? undefined : await env.readFile(flags.play).catch((e: unknown) => {
      throw new CliUsageError("BAD_VALUE", `--play ${flags.play}: ${(e as Error).message}`);
    });
    const report = createReporter(io, flags.json === true);
    const ua = await agentFromFlags(env, io, flags as AgentFlags, peer?.host);
    try {
      if (flags.registrar !== undefined) {
        report.status(`registering ${ua.accounts[0]?.aor} ...`);
        const info = await ua.register({ signal: io.signal, timeoutMs: 35_000 });
        report.event("registered", `registered ${info.aor} for ${info.expires} s`, { aor: info.aor, expires: info.expires, contact: info.contact });
      }
      return await place(ua, target, flags, wav, io, report, env);
    } catch (error) {
      report.done();
      if (io.signal.aborted) return EXIT.INTERRUPTED;
      if (error instanceof ClientError) {
        report.event("failed", `failed: ${error.message}`, { code: error.code, status: error.status ?? null, reason: error.reason ?? null });
        return EXIT.FAILED;
      }
      throw error;
    } finally {
      await ua.close({ timeoutMs: 3000 });
    }
  });
}

async function place(ua: UserAgent, target: string, flags: AgentFlags & { play?: string; tone?: number; record?: string; duration?: number; dtmf?: string; timeout?: number }, wav: Uint8Array | undefined, io: CliIo, report: Reporter, env: CliEnvironment): Promise<number> {
  report.status(`calling ${target} ...`);
  const started = ua.runtime.now();
  const call = await ua.call(target, {
    signal: io.signal,
    timeoutMs: (flags.timeout ?? 60) * 1000,
    earlyMedia: (c) => report.event("early-media", "early media", { callId: c.callId }),
  }).catch((error: unknown) => {
    throw error;
  });
  const setupMs = Math.round(ua.runtime.now() - started);
  report.event("answered", `answered after ${setupMs} ms: ${call.codec ?? "?"}${call.secure ? ", SRTP" : ""}`, { callId: call.callId, codec: call.codec ?? null, srtp: call.secure, setupMs });
  call.on("dtmf", (d) => report.event("dtmf", `DTMF ${d.digit} (${d.via})`, { digit: d.digit, via: d.via }));
  call.on("hold", (e) => report.event("hold", `on hold (by ${e.by})`, { by: e.by }));
  call.on("resume", (e) => report.event("resume", `resumed (by ${e.by})`, { by: e.by }));
  call.on("media-timeout", (e) => report.event("media-timeout", `no RTP for ${e.silentMs} ms: hanging up`, { silentMs: e.silentMs }));
  const stop = new AbortController();
  const stopOnAbort = () => stop.abort();
  io.signal.addEventListener("abort", stopOnAbort, { once: true });
  const work: Promise<unknown>[] = [];
  if (flags.tone !== undefined) work.push(call.audio.playTone(flags.tone, { signal: stop.signal }).catch(() => undefined));
  if (wav !== undefined) work.push(call.audio.playWav(wav, stop.signal).catch((e: unknown) => report.event("error", `--play: ${describeError(e)}`, { error: describeError(e) })));
  let recorded: Promise<number> | undefined;
  if (flags.record !== undefined) {
    const file = await env.createFile(flags.record);
    // record() closes the file when the recording ends.
    recorded = call.audio.record(file, { signal: stop.signal });
  }
  if (flags.dtmf !== undefined) {
    const digits = flags.dtmf;
    work.push(
      call.waitFor("ended", { timeoutMs: 1000, signal: stop.signal }).catch(async () => {
        if (call.state === "ended" || stop.signal.aborted) return;
        const how = await call.sendDtmf(digits);
        report.event("dtmf-sent", `sent DTMF ${digits} (${how})`, { digits, via: how });
      }).catch((e: unknown) => report.event("error", `--dtmf: ${describeError(e)}`, { error: describeError(e) })),
    );
  }
  const durationMs = (flags.duration ?? 10) * 1000;
  const ticker = ua.runtime.setTimer(0, function tick() {
    liveStatus(report, call, ua.runtime.now() - started - setupMs);
    if (call.state !== "ended") ticker2 = ua.runtime.setTimer(1000, tick);
  });
  let ticker2: unknown;
  await call.waitFor("ended", { signal: io.signal, timeoutMs: durationMs > 0 ? durationMs : 86_400_000 }).catch(() => undefined);
  ua.runtime.clearTimer(ticker);
  if (ticker2 !== undefined) ua.runtime.clearTimer(ticker2);
  io.signal.removeEventListener("abort", stopOnAbort);
  const stats = call.stats();
  const byUs = call.state !== "ended";
  await call.hangup({ timeoutMs: 5000 }).catch(() => undefined);
  stop.abort();
  await Promise.all(work);
  const samples = recorded === undefined ? undefined : await recorded.catch(() => 0);
  report.done();
  report.event("ended", `ended: ${byUs ? "hung up" : (call.endReason ?? "?")}, ${Math.round((ua.runtime.now() - started - setupMs) / 100) / 10} s`, { reason: byUs ? "hangup" : (call.endReason ?? null) });
  report.event("quality", qualityLine(stats), { ...qualityData(stats), ...(samples !== undefined ? { recordedSamples: samples } : {}) });
  return EXIT.OK;
}

function liveStatus(report: Reporter, call: Call, elapsedMs: number): void {
  const q = call.stats();
  const t = Math.floor(elapsedMs / 1000);
  report.status(`${call.state} ${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")} ${call.codec ?? ""}${call.secure ? " SRTP" : ""}` +
    (q ? ` | sent ${q.packetsSent} recv ${q.packetsReceived} loss ${q.lossPercent.toFixed(1)}% jitter ${q.jitterMs.toFixed(1)} ms MOS ${q.mos.toFixed(2)}` : ""));
}

/** One line of a call's final figures. */
export function qualityLine(q: CallStats | undefined): string {
  if (q === undefined) return "quality: no media";
  return `quality: ${q.codec ?? "-"} sent ${q.packetsSent} received ${q.packetsReceived} lost ${q.packetsLost} (${q.lossPercent.toFixed(2)} %) jitter ${q.jitterMs.toFixed(1)} ms` +
    `${q.rttMs !== undefined ? ` rtt ${q.rttMs.toFixed(1)} ms` : ""} MOS ${q.mos.toFixed(2)}`;
}

/** A call's final figures for `--json`. */
export function qualityData(q: CallStats | undefined): Record<string, unknown> {
  if (q === undefined) return { codec: null };
  return { codec: q.codec ?? null, packetsSent: q.packetsSent, packetsReceived: q.packetsReceived, packetsLost: q.packetsLost, lossPercent: q.lossPercent, jitterMs: q.jitterMs, rttMs: q.rttMs ?? null, mos: q.mos };
}
