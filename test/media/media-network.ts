/**
 * Two RTP sessions on a simulated network with a virtual clock, for the media-session tests: the
 * streams come from a real SDP offer/answer (src/sdp's negotiator), every datagram goes through a
 * path with its own loss, delay and jitter (seeded, so a failure reproduces), and both sessions are
 * driven exactly as a driver would — inputs, then drain transmits, events and audio until only the
 * next deadline is left.
 */
import { createSdpNegotiator } from "../../src/sdp/index.ts";
import type { SdpCodec, SdpMediaCapabilities, SdpSrtpOptions } from "../../src/sdp/index.ts";
import { concatPcm, createRtpSession, ToneGenerator } from "../../src/media/index.ts";
import type { MediaAddress, MediaTransmit, RtpSession, RtpSessionEvent, RtpSessionOptions } from "../../src/media/index.ts";
import { prng } from "../prng.ts";

/** One direction of the simulated network. */
export interface PathConfig {
  /** Probability that a datagram is lost. */
  readonly loss?: number;
  /** Fixed one-way delay, ms. */
  readonly delayMs?: number;
  /** Extra delay uniform in [0, jitterSpanMs), ms: reordering follows. */
  readonly jitterSpanMs?: number;
}

/** What each end of the call is. */
export interface EndConfig {
  readonly codecs: readonly SdpCodec[];
  readonly srtp?: SdpSrtpOptions;
  readonly rtcpMux?: boolean;
  readonly ptime?: number;
  readonly session?: Partial<RtpSessionOptions>;
  /** Tone this end sends, Hz (none: it sends nothing). */
  readonly toneHz?: number;
  readonly telephoneEvent?: SdpMediaCapabilities["telephoneEvent"];
  /** A NAT in front of this end: its public RTP address (RTCP at port + 1). */
  readonly nat?: MediaAddress;
}

/** One side: its session, its address and what came out of it. */
export interface End {
  readonly name: "a" | "b";
  session: RtpSession;
  readonly rtp: MediaAddress;
  readonly rtcp: MediaAddress;
  readonly events: RtpSessionEvent[];
  readonly audio: Int16Array[];
  /** Every datagram it transmitted (after SRTP), with the time. */
  readonly sent: { at: number; t: MediaTransmit }[];
  tone: ToneGenerator | undefined;
  readonly nat: MediaAddress | undefined;
}

interface InFlight {
  readonly at: number;
  readonly seq: number;
  readonly to: End;
  readonly data: Uint8Array;
  readonly from: MediaAddress;
  readonly rtcp: boolean;
}

/** The simulated call. */
export class MediaNetwork {
  readonly a: End;
  readonly b: End;
  now = 0;
  readonly #rnd: () => number;
  #flight: InFlight[] = [];
  #seq = 0;
  paths: { ab: PathConfig; ba: PathConfig };
  /** Drop (true) or rewrite a datagram before it enters the path: for injecting attacks. */
  tamper: ((from: End, t: MediaTransmit) => Uint8Array | undefined) | undefined;

  constructor(a: EndConfig, b: EndConfig, o: { seed?: number; ab?: PathConfig; ba?: PathConfig } = {}) {
    this.#rnd = prng(o.seed ?? 1);
    this.paths = { ab: o.ab ?? {}, ba: o.ba ?? {} };
    const caps = (c: EndConfig, port: number): SdpMediaCapabilities => ({
      port,
      codecs: c.codecs,
      ...(c.srtp ? { srtp: c.srtp } : {}),
      ...(c.rtcpMux !== undefined ? { rtcpMux: c.rtcpMux } : {}),
      ...(c.ptime !== undefined ? { ptime: c.ptime } : {}),
      ...(c.telephoneEvent !== undefined ? { telephoneEvent: c.telephoneEvent } : {}),
    });
    const random = this.#bytes;
    const na = createSdpNegotiator({ address: "198.51.100.1", media: [caps(a, 40000)], random, sessionId: "1" });
    const nb = createSdpNegotiator({ address: "198.51.100.2", media: [caps(b, 50000)], random, sessionId: "2" });
    const answer = nb.receiveOffer(na.createOffer());
    if (!("body" in answer)) throw new Error(`negotiation failed: ${JSON.stringify(answer)}`);
    const applied = na.receiveAnswer(answer);
    if (applied !== true) throw new Error(`answer refused: ${JSON.stringify(applied)}`);
    this.negotiators = { a: na, b: nb };
    const end = (name: "a" | "b", cfg: EndConfig, host: string, port: number, stream: (typeof na.streams)[number]): End => {
      const rtp = { host, port };
      const rtcp = stream.rtcpMux ? rtp : { host, port: port + 1 };
      const session = createRtpSession({ stream, now: 0, randomBytes: random, random: this.#rnd, ...cfg.session });
      const tone = cfg.toneHz ? new ToneGenerator({ sampleRate: session.sampleRate, frequencies: [cfg.toneHz], levelDbm0: -10 }) : undefined;
      return { name, session, rtp, rtcp, events: [], audio: [], sent: [], tone, nat: cfg.nat };
    };
    this.a = end("a", a, "198.51.100.1", 40000, na.streams[0]!);
    this.b = end("b", b, "198.51.100.2", 50000, nb.streams[0]!);
  }

  readonly negotiators: { a: ReturnType<typeof createSdpNegotiator>; b: ReturnType<typeof createSdpNegotiator> };

  readonly #bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.#rnd() * 256);
    return out;
  };

  /** Replaces `e`'s session with a new one on the same stream (a restarted sender: new SSRC). */
  restart(e: End, session: Partial<RtpSessionOptions> = {}): void {
    const stream = (e === this.a ? this.negotiators.a : this.negotiators.b).streams[0]!;
    e.session.close(this.now);
    e.session = createRtpSession({ stream, now: this.now, randomBytes: this.#bytes, random: this.#rnd, ...session });
  }

  #other(e: End): End {
    return e === this.a ? this.b : this.a;
  }

  /** Keeps each talking end's send queue a few frames ahead. */
  #feed(e: End): void {
    if (!e.tone || e.session.state === "closed") return;
    const frame = Math.round((e.session.sampleRate * e.session.ptimeMs) / 1000);
    while (e.session.queuedAudioMs < 3 * e.session.ptimeMs) e.session.writeAudio(e.tone.next(frame));
  }

  /** Drains one end's outputs into the network and the collectors. */
  drain(e: End): void {
    for (let t; (t = e.session.pollTransmit()); ) {
      e.sent.push({ at: this.now, t });
      const data = this.tamper ? this.tamper(e, t) : t.data;
      if (data) this.send(e, data, t.rtcp && !e.session.rtcpMux ? e.rtcp : e.rtp, t.to, t.rtcp);
    }
    for (let ev; (ev = e.session.pollEvent()); ) e.events.push(ev);
    for (let f; (f = e.session.pollAudio()); ) e.audio.push(f.samples);
  }

  /** Puts a datagram on the path from `e`'s `from` address to `to`. */
  send(e: End, data: Uint8Array, from: MediaAddress, to: MediaAddress, rtcp: boolean): void {
    const peer = this.#other(e);
    // Only datagrams addressed to the peer's ports (or its NAT's) arrive.
    const is = (x: MediaAddress, y: MediaAddress | undefined, offset = 0) => y !== undefined && x.host === y.host && x.port === y.port + offset;
    const toRtp = is(to, peer.rtp) || is(to, peer.nat);
    const toRtcp = (is(to, peer.rtcp) && peer.rtcp !== peer.rtp) || (!peer.session.rtcpMux && is(to, peer.nat, 1));
    if (!toRtp && !toRtcp) return;
    const path = e === this.a ? this.paths.ab : this.paths.ba;
    if (this.#rnd() < (path.loss ?? 0)) return;
    const at = this.now + (path.delayMs ?? 20) + this.#rnd() * (path.jitterSpanMs ?? 0);
    // The NAT rewrites the source to its public address.
    const src = e.nat ? { host: e.nat.host, port: e.nat.port + (from.port - e.rtp.port) } : from;
    this.#flight.push({ at, seq: this.#seq++, to: peer, data: data.slice(), from: src, rtcp: toRtcp && !toRtp });
  }

  /** Injects a datagram arriving at `to` now from `from` (an attacker, a stray peer). */
  inject(to: End, data: Uint8Array, from: MediaAddress, port: "rtp" | "rtcp" = "rtp"): void {
    if (port === "rtp") to.session.handleRtp(data, from, this.now);
    else to.session.handleRtcp(data, from, this.now);
    this.drain(to);
  }

  /**
   * A re-offer from `a` (re-INVITE): `b` answers and updates at once, `a` updates when the answer
   * reaches it `delayMs` later. Returns after `a` updated.
   */
  reinvite(o: { direction?: "sendrecv" | "sendonly" | "recvonly" | "inactive"; delayMs?: number } = {}): void {
    const offer = this.negotiators.a.createOffer(o.direction ? { direction: o.direction } : {});
    const answer = this.negotiators.b.receiveOffer(offer);
    if (!("body" in answer)) throw new Error(`re-offer refused: ${JSON.stringify(answer)}`);
    this.b.session.update(this.negotiators.b.streams[0]!, this.now);
    this.drain(this.b);
    this.run(this.now + (o.delayMs ?? 20));
    if (this.negotiators.a.receiveAnswer(answer) !== true) throw new Error("re-answer refused");
    this.a.session.update(this.negotiators.a.streams[0]!, this.now);
    this.drain(this.a);
  }

  /** Runs the call until `until` (virtual ms). */
  run(until: number): void {
    for (const e of [this.a, this.b]) {
      this.#feed(e);
      this.drain(e);
    }
    while (true) {
      const ta = this.a.session.pollTimeout() ?? Infinity;
      const tb = this.b.session.pollTimeout() ?? Infinity;
      let tf = Infinity;
      for (const f of this.#flight) if (f.at < tf) tf = f.at;
      const next = Math.min(ta, tb, tf);
      if (next > until) break;
      this.now = Math.max(this.now, next);
      // Deliver everything due, in arrival order.
      const due = this.#flight.filter((f) => f.at <= this.now).sort((x, y) => x.at - y.at || x.seq - y.seq);
      this.#flight = this.#flight.filter((f) => f.at > this.now);
      for (const f of due) {
        if (f.rtcp) f.to.session.handleRtcp(f.data, f.from, this.now);
        else f.to.session.handleRtp(f.data, f.from, this.now);
        this.drain(f.to);
      }
      for (const e of [this.a, this.b]) {
        const t = e.session.pollTimeout();
        if (t !== undefined && t <= this.now) e.session.handleTimeout(this.now);
        this.#feed(e);
        this.drain(e);
      }
    }
    this.now = until;
  }
}

/** The received audio of `e` from `fromMs` on, as one array. */
export function received(e: End, fromMs: number, ptimeMs: number): Int16Array {
  return concatPcm(e.audio.slice(Math.round(fromMs / ptimeMs)));
}
