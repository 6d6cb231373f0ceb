// Interop: sipsak (Debian's package, MD5 digest) authenticating to siphon's digest server. A UDP
// responder in this process challenges every request with createDigestServer and answers 200 once
// verify() accepts the credentials. Run by `npm run test:interop` (CI installs sipsak).
import { spawn } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDigestServer, digestHa1 } from "../../src/auth/index.ts";
import type { DigestServerOptions } from "../../src/auth/index.ts";
import { createResponse, parseMessage, serializeMessage, type SipRequest } from "../../src/sip/index.ts";

/** Runs sipsak without blocking the event loop (the responder lives in this process). */
function sipsak(...args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn("sipsak", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 20_000);
    p.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

function responder(options: Partial<DigestServerOptions>) {
  const server = createDigestServer({ realm: "siphon.test", ...options });
  const outcomes: string[] = [];
  const socket: Socket = createSocket("udp4");
  socket.on("message", (bytes, from) => {
    const m = parseMessage(new Uint8Array(bytes));
    if (!m.isRequest || m.method === "ACK") return;
    const request = m as SipRequest;
    const now = Date.now();
    const r = server.verify(request, now, (id) => (id.username === "alice" ? digestHa1("alice", id.realm, "alicepw", id.hash) : undefined));
    outcomes.push(r.ok ? `ok ${r.algorithm}` : r.code);
    const answer = r.ok ? createResponse(request, 200, undefined, { toTag: "interop" }) : server.challenge(request, now, { stale: r.stale });
    socket.send(serializeMessage(answer), from.port, from.address);
  });
  return { socket, outcomes };
}

// sipsak mangles five-digit ports in the Request-URI it signs, so four-digit ones are used.
const PORT = 5100 + Math.floor(Math.random() * 800);

describe("sipsak against siphon's digest server (RFC 3261 §22, RFC 2617)", () => {
  const { socket, outcomes } = responder({});
  beforeAll(() => new Promise<void>((r) => socket.bind(PORT, "127.0.0.1", r)));
  afterAll(() => socket.close());

  it("RFC 3261 §22.2: OPTIONS is challenged, answered with MD5 and qop=auth, and accepted", async () => {
    outcomes.length = 0;
    const r = await sipsak("-v", "-s", `sip:alice@127.0.0.1:${PORT}`, "-u", "alice", "-a", "alicepw");
    expect(r.out).toMatch(/SIP\/2\.0 200 OK/);
    expect(outcomes).toEqual(["MISSING_CREDENTIALS", "ok MD5"]);
  });

  it("RFC 7616 §3.3: a wrong password is refused and challenged again", async () => {
    outcomes.length = 0;
    const r = await sipsak("-v", "-s", `sip:alice@127.0.0.1:${PORT}`, "-u", "alice", "-a", "wrong");
    expect(r.status).not.toBe(0);
    expect(outcomes).toEqual(["MISSING_CREDENTIALS", "WRONG_RESPONSE"]);
  });
});

describe("sipsak against siphon's digest server in the RFC 2069 form (no qop)", () => {
  const { socket, outcomes } = responder({ qop: [] });
  beforeAll(() => new Promise<void>((r) => socket.bind(PORT + 1, "127.0.0.1", r)));
  afterAll(() => socket.close());

  it("RFC 2069: credentials without qop, nc or cnonce are accepted", async () => {
    const r = await sipsak("-v", "-s", `sip:alice@127.0.0.1:${PORT + 1}`, "-u", "alice", "-a", "alicepw");
    expect(r.out).toMatch(/SIP\/2\.0 200 OK/);
    expect(outcomes).toEqual(["MISSING_CREDENTIALS", "ok MD5"]);
  });
});
