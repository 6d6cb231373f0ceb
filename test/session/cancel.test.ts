import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { autoAnswer, call, isReq, labels, pair, SimNet } from "./harness.ts";


describe("CANCEL (RFC 3261 §9)", () => {
  it("RFC 3261 §9.1, §9.2: a CANCEL after the 180: 200 to the CANCEL, 487 to the INVITE; both sessions end as cancelled", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ringMs: 10000 });
    alice.onEvent = (e, now) => {
      if (e.type === "progress") net.at(now + 500, (t) => e.session.cancel(t));
    };
    const s = call(net, alice);
    net.run();
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "180 INVITE", "CANCEL", "200 CANCEL", "487 INVITE", "ACK"]);
    const cancel = net.wire.find(isReq("CANCEL"))!.message as SipRequest;
    const invite = net.wire.find(isReq("INVITE"))!.message as SipRequest;
    expect([cancel.branch, cancel.cseq.seq, cancel.uriText]).toEqual([invite.branch, 1, invite.uriText]);
    const a = alice.of("terminated")[0]!;
    expect([a.reason, a.by, a.status]).toEqual(["cancel", "local", 487]);
    const b = bob.of("terminated")[0]!;
    expect([b.reason, b.by]).toEqual(["cancel", "remote"]);
    expect(s.state).toBe("terminated");
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §9.1: a CANCEL asked for before any provisional response waits for one", () => {
    const net = new SimNet({ delay: 10 });
    // Bob's transaction layer sends 100 Trying after 200 ms; he never rings.
    const { alice, bob } = pair(net, {}, { transactions: {} });
    bob.onEvent = () => {};
    const s = call(net, alice);
    s.cancel(net.now);
    net.run();
    const trying = net.wire.find((r) => !r.message.isRequest && (r.message as SipResponse).status === 100)!;
    const cancel = net.wire.find(isReq("CANCEL"))!;
    expect(trying.at).toBe(210);
    expect(cancel.at).toBe(220);
    expect(alice.of("terminated")[0]!.status).toBe(487);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §9.1, §13.2.2.4: a 200 that crosses the CANCEL is ACKed, then the call is ended with BYE", () => {
    const net = new SimNet({ delay: 30 });
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ringMs: 1000 });
    const s = call(net, alice);
    // Bob answers at 1030; Alice cancels at 1040, before the 200 reaches her (1060).
    net.at(1040, (t) => s.cancel(t));
    net.run();
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "180 INVITE", "200 INVITE", "CANCEL", "ACK", "BYE", "200 CANCEL", "200 BYE"]);
    const a = alice.of("terminated")[0]!;
    expect([a.reason, a.by, a.status]).toEqual(["cancel", "local", 200]);
    expect(alice.types()).toEqual(["progress", "terminated"]);
    const b = bob.of("terminated")[0]!;
    expect([b.reason, b.by]).toEqual(["bye", "remote"]);
    expect(bob.types()).toEqual(["incoming", "confirmed", "terminated"]);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3261 §15: the caller ending an unanswered call sends CANCEL (not BYE); the callee's terminate() rejects with 480", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ringMs: 10000 });
    const s = call(net, alice);
    net.runFor(200);
    s.terminate(net.now);
    net.run();
    expect(net.wire.filter(isReq("BYE"))).toHaveLength(0);
    expect(net.wire.filter(isReq("CANCEL"))).toHaveLength(1);
    const net2 = new SimNet();
    const p = pair(net2);
    p.bob.onEvent = (e, now) => {
      if (e.type === "incoming") {
        e.session.ring(now);
        expect(() => e.session.bye(now)).toThrow(/reject/);
        net2.at(now + 100, (t) => e.session.terminate(t));
      }
    };
    call(net2, p.alice);
    net2.run();
    expect(p.alice.of("terminated")[0]!.status).toBe(480);
    expect(p.alice.idle && p.bob.idle).toBe(true);
  });
});
