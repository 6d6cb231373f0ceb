/**
 * A headless baresip (Debian's baresip-core) for the interop tests: a configuration written to a
 * temporary directory (loopback only, no audio device, a generated tone as the source, optionally
 * SDES-SRTP and the sndfile dump of what it sends and receives), the process started and stopped
 * by its PID, and its ctrl_tcp interface (netstring-framed JSON) to place calls and wait for
 * events.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopProcess } from "./process.ts";

/** How to run one baresip. */
export interface BaresipOptions {
  /** SIP port on 127.0.0.1. */
  readonly sipPort: number;
  /** ctrl_tcp port on 127.0.0.1. */
  readonly ctrlPort: number;
  /** RTP port range, e.g. "21000-21099". */
  readonly rtpPorts: string;
  /** Codecs in baresip's names, e.g. "PCMU/8000/1,PCMA/8000/1" or "opus/48000/2". */
  readonly codecs?: string;
  /** Extra modules, e.g. ["opus.so"]. */
  readonly modules?: readonly string[];
  /** SDES-SRTP: "srtp" (offered), "srtp-mand" (RTP/SAVP, required). */
  readonly mediaenc?: "srtp" | "srtp-mand";
  /** Frequency of the sine it sends, Hz. */
  readonly toneHz?: number;
  /** Dump what it sends and what it decodes to WAV files (sndfile module). */
  readonly dump?: boolean;
  /** The account's SIP transport. Default "udp". */
  readonly transport?: "udp" | "tcp";
  /** Credentials it answers 401/407 challenges with (auth_user, auth_pass). */
  readonly auth?: { readonly user: string; readonly password: string };
  /** The user part of its address. Default "interop". */
  readonly user?: string;
  /**
   * A registrar, `host:port`: its address of record becomes `sip:USER@host:port` and it registers
   * there (every 60 s) with `auth`. Without it, it does not register (regint=0).
   */
  readonly registrar?: string;
  /**
   * Incoming calls: answered at once ("auto", default), left ringing for an `accept` command
   * ("manual"), or given a 183 with SDP and early media until `accept` ("early").
   */
  readonly answer?: "auto" | "manual" | "early";
}

/** A running baresip. */
export interface Baresip {
  readonly dir: string;
  readonly process: ChildProcess;
  /** Everything it logged (SIP trace included). */
  log(): string;
  /** Runs a ctrl_tcp command (e.g. "dial", "sip:echo@127.0.0.1:5060"); resolves with its response. */
  command(command: string, params?: string): Promise<{ ok: boolean; data: string }>;
  /** Resolves with the first event of `type` (e.g. CALL_ESTABLISHED) within `timeoutMs`. */
  event(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /**
   * Resolves once its account shows registered (`reginfo` polled: baresip fires REGISTER_OK
   * before a ctrl_tcp client can attach).
   */
  registered(timeoutMs?: number): Promise<void>;
  /** Every ctrl_tcp event of `type` seen so far. */
  events(type: string): Record<string, unknown>[];
  /** The WAV files the sndfile module wrote (`-dec.wav`: received, `-enc.wav`: sent). */
  dumps(): string[];
  stop(): Promise<void>;
}

const MODULES = "/usr/lib/baresip/modules";

function readdirSafe(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

/** Starts a baresip and waits until its ctrl_tcp port answers. */
export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), "siphon-baresip-"));
  const modules = ["g711.so", "ausine.so", "srtp.so", ...(o.modules ?? []), ...(o.dump ? ["sndfile.so"] : [])];
  const config = [
    "poll_method epoll",
    `sip_listen 127.0.0.1:${o.sipPort}`,
    "audio_path /usr/share/baresip",
    `audio_source ausine,${o.toneHz ?? 440}`,
    // ausine makes 48 kHz stereo only; baresip converts to the codec's rate.
    "ausrc_srate 48000",
    "ausrc_channels 2",
    "audio_level no",
    `rtp_ports ${o.rtpPorts}`,
    "rtcp_mux no",
    "jitter_buffer_delay 5-10",
    "rtp_stats yes",
    // This host has a non-loopback interface too: pin everything to loopback.
    "net_interface 127.0.0.1",
    `module_path ${MODULES}`,
    ...modules.map((m) => `module ${m}`),
    ...(o.dump ? [`snd_path ${dir}`] : []),
    "module_app account.so",
    "module_app menu.so",
    "module_app ctrl_tcp.so",
    `ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}`,
  ].join("\n");
  writeFileSync(join(dir, "config"), config + "\n");
  const auth = o.auth ? `;auth_user=${o.auth.user};auth_pass=${o.auth.password}` : "";
  const user = o.user ?? "interop";
  const params = `;regint=${o.registrar !== undefined ? 60 : 0};answermode=${o.answer ?? "auto"};audio_codecs=${o.codecs ?? "PCMU/8000/1,PCMA/8000/1"}${o.mediaenc ? `;mediaenc=${o.mediaenc}` : ""}${auth}`;
  writeFileSync(join(dir, "accounts"), `<sip:${user}@${o.registrar ?? `127.0.0.1:${o.sipPort}`};transport=${o.transport ?? "udp"}>${params}\n`);
  writeFileSync(join(dir, "contacts"), "");
  let log = "";
  const child = spawn("baresip", ["-f", dir, "-s"], { stdio: ["ignore", "pipe", "pipe"], detached: false });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const ctrl = await connectRetry(o.ctrlPort, 10_000, () => child.exitCode !== null);
  if (!ctrl) {
    child.kill("SIGKILL");
    throw new Error(`baresip did not start:\n${log}`);
  }
  return controller(dir, child, ctrl, () => log);
}

async function connectRetry(port: number, timeoutMs: number, dead: () => boolean): Promise<Socket | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !dead()) {
    const s = await new Promise<Socket | undefined>((resolve) => {
      const sock = connect({ host: "127.0.0.1", port });
      sock.once("connect", () => resolve(sock));
      sock.once("error", () => resolve(undefined));
    });
    if (s) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

function controller(dir: string, child: ChildProcess, sock: Socket, log: () => string): Baresip {
  let buf = Buffer.alloc(0);
  const messages: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => boolean)[] = [];
  sock.on("data", (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    // Netstrings: <length>:<JSON>,
    for (;;) {
      const colon = buf.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(buf.subarray(0, colon).toString());
      if (buf.length < colon + len + 2) return;
      const body = buf.subarray(colon + 1, colon + 1 + len).toString();
      buf = buf.subarray(colon + len + 2);
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(body) as Record<string, unknown>;
      } catch {
        continue;
      }
      messages.push(m);
      for (let i = 0; i < waiters.length; i++) if (waiters[i]!(m)) waiters.splice(i--, 1);
    }
  });
  const wait = (match: (m: Record<string, unknown>) => boolean, timeoutMs: number, what: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = messages.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`baresip: no ${what} within ${timeoutMs} ms\n${log().slice(-3000)}`)), timeoutMs);
      waiters.push((m) => {
        if (!match(m)) return false;
        clearTimeout(timer);
        resolve(m);
        return true;
      });
    });
  let tokens = 0;
  return {
    dir,
    process: child,
    log,
    async command(command, params = "") {
      const token = `t${++tokens}`;
      const msg = JSON.stringify({ command, params, token });
      sock.write(`${Buffer.byteLength(msg)}:${msg},`);
      const r = await wait((m) => m["response"] === true && m["token"] === token, 10_000, `response to ${command}`);
      return { ok: r["ok"] === true, data: String(r["data"] ?? "") };
    },
    event(type, timeoutMs = 15_000) {
      return wait((m) => m["event"] === true && m["type"] === type, timeoutMs, `event ${type}`);
    },
    async registered(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const r = await this.command("reginfo");
        // The status is coloured: `\x1b[32mOK \x1b[;m`.
        if (/\bOK\b/.test(r.data.replace(/\x1b\[[0-9;]*m/g, " "))) return;
        if (Date.now() > until) throw new Error(`baresip: not registered within ${timeoutMs} ms: ${r.data}\n${log().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    events(type) {
      return messages.filter((m) => m["event"] === true && m["type"] === type);
    },
    dumps() {
      return readdirSafe(dir).filter((f) => f.endsWith(".wav")).map((f) => join(dir, f));
    },
    async stop() {
      sock.destroy();
      await stopProcess(child, 3000);
    },
  };
}
