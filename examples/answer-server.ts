/**
 * The siphon answer server: a user agent server that answers every INVITE, whatever the user part
 * of its Request-URI — at once, or after ringing for `--ring-ms` (a 180, reliable when the caller
 * requires or supports 100rel, RFC 3262) — and echoes the caller's audio through a real media
 * session: each received packet is decrypted (SDES-SRTP when the caller offers RTP/SAVP, or crypto
 * lines in RTP/AVP), decoded, played out through the jitter buffer with concealment, and what is
 * played is encoded again with the codec the caller offered first among Opus, G.722, PCMU and PCMA
 * and sent back (from the caller's first packet on: nothing is sent to a caller that sends nothing). DTMF (RFC 4733, or SIP INFO) is logged. Re-INVITEs and UPDATEs change the media as
 * RFC 3264 says (hold stops our sending, a new codec or address is taken), CANCEL, PRACK, session
 * timers (RFC 4028) and BYE are handled by the session core (src/session) on the real transport and
 * transaction layers. Runs unchanged on Node, Deno and Bun:
 *
 *     npm run build && node dist/examples/answer-server.js [flags]
 *     deno run -A examples/answer-server.ts [flags]
 *     bun examples/answer-server.ts [flags]
 *
 * Flags: --host 127.0.0.1  --port 5060  --transport udp|tcp|tls|ws|wss (repeatable or
 * comma-separated; default udp,tcp)  --ring-ms 0  --cert FILE --key FILE (PEM, for tls and wss)
 * --rtp-ports 20000-29999 (RTP/RTCP pairs)  --codecs opus,g722,pcmu,pcma (those to accept)
 * --srtp optional|mandatory|off (default optional: SRTP whenever the caller offers it)  --quiet
 * --auth user:pass (repeatable)  --realm siphon  --nonce-ttl 300000.
 * Try it with `baresip`, a softphone, or SIPp's uac scenario.
 *
 * `--auth user:pass` (repeatable) makes it challenge every INVITE that starts a call with digest
 * authentication (RFC 3261 §22.1, RFC 7616): 401 with an MD5 challenge for realm `--realm`
 * (default `siphon`), nonces checked by their MAC and age (`--nonce-ttl` ms, default 300 000) with
 * no state per nonce, an expired nonce answered `stale=true`, a replayed nonce count refused. The
 * session core's challenger does it before any session or media is made (src/session `challenger`).
 * Requests inside an established dialog are not challenged: they name a dialog only the caller knows.
 */
import { readFileSync } from "node:fs";
import { loadRuntime } from "../runtimes/index.ts";
import { createDigestServer, digestHa1 } from "../src/auth/index.ts";
import type { DigestIdentity } from "../src/auth/index.ts";
import { createMediaDriver, createSessionEndpoint, rtpMediaHandlers } from "../src/driver/index.ts";
import type { ListenOptions, RtpMediaHandler } from "../src/driver/index.ts";
import { G722, OPUS, PCMA, PCMU, warmUpAudioCodecs } from "../src/media/index.ts";
import type { AudioCodec } from "../src/media/index.ts";
import { digestChallenger } from "../src/session/index.ts";
import type { MediaContext, RequestChallenger } from "../src/session/index.ts";
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
  rtpPorts: [number, number];
  codecs: AudioCodec[];
  srtp: "optional" | "mandatory" | "off";
  /** Accounts callers must authenticate as (user, password); empty: no challenge. */
  auth: [string, string][];
  realm: string;
  nonceTtl: number;
}

const FLAGS: FlagTable = {
  host: "value", port: "value", transport: "list", "ring-ms": "value", cert: "value", key: "value", quiet: "switch", auth: "list", realm: "value", "nonce-ttl": "value",
  "rtp-ports": "value", codecs: "list", srtp: "value",
};
const CODECS: Record<string, AudioCodec> = { opus: OPUS, g722: G722, pcmu: PCMU, pcma: PCMA };
const TRANSPORTS: readonly string[] = ["UDP", "TCP", "TLS", "WS", "WSS"];

function parseOptions(argv: string[]): Options {
  const f = readFlags(argv, FLAGS);
  const auth = ((f["auth"] as string[] | undefined) ?? []).map((a): [string, string] => {
    const colon = a.indexOf(":");
    if (colon <= 0) throw new Error("--auth must be user:password");
    return [a.slice(0, colon), a.slice(colon + 1)];
  });
  const transports = ((f["transport"] as string[] | undefined) ?? ["udp", "tcp"]).map((t) => {
    const up = t.toUpperCase();
    if (!TRANSPORTS.includes(up)) throw new Error(`unknown transport ${t}`);
    return up as TransportProtocol;
  });
  const range = /^(\d+)-(\d+)$/.exec((f["rtp-ports"] as string | undefined) ?? "20000-29999");
  const rtpPorts: [number, number] = range ? [Number(range[1]), Number(range[2])] : [0, 0];
  if (!(rtpPorts[0] >= 1024 && rtpPorts[1] <= 65535 && rtpPorts[1] - rtpPorts[0] >= 3)) throw new Error("--rtp-ports must be MIN-MAX within 1024-65535");
  const codecs = ((f["codecs"] as string[] | undefined) ?? ["opus", "g722", "pcmu", "pcma"]).map((c) => {
    const codec = CODECS[c.toLowerCase()];
    if (codec === undefined) throw new Error(`unknown codec ${c} (opus, g722, pcmu, pcma)`);
    return codec;
  });
  const srtp = (f["srtp"] as string | undefined) ?? "optional";
  if (srtp !== "optional" && srtp !== "mandatory" && srtp !== "off") throw new Error("--srtp must be optional, mandatory or off");
  return {
    rtpPorts,
    codecs,
    srtp,
    host: (f["host"] as string | undefined) ?? "127.0.0.1",
    port: intFlag(f, "port", 5060, 0, 65535),
    transports,
    ringMs: intFlag(f, "ring-ms", 0, 0, 3_600_000),
    ...(f["cert"] !== undefined ? { cert: f["cert"] as string } : {}),
    ...(f["key"] !== undefined ? { key: f["key"] as string } : {}),
    quiet: f["quiet"] === true,
    auth,
    realm: (f["realm"] as string | undefined) ?? "siphon",
    nonceTtl: intFlag(f, "nonce-ttl", 300_000, 1, 86_400_000),
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

const stats = { calls: 0, answered: 0, ended: 0 };
const log = (s: string) => {
  if (!flags.quiet) console.log(s);
};

// ------------------------------------------------------------------------------------------ media
// RTP/RTCP port pairs bound ahead from the range (so each INVITE is answered at once), one media
// clock for every call, SRTP keystream from the runtime's native AES.

const media = await createMediaDriver({
  runtime,
  host: flags.host,
  // Pairs bound ahead: an INVITE's answer takes one at once, so a burst of new calls larger than
  // this within one binding round is answered 500 (a load generator's first window of 128 was).
  ports: { minPort: flags.rtpPorts[0], maxPort: flags.rtpPorts[1], spare: 160 },
  // Callers behind a NAT: send to where their packets come from (RFC 7362 latching). The echo
  // writes each frame as it is played out, one per ptime, so its send queue needs a few frames, not
  // the default two seconds (a ring allocated per call: 192 kB at Opus's 48 kHz).
  session: { latching: true, rtpTimeoutMs: 60_000, sendQueueMs: 200 },
});
// The codecs' first frames in the process (libopus compiled from its Wasm bytes, the engine's
// optimizing of each codec's functions) are paid now rather than by the first call.
warmUpAudioCodecs(flags.codecs);
const handlers = rtpMediaHandlers(media, {
  codecs: flags.codecs,
  // The echo answers in the caller's order of preference: it sends back with the codec offered first.
  codecOrder: "offer",
  // An echo has nothing to send before it hears the caller: each call's RTP session (its media
  // clock, codec, SRTP contexts, RTCP) starts with the caller's first packet, which it plays out
  // and echoes like the rest. A caller that never sends media costs a port pair and SDP only.
  startOnFirstPacket: true,
  srtp: flags.srtp === "off" ? false : { mandatory: flags.srtp === "mandatory" },
});

/** One call's media: what is played out goes straight back, re-encoded with the call's codec. */
function echoMedia(context: MediaContext): RtpMediaHandler {
  const h = handlers(context) as RtpMediaHandler;
  h.onAudio = (frame) => h.writeAudio(frame.samples);
  h.onEvent = (e) => {
    if (e.type === "dtmf" || e.type === "info-dtmf") log(`call ${context.callId} DTMF ${e.digit ?? "?"}${e.type === "info-dtmf" ? " (INFO)" : ""}`);
    else if (e.type === "rtp-timeout") log(`call ${context.callId} no RTP for ${e.silentMs} ms`);
    else if (e.type === "closed" && !flags.quiet) {
      const q = e.quality;
      log(`call ${context.callId} media ${q.codec ?? "-"}: ${q.packetsReceived} packets in, ${q.packetsSent} out, loss ${q.lossPercent} %, jitter ${q.jitterMs} ms, MOS ${q.mos}`);
    }
  };
  return h;
}

// ------------------------------------------------------------------------------------------ calls

/**
 * RFC 3261 §22.1: INVITEs that start a call are challenged (401) until they carry credentials of one
 * of the accounts; the HA1 of each account and hash is computed once (the password is not kept
 * beyond that and never logged).
 */
function inviteChallenger(): RequestChallenger | undefined {
  if (flags.auth.length === 0) return undefined;
  const server = createDigestServer({ realm: flags.realm, nonceTtl: flags.nonceTtl });
  const ha1s = new Map<string, string>();
  const passwords = new Map(flags.auth);
  const lookup = (id: DigestIdentity): string | undefined => {
    const key = `${id.hash} ${id.username}`;
    let ha1 = ha1s.get(key);
    if (ha1 === undefined) {
      const password = id.userhash ? undefined : passwords.get(id.username);
      if (password === undefined) return undefined;
      ha1 = digestHa1(id.username, flags.realm, password, id.hash);
      ha1s.set(key, ha1);
    }
    return ha1;
  };
  return digestChallenger(server, lookup, { methods: ["INVITE"], outOfDialogOnly: true });
}
const challenger = inviteChallenger();

const listen: ListenOptions[] = flags.transports.map((transport) => ({
  transport,
  host: flags.host,
  port: flags.port,
  ...(transport === "TLS" || transport === "WSS" ? { tls } : {}),
}));
const server = await createSessionEndpoint({
  runtime,
  listen,
  contactUser: "answer",
  // Completed INVITE and BYE transactions stay up to 64*T1 = 32 s (RFC 6026 Timer L, RFC 3261
  // Timer J): at a few thousand calls per second that is a few hundred thousand of them.
  transactions: { maxServerTransactions: 1_000_000, maxClientTransactions: 100_000 },
  media: echoMedia,
  ...(challenger !== undefined ? { challenger } : {}),
  // DTMF by SIP INFO (application/dtmf-relay) when the caller has no telephone-event.
  methods: ["INFO"],
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
      case "request": {
        const media = e.session?.media as RtpMediaHandler | undefined;
        const type = e.request.header("Content-Type") ?? "";
        const taken = media?.handleInfo({ contentType: type, body: e.request.body }) ?? false;
        // RFC 6086 §4.2.2: an INFO whose content we do not take is answered 415.
        server.core.respond(e, taken ? 200 : 415, now);
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
if (challenger !== undefined) console.log(`siphon answer server challenges INVITEs: digest MD5, realm "${flags.realm}", ${flags.auth.length} account(s)`);
console.log(`siphon answer server media echo: RTP ${flags.host} ports ${flags.rtpPorts[0]}-${flags.rtpPorts[1]} (${flags.codecs.map((c) => c.name).join(", ")}; SRTP ${flags.srtp})`);

proc?.on("SIGINT", () => {
  console.log(`calls ${stats.calls}, answered ${stats.answered}, ended ${stats.ended}`);
  media.close();
  void server.close().then(() => proc.exit(0));
});
proc?.on("SIGTERM", () => {
  media.close();
  void server.close().then(() => proc.exit(0));
});
