// The user agent's registration (RFC 3261 §10, §22; RFC 5626 §4) against a scripted registrar on a
// virtual clock: digest, refresh before expiry, 423, wrong credentials, an unreachable registrar,
// back-off and recovery, unregistration on close.
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/client/index.ts";
import { fakeRuntime } from "../driver/fake-runtime.ts";
import { agent, scripted } from "./peers.ts";

const CHALLENGE: [string, string] = ["WWW-Authenticate", 'Digest realm="example.com", nonce="abc123", algorithm=MD5, qop="auth"'];

/** A registrar that challenges requests without credentials and grants `expires` seconds. */
function registrar(expires: number, check: (authorization: string) => boolean = () => true) {
  return (r: import("../../src/sip/index.ts").SipRequest, reply: (s: number, i?: { headers?: [string, string][] }) => unknown) => {
    const auth = r.header("Authorization");
    if (auth === undefined || !check(auth)) return void reply(401, { headers: [CHALLENGE] });
    const contact = r.header("Contact")!;
    const asked = Number(r.header("Expires"));
    reply(200, { headers: [["Contact", `${contact};expires=${asked === 0 ? 0 : expires}`], ["Require", "outbound"]] });
  };
}

describe("user agent registration", () => {
  it("RFC 3261 §10.2, §22.2, RFC 5626 §4.2: register() answers the digest challenge and resolves on the 2xx with the granted expiry", async () => {
    const f = fakeRuntime();
    const reg = await scripted(f, "10.0.0.9", registrar(120));
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9", credentials: { username: "alice", password: "secret" } });
    const done = ua.register();
    await f.advance(100);
    const info = await done;
    expect(info).toMatchObject({ aor: "sip:alice@10.0.0.9", expires: 120, outbound: true });
    expect(reg.methods()).toEqual(["REGISTER", "REGISTER"]);
    const second = reg.requests[1]!;
    expect(second.header("Authorization")).toMatch(/^Digest username="alice", realm="example.com"/);
    // RFC 5626 §4.2: instance-id and reg-id in Contact, "outbound" in Supported.
    expect(second.header("Contact")).toMatch(/^<sip:alice@10\.0\.0\.1:\d+>;\+sip\.instance="<urn:uuid:[0-9a-f-]{36}>";reg-id=1$/);
    expect(second.header("Supported")).toContain("outbound");
    expect(ua.accounts[0]!.registration.state).toBe("registered");
    await ua.close();
  });

  it("RFC 3261 §10.2.4: the registration is refreshed before it expires, with the same Call-ID and a higher CSeq", async () => {
    const f = fakeRuntime();
    const reg = await scripted(f, "10.0.0.9", registrar(60));
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9", credentials: { username: "alice", password: "secret" } });
    const done = ua.register();
    await f.advance(100);
    await done;
    const before = reg.requests.length;
    await f.advance(31_000);
    const after = reg.requests.slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.callId === reg.requests[0]!.callId)).toBe(true);
    expect(after[0]!.cseq.seq).toBeGreaterThan(reg.requests[before - 1]!.cseq.seq);
    expect(ua.accounts[0]!.registration.state).toBe("registered");
    await ua.close();
  });

  it("RFC 3261 §10.3, §10.2.2: close() unregisters with Expires: 0", async () => {
    const f = fakeRuntime();
    const reg = await scripted(f, "10.0.0.9", registrar(600));
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9", credentials: { username: "alice", password: "secret" } });
    const done = ua.register();
    await f.advance(100);
    await done;
    const closing = ua.close();
    await f.advance(100);
    await closing;
    const last = reg.requests[reg.requests.length - 1]!;
    expect(last.method).toBe("REGISTER");
    expect(last.header("Expires")).toBe("0");
  });

  it("RFC 3261 §10.2.8: a 423 is answered with a new REGISTER asking for the registrar's Min-Expires", async () => {
    const f = fakeRuntime();
    const reg = await scripted(f, "10.0.0.9", (r, reply) => {
      if (Number(r.header("Expires")) < 3600) reply(423, { headers: [["Min-Expires", "3600"]] });
      else reply(200, { headers: [["Contact", `${r.header("Contact")};expires=3600`]] });
    });
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9", expires: 300 });
    const done = ua.register();
    await f.advance(100);
    expect((await done).expires).toBe(3600);
    expect(reg.requests.map((r) => r.header("Expires"))).toEqual(["300", "3600"]);
    await ua.close();
  });

  it("RFC 3261 §22.2: wrong credentials reject with AUTH_FAILED and no endless retries", async () => {
    const f = fakeRuntime();
    const reg = await scripted(f, "10.0.0.9", registrar(600, () => false));
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9", credentials: { username: "alice", password: "wrong" } });
    const done = ua.register().catch((e: unknown) => e);
    await f.advance(100);
    const e = (await done) as ClientError;
    expect(e).toBeInstanceOf(ClientError);
    expect(e.code).toBe("AUTH_FAILED");
    expect(e.status).toBe(401);
    await f.advance(600_000);
    expect(reg.requests.length).toBeLessThanOrEqual(3);
    expect(ua.accounts[0]!.registration.state).toBe("failed");
    await ua.close();
  });

  it("RFC 3261 §8.1.3.1, RFC 5626 §4.5: an unreachable registrar times out (408), then the registration retries after a back-off and recovers", async () => {
    const f = fakeRuntime();
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9" });
    const states: string[] = [];
    ua.on("registration", (e) => states.push(e.state));
    const done = ua.register().catch((e: unknown) => e);
    await f.advance(33_000);
    const e = (await done) as ClientError;
    expect(e.code).toBe("TIMEOUT");
    expect(e.status).toBe(408);
    // The registrar comes up; the back-off (15..30 s after the first failure) brings a new REGISTER.
    const reg = await scripted(f, "10.0.0.9", (r, reply) => void reply(200, { headers: [["Contact", `${r.header("Contact")};expires=600`]] }));
    await f.advance(31_000);
    expect(reg.methods()).toContain("REGISTER");
    expect(ua.accounts[0]!.registration.state).toBe("registered");
    expect(states).toEqual(["registering", "failed", "registering", "registered"]);
    await ua.close();
  });

  it("a wait gives up on its own timeout and on an AbortSignal", async () => {
    const f = fakeRuntime();
    const ua = await agent(f, "10.0.0.1", { aor: "sip:alice@10.0.0.9" });
    const t = ua.register({ timeoutMs: 1000 }).catch((e: unknown) => e);
    await f.advance(1500);
    expect(((await t) as ClientError).code).toBe("TIMEOUT");
    const c = new AbortController();
    const a = ua.register({ signal: c.signal }).catch((e: unknown) => e);
    c.abort();
    expect(((await a) as ClientError).code).toBe("ABORTED");
    // The REGISTERs are still being retransmitted: close() gives them a second, then closes.
    const closing = ua.close();
    await f.advance(1100);
    await closing;
  });
});
