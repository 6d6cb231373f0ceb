// Client and server together: every algorithm with every qop, fresh and stale nonces, and the
// REGISTER / INVITE flows of RFC 3261 §22 (401 from a registrar, 407 from a proxy then 401 from the
// callee), each request serialized and parsed again on its way to the server.
import { describe, expect, it } from "vitest";
import { createDigestClient, createDigestServer, DIGEST_ALGORITHMS, digestHa1 } from "../../src/auth/index.ts";
import type { DigestAlgorithm, DigestServer } from "../../src/auth/index.ts";
import { algorithmInfo } from "../../src/auth/algorithms.ts";
import type { SipRequest } from "../../src/sip/index.ts";
import { countingRandom, overTheWire, req, withHeaders } from "./harness.ts";

const T0 = 1_800_000_000_000;
const TTL = 60_000;
const QOPS = [["auth"], ["auth-int"], []] as const;
const BODY = "v=0\r\no=alice 2890844526 2890844526 IN IP4 atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n";

function ha1For(server: DigestServer, user: string, password: string) {
  return (id: { username: string; hash: string }) => (id.username === user ? digestHa1(user, server.realm, password, algorithmInfo(id.hash)!.hashName) : undefined);
}

describe("client ↔ server, every algorithm × qop × stale (RFC 7616 §3.4, RFC 8760 §2)", () => {
  for (const alg of DIGEST_ALGORITHMS) {
    for (const qop of QOPS) {
      if (alg.endsWith("-sess") && qop.length === 0) continue; // -sess needs a cnonce, hence a qop
      const label = qop[0] ?? "none (RFC 2069)";
      it(`RFC 7616 §3.4.1: ${alg}, qop ${label}: answered, accepted, stale=true retried, reused up front`, () => {
        const server = createDigestServer({ realm: "atlanta.example.com", algorithms: [alg], qop: [...qop], nonceTtl: TTL, random: countingRandom(11) });
        const client = createDigestClient({ credentials: { username: "alice", password: "pa55word" }, random: countingRandom(12), qop: qop[0] ?? "auth" });
        const lookup = ha1For(server, "alice", "pa55word");
        const send = (cseq: number, headers: [string, string][]): SipRequest => overTheWire(withHeaders(req({ cseq, body: BODY }), headers));

        // Challenged, answered, accepted.
        const first = req({ cseq: 1, body: BODY });
        expect(server.verify(overTheWire(first), T0, lookup)).toMatchObject({ ok: false, code: "MISSING_CREDENTIALS" });
        const second = req({ cseq: 2, body: BODY });
        const h2 = client.authorize(second, server.challenge(first, T0))!;
        expect(h2).toHaveLength(1);
        expect(server.verify(send(2, h2), T0 + 10, lookup)).toMatchObject({ ok: true, algorithm: alg, qop: qop[0] });

        // Later request up front with the cached nonce.
        const third = req({ cseq: 3, body: BODY });
        withHeaders(third, client.preauthorize(third));
        expect(server.verify(overTheWire(third), T0 + 20, lookup).ok).toBe(true);

        // The nonce expires: stale, and the client retries with the new one without failing.
        const fourth = req({ cseq: 4, body: BODY });
        withHeaders(fourth, client.preauthorize(fourth));
        const late = T0 + TTL + 1;
        const r4 = server.verify(overTheWire(fourth), late, lookup);
        expect(r4).toMatchObject({ ok: false, code: "STALE_NONCE", stale: true });
        const h5 = client.authorize(req({ cseq: 5, body: BODY }), server.challenge(fourth, late, { stale: r4.ok ? false : r4.stale }))!;
        expect(server.verify(send(5, h5), late + 1, lookup)).toMatchObject({ ok: true, algorithm: alg });
      });
    }
  }

  it("RFC 7616 §3.3: a wrong password is challenged again without stale, and the client gives up", () => {
    const server = createDigestServer({ realm: "atlanta.example.com" });
    const client = createDigestClient({ credentials: { username: "alice", password: "wrong" } });
    const lookup = ha1For(server, "alice", "right");
    const first = req({ cseq: 1 });
    const second = req({ cseq: 2 });
    withHeaders(second, client.authorize(second, server.challenge(first, T0))!);
    const r = server.verify(overTheWire(second), T0, lookup);
    expect(r).toEqual({ ok: false, code: "WRONG_RESPONSE", stale: false, status: 401 });
    expect(client.tryAuthorize(req({ cseq: 3 }), server.challenge(second, T0, { stale: false }))).toEqual({ ok: false, code: "WRONG_CREDENTIALS" });
  });

  it("RFC 8760 §2.4: a server offering every algorithm and a client that knows only MD5 agree on MD5", () => {
    const server = createDigestServer({ realm: "r", algorithms: [...DIGEST_ALGORITHMS] as DigestAlgorithm[] });
    const client = createDigestClient({ credentials: { username: "u", password: "p" }, algorithms: ["MD5"] });
    const next = req({ cseq: 2 });
    withHeaders(next, client.authorize(next, server.challenge(req(), T0))!);
    expect(server.verify(overTheWire(next), T0, ha1For(server, "u", "p"))).toMatchObject({ ok: true, algorithm: "MD5" });
  });
});

describe("long inputs", () => {
  it("RFC 7616 §3.4.3: a Request-URI and body past the core's in-place buffers still round-trip", () => {
    const server = createDigestServer({ realm: "r", algorithms: ["SHA-256"], qop: ["auth-int"] });
    const client = createDigestClient({ credentials: { username: "u", password: "p" } });
    const uri = `sip:${"x".repeat(40_000)}@biloxi.example.com`;
    const body = "a=".repeat(50_000);
    const next = req({ cseq: 2, uri, body });
    withHeaders(next, client.authorize(next, server.challenge(req({ uri }), T0))!);
    expect(server.verify(next, T0, ha1For(server, "u", "p"))).toMatchObject({ ok: true, qop: "auth-int" });
    next.setBody(body + "!");
    expect(server.verify(next, T0, ha1For(server, "u", "p"))).toMatchObject({ ok: false, code: "WRONG_RESPONSE" });
  });
});

describe("flows (RFC 3261 §22.2–22.3, RFC 3665 §2.1 and §3.2)", () => {
  it("RFC 3665 §2.1: REGISTER, 401, REGISTER with credentials, 200; the refresh goes with credentials up front", () => {
    const registrar = createDigestServer({ realm: "atlanta.example.com" });
    const ua = createDigestClient({ credentials: { username: "bob", password: "zanzibar", realm: "atlanta.example.com" } });
    const lookup = ha1For(registrar, "bob", "zanzibar");
    const reg = (cseq: number) => req({ method: "REGISTER", uri: "sip:atlanta.example.com", to: "Bob <sip:bob@atlanta.example.com>", cseq });
    const f1 = reg(1);
    expect(ua.preauthorize(f1)).toEqual([]);
    const f2 = registrar.challenge(overTheWire(f1), T0);
    const f3 = reg(2);
    withHeaders(f3, ua.authorize(f3, f2)!);
    expect(registrar.verify(overTheWire(f3), T0 + 50, lookup).ok).toBe(true);
    const refresh = reg(3);
    withHeaders(refresh, ua.preauthorize(refresh));
    expect(registrar.verify(overTheWire(refresh), T0 + 3_600_000, lookup)).toMatchObject({ code: "STALE_NONCE", stale: true });
  });

  it("RFC 3665 §3.2 with §22.3: INVITE, 407 from the proxy, INVITE, 401 from the callee, INVITE with both; the BYE carries the proxy's", () => {
    const proxy = createDigestServer({ realm: "proxy.atlanta.example.com", proxy: true });
    const callee = createDigestServer({ realm: "biloxi.example.com", algorithms: ["SHA-512-256", "SHA-256"] });
    const ua = createDigestClient({
      credentials: [
        { username: "alice", password: "proxy-pw", realm: "proxy.atlanta.example.com" },
        { username: "alice", password: "callee-pw", realm: "biloxi.example.com" },
      ],
    });
    const viaProxy = ha1For(proxy, "alice", "proxy-pw");
    const atCallee = ha1For(callee, "alice", "callee-pw");
    const invite = (cseq: number) => req({ cseq, body: BODY });

    const f1 = invite(1);
    const f3 = invite(2);
    withHeaders(f3, ua.authorize(f3, proxy.challenge(overTheWire(f1), T0))!);
    expect(proxy.verify(overTheWire(f3), T0, viaProxy).ok).toBe(true);
    expect(callee.verify(overTheWire(f3), T0, atCallee)).toMatchObject({ code: "MISSING_CREDENTIALS" });

    const f5 = invite(3);
    withHeaders(f5, ua.authorize(f5, callee.challenge(overTheWire(f3), T0))!);
    expect(f5.headers("Proxy-Authorization")).toHaveLength(1);
    expect(f5.headers("Authorization")).toHaveLength(1);
    expect(proxy.verify(overTheWire(f5), T0 + 1, viaProxy).ok).toBe(true);
    expect(callee.verify(overTheWire(f5), T0 + 1, atCallee)).toMatchObject({ ok: true, algorithm: "SHA-512-256" });

    // In the dialog: the BYE has the INVITE's Call-ID, so the proxy credentials go along (§22.3),
    // and the To of the INVITE, so the callee's too (§22.2).
    const bye = req({ method: "BYE", uri: "sip:bob@192.0.2.4", cseq: 4 });
    withHeaders(bye, ua.preauthorize(bye));
    expect(proxy.verify(overTheWire(bye), T0 + 2, viaProxy).ok).toBe(true);
    expect(callee.verify(overTheWire(bye), T0 + 2, atCallee).ok).toBe(true);
  });
});
