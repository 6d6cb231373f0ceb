// Interop: the siphon OPTIONS server (examples/options-server.ts, built under dist/) against sipsak, a
// third-party SIP tool from Debian's packages. Run by `npm run test:interop` (CI installs sipsak);
// the server is started and stopped here, by PID, on 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const RUNTIMES: [string, string, string[]][] = [
  ["node", process.execPath, ["dist/examples/options-server.js"]],
  ["deno", "node_modules/.bin/deno", ["run", "-A", "examples/options-server.ts"]],
  ["bun", "node_modules/.bin/bun", ["examples/options-server.ts"]],
];

function sipsak(...args: string[]) {
  return spawnSync("sipsak", args, { encoding: "utf8", timeout: 20_000 });
}

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
    server.kill("SIGKILL");
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

  it("a flood of 20 000 requests leaves the server answering", () => {
    const flood = sipsak("-F", "-e", "20000", "-s", `sip:ping@127.0.0.1:${PORT}`);
    expect(flood.status).toBe(0);
    for (let i = 0; i < 5; i++) expect(sipsak("-s", `sip:ping@127.0.0.1:${PORT}`).status).toBe(0);
    expect(server.exitCode).toBeNull();
  });
});
}
