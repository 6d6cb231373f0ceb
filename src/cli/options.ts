/**
 * `siphon options URI`: a SIP ping. OPTIONS (RFC 3261 §11) to the URI, located as RFC 3263 says,
 * `--count` times; for each, the final status and the round-trip time from the request leaving to
 * its final response (retransmissions over UDP included, as a user waits for them). Exit 0 when
 * every ping got a final response (any status: the peer is alive and speaking SIP), 1 otherwise.
 */
import { createSessionEndpoint } from "../driver/index.ts";
import type { SessionEndpoint } from "../driver/index.ts";
import type { OutgoingRequest } from "../session/index.ts";
import { tryParseUri } from "../sip/index.ts";
import type { SipResponse, SipUri } from "../sip/index.ts";
import type { Flow, TransportProtocol } from "../transport/index.ts";
import { EXIT } from "./command.ts";
import type { CliCommand, CliIo } from "./command.ts";
import { localBinding } from "./environment.ts";
import type { CliEnvironment } from "./environment.ts";
import { CliUsageError, defineCommand, describeError } from "./flags.ts";

const SPEC = {
  name: "options",
  summary: "ping a SIP URI with OPTIONS and print the round-trip time",
  positionals: ["URI"],
  flags: {
    from: { kind: "string", arg: "AOR", help: "From address (default sip:siphon@<local address>)" },
    transport: { kind: "string", choices: ["udp", "tcp"], help: "transport (default: the URI's, else udp)" },
    proxy: { kind: "string", arg: "URI", help: "send through this outbound proxy (a pre-loaded Route)" },
    count: { kind: "int", min: 1, max: 1_000_000, arg: "N", help: "pings to send (default 1)" },
    interval: { kind: "number", min: 0, max: 3600, arg: "S", help: "seconds between pings (default 1)" },
    timeout: { kind: "number", min: 0.1, max: 64, arg: "S", help: "give up on a ping after S seconds (default 32, Timer F)" },
    bind: { kind: "string", arg: "HOST", help: "local address to bind (default: loopback for a loopback peer, else all)" },
    json: { kind: "switch", help: "one JSON object per ping, then a summary" },
  },
  details: "Exit status: 0 when every ping was answered (any status), 1 when one was not, 2 on bad arguments.\n" +
    "Example: siphon options sip:127.0.0.1:5060 --count 3",
} as const;

/** A URI from the command line: `sip:` is added when no scheme is written. */
export function sipUriArg(text: string, what: string): SipUri {
  // "tel:", "mailto:"…: a scheme other than sip/sips (not a host:port, whose "scheme" is followed by digits).
  const scheme = /^([a-z][a-z0-9+.-]*):(?!\d+(?:[;?]|$))/i.exec(text);
  if (scheme !== null && !/^sips?$/i.test(scheme[1]!)) throw new CliUsageError("BAD_VALUE", `${what} is not a SIP URI: ${JSON.stringify(text)}`);
  const withScheme = /^sips?:/i.test(text) ? text : `sip:${text}`;
  const r = tryParseUri(withScheme);
  if (!r.ok || (r.value.scheme !== "sip" && r.value.scheme !== "sips")) throw new CliUsageError("BAD_VALUE", `${what} is not a SIP URI: ${JSON.stringify(text)}`);
  return r.value as SipUri;
}

/** The `options` command. */
export function optionsCommand(env: CliEnvironment): CliCommand {
  return defineCommand(SPEC, async ({ flags, positionals }, io) => {
    const uri = sipUriArg(positionals[0]!, "URI");
    const proxy = flags.proxy === undefined ? undefined : sipUriArg(flags.proxy, "--proxy");
    const transport = ((flags.transport ?? (typeof uri.params["transport"] === "string" ? uri.params["transport"] : "udp")).toUpperCase()) as TransportProtocol;
    if (transport !== "UDP" && transport !== "TCP") throw new CliUsageError("BAD_VALUE", `transport ${transport.toLowerCase()} is not supported by options (udp, tcp)`);
    const count = flags.count ?? 1;
    const intervalMs = (flags.interval ?? 1) * 1000;
    const timeoutMs = (flags.timeout ?? 32) * 1000;
    const runtime = await env.loadRuntime();
    const local = localBinding(env, (proxy ?? uri).host, flags.bind);
    const target = `${uri.scheme}:${uri.user !== undefined ? `${uri.user}@` : ""}${uri.host}${uri.port !== undefined ? `:${uri.port}` : ""}${transport === "UDP" ? "" : `;transport=${transport.toLowerCase()}`}`;
    const from = flags.from === undefined ? `<sip:siphon@${local.advertised.includes(":") ? `[${local.advertised}]` : local.advertised}>` : `<${sipUriArg(flags.from, "--from")}>`;
    const waiting = new Map<OutgoingRequest<Flow>, (status: number, response: SipResponse | undefined) => void>();
    let ep: SessionEndpoint | undefined;
    const results: { seq: number; status: number | undefined; reason: string | undefined; rttMs: number | undefined }[] = [];
    try {
      ep = await createSessionEndpoint({
        runtime,
        listen: [{ transport, host: local.host, port: 0, advertisedHost: local.advertised }],
        media: () => {
          throw new Error("options: no media");
        },
        userAgent: "siphon-cli",
        onSessionEvent(e) {
          if (e.type !== "response") return;
          const done = waiting.get(e.exchange);
          waiting.delete(e.exchange);
          done?.(e.status, e.response);
        },
      });
      const endpoint = ep;
      for (let seq = 1; seq <= count && !io.signal.aborted; seq++) {
        const started = runtime.now();
        let reason: string | undefined;
        let status: number | undefined;
        try {
          const exchange = await endpoint.request({
            method: "OPTIONS",
            uri: target,
            from,
            to: `<${target}>`,
            ...(proxy !== undefined ? { route: [`<${proxy.scheme}:${proxy.host}${proxy.port !== undefined ? `:${proxy.port}` : ""};lr>`] } : {}),
            headers: [["Accept", "application/sdp"]],
          });
          status = await new Promise<number | undefined>((resolve) => {
            const timer = runtime.setTimer(timeoutMs, () => finish(undefined));
            const abort = () => finish(undefined);
            io.signal.addEventListener("abort", abort, { once: true });
            function finish(s: number | undefined) {
              runtime.clearTimer(timer);
              io.signal.removeEventListener("abort", abort);
              waiting.delete(exchange);
              resolve(s);
            }
            waiting.set(exchange, (s, response) => {
              // §8.1.3.1: a 408 or 503 the core made up (no response came) is no answer.
              if (response === undefined) {
                reason = s === 408 ? "timed out" : "transport failure";
                finish(undefined);
                return;
              }
              reason = response.reason;
              finish(s);
            });
          });
        } catch (error) {
          reason = describeError(error);
        }
        const rttMs = status === undefined ? undefined : Math.round((runtime.now() - started) * 10) / 10;
        results.push({ seq, status, reason, rttMs });
        report(io, flags.json === true, target, results[results.length - 1]!);
        if (seq < count && intervalMs > 0 && !io.signal.aborted) await sleep(runtime, intervalMs, io.signal);
      }
    } finally {
      await ep?.close();
    }
    const answered = results.filter((r) => r.status !== undefined);
    const rtts = results.flatMap((r) => (r.rttMs === undefined ? [] : [r.rttMs]));
    const summary = {
      target,
      sent: results.length,
      answered: answered.length,
      minMs: rtts.length ? Math.min(...rtts) : undefined,
      avgMs: rtts.length ? Math.round((rtts.reduce((a, b) => a + b, 0) / rtts.length) * 10) / 10 : undefined,
      maxMs: rtts.length ? Math.max(...rtts) : undefined,
    };
    if (flags.json === true) io.out(JSON.stringify({ summary }) + "\n");
    else if (count > 1) io.out(`--- ${target}: ${summary.sent} sent, ${summary.answered} answered${rtts.length ? `, rtt min/avg/max ${summary.minMs}/${summary.avgMs}/${summary.maxMs} ms` : ""}\n`);
    if (io.signal.aborted && results.length < count) return EXIT.INTERRUPTED;
    return summary.answered === summary.sent && summary.sent > 0 ? EXIT.OK : EXIT.FAILED;
  });
}

function report(io: CliIo, json: boolean, target: string, r: { seq: number; status: number | undefined; reason: string | undefined; rttMs: number | undefined }): void {
  if (json) {
    io.out(JSON.stringify({ seq: r.seq, target, status: r.status ?? null, reason: r.reason ?? null, rttMs: r.rttMs ?? null }) + "\n");
    return;
  }
  if (r.status === undefined) io.out(`${target}: no answer${r.reason !== undefined ? ` (${r.reason})` : ""}\n`);
  else io.out(`${target}: ${r.status}${r.reason ? ` ${r.reason}` : ""}, rtt ${r.rttMs} ms\n`);
}

function sleep(runtime: { setTimer(ms: number, f: () => void): unknown; clearTimer(h: unknown): void }, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = runtime.setTimer(ms, done);
    const abort = () => done();
    signal.addEventListener("abort", abort, { once: true });
    function done() {
      runtime.clearTimer(t);
      signal.removeEventListener("abort", abort);
      resolve();
    }
  });
}
