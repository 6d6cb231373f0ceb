import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { parseFake } from "./fake-media.ts";
import { autoAnswer, call, isReq, isRes, labels, pair, SimNet } from "./harness.ts";


describe("UPDATE (RFC 3311)", () => {
  it("RFC 3311 §5.1: an UPDATE with a new offer before the answer, in the early dialog; the 2xx to the INVITE repeats the answer in force", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    bob.onEvent = (e, now) => {
      if (e.type !== "incoming") return;
      e.session.progress(now, { reliable: true });
      net.at(now + 2000, (t) => e.session.answer(t));
    };
    alice.onEvent = (e, now) => {
      // Once the early offer/answer is done (the PRACK answered), change the media before the answer.
      if (e.type === "early-media") net.at(now + 500, (t) => e.session.update(t, { direction: "sendonly" }));
    };
    const s = call(net, alice);
    net.run(5000);
    expect(labels(net)).toEqual([
      "INVITE", "100 INVITE", "183 INVITE", "PRACK", "200 PRACK", "UPDATE", "200 UPDATE", "200 INVITE", "ACK",
    ]);
    const update = net.wire.find(isReq("UPDATE"))!.message as SipRequest;
    expect(update.cseq).toEqual({ seq: 3, method: "UPDATE" });
    expect(update.header("Contact")).toBe("<sip:alice@client.atlanta.example.com>");
    expect(parseFake(update.body)?.direction).toBe("sendonly");
    const answer = net.wire.find(isRes(200, "UPDATE"))!.message as SipResponse;
    expect(parseFake(answer.body)?.direction).toBe("recvonly");
    const ok = net.wire.find(isRes(200, "INVITE"))!.message as SipResponse;
    expect(ok.bodyText).toBe(answer.bodyText);
    expect(alice.types()).toEqual(["progress", "early-media", "modified", "answered"]);
    expect(bob.types()).toEqual(["incoming", "modified", "hold", "confirmed"]);
    expect(s.state).toBe("confirmed");
  });

  it("RFC 3311 §5.1: an UPDATE asked for while the INVITE's offer is unanswered waits for the answer", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    // Bob rings unreliably: the INVITE's offer stays unanswered until his 2xx.
    autoAnswer(bob, { ringMs: 2000 });
    alice.onEvent = (e, now) => {
      if (e.type === "progress") e.session.update(now, { direction: "sendonly" });
    };
    const s = call(net, alice);
    net.run(5000);
    // §5.1: "the UAC MUST NOT send an UPDATE with an offer if it has sent an offer [...] to which
    // it has not yet received an answer": the UPDATE goes once the 2xx brought it.
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "180 INVITE", "200 INVITE", "ACK", "UPDATE", "200 UPDATE"]);
    expect(s.localHold).toBe(false);
    expect(alice.types()).toEqual(["progress", "answered", "modified"]);
  });

  it("RFC 3311 §5.2: UPDATEs with offers that cross are both refused 491, and both go through after the back-off", () => {
    const net = new SimNet({ delay: 20, seed: 7 });
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(1000);
    const b = bob.incoming();
    s.update(net.now, { direction: "sendonly" });
    b.update(net.now, { direction: "sendonly" });
    net.runFor(10000);
    expect(net.wire.filter(isRes(491, "UPDATE"))).toHaveLength(2);
    expect(net.wire.filter(isRes(200, "UPDATE"))).toHaveLength(2);
    expect(alice.of("modify-failed")).toHaveLength(0);
    expect(alice.media[0]!.log).toContain("rollback");
  });

  it("RFC 3311 §5.1: hold by UPDATE in a confirmed dialog, and an UPDATE without an offer (a refresh) changes nothing", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(1000);
    s.hold(net.now, { method: "UPDATE" });
    net.runFor(1000);
    expect(s.localHold).toBe(true);
    expect(bob.incoming().remoteHold).toBe(true);
    const before = alice.events.length;
    s.update(net.now, { offer: false });
    net.runFor(1000);
    const refresh = net.wire.filter(isReq("UPDATE"))[1]!.message as SipRequest;
    expect(refresh.body.length).toBe(0);
    expect(net.wire.filter(isRes(200, "UPDATE"))).toHaveLength(2);
    expect(alice.events.length).toBe(before);
    expect(s.localHold).toBe(true);
  });
});
