import { describe, expect, it } from "vitest";
import { createSdpNegotiator, parseSdp } from "../../src/sdp/index.ts";
import type { SdpBody, SdpMediaCapabilities, SdpNegotiationFailure } from "../../src/sdp/index.ts";

const audio = (port: number): SdpMediaCapabilities[] => [{ port, codecs: [{ name: "PCMU", clockRate: 8000 }, { name: "PCMA", clockRate: 8000 }] }];
const pair = () => ({
  alice: createSdpNegotiator({ address: "192.0.2.1", media: audio(10000), sessionId: "100" }),
  bob: createSdpNegotiator({ address: "192.0.2.2", media: audio(20000), sessionId: "200" }),
});
const body = (b: SdpBody | SdpNegotiationFailure): SdpBody => {
  if ("ok" in b) throw new Error(b.reason);
  return b;
};
const text = (b: SdpBody) => (typeof b.body === "string" ? b.body : new TextDecoder().decode(b.body));

describe("SdpNegotiator", () => {
  it("RFC 3264 §5–§7: offer, answer, and both sides agree on the streams", () => {
    const { alice, bob } = pair();
    const offer = alice.createOffer();
    expect(offer.contentType).toBe("application/sdp");
    expect(alice.offerPending).toBe(true);
    const answer = body(bob.receiveOffer(offer));
    expect(alice.receiveAnswer(answer)).toBe(true);
    expect(alice.offerPending).toBe(false);
    expect(alice.streams[0]).toMatchObject({ remoteAddress: "192.0.2.2", remotePort: 20000, direction: "sendrecv" });
    expect(bob.streams[0]).toMatchObject({ remoteAddress: "192.0.2.1", remotePort: 10000, direction: "sendrecv" });
    expect(alice.streams[0]!.codecs[0]!.sendPayloadType).toBe(0);
    expect([alice.remoteHold, bob.remoteHold]).toEqual([false, false]);
  });

  it("RFC 3264 §8, §8.4: hold and resume re-offers bump the version; the peer sees the hold", () => {
    const { alice, bob } = pair();
    alice.receiveAnswer(body(bob.receiveOffer(alice.createOffer())));
    const hold = alice.createOffer({ direction: "sendonly" });
    expect(parseSdp(text(hold)).origin).toMatchObject({ sessionId: "100", sessionVersion: "101" });
    const ans = body(bob.receiveOffer(hold));
    expect(parseSdp(text(ans)).media[0]!.direction).toBe("recvonly");
    expect(bob.remoteHold).toBe(true);
    expect(alice.receiveAnswer(ans)).toBe(true);
    expect(alice.streams[0]!.direction).toBe("sendonly");
    // The direction sticks for later offers until changed.
    const again = alice.createOffer();
    expect(parseSdp(text(again)).media[0]!.direction).toBe("sendonly");
    alice.rollback();
    const resume = alice.createOffer({ direction: "sendrecv" });
    expect(parseSdp(text(resume)).origin.sessionVersion).toBe("103");
    alice.receiveAnswer(body(bob.receiveOffer(resume)));
    expect(bob.remoteHold).toBe(false);
    // Bob's answers keep his o= and bump it only when they change.
    expect(parseSdp(text(body(bob.receiveOffer(alice.createOffer())))).origin).toMatchObject({ sessionId: "200" });
  });

  it("RFC 3261 §14.1: a failed re-offer is rolled back and the negotiated state stays", () => {
    const { alice, bob } = pair();
    alice.receiveAnswer(body(bob.receiveOffer(alice.createOffer())));
    const before = alice.localDescription?.toString();
    alice.createOffer({ direction: "inactive" });
    alice.rollback();
    expect(alice.offerPending).toBe(false);
    expect(alice.localDescription?.toString()).toBe(before);
    expect(alice.streams[0]!.direction).toBe("sendrecv");
    expect(alice.receiveAnswer(body(bob.receiveOffer(alice.createOffer())))).toBe(true);
  });

  it("RFC 3261 §13.2.2.4: answers from two forks to one offer — the last one applies", () => {
    const { alice, bob } = pair();
    const carol = createSdpNegotiator({ address: "192.0.2.3", media: audio(30000) });
    const offer = alice.createOffer();
    const fromBob = body(bob.receiveOffer(offer));
    const fromCarol = body(carol.receiveOffer(offer));
    expect(alice.receiveAnswer(fromBob)).toBe(true);
    expect(alice.receiveAnswer(fromCarol)).toBe(true);
    expect(alice.streams[0]!.remoteAddress).toBe("192.0.2.3");
  });

  it("bad SDP and unexpected answers give failure values for a 488, never exceptions", () => {
    const { alice, bob } = pair();
    const bad = bob.receiveOffer({ contentType: "application/sdp", body: "v=0\r\no=broken\r\n" });
    expect(bad).toMatchObject({ ok: false, code: "BAD_SDP", status: 488, warning: { code: 399 } });
    expect((bad as SdpNegotiationFailure).reason).toContain("line 2");
    expect(alice.receiveAnswer("v=0\r\n")).toMatchObject({ ok: false, code: "NO_OFFER" });
    alice.createOffer();
    expect(alice.receiveAnswer({ contentType: "application/sdp", body: new TextEncoder().encode("garbage") })).toMatchObject({ ok: false, code: "BAD_SDP" });
    const t38 = "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=image 4000 udptl t38\r\n";
    expect(bob.receiveOffer(t38)).toMatchObject({ ok: false, code: "NO_MEDIA_IN_COMMON", warning: { code: 304 } });
    // A refused offer leaves the state as it was.
    expect(bob.remoteDescription).toBeUndefined();
    alice.close();
    expect(() => alice.createOffer()).toThrow();
  });

  it("new capabilities (ports) are used by the next offer", () => {
    const { alice, bob } = pair();
    alice.receiveAnswer(body(bob.receiveOffer(alice.createOffer())));
    alice.setMedia(audio(10100));
    const o = alice.createOffer();
    expect(parseSdp(text(o)).media[0]!.port).toBe(10100);
  });
});
