// Interop under load: SIPp (Debian's sip-tester), the SIP load generator, drives the siphon answer
// server (examples/answer-server.ts, built under dist/, on Node) with its built-in `uac` scenario —
// INVITE with SDP, 200, ACK, BYE, 200 — at a thousand new calls a second, over UDP and then over one
// TCP connection. What is checked is what both sides counted: SIPp's own statistics (every call
// successful, none failed, by its final statistics line) and the server's (every INVITE became a
// session that was answered and ended by the BYE). Run by `npm run test:interop` (CI installs
// sip-tester).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PORT = 28060;
const SIPP_PORT = 28062;
// Wide enough that every call's port pair cools its full time before it is handed out again at this
// rate (a thousand calls a second, two seconds each: 2 000 pairs).
const RTP = "40000-49999";
const RATE = 1000;
const CALLS = 4000;
const have = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** SIPp's final statistics line (`-trace_stat`), by column name. */
function lastStats(csv: string): Map<string, string> {
  const lines = csv.trim().split("\n");
  const names = lines[0]!.split(";");
  const values = lines[lines.length - 1]!.split(";");
  return new Map(names.map((n, i) => [n, values[i] ?? ""]));
}

/** Runs SIPp's `uac` scenario against the server; resolves with its exit code, statistics and output. */
function sipp(transport: "u1" | "t1", dir: string): Promise<{ code: number | null; stats: Map<string, string>; out: string }> {
  const stf = join(dir, `stats-${transport}.csv`);
  const args = [
    "-sn", "uac", `127.0.0.1:${PORT}`,
    "-t", transport, "-i", "127.0.0.1", "-p", String(SIPP_PORT),
    "-r", String(RATE), "-m", String(CALLS), "-l", String(RATE), "-d", "0",
    "-nostdin", "-trace_stat", "-stf", stf, "-fd", "1",
  ];
  return new Promise((resolve, reject) => {
    let out = "";
    const p = spawn("sipp", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (out += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 40_000);
    p.on("error", reject);
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stats: lastStats(readFileSync(stf, "utf8")), out });
    });
  });
}

describe.skipIf(!have("sipp"))("SIPp drives the siphon answer server (Node) at 1 000 calls/s", () => {
  let server: ChildProcess;
  let output = "";
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "siphon-sipp-"));
    server = spawn(process.execPath, ["dist/examples/answer-server.js", "--port", String(PORT), "--transport", "udp,tcp", "--rtp-ports", RTP, "--quiet"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    for (let i = 0; i < 400 && !output.includes("media echo"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain(`TCP 127.0.0.1:${PORT}`);
  });
  afterAll(() => server?.kill("SIGKILL"));

  /** The server's counters: it prints them as it stops on SIGINT (the last test asks for them). */
  const counts = async (): Promise<{ calls: number; answered: number; ended: number }> => {
    const done = new Promise((r) => server.once("exit", r));
    server.kill("SIGINT");
    await done;
    const m = /calls (\d+), answered (\d+), ended (\d+)/.exec(output);
    expect(m, output.slice(-2000)).not.toBeNull();
    return { calls: Number(m![1]), answered: Number(m![2]), ended: Number(m![3]) };
  };

  for (const transport of ["u1", "t1"] as const) {
    const name = transport === "u1" ? "UDP" : "TCP (one connection)";
    it(`RFC 3261 §13, §15: ${CALLS} calls over ${name}, every one answered and ended, none failed`, async () => {
      const r = await sipp(transport, dir);
      const s = r.stats;
      const tail = r.out.slice(-3000);
      expect(r.code, tail).toBe(0);
      expect(Number(s.get("TotalCallCreated")), tail).toBe(CALLS);
      expect(Number(s.get("SuccessfulCall(C)")), tail).toBe(CALLS);
      expect(Number(s.get("FailedCall(C)")), tail).toBe(0);
      expect(Number(s.get("OutOfCallMsgs(C)")), tail).toBe(0);
      expect(Number(s.get("DeadCallMsgs(C)")), tail).toBe(0);
    });
  }

  it("the server counted every call: one session per INVITE, answered, ended by its BYE", async () => {
    expect(await counts()).toEqual({ calls: 2 * CALLS, answered: 2 * CALLS, ended: 2 * CALLS });
  });
});
