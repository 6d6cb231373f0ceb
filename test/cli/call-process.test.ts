// `siphon call` as a process of the runtime running this test (Node runs the package's bin from
// dist/, Deno and Bun the TypeScript), against the answer server example (examples/answer-server.ts,
// a second process, PCMU only) on 127.0.0.1: a 440 Hz tone for 3 s comes back through the server's
// media echo and is recorded; the JSON lines on stdout say answered, ended and the quality figures;
// the exit status is 0. A call the server refuses (488: no codec in common) and a call nobody
// answers exit 1 with a `failed` line.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWav } from "../../src/media/index.ts";
import { toneOf } from "../interop/peers/audio.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const [cmd, cliArgs, serverArgs] = g.Deno !== undefined
  ? ["node_modules/.bin/deno", ["run", "-A", "src/cli/main.ts"], ["run", "-A", "examples/answer-server.ts"]]
  : g.Bun !== undefined
    ? ["node_modules/.bin/bun", ["src/cli/main.ts"], ["examples/answer-server.ts"]]
    : [process.execPath, ["dist/src/cli/main.js"], ["dist/examples/answer-server.js"]];

/** Runs the CLI with `args`; resolves with its exit status and output. */
function siphon(args: string[], timeoutMs = 30_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, [...cliArgs, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout!.on("data", (d) => (stdout += d));
    p.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The JSON objects of `--json` output, one a line. */
function events(stdout: string): Record<string, unknown>[] {
  return stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("siphon call, as a process, against the answer server", () => {
  let server: ChildProcess;
  let output = "";
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), "siphon-cli-call-"));
  beforeAll(async () => {
    const rtp = 20000 + 100 * Math.floor(Math.random() * 90);
    server = spawn(cmd, [...serverArgs, "--port", "0", "--transport", "udp", "--codecs", "pcmu", "--rtp-ports", `${rtp}-${rtp + 49}`], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    for (let i = 0; i < 600 && !output.includes("media echo"); i++) await new Promise((r) => setTimeout(r, 50));
    port = Number(/UDP 127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0);
    expect(port, output).toBeGreaterThan(0);
  });
  afterAll(() => {
    server?.kill("SIGKILL");
  });

  it("RFC 3261 §13, RFC 3550: --tone 440 --duration 3 --json: answered (PCMU), ended, quality figures; the echoed tone is recorded; exit 0", async () => {
    const wav = join(dir, "echo.wav");
    const r = await siphon(["call", `sip:echo@127.0.0.1:${port}`, "--tone", "440", "--duration", "3", "--json", "--record", wav]);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const lines = events(r.stdout);
    expect(lines.map((l) => l["event"])).toEqual(["answered", "ended", "quality"]);
    const [answered, ended, quality] = lines as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(answered).toMatchObject({ codec: "PCMU" });
    expect(answered["setupMs"]).toBeLessThan(5000);
    expect(ended).toEqual({ event: "ended", reason: "hangup" });
    // 3 s of 20 ms packets: 150 each way (the tone starts with the answer).
    expect(quality["codec"]).toBe("PCMU");
    expect(quality["packetsSent"]).toBeGreaterThan(120);
    expect(quality["packetsReceived"]).toBeGreaterThan(120);
    expect(quality["lossPercent"]).toBeLessThan(5);
    expect(quality["mos"]).toBeGreaterThan(3.5);
    expect(quality["recordedSamples"]).toBeGreaterThan(8000 * 2);
    const rec = parseWav(readFileSync(wav));
    expect(rec.sampleRate).toBe(8000);
    // The first half second left out: the echo starts after one round trip and a jitter buffer.
    const tone = toneOf({ mono: rec.samples.subarray(4000), rate: 8000 }, 440);
    expect(Math.abs(tone.hz - 440), JSON.stringify(tone)).toBeLessThan(3);
    expect(tone.snrDb, JSON.stringify(tone)).toBeGreaterThan(30);
    expect(tone.clean, JSON.stringify(tone)).toBeGreaterThanOrEqual(0.8);
    expect(output).toMatch(/call \w+ ended: bye/);
  });

  it("RFC 3261 §21.4.26: a call the server refuses (488, no codec in common) prints a failed line and exits 1", async () => {
    const r = await siphon(["call", `sip:echo@127.0.0.1:${port}`, "--codecs", "opus", "--json"]);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(events(r.stdout)).toEqual([{ event: "failed", code: "REJECTED", status: 488, reason: "Not Acceptable Here" }]);
  });

  it("RFC 3261 §17.1.1.2: a call nobody answers gives up after --timeout, prints a failed line and exits 1", async () => {
    // A socket that takes the INVITE and never answers.
    const hole = createSocket("udp4");
    let invites = 0;
    hole.on("message", (m) => (invites += m.subarray(0, 7).toString() === "INVITE " ? 1 : 0));
    await new Promise<void>((r) => hole.bind(0, "127.0.0.1", () => r()));
    const r = await siphon(["call", `sip:echo@127.0.0.1:${hole.address().port}`, "--json", "--timeout", "2"]).finally(() => hole.close());
    expect(invites).toBeGreaterThanOrEqual(1);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(events(r.stdout)).toEqual([{ event: "failed", code: "TIMEOUT", status: null, reason: null }]);
  });
});
