import { describe, expect, it } from "vitest";
import { createDigestClient } from "../../src/auth/index.ts";
import { createRegistrar, createUserDirectory } from "../../src/engine/registrar/index.ts";
import type { Registrar, RegistrarOptions } from "../../src/engine/registrar/index.ts";
import { ConfigError } from "../../src/engine/config/errors.ts";
import { createRequest, parseMessage, serializeMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { thrown } from "../thrown.ts";

const REALM = "example.com";
const T0 = 1_800_000_000_000;
const UDP: Flow = { transport: "UDP", reliable: false, remote: { host: "192.0.2.10", port: 5060 } };
const TCP: Flow = { transport: "TCP", reliable: true, remote: { host: "192.0.2.10", port: 40000 }, connection: 7 };

interface Reg {
  user?: string;
  contact?: string | string[];
  expires?: number;
  callId?: string;
  cseq?: number;
  headers?: [string, string][];
  via?: string[];
}

function register(o: Reg = {}): SipRequest {
  const user = o.user ?? "alice";
  const headers: [string, string][] = [];
  for (const v of o.via?.slice(1) ?? []) headers.push(["Via", v]);
  const contacts = o.contact === undefined ? [`<sip:${user}@192.0.2.10:5060>`] : Array.isArray(o.contact) ? o.contact : [o.contact];
  for (const c of contacts) headers.push(["Contact", c]);
  if (o.expires !== undefined) headers.push(["Expires", String(o.expires)]);
  headers.push(...(o.headers ?? []));
  const r = createRequest({
    method: "REGISTER",
    uri: `sip:${REALM}`,
    from: `<sip:${user}@${REALM}>;tag=f1`,
    to: `<sip:${user}@${REALM}>`,
    callId: o.callId ?? "reg-1@192.0.2.10",
    cseq: o.cseq ?? 1,
    via: o.via?.[0] ?? "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKr1",
    headers,
  });
  // What the registrar sees: bytes from the wire, parsed.
  return parseMessage(serializeMessage(r)) as SipRequest;
}

function open(o: Partial<RegistrarOptions> = {}): Registrar {
  return createRegistrar({ realm: REALM, ...o });
}

const contacts = (r: SipResponse) => r.headers("Contact");

describe("registrar: bindings (RFC 3261 §10.3)", () => {
  it("RFC 3261 §10.3 step 8: a 200 lists every binding of the AOR with its remaining expires, and a Date", () => {
    const reg = open();
    const r = reg.handleRegister(register({ expires: 600 }), UDP, T0);
    expect(r.status).toBe(200);
    expect(r.aor).toBe("sip:alice@example.com");
    expect(contacts(r.response)).toEqual(["<sip:alice@192.0.2.10:5060>;expires=600"]);
    expect(r.response.header("Date")).toMatch(/GMT$/);
    expect(r.changes).toHaveLength(1);
    expect(reg.location.lookup("sip:alice@example.com", T0 + 1000).map((b) => b.contact)).toEqual(["sip:alice@192.0.2.10:5060"]);
  });

  it("RFC 3261 §10.3 step 7: the contact's expires parameter wins over Expires; none gives the default; long ones are cut to the maximum", () => {
    const reg = open({ defaultExpires: 1800, maxExpires: 3600 });
    const r = reg.handleRegister(
      register({ contact: ["<sip:a@192.0.2.1>;expires=120", "<sip:b@192.0.2.2>", "<sip:c@192.0.2.3>;expires=99999"], expires: 300 }),
      UDP,
      T0,
    );
    const bySeconds = Object.fromEntries(reg.location.bindings(r.aor!, T0).map((b) => [b.contact, (b.expiresAt - T0) / 1000]));
    expect(bySeconds).toEqual({ "sip:a@192.0.2.1": 120, "sip:b@192.0.2.2": 300, "sip:c@192.0.2.3": 3600 });
    const d = reg.handleRegister(register({ user: "bob", contact: "<sip:bob@192.0.2.9>" }), UDP, T0);
    expect(contacts(d.response)).toEqual(["<sip:bob@192.0.2.9>;expires=1800"]);
  });

  it("RFC 3261 §10.3 step 7: a non-zero expiry under the minimum gets 423 with Min-Expires, and binds nothing", () => {
    const reg = open({ minExpires: 60 });
    const r = reg.handleRegister(register({ expires: 30 }), UDP, T0);
    expect(r.status).toBe(423);
    expect(r.response.header("Min-Expires")).toBe("60");
    expect(reg.location.size).toBe(0);
    expect(reg.counters.intervalTooBrief).toBe(1);
  });

  it("RFC 3261 §10.2.1.2: several contacts per AOR, looked up highest q first", () => {
    const reg = open();
    reg.handleRegister(register({ contact: ["<sip:desk@192.0.2.1>;q=0.5", "<sip:mobile@192.0.2.2>;q=0.9", "<sip:soft@192.0.2.3>"] }), UDP, T0);
    const list = reg.location.lookup("sip:alice@example.com", T0);
    expect(list.map((b) => [b.contact, b.q])).toEqual([
      ["sip:soft@192.0.2.3", 1],
      ["sip:mobile@192.0.2.2", 0.9],
      ["sip:desk@192.0.2.1", 0.5],
    ]);
  });

  it("RFC 3261 §10.2.2: Contact * with Expires 0 removes every binding; * with another Expires or beside a contact is 400", () => {
    const reg = open();
    reg.handleRegister(register({ contact: ["<sip:a@192.0.2.1>", "<sip:b@192.0.2.2>"] }), UDP, T0);
    expect(reg.handleRegister(register({ contact: "*", expires: 60, cseq: 2 }), UDP, T0).status).toBe(400);
    expect(reg.handleRegister(register({ contact: ["*", "<sip:c@192.0.2.3>"], expires: 0, cseq: 2 }), UDP, T0).status).toBe(400);
    expect(reg.location.size).toBe(2);
    const r = reg.handleRegister(register({ contact: "*", expires: 0, cseq: 3 }), UDP, T0);
    expect(r.status).toBe(200);
    expect(r.changes.map((c) => c.type)).toEqual(["remove", "remove"]);
    expect(reg.location.size).toBe(0);
    expect(contacts(r.response)).toEqual([]);
  });

  it("RFC 3261 §10.2.2: expires=0 on one contact removes that binding only", () => {
    const reg = open();
    reg.handleRegister(register({ contact: ["<sip:a@192.0.2.1>", "<sip:b@192.0.2.2>"] }), UDP, T0);
    const r = reg.handleRegister(register({ contact: "<sip:a@192.0.2.1>;expires=0", cseq: 2 }), UDP, T0);
    expect(r.changes).toEqual([{ type: "remove", aor: "sip:alice@example.com", key: "uri:sip:a@192.0.2.1" }]);
    expect(reg.location.lookup("sip:alice@example.com", T0).map((b) => b.contact)).toEqual(["sip:b@192.0.2.2"]);
  });

  it("RFC 3261 §10.3 step 6: a REGISTER without Contact is a query: the bindings come back, nothing changes", () => {
    const reg = open();
    reg.handleRegister(register({ expires: 900 }), UDP, T0);
    const q = createRequest({
      method: "REGISTER",
      uri: `sip:${REALM}`,
      from: `<sip:alice@${REALM}>;tag=q`,
      to: `<sip:alice@${REALM}>`,
      callId: "query",
      cseq: 1,
      via: "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKq",
    });
    const r = reg.handleRegister(q, UDP, T0 + 100_000);
    expect(r.changes).toEqual([]);
    expect(contacts(r.response)).toEqual(["<sip:alice@192.0.2.10:5060>;expires=800"]);
  });

  it("RFC 3261 §10.3 step 7: same Call-ID needs a higher CSeq (500 otherwise); another Call-ID replaces the binding", () => {
    const reg = open();
    reg.handleRegister(register({ cseq: 5, expires: 600 }), UDP, T0);
    const stale = reg.handleRegister(register({ cseq: 5, expires: 60 }), UDP, T0);
    expect(stale.status).toBe(500);
    expect(reg.counters.outOfOrder).toBe(1);
    expect(reg.location.bindings("sip:alice@example.com", T0)[0]!.expiresAt).toBe(T0 + 600_000);
    expect(reg.handleRegister(register({ cseq: 6, expires: 60 }), UDP, T0).status).toBe(200);
    const other = reg.handleRegister(register({ callId: "reboot", cseq: 1, expires: 120 }), UDP, T0);
    expect(other.status).toBe(200);
    const b = reg.location.bindings("sip:alice@example.com", T0);
    expect(b.map((x) => [x.callId, x.expiresAt])).toEqual([["reboot", T0 + 120_000]]);
  });

  it("a maximum of contacts per AOR: the REGISTER that would pass it gets 403 and binds nothing", () => {
    const reg = open({ maxContacts: 2 });
    reg.handleRegister(register({ contact: ["<sip:a@192.0.2.1>", "<sip:b@192.0.2.2>"] }), UDP, T0);
    const r = reg.handleRegister(register({ contact: "<sip:c@192.0.2.3>", cseq: 2 }), UDP, T0);
    expect(r.status).toBe(403);
    expect(reg.location.size).toBe(2);
    expect(reg.counters.tooManyContacts).toBe(1);
  });

  it("RFC 3261 §10.3 step 3: an AOR of a domain that is not ours gets 404", () => {
    const reg = open({ isLocalHost: (h) => h === REALM });
    const r = createRequest({
      method: "REGISTER",
      uri: "sip:elsewhere.example.net",
      from: "<sip:x@elsewhere.example.net>;tag=1",
      to: "<sip:x@elsewhere.example.net>",
      callId: "c",
      cseq: 1,
      via: "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx",
      headers: [["Contact", "<sip:x@192.0.2.1>"]],
    });
    expect(reg.handleRegister(r, UDP, T0).status).toBe(404);
  });

  it("RFC 3261 §10.2.1.1: a binding leaves when its time runs out, reported as an expiry event", () => {
    const reg = open();
    reg.handleRegister(register({ contact: ["<sip:a@192.0.2.1>;expires=60", "<sip:b@192.0.2.2>;expires=120"] }), UDP, T0);
    while (reg.location.pollEvent()) {}
    expect(reg.location.pollTimeout()).toBe(T0 + 60_000);
    const gone = reg.location.handleTimeout(T0 + 60_000);
    expect(gone).toEqual([{ type: "remove", aor: "sip:alice@example.com", key: "uri:sip:a@192.0.2.1" }]);
    expect(reg.location.pollEvent()).toMatchObject({ type: "expired", binding: { contact: "sip:a@192.0.2.1" } });
    expect(reg.location.pollTimeout()).toBe(T0 + 120_000);
    expect(reg.location.lookup("sip:alice@example.com", T0 + 60_000).map((b) => b.contact)).toEqual(["sip:b@192.0.2.2"]);
  });

  it("a refreshed binding expires at its new time, not the old one", () => {
    const reg = open();
    reg.handleRegister(register({ expires: 60 }), UDP, T0);
    reg.handleRegister(register({ expires: 600, cseq: 2 }), UDP, T0 + 30_000);
    expect(reg.location.handleTimeout(T0 + 60_000)).toEqual([]);
    expect(reg.location.pollTimeout()).toBe(T0 + 630_000);
  });

  it("rollback puts the AOR's bindings back as they were before the refused change", () => {
    const reg = open();
    reg.handleRegister(register({ contact: "<sip:a@192.0.2.1>", expires: 600 }), UDP, T0);
    const r = reg.handleRegister(register({ contact: ["<sip:a@192.0.2.1>;expires=0", "<sip:b@192.0.2.2>"], cseq: 2 }), UDP, T0);
    expect(reg.location.lookup(r.aor!, T0).map((b) => b.contact)).toEqual(["sip:b@192.0.2.2"]);
    reg.rollback(r);
    expect(reg.location.lookup(r.aor!, T0).map((b) => [b.contact, b.cseq])).toEqual([["sip:a@192.0.2.1", 1]]);
  });

  it("a malformed Contact or Expires is answered 400, never thrown", () => {
    const reg = open();
    const bad = parseMessage(
      "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb\r\nFrom: <sip:alice@example.com>;tag=1\r\n" +
        "To: <sip:alice@example.com>\r\nCall-ID: b\r\nCSeq: 1 REGISTER\r\nContact: <sip:a@192.0.2.1;expires=x\r\nExpires: soon\r\n\r\n",
    ) as SipRequest;
    expect(reg.handleRegister(bad, UDP, T0).status).toBe(400);
  });
});

describe("registrar: Path (RFC 3327)", () => {
  it("RFC 3327 §5.3: the Path vector is stored with the binding and returned in the 200 when the client supports path", () => {
    const reg = open();
    const via = ["SIP/2.0/UDP edge.example.com;branch=z9hG4bKe", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKr1"];
    const r = reg.handleRegister(
      register({ via, headers: [["Path", "<sip:edge.example.com;lr>"], ["Supported", "path"]] }),
      UDP,
      T0,
    );
    expect(r.response.headers("Path")).toEqual(["<sip:edge.example.com;lr>"]);
    expect(reg.location.lookup(r.aor!, T0)[0]!.path).toEqual(["<sip:edge.example.com;lr>"]);
    const quiet = reg.handleRegister(register({ user: "bob", via, headers: [["Path", "<sip:edge.example.com;lr>"]] }), UDP, T0);
    expect(quiet.response.headers("Path")).toEqual([]);
    expect(reg.location.lookup(quiet.aor!, T0)[0]!.path).toEqual(["<sip:edge.example.com;lr>"]);
  });
});

describe("registrar: outbound (RFC 5626 §6)", () => {
  const instance = '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"';

  it("RFC 5626 §6: instance and reg-id bind the flow; the 200 has Require: outbound and a Flow-Timer on a stream", () => {
    const reg = open({ flowTimer: 90 });
    const r = reg.handleRegister(
      register({ contact: `<sip:alice@192.0.2.10:40000;transport=tcp;ob>;+sip.instance=${instance};reg-id=1`, headers: [["Supported", "outbound, path"]] }),
      TCP,
      T0,
    );
    expect(r.status).toBe(200);
    expect(r.response.header("Require")).toBe("outbound");
    expect(r.response.header("Flow-Timer")).toBe("90");
    const b = reg.location.lookup(r.aor!, T0)[0]!;
    expect([b.regId, b.instanceId, b.flow?.connection, b.source]).toEqual([1, "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 7, "tcp:192.0.2.10:40000"]);
  });

  it("RFC 5626 §6: a new registration of the same instance and reg-id replaces the old binding whatever its Contact", () => {
    const reg = open();
    reg.handleRegister(register({ contact: `<sip:alice@192.0.2.10:40000;transport=tcp>;+sip.instance=${instance};reg-id=1` }), TCP, T0);
    const moved: Flow = { ...TCP, remote: { host: "198.51.100.7", port: 41000 }, connection: 9 };
    reg.handleRegister(register({ contact: `<sip:alice@198.51.100.7:41000;transport=tcp>;+sip.instance=${instance};reg-id=1`, callId: "new", cseq: 1 }), moved, T0 + 1);
    const all = reg.location.lookup("sip:alice@example.com", T0 + 1);
    expect(all.map((b) => [b.contact, b.flow?.connection])).toEqual([["sip:alice@198.51.100.7:41000;transport=tcp", 9]]);
  });

  it("RFC 5626 §6: when the registrar is not the first hop and Path lacks 'ob', reg-id with Supported: outbound gets 439, without it reg-id is ignored", () => {
    const reg = open();
    const via = ["SIP/2.0/UDP edge.example.com;branch=z9hG4bKe", "SIP/2.0/TCP 192.0.2.10:40000;branch=z9hG4bKr1"];
    const contact = `<sip:alice@192.0.2.10:40000;transport=tcp>;+sip.instance=${instance};reg-id=1`;
    const refused = reg.handleRegister(register({ via, contact, headers: [["Supported", "outbound"], ["Path", "<sip:edge.example.com;lr>"]] }), TCP, T0);
    expect(refused.status).toBe(439);
    const plain = reg.handleRegister(register({ via, contact, cseq: 2, headers: [["Path", "<sip:edge.example.com;lr>"]] }), TCP, T0);
    expect(plain.status).toBe(200);
    expect(plain.response.header("Require")).toBeUndefined();
    expect(reg.location.lookup(plain.aor!, T0)[0]!.regId).toBeUndefined();
    const viaOb = reg.handleRegister(
      register({ via, contact, cseq: 3, user: "bob", headers: [["Supported", "outbound"], ["Path", "<sip:edge.example.com;lr;ob>"]] }),
      TCP,
      T0,
    );
    expect(viaOb.response.header("Require")).toBe("outbound");
  });

  it("RFC 5626 §5.2: when the flow's connection closes, its outbound bindings go (flow-failed)", () => {
    const reg = open();
    reg.handleRegister(register({ contact: `<sip:alice@192.0.2.10:40000;transport=tcp>;+sip.instance=${instance};reg-id=1` }), TCP, T0);
    reg.handleRegister(register({ user: "bob", contact: "<sip:bob@192.0.2.11;transport=tcp>" }), TCP, T0);
    while (reg.location.pollEvent()) {}
    const gone = reg.location.flowFailed({ transport: "TCP", connection: 7 });
    expect(gone).toHaveLength(1);
    expect(reg.location.pollEvent()?.type).toBe("flow-failed");
    expect(reg.location.size).toBe(1);
  });
});

describe("registrar: digest authentication (RFC 3261 §22, RFC 7616)", () => {
  const users = createUserDirectory(REALM, [{ username: "alice", password: "wonderland" }, { username: "bob", password: "builder" }]);

  /** A client's REGISTER answering `challenge`. */
  function signed(password: string, first: SipRequest, challenge: SipResponse, o: Reg = {}) {
    const c = createDigestClient({ credentials: { username: o.user ?? "alice", password } });
    const next = register({ cseq: 2, ...o });
    const headers = c.authorize(next, challenge)!;
    for (const [n, v] of headers) next.addHeader(n, v);
    return parseMessage(serializeMessage(next)) as SipRequest;
  }

  it("RFC 3261 §22.1: a REGISTER without credentials is challenged 401 and binds nothing; the right password registers", () => {
    const reg = open({ users });
    const first = register();
    const c = reg.handleRegister(first, UDP, T0);
    expect(c.status).toBe(401);
    expect(c.response.header("WWW-Authenticate")).toMatch(/^Digest realm="example.com"/);
    expect(reg.location.size).toBe(0);
    const r = reg.handleRegister(signed("wonderland", first, c.response), UDP, T0 + 10);
    expect([r.status, r.user]).toEqual([200, "alice"]);
    expect(reg.location.size).toBe(1);
  });

  it("RFC 3261 §22.4: a wrong password or an unknown user is refused with a new challenge, and counted", () => {
    const reg = open({ users });
    const first = register();
    const c = reg.handleRegister(first, UDP, T0);
    expect(reg.handleRegister(signed("guess", first, c.response), UDP, T0).status).toBe(401);
    expect(reg.handleRegister(signed("x", first, c.response, { user: "mallory" }), UDP, T0).status).toBe(401);
    expect(reg.counters.authFailed).toBe(2);
    expect(reg.location.size).toBe(0);
  });

  it("RFC 3261 §10.3 step 6: an authenticated user may not register another user's AOR (403)", () => {
    const reg = open({ users });
    const first = register({ user: "bob" });
    const c = reg.handleRegister(first, UDP, T0);
    // alice's credentials on bob's AOR.
    const c2 = createDigestClient({ credentials: { username: "alice", password: "wonderland" } });
    const next = register({ user: "bob", cseq: 2 });
    for (const [n, v] of c2.authorize(next, c.response)!) next.addHeader(n, v);
    const r = reg.handleRegister(parseMessage(serializeMessage(next)) as SipRequest, UDP, T0);
    expect(r.status).toBe(403);
    expect(reg.location.size).toBe(0);
  });

  it("RFC 7616 §3.4.5: a replayed nonce count is challenged again with stale=true", () => {
    const reg = open({ users });
    const first = register();
    const c = reg.handleRegister(first, UDP, T0);
    const again = signed("wonderland", first, c.response);
    expect(reg.handleRegister(again, UDP, T0).status).toBe(200);
    const replay = reg.handleRegister(again, UDP, T0 + 5);
    expect(replay.status).toBe(401);
    expect(replay.response.header("WWW-Authenticate")).toContain("stale=true");
  });

  it("users are kept as HA1s: the password is in no field of the directory, and a user without secret is refused by path", () => {
    expect(JSON.stringify(users)).not.toContain("wonderland");
    expect(users.usernames()).toEqual(["alice", "bob"]);
    const e = thrown(() => createUserDirectory(REALM, [{ username: "carol" }]));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).message).toBe("users[0]: carol needs a password or an ha1");
  });
});
