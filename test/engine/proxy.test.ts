import { describe, expect, it } from "vitest";
import { createRequest } from "../../src/sip/index.ts";
import { newBranch } from "../../src/transaction/index.ts";
import { answers, HOSTS, invite, Net, PROXY_HOST, request } from "./proxy-harness.ts";

const T1 = 500;

/** The ACK for a 2xx (RFC 3261 §13.2.2.4) alice builds from the 200: Route from the reversed Record-Route. */
function ackFor(inv: ReturnType<typeof invite>, ok: { toTag?: string; recordRoute: { toString(): string }[]; contact: { wildcard: boolean }[]; header(n: string): string | undefined }) {
  const rr = [...ok.recordRoute].reverse().map(String);
  const contact = ok.header("Contact")!.replace(/^<|>$/g, "");
  return createRequest({
    method: "ACK",
    uri: contact,
    from: inv.header("From")!,
    to: ok.header("To")!,
    callId: inv.callId,
    cseq: 1,
    via: `SIP/2.0/UDP ${HOSTS["alice"]}:5060;branch=${newBranch()}`,
    headers: rr.map((r): [string, string] => ["Route", r]),
  });
}

describe("proxy core: a call through the proxy (RFC 3665 §3.2 with one proxy)", () => {
  it("RFC 3261 §16.6, §16.7, §16.11: INVITE forwarded with Via, Max-Forwards and Record-Route; 100 at once; 180 and 200 relayed; ACK and BYE follow the route", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2:5060"]);
    const alice = net.ua("alice");
    const bob = net.ua("bob1", answers(180, 200));
    const inv = invite();
    alice.send(inv);
    expect(alice.statuses()).toEqual([100, 180, 200]);
    const fwd = net.sentTo("bob1", "INVITE");
    expect(fwd.length).toBe(1);
    const f = fwd[0]!;
    expect(f.uriText).toBe("sip:bob@192.0.2.2:5060");
    expect(f.maxForwards).toBe(69);
    expect(f.via.length).toBe(2);
    expect(f.via[0]!.host).toBe(PROXY_HOST);
    expect(f.via[0]!.branch).toMatch(/^z9hG4bKspt1\./);
    expect(f.recordRoute.map(String)).toEqual([`<sip:${PROXY_HOST}:5060;lr>`]);
    // §16.7 step 3: the proxy's Via is gone from what alice receives.
    const ok = alice.responses.find((r) => r.status === 200)!;
    expect(ok.via.length).toBe(1);
    expect(ok.recordRoute.map(String)).toEqual([`<sip:${PROXY_HOST}:5060;lr>`]);

    // §16.11 / §16.4: the ACK for the 2xx carries Route: <proxy;lr>; the proxy removes its own
    // Route value and forwards statelessly to the Request-URI (bob's Contact).
    alice.send(ackFor(inv, ok));
    expect(bob.acks.length).toBe(1);
    const ack = bob.acks[0]!;
    expect(ack.hasHeader("Route")).toBe(false);
    expect(ack.via[0]!.host).toBe(PROXY_HOST);
    expect(net.proxy.counters.acks).toBe(1);

    const bye = createRequest({
      method: "BYE",
      uri: `sip:bob1@${HOSTS["bob1"]}:5060`,
      from: inv.header("From")!,
      to: ok.header("To")!,
      callId: inv.callId,
      cseq: 2,
      via: `SIP/2.0/UDP ${HOSTS["alice"]}:5060;branch=${newBranch()}`,
      headers: [["Route", `<sip:${PROXY_HOST}:5060;lr>`]],
    });
    alice.send(bye);
    expect(bob.requests.map((r) => r.method)).toEqual(["INVITE", "BYE"]);
    // §16.6 step 4: no Record-Route on a request inside a dialog.
    expect(net.sentTo("bob1", "BYE")[0]!.hasHeader("Record-Route")).toBe(false);
    expect(alice.finals()).toEqual([200, 200]);
  });

  it("RFC 3665 §3.9 / RFC 3261 §16.5: an address of record with no binding gets 480", () => {
    const net = new Net();
    const alice = net.ua("alice");
    alice.send(invite("sip:nobody@example.com"));
    expect(alice.finals()).toEqual([480]);
    expect(net.proxy.counters.local[480]).toBe(1);
  });

  it("RFC 3261 §16.5: a Request-URI outside the served domains is the only target", () => {
    const net = new Net();
    const far = net.ua("far", answers(200));
    const alice = net.ua("alice");
    alice.send(request("MESSAGE", `sip:someone@${HOSTS["far"]}`));
    expect(far.requests.length).toBe(1);
    expect(far.requests[0]!.uriText).toBe(`sip:someone@${HOSTS["far"]}`);
    expect(alice.finals()).toEqual([200]);
  });

  it("RFC 3665 §3.7: busy — a 486 goes upstream, and the caller's ACK for it stays hop by hop (§17.1.1.3)", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const alice = net.ua("alice");
    const bob = net.ua("bob1", answers(486));
    alice.send(invite());
    expect(alice.finals()).toEqual([486]);
    // bob's transaction layer got its ACK from the proxy's client transaction, alice's went to the proxy.
    expect(net.wire.filter((w) => w.from === "proxy" && w.to === "bob1" && w.message.isRequest).map((w) => (w.message as { method: string }).method)).toEqual(["INVITE", "ACK"]);
    expect(bob.acks.length).toBe(0);
  });
});

describe("proxy core: request validation (RFC 3261 §16.3)", () => {
  it("RFC 3261 §16.3 step 3: Max-Forwards 0 gets 483 and nothing is forwarded", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const alice = net.ua("alice");
    alice.send(invite("sip:bob@example.com", { maxForwards: 0 }));
    expect(alice.finals()).toEqual([483]);
    expect(net.sentTo("bob1").length).toBe(0);
  });

  it("RFC 3261 §16.3 step 5: an unknown Proxy-Require option gets 420 with Unsupported; a supported one passes", () => {
    const net = new Net({ supported: ["sec-agree"] });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    net.ua("bob1", answers(200));
    const alice = net.ua("alice");
    alice.send(request("MESSAGE", "sip:bob@example.com", { headers: [["Proxy-Require", "foo, sec-agree"]] }));
    expect(alice.finals()).toEqual([420]);
    expect(alice.responses[0]!.header("Unsupported")).toBe("foo");
    alice.send(request("MESSAGE", "sip:bob@example.com", { headers: [["Proxy-Require", "sec-agree"]] }));
    expect(alice.finals()).toEqual([420, 200]);
  });

  it("RFC 3261 §16.3 step 2: a tel Request-URI the proxy cannot route gets 416", () => {
    const net = new Net();
    const alice = net.ua("alice");
    alice.send(request("MESSAGE", "tel:+15551234567"));
    expect(alice.finals()).toEqual([416]);
  });

  it("RFC 3261 §16.3 step 4: a request carrying this proxy's branch for the same routing values has looped (482); a retargeted one spirals", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    net.ua("bob1");
    const alice = net.ua("alice");
    const first = request("MESSAGE", "sip:bob@example.com", { callId: "loop-1" });
    alice.send(first);
    const sent = net.sentTo("bob1", "MESSAGE")[0]!;
    // The forwarded copy comes back to the proxy unchanged except for a Via on top and its Request-URI as received.
    const back = sent.clone();
    back.uri = "sip:bob@example.com";
    back.addHeader("Via", `SIP/2.0/UDP ${HOSTS["far"]};branch=${newBranch()}`, { prepend: true });
    net.proxy.handleMessage(back, { transport: "UDP", reliable: false, peer: "far" }, net.now);
    net.run();
    expect(net.wire.filter((w) => w.to === "far" && !w.message.isRequest).map((w) => (w.message as { status: number }).status)).toEqual([482]);
    // Retargeted (another Request-URI): a spiral, forwarded.
    const spiral = sent.clone();
    spiral.uri = "sip:carol@example.com";
    spiral.addHeader("Via", `SIP/2.0/UDP ${HOSTS["far"]};branch=${newBranch()}`, { prepend: true });
    net.location.set("sip:carol@example.com", ["sip:carol@192.0.2.4"]);
    net.ua("carol");
    net.proxy.handleMessage(spiral, { transport: "UDP", reliable: false, peer: "far" }, net.now);
    net.run();
    expect(net.sentTo("carol", "MESSAGE").length).toBe(1);
    expect(net.proxy.counters.local[482]).toBe(1);
  });

  it("RFC 3261 §22.3: with an authenticator, a request without credentials gets its 407 and is not forwarded", () => {
    const net = new Net({
      authenticate: {
        verify: (req) =>
          req.hasHeader("Proxy-Authorization") ? undefined : { status: 407, headers: [["Proxy-Authenticate", 'Digest realm="example.com", nonce="n1"']] },
      },
    });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    net.ua("bob1", answers(200));
    const alice = net.ua("alice");
    alice.send(invite());
    expect(alice.finals()).toEqual([407]);
    expect(alice.responses[0]!.header("Proxy-Authenticate")).toContain('realm="example.com"');
    expect(net.sentTo("bob1").length).toBe(0);
    alice.send(invite("sip:bob@example.com", { headers: [["Proxy-Authorization", 'Digest username="alice"']] }));
    expect(alice.finals()).toEqual([407, 200]);
  });
});

describe("proxy core: forking (RFC 3261 §16.6, §16.7)", () => {
  it("RFC 3261 §16.7 step 5 and step 10: parallel branches; the first 2xx goes up at once and the ringing branch is CANCELled", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5"]);
    const alice = net.ua("alice");
    net.ua("bob3", answers(180));
    const bob1 = net.ua("bob1", answers(180));
    alice.send(invite());
    expect(alice.statuses()).toEqual([100, 180, 180]);
    // bob1 answers after ringing.
    const txn = bob1.events.find((e) => e.type === "request")!;
    if (txn.type !== "request") throw new Error("no request");
    bob1.respond(txn.transaction, txn.request, 200, [["Contact", "<sip:bob1@192.0.2.2>"]]);
    net.run();
    expect(alice.finals()).toEqual([200]);
    expect(net.sentTo("bob3", "CANCEL").length).toBe(1);
    // bob3's 487 is not forwarded (a final response went upstream already).
    expect(alice.finals()).toEqual([200]);
    expect(net.proxy.counters.cancels).toBe(1);
  });

  it("RFC 3261 §16.6 (q-value order): contacts of lower q are tried after the higher ones fail", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", [{ contact: "sip:bob@192.0.2.5", q: 0.5 }, { contact: "sip:bob@192.0.2.2", q: 1 }]);
    const alice = net.ua("alice");
    const bob1 = net.ua("bob1", answers(486));
    const bob3 = net.ua("bob3", answers(180, 200));
    alice.send(invite());
    expect(bob1.requests.length).toBe(1);
    expect(bob3.requests.length).toBe(1);
    // bob1 (q=1) was asked first; bob3 only after its 486.
    const order = net.wire.filter((w) => w.from === "proxy" && w.message.isRequest && (w.message as { method: string }).method === "INVITE").map((w) => w.to);
    expect(order).toEqual(["bob1", "bob3"]);
    expect(alice.finals()).toEqual([200]);
  });

  it("RFC 3261 §16.6 sequential forking: one contact at a time even with equal q", () => {
    const net = new Net({ forking: "sequential" });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(180));
    net.ua("bob3", answers(200));
    alice.send(invite());
    expect(net.sentTo("bob3").length).toBe(0);
    expect(alice.statuses()).toEqual([100, 180]);
  });

  it("RFC 3261 §16.7 step 6: the lowest class wins, 401/407/415/420/484 first in 4xx; a chosen 503 goes up as 500", () => {
    const net = new Net({ forking: "parallel" });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5", "sip:bob@192.0.2.4"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(503));
    net.ua("bob3", answers(486));
    net.ua("carol", answers(484));
    alice.send(invite());
    expect(alice.finals()).toEqual([484]);

    const net2 = new Net({ forking: "parallel" });
    net2.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5"]);
    const alice2 = net2.ua("alice");
    net2.ua("bob1", answers(503));
    net2.ua("bob3", answers(503));
    alice2.send(invite());
    expect(alice2.finals()).toEqual([500]);
  });

  it("RFC 3261 §16.7 step 7: a 401 and a 407 of two branches go up as one response carrying both challenges", () => {
    const net = new Net({ forking: "parallel" });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5"]);
    const alice = net.ua("alice");
    net.ua("bob1", (req, txn, ua) => ua.respond(txn, req, 401, [["WWW-Authenticate", 'Digest realm="b1", nonce="x"']]));
    net.ua("bob3", (req, txn, ua) => ua.respond(txn, req, 407, [["Proxy-Authenticate", 'Digest realm="b3", nonce="y"']]));
    alice.send(invite());
    const final = alice.responses.find((r) => r.status >= 200)!;
    expect([401, 407]).toContain(final.status);
    expect(final.header("WWW-Authenticate")).toContain('realm="b1"');
    expect(final.header("Proxy-Authenticate")).toContain('realm="b3"');
  });

  it("RFC 3261 §16.7 step 5: a 6xx is not forwarded at once; the other branches are CANCELled and the 6xx goes up when they end", () => {
    const net = new Net({ forking: "parallel" });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5", "sip:bob@192.0.2.4"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(180));
    net.ua("carol", answers(180));
    const bob3 = net.ua("bob3", answers(180));
    alice.send(invite());
    expect(alice.finals()).toEqual([]);
    const e = bob3.events.find((x) => x.type === "request")!;
    if (e.type !== "request") throw new Error("no request");
    bob3.respond(e.transaction, e.request, 603);
    net.run();
    expect(net.sentTo("bob1", "CANCEL").length).toBe(1);
    expect(net.sentTo("carol", "CANCEL").length).toBe(1);
    // The cancelled branches answer 487 (their layers' §9.2); the 603 wins (§16.7 step 6).
    expect(alice.finals()).toEqual([603]);
  });

  it("RFC 3261 §16.5 and §16.7 step 4: with recursion on, a 302's contacts are tried and the redirect is not sent upstream", () => {
    const net = new Net({ recurseOnRedirect: true });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const alice = net.ua("alice");
    net.ua("bob1", (req, txn, ua) => ua.respond(txn, req, 302, [["Contact", "<sip:carol@192.0.2.4>"]]));
    const carol = net.ua("carol", answers(200));
    alice.send(invite());
    expect(carol.requests[0]!.uriText).toBe("sip:carol@192.0.2.4");
    expect(alice.finals()).toEqual([200]);

    // Without recursion the 302 goes up as it is.
    const plain = new Net();
    plain.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const a2 = plain.ua("alice");
    plain.ua("bob1", (req, txn, ua) => ua.respond(txn, req, 302, [["Contact", "<sip:carol@192.0.2.4>"]]));
    a2.send(invite());
    expect(a2.finals()).toEqual([302]);
    expect(a2.responses.find((r) => r.status === 302)!.header("Contact")).toBe("<sip:carol@192.0.2.4>");
  });

  it("RFC 5393 §5.3: parallel branches share Max-Breadth; no more branches at once than it allows", () => {
    const net = new Net({ forking: "parallel" });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5", "sip:bob@192.0.2.4"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(180));
    net.ua("bob3", answers(180));
    net.ua("carol", answers(180));
    alice.send(invite("sip:bob@example.com", { headers: [["Max-Breadth", "2"]] }));
    const sent = net.wire.filter((w) => w.from === "proxy" && w.message.isRequest).map((w) => w.message as ReturnType<typeof invite>);
    expect(sent.length).toBe(2);
    expect(sent.map((s) => s.header("Max-Breadth"))).toEqual(["1", "1"]);
  });
});

describe("proxy core: CANCEL and timers (RFC 3261 §16.8, §16.10)", () => {
  it("RFC 3665 §3.6 / RFC 3261 §16.10: the caller's CANCEL gets 200 at once, every pending branch a CANCEL, the caller a 487", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(180));
    net.ua("bob3", answers(180));
    const inv = invite("sip:bob@example.com", { headers: [] });
    const txn = alice.send(inv)!;
    alice.layer.cancel(txn, net.now, { headers: [["Reason", 'SIP;cause=200;text="Call completed elsewhere"']] });
    net.run();
    const cancels = [...net.sentTo("bob1", "CANCEL"), ...net.sentTo("bob3", "CANCEL")];
    expect(cancels.length).toBe(2);
    // RFC 3326: the Reason goes on.
    expect(cancels.every((c) => c.header("Reason")?.includes("cause=200") === true)).toBe(true);
    const finals = alice.responses.filter((r) => r.status >= 200).map((r) => `${r.status} ${r.cseq.method}`);
    expect(finals.sort()).toEqual(["200 CANCEL", "487 INVITE"]);
    expect(alice.responses.filter((r) => r.status === 487).length).toBe(1);
  });

  it("RFC 3261 §16.8: Timer C CANCELs a branch that rings too long, and the caller gets its 487", () => {
    const net = new Net({ timerC: 181_000 });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(180));
    alice.send(invite());
    net.advance(180_000);
    expect(net.sentTo("bob1", "CANCEL").length).toBe(0);
    net.advance(2_000);
    expect(net.sentTo("bob1", "CANCEL").length).toBe(1);
    expect(net.proxy.counters.timerC).toBe(1);
    expect(alice.finals()).toEqual([487]);
  });

  it("RFC 3261 §16.8: a 180 resets Timer C", () => {
    const net = new Net({ timerC: 181_000 });
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const alice = net.ua("alice");
    const bob = net.ua("bob1", answers(180));
    alice.send(invite());
    net.advance(100_000);
    const e = bob.events.find((x) => x.type === "request")!;
    if (e.type !== "request") throw new Error("no request");
    bob.respond(e.transaction, e.request, 183);
    net.run();
    net.advance(100_000);
    expect(net.sentTo("bob1", "CANCEL").length).toBe(0);
    net.advance(90_000);
    expect(net.sentTo("bob1", "CANCEL").length).toBe(1);
  });

  it("RFC 3665 §3.8 / RFC 3261 §16.7 step 6: a callee that never answers leaves the caller a 408 after Timer B", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2"]);
    const alice = net.ua("alice");
    // bob1 exists but its layer never gets the INVITE: the wire to it drops everything.
    const bob = net.ua("bob1");
    bob.layer.handleMessage = () => undefined;
    alice.send(invite());
    net.advance(64 * T1 + 10);
    expect(alice.finals()).toEqual([408]);
    // The proxy retransmitted over UDP (Timer A).
    expect(net.sentTo("bob1", "INVITE").length).toBeGreaterThan(3);
  });

  it("RFC 3261 §16.10: a CANCEL matching nothing gets 481", () => {
    const net = new Net();
    const alice = net.ua("alice");
    const c = request("CANCEL", "sip:bob@example.com");
    alice.send(c);
    expect(alice.finals()).toEqual([481]);
  });
});

describe("proxy core: routing (RFC 3261 §16.4, §16.6, RFC 3327, RFC 5658)", () => {
  it("RFC 3261 §16.6 step 6: a next hop without lr (a strict router) gets the Request-URI, the old Request-URI goes last in Route", () => {
    const net = new Net();
    const far = net.ua("far", answers(200));
    const alice = net.ua("alice");
    alice.send(request("BYE", "sip:bob@192.0.2.2", { toTag: "b1", headers: [["Route", `<sip:${PROXY_HOST};lr>`], ["Route", `<sip:${HOSTS["far"]}>`], ["Route", "<sip:x.example.net;lr>"]] }));
    const got = far.requests[0]!;
    expect(got.uriText).toBe(`sip:${HOSTS["far"]}`);
    expect(got.route.map((r) => String(r.uri))).toEqual(["sip:x.example.net;lr", "sip:bob@192.0.2.2"]);
  });

  it("RFC 3261 §16.4: a Request-URI holding our Record-Route (from a strict router) is replaced by the last Route value", () => {
    const net = new Net();
    const bob = net.ua("bob1", answers(200));
    const alice = net.ua("alice");
    alice.send(request("BYE", `sip:${PROXY_HOST}:5060;lr`, { toTag: "b1", headers: [["Route", `<sip:bob1@${HOSTS["bob1"]}:5060>`]] }));
    expect(bob.requests[0]!.uriText).toBe(`sip:bob1@${HOSTS["bob1"]}:5060`);
    expect(bob.requests[0]!.hasHeader("Route")).toBe(false);
  });

  it("RFC 5658 §3.2: a request changing transport (UDP in, TCP out) gets two Record-Route values, the outbound side on top; both are removed when they come back", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.3;transport=tcp"]);
    const alice = net.ua("alice");
    const bob2 = net.ua("bob2", answers(200));
    alice.send(invite());
    const f = net.sentTo("bob2", "INVITE")[0]!;
    expect(f.recordRoute.map(String)).toEqual([`<sip:${PROXY_HOST}:5060;transport=tcp;lr>`, `<sip:${PROXY_HOST}:5060;lr>`]);
    expect(f.via[0]!.transport).toBe("TCP");
    // bob2's BYE to alice: its route set is the Record-Route in order.
    const bye = createRequest({
      method: "BYE",
      uri: `sip:alice@${HOSTS["alice"]}:5060`,
      from: `<sip:bob@example.com>;tag=bob2-tag`,
      to: f.header("From")!,
      callId: f.callId,
      cseq: 7,
      via: `SIP/2.0/TCP ${HOSTS["bob2"]}:5060;branch=${newBranch()}`,
      headers: f.recordRoute.map((r): [string, string] => ["Route", String(r)]),
    });
    bob2.send(bye);
    const got = alice.requests.find((r) => r.method === "BYE")!;
    expect(got.hasHeader("Route")).toBe(false);
    expect(got.uriText).toBe(`sip:alice@${HOSTS["alice"]}:5060`);
  });

  it("RFC 3327 §5.3: a binding's Path becomes the Route of the forwarded request", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", [{ contact: "sip:bob@10.0.0.9", path: [`<sip:${HOSTS["far"]};lr>`] }]);
    const far = net.ua("far", answers(200));
    const alice = net.ua("alice");
    alice.send(request("MESSAGE", "sip:bob@example.com"));
    const got = far.requests[0]!;
    expect(got.uriText).toBe("sip:bob@10.0.0.9");
    expect(got.route.map((r) => String(r.uri))).toEqual([`sip:${HOSTS["far"]};lr`]);
    expect(alice.finals()).toEqual([200]);
  });

  it("RFC 3261 §16.5: an OPTIONS for the proxy itself is answered 200, not forwarded", () => {
    const net = new Net();
    const alice = net.ua("alice");
    alice.send(request("OPTIONS", `sip:${PROXY_HOST}`));
    expect(alice.finals()).toEqual([200]);
  });

  it("RFC 3261 §16.9: a target nothing reaches counts as a 503 and goes up as 500", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@unreachable.invalid"]);
    const alice = net.ua("alice");
    alice.send(request("MESSAGE", "sip:bob@example.com"));
    expect(alice.finals()).toEqual([500]);
  });
});

describe("proxy core: state is released", () => {
  it("RFC 3261 §16.7, RFC 6026 §7.1: contexts and branches are gone once their transactions end", () => {
    const net = new Net();
    net.location.set("sip:bob@example.com", ["sip:bob@192.0.2.2", "sip:bob@192.0.2.5"]);
    const alice = net.ua("alice");
    net.ua("bob1", answers(180, 200));
    net.ua("bob3", answers(180));
    for (let i = 0; i < 20; i++) alice.send(invite());
    expect(alice.finals().filter((s) => s === 200).length).toBe(20);
    expect(net.proxy.contextCount).toBe(20);
    net.advance(64 * T1 + 1000);
    expect(net.proxy.contextCount).toBe(0);
    expect(net.proxy.branchCount).toBe(0);
    expect(net.proxy.pollTimeout()).toBeUndefined();
  });
});
