import { describe, expect, it } from "vitest";
import { createRequest, createResponse, parseMessage, type SipRequest } from "../../src/sip/index.ts";
import { Queue } from "../../src/queue.ts";
import { Dialog, glareBackoff, planRoute, responseReach } from "../../src/session/index.ts";
import { OfferAnswer } from "../../src/session/offer-answer.ts";
import { negotiateAsUas, timerDelay } from "../../src/session/session-timer.ts";
import { prng } from "../prng.ts";

function invite(headers: [string, string][] = []): SipRequest {
  return parseMessage(
    createRequest({
      method: "INVITE",
      uri: "sip:bob@biloxi.example.com",
      from: "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl",
      to: "Bob <sip:bob@biloxi.example.com>",
      callId: "3848276298220188511@atlanta.example.com",
      cseq: 1,
      via: "SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bK74bf9",
      contact: "<sip:alice@client.atlanta.example.com>",
      headers,
    }).toString(),
  ) as SipRequest;
}

describe("glare back-off (RFC 3261 §14.1)", () => {
  it("RFC 3261 §14.1: the Call-ID owner waits 2.1–4 s, the other 0–2 s, in units of 10 ms, over the whole range", () => {
    expect([glareBackoff(true, 0), glareBackoff(true, 0.999999)]).toEqual([2100, 4000]);
    expect([glareBackoff(false, 0), glareBackoff(false, 0.999999)]).toEqual([0, 2000]);
    const r = prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const owner = glareBackoff(true, r());
      const other = glareBackoff(false, r());
      expect(owner % 10 + other % 10).toBe(0);
      expect(owner >= 2100 && owner <= 4000 && other >= 0 && other <= 2000).toBe(true);
      seen.add(other);
    }
    expect(seen.size).toBe(201);
  });
});

describe("session-timer negotiation (RFC 4028)", () => {
  const o = { expires: 1800, minSE: 90 };
  it("RFC 4028 §8.1, §9: below our Min-SE → 422 with it; the UAS may lower the interval to its own, never under the request's Min-SE", () => {
    expect(negotiateAsUas(invite([["Session-Expires", "60"]]), o)).toEqual({ reject: true, minSE: 90 });
    expect(negotiateAsUas(invite([["Session-Expires", "3600"], ["Supported", "timer"]]), o)).toEqual({ reject: false, interval: { seconds: 1800, refresher: "uac" } });
    expect(negotiateAsUas(invite([["Session-Expires", "3600"], ["Min-SE", "2000"]]), o)).toEqual({ reject: false, interval: { seconds: 2000, refresher: "uas" } });
    expect(negotiateAsUas(invite([["Session-Expires", "600;refresher=uas"], ["Supported", "timer"]]), o)).toEqual({ reject: false, interval: { seconds: 600, refresher: "uas" } });
  });

  it("RFC 4028 §9: without Session-Expires the UAS inserts its own, refreshing itself unless configured otherwise and the UAC supports timer", () => {
    expect(negotiateAsUas(invite(), o)).toEqual({ reject: false, interval: { seconds: 1800, refresher: "uas" } });
    expect(negotiateAsUas(invite([["Supported", "timer"]]), { ...o, refresher: "uac" })).toEqual({ reject: false, interval: { seconds: 1800, refresher: "uac" } });
  });

  it("RFC 4028 §10: refresh at half the interval; the other side gives up min(32 s, interval/3) before its end", () => {
    expect(timerDelay({ seconds: 1800, refresher: "uac" }, true)).toBe(900000);
    expect(timerDelay({ seconds: 1800, refresher: "uac" }, false)).toBe(1768000);
    expect(timerDelay({ seconds: 90, refresher: "uac" }, false)).toBe(60000);
  });
});

describe("route sets (RFC 3261 §12.2.1.1)", () => {
  it("RFC 3261 §12.2.1.1: empty route set, loose routing, and strict routing (first URI in the Request-URI, the target last in Route)", () => {
    expect(planRoute([], "sip:bob@client.biloxi.example.com", false)).toEqual({
      requestUri: "sip:bob@client.biloxi.example.com",
      routes: [],
      nextHop: "sip:bob@client.biloxi.example.com",
    });
    const loose = ["<sip:ss1.atlanta.example.com;lr>", "<sip:ss2.biloxi.example.com;lr>"];
    expect(planRoute(loose, "sip:bob@client.biloxi.example.com", false)).toEqual({
      requestUri: "sip:bob@client.biloxi.example.com",
      routes: loose,
      nextHop: "<sip:ss1.atlanta.example.com;lr>",
    });
    const strict = ["<sip:ss1.atlanta.example.com;method=INVITE>", "<sip:ss2.biloxi.example.com;lr>"];
    expect(planRoute(strict, "sip:bob@client.biloxi.example.com", true)).toEqual({
      requestUri: "sip:ss1.atlanta.example.com",
      routes: ["<sip:ss2.biloxi.example.com;lr>", "<sip:bob@client.biloxi.example.com>"],
      nextHop: "sip:ss1.atlanta.example.com",
    });
  });

  it("RFC 3261 §12.1.1, §12.1.2: the UAS takes Record-Route in order, the UAC reversed; both take the peer's Contact as remote target", () => {
    const req = invite([["Record-Route", "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>"]]);
    const uas = Dialog.asUas(req, "b1", false, false);
    expect(uas.routeSet).toEqual(["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]);
    expect(uas.remoteTarget).toBe("sip:alice@client.atlanta.example.com");
    expect([uas.localTag, uas.remoteTag, uas.remoteSeq, uas.localSeq]).toEqual(["b1", "9fxced76sl", 1, -1]);
    const ok = createResponse(req, 200, "OK", { toTag: "b1", headers: [["Contact", "<sip:bob@client.biloxi.example.com>"]] });
    const uac = Dialog.asUac(req, parseMessage(ok.toString()) as never, false);
    expect(uac.routeSet).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    expect(uac.remoteTarget).toBe("sip:bob@client.biloxi.example.com");
    expect([uac.localTag, uac.remoteTag, uac.localSeq, uac.remoteSeq, uac.state]).toEqual(["9fxced76sl", "b1", 1, -1, "confirmed"]);
    const { request, nextHop } = uac.buildRequest("BYE");
    expect(request.uriText).toBe("sip:bob@client.biloxi.example.com");
    expect(request.headers("Route")).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    expect(request.cseq).toEqual({ seq: 2, method: "BYE" });
    expect(nextHop).toBe("<sip:p1.example.com;lr>");
  });

  it("RFC 3261 §12.2.1.1: a request built in a dialog reports the From and To tags and the branch a scan of its text finds", () => {
    const uas = Dialog.asUas(invite(), "b1", false, false);
    const ok = createResponse(invite(), 200, "OK", { toTag: "b1", headers: [["Contact", "<sip:bob@client.biloxi.example.com>"]] });
    const uac = Dialog.asUac(invite(), parseMessage(ok.toString()) as never, false);
    for (const d of [uas, uac]) {
      const { request } = d.buildRequest("BYE");
      const reparsed = parseMessage(request.toString()) as SipRequest;
      expect([request.fromTag, request.toTag, request.branch]).toEqual([reparsed.fromTag, reparsed.toTag, reparsed.branch]);
      expect(request.fromTag).toBe(d.localTag);
      expect(request.toTag).toBe(d.remoteTag);
    }
    // A To whose tag parameter has no value hides the tag appended to it: the UAS's requests then
    // report what their From really says.
    const odd = invite();
    odd.setHeader("To", "Bob <sip:bob@biloxi.example.com>;tag");
    const hidden = Dialog.asUas(odd, "b2", false, false).buildRequest("BYE").request;
    expect(hidden.fromTag).toBe((parseMessage(hidden.toString()) as SipRequest).fromTag);
  });

  it("RFC 3261 §20.10: the remote target is the first Contact's absolute URI; whitespace in it, a bad scheme or `*` give none", () => {
    const one = (contact: string) => {
      const req = invite();
      req.setHeader("Contact", contact);
      return Dialog.asUas(req, "b1", false, false).remoteTarget;
    };
    expect(one("<sip:alice@client.atlanta.example.com;transport=tcp>;expires=60")).toBe("sip:alice@client.atlanta.example.com;transport=tcp");
    expect(one("sip:alice@client.atlanta.example.com;expires=60")).toBe("sip:alice@client.atlanta.example.com");
    expect(one("Alice < sip:alice@a.example.com >")).toBe("sip:alice@a.example.com");
    expect(one("tel+x.y-z:+15551234")).toBe("tel+x.y-z:+15551234");
    expect(one("<sip:alice@a.example.com\u00a0x>")).toBe("");
    expect(one("<sip:alice@a.example.com>\u00a0")).toBe("sip:alice@a.example.com");
    expect(one("<sip:alice @a.example.com>")).toBe("");
    expect(one("<1sip:alice@a.example.com>")).toBe("");
    expect(one("<si_p:alice@a.example.com>")).toBe("");
    expect(one("<:alice@a.example.com>")).toBe("");
    expect(one("*")).toBe("");
    expect(one("<sip:alice@a.example.com")).toBe("");
  });

  it("RFC 3261 §12.2.2: CSeq order of requests inside a dialog; §12.2.1.1: the first local CSeq of a UAS", () => {
    const d = Dialog.asUas(invite(), "b1", false, false);
    expect(d.acceptRemoteSeq(5)).toBe(true);
    expect(d.acceptRemoteSeq(4)).toBe(false);
    expect(d.acceptRemoteSeq(5)).toBe(true);
    expect([d.nextLocalSeq(), d.nextLocalSeq()]).toEqual([1, 2]);
  });
});

describe("dialog usages (RFC 5057 §5.1)", () => {
  it("RFC 5057 §5.1: 481 and its kin end the dialog, 408/405/480/489/501 the usage, others the transaction only", () => {
    for (const s of [404, 410, 416, 481, 482, 483, 484, 485, 502, 604]) expect(responseReach(s), String(s)).toBe("dialog");
    for (const s of [405, 408, 480, 489, 501]) expect(responseReach(s), String(s)).toBe("usage");
    for (const s of [400, 401, 403, 407, 415, 420, 422, 486, 487, 488, 491, 500, 503, 603]) expect(responseReach(s), String(s)).toBe("transaction");
  });
});

describe("offer/answer state (RFC 3264 §4, RFC 6337)", () => {
  it("RFC 3264 §4: one offer at a time; an answer completes it; a withdrawn offer returns to the state before it", () => {
    const oa = new OfferAnswer();
    expect([oa.state, oa.idle, oa.negotiated]).toEqual(["none", true, false]);
    oa.sentOffer("INVITE");
    expect([oa.state, oa.carrier, oa.idle]).toEqual(["local-offer", "INVITE", false]);
    expect(() => oa.receivedOffer("UPDATE")).toThrow(/no transition/);
    oa.withdrawn();
    expect(oa.state).toBe("none");
    oa.receivedOffer("INVITE");
    oa.answered();
    expect([oa.state, oa.negotiated, oa.carrier]).toEqual(["stable", true, undefined]);
    oa.sentOffer("UPDATE");
    oa.withdrawn();
    expect(oa.state).toBe("stable");
    expect(() => oa.answered()).toThrow(/no transition/);
  });
});

describe("the core's event queue (src/queue.ts)", () => {
  it("first in, first out across growth", () => {
    const q = new Queue<number>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < round * 7; i++) q.push(next++);
      for (let i = 0; i < round * 5; i++) expect(q.shift()).toBe(expected++);
    }
    while (q.length > 0) expect(q.shift()).toBe(expected++);
    expect([q.shift(), expected]).toEqual([undefined, next]);
  });
});
