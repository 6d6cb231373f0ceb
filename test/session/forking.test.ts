import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { ALICE, isReq, isRes, SimAgent, SimNet, type AgentOptions } from "./harness.ts";
import { SimProxy } from "./proxy.ts";


/** Alice calls bob@proxy, which forks to two endpoints (each rings, then answers after `answerMs[i]`, or never). */
function world(answerMs: (number | undefined)[], alice: AgentOptions = {}) {
  const net = new SimNet({ delay: 10 });
  const a = new SimAgent(net, "alice", "client.atlanta.example.com", alice);
  const hosts = ["desk.biloxi.example.com", "mobile.biloxi.example.com"];
  const bobs = hosts.map((h, i) => {
    const b = new SimAgent(net, "bob", h);
    b.onEvent = (e, now) => {
      if (e.type !== "incoming") return;
      e.session.ring(now);
      const ms = answerMs[i];
      if (ms !== undefined) net.at(now + ms, (t) => e.session.state === "early" && e.session.answer(t));
    };
    return b;
  });
  const proxy = new SimProxy(net, "proxy.biloxi.example.com", { locations: { bob: hosts } });
  const s = a.core.invite({ from: ALICE, to: "Bob <sip:bob@biloxi.example.com>", requestUri: "sip:bob@proxy.biloxi.example.com" }, net.now);
  return { net, alice: a, bobs, proxy, s };
}

describe("forking (RFC 3261 §12.1.2, §13.2.2.4)", () => {
  it("RFC 3261 §12.1.2: each fork's 180 makes an early dialog; the first 2xx wins and the proxy CANCELs the other", () => {
    const { net, alice, bobs, proxy, s } = world([1000, undefined]);
    net.run(500);
    const progress = alice.of("progress");
    expect(progress).toHaveLength(2);
    expect(new Set(progress.map((p) => p.response.toTag)).size).toBe(2);
    expect(alice.core.dialogCount).toBe(2);
    net.run(2000);
    expect(s.state).toBe("confirmed");
    expect(s.dialog!.remoteTarget).toBe("sip:bob@desk.biloxi.example.com");
    expect(bobs[1]!.of("terminated")[0]!.reason).toBe("cancel");
    // The other early dialog lasts as long as a 2xx may still come on it (64*T1), then goes.
    expect(alice.core.dialogCount).toBe(2);
    net.run(40000);
    expect(alice.core.dialogCount).toBe(1);
    s.bye(net.now);
    net.run();
    expect(alice.idle && bobs[0]!.idle && bobs[1]!.idle, `${alice.holding} ${bobs[0]!.holding} ${bobs[1]!.holding}`).toBe(true);
    expect(proxy.idle).toBe(true);
  });

  it("RFC 3261 §13.2.2.4: both forks answer; with forking \"first\" the second 2xx is ACKed and its dialog ended with BYE", () => {
    const { net, alice, bobs, s } = world([1000, 1000]);
    net.run(3000);
    expect(s.state).toBe("confirmed");
    const oks = net.wire.filter((r) => isRes(200, "INVITE")(r) && r.to === "client.atlanta.example.com");
    expect(oks).toHaveLength(2);
    const acks = net.wire.filter((r) => isReq("ACK")(r) && r.from === "client.atlanta.example.com");
    expect(acks.map((r) => (r.message as SipRequest).toTag).sort()).toEqual(oks.map((r) => (r.message as SipResponse).toTag).sort());
    const byes = net.wire.filter((r) => isReq("BYE")(r) && r.from === "client.atlanta.example.com");
    expect(byes).toHaveLength(1);
    const loser = (byes[0]!.message as SipRequest).toTag;
    expect(loser).not.toBe(s.dialog!.remoteTag);
    expect(alice.core.counters.forksDiscarded).toBe(1);
    expect(alice.types()).toEqual(["progress", "progress", "answered"]);
    const ended = bobs.map((b) => b.of("terminated")[0]?.reason);
    expect(ended.filter((r) => r === "bye")).toHaveLength(1);
    s.bye(net.now);
    net.run();
    expect(alice.idle && bobs[0]!.idle && bobs[1]!.idle, `${alice.holding} ${bobs[0]!.holding} ${bobs[1]!.holding}`).toBe(true);
  });

  it("RFC 3261 §13.2.2.4: with forking \"all\" each answering endpoint becomes a session of its own", () => {
    // Both answer at once: the proxy forwards both 2xx before its CANCEL of the other branch lands.
    const { net, alice, bobs, s } = world([1000, 1000], { forking: "all" });
    net.run(3000);
    const forked = alice.of("forked");
    expect(forked).toHaveLength(1);
    const other = forked[0]!.session;
    expect(forked[0]!.original).toBe(s);
    expect([s.state, other.state]).toEqual(["confirmed", "confirmed"]);
    expect(other.dialog!.remoteTag).not.toBe(s.dialog!.remoteTag);
    expect(alice.of("answered").map((e) => e.session)).toEqual([s, other]);
    expect(alice.core.sessionCount).toBe(2);
    // Each fork has its own media handler, made from the one that offered.
    expect(alice.media).toHaveLength(2);
    expect(alice.media[1]!.log).toEqual(["answered sendrecv"]);
    expect(bobs.map((b) => b.incoming().state)).toEqual(["confirmed", "confirmed"]);
    s.bye(net.now);
    other.bye(net.now);
    net.run();
    expect(alice.idle && bobs[0]!.idle && bobs[1]!.idle, `${alice.holding} ${bobs[0]!.holding} ${bobs[1]!.holding}`).toBe(true);
  });
});
