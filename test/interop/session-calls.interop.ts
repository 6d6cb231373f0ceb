// Interop: third-party callers place whole calls to the siphon answer server (examples/answer-server.ts,
// built under dist/, on Node) over UDP and TCP, with and without digest authentication (--auth):
// baresip (Debian's baresip-core) — INVITE, 200, ACK, RTP both ways, BYE, 200 — and sipsak, which
// is no user agent (it sends one request from a file and ACKs a final answer) but drives a dialog
// when given the INVITE and then the BYE. Every answer each caller got is counted from its own
// trace. Run by `npm run test:interop` (CI installs baresip-core and sipsak).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBaresip } from "./peers/baresip.ts";

const PLAIN = 27060;
const AUTH = 27062;
// Apart, since each server binds pairs of its range ahead of the calls (as many as it may need at once).
const RTP = [27100, 27199] as const;
const AUTH_RTP = [27600, 27699] as const;
const PEER_RTP = "27200-27299";
const have = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** The answer server on Node with `extra` flags; resolves once it listens. */
async function startServer(port: number, rtp: readonly [number, number], extra: string[]): Promise<{ proc: ChildProcess; out: () => string }> {
  let output = "";
  const proc = spawn(process.execPath, ["dist/examples/answer-server.js", "--port", String(port), "--transport", "udp,tcp", "--rtp-ports", `${rtp[0]}-${rtp[1]}`, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (output += d));
  proc.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 400 && !output.includes("media echo"); i++) await new Promise((r) => setTimeout(r, 50));
  return { proc, out: () => output };
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The responses in a SIP trace as `STATUS METHOD` (from the status line and the CSeq of each), in
 * order: baresip's `-s` trace and sipsak's `-vvv` output both print whole messages.
 */
function responsesIn(trace: string): string[] {
  const out: string[] = [];
  // A status line, then header lines (no blank line: the same message) up to its CSeq.
  const re = /SIP\/2\.0 (\d{3}) [^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?[ \t]*CSeq:[ \t]*\d+[ \t]+([A-Z]+)/gi;
  for (let m = re.exec(trace); m !== null; m = re.exec(trace)) out.push(`${m[1]} ${m[2]!.toUpperCase()}`);
  return out;
}

/** How many of `list` are `item`. */
const count = (list: readonly string[], item: string) => list.filter((x) => x === item).length;

describe.skipIf(!have("baresip"))("baresip calls the siphon answer server (Node) over UDP and TCP, with and without digest authentication", () => {
  let plain: { proc: ChildProcess; out: () => string };
  let auth: { proc: ChildProcess; out: () => string };
  beforeAll(async () => {
    plain = await startServer(PLAIN, RTP, []);
    auth = await startServer(AUTH, AUTH_RTP, ["--auth", "interop:secret", "--realm", "interop.test"]);
    expect(plain.out()).toContain(`TCP 127.0.0.1:${PLAIN}`);
    expect(auth.out()).toContain('challenges INVITEs: digest MD5, realm "interop.test"');
  });
  afterAll(() => {
    plain?.proc.kill("SIGKILL");
    auth?.proc.kill("SIGKILL");
  });

  const cases = [
    { transport: "udp", auth: false },
    { transport: "tcp", auth: false },
    { transport: "udp", auth: true },
    { transport: "tcp", auth: true },
  ] as const;
  for (const [i, c] of cases.entries()) {
    const rfc = c.auth ? "RFC 3261 §13, §15, §22.2 / RFC 7616" : "RFC 3261 §13, §15";
    it(`${rfc}: over ${c.transport.toUpperCase()}${c.auth ? " with --auth" : ""}: answered, RTP both ways, BYE answered 200`, async () => {
      const server = c.auth ? auth : plain;
      const port = c.auth ? AUTH : PLAIN;
      const peer = await startBaresip({
        sipPort: 27064 + 2 * i,
        ctrlPort: 27464 + i,
        rtpPorts: PEER_RTP,
        codecs: "PCMU/8000/1",
        transport: c.transport,
        ...(c.auth ? { auth: { user: "interop", password: "secret" } } : {}),
      });
      let callId = "";
      try {
        const established = peer.event("CALL_ESTABLISHED");
        const uri = `sip:echo@127.0.0.1:${port}${c.transport === "tcp" ? ";transport=tcp" : ""}`;
        expect((await peer.command("dial", uri)).ok).toBe(true);
        const e = await established;
        callId = String(e["id"] ?? "");
        await new Promise((r) => setTimeout(r, 2000));
        const closed = peer.event("CALL_CLOSED");
        await peer.command("hangup");
        await closed;
        await until("the server to log the end", () => server.out().includes(`call ${callId} ended: bye`));
        await until("the media summary", () => new RegExp(`call ${callId} media`).test(server.out()));
      } finally {
        await peer.stop();
      }
      const got = responsesIn(peer.log());
      // What came back to baresip: one 200 to the INVITE (retransmissions absorbed by its
      // transaction are not traced twice), a 401 first when challenged, and 200 to the BYE.
      expect(count(got, "200 INVITE"), got.join(", ")).toBe(1);
      expect(count(got, "401 INVITE"), got.join(", ")).toBe(c.auth ? 1 : 0);
      expect(count(got, "200 BYE"), got.join(", ")).toBe(1);
      expect(got.filter((r) => !/^(100|180|183|200|401) /.test(r)), got.join(", ")).toEqual([]);
      // The server's media summary: RTP in and out through the echo (50 packets a second each way).
      const media = new RegExp(`call ${callId} media PCMU: (\\d+) packets in, (\\d+) out`).exec(server.out());
      expect(media, server.out().slice(-2000)).not.toBeNull();
      expect(Number(media![1])).toBeGreaterThan(50);
      expect(Number(media![2])).toBeGreaterThan(50);
      expect(server.out()).toContain(`call ${callId} answered`);
    });
  }
});

describe.skipIf(!have("sipsak"))("sipsak drives a dialog with the siphon answer server (Node): INVITE/200/ACK, then BYE/200", () => {
  let plain: { proc: ChildProcess; out: () => string };
  let auth: { proc: ChildProcess; out: () => string };
  const dir = mkdtempSync(join(tmpdir(), "siphon-sipsak-"));
  beforeAll(async () => {
    plain = await startServer(PLAIN + 100, [RTP[0] + 200, RTP[1] + 200], ["--quiet"]);
    auth = await startServer(AUTH + 100, [RTP[0] + 300, RTP[1] + 300], ["--quiet", "--auth", "sipsak:secret", "--realm", "interop.test"]);
  });
  afterAll(() => {
    plain?.proc.kill("SIGKILL");
    auth?.proc.kill("SIGKILL");
  });

  const SDP = "v=0\r\no=sipsak 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 27390 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

  /** A request file for sipsak -f (sipsak adds its own Via, fixes Content-Length and answers challenges). */
  function request(name: string, lines: string[], body = ""): string {
    const file = join(dir, name);
    writeFileSync(file, [...lines, `Content-Length: ${body.length}`, "", body].join("\r\n"));
    return file;
  }

  function sipsak(file: string, port: number, transport: "udp" | "tcp", auth: boolean, localPort: number) {
    const args = ["-vvv", "-f", file, "-s", `sip:echo@127.0.0.1:${port}`, "-l", String(localPort), "-E", transport];
    if (auth) args.push("-u", "sipsak", "-a", "secret");
    return spawnSync("sipsak", args, { encoding: "utf8", timeout: 30_000 });
  }

  const cases = [
    { transport: "udp", auth: false },
    { transport: "tcp", auth: false },
    { transport: "udp", auth: true },
  ] as const;
  for (const [i, c] of cases.entries()) {
    it(`RFC 3261 §13.2.2.4, §15.1.2${c.auth ? ", §22.2" : ""}: over ${c.transport.toUpperCase()}${c.auth ? " with --auth" : ""}, the INVITE is answered 200 and ACKed, the BYE answered 200`, () => {
      const port = c.auth ? AUTH + 100 : PLAIN + 100;
      const local = c.transport === "tcp" ? 30000 + Math.floor(Math.random() * 20000) : 27080 + i;
      const callId = `sipsak-${c.transport}-${c.auth}-${Date.now()}@127.0.0.1`;
      const common = [
        "Max-Forwards: 70",
        `From: <sip:sipsak@127.0.0.1:${local}>;tag=sk${i}`,
        `Call-ID: ${callId}`,
        `Contact: <sip:sipsak@127.0.0.1:${local}${c.transport === "tcp" ? ";transport=tcp" : ""}>`,
      ];
      const invite = request(`invite-${i}`, [`INVITE sip:echo@127.0.0.1:${port} SIP/2.0`, ...common, `To: <sip:echo@127.0.0.1:${port}>`, "CSeq: 1 INVITE", "Content-Type: application/sdp"], SDP);
      const first = sipsak(invite, port, c.transport, c.auth, local);
      const gotInvite = responsesIn(first.stdout);
      expect(count(gotInvite, "200 INVITE"), `${first.stdout.slice(-3000)}${first.stderr}${String(first.error ?? "")} status ${first.status}`).toBeGreaterThanOrEqual(1);
      expect(count(gotInvite, "401 INVITE"), gotInvite.join(", ")).toBe(c.auth ? 1 : 0);
      expect(gotInvite.filter((r) => !/^(100|200|401) /.test(r)), gotInvite.join(", ")).toEqual([]);
      // sipsak ACKs the 200 with the To tag it copied from it.
      expect(first.stdout).toMatch(/ACK sip:echo@127\.0\.0\.1/);
      // The To tag of the 200 (a 401 before it has its own).
      const ok = first.stdout.slice(first.stdout.search(/SIP\/2\.0 200 /));
      const toTag = /To: <sip:echo@127\.0\.0\.1:\d+>;tag=([\w.-]+)/.exec(ok)?.[1];
      expect(toTag).toBeDefined();
      const bye = request(`bye-${i}`, [`BYE sip:echo@127.0.0.1:${port} SIP/2.0`, ...common, `To: <sip:echo@127.0.0.1:${port}>;tag=${toTag}`, "CSeq: 3 BYE"]);
      // sipsak binds its TCP port without SO_REUSEADDR: the INVITE's connection, closed by sipsak,
      // holds `local` in TIME_WAIT, so the BYE leaves from another port (the dialog does not care).
      const second = sipsak(bye, port, c.transport, false, c.transport === "tcp" ? 30000 + Math.floor(Math.random() * 20000) : local);
      const gotBye = responsesIn(second.stdout);
      expect(gotBye, `${second.stdout.slice(-3000)}${second.stderr}${String(second.error ?? "")}`).toEqual(["200 BYE"]);
      expect(second.status).toBe(0);
    });
  }
});
