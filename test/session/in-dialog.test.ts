import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { formatFake } from "./fake-media.ts";
import { autoAnswer, call, isReq, isRes, labels, pair, RawPeer, SimAgent, SimNet } from "./harness.ts";

describe("early media (RFC 3261 §13.2.1, RFC 6337)", () => {
  it("RFC 6337 §3.1: a 183 with the answer, sent unreliably, starts early media; the same answer in the 200 is not taken twice", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    bob.onEvent = (e, now) => {
      if (e.type !== "incoming") return;
      e.session.progress(now);
      net.at(now + 1000, (t) => e.session.answer(t));
    };
    const s = call(net, alice);
    net.run(3000);
    const progress = net.wire.find(isRes(183))!.message as SipResponse;
    expect(progress.hasHeader("RSeq")).toBe(false);
    expect(progress.bodyText).toContain("o=bob");
    const ok = net.wire.find(isRes(200, "INVITE"))!.message as SipResponse;
    expect(ok.bodyText).toBe(progress.bodyText);
    expect(alice.types()).toEqual(["progress", "early-media", "answered"]);
    expect(alice.media[0]!.log).toEqual(["offer sendrecv", "answered sendrecv"]);
    expect(s.state).toBe("confirmed");
  });

  it("RFC 3261 §13.2.1: when the 200's answer differs from the early one, the 200's is the answer in force", () => {
    const net = new SimNet();
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com");
    const bob = new RawPeer(net, "client.biloxi.example.com");
    const s = call(net, alice);
    net.runFor(20);
    const invite = bob.requests("INVITE")[0]!;
    const early = formatFake({ owner: "bob", version: 1, direction: "recvonly", codecs: ["PCMU"] });
    const final = formatFake({ owner: "bob", version: 2, direction: "sendrecv", codecs: ["PCMA"] });
    const respond = (status: number, body: string) => {
      bob.send(
        `SIP/2.0 ${status} ${status === 183 ? "Session Progress" : "OK"}\r\n` +
          invite.headers("Via").map((v) => `Via: ${v}\r\n`).join("") +
          `From: ${invite.header("From")}\r\nTo: ${invite.header("To")};tag=b1\r\nCall-ID: ${invite.callId}\r\nCSeq: 1 INVITE\r\n` +
          `Contact: <sip:bob@client.biloxi.example.com>\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        "client.atlanta.example.com",
      );
    };
    respond(183, early);
    net.runFor(20);
    expect(alice.types()).toEqual(["progress", "early-media"]);
    expect(alice.media[0]!.remote?.direction).toBe("recvonly");
    respond(200, final);
    net.runFor(20);
    expect(alice.media[0]!.log).toEqual(["offer sendrecv", "answered recvonly", "answered sendrecv"]);
    expect(alice.media[0]!.remote?.codecs).toEqual(["PCMA"]);
    expect(s.state).toBe("confirmed");
    expect(bob.requests("ACK")).toHaveLength(1);
  });
});

describe("requests inside the session's dialog (RFC 3261 §12.2)", () => {
  it("RFC 3261 §12.2.1.1: INFO through the application on both sides; OPTIONS answered by the core", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net, {}, { methods: ["INFO"] });
    autoAnswer(bob, { ring: false, ringMs: 0 });
    bob.onEvent = ((prev) => (e, now) => {
      prev?.(e, now);
      if (e.type === "request") bob.core.respond(e, 200, now, { body: "ok", contentType: "text/plain" });
    })(bob.onEvent);
    const s = call(net, alice);
    net.run(1000);
    const info = s.request("INFO", net.now, { body: "Signal=5\r\nDuration=160\r\n", contentType: "application/dtmf-relay" });
    const options = s.request("OPTIONS", net.now);
    net.runFor(1000);
    const got = bob.of("request")[0]!;
    expect([got.request.method, got.session]).toEqual(["INFO", bob.incoming()]);
    expect(got.request.bodyText).toBe("Signal=5\r\nDuration=160\r\n");
    expect(got.request.cseq.seq).toBe(2);
    const outcomes = alice.of("response");
    expect(outcomes.map((o) => [o.exchange, o.status])).toEqual([[info, 200], [options, 200]]);
    expect(outcomes[0]!.response!.bodyText).toBe("ok");
    expect(outcomes[1]!.response!.header("Allow")).toContain("UPDATE");
    expect(s.state).toBe("confirmed");
  });

  it("RFC 5057 §5.1, RFC 3261 §12.2.1.2: a 481 to a request inside the dialog ends the session without BYE", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net, {}, { methods: ["INFO"] });
    autoAnswer(bob, { ring: false, ringMs: 0 });
    bob.onEvent = ((prev) => (e, now) => {
      prev?.(e, now);
      if (e.type === "request") bob.core.respond(e, 481, now);
    })(bob.onEvent);
    const s = call(net, alice);
    net.run(1000);
    s.request("INFO", net.now);
    net.runFor(1000);
    const ended = alice.of("terminated")[0]!;
    expect([ended.reason, ended.status]).toEqual(["dialog-gone", 481]);
    net.run();
    // Alice sends no BYE; Bob, who still has his session, ends it when its interval runs out (RFC 4028 §10).
    expect(net.wire.filter((r) => isReq("BYE")(r) && r.from === "client.atlanta.example.com")).toHaveLength(0);
    expect(bob.of("terminated")[0]!.reason).toBe("session-expired");
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 5057 §5.2, RFC 3261 §12.2.1.2: a re-INVITE that gets no response at all ends the INVITE usage with BYE", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(1000);
    net.dropIf = (r) => isReq("INVITE")(r) && (r.message as SipRequest).cseq.seq === 2;
    s.hold(net.now);
    net.run();
    expect(labels(net).slice(-2)).toEqual(["BYE", "200 BYE"]);
    const failed = alice.of("modify-failed")[0]!;
    expect([failed.method, failed.status]).toEqual(["INVITE", 408]);
    const ended = alice.of("terminated")[0]!;
    expect([ended.reason, ended.status]).toEqual(["timeout", 408]);
    expect(s.localHold).toBe(false);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });
});
