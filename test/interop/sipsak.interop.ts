// Interop: the siphon OPTIONS server (examples/options-server.ts, built under dist/) against sipsak, a
// third-party SIP tool from Debian's packages. Run by `npm run test:interop` (CI installs sipsak);
// the server is started and stopped here, by PID, on 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const RUNTIMES: [string, string, string[]][] = [
  ["node", process.execPath, ["dist/examples/options-server.js"]],
  ["deno", "node_modules/.bin/deno", ["run", "-A", "examples/options-server.ts"]],
  ["bun", "node_modules/.bin/bun", ["examples/options-server.ts"]],
];

/**
 * The flood: sipsak's flood mode sends as fast as it can (some 100 000/s, far beyond what a default
 * UDP receive buffer holds while a server answers) and its --sleep counts seconds, not milliseconds.
 * So it runs in bursts of 100 requests that a default socket buffer holds, 100 ms apart: about
 * 1 000 requests/s, a rate CI carries.
 */
const BURST = 100;
const BURSTS = 50;
const FLOOD = BURST * BURSTS;

function sipsak(...args: string[]) {
  return spawnSync("sipsak", args, { encoding: "utf8", timeout: 60_000 });
}

/**
 * sipsak's flood mode writes port 9 (discard) in its Via and never reads the answers, so they go to
 * 127.0.0.1:9: a socket bound there counts them, when this process may bind a port under 1024.
 */
async function discardPortCounter(): Promise<{ got: string[]; close(): void } | undefined> {
  const got: string[] = [];
  const s = createSocket("udp4");
  s.on("message", (m) => got.push(m.toString("latin1")));
  const bound = await new Promise<boolean>((resolve) => {
    s.once("error", () => resolve(false));
    s.bind(9, "127.0.0.1", () => resolve(true));
  });
  if (!bound) {
    s.close();
    return undefined;
  }
  return { got, close: () => s.close() };
}
const canCountAtPort9 = await discardPortCounter().then((c) => {
  c?.close();
  return c !== undefined;
});
// CI (.ci/run, as root) must count the flood: there a port it cannot bind is a failure, not a skip.
if (process.env.CI === "true" && !canCountAtPort9) throw new Error("the flood test needs to bind 127.0.0.1:9 (run as root)");

for (const [name, cmd, args] of RUNTIMES) {
describe(`sipsak against the siphon OPTIONS server on ${name} (RFC 3261 §11)`, () => {
  const PORT = 15060 + Math.floor(Math.random() * 1000);
  let server: ChildProcess;
  let output = "";

  beforeAll(async () => {
    server = spawn(cmd, [...args, "--port", String(PORT), "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    for (let i = 0; i < 200 && !output.includes("TCP"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain(`UDP 127.0.0.1:${PORT}`);
  });

  afterAll(() => {
    if (server.exitCode === null) server.kill("SIGKILL");
  });

  it("§11.2: OPTIONS over UDP gets 200 OK with Allow, and rport/received filled in (RFC 3581)", () => {
    const r = sipsak("-v", "-s", `sip:ping@127.0.0.1:${PORT}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/SIP\/2\.0 200 OK/);
    expect(r.stdout).toMatch(/Allow: OPTIONS/);
    expect(r.stdout).toMatch(/received=127\.0\.0\.1/);
  });

  it("§18.3: OPTIONS over TCP gets 200 OK", () => {
    const r = sipsak("-v", "-E", "tcp", "-s", `sip:ping@127.0.0.1:${PORT}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/SIP\/2\.0 200 OK/);
  });

  it.skipIf(!canCountAtPort9)(`a flood of ${FLOOD} OPTIONS at about 1 000/s: every one answered 200, counted where sipsak's Via sends them`, async () => {
    const counter = (await discardPortCounter())!;
    try {
      for (let b = 0; b < BURSTS; b++) {
        expect(sipsak("-F", "-e", String(BURST), "-s", `sip:ping@127.0.0.1:${PORT}`).status).toBe(0);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; i < 200 && counter.got.length < FLOOD; i++) await new Promise((r) => setTimeout(r, 50));
      const statuses = new Map<string, number>();
      for (const m of counter.got) {
        const s = /^SIP\/2\.0 (\d{3})/.exec(m)?.[1] ?? "?";
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ "200": FLOOD });
    } finally {
      counter.close();
    }
  });

  it("after the flood the server still answers, and on exit reports every request answered 200 and none refused", async () => {
    for (let i = 0; i < 5; i++) expect(sipsak("-s", `sip:ping@127.0.0.1:${PORT}`).status).toBe(0);
    server.kill("SIGTERM");
    for (let i = 0; i < 100 && server.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    const summary = /answered (\d+) requests \(200: (\d+)\)/.exec(output);
    expect(summary).not.toBeNull();
    // Two single OPTIONS, the flood when it ran, the five after it.
    const expected = 2 + (canCountAtPort9 ? FLOOD : 0) + 5;
    expect(Number(summary![1])).toBe(expected);
    expect(Number(summary![2])).toBe(expected);
    expect(output).toMatch(/refused before the TU: 503 overload 0, 503 shed 0, 400 malformed 0, 416 0, 420 0;/);
  });
});
}
