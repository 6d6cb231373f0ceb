import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { autoAnswer, call, pair, SimNet } from "./harness.ts";

describe("basic call", () => {
  it("RFC 3261 §13, §15: INVITE, 180, 200, ACK, BYE, 200; both cores end empty", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob);
    const s = call(net, alice);
    net.run(5000);
    expect(s.state).toBe("confirmed");
    expect(bob.incoming().state).toBe("confirmed");
    expect(alice.types()).toEqual(["progress", "answered"]);
    expect(bob.types()).toEqual(["incoming", "confirmed"]);
    s.bye(net.now);
    net.run();
    expect(net.trace().map((l) => l.split(" ")[1])).toEqual(["INVITE", "100", "180", "200", "ACK", "BYE", "200"]);
    const ended = alice.of("terminated")[0]!;
    expect([ended.reason, ended.by]).toEqual(["bye", "local"]);
    const bobEnded = bob.of("terminated")[0]!;
    expect([bobEnded.reason, bobEnded.by]).toEqual(["bye", "remote"]);
    expect(alice.media[0]!.closed && bob.media[0]!.closed).toBe(true);
    expect(alice.idle, alice.holding).toBe(true);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3264 §5, §6: the answer in the 200 takes the codecs both sides have", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net, { codecs: ["G722", "PCMA", "PCMU"] }, { codecs: ["PCMA", "opus"] });
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(5000);
    expect(s.state).toBe("confirmed");
    expect(alice.media[0]!.remote?.codecs).toEqual(["PCMA"]);
    expect(bob.media[0]!.local?.codecs).toEqual(["PCMA"]);
    expect(alice.media[0]!.log).toEqual(["offer sendrecv", "answered sendrecv"]);
  });

  it("RFC 3261 §13.2.1: an INVITE without an offer gets the offer in the 200 and the answer in the ACK", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ringMs: 100 });
    const s = call(net, alice, { offer: false });
    net.run(5000);
    expect(s.state).toBe("confirmed");
    const invite = net.wire.find((r) => r.message.isRequest && (r.message as SipRequest).method === "INVITE")!.message;
    const ok = net.wire.find((r) => !r.message.isRequest && (r.message as SipResponse).status === 200)!.message;
    const ack = net.wire.find((r) => r.message.isRequest && (r.message as SipRequest).method === "ACK")!.message;
    expect(invite.body.length).toBe(0);
    expect(ok.bodyText).toContain("o=bob 1");
    expect(ack.bodyText).toContain("o=alice 1");
    expect(bob.media[0]!.log).toEqual(["offer sendrecv", "answered sendrecv"]);
    expect(alice.media[0]!.log).toEqual(["answer sendrecv"]);
  });

  it("RFC 3261 §13.3.1.4, §17.1.1: the call completes over a lossy, jittery network, and nothing is left", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const net = new SimNet({ loss: 0.25, delay: 20, jitter: 80, seed });
      const { alice, bob } = pair(net);
      autoAnswer(bob, { ringMs: 500 });
      alice.onEvent = (e, now) => {
        if (e.type === "answered") net.at(now + 2000, (t) => e.session.bye(t));
      };
      const s = call(net, alice);
      net.run();
      const a = alice.of("terminated")[0];
      const b = bob.of("terminated")[0];
      // With 25 % loss a call can still fail (Timer B, a lost BYE answered by a timeout); whatever
      // happened, both ends reached an end and hold nothing.
      expect(a, `seed ${seed}`).toBeDefined();
      if (a!.reason === "bye") expect(b?.reason, `seed ${seed}`).toMatch(/bye|no-ack/);
      expect(s.state).toBe("terminated");
      expect(alice.idle, `seed ${seed} ${alice.holding}`).toBe(true);
      expect(bob.idle, `seed ${seed} ${bob.holding}`).toBe(true);
    }
  });

  it("RFC 3261 §13.3.1.4: the callee retransmits its 2xx (T1 doubling to T2) until the ACK arrives", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    // The first three ACKs are lost: the 2xx goes out at 0, 500, 1500, 3500 ms after the answer.
    let acks = 0;
    net.dropIf = (r) => r.message.isRequest && (r.message as SipRequest).method === "ACK" && ++acks <= 3;
    const s = call(net, alice);
    net.run(20000);
    const oks = net.wire.filter((r) => r.from === "client.biloxi.example.com" && !r.message.isRequest && (r.message as SipResponse).status === 200);
    const first = oks[0]!.at;
    expect(oks.map((r) => r.at - first)).toEqual([0, 500, 1500, 3500]);
    expect(bob.incoming().state).toBe("confirmed");
    expect(s.state).toBe("confirmed");
    // Alice ACKed each 2xx she saw (§13.2.2.4), with the same ACK.
    const sent = net.wire.filter((r) => r.message.isRequest && (r.message as SipRequest).method === "ACK");
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => (r.message as SipRequest).branch)).size).toBe(1);
  });

  it("RFC 3261 §13.3.1.4: no ACK within 64*T1: the callee ends the session with BYE", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    net.dropIf = (r) => r.message.isRequest && (r.message as SipRequest).method === "ACK";
    call(net, alice);
    net.run();
    const ended = bob.of("terminated")[0]!;
    expect([ended.reason, ended.by]).toEqual(["no-ack", "local"]);
    const bye = net.wire.find((r) => r.message.isRequest && (r.message as SipRequest).method === "BYE")!;
    const firstOk = net.wire.find((r) => !r.message.isRequest && (r.message as SipResponse).status === 200)!;
    expect(bye.at - firstOk.at).toBe(32000);
    expect(alice.of("terminated")[0]?.reason).toBe("bye");
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §17: over TCP no transaction retransmits, and the call completes the same way", () => {
    const net = new SimNet({ delay: 5 });
    const { alice, bob } = pair(net, { transportName: "TCP" }, { transportName: "TCP" });
    autoAnswer(bob, { ringMs: 200 });
    alice.onEvent = (e, now) => {
      if (e.type === "answered") e.session.bye(now);
    };
    call(net, alice);
    net.run();
    expect(net.trace().map((l) => l.split(" ")[1])).toEqual(["INVITE", "100", "180", "200", "ACK", "BYE", "200"]);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §15: the callee hangs up; the caller's BYE after that is answered 481", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ringMs: 100 });
    const s = call(net, alice);
    net.run(2000);
    const b = bob.incoming();
    b.bye(net.now);
    expect(() => s.bye(net.now)).not.toThrow();
    net.run();
    // Both sent BYE at once: each answers the other's 200 (the dialog still exists until its own
    // BYE completes), and both end.
    const byes = net.wire.filter((r) => r.message.isRequest && (r.message as SipRequest).method === "BYE");
    expect(byes).toHaveLength(2);
    expect(alice.of("terminated")).toHaveLength(1);
    expect(bob.of("terminated")).toHaveLength(1);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §13.3.1.3: a rejected call ends on both sides with the status", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ringMs: 300, reject: 486 });
    const s = call(net, alice);
    net.run();
    const ended = alice.of("terminated")[0]!;
    expect([ended.reason, ended.by, ended.status]).toEqual(["rejected", "remote", 486]);
    expect(s.state).toBe("terminated");
    expect(net.trace().map((l) => l.split(" ")[1])).toEqual(["INVITE", "100", "180", "486", "ACK"]);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });
});
