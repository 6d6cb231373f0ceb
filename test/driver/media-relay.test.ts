import { describe, expect, it } from "vitest";
import { createMediaDriver, rtpMediaHandlers } from "../../src/driver/index.ts";
import type { RtpMediaHandler } from "../../src/driver/index.ts";
import { analyseTone, concatPcm, PCMU, ToneGenerator } from "../../src/media/index.ts";
import { createSdpNegotiator } from "../../src/sdp/index.ts";
import type { SessionBody } from "../../src/session/index.ts";
import { nativeCrypto } from "../srtp/native.ts";
import { fakeRuntime } from "./fake-runtime.ts";

const body = (r: SessionBody | { ok: false; reason?: string }): SessionBody => {
  if (!("body" in r)) throw new Error(`refused: ${r.reason}`);
  return r;
};

/** A caller and a callee on their own drivers, and a relay between them on a third. */
async function relayedCall() {
  const f = fakeRuntime();
  const rt = { ...f.rt, srtpCrypto: nativeCrypto };
  const ports = (base: number) => ({ minPort: base, maxPort: base + 999, spare: 2 });
  const caller = await createMediaDriver({ runtime: rt, host: "127.0.0.1", ports: ports(30000) });
  const anchor = await createMediaDriver({ runtime: rt, host: "127.0.0.2", ports: ports(31000) });
  const callee = await createMediaDriver({ runtime: rt, host: "127.0.0.3", ports: ports(32000) });
  const srtp = { mandatory: true } as const;
  const hx = rtpMediaHandlers(caller, { codecs: [PCMU], srtp })({ role: "uac", callId: "x" }) as RtpMediaHandler;
  const hy = rtpMediaHandlers(callee, { codecs: [PCMU], srtp })({ role: "uas", callId: "y" }) as RtpMediaHandler;
  // The anchor's two legs: it answers the caller and offers to the callee, each with its own keys.
  const pa = anchor.pool.take()!;
  const pb = anchor.pool.take()!;
  const legA = createSdpNegotiator({ address: "127.0.0.2", media: [{ port: pa.port, codecs: [{ name: "PCMU", clockRate: 8000 }], srtp }] });
  const legB = createSdpNegotiator({ address: "127.0.0.2", media: [{ port: pb.port, codecs: [{ name: "PCMU", clockRate: 8000 }], srtp }] });
  expect(hx.receiveAnswer(body(legA.receiveOffer(hx.createOffer({})) as SessionBody))).toBe(true);
  expect(legB.receiveAnswer(body(hy.receiveOffer(legB.createOffer()) as SessionBody))).toBe(true);
  const relay = anchor.relay({ pair: pa, stream: legA.streams[0]! }, { pair: pb, stream: legB.streams[0]! });
  const heard = { x: [] as Int16Array[], y: [] as Int16Array[] };
  hx.onAudio = (fr) => heard.x.push(fr.samples);
  hy.onAudio = (fr) => heard.y.push(fr.samples);
  const tx = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
  const ty = new ToneGenerator({ sampleRate: 8000, frequencies: [700], levelDbm0: -10 });
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 20) {
      hx.writeAudio(tx.next(160));
      hy.writeAudio(ty.next(160));
      await f.advance(20);
    }
  };
  return { f, caller, anchor, callee, hx, hy, relay, heard, run, streamA: legA.streams[0]! };
}

describe("media driver: relays", () => {
  it("RFC 3550 §7.1 / RFC 3711: a relay on two port pairs forwards SRTP both ways as it arrives; both tones heard, nothing decoded on the anchor", async () => {
    const c = await relayedCall();
    await c.run(3000);
    expect(analyseTone(concatPcm(c.heard.y.slice(50)), 8000, 1000).snrDb).toBeGreaterThan(35);
    expect(analyseTone(concatPcm(c.heard.x.slice(50)), 8000, 700).snrDb).toBeGreaterThan(35);
    const st = c.anchor.stats;
    expect(st.relays).toBe(1);
    expect(st.streams).toBe(0);
    const a = c.relay.relay.counters("a");
    const b = c.relay.relay.counters("b");
    expect(a.rtpForwarded).toBeGreaterThan(140);
    expect(b.rtpForwarded).toBeGreaterThan(140);
    // What the anchor received it sent on: the RTP of both sides (RTCP forwarded counts too).
    expect(st.sent).toBe(a.rtpForwarded + b.rtpForwarded + a.rtcpForwarded + b.rtcpForwarded);
    expect(c.hy.session!.counters.authFailed + c.hx.session!.counters.authFailed).toBe(0);
    // Both legs latched on their peers (the sockets follow: where the runtime connects them).
    expect(c.relay.relay.remoteLatched("a") && c.relay.relay.remoteLatched("b")).toBe(true);
  });

  it("RFC 3550 §11: stopping a relay stops forwarding; its RTP/RTCP port pairs go back to the pool later", async () => {
    const c = await relayedCall();
    await c.run(500);
    const ready = c.anchor.pool.ready;
    c.anchor.stopRelay(c.relay);
    expect(c.anchor.stats.relays).toBe(0);
    const sent = c.anchor.stats.sent;
    await c.run(1000);
    expect(c.anchor.stats.sent).toBe(sent);
    await c.run(1500);
    expect(c.anchor.pool.ready).toBe(ready + 2);
  });
  it("RFC 3550 §7.1: a relay stopped with its ports kept leaves them taken, and an RTP session takes over on one of them (a bridge going from relaying to transcoding)", async () => {
    const c = await relayedCall();
    await c.run(500);
    const ready = c.anchor.pool.ready;
    c.anchor.stopRelay(c.relay, true);
    await c.run(2500);
    // Not released: still in use, nothing gone back to the pool.
    expect(c.anchor.pool.ready).toBe(ready);
    const heard: Int16Array[] = [];
    const running = c.anchor.start(c.relay.a, c.streamA, { event: () => undefined, audio: (fr) => heard.push(fr.samples) });
    await c.run(1500);
    // The caller's tone now reaches a session decoding it on leg a's ports.
    expect(analyseTone(concatPcm(heard.slice(25)), running.session.sampleRate, 1000).snrDb).toBeGreaterThan(30);
    c.anchor.stop(running);
  });
});
