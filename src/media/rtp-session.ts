import { dtmfEventCode } from "../codec/index.ts";
import type { RtpHeaderReader } from "../rtp/index.ts";
import { canReceive, canSend, encodeBase64 } from "../sdp/index.ts";
import type { NegotiatedStream } from "../sdp/index.ts";
import { DEFAULT_AUDIO_CODECS } from "./audio-codec.ts";
import type { AudioCodec } from "./audio-codec.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import { callQuality } from "./call-quality.ts";
import type { CallQuality } from "./call-quality.ts";
import { MediaError } from "./errors.ts";
import { normalizeHost, sameAddress } from "./latching.ts";
import type { MediaAddress } from "./latching.ts";
import { MediaInput } from "./media-input.ts";
import { packetCopy } from "./packet-slab.ts";
import { RtpTimeout } from "./rtp-timeout.ts";
import type { PcmFrame } from "./pcm-stream.ts";
import { RtcpExchange } from "./rtcp-exchange.ts";
import { RtpReceiver } from "./rtp-receiver.ts";
import { RtpSender } from "./rtp-sender.ts";
import type { MediaTransmit, RtpSessionCounters, RtpSessionEvent, RtpSessionOptions } from "./rtp-session-types.ts";
import { SrtpKeying } from "./srtp-keying.ts";
import { planStream, sameSendPlan, sendFormat } from "./stream-config.ts";
import type { SendPlan, StreamPlan } from "./stream-config.ts";

/**
 * One RTP session (RFC 3550 §3: one m= line, one pair of transport addresses) as a sans-I/O
 * engine: datagrams in with `handleRtp` / `handleRtcp` and `now`, the media clock in with
 * `handleTimeout`, PCM in with `writeAudio` and digits with `sendDtmf`; out come datagrams
 * (`pollTransmit`), received PCM frames (`pollAudio`), events (`pollEvent`: DTMF, SSRC change,
 * source latched, RTP timeout, quality, BYE) and the next deadline (`pollTimeout`). No sockets,
 * no clocks: the driver owns both, and one driver timer serves every session.
 *
 * Receiving: the RTP port's datagrams are told apart (RFC 5761 §4 and RFC 7983: RTCP by packet
 * type when rtcp-mux is negotiated; STUN, DTLS and garbage counted and dropped), checked against
 * the peer's address (symmetric RTP, RFC 4961, and latching, RFC 7362), authenticated and
 * decrypted in place (SRTP, RFC 3711, with SDES keys, RFC 4568), parsed (RFC 3550 §5.1), routed by
 * SSRC and played out through the jitter buffer with concealment. Sending: one frame per ptime,
 * encoded, protected, to the peer's (latched) address. RTCP: SR/RR with SDES CNAME and XR VoIP
 * Metrics at the RFC 3550 §6.3 interval, RTT from the peer's reports, BYE on close.
 *
 * Every malformed, unexpected, forged or replayed datagram is counted in {@link counters} and
 * dropped; nothing a peer sends makes a method throw.
 *
 * Where the Wasm core works: SRTP authenticates and decrypts each datagram in the core's memory;
 * the RTP header is then read by the zero-allocation JavaScript reader, which for one packet in
 * JavaScript memory beats copying it into the core (72 M against 25 M headers/s, bench/rtp.mjs);
 * the core's batch parser pays only for packets already in its memory.
 */

/** The session's states: open until {@link RtpSession.close}. */
export type RtpSessionState = "open" | "closed";

/** Source addresses kept in the SSRC conflict list (RFC 3550 §8.2). */
const MAX_CONFLICTS = 8;

/** Catch-up limit: ticks sent late at once before the rest are skipped. */
const MAX_CATCHUP = 10;

/** Datagrams {@link RtpSession.deferRtp} holds at most; one more has them all taken at once. */
const MAX_DEFERRED = 64;

const defaultRandomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function u32(b: Uint8Array): number {
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/** The RTP session; see the module comment and {@link createRtpSession}. */
export class RtpSession {
  #state: RtpSessionState = "open";
  #stream: NegotiatedStream;
  #plan: StreamPlan;
  readonly #codecs: readonly AudioCodec[];
  readonly #options: RtpSessionOptions;
  readonly #randomBytes: (n: number) => Uint8Array;
  #sender: RtpSender | undefined;
  readonly #receiver: RtpReceiver;
  readonly #rtcp: RtcpExchange;
  readonly #keying: SrtpKeying;
  readonly #input: MediaInput;
  readonly #transmits = new BoundedQueue<MediaTransmit>(1024);
  readonly #events = new BoundedQueue<RtpSessionEvent>(256);
  readonly #audio: BoundedQueue<PcmFrame>;
  readonly #receiveAudio: boolean;
  #ptime: number;
  #nextTick: number;
  readonly #timeout: RtpTimeout;
  /** Source addresses whose packets carried our SSRC (RFC 3550 §8.2's conflict list). */
  readonly #conflicts: string[] = [];
  // Datagrams taken by deferRtp and not yet processed: copies, sources, arrival times.
  readonly #deferredData: (Uint8Array | undefined)[] = [];
  readonly #deferredFrom: (MediaAddress | undefined)[] = [];
  readonly #deferredAt: number[] = [];
  #deferred = 0;
  readonly #counters: RtpSessionCounters = {
    rtpSent: 0, rtcpSent: 0, rtpReceived: 0, rtcpReceived: 0, unexpectedSource: 0, notRtp: 0, malformed: 0,
    oversized: 0, unknownPayloadType: 0, wrongSsrc: 0, authFailed: 0, replayed: 0, srtpFailed: 0, rtcpMalformed: 0,
    unexpectedDirection: 0, ssrcChanges: 0, ssrcCollisions: 0, ssrcLoops: 0, timestampJumps: 0, codecChanges: 0, rekeys: 0, lateTicks: 0,
    audioDropped: 0, eventsDropped: 0,
  };

  /** @internal Use {@link createRtpSession}. */
  constructor(o: RtpSessionOptions) {
    const stream = o.stream;
    if (!stream.accepted) throw new MediaError("BAD_OPTION", "RTP session: the stream was rejected (port 0)");
    this.#options = o;
    this.#stream = stream;
    this.#codecs = o.codecs ?? DEFAULT_AUDIO_CODECS;
    this.#randomBytes = o.randomBytes ?? defaultRandomBytes;
    this.#plan = planStream(stream, this.#codecs, o);
    if (this.#plan.receive.formats.size === 0) {
      throw new MediaError("BAD_OPTION", `RTP session: no codec plug for ${stream.codecs.map((c) => c.name).join(", ") || "the stream"}`);
    }
    this.#receiveAudio = o.receiveAudio ?? true;
    this.#audio = new BoundedQueue(o.audioQueueFrames ?? 50);
    this.#ptime = this.#plan.ptimeMs;
    this.#nextTick = o.now;
    this.#timeout = new RtpTimeout(o.rtpTimeoutMs ?? 30_000, o.now);
    this.#timeout.expect(canReceive(stream.direction), o.now);
    this.#keying = new SrtpKeying(o.crypto, o.rekeyGraceMs ?? 5000);
    this.#input = new MediaInput(
      { rtp: this.#plan.rtp, rtcp: this.#plan.rtcp, rtcpMux: stream.rtcpMux, latching: o.latching ?? true, maxPacket: o.maxPacketSize ?? 1500 },
      this.#keying,
      this.#counters,
      {
        rtp: (h, data, from, now, owned) => this.#receiveRtp(h, data, from, now, owned),
        rtcp: (packets, length, from, now) => {
          for (const p of packets) if ((p.type === "sr" || p.type === "rr") && p.ssrc === this.ssrc) return this.#collision(from, now);
          this.#rtcp.receive(packets, length, now);
        },
        emit: (e) => this.#emit(e),
      },
    );
    this.#keying.apply(stream.crypto, o.now);
    const ssrc = o.ssrc ?? u32(this.#randomBytes(4));
    this.#receiver = new RtpReceiver(this.#plan.receive, (e) => this.#emit(e));
    this.#rtcp = new RtcpExchange(
      {
        receiver: this.#receiver,
        sender: () => this.#sender,
        sendClockRate: () => this.#plan.send?.codec.clockRate ?? 8000,
        ptimeMs: () => this.#ptime,
        quality: () => this.quality,
        send: (buf, size) => this.#sendRtcp(buf, size),
        emit: (e) => this.#emit(e),
      },
      {
        ssrc,
        cname: o.cname ?? encodeBase64(this.#randomBytes(12)),
        rtcpBandwidth: o.rtcpBandwidth ?? 500,
        minInterval: o.rtcpMinInterval ?? 5,
        clockOffsetMs: o.clockOffsetMs ?? 0,
        random: o.random ?? Math.random,
        now: o.now,
        xr: o.rtcpXr ?? true,
        overhead: () => this.#keying.rtcpOverhead,
        jbAbsMaxMs: o.jitterBuffer?.maxDelayMs ?? 300,
      },
    );
    this.#sender = this.#makeSender(this.#plan.send, ssrc);
  }

  #makeSender(plan: SendPlan | undefined, ssrc: number): RtpSender | undefined {
    if (!plan) return undefined;
    const r = this.#randomBytes(6);
    const sender = new RtpSender(sendFormat(plan), {
      ssrc,
      sequenceNumber: (r[0]! << 8) | r[1]!,
      timestamp: u32(r.subarray(2)),
      sampleRate: plan.sampleRate,
      queueMs: this.#options.sendQueueMs ?? 2000,
      sink: (packet, length) => this.#sendRtp(packet, length),
    });
    sender.overhead = this.#keying.rtpOverhead;
    return sender;
  }

  // ---------------------------------------------------------------------------------------------
  // What the session is.

  get state(): RtpSessionState {
    return this.#state;
  }

  /** Our SSRC. */
  get ssrc(): number {
    return this.#rtcp.reporter.ssrc;
  }

  /** Our RTCP CNAME. */
  get cname(): string {
    return this.#rtcp.reporter.cname;
  }

  /** The negotiated stream in use. */
  get stream(): NegotiatedStream {
    return this.#stream;
  }

  /** RTP and RTCP share the port (RFC 5761). */
  get rtcpMux(): boolean {
    return this.#stream.rtcpMux;
  }

  /** Where RTP goes (the latched address once the latch moved it). */
  get remoteAddress(): MediaAddress {
    return this.#input.rtpLatch.target;
  }

  /**
   * Whether a packet of the peer proved its RTP address since the last negotiation (the latch
   * closed): from then on only that address is taken, so a driver may connect the RTP socket to it.
   */
  get remoteLatched(): boolean {
    return this.#input.rtpLatch.state === "latched";
  }

  /** Where RTCP goes. */
  get remoteRtcpAddress(): MediaAddress {
    return this.#input.rtcpTarget;
  }

  /** The codec we send with (its `a=rtpmap` name), if we can send. */
  get codec(): string | undefined {
    return this.#plan.send?.codec.name;
  }

  /** Packetization, ms: one media-clock tick. */
  get ptimeMs(): number {
    return this.#ptime;
  }

  /** The PCM rate of `writeAudio` (the frames of `pollAudio` come at the same rate). */
  get sampleRate(): number {
    return this.#sender?.sampleRate ?? this.#plan.receive.sampleRate ?? 8000;
  }

  /** The SRTP suite in use, or undefined for plain RTP. */
  get srtpSuite(): string | undefined {
    return this.#keying.suite;
  }

  /** Whether SRTP keystream comes from the runtime's native AES. */
  get srtpNative(): boolean {
    return this.#keying.native;
  }

  /** Audio queued by `writeAudio` and not yet sent, ms. */
  get queuedAudioMs(): number {
    return this.#sender?.queuedMs ?? 0;
  }

  /** A snapshot of the counters. */
  get counters(): RtpSessionCounters {
    // The receiver keeps its own (payload type, SSRC, timestamp and codec changes).
    return { ...this.#counters, ...this.#receiver.counters, audioDropped: this.#audio.dropped, eventsDropped: this.#events.dropped };
  }

  /** The call's quality now (after close: the final figures). */
  get quality(): CallQuality {
    const t = this.#receiver.totals();
    const codec = this.#receiver.source?.format?.codec ?? this.#plan.send?.codec;
    return callQuality({
      codec: codec?.name,
      impairment: codec?.impairment,
      codecDelayMs: codec?.delayMs ?? 0,
      ptimeMs: this.#ptime,
      packetsSent: this.#sender?.packetsSent ?? 0,
      octetsSent: this.#sender?.octetsSent ?? 0,
      packetsReceived: t.received,
      packetsExpected: t.expected,
      lateDiscarded: t.late,
      duplicates: t.duplicates,
      concealedMs: t.concealedMs,
      jitterMs: t.jitterMs,
      jitterBufferMs: t.jitterBufferMs,
      rttMs: this.#rtcp.rttMs,
      remote: this.#rtcp.remote,
      burstGap: t.burstGap,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs.

  /**
   * A datagram that arrived on our RTP port from `from` at `now`. `data` may be decrypted in place
   * and is not kept after the call. With rtcp-mux, RTCP arrives here too (RFC 5761 §4).
   */
  handleRtp(data: Uint8Array, from: MediaAddress, now: number): void {
    if (this.#state === "closed") return;
    if (this.#deferred > 0) this.#takeDeferred();
    this.#input.rtp(data, from, now);
  }

  /**
   * {@link RtpSession.handleRtp}, later: the datagram (copied; `data` is not kept) is processed at
   * the start of the next {@link RtpSession.handleTimeout}, or before any other input, with `now`
   * as its arrival time — as if handleRtp had been called then. What it changes (the jitter buffer,
   * the statistics, the latch, its events) is the same, only seen up to one ptime later, before
   * the frame of that tick is played out. A driver that ticks every session each ptime anyway
   * works on each session's state once per tick this way instead of once per datagram and once
   * per tick.
   */
  deferRtp(data: Uint8Array, from: MediaAddress, now: number): void {
    if (this.#state === "closed") return;
    if (this.#deferred >= MAX_DEFERRED) this.#takeDeferred();
    const i = this.#deferred++;
    this.#deferredData[i] = packetCopy(data, 0, data.length);
    this.#deferredFrom[i] = from;
    this.#deferredAt[i] = now;
  }

  // The deferred datagrams, in arrival order, each with its arrival time. Taken at the next tick
  // whatever its deadline: one that arrived after the deadline, before the tick ran (a timer a
  // little late), goes first, as it would have through handleRtp.
  #takeDeferred(): void {
    const n = this.#deferred;
    const data = this.#deferredData;
    const from = this.#deferredFrom;
    const at = this.#deferredAt;
    this.#deferred = 0;
    for (let i = 0; i < n; i++) {
      const d = data[i]!;
      const f = from[i]!;
      data[i] = undefined;
      from[i] = undefined;
      if (this.#state === "open") this.#input.rtp(d, f, at[i]!, true);
    }
  }

  /** A datagram that arrived on our RTCP port (without rtcp-mux) from `from` at `now`. */
  handleRtcp(data: Uint8Array, from: MediaAddress, now: number): void {
    if (this.#state === "closed") return;
    if (this.#deferred > 0) this.#takeDeferred();
    this.#input.rtcp(data, from, now);
  }

  // An RTP packet past the gate (source, SRTP, header): to the receiver, if we take media now.
  #receiveRtp(h: RtpHeaderReader, data: Uint8Array, from: MediaAddress, now: number, owned: boolean): boolean {
    if (h.ssrc === this.#rtcp.reporter.ssrc) {
      this.#collision(from, now);
      return false;
    }
    if (!canReceive(this.#stream.direction)) {
      this.#counters.unexpectedDirection++;
      return false;
    }
    // The payload outlives the call in the jitter buffer: a copy of it, unless the datagram is
    // already the session's own copy (deferRtp).
    const hl = h.headerLength;
    const end = hl + h.payloadLength;
    if (!this.#receiver.receive(h, owned ? data.subarray(hl, end) : packetCopy(data, hl, end), now)) return false;
    this.#counters.rtpReceived++;
    this.#rtcp.reporter.remoteSeen(true);
    const resumed = this.#timeout.received(now);
    if (resumed) this.#emit(resumed);
    return true;
  }

  /**
   * Queues 16-bit PCM (mono, at {@link RtpSession.sampleRate}) to send; returns how many samples
   * were taken — the rest did not fit in the send queue (`sendQueueMs`), write it later. Nothing is
   * taken when the stream has no codec to send with.
   */
  writeAudio(samples: Int16Array): number {
    if (this.#state === "closed" || !this.#sender) return 0;
    return this.#sender.write(samples);
  }

  /**
   * Queues DTMF digits (`0`-`9`, `*`, `#`, `A`-`D`) as RFC 4733 events. Returns false — and queues
   * nothing — when telephone-event was not negotiated at the audio's clock rate, a digit is not
   * one the peer accepts, or too many are waiting: send them with SIP INFO instead.
   */
  sendDtmf(digits: string, options: { readonly durationMs?: number; readonly volume?: number } = {}): boolean {
    if (this.#state === "closed" || !this.#sender) return false;
    const durationMs = options.durationMs ?? 100;
    const volume = options.volume ?? 10;
    if (!(durationMs >= 40 && durationMs <= 8000) || !(Number.isInteger(volume) && volume >= 0 && volume <= 63)) {
      throw new MediaError("BAD_OPTION", "sendDtmf: durationMs must be 40..8000 and volume 0..63");
    }
    const events = [...digits].map(dtmfEventCode);
    if (events.length === 0 || events.some((e) => e < 0)) return false;
    return this.#sender.queueDtmf(events.map((event) => ({ event, durationMs, volume })));
  }

  /** The media clock, RTCP, RTP timeout and key expiry at `now`. */
  handleTimeout(now: number): void {
    if (this.#state === "closed") return;
    if (this.#deferred > 0) this.#takeDeferred();
    while (now >= this.#nextTick) {
      const behind = Math.floor((now - this.#nextTick) / this.#ptime);
      if (behind > MAX_CATCHUP) {
        // The driver stalled: those frames are not sent late; the timeline jumps (marker set).
        const skip = behind - MAX_CATCHUP;
        this.#sender?.skip(skip);
        this.#nextTick += skip * this.#ptime;
        this.#counters.lateTicks += skip;
      }
      this.#tick(this.#nextTick);
      this.#nextTick += this.#ptime;
    }
    this.#rtcp.handleTimeout(now);
    const silent = this.#timeout.check(now);
    if (silent) this.#emit(silent);
    this.#keying.handleTimeout(now);
  }

  #tick(t: number): void {
    const frame = this.#receiver.tick(t, this.#receiveAudio);
    if (frame && this.#receiveAudio) this.#audio.push(frame);
    this.#sender?.tick(t, canSend(this.#stream.direction));
  }

  /**
   * A renegotiation (re-INVITE, UPDATE): new codec, ptime, direction (hold: RFC 3264 §8.4), peer
   * address, or SDES keys (RFC 4568 §7.1.4). A stream now rejected (port 0) closes the session.
   */
  update(stream: NegotiatedStream, now: number): void {
    if (this.#state === "closed") return;
    // What arrived before the renegotiation is taken under the old one.
    if (this.#deferred > 0) this.#takeDeferred();
    if (!stream.accepted) {
      this.close(now);
      return;
    }
    const old = this.#plan;
    const plan = planStream(stream, this.#codecs, this.#options);
    this.#stream = stream;
    this.#plan = plan;
    const change = this.#keying.apply(stream.crypto, now);
    if (change === "rekeyed") this.#counters.rekeys++;
    if (!sameAddress(old.rtp, plan.rtp)) this.#input.rtpLatch.reset(plan.rtp);
    if (!sameAddress(old.rtcp, plan.rtcp)) this.#input.rtcpLatch.reset(plan.rtcp);
    this.#input.rtcpMux = stream.rtcpMux;
    this.#receiver.configure(plan.receive);
    this.#ptime = plan.ptimeMs;
    if (!sameSendPlan(old.send, plan.send)) this.#resend(old.send, plan.send, now);
    if (this.#sender) this.#sender.overhead = this.#keying.rtpOverhead;
    this.#timeout.expect(canReceive(stream.direction), now);
  }

  // A new send format. RFC 7160 §4.1: a sender "MUST use a different SSRC for each different clock
  // rate", so a clock-rate change starts a new source (after a BYE for the old one).
  #resend(old: SendPlan | undefined, plan: SendPlan | undefined, now: number): void {
    if (plan === undefined) {
      this.#sender?.format.encoder.close?.();
      this.#sender = undefined;
      return;
    }
    const sender = this.#sender;
    if (sender === undefined) {
      this.#sender = this.#makeSender(plan, this.#rtcp.reporter.ssrc);
      return;
    }
    sender.format.encoder.close?.();
    sender.setFormat(sendFormat(plan), plan.sampleRate);
    if (old !== undefined && old.codec.clockRate !== plan.codec.clockRate) this.#newSsrc(now, "clock rate change");
  }

  // Leaves our SSRC for a new random one: a BYE for the old one when it was in use (RFC 3550 §6.6,
  // §8.2), a new sequence number and timestamp for the new one (§5.1).
  #newSsrc(now: number, reason: string): void {
    if ((this.#sender?.packetsSent ?? 0) > 0 || this.#rtcp.reporter.sent > 0) this.#rtcp.report(now, { reason });
    const r = this.#randomBytes(10);
    this.#rtcp.reporter.ssrc = u32(r);
    this.#sender?.restart(u32(r), (r[4]! << 8) | r[5]!, u32(r.subarray(6)));
  }

  /*
   * RFC 3550 §8.2: a packet of the peer carries our SSRC. When its source address is one that
   * collided with us before, our own packets are coming back (a loop): "abort processing of the
   * data packet or control element". Otherwise the identifiers collided: "send an RTCP BYE packet
   * for the old identifier and choose another random one". The list of conflicting addresses is
   * bounded (the oldest forgotten first), where §8.2 times entries out.
   */
  #collision(from: MediaAddress, now: number): void {
    const key = `${normalizeHost(from.host)} ${from.port}`;
    if (this.#conflicts.includes(key)) {
      this.#counters.ssrcLoops++;
      return;
    }
    if (this.#conflicts.length >= MAX_CONFLICTS) this.#conflicts.shift();
    this.#conflicts.push(key);
    this.#counters.ssrcCollisions++;
    this.#newSsrc(now, "SSRC collision");
  }

  /**
   * Leaves the session: an RTCP BYE (RFC 3550 §6.6; only when we sent RTP or RTCP, §6.3.7) is
   * queued, the final quality is reported (`closed` event), codecs and keys are freed. Further
   * input is ignored; the BYE is still there for `pollTransmit`.
   */
  close(now: number, reason?: string): void {
    if (this.#state === "closed") return;
    if (this.#deferred > 0) this.#takeDeferred();
    if ((this.#sender?.packetsSent ?? 0) > 0 || this.#rtcp.reporter.sent > 0) this.#rtcp.report(now, reason === undefined ? {} : { reason });
    this.#state = "closed";
    this.#emit({ type: "closed", quality: this.quality });
    this.#sender?.format.encoder.close?.();
    this.#receiver.close();
    this.#keying.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Outputs.

  /** The next datagram to send, if any. */
  pollTransmit(): MediaTransmit | undefined {
    return this.#transmits.shift();
  }

  /** The next event, if any. */
  pollEvent(): RtpSessionEvent | undefined {
    return this.#events.shift();
  }

  /** The next received PCM frame (one per ptime while the session runs), if any. */
  pollAudio(): PcmFrame | undefined {
    return this.#audio.shift();
  }

  /** When {@link RtpSession.handleTimeout} is next due (the next media-clock tick at the latest). */
  pollTimeout(): number | undefined {
    if (this.#state === "closed") return undefined;
    let t = Math.min(this.#nextTick, this.#rtcp.reporter.deadline);
    const rtp = this.#timeout.deadline;
    if (rtp !== undefined) t = Math.min(t, rtp);
    const k = this.#keying.pollTimeout();
    if (k !== undefined) t = Math.min(t, k);
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals.

  #emit(e: RtpSessionEvent): void {
    this.#events.push(e);
  }

  #sendRtp(packet: Uint8Array, length: number): void {
    let n = length;
    if (this.#keying.active) {
      const r = this.#keying.protectRtp(packet, length);
      if (typeof r !== "number") {
        this.#counters.srtpFailed++;
        return;
      }
      n = r;
    }
    this.#transmits.push({ data: n === packet.length ? packet : packet.subarray(0, n), to: this.#input.rtpLatch.target, rtcp: false });
    this.#counters.rtpSent++;
    this.#rtcp.reporter.rtpSent();
  }

  // Protects and queues one of our compounds; its length, or undefined when SRTCP refused it.
  #sendRtcp(buf: Uint8Array, size: number): number | undefined {
    let n = size;
    if (this.#keying.active) {
      const r = this.#keying.protectRtcp(buf, size);
      if (typeof r !== "number") {
        this.#counters.srtpFailed++;
        return undefined;
      }
      n = r;
    }
    this.#transmits.push({ data: buf.subarray(0, n), to: this.remoteRtcpAddress, rtcp: true });
    this.#counters.rtcpSent++;
    return n;
  }
}

/**
 * Creates the RTP session of one negotiated m= line (see {@link RtpSession}).
 * @throws MediaError `BAD_OPTION` when the stream was rejected or has no codec we have a plug for.
 */
export function createRtpSession(options: RtpSessionOptions): RtpSession {
  return new RtpSession(options);
}
