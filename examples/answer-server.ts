/**
 * The siphon answer server: a user agent server that answers every INVITE, whatever the user part
 * of its Request-URI — at once, or after ringing for `--ring-ms` (a 180, reliable when the caller
 * requires or supports 100rel, RFC 3262) — with the first of PCMU/PCMA it has in common with the
 * offer, its media pointed at a UDP port that sends every RTP packet back to where it came from.
 * Re-INVITEs and UPDATEs are answered as RFC 3264 §6.1 says (a `sendonly` hold gets `recvonly`,
 * `inactive` gets `inactive`), CANCEL, PRACK, session timers (RFC 4028) and BYE are handled by the
 * session core (src/session) on the real transport and transaction layers. Runs unchanged on Node,
 * Deno and Bun:
 *
 *     npm run build && node dist/examples/answer-server.js [flags]
 *     deno run -A examples/answer-server.ts [flags]
 *     bun examples/answer-server.ts [flags]
 *
 * Flags: --host 127.0.0.1  --port 5060  --transport udp|tcp|tls|ws|wss (repeatable or
 * comma-separated; default udp,tcp)  --ring-ms 0  --cert FILE --key FILE (PEM, for tls and wss)
 * --quiet. Try it with `baresip`, a softphone, or SIPp's uac scenario.
 *
 * `--auth user:pass` (challenge INVITEs with digest, RFC 7616) needs the digest server of
 * src/auth, which is not in the tree yet: the flag is refused until it is.
 */
import { readFileSync } from "node:fs";
import { loadRuntime } from "../runtimes/index.ts";
import { createSessionEndpoint, type ListenOptions } from "../src/driver/index.ts";
import type { MediaDirection, MediaFailure, MediaHandler, SessionBody } from "../src/session/index.ts";
import type { TransportProtocol } from "../src/transport/index.ts";
import { intFlag, readFlags, type FlagTable } from "./cli.ts";

interface Options {
  host: string;
  port: number;
  transports: TransportProtocol[];
  ringMs: number;
  cert?: string;
  key?: string;
  quiet: boolean;
}

const FLAGS: FlagTable = { host: "value", port: "value", transport: "list", "ring-ms": "value", cert: "value", key: "value", quiet: "switch", auth: "value" };
const TRANSPORTS: readonly string[] = ["UDP", "TCP", "TLS", "WS", "WSS"];

function parseOptions(argv: string[]): Options {
  const f = readFlags(argv, FLAGS);
  if (f["auth"] !== undefined) throw new Error("--auth needs the digest server of src/auth, not in this tree yet");
  const transports = ((f["transport"] as string[] | undefined) ?? ["udp", "tcp"]).map((t) => {
    const up = t.toUpperCase();
    if (!TRANSPORTS.includes(up)) throw new Error(`unknown transport ${t}`);
    return up as TransportProtocol;
  });
  return {
    host: (f["host"] as string | undefined) ?? "127.0.0.1",
    port: intFlag(f, "port", 5060, 0, 65535),
    transports,
    ringMs: intFlag(f, "ring-ms", 0, 0, 3_600_000),
    ...(f["cert"] !== undefined ? { cert: f["cert"] as string } : {}),
    ...(f["key"] !== undefined ? { key: f["key"] as string } : {}),
    quiet: f["quiet"] === true,
  };
}

const proc = (globalThis as { process?: { argv?: string[]; exit(code: number): never; on(sig: string, f: () => void): void } }).process;
let flags: Options;
try {
  flags = parseOptions((proc?.argv ?? []).slice(2));
} catch (e) {
  console.error(`answer-server: ${(e as Error).message}`);
  proc?.exit(2);
  throw e;
}
const secure = flags.transports.some((t) => t === "TLS" || t === "WSS");
if (secure && (flags.cert === undefined || flags.key === undefined)) {
  console.error("answer-server: --transport tls/wss needs --cert and --key (PEM files)");
  proc?.exit(2);
}
const tls = secure ? { cert: readFileSync(flags.cert!, "utf8"), key: readFileSync(flags.key!, "utf8") } : undefined;

const runtime = await loadRuntime();

// The media: one UDP port that sends every packet back to its sender (a plain echo until media
// sessions exist).
const echo = await runtime.udpBind({ host: flags.host, port: 0 }, { onMessage: (data, from) => echo.send(data, from.host, from.port) });
const mediaHost = echo.local.host.includes(":") ? `IP6 ${echo.local.host}` : `IP4 ${echo.local.host}`;

// ------------------------------------------------------------------------------------------ SDP
// A minimal answerer for this example only (a full SDP layer comes with src/sdp): the first audio
// stream, PCMU or PCMA (and telephone-event when offered), the direction of RFC 3264 §6.1; every
// other stream is refused with port 0 (§6).

const CODECS: [name: string, pt: number][] = [["PCMU", 0], ["PCMA", 8]];
const ANSWERED: Record<MediaDirection, MediaDirection> = { sendrecv: "sendrecv", sendonly: "recvonly", recvonly: "sendonly", inactive: "inactive" };
const text = (b: SessionBody): string => (typeof b.body === "string" ? b.body : new TextDecoder().decode(b.body));
let sessionVersion = 1;

/** One call's media: it answers offers, and re-offers the last answer (for refreshes). */
class EchoMedia implements MediaHandler {
  remoteHold = false;
  private readonly id = String(Date.now() % 1e9);
  private version = 0;
  private last = "";

  createOffer(): SessionBody {
    // We only make offers for offerless (re-)INVITEs: offer what we would answer.
    return { contentType: "application/sdp", body: this.describe([{ kind: "audio", pt: 0, name: "PCMU", te: undefined }], "sendrecv") };
  }

  receiveOffer(offer: SessionBody): SessionBody | MediaFailure {
    const lines = text(offer).split(/\r?\n/);
    const streams: { kind: string; pt: number | undefined; name: string; te: number | undefined }[] = [];
    let direction: MediaDirection = "sendrecv";
    let sessionDirection: MediaDirection = "sendrecv";
    let held = false;
    let current: (typeof streams)[number] | undefined;
    let fmts: string[] = [];
    const rtpmap = new Map<string, string>();
    const finish = () => {
      if (current === undefined) return;
      if (current.kind === "audio") {
        for (const [name, pt] of CODECS) {
          const found = fmts.find((f) => (rtpmap.get(f) ?? (f === String(pt) ? name : "")).toUpperCase().startsWith(name));
          if (found !== undefined) {
            current.pt = Number(found);
            current.name = name;
            break;
          }
        }
        const te = fmts.find((f) => (rtpmap.get(f) ?? "").toLowerCase().startsWith("telephone-event"));
        current.te = te === undefined ? undefined : Number(te);
      }
      streams.push(current);
    };
    for (const line of lines) {
      if (line.startsWith("m=")) {
        finish();
        const [kind, , , ...rest] = line.slice(2).trim().split(/\s+/);
        current = { kind: kind ?? "", pt: undefined, name: "", te: undefined };
        fmts = rest;
        rtpmap.clear();
      } else if (line.startsWith("a=rtpmap:")) {
        const [pt, enc] = line.slice(9).split(/\s+/);
        if (pt !== undefined && enc !== undefined) rtpmap.set(pt, enc);
      } else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) {
        if (current === undefined) sessionDirection = line.slice(2) as MediaDirection;
        else direction = line.slice(2) as MediaDirection;
      } else if (line.startsWith("c=") && /\s0\.0\.0\.0$/.test(line)) {
        held = true; // RFC 3264 §8.4: the legacy way to put a stream on hold
      }
    }
    finish();
    if (current === undefined && direction === "sendrecv") direction = sessionDirection;
    const audio = streams.find((s) => s.kind === "audio" && s.pt !== undefined);
    if (audio === undefined) {
      return { ok: false, status: 488, warning: { code: 305, text: "Incompatible media format" }, reason: "no PCMU or PCMA" };
    }
    if (held && direction === "sendrecv") direction = "sendonly";
    this.remoteHold = direction === "sendonly" || direction === "inactive";
    this.last = this.describe(streams, ANSWERED[direction]);
    return { contentType: "application/sdp", body: this.last };
  }

  receiveAnswer(): true {
    return true;
  }

  rollback(): void {}

  close(): void {}

  private describe(streams: { kind: string; pt: number | undefined; name: string; te: number | undefined }[], direction: MediaDirection): string {
    let sdp = `v=0\r\no=siphon ${this.id} ${++this.version + sessionVersion} IN ${mediaHost}\r\ns=-\r\nc=IN ${mediaHost}\r\nt=0 0\r\n`;
    let usedAudio = false;
    for (const s of streams) {
      if (s.kind === "audio" && s.pt !== undefined && !usedAudio) {
        usedAudio = true;
        const pts = s.te === undefined ? `${s.pt}` : `${s.pt} ${s.te}`;
        sdp += `m=audio ${echo.local.port} RTP/AVP ${pts}\r\na=rtpmap:${s.pt} ${s.name}/8000\r\n`;
        if (s.te !== undefined) sdp += `a=rtpmap:${s.te} telephone-event/8000\r\na=fmtp:${s.te} 0-16\r\n`;
        sdp += `a=ptime:20\r\na=${direction}\r\n`;
      } else {
        // RFC 3264 §6: a stream we do not take is answered with port 0.
        sdp += `m=${s.kind || "audio"} 0 RTP/AVP 0\r\n`;
      }
    }
    return sdp;
  }
}

// ------------------------------------------------------------------------------------------ calls

const listen: ListenOptions[] = flags.transports.map((transport) => ({
  transport,
  host: flags.host,
  port: flags.port,
  ...(transport === "TLS" || transport === "WSS" ? { tls } : {}),
}));
const stats = { calls: 0, answered: 0, ended: 0 };
const log = (s: string) => {
  if (!flags.quiet) console.log(s);
};

const server = await createSessionEndpoint({
  runtime,
  listen,
  contactUser: "answer",
  // Completed INVITE and BYE transactions stay up to 64*T1 = 32 s (RFC 6026 Timer L, RFC 3261
  // Timer J): at a few thousand calls per second that is a few hundred thousand of them.
  transactions: { maxServerTransactions: 1_000_000, maxClientTransactions: 100_000 },
  media: () => new EchoMedia(),
  userAgent: "siphon answer-server",
  endpoint: { transportUser: { transportFailed: (error) => log(`transport: ${error.code} ${error.message}`) } },
  onSessionEvent(e, now) {
    switch (e.type) {
      case "incoming": {
        stats.calls++;
        const session = e.session;
        if (flags.ringMs === 0) {
          session.answer(now);
          break;
        }
        session.ring(now, { reliable: true });
        runtime.setTimer(flags.ringMs, () => {
          if (session.state === "incoming" || session.state === "early") session.answer(server.now());
        });
        break;
      }
      case "confirmed":
        stats.answered++;
        log(`call ${e.session.callId} answered`);
        break;
      case "hold":
      case "resume":
        log(`call ${e.session.callId} ${e.type} (by ${e.by})`);
        break;
      case "terminated":
        stats.ended++;
        log(`call ${e.session.callId} ended: ${e.reason}${e.status !== undefined ? ` ${e.status}` : ""}`);
        break;
      default:
        break;
    }
  },
});

for (const lp of server.endpoint.listeningPoints) {
  console.log(`siphon answer server on ${runtime.name}: ${lp.transport} ${lp.local.host}:${lp.local.port}`);
}
console.log(`siphon answer server media echo: UDP ${echo.local.host}:${echo.local.port}`);

proc?.on("SIGINT", () => {
  console.log(`calls ${stats.calls}, answered ${stats.answered}, ended ${stats.ended}`);
  echo.close();
  void server.close().then(() => proc.exit(0));
});
proc?.on("SIGTERM", () => {
  echo.close();
  void server.close().then(() => proc.exit(0));
});
