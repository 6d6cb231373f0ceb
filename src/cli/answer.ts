/**
 * `siphon answer`: waits for calls and answers them — after ringing `--ring` seconds — playing a
 * tone or a WAV file, or echoing the caller's audio; records each call (`--record FILE.wav`, a
 * number added from the second call on); hangs up after `--duration` seconds when given. Runs
 * until interrupted, or until `--count` calls have ended. Exit 0, 2 on bad arguments.
 */
import type { Call, IncomingCall, UserAgent } from "../client/index.ts";
import { EXIT } from "./command.ts";
import type { CliCommand } from "./command.ts";
import { AGENT_FLAGS, agentFromFlags } from "./agent.ts";
import type { AgentFlags } from "./agent.ts";
import { qualityData, qualityLine } from "./call.ts";
import type { CliEnvironment } from "./environment.ts";
import { CliUsageError, defineCommand, describeError } from "./flags.ts";
import { createReporter } from "./progress.ts";
import type { Reporter } from "./progress.ts";

const SPEC = {
  name: "answer",
  summary: "wait for calls and answer them: play a tone or a WAV file, or echo; record",
  positionals: [],
  flags: {
    ...AGENT_FLAGS,
    play: { kind: "string", arg: "FILE.wav", help: "play this WAV file to each caller" },
    tone: { kind: "number", min: 20, max: 20000, arg: "HZ", help: "play a tone of HZ to each caller" },
    echo: { kind: "switch", help: "send each caller's audio back" },
    record: { kind: "string", arg: "FILE.wav", help: "record each call (FILE-2.wav, FILE-3.wav … for the next ones)" },
    ring: { kind: "number", min: 0, max: 300, arg: "S", help: "ring S seconds before answering (default 0)" },
    duration: { kind: "number", min: 0, max: 86400, arg: "S", help: "hang up each call after S seconds (default: when the caller does)" },
    count: { kind: "int", min: 1, max: 1_000_000, arg: "N", help: "exit after N calls (default: run until interrupted)" },
    reject: { kind: "int", min: 300, max: 699, arg: "STATUS", help: "refuse every call with STATUS instead of answering" },
  },
  details: "Example: siphon answer --port 5062 --echo --record call.wav",
} as const;

type Flags = AgentFlags & { play?: string; tone?: number; echo?: true; record?: string; ring?: number; duration?: number; count?: number; reject?: number };

/** The `answer` command. */
export function answerCommand(env: CliEnvironment): CliCommand {
  return defineCommand(SPEC, async ({ flags }, io) => {
    const sources = [flags.play !== undefined, flags.tone !== undefined, flags.echo === true].filter(Boolean).length;
    if (sources > 1) throw new CliUsageError("BAD_VALUE", "--play, --tone and --echo exclude each other");
    const wav = flags.play === undefined ? undefined : await env.readFile(flags.play).catch((e: unknown) => {
      throw new CliUsageError("BAD_VALUE", `--play ${flags.play}: ${(e as Error).message}`);
    });
    const report = createReporter(io, flags.json === true);
    const ua = await agentFromFlags(env, io, flags as AgentFlags, flags.bind === undefined ? "127.0.0.1" : undefined);
    try {
      if (flags.registrar !== undefined) {
        const info = await ua.register({ signal: io.signal, timeoutMs: 35_000 });
        report.event("registered", `registered ${info.aor} for ${info.expires} s`, { aor: info.aor, expires: info.expires });
      }
      const a = ua.address;
      report.event("listening", `waiting for calls on ${a.transport.toLowerCase()} ${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`, { transport: a.transport, host: a.host, port: a.port });
      const iterator = ua.incoming();
      io.signal.addEventListener("abort", () => void iterator.return?.(), { once: true });
      const stopped = new Promise<IteratorResult<IncomingCall>>((resolve) => io.signal.addEventListener("abort", () => resolve({ done: true, value: undefined }), { once: true }));
      const running: Promise<void>[] = [];
      let n = 0;
      while (!io.signal.aborted && (flags.count === undefined || n < flags.count)) {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next.done) break;
        n++;
        running.push(handle(ua, next.value, n, flags as Flags, wav, report, env, io.signal));
      }
      await Promise.all(running);
      return EXIT.OK;
    } finally {
      report.done();
      await ua.close({ timeoutMs: 3000 });
    }
  });
}

async function handle(ua: UserAgent, inc: IncomingCall, n: number, flags: Flags, wav: Uint8Array | undefined, report: Reporter, env: CliEnvironment, signal: AbortSignal): Promise<void> {
  report.event("incoming", `call ${n} from ${inc.from}`, { n, from: inc.from, callId: inc.callId });
  if (flags.reject !== undefined) {
    inc.reject(flags.reject);
    report.event("rejected", `call ${n} rejected ${flags.reject}`, { n, status: flags.reject });
    return;
  }
  let call: Call;
  try {
    if ((flags.ring ?? 0) > 0) {
      inc.ring();
      await new Promise<void>((resolve) => ua.runtime.setTimer(flags.ring! * 1000, resolve));
    }
    call = await inc.answer({ signal });
  } catch (error) {
    report.event("missed", `call ${n} not established: ${describeError(error)}`, { n, error: describeError(error) });
    return;
  }
  report.event("answered", `call ${n} answered: ${call.codec ?? "?"}${call.secure ? ", SRTP" : ""}`, { n, codec: call.codec ?? null, srtp: call.secure });
  call.on("dtmf", (d) => report.event("dtmf", `call ${n} DTMF ${d.digit} (${d.via})`, { n, digit: d.digit, via: d.via }));
  call.on("hold", (e) => report.event("hold", `call ${n} on hold (by ${e.by})`, { n, by: e.by }));
  call.on("resume", (e) => report.event("resume", `call ${n} resumed (by ${e.by})`, { n, by: e.by }));
  const stop = new AbortController();
  const work: Promise<unknown>[] = [];
  if (flags.tone !== undefined) work.push(call.audio.playTone(flags.tone, { signal: stop.signal }).catch(() => undefined));
  if (wav !== undefined) work.push(call.audio.playWav(wav, stop.signal).catch(() => undefined));
  let recording: Promise<number> | undefined;
  if (flags.record !== undefined) {
    const path = n === 1 ? flags.record : flags.record.replace(/(\.wav)?$/i, `-${n}$1`);
    const file = await env.createFile(path);
    // record() closes the file when the recording ends.
    recording = call.audio.record(file, { signal: stop.signal });
  } else if (flags.echo) {
    work.push((async () => {
      for await (const f of call.audio.frames()) call.audio.write(f.samples);
    })());
  }
  if (flags.echo && flags.record !== undefined) {
    // One reader of the received frames: the recorder; echo from the same frames is not offered.
    report.event("note", "--echo with --record: recording only", { n });
  }
  await call.waitFor("ended", { signal, timeoutMs: flags.duration !== undefined && flags.duration > 0 ? flags.duration * 1000 : 86_400_000 }).catch(() => undefined);
  const stats = call.stats();
  const byUs = call.state !== "ended";
  await call.hangup({ timeoutMs: 5000 }).catch(() => undefined);
  stop.abort();
  await Promise.all(work);
  await recording?.catch(() => 0);
  report.event("ended", `call ${n} ended: ${byUs ? "hung up" : (call.endReason ?? "?")}`, { n, reason: byUs ? "hangup" : (call.endReason ?? null) });
  report.event("quality", `call ${n} ${qualityLine(stats)}`, { n, ...qualityData(stats) });
}
