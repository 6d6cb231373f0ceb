// The digest challenger of the session core (digestChallenger on createDigestServer) against the
// digest client (createDigestClient) on the simulated network: the UAS side of RFC 3261 §22.1 and
// RFC 7616 §3.3–3.5 end to end, with the message sequences checked on the wire.
import { describe, expect, it } from "vitest";
import { createDigestClient, createDigestServer, digestHa1 } from "../../src/auth/index.ts";
import type { DigestIdentity } from "../../src/auth/index.ts";
import { digestChallenger } from "../../src/session/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { call, isReq, isRes, labels, pair, RawPeer, SimNet } from "./harness.ts";

const REALM = "biloxi.example.com";

/** Alice (a digest client with `password`) and Bob (answers every INVITE; challenges INVITEs outside a dialog). */
function setup(options: { password?: string; nonceTtl?: number; methods?: string[]; outOfDialogOnly?: boolean } = {}) {
  const net = new SimNet();
  const seed = net.random;
  const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(seed() * 256));
  const server = createDigestServer({ realm: REALM, random, nonceTtl: options.nonceTtl ?? 300_000 });
  const lookup = (id: DigestIdentity) => (id.username === "alice" ? digestHa1("alice", REALM, "secret", id.hash) : undefined);
  const challenger = digestChallenger(server, lookup, {
    methods: options.methods ?? ["INVITE"],
    outOfDialogOnly: options.outOfDialogOnly ?? true,
  });
  const client = createDigestClient({ credentials: { username: "alice", password: options.password ?? "secret" }, random });
  const { alice, bob } = pair(net, { authenticator: client }, { challenger });
  bob.onEvent = (e, now) => {
    if (e.type === "incoming") e.session.answer(now);
  };
  return { net, alice, bob, server };
}

const requests = (net: SimNet, method: string) => net.wire.filter((r) => !r.dropped && isReq(method)(r)).map((r) => r.message as SipRequest);
const responses = (net: SimNet, status: number, method?: string) =>
  net.wire.filter((r) => !r.dropped && isRes(status, method)(r)).map((r) => r.message as SipResponse);

describe("digestChallenger: a UAS challenging INVITEs (RFC 3261 §22.1, RFC 7616)", () => {
  it("RFC 3261 §22.1, RFC 7616 §3.3: the first INVITE gets a 401 with a challenge and no session; the INVITE with credentials is answered", () => {
    const { net, alice, bob } = setup();
    const s = call(net, alice);
    net.run(5000);
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "401 INVITE", "ACK", "INVITE", "100 INVITE", "200 INVITE", "ACK"]);
    const challenge = responses(net, 401)[0]!;
    const offered = challenge.wwwAuthenticate;
    expect(offered).toHaveLength(1);
    expect([offered[0]!.scheme, offered[0]!.params["realm"], offered[0]!.params["algorithm"], offered[0]!.params["qop"]]).toEqual([
      "Digest", REALM, "MD5", "auth",
    ]);
    expect(challenge.toTag).toBeDefined();
    const [, second] = requests(net, "INVITE");
    const creds = second!.authorization[0]!.params;
    expect([creds["username"], creds["realm"], creds["nonce"], creds["nc"]]).toEqual(["alice", REALM, offered[0]!.params["nonce"], "00000001"]);
    // Only the authenticated INVITE reached the application (one session, one media handler).
    expect(bob.of("incoming")).toHaveLength(1);
    expect(bob.media).toHaveLength(1);
    expect(bob.core.counters.challenged).toBe(1);
    expect(s.state).toBe("confirmed");
    s.bye(net.now);
    net.run();
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §22.1: a wrong password is challenged again; the client gives up and the call ends 401, nothing left on either side", () => {
    const { net, alice, bob } = setup({ password: "wrong" });
    const s = call(net, alice);
    net.run();
    expect(requests(net, "INVITE")).toHaveLength(2);
    expect(responses(net, 401, "INVITE")).toHaveLength(2);
    const ended = alice.of("terminated")[0]!;
    expect([ended.reason, ended.status]).toEqual(["rejected", 401]);
    expect(s.state).toBe("terminated");
    expect(bob.of("incoming")).toHaveLength(0);
    expect(bob.core.counters.challenged).toBe(2);
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });

  it("RFC 7616 §3.3 (stale=true): credentials cached from the first call carry an expired nonce on the second; the 401 says stale and the client answers it without its user", () => {
    const { net, alice, bob } = setup({ nonceTtl: 10_000 });
    const first = call(net, alice);
    net.run(3000);
    expect(first.state).toBe("confirmed");
    first.bye(net.now);
    net.run(net.now + 40_000);
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
    const mark = net.wire.length;
    const second = call(net, alice);
    net.run(net.now + 5000);
    expect(second.state).toBe("confirmed");
    const later = net.wire.slice(mark).filter((r) => !r.dropped);
    const invites = later.filter(isReq("INVITE")).map((r) => r.message as SipRequest);
    // RFC 3261 §22.2: the cached credentials go on the new INVITE up front (same realm, same To).
    expect(invites).toHaveLength(2);
    const oldNonce = invites[0]!.authorization[0]!.params["nonce"];
    expect(oldNonce).toBeDefined();
    const stale = later.filter(isRes(401, "INVITE")).map((r) => r.message as SipResponse);
    expect(stale).toHaveLength(1);
    const ch = stale[0]!.wwwAuthenticate[0]!.params;
    expect(ch["stale"]?.toLowerCase()).toBe("true");
    expect(ch["nonce"]).not.toBe(oldNonce);
    expect(invites[1]!.authorization[0]!.params["nonce"]).toBe(ch["nonce"]);
    expect(bob.of("incoming")).toHaveLength(2);
    second.bye(net.now);
    net.run();
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });

  it("RFC 7616 §3.4.6 (nonce-count replay): an authenticated INVITE replayed as a new request is refused with stale=true and makes no session", () => {
    const { net, alice, bob } = setup();
    const s = call(net, alice);
    net.run(3000);
    expect(s.state).toBe("confirmed");
    const authorized = requests(net, "INVITE")[1]!;
    const attacker = new RawPeer(net, "attacker.example.com");
    const replay = authorized.clone();
    // The same credentials (same nonce, nc and response) on a new transaction and a new call.
    replay.setHeader("Via", "SIP/2.0/UDP attacker.example.com;branch=z9hG4bKreplay1");
    replay.setHeader("Call-ID", "replayed-call");
    attacker.send(replay, "client.biloxi.example.com");
    net.runFor(2000);
    // The raw peer sends no ACK, so the final answer is retransmitted (§17.2.1): one status only.
    const answer = attacker.responses().filter((r) => r.status >= 200);
    expect([...new Set(answer.map((r) => r.status))]).toEqual([401]);
    expect(answer[0]!.wwwAuthenticate[0]!.params["stale"]?.toLowerCase()).toBe("true");
    expect(bob.of("incoming")).toHaveLength(1);
    expect(bob.core.counters.challenged).toBe(2);
    s.bye(net.now);
    net.run();
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §22.1: malformed credentials for the realm get 400 (no challenge), and the call ends there", () => {
    const { net, bob } = setup();
    const peer = new RawPeer(net, "client.atlanta.example.com");
    peer.send(
      "INVITE sip:bob@client.biloxi.example.com SIP/2.0\n" +
        "Via: SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bKbadcreds\n" +
        "Max-Forwards: 70\nFrom: <sip:alice@atlanta.example.com>;tag=a1\nTo: <sip:bob@biloxi.example.com>\n" +
        "Call-ID: bad-creds\nCSeq: 1 INVITE\nContact: <sip:alice@client.atlanta.example.com>\n" +
        `Authorization: Digest username="alice", realm="${REALM}", nonce="abc", uri="sip:bob@client.biloxi.example.com", response="xyz"\n` +
        "Content-Length: 0\n\n",
      "client.biloxi.example.com",
    );
    net.run(1000);
    const finals = peer.responses().filter((r) => r.status >= 200).map((r) => `${r.status} ${r.hasHeader("WWW-Authenticate")}`);
    expect([...new Set(finals)]).toEqual(["400 false"]);
    expect(bob.of("incoming")).toHaveLength(0);
  });

  it("RFC 3261 §22.1: with outOfDialogOnly, re-INVITE (hold) and BYE inside the authenticated dialog go unchallenged", () => {
    const { net, alice, bob } = setup();
    const s = call(net, alice);
    net.run(3000);
    s.hold(net.now);
    net.runFor(2000);
    expect(s.localHold).toBe(true);
    s.bye(net.now);
    net.run();
    expect(responses(net, 401)).toHaveLength(1);
    expect(bob.core.counters.challenged).toBe(1);
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §22.1, §22.2: when BYE is challenged too, the caller signs it up front with the cached credentials (next nonce count) and it passes", () => {
    const { net, alice, bob } = setup({ methods: ["INVITE", "BYE"], outOfDialogOnly: false });
    const s = call(net, alice);
    net.run(3000);
    expect(s.state).toBe("confirmed");
    s.bye(net.now);
    net.run();
    const byes = requests(net, "BYE");
    expect(byes).toHaveLength(1);
    const creds = byes[0]!.authorization[0]!.params;
    expect([creds["nonce"], creds["nc"]]).toEqual([requests(net, "INVITE")[1]!.authorization[0]!.params["nonce"], "00000002"]);
    expect(responses(net, 401, "BYE")).toHaveLength(0);
    expect(responses(net, 200, "BYE")).toHaveLength(1);
    expect(bob.core.counters.challenged).toBe(1);
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §22.1: a BYE without credentials, when BYE is challenged, gets 401; sent again with them it ends the call", () => {
    const { net, alice, bob } = setup({ methods: ["INVITE", "BYE"], outOfDialogOnly: false });
    const s = call(net, alice);
    net.run(3000);
    expect(s.state).toBe("confirmed");
    // The first BYE leaves without credentials: strip them as it is delivered.
    let stripped = 0;
    net.dropIf = (r) => {
      if (isReq("BYE")(r) && r.message.hasHeader("Authorization") && stripped === 0) {
        stripped++;
        r.message.removeHeader("Authorization");
      }
      return false;
    };
    s.bye(net.now);
    net.run();
    const byes = requests(net, "BYE");
    expect(stripped).toBe(1);
    expect(byes.map((b) => [b.cseq.seq, b.hasHeader("Authorization")])).toEqual([[3, false], [4, true]]);
    expect(responses(net, 401, "BYE")).toHaveLength(1);
    expect(responses(net, 200, "BYE")).toHaveLength(1);
    expect(bob.core.counters.challenged).toBe(2);
    expect(alice.idle && bob.idle, `${alice.holding} / ${bob.holding}`).toBe(true);
  });
});
