/**
 * What the `call`, `answer` and `register` commands share: the flags that make a user agent
 * (identity, credentials, registrar, proxy, transport, addresses, media) and the user agent made
 * from them. A password may come from `SIPHON_PASSWORD` instead of the command line (where other
 * users of the machine can read it).
 */
import { createUserAgent } from "../client/index.ts";
import type { CodecChoice, UserAgent, UserAgentOptions } from "../client/index.ts";
import type { TransportProtocol } from "../transport/index.ts";
import type { CliIo } from "./command.ts";
import { localBinding } from "./environment.ts";
import type { CliEnvironment } from "./environment.ts";
import { CliUsageError } from "./flags.ts";
import type { FlagSpec, ParsedFlags } from "./flags.ts";
import { sipUriArg } from "./options.ts";

/** Flags of every command that makes a user agent. */
export const AGENT_FLAGS = {
  from: { kind: "string", arg: "AOR", help: "our address of record (From), e.g. sip:alice@example.com" },
  user: { kind: "string", arg: "U", help: "digest username (default: the AOR's user)" },
  password: { kind: "string", arg: "P", help: "digest password (or the SIPHON_PASSWORD environment variable)" },
  registrar: { kind: "string", arg: "HOST", help: "register with this registrar first (URI or host[:port])" },
  proxy: { kind: "string", arg: "URI", help: "outbound proxy: every request goes through it" },
  transport: { kind: "string", choices: ["udp", "tcp", "tls", "ws", "wss"], help: "SIP transport (default udp)" },
  bind: { kind: "string", arg: "HOST", help: "local address to bind (default: loopback for a loopback peer, else all)" },
  port: { kind: "int", min: 0, max: 65535, help: "local SIP port (default: any free one)" },
  public: { kind: "string", arg: "HOST", help: "public address to write in Via, Contact and SDP (NAT)" },
  stun: { kind: "string", arg: "HOST:PORT", help: "learn the public address from this STUN server (RFC 8489)" },
  codecs: { kind: "list", choices: ["opus", "g722", "pcmu", "pcma"], help: "codecs in order of preference (default opus,g722,pcmu,pcma)" },
  srtp: { kind: "switch", help: "require SDES-SRTP (RTP/SAVP); default: offer keys, use them when answered" },
  "no-srtp": { kind: "switch", help: "plain RTP only" },
  "rtp-ports": { kind: "string", arg: "MIN-MAX", help: "RTP port range (default 20000-29999)" },
  json: { kind: "switch", help: "one JSON object per event on stdout, for scripts" },
} as const satisfies Record<string, FlagSpec>;

/** The parsed agent flags. */
export type AgentFlags = ParsedFlags<typeof AGENT_FLAGS>;

/** Makes the user agent the flags describe, for talking to `peerHost` (picks the local address). */
export async function agentFromFlags(env: CliEnvironment, io: CliIo, flags: AgentFlags, peerHost: string | undefined, extra: Partial<UserAgentOptions> = {}): Promise<UserAgent> {
  if (flags.srtp && flags["no-srtp"]) throw new CliUsageError("BAD_VALUE", "--srtp and --no-srtp exclude each other");
  const from = flags.from === undefined ? undefined : sipUriArg(flags.from, "--from");
  if (from !== undefined && from.user === undefined) throw new CliUsageError("BAD_VALUE", "--from needs a user part (user@host)");
  const password = flags.password ?? io.env("SIPHON_PASSWORD");
  if ((flags.user !== undefined || flags.registrar !== undefined) && from === undefined) throw new CliUsageError("MISSING_ARGUMENT", "--user and --registrar need --from AOR");
  if (flags.user !== undefined && password === undefined) throw new CliUsageError("MISSING_ARGUMENT", "--user needs --password (or SIPHON_PASSWORD)");
  const registrar = flags.registrar === undefined ? undefined : sipUriArg(flags.registrar, "--registrar");
  const proxy = flags.proxy === undefined ? undefined : sipUriArg(flags.proxy, "--proxy");
  let ports: { min: number; max: number } | undefined;
  if (flags["rtp-ports"] !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(flags["rtp-ports"]);
    const min = m ? Number(m[1]) : 0;
    const max = m ? Number(m[2]) : 0;
    if (!(min >= 1024 && max <= 65535 && max - min >= 3)) throw new CliUsageError("BAD_VALUE", "--rtp-ports must be MIN-MAX within 1024-65535, at least 4 ports");
    ports = { min, max };
  }
  const transport = (flags.transport ?? (typeof (proxy ?? registrar)?.params["transport"] === "string" ? String((proxy ?? registrar)!.params["transport"]) : "udp")).toUpperCase() as TransportProtocol;
  const hostOf = (uri: { host: string } | undefined) => uri?.host;
  const local = localBinding(env, hostOf(proxy) ?? hostOf(registrar) ?? peerHost ?? hostOf(from), flags.bind, flags.public);
  const runtime = await env.loadRuntime();
  const withTransport = (u: typeof proxy) => (u === undefined ? undefined : `${u.scheme}:${u.host}${u.port !== undefined ? `:${u.port}` : ""}${transport !== "UDP" ? `;transport=${transport.toLowerCase()}` : ""}`);
  const options: UserAgentOptions = {
    runtime,
    host: local.host,
    transports: [{ transport, ...(flags.port !== undefined ? { port: flags.port } : {}) }],
    userAgent: "siphon-cli",
    ...(from !== undefined ? { aor: `sip:${from.user}@${from.host}${from.port !== undefined ? `:${from.port}` : ""}` } : {}),
    ...(password !== undefined && from !== undefined ? { credentials: { username: flags.user ?? from!.user!, password } } : {}),
    ...(registrar !== undefined ? { registrar: withTransport(registrar)! } : {}),
    ...(proxy !== undefined ? { outboundProxy: withTransport(proxy)! } : {}),
    ...(flags.stun !== undefined ? { stunServer: flags.stun } : local.host === "0.0.0.0" || flags.public !== undefined ? { publicAddress: { host: local.advertised } } : {}),
    media: {
      ...(flags.codecs !== undefined ? { codecs: flags.codecs as CodecChoice[] } : {}),
      srtp: flags.srtp ? "mandatory" : flags["no-srtp"] ? false : "optional",
      ...(ports !== undefined ? { ports } : {}),
    },
  };
  return createUserAgent({ ...options, ...extra });
}
