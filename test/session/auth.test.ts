import { describe, expect, it } from "vitest";
import type { SipRequest } from "../../src/sip/index.ts";
import { ALICE, BOB, call, FakeAuthenticator, isReq, labels, pair, SimAgent, SimNet } from "./harness.ts";
import { SimProxy } from "./proxy.ts";

const challenge = (nonce: string, stale = false) =>
  [["WWW-Authenticate", `Digest realm="biloxi.example.com", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ", stale=true" : ""}`]] as [string, string][];

/** Bob challenges each INVITE with the next of `nonces` (401), and answers the one after. */
function challenger(bob: SimAgent, net: SimNet, nonces: { nonce: string; stale?: boolean }[]): void {
  let n = 0;
  bob.onEvent = (e, now) => {
    if (e.type !== "incoming") return;
    const next = nonces[n++];
    if (next !== undefined) e.session.reject(401, now, { headers: challenge(next.nonce, next.stale) });
    else net.at(now + 100, (t) => e.session.answer(t));
  };
}

describe("digest challenges through a ChallengeResponder (RFC 3261 §22)", () => {
  it("RFC 3261 §22.2: a 401 to the INVITE is answered with the INVITE again (CSeq 2, same Call-ID and From tag); its ACK carries the same credentials", () => {
    const net = new SimNet();
    const auth = new FakeAuthenticator();
    const { alice, bob } = pair(net, { authenticator: auth });
    challenger(bob, net, [{ nonce: "n1" }]);
    const s = call(net, alice);
    net.run(2000);
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "401 INVITE", "ACK", "INVITE", "100 INVITE", "200 INVITE", "ACK"]);
    const [first, second] = net.wire.filter(isReq("INVITE")).map((r) => r.message as SipRequest);
    expect(second!.cseq.seq).toBe(2);
    expect([second!.callId, second!.fromTag, second!.toTag]).toEqual([first!.callId, first!.fromTag, undefined]);
    expect(second!.branch).not.toBe(first!.branch);
    expect(second!.header("Authorization")).toContain('nonce="n1"');
    const ack = net.wire.filter(isReq("ACK")).map((r) => r.message as SipRequest)[1]!;
    expect(ack.cseq).toEqual({ seq: 2, method: "ACK" });
    expect(ack.header("Authorization")).toBe(second!.header("Authorization"));
    expect(s.state).toBe("confirmed");
    expect(alice.core.counters.authRetries).toBe(1);
    // The session object stays the same through the retry.
    expect(alice.of("answered")[0]!.session).toBe(s);
  });

  it("RFC 7616 §3.3 (stale=true): a second challenge with a new, stale nonce is answered again; a repeated one is not", () => {
    const net = new SimNet();
    const auth = new FakeAuthenticator();
    const { alice, bob } = pair(net, { authenticator: auth });
    challenger(bob, net, [{ nonce: "n1" }, { nonce: "n2", stale: true }]);
    const s = call(net, alice);
    net.run(3000);
    expect(net.wire.filter(isReq("INVITE")).map((r) => (r.message as SipRequest).cseq.seq)).toEqual([1, 2, 3]);
    expect(auth.seen.map((c) => [c.nonce, c.stale])).toEqual([["n1", false], ["n2", true]]);
    expect(s.state).toBe("confirmed");

    const net2 = new SimNet();
    const p = pair(net2, { authenticator: new FakeAuthenticator() });
    challenger(p.bob, net2, [{ nonce: "n1" }, { nonce: "n1" }]);
    const s2 = call(net2, p.alice);
    net2.run();
    // The responder gave up on the repeated nonce: the 401 reaches the application.
    const ended = p.alice.of("terminated")[0]!;
    expect([ended.reason, ended.status]).toEqual(["rejected", 401]);
    expect(ended.response!.header("WWW-Authenticate")).toContain('nonce="n1"');
    expect(s2.state).toBe("terminated");
    expect(p.alice.idle && p.bob.idle).toBe(true);
  });

  it("RFC 3261 §22.3: requests inside the dialog challenged by a proxy (407) are sent again with a new CSeq", () => {
    const net = new SimNet();
    const auth = new FakeAuthenticator();
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com", { authenticator: auth });
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com");
    new SimProxy(net, "ss1.atlanta.example.com", { realm: "atlanta.example.com", challengeAll: true, routes: { "biloxi.example.com": "client.biloxi.example.com" } });
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    };
    const s = alice.core.invite({ from: ALICE, to: BOB, route: ["<sip:ss1.atlanta.example.com;lr>"] }, net.now);
    net.run(2000);
    expect(s.state).toBe("confirmed");
    s.hold(net.now);
    net.runFor(2000);
    expect(s.localHold).toBe(true);
    s.bye(net.now);
    net.run();
    const fromAlice = net.wire.filter((r) => r.from === "client.atlanta.example.com" && r.message.isRequest && (r.message as SipRequest).method !== "ACK");
    expect(fromAlice.map((r) => `${(r.message as SipRequest).method} ${(r.message as SipRequest).cseq.seq}`)).toEqual([
      "INVITE 1", "INVITE 2", "INVITE 3", "INVITE 4", "BYE 5", "BYE 6",
    ]);
    // Each retry carries the credentials, each first try does not (no preemptive credentials here).
    expect(fromAlice.map((r) => r.message.hasHeader("Proxy-Authorization"))).toEqual([false, true, false, true, false, true]);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §22.2: without a responder (or when it gives up) the 401/407 is the outcome, for a request outside a dialog too", () => {
    const net = new SimNet();
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com");
    const registrar = new SimAgent(net, "registrar", "registrar.atlanta.example.com", { methods: ["REGISTER"] });
    registrar.onEvent = (e, now) => {
      if (e.type === "request") registrar.core.respond(e, 401, now, { headers: challenge("r1") });
    };
    const exchange = alice.core.request({ method: "REGISTER", uri: "sip:registrar.atlanta.example.com", from: ALICE, to: ALICE, contact: true }, net.now);
    net.run();
    const outcome = alice.of("response")[0]!;
    expect([outcome.exchange, outcome.status, outcome.response?.status]).toEqual([exchange, 401, 401]);
    expect(net.wire.filter(isReq("REGISTER"))).toHaveLength(1);
    expect(alice.idle && registrar.idle).toBe(true);
  });
});
