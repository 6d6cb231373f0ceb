import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { parseFake } from "./fake-media.ts";
import { autoAnswer, call, isReq, isRes, pair, SimNet, type SimAgent, type WireRecord } from "./harness.ts";

const dir = (r: WireRecord) => parseFake(r.message.body)?.direction;

/** Alice calls Bob, who answers at once; returns when the call is up. */
function established(net: SimNet, a: SimAgent, b: SimAgent) {
  autoAnswer(b, { ring: false, ringMs: 0 });
  const s = call(net, a);
  net.run(net.now + 1000);
  expect(s.state).toBe("confirmed");
  return { alice: s, bob: b.incoming() };
}

describe("re-INVITE, hold and resume (RFC 3261 §14, RFC 3264 §8.4)", () => {
  it("RFC 3264 §8.4: hold offers sendonly, the peer answers recvonly; resume offers sendrecv; both sides see hold and resume", () => {
    const net = new SimNet();
    const { alice: a, bob: b } = pair(net);
    const { alice, bob } = established(net, a, b);
    alice.hold(net.now);
    net.runFor(1000);
    const reinvites = net.wire.filter(isReq("INVITE"));
    expect(reinvites).toHaveLength(2);
    const hold = reinvites[1]!.message as SipRequest;
    expect(hold.cseq).toEqual({ seq: 2, method: "INVITE" });
    expect(hold.header("Contact")).toBe("<sip:alice@client.atlanta.example.com>");
    expect(dir(reinvites[1]!)).toBe("sendonly");
    expect(dir(net.wire.filter(isRes(200, "INVITE"))[1]!)).toBe("recvonly");
    expect((net.wire.filter(isReq("ACK"))[1]!.message as SipRequest).cseq).toEqual({ seq: 2, method: "ACK" });
    expect([alice.localHold, alice.remoteHold, bob.localHold, bob.remoteHold]).toEqual([true, false, false, true]);
    expect(a.types().slice(-2)).toEqual(["modified", "hold"]);
    expect(a.of("hold")[0]!.by).toBe("local");
    expect(b.types().slice(-2)).toEqual(["modified", "hold"]);
    expect(b.of("hold")[0]!.by).toBe("remote");
    alice.resume(net.now);
    net.runFor(1000);
    expect(dir(net.wire.filter(isReq("INVITE"))[2]!)).toBe("sendrecv");
    expect([alice.localHold, bob.remoteHold]).toEqual([false, false]);
    expect(a.types().slice(-2)).toEqual(["modified", "resume"]);
    expect(b.types().slice(-2)).toEqual(["modified", "resume"]);
    alice.bye(net.now);
    net.run();
    expect(a.idle && b.idle, `${a.holding} ${b.holding}`).toBe(true);
  });

  it("RFC 3261 §14.1: a re-INVITE that fails (488) leaves the session as it was — the hold stays, the media handler rolls back", () => {
    const net = new SimNet();
    const { alice: a, bob: b } = pair(net);
    const { alice } = established(net, a, b);
    alice.hold(net.now);
    net.runFor(1000);
    expect(alice.localHold).toBe(true);
    // Bob refuses the next offer (no codec in common).
    const bobMedia = b.media[0]!;
    const codecs = bobMedia.codecs.splice(0);
    alice.resume(net.now);
    net.runFor(1000);
    bobMedia.codecs.push(...codecs);
    const refused = net.wire.find(isRes(488, "INVITE"))!.message as SipResponse;
    expect(refused.header("Warning")).toBe('305 siphon "Incompatible media format"');
    const failed = a.of("modify-failed")[0]!;
    expect([failed.method, failed.status]).toEqual(["INVITE", 488]);
    expect(alice.localHold).toBe(true);
    expect(alice.state).toBe("confirmed");
    const media = a.media[0]!;
    expect(media.log.slice(-2)).toEqual(["offer sendrecv", "rollback"]);
    expect(media.local?.direction).toBe("sendonly");
    // A failed re-INVITE does not end anything: the next one succeeds.
    alice.resume(net.now);
    net.runFor(1000);
    expect(alice.localHold).toBe(false);
    expect(a.of("resume")).toHaveLength(1);
  });

  it("RFC 3261 §14.1, §14.2: glare — both send a re-INVITE, each answers the other 491; the Call-ID owner retries after 2.1–4 s, the other after 0–2 s", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const net = new SimNet({ seed, delay: 20 });
      const { alice: a, bob: b } = pair(net);
      const { alice, bob } = established(net, a, b);
      const start = net.now;
      alice.hold(start);
      bob.hold(start);
      net.runFor(10000);
      const pending = net.wire.filter(isRes(491, "INVITE"));
      expect(pending.map((r) => r.from).sort(), `seed ${seed}`).toEqual(["client.atlanta.example.com", "client.biloxi.example.com"]);
      const retries = (from: string) => net.wire.filter((r) => isReq("INVITE")(r) && r.from === from && r.at >= start);
      const got491 = (to: string) => pending.find((r) => r.to === to)!.at + 20;
      const aliceWait = retries("client.atlanta.example.com")[1]!.at - got491("client.atlanta.example.com");
      const bobWait = retries("client.biloxi.example.com")[1]!.at - got491("client.biloxi.example.com");
      expect(aliceWait, `seed ${seed}`).toBeGreaterThanOrEqual(2100);
      expect(aliceWait, `seed ${seed}`).toBeLessThanOrEqual(4000);
      expect(bobWait, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      expect(bobWait, `seed ${seed}`).toBeLessThanOrEqual(2000);
      expect(aliceWait % 10 + bobWait % 10, "units of 10 ms").toBe(0);
      // Both holds went through in the end, after a rollback each.
      expect([alice.localHold, bob.localHold], `seed ${seed}`).toEqual([true, true]);
      expect(a.media[0]!.log).toContain("rollback");
      expect(b.media[0]!.log).toContain("rollback");
      expect(a.of("modify-failed")).toHaveLength(0);
      alice.bye(net.now);
      net.run();
      expect(a.idle && b.idle, `${a.holding} ${b.holding}`).toBe(true);
    }
  });

  it("RFC 3261 §14.2: a re-INVITE while the previous one's 2xx awaits its ACK is answered 500 with Retry-After 0–10 s", () => {
    const net = new SimNet({ delay: 10 });
    const { alice: a, bob: b } = pair(net);
    const { alice } = established(net, a, b);
    // Alice's ACK of her hold re-INVITE's 2xx is lost; her next re-INVITE reaches Bob while he
    // still waits for it.
    net.dropIf = (r) => isReq("ACK")(r) && (r.message as SipRequest).cseq.seq === 2;
    alice.hold(net.now);
    net.runFor(100);
    net.dropIf = undefined;
    alice.resume(net.now);
    net.runFor(100);
    const refusal = net.wire.find(isRes(500, "INVITE"));
    expect(refusal).toBeDefined();
    const ra = Number((refusal!.message as SipResponse).header("Retry-After"));
    expect(ra).toBeGreaterThanOrEqual(0);
    expect(ra).toBeLessThanOrEqual(10);
    expect(a.of("modify-failed")[0]!.status).toBe(500);
    expect(alice.localHold).toBe(true);
  });

  it("RFC 3261 §14.1: a re-INVITE asked for while another is in progress waits its turn (no 491 on our side)", () => {
    const net = new SimNet({ delay: 10 });
    const { alice: a, bob: b } = pair(net);
    const { alice } = established(net, a, b);
    alice.hold(net.now);
    alice.resume(net.now);
    net.runFor(2000);
    const sent = net.wire.filter((r) => isReq("INVITE")(r) && r.from === "client.atlanta.example.com").map(dir);
    expect(sent).toEqual(["sendrecv", "sendonly", "sendrecv"]);
    expect(net.wire.filter(isRes(491, "INVITE"))).toHaveLength(0);
    expect(a.types().filter((t) => t === "hold" || t === "resume")).toEqual(["hold", "resume"]);
  });

  it("RFC 3261 §14.1, §14.2: a re-INVITE without an offer gets one in the 2xx and the answer in the ACK", () => {
    const net = new SimNet();
    const { alice: a, bob: b } = pair(net);
    established(net, a, b);
    const bob = b.incoming();
    bob.reinvite(net.now, { offer: false });
    net.runFor(1000);
    const reinvite = net.wire.filter(isReq("INVITE"))[1]!;
    expect(reinvite.from).toBe("client.biloxi.example.com");
    expect(reinvite.message.body.length).toBe(0);
    const ok = net.wire.filter(isRes(200, "INVITE"))[1]!;
    expect(parseFake(ok.message.body)?.owner).toBe("alice");
    const ack = net.wire.filter(isReq("ACK"))[1]!;
    expect(parseFake(ack.message.body)?.owner).toBe("bob");
    expect(a.media[0]!.log.slice(-2)).toEqual(["offer sendrecv", "answered sendrecv"]);
    expect(b.types().slice(-1)).toEqual(["modified"]);
    expect(a.types().slice(-1)).toEqual(["modified"]);
    bob.bye(net.now);
    net.run();
    expect(a.idle && b.idle, `${a.holding} ${b.holding}`).toBe(true);
  });
});
