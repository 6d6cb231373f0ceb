import { describe, expect, it } from "vitest";
import { createMediaDriver, rtpMediaHandlers } from "../../src/driver/index.ts";
import type { MediaDriver, RtpMediaEvent, RtpMediaHandler, RtpMediaOptions } from "../../src/driver/index.ts";
import { analyseTone, concatPcm, OPUS, PCMA, PCMU, ToneGenerator } from "../../src/media/index.ts";
import type { MediaError } from "../../src/media/index.ts";
import { thrown } from "../thrown.ts";
import type { MediaContext, SessionBody } from "../../src/session/index.ts";
import { nativeCrypto } from "../srtp/native.ts";
import { fakeRuntime } from "./fake-runtime.ts";

const uac: MediaContext = { role: "uac", callId: "c1" };
const uas: MediaContext = { role: "uas", callId: "c1" };

/** A fake runtime (virtual clock, in-memory UDP) whose timers are counted, with native SRTP crypto. */
function runtime() {
  const f = fakeRuntime();
  let pending = 0;
  const setTimer = f.rt.setTimer;
  const clearTimer = f.rt.clearTimer;
  const rt = {
    ...f.rt,
    srtpCrypto: nativeCrypto,
    setTimer(ms: number, fn: () => void) {
      pending++;
      return setTimer(ms, () => {
        pending--;
        fn();
      });
    },
    clearTimer(h: unknown) {
      pending--;
      clearTimer(h);
    },
  };
  return { f, rt, timers: () => pending };
}

/** Two media drivers, a call between them (a offers, b answers), a sending a tone. */
async function call(options: RtpMediaOptions = {}, optionsB: RtpMediaOptions = options) {
  const r = runtime();
  const a = await createMediaDriver({ runtime: r.rt, host: "127.0.0.1", ports: { minPort: 30000, maxPort: 30999, spare: 2 } });
  const b = await createMediaDriver({ runtime: r.rt, host: "127.0.0.2", ports: { minPort: 31000, maxPort: 31999, spare: 2 } });
  const ha = rtpMediaHandlers(a, { codecs: [PCMU], ...options })(uac) as RtpMediaHandler;
  const hb = rtpMediaHandlers(b, { codecs: [PCMU], ...optionsB })(uas) as RtpMediaHandler;
  const events: { a: RtpMediaEvent[]; b: RtpMediaEvent[] } = { a: [], b: [] };
  ha.onEvent = (e) => events.a.push(e);
  hb.onEvent = (e) => events.b.push(e);
  const heard: { a: Int16Array[]; b: Int16Array[] } = { a: [], b: [] };
  ha.onAudio = (f) => heard.a.push(f.samples);
  hb.onAudio = (f) => heard.b.push(f.samples);
  const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
  /** Runs `ms` of call, a writing its tone every 20 ms. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 20) {
      ha.writeAudio(tone.next(160));
      await r.f.advance(20);
    }
  };
  return { ...r, a, b, ha, hb, events, heard, run };
}

function exchange(offerer: RtpMediaHandler, answerer: RtpMediaHandler, direction?: "sendrecv" | "sendonly" | "recvonly" | "inactive") {
  const answer = answerer.receiveOffer(offerer.createOffer(direction ? { direction } : {}));
  if (!("body" in answer)) throw new Error(`offer refused: ${answer.reason}`);
  expect(offerer.receiveAnswer(answer)).toBe(true);
}

const rtpSent = (d: MediaDriver) => d.stats.sent;

describe("media driver and RTP media handler", () => {
  it("RFC 3264: the answer starts both sessions; b echoes what it plays out and a hears its tone back", async () => {
    const c = await call();
    exchange(c.ha, c.hb);
    c.hb.onAudio = (frame) => c.hb.writeAudio(frame.samples);
    await c.run(4000);
    expect(analyseTone(concatPcm(c.heard.a.slice(100)), 8000, 1000).snrDb).toBeGreaterThan(30);
    expect(c.b.stats.sent).toBeGreaterThan(190);
    expect(c.a.stats.sentLate).toBe(0);
  });

  it("startOnFirstPacket: the answerer's session starts with the caller's first packet, which it plays out and echoes; before it nothing runs and nothing is sent", async () => {
    const c = await call({}, { codecs: [PCMU], startOnFirstPacket: true });
    exchange(c.ha, c.hb);
    c.hb.onAudio = (frame) => c.hb.writeAudio(frame.samples);
    // a's session runs (an ordinary handler); b waits, silent, with no session on the media clock.
    expect([c.hb.session, c.b.stats.streams, c.a.stats.streams]).toEqual([undefined, 0, 1]);
    const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
    c.ha.writeAudio(tone.next(160));
    await c.f.advance(20);
    // a's first frame (its tone) went out on its first tick and started b's session.
    expect(c.b.stats.streams).toBe(1);
    await c.run(3000);
    expect(analyseTone(concatPcm(c.heard.a.slice(50)), 8000, 1000).snrDb).toBeGreaterThan(30);
    // a stops sending; b's next tick takes the datagram still waiting for it.
    c.ha.close();
    await c.f.advance(40);
    // Every packet of a's was taken by b's session, the first included.
    expect(c.hb.session!.counters.rtpReceived).toBe(c.ha.session!.counters.rtpSent);
    c.hb.close();
    await c.f.advance(100);
    expect(c.events.b.some((e) => e.type === "closed")).toBe(true);
  });

  it("startOnFirstPacket: a caller that never sends media gets no packet, and the pair cools its two seconds after the call", async () => {
    const c = await call({}, { codecs: [PCMU], startOnFirstPacket: true });
    exchange(c.ha, c.hb);
    // a ends before its first tick: it never sent RTP, so not even an RTCP BYE (RFC 3550 §6.3.7).
    c.ha.close();
    await c.f.advance(1000);
    expect(c.a.stats.sent).toBe(0);
    expect([c.b.stats.sent, c.b.stats.streams, c.b.pool.cooling, c.hb.session]).toEqual([0, 0, 0, undefined]);
    expect(c.events.b).toEqual([]);
    await c.f.advance(2000);
    c.hb.close();
    expect(c.b.pool.cooling).toBe(1);
    await c.f.advance(2500);
    expect([c.b.pool.cooling, c.b.pool.inUse]).toEqual([0, 0]);
  });

  for (const [codec, snrDb] of [[PCMU, 30], [OPUS, 15]] as const) {
    it(`${codec.name}: an echo through a driver whose timer fires late stays clean; caught-up ticks go one by one, so the echo sends what was played out, never silence, and adds no delay`, async () => {
      const o = { codecs: [codec], session: { sampleRate: 8000 } };
      const c = await call(o, o);
      exchange(c.ha, c.hb);
      c.hb.onAudio = (frame) => c.hb.writeAudio(frame.samples);
      const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
      for (let t = 0; t < 6000; t += 20) {
        // a's source keeps its send queue ahead (as `play` does), so a sends the tone throughout.
        while (c.ha.session!.queuedAudioMs < 100) c.ha.writeAudio(tone.next(160));
        // The process is held up for 70 ms every half second (a collection, a busy neighbour).
        if (t % 500 === 0) c.f.stall(70);
        await c.f.advance(20);
      }
      expect(c.b.stats.lateTicks).toBeGreaterThan(5);
      // Each frame b played out went back at the next tick: b's send queue did not run dry on the
      // ticks it caught up (which would have sent silence and left the queue a few frames longer,
      // adding to the echo's delay with every stall).
      expect(c.hb.session!.queuedAudioMs).toBeLessThanOrEqual(20);
      expect(c.hb.session!.counters.lateTicks).toBe(0);
      expect(c.hb.session!.codec).toBe(codec.name);
      const back = concatPcm(c.heard.a.slice(100));
      expect(analyseTone(back, 8000, 1000).snrDb).toBeGreaterThan(snrDb);
    });
  }

  it("RFC 3550 §5.1: after a late tick the frames behind are sent late, none dropped, up to 10; past that the rest are skipped (timestamp jump)", async () => {
    const c = await call();
    exchange(c.ha, c.hb);
    const sent = () => c.ha.session!.quality.packetsSent;
    const skipped = () => c.ha.session!.counters.lateTicks;
    await c.run(1000);
    // A stall of 160 ms (a first frame's compile, a collection): 8 ticks behind, all caught up,
    // so the second holds 58 ticks' frames (±1 for where the clock's grid falls).
    let before = sent();
    c.f.stall(160);
    await c.run(1000);
    expect(skipped()).toBe(0);
    expect(Math.abs(sent() - before - 1160 / 20)).toBeLessThanOrEqual(1);
    // A stall of 1 s: 10 ticks are caught up, the other 40 skipped; the count stays the clock's.
    before = sent();
    c.f.stall(1000);
    await c.run(1000);
    const late = skipped();
    expect(late).toBeGreaterThanOrEqual(38);
    expect(late).toBeLessThanOrEqual(42);
    expect(Math.abs(sent() - before + late - 2000 / 20)).toBeLessThanOrEqual(1);
  });

  it("RFC 3264 §5: making the offer warms the codecs up before the answer (each once per process), so the first media ticks are not the codec's first frames", async () => {
    const encoded: string[] = [];
    // PCMU under another name, counting what its encoder does and when.
    const counted = { ...PCMU, name: "PCMU", createEncoder: (p: Parameters<typeof PCMU.createEncoder>[0]) => {
      const e = PCMU.createEncoder(p);
      return { ...e, encode: (pcm: Int16Array, dst: Uint8Array, offset: number) => (encoded.push(c.ha.session ? "session" : "warm-up"), e.encode(pcm, dst, offset)) };
    } };
    const c = await call({ codecs: [counted] }, { codecs: [PCMU] });
    const offer = c.ha.createOffer({});
    // Before any answer: the codec has run, and no session exists yet.
    expect(c.ha.session).toBeUndefined();
    const warm = encoded.length;
    expect(warm).toBeGreaterThanOrEqual(10);
    expect(encoded.every((e) => e === "warm-up")).toBe(true);
    const answer = c.hb.receiveOffer(offer);
    if (!("body" in answer)) throw new Error(`offer refused: ${answer.reason}`);
    expect(c.ha.receiveAnswer(answer)).toBe(true);
    await c.run(400);
    expect(c.ha.session!.quality.packetsSent).toBeGreaterThanOrEqual(15);
    expect(encoded.slice(warm).every((e) => e === "session")).toBe(true);
    // A second offer (and a second handler with the same plug) does not warm it again.
    const h2 = rtpMediaHandlers(c.a, { codecs: [counted] })(uac) as RtpMediaHandler;
    const n = encoded.length;
    h2.createOffer({});
    expect(encoded.length).toBe(n);
    h2.close();
  });

  it("RFC 3264 §6: answering warms up only the codec the answer chose, not every codec the answerer has", async () => {
    const ran = new Set<string>();
    // PCMA under its own name, but a fresh codec object (never warmed in this process): counts its frames.
    const countedA = { ...PCMA, createEncoder: (p: Parameters<typeof PCMA.createEncoder>[0]) => {
      const e = PCMA.createEncoder(p);
      return { ...e, encode: (pcm: Int16Array, dst: Uint8Array, offset: number) => (ran.add("PCMA"), e.encode(pcm, dst, offset)) };
    } };
    const countedU = { ...PCMU, createEncoder: (p: Parameters<typeof PCMU.createEncoder>[0]) => {
      const e = PCMU.createEncoder(p);
      return { ...e, encode: (pcm: Int16Array, dst: Uint8Array, offset: number) => (ran.add("PCMU"), e.encode(pcm, dst, offset)) };
    } };
    // The caller offers PCMU only; the answerer has PCMA first, then PCMU.
    const c = await call({ codecs: [PCMU] }, { codecs: [countedA, countedU] });
    const answer = c.hb.receiveOffer(c.ha.createOffer({}));
    if (!("body" in answer)) throw new Error(`offer refused: ${answer.reason}`);
    expect(c.hb.session?.codec).toBe("PCMU");
    expect([...ran]).toEqual(["PCMU"]);
    c.ha.close();
    c.hb.close();
  });

  it("one media clock: twenty calls run on one timer", async () => {
    const r = runtime();
    const a = await createMediaDriver({ runtime: r.rt, host: "127.0.0.1", ports: { minPort: 30000, maxPort: 30999, spare: 4 } });
    const b = await createMediaDriver({ runtime: r.rt, host: "127.0.0.2", ports: { minPort: 31000, maxPort: 31999, spare: 4 } });
    const calls: RtpMediaHandler[] = [];
    for (let i = 0; i < 20; i++) {
      const ha = rtpMediaHandlers(a, { codecs: [PCMU] })(uac) as RtpMediaHandler;
      const hb = rtpMediaHandlers(b, { codecs: [PCMU] })(uas) as RtpMediaHandler;
      exchange(ha, hb);
      calls.push(ha, hb);
      await r.f.advance(1);
    }
    let most = 0;
    for (let t = 0; t < 1000; t += 5) {
      await r.f.advance(5);
      most = Math.max(most, r.timers());
    }
    // One clock per driver (two drivers here); no timer per stream.
    expect(most).toBeLessThanOrEqual(2);
    expect(a.stats.streams).toBe(20);
    // Each stream sent its 50 packets in that second, on the shared ticks.
    expect(a.stats.sent).toBeGreaterThan(20 * 49);
    for (const h of calls) h.close();
  });

  it("RFC 3264 §8.4: a re-offer with sendonly holds: the held side stops sending; resuming starts it again", async () => {
    const c = await call();
    exchange(c.ha, c.hb);
    await c.run(1000);
    exchange(c.ha, c.hb, "sendonly");
    expect(c.hb.remoteHold).toBe(true);
    const held = rtpSent(c.b);
    await c.run(1000);
    // b only sends RTCP now (RFC 3264 §5.1), a goes on sending.
    expect(rtpSent(c.b) - held).toBeLessThan(3);
    expect(c.ha.session!.counters.rtpSent).toBeGreaterThan(95);
    exchange(c.ha, c.hb, "sendrecv");
    expect(c.hb.remoteHold).toBe(false);
    await c.run(1000);
    expect(rtpSent(c.b) - held).toBeGreaterThan(45);
  });

  it("RFC 3264 §6.1 / §8.3.2: the answerer's preference picks the codec; a re-offer after a change of preference switches it", async () => {
    const c = await call({ codecs: [PCMU, PCMA] }, { codecs: [PCMU, PCMA] });
    exchange(c.ha, c.hb);
    expect([c.ha.session!.codec, c.hb.session!.codec]).toEqual(["PCMU", "PCMU"]);
    c.hb.onAudio = (frame) => c.hb.writeAudio(frame.samples);
    await c.run(1000);
    c.hb.setCodecs([PCMA, PCMU]);
    exchange(c.ha, c.hb);
    expect([c.ha.session!.codec, c.hb.session!.codec]).toEqual(["PCMA", "PCMA"]);
    const before = c.heard.a.length;
    await c.run(2000);
    expect(analyseTone(concatPcm(c.heard.a.slice(before + 25)), 8000, 1000).snrDb).toBeGreaterThan(30);
    expect(c.ha.session!.counters.codecChanges).toBe(1);
  });

  it("RFC 3264 §6.1: with codecOrder offer the answer follows each offer's order, whatever the ports, addresses and keys of the calls before", async () => {
    const r = runtime();
    const d = await createMediaDriver({ runtime: r.rt, host: "127.0.0.1", ports: { minPort: 32000, maxPort: 32999, spare: 10 } });
    const handlers = rtpMediaHandlers(d, { codecs: [PCMU, PCMA, OPUS], codecOrder: "offer" });
    const offer = (port: number, pts: string, extra = "") => ({
      contentType: "application/sdp",
      body: `v=0\r\no=c ${port} 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n${extra}m=audio ${port} RTP/AVP ${pts}\r\n` +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:111 opus/48000/2\r\n",
    });
    /** The codecs of the answer's audio m= line, in its order. */
    const answered = (o: SessionBody) => {
      const h = handlers(uas) as RtpMediaHandler;
      const a = h.receiveOffer(o);
      if (!("body" in a)) throw new Error(`offer refused: ${a.reason}`);
      const codecs = h.stream!.codecs.map((c) => c.name.toUpperCase());
      h.close();
      return codecs;
    };
    expect(answered(offer(40000, "8 0 111"))).toEqual(["PCMA", "PCMU", "OPUS"]);
    // The same formats from another port and address: the same order; another order: that one.
    expect(answered(offer(40002, "8 0 111"))).toEqual(["PCMA", "PCMU", "OPUS"]);
    expect(answered(offer(40004, "111 0 8"))).toEqual(["OPUS", "PCMU", "PCMA"]);
    expect(answered(offer(40006, "0 8 111"))).toEqual(["PCMU", "PCMA", "OPUS"]);
    // A refused audio stream (port 0) first: the order is the next audio stream's.
    expect(answered(offer(40008, "0 8 111", "m=audio 0 RTP/AVP 111 8\r\n"))).toEqual(["PCMU", "PCMA", "OPUS"]);
    // The same format list, the a=rtpmap lines changed: PCMA's number taken by opus.
    const swapped = { contentType: "application/sdp", body: offer(40010, "8 0").body.replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:8 opus/48000/2") };
    expect(answered(swapped)).toEqual(["OPUS", "PCMU"]);
    expect(answered(offer(40012, "8 0"))).toEqual(["PCMA", "PCMU"]);
    // A body in bytes, as a received request carries it.
    const bytes = (o: SessionBody) => ({ contentType: o.contentType, body: new TextEncoder().encode(o.body as string) });
    expect(answered(bytes(offer(40014, "111 0 8")))).toEqual(["OPUS", "PCMU", "PCMA"]);
    expect(answered(bytes(offer(40016, "0 111 8")))).toEqual(["PCMU", "OPUS", "PCMA"]);
  });

  it("RFC 3550 §11: a closed stream's pair cools before it is handed out again; with the range used up the pair cooled longest goes out after 500 ms rather than a 503", async () => {
    const r = runtime();
    // Two pairs: 30000/1 and 30002/3.
    const d = await createMediaDriver({ runtime: r.rt, host: "127.0.0.1", ports: { minPort: 30000, maxPort: 30003, spare: 2 } });
    const make = () => rtpMediaHandlers(d, { codecs: [PCMU] })(uas) as RtpMediaHandler;
    const peer = await createMediaDriver({ runtime: r.rt, host: "127.0.0.2", ports: { minPort: 31000, maxPort: 31999, spare: 2 } });
    const caller = () => rtpMediaHandlers(peer, { codecs: [PCMU] })(uac) as RtpMediaHandler;
    const h1 = make();
    exchange(caller(), h1);
    await r.f.advance(100);
    h1.close();
    expect([d.pool.cooling, d.pool.ready]).toEqual([1, 1]);
    // The other pair is ready: it goes first, and the range is used up.
    const h2 = make();
    expect(h2.port).toBe(30002);
    await r.f.advance(100);
    expect(make().port).toBeUndefined();
    await r.f.advance(400);
    const h3 = make();
    expect([h3.port, d.pool.reusedEarly, d.pool.cooling]).toEqual([30000, 1, 0]);
    h3.close();
    h2.close();
    // Never negotiated: no stream ran on their pairs, they are ready at once.
    expect([d.pool.ready, d.pool.cooling]).toEqual([2, 0]);
    const h4 = make();
    exchange(caller(), h4);
    h4.close();
    expect(d.pool.cooling).toBe(1);
    await r.f.advance(1900);
    expect(d.pool.cooling).toBe(1);
    await r.f.advance(400);
    expect([d.pool.cooling, d.pool.ready, d.pool.inUse]).toEqual([0, 2, 0]);
    d.close();
    peer.close();
  });

  it("RFC 3264 §8.3.1: an answer to a re-offer with a new address moves where we send", async () => {
    // Without latching, so that b's packets (still from its old address) do not pull the target back.
    const c = await call({ session: { latching: false } });
    exchange(c.ha, c.hb);
    await c.run(500);
    const answer = c.hb.receiveOffer(c.ha.createOffer({}));
    if (!("body" in answer)) throw new Error(answer.reason);
    // The peer moved (a new media relay, another interface): same SDP, new address and port.
    const moved = String(answer.body).replace(/c=IN IP4 127\.0\.0\.2/g, "c=IN IP4 127.0.0.9").replace(/m=audio \d+/, "m=audio 31500");
    expect(c.ha.receiveAnswer({ contentType: "application/sdp", body: moved })).toBe(true);
    expect(c.ha.session!.remoteAddress).toEqual({ host: "127.0.0.9", port: 31500 });
    const sink = c.f.sink({ host: "127.0.0.9", port: 31500 });
    await c.run(200);
    expect(sink.length).toBeGreaterThan(8);
  });

  it("RFC 4961 / RFC 7362: the RTP socket is connected to the latched peer once; a renegotiation to a new address frees it again", async () => {
    // Sockets that can connect, as Node's do: each connect recorded with the socket's port.
    const connects: { port: number; to: string }[] = [];
    const c = await call({ session: { latching: false } });
    const bind = c.rt.udpBind;
    const rt = {
      ...c.rt,
      async udpBind(o: Parameters<typeof bind>[0], h: Parameters<typeof bind>[1]) {
        const s = await bind(o, h);
        return { ...s, connect: (t: { host: string; port: number } | undefined) => void connects.push({ port: s.local.port, to: t ? `${t.host}:${t.port}` : "none" }) };
      },
    };
    const a = await createMediaDriver({ runtime: rt, host: "127.0.0.1", ports: { minPort: 32000, maxPort: 32999, spare: 2 } });
    const ha = rtpMediaHandlers(a, { codecs: [PCMU], session: { latching: false } })(uac) as RtpMediaHandler;
    exchange(ha, c.hb);
    const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [1000], levelDbm0: -10 });
    for (let t = 0; t < 1000; t += 20) {
      ha.writeAudio(tone.next(160));
      await c.f.advance(20);
    }
    const port = ha.pair!.port;
    const b = c.hb.pair!.port;
    // Fifty ptimes of media both ways: one connect, to b's RTP address.
    expect(connects).toEqual([{ port, to: `127.0.0.2:${b}` }]);
    const answer = c.hb.receiveOffer(ha.createOffer({}));
    if (!("body" in answer)) throw new Error(answer.reason);
    const moved = String(answer.body).replace(/c=IN IP4 127\.0\.0\.2/g, "c=IN IP4 127.0.0.9").replace(/m=audio \d+/, "m=audio 31500");
    expect(ha.receiveAnswer({ contentType: "application/sdp", body: moved })).toBe(true);
    // The new address has not proven itself: the socket is free again at once (not at a later tick).
    expect(connects.at(-1)).toEqual({ port, to: "none" });
    for (let t = 0; t < 200; t += 20) {
      ha.writeAudio(tone.next(160));
      await c.f.advance(20);
    }
    expect(connects.length).toBe(2);
    a.close();
  });

  it("RFC 4568: SDES-SRTP negotiated by the handlers, keystream from the runtime's native AES", async () => {
    const c = await call({ srtp: { mandatory: true } });
    exchange(c.ha, c.hb);
    c.hb.onAudio = (frame) => c.hb.writeAudio(frame.samples);
    await c.run(3000);
    expect(c.ha.session!.srtpSuite).toBe("AES_CM_128_HMAC_SHA1_80");
    expect(c.ha.session!.srtpNative).toBe(true);
    expect(c.ha.session!.stream.protocol).toBe("RTP/SAVP");
    expect(analyseTone(concatPcm(c.heard.a.slice(75)), 8000, 1000).snrDb).toBeGreaterThan(30);
  });

  it("RFC 4733: DTMF as telephone-event when negotiated", async () => {
    const c = await call();
    exchange(c.ha, c.hb);
    await c.run(200);
    expect(c.ha.sendDtmf("42")).toBe("rtp");
    await c.run(1000);
    expect(c.events.b.flatMap((e) => (e.type === "dtmf" ? [e.digit] : []))).toEqual(["4", "2"]);
  });

  it("SIP INFO application/dtmf-relay is the fallback without telephone-event, both ways", async () => {
    const c = await call({ telephoneEvent: false });
    exchange(c.ha, c.hb);
    const infos: SessionBody[] = [];
    expect(c.ha.sendDtmf("7#")).toBe(false);
    c.ha.sendInfo = (body) => infos.push(body);
    expect(c.ha.sendDtmf("7#", { durationMs: 160 })).toBe("info");
    expect(infos.map((b) => b.contentType)).toEqual(["application/dtmf-relay", "application/dtmf-relay"]);
    for (const body of infos) expect(c.hb.handleInfo(body)).toBe(true);
    expect(c.events.b).toEqual([
      { type: "info-dtmf", digit: "7", durationMs: 160 },
      { type: "info-dtmf", digit: "#", durationMs: 160 },
    ]);
    expect(c.hb.handleInfo({ contentType: "text/plain", body: "Signal=1" })).toBe(false);
    expect(c.hb.handleInfo({ contentType: "application/dtmf-relay", body: "nothing" })).toBe(false);
  });

  it("PCM in and out as async iterables: play() paces a long source through the send queue and resolves once it has been sent, audio() yields what plays out", async () => {
    const c = await call();
    exchange(c.ha, c.hb);
    c.ha.onAudio = undefined;
    const tone = new ToneGenerator({ sampleRate: 8000, frequencies: [700], levelDbm0: -10 });
    // Ten seconds of audio at once: more than the send queue holds (2 s), so play() has to wait.
    const source = Array.from({ length: 500 }, () => ({ samples: tone.next(160), sampleRate: 8000, channels: 1 }));
    let played = false;
    void c.hb.play(source).then(() => (played = true));
    const frames: Int16Array[] = [];
    const reader = (async () => {
      for await (const f of c.ha.audio()) {
        frames.push(f.samples);
        if (frames.length === 400) break;
      }
    })();
    // After 6 s, 8 s of the source are queued or sent: play() still waits for room.
    for (let t = 0; t < 6000; t += 20) await c.f.advance(20);
    expect(played).toBe(false);
    // After 9 s all of it is queued, but a second of it has not gone out: play() resolves when it has.
    for (let t = 0; t < 3000; t += 20) await c.f.advance(20);
    expect(played).toBe(false);
    for (let t = 0; t < 1200; t += 20) await c.f.advance(20);
    expect(played).toBe(true);
    await reader;
    expect(analyseTone(concatPcm(frames.slice(100, 400)), 8000, 700).snrDb).toBeGreaterThan(30);
  });

  it("RFC 3550 §6.6: close sends the RTCP BYE; the ports are released a little later", async () => {
    const c = await call();
    exchange(c.ha, c.hb);
    await c.run(500);
    expect(c.a.pool.inUse).toBe(1);
    c.ha.close();
    await c.run(100);
    expect(c.events.b.some((e) => e.type === "remote-bye")).toBe(true);
    expect(c.events.a.some((e) => e.type === "closed")).toBe(true);
    await c.f.advance(3000);
    expect(c.a.pool.inUse).toBe(0);
    expect(c.a.stats.streams).toBe(0);
  });

  it("pairs are bound ahead, RTP even and RTCP odd (RFC 3550 §11); with none free an offer gets 503 (RFC 3261 §21.5.4)", async () => {
    const r = runtime();
    // A range of three pairs: 30002/3, 30004/5, 30006/7.
    const d = await createMediaDriver({ runtime: r.rt, host: "127.0.0.1", ports: { minPort: 30001, maxPort: 30007, spare: 2 } });
    expect(d.pool.ready).toBe(2);
    const make = () => rtpMediaHandlers(d, { codecs: [PCMU] })(uas) as RtpMediaHandler;
    // Handlers made at once take the pairs bound ahead; the next finds none until more are bound.
    const [h1, h2, h3] = [make(), make(), make()];
    expect([h1.port, h2.port, h3.port]).toEqual([30002, 30004, undefined]);
    expect(h3.receiveOffer({ contentType: "application/sdp", body: "v=0\r\n" })).toMatchObject({ ok: false, status: 503 });
    expect((thrown(() => h3.createOffer({})) as MediaError).code).toBe("NO_RESOURCES");
    await r.f.advance(1);
    const h4 = make();
    expect(h4.port).toBe(30006);
    await r.f.advance(1);
    // The range is used up.
    expect(make().port).toBeUndefined();
    h1.close();
    await r.f.advance(1);
    expect(make().port).toBe(30002);
  });

  it("RFC 3550 §11: a released pair stays bound and is handed out again behind the ready ones, with no new bind", async () => {
    const r = runtime();
    let binds = 0;
    const udpBind = r.rt.udpBind;
    const rt = { ...r.rt, udpBind: (o: { host: string; port: number }, h: Parameters<typeof udpBind>[1]) => (binds++, udpBind(o, h)) };
    const d = await createMediaDriver({ runtime: rt, host: "127.0.0.1", ports: { minPort: 31000, maxPort: 31999, spare: 2 } });
    expect([d.pool.ready, binds]).toEqual([2, 4]);
    const make = () => rtpMediaHandlers(d, { codecs: [PCMU] })(uas) as RtpMediaHandler;
    const h1 = make();
    await r.f.advance(1);
    expect([h1.port, d.pool.ready, binds]).toEqual([31000, 2, 6]);
    h1.close();
    // Released: ready again, behind 31002 and 31004, its sockets still bound.
    expect([d.pool.ready, d.pool.inUse]).toEqual([3, 0]);
    const ports = [make().port, make().port, make().port];
    expect(ports).toEqual([31002, 31004, 31000]);
    expect(binds).toBe(6);
  });
});
