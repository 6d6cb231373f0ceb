import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AuthError, createDigestClient, digestHa1 } from "../../src/auth/index.ts";
import type { DigestClientOptions } from "../../src/auth/index.ts";
import { createResponse } from "../../src/sip/index.ts";
import { thrown } from "../thrown.ts";
import { challengeTo, countingRandom, credentialsIn, expectedResponse, req } from "./harness.ts";

const ALICE = { username: "alice", password: "s3cret-Pa55" };
const www = (realm: string, extra = "", nonce = "n1"): [string, string] => ["WWW-Authenticate", `Digest realm="${realm}", nonce="${nonce}"${extra}`];
const proxyCh = (realm: string, extra = "", nonce = "p1"): [string, string] => ["Proxy-Authenticate", `Digest realm="${realm}", nonce="${nonce}"${extra}`];

function client(o: Partial<DigestClientOptions> = {}) {
  return createDigestClient({ credentials: ALICE, random: countingRandom(), ...o });
}

/** Answers one challenge response for request `cseq`, returning the parsed credentials. */
function answer(c: ReturnType<typeof client>, headers: [string, string][], o: { cseq?: number; status?: number; body?: string; name?: string } = {}) {
  const r = req({ cseq: o.cseq ?? 2, body: o.body });
  const out = c.authorize(r, challengeTo(req({ cseq: (o.cseq ?? 2) - 1 }), headers, o.status ?? 401));
  if (out === undefined) throw new Error("no answer");
  return { headers: out, creds: credentialsIn(out, o.name) };
}

describe("choosing a challenge (RFC 8760 §2.4)", () => {
  it("RFC 8760 §2.4: of MD5, SHA-256 and SHA-512-256 for one realm the strongest is answered, whatever the order", () => {
    const { headers, creds } = answer(client(), [www("r", ", algorithm=MD5"), www("r", ", algorithm=SHA-256"), www("r", ", algorithm=SHA-512-256")]);
    expect(headers).toHaveLength(1);
    expect(creds.algorithm).toBe("SHA-512-256");
    expect(creds.response).toHaveLength(64);
    expect(creds.response).toBe(expectedResponse(creds, { ...ALICE, method: "INVITE" }));
  });

  it("RFC 8760 §2.4: the client's own preference list decides; algorithms it does not list are ignored", () => {
    const { creds } = answer(client({ algorithms: ["MD5", "SHA-256"] }), [www("r", ", algorithm=SHA-512-256"), www("r", ", algorithm=SHA-256"), www("r", ", algorithm=MD5")]);
    expect(creds.algorithm).toBe("MD5");
  });

  it("RFC 7616 §3.3: an unknown algorithm is skipped; only unknown ones fail UNSUPPORTED_ALGORITHM", () => {
    expect(answer(client(), [www("r", ", algorithm=SHA3-256"), www("r", ", algorithm=md5-SESS, qop=auth")]).creds.algorithm).toBe("md5-SESS");
    const c = client();
    expect(c.tryAuthorize(req({ cseq: 2 }), challengeTo(req(), [www("r", ", algorithm=SHA3-256")]))).toEqual({ ok: false, code: "UNSUPPORTED_ALGORITHM" });
  });

  it("RFC 7616 §3.3: qop auth is preferred, auth-int used when asked for or the only one offered", () => {
    expect(answer(client(), [www("r", ', qop="auth-int,auth"')]).creds.qop).toBe("auth");
    const body = "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\n";
    // Both offered and auth-int preferred; or auth-int the only one offered.
    for (const [c, offered] of [[client({ qop: "auth-int" }), "auth,auth-int"], [client(), "auth-int"]] as const) {
      const { creds } = answer(c, [www("r", `, qop="${offered}"`)], { body });
      expect(creds.qop).toBe("auth-int");
      expect(creds.response).toBe(expectedResponse(creds, { ...ALICE, method: "INVITE", body }));
    }
    expect(client().tryAuthorize(req({ cseq: 2 }), challengeTo(req(), [www("r", ', qop="foo"')]))).toEqual({ ok: false, code: "UNSUPPORTED_QOP" });
  });

  it("RFC 2069 form: no qop offered, so no qop, cnonce or nc sent", () => {
    const { creds } = answer(client(), [www("r")]);
    expect([creds.qop, creds.cnonce, creds.nc, creds.algorithm]).toEqual([undefined, undefined, undefined, undefined]);
    expect(creds.response).toBe(expectedResponse(creds, { ...ALICE, method: "INVITE" }));
  });

  it("RFC 7616 §3.4: opaque is returned unchanged; the uri is the Request-URI as written", () => {
    const { creds } = answer(client(), [www("r", ', opaque="xyz, \\"q\\"", qop=auth')]);
    expect(creds.opaque).toBe('xyz, "q"');
    expect(creds.uri).toBe("sip:bob@biloxi.example.com");
  });
});

describe("nonce counts and cnonces (RFC 7616 §3.4)", () => {
  it("RFC 7616 §3.4: nc counts the requests sent with a nonce; a new nonce starts again at 1", () => {
    const c = client({ preemptiveRealms: ["r"] });
    expect(answer(c, [www("r", ", qop=auth")]).creds.nc).toBe("00000001");
    expect(credentialsIn(c.preauthorize(req({ cseq: 3 }))).nc).toBe("00000002");
    expect(credentialsIn(c.preauthorize(req({ cseq: 4 }))).nc).toBe("00000003");
    const r5 = req({ cseq: 5 });
    const again = c.authorize(req({ cseq: 6 }), challengeTo(r5, [www("r", ", qop=auth, stale=true", "n2")]))!;
    expect([credentialsIn(again).nonce, credentialsIn(again).nc]).toEqual(["n2", "00000001"]);
  });

  it("RFC 7616 §3.4: each request gets a fresh cnonce from the random source; -sess keeps the first for its nonce", () => {
    const c = client({ preemptiveRealms: ["r"] });
    const a = answer(c, [www("r", ", qop=auth")]).creds.cnonce;
    const b = credentialsIn(c.preauthorize(req({ cseq: 3 }))).cnonce;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).not.toBe(a);
    const s = client({ preemptiveRealms: ["r"] });
    const first = answer(s, [www("r", ", qop=auth, algorithm=SHA-256-sess")]).creds;
    const second = credentialsIn(s.preauthorize(req({ cseq: 3 })));
    expect(second.cnonce).toBe(first.cnonce);
    expect(second.response).toBe(expectedResponse(second, { ...ALICE, method: "INVITE" }));
  });
});

describe("credentials and realms (RFC 3261 §22.1–22.3)", () => {
  it("RFC 3261 §22.1: the account is chosen by realm, a realm-less one is the fallback", () => {
    const c = createDigestClient({
      credentials: [{ username: "a-user", password: "pa", realm: "a.example" }, { username: "any-user", password: "px" }],
    });
    expect(answer(c, [www("a.example")]).creds.username).toBe("a-user");
    expect(answer(c, [www("b.example")]).creds.username).toBe("any-user");
    const strict = createDigestClient({ credentials: [{ username: "a-user", password: "pa", realm: "a.example" }] });
    expect(strict.tryAuthorize(req({ cseq: 2 }), challengeTo(req(), [www("b.example")]))).toEqual({ ok: false, code: "NO_CREDENTIALS" });
  });

  it("RFC 7616 §3.4.2: a stored HA1 answers its own hash only", () => {
    const ha1 = digestHa1("alice", "r", "pw", "MD5");
    const c = createDigestClient({ credentials: { username: "alice", realm: "r", ha1: { MD5: ha1 } } });
    const { creds } = answer(c, [www("r", ", algorithm=SHA-256, qop=auth"), www("r", ", algorithm=MD5, qop=auth")]);
    expect(creds.algorithm).toBe("MD5");
    expect(creds.response).toBe(expectedResponse(creds, { username: "alice", password: "pw", method: "INVITE" }));
    expect(c.tryAuthorize(req({ cseq: 2 }), challengeTo(req(), [www("r", ", algorithm=SHA-256")]))).toEqual({ ok: false, code: "UNSUPPORTED_ALGORITHM" });
  });

  it("RFC 3261 §22.3: one response with a challenge per realm gets a credential per realm", () => {
    const { headers } = answer(client(), [proxyCh("proxy.example", ", qop=auth"), www("registrar.example", ", qop=auth")], { status: 407 });
    expect(headers.map(([n]) => n).sort()).toEqual(["Authorization", "Proxy-Authorization"]);
    expect(credentialsIn(headers, "Proxy-Authorization").realm).toBe("proxy.example");
    expect(credentialsIn(headers, "Authorization").realm).toBe("registrar.example");
  });

  it("RFC 3261 §22.3: after a 407 then a 401, the request carries both, the proxy's counted on", () => {
    const c = client();
    const first = req({ cseq: 1 });
    const second = req({ cseq: 2 });
    const h2 = c.authorize(second, challengeTo(first, [proxyCh("p.example", ", qop=auth")], 407))!;
    expect(h2.map(([n]) => n)).toEqual(["Proxy-Authorization"]);
    const third = req({ cseq: 3 });
    const h3 = c.authorize(third, challengeTo(second, [www("uas.example", ", qop=auth")], 401))!;
    expect(h3.map(([n]) => n)).toEqual(["Authorization", "Proxy-Authorization"]);
    expect(credentialsIn(h3, "Proxy-Authorization").nc).toBe("00000002");
    expect(credentialsIn(h3, "Authorization").nc).toBe("00000001");
  });
});

describe("stale nonces and refused credentials (RFC 7616 §3.3)", () => {
  it("RFC 7616 §3.3: stale=true after answering retries with the new nonce, without failing", () => {
    const c = client();
    answer(c, [www("r", ", qop=auth", "n1")], { cseq: 2 });
    const h = c.authorize(req({ cseq: 3 }), challengeTo(req({ cseq: 2 }), [www("r", ", qop=auth, stale=true", "n2")]))!;
    expect(credentialsIn(h).nonce).toBe("n2");
  });

  it("RFC 7616 §3.3: challenged again, not stale, after answering: WRONG_CREDENTIALS, and the realm is no longer sent", () => {
    const c = client({ preemptiveRealms: ["r"] });
    answer(c, [www("r", ", qop=auth", "n1")], { cseq: 2 });
    for (const nonce of ["n1", "n3"]) {
      const d = client({ preemptiveRealms: ["r"] });
      answer(d, [www("r", ", qop=auth", "n1")], { cseq: 2 });
      expect(d.tryAuthorize(req({ cseq: 3 }), challengeTo(req({ cseq: 2 }), [www("r", ", qop=auth", nonce)]))).toEqual({ ok: false, code: "WRONG_CREDENTIALS" });
      expect(d.authorize(req({ cseq: 3 }), challengeTo(req({ cseq: 2 }), [www("r", ", qop=auth", nonce)]))).toBeUndefined();
      expect(d.preauthorize(req({ cseq: 4 }))).toEqual([]);
    }
  });

  it("a request sent without credentials is answered even when the challenge repeats a nonce used before", () => {
    const c = client();
    answer(c, [www("r", ", qop=auth", "n1")], { cseq: 2 });
    // Request 5 went out without credentials (another destination): its 401 is a first challenge.
    const r5 = req({ cseq: 5, to: "<sip:carol@chicago.example.com>" });
    const h = c.authorize(req({ cseq: 6, to: "<sip:carol@chicago.example.com>" }), challengeTo(r5, [www("r", ", qop=auth", "n1")]));
    expect(credentialsIn(h!).nc).toBe("00000002");
  });

  it("credentials sent up front and challenged with a new nonce (no stale flag) are retried once", () => {
    const c = client({ preemptiveRealms: ["r"] });
    answer(c, [www("r", ", qop=auth", "n1")], { cseq: 2 });
    const r3 = req({ cseq: 3 });
    c.preauthorize(r3);
    const h = c.authorize(req({ cseq: 4 }), challengeTo(r3, [www("r", ", qop=auth", "n2")]));
    expect(credentialsIn(h!).nonce).toBe("n2");
    // ... but the same nonce challenged again means the credentials themselves were refused.
    const r5 = req({ cseq: 5 });
    c.preauthorize(r5);
    expect(c.tryAuthorize(req({ cseq: 6 }), challengeTo(r5, [www("r", ", qop=auth", "n2")]))).toEqual({ ok: false, code: "WRONG_CREDENTIALS" });
  });

  it("a response that is not a challenge, or has no Digest challenge, is NO_CHALLENGE", () => {
    const c = client();
    const r = req();
    expect(c.tryAuthorize(req({ cseq: 2 }), createResponse(r, 200))).toEqual({ ok: false, code: "NO_CHALLENGE" });
    expect(c.tryAuthorize(req({ cseq: 2 }), challengeTo(r, []))).toEqual({ ok: false, code: "NO_CHALLENGE" });
    expect(c.tryAuthorize(req({ cseq: 2 }), challengeTo(r, [["WWW-Authenticate", 'Basic realm="x"']]))).toEqual({ ok: false, code: "NO_CHALLENGE" });
    // A malformed value next to a good one: the good one is answered.
    expect(c.authorize(req({ cseq: 2 }), challengeTo(r, [["WWW-Authenticate", 'Digest realm="x'], www("r")]))).toHaveLength(1);
  });
});

describe("credentials up front (RFC 3261 §22.2, §22.3)", () => {
  it("RFC 3261 §22.2: a UAS realm's credentials go on the next request to the same To, not to another", () => {
    const c = client();
    answer(c, [www("r", ", qop=auth")]);
    expect(c.preauthorize(req({ cseq: 3, callId: "other-call" }))).toHaveLength(1);
    expect(c.preauthorize(req({ cseq: 3, to: "<sip:carol@chicago.example.com>" }))).toEqual([]);
  });

  it("RFC 3261 §22.3: a proxy realm's credentials go on requests with the same Call-ID only", () => {
    const c = client();
    answer(c, [proxyCh("p", ", qop=auth")], { status: 407, name: "Proxy-Authorization" });
    expect(c.preauthorize(req({ cseq: 3, method: "BYE" })).map(([n]) => n)).toEqual(["Proxy-Authorization"]);
    expect(c.preauthorize(req({ cseq: 1, callId: "another-dialog" }))).toEqual([]);
  });

  it("RFC 3261 §22.3: the outbound proxy's realm, when configured, goes on every request", () => {
    const c = client({ preemptiveRealms: ["p"] });
    answer(c, [proxyCh("p", ", qop=auth")], { status: 407, name: "Proxy-Authorization" });
    expect(c.preauthorize(req({ callId: "another-dialog", to: "<sip:carol@chicago.example.com>" }))).toHaveLength(1);
  });

  it("RFC 3261 §13.2.2.4, §22.1: ACK and CANCEL get no credentials of their own", () => {
    const c = client({ preemptiveRealms: ["r"] });
    answer(c, [www("r", ", qop=auth")]);
    expect(c.preauthorize(req({ method: "ACK" }))).toEqual([]);
    expect(c.preauthorize(req({ method: "CANCEL" }))).toEqual([]);
  });

  it("forget drops a realm's cached nonce", () => {
    const c = client({ preemptiveRealms: ["r", "s"] });
    answer(c, [www("r", ", qop=auth"), www("s", ", qop=auth")]);
    c.forget("r");
    expect(c.preauthorize(req({ cseq: 3 })).map(([, v]) => /realm="(\w)"/.exec(v)![1])).toEqual(["s"]);
    c.forget();
    expect(c.preauthorize(req({ cseq: 4 }))).toEqual([]);
  });
});

describe("secrets", () => {
  const password = "hunter2-The-Password";
  const ha1 = digestHa1("bob", "r", password);

  it("no password or HA1 in JSON, toString or console output of the client", () => {
    for (const c of [
      createDigestClient({ credentials: { username: "bob", password } }),
      createDigestClient({ credentials: { username: "bob", realm: "r", ha1: { MD5: ha1 } } }),
    ]) {
      answer(c, [www("r", ", qop=auth")]);
      const shown = [JSON.stringify(c), String(c), `${c}`, inspect(c, { depth: 10, showHidden: true })].join("\n");
      expect(shown).not.toContain(password);
      expect(shown).not.toContain(ha1);
      expect(shown).toContain("r");
    }
  });

  it("bad options throw AuthError BAD_OPTION whose message has no secret", () => {
    const cases: DigestClientOptions[] = [
      { credentials: [] },
      { credentials: { username: "bob\r\nX: y", password } },
      { credentials: { username: "bob" } },
      { credentials: { username: "bob", ha1: { MD5: ha1 } } },
      { credentials: { username: "bob", realm: "r", ha1: { MD5: password } } },
      { credentials: { username: "bob", realm: "r", ha1: { SHA1: ha1 } as never } },
      { credentials: { username: "bob", password }, algorithms: ["SHA-1" as never] },
    ];
    for (const o of cases) {
      const err = thrown(() => createDigestClient(o));
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe("BAD_OPTION");
      expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain(password);
    }
  });
});
