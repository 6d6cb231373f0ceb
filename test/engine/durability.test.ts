import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRuntime, loadRuntime } from "../../runtimes/index.ts";
import { createDigestClient } from "../../src/auth/index.ts";
import type { DigestClient } from "../../src/auth/index.ts";
import { createRequest, parseMessage, serializeMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { until } from "../runtimes/helpers.ts";

// `siphon serve` in a child process of this test's runtime, REGISTERs with digest from many users
// at once, SIGKILL while they are in flight; then the SQLite file is opened again and every binding
// whose REGISTER got its 200 must be there (RFC 3261 §10.3: the 200 reports the bindings; siphon
// sends it only once they are committed).

const dir = mkdtempSync(join(tmpdir(), "siphon-kill9-"));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const USERS = 3000;
const PASSWORD = "pw";
const REALM = "siphon.local";

/** The command that runs the CLI from source (Deno, Bun) or from the build (Node). */
function serveCommand(config: string): [string, string[]] {
  const root = new URL("../../", import.meta.url).pathname;
  const args = ["serve", "--config", config];
  switch (detectRuntime()) {
    case "deno":
      return [process.execPath, ["run", "-A", `${root}src/cli/main.ts`, ...args]];
    case "bun":
      return [process.execPath, [`${root}src/cli/main.ts`, ...args]];
    default:
      return [process.execPath, [`${root}dist/src/cli/main.js`, ...args]];
  }
}

describe("siphon serve: durability (kill -9)", () => {
  it("RFC 3261 §10.3: no REGISTER answered 200 is lost when the server is killed with SIGKILL under load", { timeout: 90_000 }, async () => {
    const config = join(dir, "siphon.json");
    writeFileSync(
      config,
      JSON.stringify({
        realm: REALM,
        data: dir,
        sip: { port: 0, wsPort: null },
        http: { port: null },
        limits: { perAddress: null },
        log: { level: "warn" },
        users: Array.from({ length: USERS }, (_, i) => ({ username: `u${i}`, password: PASSWORD })),
      }),
    );
    const [cmd, args] = serveCommand(config);
    child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    child.stderr!.on("data", (d: Uint8Array) => (err += new TextDecoder().decode(d)));
    await until(() => /udp\+tcp 127\.0\.0\.1:(\d+)/.test(out) || child!.exitCode !== null, 60_000);
    const port = Number(/udp\+tcp 127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? NaN);
    expect(port, `server did not start: ${err}`).toBeGreaterThan(0);

    const rt = await loadRuntime();
    const acked = new Map<string, string>();
    const statuses: Record<number, number> = {};
    const clients = new Map<string, { client: DigestClient; contact: string; user: number }>();
    let next = 0;
    let attempt = 0;
    const retry: number[] = [];
    let inFlight = 0;
    let stop = false;
    const socket = await rt.udpBind({ host: "127.0.0.1", port: 0 }, {
      onMessage(data) {
        const res = parseMessage(data.slice()) as SipResponse;
        const entry = clients.get(res.callId);
        if (entry === undefined) return;
        if (res.status === 401 && res.cseq.seq === 1) {
          const req = register(entry.user, entry.contact, 2, res.callId);
          const headers = entry.client.authorize(req, res);
          for (const [n, v] of headers ?? []) req.addHeader(n, v);
          socket.send(serializeMessage(req), "127.0.0.1", port);
          return;
        }
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 200) acked.set(`sip:u${entry.user}@${REALM}`, entry.contact);
        // 503 while the driver runs late on a loaded machine: that user tries again (a new Call-ID).
        else retry.push(entry.user);
        clients.delete(res.callId);
        inFlight--;
        pump();
      },
    });
    const register = (user: number, contact: string, cseq: number, callId: string): SipRequest =>
      createRequest({
        method: "REGISTER",
        uri: `sip:${REALM}`,
        from: `<sip:u${user}@${REALM}>;tag=t${user}`,
        to: `<sip:u${user}@${REALM}>`,
        callId,
        cseq,
        via: `SIP/2.0/UDP 127.0.0.1:${socket.local.port};branch=z9hG4bK${callId}x${cseq}`,
        headers: [
          ["Contact", `<${contact}>`],
          ["Expires", "3600"],
        ],
      });
    const pump = () => {
      while (!stop && inFlight < 64 && (retry.length > 0 || next < USERS)) {
        const user = retry.shift() ?? next++;
        const contact = `sip:u${user}@127.0.0.1:${40000 + (user % 20000)}`;
        const callId = `kill9-${user}-${attempt++}`;
        clients.set(callId, { client: createDigestClient({ credentials: { username: `u${user}`, password: PASSWORD } }), contact, user });
        inFlight++;
        socket.send(serializeMessage(register(user, contact, 1, callId)), "127.0.0.1", port);
      }
    };
    pump();
    // Kill while REGISTERs are in flight: after a few hundred 200s, before the last user.
    await until(() => acked.size >= 400, 60_000);
    expect(inFlight).toBeGreaterThan(0);
    child.kill("SIGKILL");
    await until(() => child!.exitCode !== null || child!.signalCode !== null, 10_000);
    stop = true;
    socket.close();
    expect(child.signalCode).toBe("SIGKILL");

    const db = await rt.openSqlite(join(dir, "siphon.sqlite"));
    const stored = new Map(db.prepare("SELECT aor, contact FROM registrations").all().map((r) => [String(r["aor"]), String(r["contact"])]));
    db.close();
    const lost = [...acked].filter(([aor, contact]) => stored.get(aor) !== contact);
    expect(acked.size, `answers by status: ${JSON.stringify(statuses)}; server: ${err}`).toBeGreaterThanOrEqual(400);
    expect(lost).toEqual([]);
  });
});
