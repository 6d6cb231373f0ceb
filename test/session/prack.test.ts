import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { call, isReq, isRes, labels, pair, SimNet, type SimAgent } from "./harness.ts";


/** Bob rings (reliably, per `ring`), then answers after `answerMs`. */
function callee(bob: SimAgent, net: SimNet, ring: (s: ReturnType<SimAgent["incoming"]>, now: number) => void, answerMs = 1000): void {
  bob.onEvent = (e, now) => {
    if (e.type !== "incoming") return;
    ring(e.session, now);
    if (answerMs >= 0) net.at(now + answerMs, (t) => e.session.state === "early" && e.session.answer(t));
  };
}

describe("reliable provisional responses (RFC 3262)", () => {
  it("RFC 3262 §3, §4: a reliable 180 carries Require: 100rel and RSeq, and is PRACKed with the matching RAck", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    callee(bob, net, (s, now) => s.ring(now, { reliable: true }));
    const s = call(net, alice);
    net.run(5000);
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "180 INVITE", "PRACK", "200 PRACK", "200 INVITE", "ACK"]);
    const invite = net.wire.find(isReq("INVITE"))!.message as SipRequest;
    expect(invite.supported).toContain("100rel");
    const ringing = net.wire.find(isRes(180))!.message as SipResponse;
    expect(ringing.require).toContain("100rel");
    const rseq = ringing.rseq!;
    expect(rseq).toBeGreaterThanOrEqual(1);
    const prack = net.wire.find(isReq("PRACK"))!.message as SipRequest;
    expect(prack.rack).toEqual({ rseq, cseq: 1, method: "INVITE" });
    expect(prack.cseq).toEqual({ seq: 2, method: "PRACK" });
    expect(prack.toTag).toBe(ringing.toTag);
    expect(alice.of("progress")[0]!.reliable).toBe(true);
    expect(s.state).toBe("confirmed");
  });

  it("RFC 3262 §5: the answer to the INVITE's offer in a reliable 183 is early media; the 2xx repeats it and nothing is negotiated again", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    callee(bob, net, (s, now) => s.progress(now, { reliable: true }));
    call(net, alice);
    net.run(5000);
    const progress = net.wire.find(isRes(183))!.message as SipResponse;
    const ok = net.wire.find(isRes(200, "INVITE"))!.message as SipResponse;
    expect(progress.bodyText).toContain("o=bob");
    expect(ok.bodyText).toBe(progress.bodyText);
    expect(alice.types()).toEqual(["progress", "early-media", "answered"]);
    expect(alice.media[0]!.log).toEqual(["offer sendrecv", "answered sendrecv"]);
    expect(bob.media[0]!.log).toEqual(["answer sendrecv"]);
    expect((net.wire.find(isReq("PRACK"))!.message as SipRequest).body.length).toBe(0);
  });

  it("RFC 3262 §5: an INVITE without an offer gets one in the reliable 183 and the answer in the PRACK", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    callee(bob, net, (s, now) => s.progress(now, { reliable: true }));
    call(net, alice, { offer: false });
    net.run(5000);
    const progress = net.wire.find(isRes(183))!.message as SipResponse;
    const prack = net.wire.find(isReq("PRACK"))!.message as SipRequest;
    const ok = net.wire.find(isRes(200, "INVITE"))!.message as SipResponse;
    expect(progress.bodyText).toContain("o=bob 1");
    expect(prack.bodyText).toContain("o=alice 1");
    expect(ok.body.length).toBe(0);
    expect(bob.media[0]!.log).toEqual(["offer sendrecv", "answered sendrecv"]);
    expect(alice.media[0]!.log).toEqual(["answer sendrecv"]);
    expect(bob.incoming().state).toBe("confirmed");
  });

  it("RFC 3262 §3: the reliable 1xx is retransmitted from T1, doubling, until its PRACK arrives", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    callee(bob, net, (s, now) => s.ring(now, { reliable: true }), 10000);
    let copies = 0;
    net.dropIf = (r) => isRes(180)(r) && ++copies <= 3;
    call(net, alice);
    net.run(9000);
    const sent = net.wire.filter(isRes(180));
    const t0 = sent[0]!.at;
    expect(sent.map((r) => r.at - t0)).toEqual([0, 500, 1500, 3500]);
    expect(net.wire.filter(isReq("PRACK"))).toHaveLength(1);
  });

  it("RFC 3262 §4: a retransmitted 1xx is not PRACKed again; the lost PRACK is retransmitted by its own transaction", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    callee(bob, net, (s, now) => s.ring(now, { reliable: true }), 10000);
    let pracks = 0;
    net.dropIf = (r) => isReq("PRACK")(r) && ++pracks === 1;
    call(net, alice);
    net.run(5000);
    const sent = net.wire.filter(isReq("PRACK")).map((r) => r.message as SipRequest);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((p) => p.branch)).size).toBe(1);
    expect(net.wire.filter(isRes(180)).length).toBeGreaterThanOrEqual(2);
    expect(alice.of("progress")).toHaveLength(1);
    expect(net.wire.filter(isRes(200, "PRACK")).length).toBeGreaterThanOrEqual(1);
  });

  it("RFC 3262 §3: with no PRACK in 64*T1 the INVITE is answered 504 and the call ends on both sides", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    callee(bob, net, (s, now) => s.ring(now, { reliable: true }), -1);
    net.dropIf = isReq("PRACK");
    call(net, alice);
    net.run();
    const first = net.wire.find(isRes(180))!.at;
    const refusal = net.wire.find(isRes(504))!;
    expect(refusal.at - first).toBe(32000);
    expect([bob.of("terminated")[0]!.reason, alice.of("terminated")[0]!.status]).toEqual(["no-prack", 504]);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 3262 §3: the 2xx waits for the PRACK of a 1xx that carried a session description", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    bob.onEvent = (e, now) => {
      if (e.type !== "incoming") return;
      e.session.progress(now, { reliable: true });
      e.session.answer(now); // at once: must be held back
    };
    call(net, alice);
    net.run(5000);
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "183 INVITE", "PRACK", "200 PRACK", "200 INVITE", "ACK"]);
  });

  it("RFC 3262 §3: a second reliable 1xx waits for the first one's PRACK, and its RSeq is one higher", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net);
    bob.onEvent = (e, now) => {
      if (e.type !== "incoming") return;
      e.session.ring(now, { reliable: true });
      e.session.progress(now, { reliable: true });
      net.at(now + 1000, (t) => e.session.answer(t));
    };
    call(net, alice);
    net.run(5000);
    expect(labels(net).slice(0, 8)).toEqual(["INVITE", "100 INVITE", "180 INVITE", "PRACK", "200 PRACK", "183 INVITE", "PRACK", "200 PRACK"]);
    const [r1, r2] = net.wire.filter((r) => isRes(180)(r) || isRes(183)(r)).map((r) => (r.message as SipResponse).rseq!);
    expect(r2).toBe(r1! + 1);
    expect(net.wire.filter(isReq("PRACK")).map((r) => (r.message as SipRequest).rack!.rseq)).toEqual([r1, r2]);
  });

  it("RFC 3262 §3: when the caller requires 100rel every provisional is reliable", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net, { reliableProvisionals: "required" });
    callee(bob, net, (s, now) => s.ring(now));
    call(net, alice);
    net.run(5000);
    const invite = net.wire.find(isReq("INVITE"))!.message as SipRequest;
    expect(invite.require).toEqual(["100rel"]);
    expect((net.wire.find(isRes(180))!.message as SipResponse).rseq).toBeDefined();
    expect(net.wire.filter(isReq("PRACK"))).toHaveLength(1);
  });

  it("RFC 3262 §3: a caller that does not support 100rel gets unreliable provisionals even when asked", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net, { reliableProvisionals: "off" });
    callee(bob, net, (s, now) => s.ring(now, { reliable: true }));
    call(net, alice);
    net.run(5000);
    const invite = net.wire.find(isReq("INVITE"))!.message as SipRequest;
    expect(invite.supported).not.toContain("100rel");
    expect((net.wire.find(isRes(180))!.message as SipResponse).hasHeader("RSeq")).toBe(false);
    expect(net.wire.filter(isReq("PRACK"))).toHaveLength(0);
  });
});
