import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { ALICE, autoAnswer, call, isReq, isRes, labels, pair, SimAgent, SimNet } from "./harness.ts";
import { SimProxy } from "./proxy.ts";


describe("session timers (RFC 4028)", () => {
  it("RFC 4028 §7.1, §9: the INVITE asks 1800 s with Min-SE 90; the 2xx names the caller refresher and requires timer", () => {
    const net = new SimNet();
    const { alice, bob } = pair(net);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(1000);
    const invite = net.wire.find(isReq("INVITE"))!.message as SipRequest;
    expect(invite.header("Session-Expires")).toBe("1800");
    expect(invite.header("Min-SE")).toBe("90");
    expect(invite.supported).toContain("timer");
    const ok = net.wire.find(isRes(200, "INVITE"))!.message as SipResponse;
    expect(ok.header("Session-Expires")).toBe("1800;refresher=uac");
    expect(ok.require).toEqual(["timer"]);
    expect(s.sessionInterval).toEqual({ seconds: 1800, refresher: "uac" });
    expect(bob.incoming().sessionInterval).toEqual({ seconds: 1800, refresher: "uac" });
  });

  it("RFC 4028 §10: the refresher refreshes at half the interval, by UPDATE when the peer allows it; each refresh restarts the timers", () => {
    const net = new SimNet({ delay: 10 });
    const t = { sessionTimer: { expires: 120 } };
    const { alice, bob } = pair(net, t, t);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(301000);
    const answeredAt = net.wire.find(isRes(200, "INVITE"))!.at + 10;
    const updates = net.wire.filter(isReq("UPDATE"));
    // Each refresh restarts the interval when its 2xx arrives, one round trip (20 ms) after it was sent.
    expect(updates.map((r) => r.at - answeredAt)).toEqual([60000, 120020, 180040, 240060, 300080]);
    for (const u of updates) {
      const m = u.message as SipRequest;
      expect(m.body.length).toBe(0);
      expect(m.header("Session-Expires")).toBe("120;refresher=uac");
    }
    expect(net.wire.filter(isRes(200, "UPDATE"))).toHaveLength(5);
    expect(s.state).toBe("confirmed");
    expect(bob.incoming().state).toBe("confirmed");
    // A refresh is no change for the application.
    expect(alice.types()).toEqual(["answered"]);
    expect(bob.types()).toEqual(["incoming", "confirmed"]);
  });

  it("RFC 4028 §10: a peer whose Allow lacks UPDATE is refreshed with a re-INVITE carrying the session description again", () => {
    const net = new SimNet({ delay: 10 });
    const t = { sessionTimer: { expires: 120 } };
    const alice = new SimAgent(net, "alice", "client.atlanta.example.com", t);
    const bob = new SimAgent(net, "bob", "client.biloxi.example.com", t);
    // A proxy that strips Allow plays a peer that does not list UPDATE.
    new SimProxy(net, "proxy.example.com", { strip: ["Allow"], routes: { "client.biloxi.example.com": "client.biloxi.example.com" } });
    autoAnswer(bob, { ring: false, ringMs: 0 });
    alice.core.invite({ from: ALICE, to: "<sip:bob@client.biloxi.example.com>", route: ["<sip:proxy.example.com;lr>"] }, net.now);
    net.run(70000);
    expect(net.wire.filter(isReq("UPDATE"))).toHaveLength(0);
    const reinvites = net.wire.filter((r) => isReq("INVITE")(r) && r.from === "client.atlanta.example.com").map((r) => r.message as SipRequest);
    expect(reinvites).toHaveLength(2);
    expect(reinvites[1]!.cseq.seq).toBe(2);
    expect(reinvites[1]!.bodyText).toContain("a=sendrecv");
    expect(alice.core.sessionCount).toBe(1);
  });

  it("RFC 4028 §7.4: a 422 is answered by asking again with its Min-SE", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net, { sessionTimer: { expires: 120 } }, { sessionTimer: { expires: 1800, minSE: 600 } });
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(1000);
    expect(labels(net)).toEqual(["INVITE", "100 INVITE", "422 INVITE", "ACK", "INVITE", "100 INVITE", "200 INVITE", "ACK"]);
    const tooSmall = net.wire.find(isRes(422, "INVITE"))!.message as SipResponse;
    expect(tooSmall.header("Min-SE")).toBe("600");
    const retry = net.wire.filter(isReq("INVITE"))[1]!.message as SipRequest;
    expect(retry.cseq.seq).toBe(2);
    expect([retry.header("Session-Expires"), retry.header("Min-SE")]).toEqual(["600", "600"]);
    expect(s.sessionInterval).toEqual({ seconds: 600, refresher: "uac" });
    expect(bob.core.counters.answered[422]).toBe(1);
  });

  it("RFC 4028 §10: without a refresh, the side that does not refresh sends BYE min(32 s, interval/3) before the interval ends", () => {
    const net = new SimNet({ delay: 10 });
    const t = { sessionTimer: { expires: 120 } };
    const { alice, bob } = pair(net, t, t);
    autoAnswer(bob, { ring: false, ringMs: 0 });
    net.dropIf = isReq("UPDATE");
    call(net, alice);
    net.run();
    const okSent = net.wire.find(isRes(200, "INVITE"))!.at;
    const bobBye = net.wire.find((r) => isReq("BYE")(r) && r.from === "client.biloxi.example.com")!;
    expect(bobBye.at - okSent).toBe((120 - 32) * 1000);
    const ended = bob.of("terminated")[0]!;
    expect([ended.reason, ended.by]).toEqual(["session-expired", "local"]);
    expect(alice.of("terminated")).toHaveLength(1);
    expect(alice.idle && bob.idle, `${alice.holding} ${bob.holding}`).toBe(true);
  });

  it("RFC 4028 §9: a caller without session timers gets refresher=uas, and the callee refreshes", () => {
    const net = new SimNet({ delay: 10 });
    const { alice, bob } = pair(net, { sessionTimer: false }, { sessionTimer: { expires: 100 } });
    autoAnswer(bob, { ring: false, ringMs: 0 });
    const s = call(net, alice);
    net.run(120000);
    const invite = net.wire.find(isReq("INVITE"))!.message as SipRequest;
    expect(invite.hasHeader("Session-Expires")).toBe(false);
    expect(invite.supported).not.toContain("timer");
    const ok = net.wire.find(isRes(200, "INVITE"))!.message as SipResponse;
    expect(ok.header("Session-Expires")).toBe("100;refresher=uas");
    expect(ok.hasHeader("Require")).toBe(false);
    const updates = net.wire.filter((r) => isReq("UPDATE")(r) && r.from === "client.biloxi.example.com");
    expect(updates).toHaveLength(2);
    expect(s.state).toBe("confirmed");
    expect(bob.incoming().state).toBe("confirmed");
  });
});
