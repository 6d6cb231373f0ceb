// The message sequences of RFC 3665 ("SIP Basic Call Flow Examples") §2.1 and §3.1–§3.3, between
// session cores and test proxies on the simulated network, checked on the wire: methods, statuses,
// CSeq, tags, Route and Record-Route.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createResponse, parseMessage, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import type { MediaHandler, SessionBody } from "../../src/session/index.ts";
import { ALICE, BOB, FakeAuthenticator, RawPeer, SimAgent, SimNet, type WireRecord } from "./harness.ts";
import { SimProxy } from "./proxy.ts";

const DIR = new URL("../vectors/rfc3665/", import.meta.url);
const fixture = (name: string): string => new TextDecoder().decode(readFileSync(new URL(name, DIR)));

const req = (r: WireRecord): SipRequest => r.message as SipRequest;
const res = (r: WireRecord): SipResponse => r.message as SipResponse;
const short = (host: string): string => host.split(".")[0] === "client" ? host.split(".")[1]! : host.split(".")[0]!;
/** `from>to LABEL` with hosts shortened (atlanta, biloxi, ss1, ss2). */
const flow = (net: SimNet): string[] =>
  net.wire.filter((r) => !r.dropped).map((r) => `${short(r.from)}>${short(r.to)} ${r.message.isRequest ? req(r).method : res(r).status}`);

/** A media handler that takes any session description and answers with a fixed one. */
function anySdp(owner: string): MediaHandler {
  const sdp = (v: number): SessionBody => ({
    contentType: "application/sdp",
    body: `v=0\r\no=${owner} 2890844527 ${v} IN IP4 client.biloxi.example.com\r\ns=-\r\nc=IN IP4 192.0.2.201\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`,
  });
  let v = 2890844527;
  return {
    createOffer: () => sdp(v++),
    receiveOffer: () => sdp(v++),
    receiveAnswer: () => true,
    rollback: () => {},
    close: () => {},
  };
}

describe("RFC 3665 §3.1 Successful Session Establishment", () => {
  it("RFC 3665 §3.1: F1 INVITE, F2 180, F3 200, F4 ACK, F5 BYE (Bob), F6 200, with the RFC's CSeq and tags", () => {
    const net = new SimNet({ delay: 10 });
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com", { transportName: "TCP", transactions: {} });
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com", { transportName: "TCP", transactions: {} });
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") {
        e.session.ring(now);
        net.at(now + 2000, (t) => e.session.answer(t));
      }
      if (e.type === "confirmed") net.at(now + 5000, (t) => e.session.bye(t));
    };
    alice.core.invite({ from: ALICE, to: BOB, requestUri: "sip:bob@client.biloxi.example.com" }, net.now);
    net.run();
    expect(flow(net)).toEqual(["atlanta>biloxi INVITE", "biloxi>atlanta 180", "biloxi>atlanta 200", "atlanta>biloxi ACK", "biloxi>atlanta BYE", "atlanta>biloxi 200"]);
    const [f1, f2, f3, f4, f5, f6] = net.wire;
    const invite = req(f1!);
    expect(invite.cseq).toEqual({ seq: 1, method: "INVITE" });
    expect(invite.toTag).toBeUndefined();
    expect(invite.header("Contact")).toBe("<sip:alice@client.atlanta.example.com>");
    expect(invite.header("Content-Type")).toBe("application/sdp");
    const bobTag = res(f2!).toTag!;
    expect(bobTag).toBeDefined();
    expect(res(f3!).toTag).toBe(bobTag);
    for (const r of [f2!, f3!]) expect(res(r).header("Contact")).toBe("<sip:bob@client.biloxi.example.com>");
    // F4: the ACK goes to Bob's Contact, with the INVITE's CSeq number (§13.2.2.4).
    const ack = req(f4!);
    expect(ack.uriText).toBe("sip:bob@client.biloxi.example.com");
    expect(ack.cseq).toEqual({ seq: 1, method: "ACK" });
    expect([ack.fromTag, ack.toTag]).toEqual([invite.fromTag, bobTag]);
    expect(ack.hasHeader("Route")).toBe(false);
    // F5: Bob's BYE to Alice's Contact, tags swapped, his first CSeq (the RFC's "CSeq: 1 BYE").
    const bye = req(f5!);
    expect(bye.uriText).toBe("sip:alice@client.atlanta.example.com");
    expect([bye.fromTag, bye.toTag]).toEqual([bobTag, invite.fromTag]);
    expect(bye.cseq).toEqual({ seq: 1, method: "BYE" });
    expect(bye.callId).toBe(invite.callId);
    expect(res(f6!).cseq).toEqual({ seq: 1, method: "BYE" });
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3665 §3.1: the RFC's own F1 INVITE and F4 ACK drive the callee, whose F2, F3 and F5 match the RFC's", () => {
    const net = new SimNet({ delay: 10 });
    const peer = new RawPeer(net, "client.atlanta.example.com", "TCP");
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com", {
      transportName: "TCP",
      transactions: {},
      newTag: () => "8321234356",
      media: () => anySdp("bob"),
    });
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") {
        e.session.ring(now);
        net.at(now + 1000, (t) => e.session.answer(t));
      }
    };
    peer.send(fixture("3.1-F1-invite.sip"), "client.biloxi.example.com");
    net.run(5000);
    const [f2, f3] = peer.responses();
    expect([f2?.status, f3?.status]).toEqual([180, 200]);
    for (const r of [f2!, f3!]) {
      expect(r.header("Via")).toBe("SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9");
      expect(r.header("From")).toBe("Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
      expect(r.header("To")).toBe("Bob <sip:bob@biloxi.example.com>;tag=8321234356");
      expect(r.header("Call-ID")).toBe("3848276298220188511@atlanta.example.com");
      expect(r.header("CSeq")).toBe("1 INVITE");
      expect(r.header("Contact")).toBe("<sip:bob@client.biloxi.example.com>");
    }
    expect(f3!.header("Content-Type")).toBe("application/sdp");
    expect(f3!.bodyText).toContain("m=audio 3456 RTP/AVP 0");
    peer.send(fixture("3.1-F4-ack.sip"), "client.biloxi.example.com");
    net.run(6000);
    expect(bob.types()).toEqual(["incoming", "confirmed"]);
    bob.incoming().bye(net.now);
    net.run(7000);
    const f5 = peer.requests("BYE")[0]!;
    expect(f5.startLine()).toBe("BYE sip:alice@client.atlanta.example.com;transport=tcp SIP/2.0");
    expect(f5.header("From")).toBe("Bob <sip:bob@biloxi.example.com>;tag=8321234356");
    expect(f5.header("To")).toBe("Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
    expect(f5.header("Call-ID")).toBe("3848276298220188511@atlanta.example.com");
    expect(f5.header("CSeq")).toBe("1 BYE");
    expect(f5.hasHeader("Route")).toBe(false);
    peer.send(createResponse(f5, 200), "client.biloxi.example.com");
    net.run();
    expect(bob.idle, bob.holding).toBe(true);
  });
});

describe("RFC 3665 §3.2 Session Establishment Through Two Proxies", () => {
  function world(): { net: SimNet; alice: SimAgent; bob: SimAgent; ss1: SimProxy; ss2: SimProxy; auth: FakeAuthenticator } {
    const net = new SimNet({ delay: 10 });
    const auth = new FakeAuthenticator();
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com", { transactions: {}, authenticator: auth });
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com", { transactions: {} });
    const ss1 = new SimProxy(net, "ss1.atlanta.example.com", { realm: "atlanta.example.com", routes: { "biloxi.example.com": "ss2.biloxi.example.com" } });
    const ss2 = new SimProxy(net, "ss2.biloxi.example.com", { locations: { bob: ["client.biloxi.example.com"] } });
    return { net, alice, bob, ss1, ss2, auth };
  }

  it("RFC 3665 §3.2: F1–F23: 407 from the first proxy, the retried INVITE, ACK and BYE along the Record-Route", () => {
    const { net, alice, bob, ss1, ss2, auth } = world();
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") {
        e.session.ring(now);
        net.at(now + 2000, (t) => e.session.answer(t));
      }
      if (e.type === "confirmed") net.at(now + 5000, (t) => e.session.bye(t));
    };
    alice.core.invite({ from: ALICE, to: BOB, route: ["<sip:ss1.atlanta.example.com;lr>"] }, net.now);
    net.run();
    expect(flow(net)).toEqual([
      "atlanta>ss1 INVITE", // F1
      "ss1>atlanta 407", // F2
      "atlanta>ss1 ACK", // F3
      "atlanta>ss1 INVITE", // F4
      "ss1>atlanta 100", // F5
      "ss1>ss2 INVITE", // F6
      "ss2>ss1 100", // F7
      "ss2>biloxi INVITE", // F8
      "biloxi>ss2 180", // F9
      "ss2>ss1 180", // F10
      "ss1>atlanta 180", // F11
      "biloxi>ss2 200", // F12
      "ss2>ss1 200", // F13
      "ss1>atlanta 200", // F14
      "atlanta>ss1 ACK", // F15
      "ss1>ss2 ACK", // F16
      "ss2>biloxi ACK", // F17
      "biloxi>ss2 BYE", // F18
      "ss2>ss1 BYE", // F19
      "ss1>atlanta BYE", // F20
      "atlanta>ss1 200", // F21
      "ss1>ss2 200", // F22
      "ss2>biloxi 200", // F23
    ]);
    const w = net.wire;
    const f1 = req(w[0]!);
    const f4 = req(w[3]!);
    expect(f1.header("Route")).toBe("<sip:ss1.atlanta.example.com;lr>");
    // F4: §22.2: the same Call-ID, From and To, CSeq one higher, a new branch, and credentials.
    expect(f4.cseq).toEqual({ seq: 2, method: "INVITE" });
    expect([f4.callId, f4.fromTag, f4.header("To")]).toEqual([f1.callId, f1.fromTag, f1.header("To")]);
    expect(f4.branch).not.toBe(f1.branch);
    expect(f4.header("Proxy-Authorization")).toContain('realm="atlanta.example.com"');
    expect(auth.seen.map((s) => s.status)).toEqual([407]);
    // F3: the ACK of the 407 is the transaction's, with the 407's To tag and CSeq 1.
    expect(req(w[2]!).cseq).toEqual({ seq: 1, method: "ACK" });
    // F12: Bob's 200 carries the Record-Route both proxies added.
    const f12 = res(w[11]!);
    expect(f12.headers("Record-Route")).toEqual(["<sip:ss2.biloxi.example.com;lr>", "<sip:ss1.atlanta.example.com;lr>"]);
    // F15: the ACK goes to Bob's Contact along the reversed Record-Route, with the INVITE's CSeq
    // number and credentials (§13.2.2.4).
    const f15 = req(w[14]!);
    expect(f15.uriText).toBe("sip:bob@client.biloxi.example.com");
    expect(f15.headers("Route")).toEqual(["<sip:ss1.atlanta.example.com;lr>", "<sip:ss2.biloxi.example.com;lr>"]);
    expect(f15.cseq).toEqual({ seq: 2, method: "ACK" });
    expect(f15.header("Proxy-Authorization")).toBe(f4.header("Proxy-Authorization"));
    // F18: Bob's BYE to Alice's Contact along his route set (Record-Route in order, §12.1.1).
    const f18 = req(w[17]!);
    expect(f18.uriText).toBe("sip:alice@client.atlanta.example.com");
    expect(f18.headers("Route")).toEqual(["<sip:ss2.biloxi.example.com;lr>", "<sip:ss1.atlanta.example.com;lr>"]);
    expect([f18.fromTag, f18.toTag]).toEqual([f12.toTag, f1.fromTag]);
    expect(ss1.challenged).toBe(1);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
    net.run(net.now + 60000);
    expect(ss1.idle && ss2.idle).toBe(true);
  });

  it("RFC 3665 §3.2 F2: the RFC's own 407 is answered with the INVITE again, CSeq 2 and the RFC's nonce", () => {
    const net = new SimNet({ delay: 10 });
    const ss1 = new RawPeer(net, "ss1.atlanta.example.com");
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com", {
      transactions: {},
      authenticator: new FakeAuthenticator(),
      newTag: () => "9fxced76sl",
      newCallId: () => "3848276298220188511@atlanta.example.com",
    });
    alice.core.invite({ from: ALICE, to: BOB, route: ["<sip:ss1.atlanta.example.com;lr>"] }, net.now);
    net.run(100);
    const f1 = ss1.requests("INVITE")[0]!;
    // The RFC's F2, its Via replaced by the one of our F1 (the branch is ours).
    const f2 = parseMessage(fixture("3.2-F2-407.sip")) as SipResponse;
    f2.setHeader("Via", f1.header("Via")!);
    ss1.send(f2, "client.atlanta.example.com");
    net.run(200);
    const [ack] = ss1.requests("ACK");
    expect(ack!.cseq).toEqual({ seq: 1, method: "ACK" });
    expect(ack!.header("To")).toBe("Bob <sip:bob@biloxi.example.com>;tag=3flal12sf");
    const f4 = ss1.requests("INVITE")[1]!;
    expect(f4.header("Call-ID")).toBe("3848276298220188511@atlanta.example.com");
    expect(f4.header("From")).toBe("Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
    expect(f4.header("CSeq")).toBe("2 INVITE");
    expect(f4.header("Proxy-Authorization")).toContain('nonce="f84f1cec41e6cbe5aea9c8e88d359"');
    expect(f4.header("Route")).toBe("<sip:ss1.atlanta.example.com;lr>");
  });
});

describe("RFC 3665 §3.3 Session with Multiple Proxy Authentication", () => {
  it("RFC 3665 §3.3: 407 from each proxy in turn; the third INVITE carries both credentials; ACK and BYE go direct", () => {
    const net = new SimNet({ delay: 10 });
    const auth = new FakeAuthenticator();
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com", { transactions: {}, authenticator: auth });
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com", { transactions: {} });
    new SimProxy(net, "ss1.atlanta.example.com", { realm: "atlanta.example.com", recordRoute: false, routes: { "biloxi.example.com": "ss2.biloxi.example.com" } });
    new SimProxy(net, "ss2.biloxi.example.com", { realm: "biloxi.example.com", recordRoute: false, locations: { bob: ["client.biloxi.example.com"] } });
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") {
        e.session.ring(now);
        net.at(now + 1000, (t) => e.session.answer(t));
      }
    };
    alice.onEvent = (e, now) => {
      if (e.type === "answered") net.at(now + 1000, (t) => e.session.bye(t));
    };
    alice.core.invite({ from: ALICE, to: BOB, route: ["<sip:ss1.atlanta.example.com;lr>"] }, net.now);
    net.run();
    expect(flow(net)).toEqual([
      "atlanta>ss1 INVITE",
      "ss1>atlanta 407",
      "atlanta>ss1 ACK",
      "atlanta>ss1 INVITE",
      "ss1>atlanta 100",
      "ss1>ss2 INVITE",
      "ss2>ss1 407",
      "ss1>ss2 ACK",
      "ss1>atlanta 407",
      "atlanta>ss1 ACK",
      "atlanta>ss1 INVITE",
      "ss1>atlanta 100",
      "ss1>ss2 INVITE",
      "ss2>ss1 100",
      "ss2>biloxi INVITE",
      "biloxi>ss2 180",
      "ss2>ss1 180",
      "ss1>atlanta 180",
      "biloxi>ss2 200",
      "ss2>ss1 200",
      "ss1>atlanta 200",
      "atlanta>biloxi ACK",
      "atlanta>biloxi BYE",
      "biloxi>atlanta 200",
    ]);
    const invites = net.wire.filter((r) => r.from === "client.atlanta.example.com" && r.message.isRequest && req(r).method === "INVITE").map(req);
    expect(invites.map((i) => i.cseq.seq)).toEqual([1, 2, 3]);
    expect(invites[2]!.headers("Proxy-Authorization")).toHaveLength(2);
    expect(invites[2]!.headers("Proxy-Authorization").join()).toMatch(/realm="atlanta.example.com".*realm="biloxi.example.com"/);
    expect(auth.seen.map((s) => s.realm)).toEqual(["atlanta.example.com", "biloxi.example.com"]);
    // No Record-Route: the ACK and BYE go straight to Bob's Contact.
    const ack = net.wire.find((r) => r.message.isRequest && req(r).method === "ACK" && r.to === "client.biloxi.example.com")!;
    expect(req(ack).cseq).toEqual({ seq: 3, method: "ACK" });
    expect(req(ack).hasHeader("Route")).toBe(false);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });
});

describe("RFC 3665 §2.1 Successful New Registration", () => {
  it("RFC 3665 §2.1: F1 REGISTER, F2 401, F3 REGISTER with Authorization (CSeq 2, same Call-ID), F4 200", () => {
    const net = new SimNet({ delay: 10 });
    const auth = new FakeAuthenticator("bob", "zanzibar");
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com", { transactions: {}, authenticator: auth });
    const registrar = new SimAgent(net, "registrar", "registrar.biloxi.example.com", { transactions: {}, methods: ["REGISTER"] });
    registrar.onEvent = (e, now) => {
      if (e.type !== "request") return;
      if (!e.request.hasHeader("Authorization")) {
        registrar.core.respond(e, 401, now, { headers: [["WWW-Authenticate", 'Digest realm="biloxi.example.com", qop="auth", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", stale=FALSE, algorithm=MD5']] });
      } else {
        registrar.core.respond(e, 200, now, { headers: [["Contact", e.request.header("Contact")! + ";expires=3600"]] });
      }
    };
    const exchange = bob.core.request(
      { method: "REGISTER", uri: "sip:registrar.biloxi.example.com", from: BOB, to: BOB, contact: true, headers: [["Expires", "7200"]] },
      net.now,
    );
    net.run();
    expect(flow(net)).toEqual(["biloxi>registrar REGISTER", "registrar>biloxi 401", "biloxi>registrar REGISTER", "registrar>biloxi 200"]);
    const [f1, , f3] = net.wire.map((r) => r.message);
    expect((f1 as SipRequest).cseq).toEqual({ seq: 1, method: "REGISTER" });
    expect((f3 as SipRequest).cseq).toEqual({ seq: 2, method: "REGISTER" });
    expect([f3!.callId, f3!.fromTag]).toEqual([f1!.callId, f1!.fromTag]);
    expect(f3!.header("Authorization")).toContain('nonce="ea9c8e88df84f1cec4341ae6cbe5a359"');
    expect(f3!.header("Contact")).toBe("<sip:bob@client.biloxi.example.com>");
    const outcome = bob.of("response")[0]!;
    expect([outcome.exchange, outcome.status]).toEqual([exchange, 200]);
    expect(exchange.request).toBe(f3);
    expect(bob.idle && registrar.idle, `${bob.holding} ${registrar.holding}`).toBe(true);
  });
});
