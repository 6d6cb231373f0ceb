import { dtmfEventCode } from "../codec/index.ts";
import { isVoipMetricsBlock, rtcpCompoundSize, tryParseRtcpCompound, writeRtcpCompound } from "../rtcp/index.ts";
import type { ReportBlock, RtcpPacket } from "../rtcp/index.ts";
import { classifyMediaPacket, RtpHeaderReader } from "../rtp/index.ts";
import { canReceive, canSend, encodeBase64 } from "../sdp/index.ts";
import type { NegotiatedStream } from "../sdp/index.ts";
import { DEFAULT_AUDIO_CODECS } from "./audio-codec.ts";
import type { AudioCodec } from "./audio-codec.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import { callQuality, voipMetricsBlock } from "./call-quality.ts";
import type { CallQuality, RemoteReception } from "./call-quality.ts";
import { MediaError } from "./errors.ts";
import { AddressLatch, sameAddress } from "./latching.ts";
import type { MediaAddress } from "./latching.ts";
import type { PcmFrame } from "./pcm-stream.ts";
import { ntpMiddle32, RtcpReporter } from "./rtcp-reporter.ts";
import type { ReportParts } from "./rtcp-reporter.ts";
import { RtpReceiver } from "./rtp-receiver.ts";
import type { ReceiverEvent } from "./rtp-receiver.ts";
import { RtpSender } from "./rtp-sender.ts";
import type { SendFormat } from "./rtp-sender.ts";
import type { MediaTransmit, RtpSessionCounters, RtpSessionEvent, RtpSessionOptions } from "./rtp-session-types.ts";
import { SrtpKeying } from "./srtp-keying.ts";
import type { SrtpOutcome } from "./srtp-keying.ts";
import { planStream, sameSendPlan } from "./stream-config.ts";
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

/** Catch-up limit: ticks sent late at once before the rest are skipped. */
const MAX_CATCHUP = 10;

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
  readonly #reporter: RtcpReporter;
  readonly #keying: SrtpKeying;
  readonly #rtpLatch: AddressLatch;
  readonly #rtcpLatch: AddressLatch;
  readonly #reader = new RtpHeaderReader();
  readonly #transmits = new BoundedQueue<MediaTransmit>(1024);
  readonly #events = new BoundedQueue<RtpSessionEvent>(256);
  readonly #audio: BoundedQueue<PcmFrame>;
  readonly #receiveAudio: boolean;
  readonly #timeoutMs: number;
  readonly #maxPacket: number;
  #ptime: number;
  #nextTick: number;
  #lastRtpAt: number;
  #timedOut = false;
  #rttMs: number | undefined;
  #remote: RemoteReception | undefined;
  readonly #counters: RtpSessionCounters = {
    rtpSent: 0, rtcpSent: 0, rtpReceived: 0, rtcpReceived: 0, unexpectedSource: 0, notRtp: 0, malformed: 0,
    oversized: 0, unknownPayloadType: 0, wrongSsrc: 0, authFailed: 0, replayed: 0, srtpFailed: 0, rtcpMalformed: 0,
    unexpectedDirection: 0, ssrcChanges: 0, timestampJumps: 0, codecChanges: 0, rekeys: 0, lateTicks: 0,
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
    this.#timeoutMs = o.rtpTimeoutMs ?? 30_000;
    this.#maxPacket = o.maxPacketSize ?? 1500;
    this.#ptime = this.#plan.ptimeMs;
    this.#nextTick = o.now;
    this.#lastRtpAt = o.now;
    const latching = o.latching ?? true;
    this.#rtpLatch = new AddressLatch(this.#plan.rtp, latching);
    this.#rtcpLatch = new AddressLatch(this.#plan.rtcp, latching);
    this.#keying = new SrtpKeying(o.crypto, o.rekeyGraceMs ?? 5000);
    this.#keying.apply(stream.crypto, o.now);
    const ssrc = o.ssrc ?? u32(this.#randomBytes(4));
    this.#reporter = new RtcpReporter({
      ssrc,
      cname: o.cname ?? encodeBase64(this.#randomBytes(12)),
      rtcpBandwidth: o.rtcpBandwidth ?? 500,
      minInterval: o.rtcpMinInterval ?? 5,
      clockOffsetMs: o.clockOffsetMs ?? 0,
      random: o.random ?? Math.random,
      now: o.now,
    });
    this.#receiver = new RtpReceiver(this.#plan.receive, (e) => this.#onReceiverEvent(e));
    this.#sender = this.#makeSender(this.#plan.send, ssrc);
  }

  #makeSender(plan: SendPlan | undefined, ssrc: number): RtpSender | undefined {
    if (!plan) return undefined;
    const r = this.#randomBytes(6);
    const sender = new RtpSender(this.#sendFormat(plan), {
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

  #sendFormat(plan: SendPlan): SendFormat {
    const encoder = plan.codec.createEncoder({ ptimeMs: plan.ptimeMs, sampleRate: plan.sampleRate, fmtp: plan.negotiated.fmtp });
    return {
      encoder,
      payloadType: plan.negotiated.sendPayloadType,
      clockRate: plan.codec.clockRate,
      frameTimestamp: Math.round((plan.codec.clockRate * plan.ptimeMs) / 1000),
      ptimeMs: plan.ptimeMs,
      telephoneEvent: plan.telephoneEvent,
      comfortNoisePayloadType: plan.comfortNoisePayloadType,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // What the session is.

  get state(): RtpSessionState {
    return this.#state;
  }

  /** Our SSRC. */
  get ssrc(): number {
    return this.#reporter.ssrc;
  }

  /** Our RTCP CNAME. */
  get cname(): string {
    return this.#reporter.cname;
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
    return this.#rtpLatch.target;
  }

  /** Where RTCP goes. */
  get remoteRtcpAddress(): MediaAddress {
    return this.#stream.rtcpMux ? this.#rtpLatch.target : this.#rtcpLatch.target;
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
    const c = this.#counters;
    const r = this.#receiver.counters;
    return {
      ...c,
      unknownPayloadType: r.unknownPayloadType,
      wrongSsrc: r.wrongSsrc,
      ssrcChanges: r.ssrcChanges,
      timestampJumps: r.timestampJumps,
      codecChanges: r.codecChanges,
      audioDropped: this.#audio.dropped,
      eventsDropped: this.#events.dropped,
    };
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
      rttMs: this.#rttMs,
      remote: this.#remote,
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
    if (data.length > this.#maxPacket) {
      this.#counters.oversized++;
      return;
    }
    const kind = classifyMediaPacket(data);
    if (kind === "rtcp") {
      if (this.#stream.rtcpMux) this.#receiveRtcp(data, from, now, this.#rtpLatch);
      else this.#counters.notRtp++;
      return;
    }
    if (kind !== "rtp") {
      this.#counters.notRtp++;
      return;
    }
    const latch = this.#rtpLatch;
    const verdict = latch.check(from);
    if (verdict === "unexpected") {
      this.#counters.unexpectedSource++;
      return;
    }
    let length = data.length;
    if (this.#keying.active) {
      const r = this.#keying.unprotectRtp(data, length, now);
      if (typeof r !== "number") return this.#srtpRefused(r);
      length = r;
    }
    const h = this.#reader;
    const hl = h.read(data, 0, length);
    if (hl < 0) {
      this.#counters.malformed++;
      return;
    }
    if (!canReceive(this.#stream.direction)) {
      this.#counters.unexpectedDirection++;
      return;
    }
    // The payload outlives the call in the jitter buffer: a copy of it.
    if (!this.#receiver.receive(h, data.slice(hl, hl + h.payloadLength), now)) return;
    this.#counters.rtpReceived++;
    this.#reporter.remoteSeen(true);
    this.#latch(latch, from, false);
    if (this.#timedOut) {
      this.#timedOut = false;
      this.#emit({ type: "rtp-resumed", silentMs: now - this.#lastRtpAt });
    }
    this.#lastRtpAt = now;
  }

  /** A datagram that arrived on our RTCP port (without rtcp-mux) from `from` at `now`. */
  handleRtcp(data: Uint8Array, from: MediaAddress, now: number): void {
    if (this.#state === "closed") return;
    if (data.length > this.#maxPacket) {
      this.#counters.oversized++;
      return;
    }
    if (this.#stream.rtcpMux || classifyMediaPacket(data) !== "rtcp") {
      this.#counters.notRtp++;
      return;
    }
    this.#receiveRtcp(data, from, now, this.#rtcpLatch);
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
    if (now >= this.#reporter.deadline && this.#reporter.expire(now)) this.#report(now, undefined);
    const deadline = this.#rtpDeadline();
    if (deadline !== undefined && now >= deadline) {
      this.#timedOut = true;
      this.#emit({ type: "rtp-timeout", silentMs: now - this.#lastRtpAt });
    }
    this.#keying.handleTimeout(now);
  }

  #tick(t: number): void {
    const frame = this.#receiver.tick(t, this.#receiveAudio);
    if (frame && this.#receiveAudio) this.#audio.push(frame);
    this.#sender?.tick(t, canSend(this.#stream.direction));
  }

  #rtpDeadline(): number | undefined {
    if (this.#timeoutMs <= 0 || this.#timedOut || !canReceive(this.#stream.direction)) return undefined;
    return this.#lastRtpAt + this.#timeoutMs;
  }

  /**
   * A renegotiation (re-INVITE, UPDATE): new codec, ptime, direction (hold: RFC 3264 §8.4), peer
   * address, or SDES keys (RFC 4568 §7.1.4). A stream now rejected (port 0) closes the session.
   */
  update(stream: NegotiatedStream, now: number): void {
    if (this.#state === "closed") return;
    if (!stream.accepted) {
      this.close(now);
      return;
    }
    const old = this.#plan;
    const plan = planStream(stream, this.#codecs, this.#options);
    const wasReceiving = canReceive(this.#stream.direction);
    this.#stream = stream;
    this.#plan = plan;
    const change = this.#keying.apply(stream.crypto, now);
    if (change === "rekeyed") this.#counters.rekeys++;
    if (!sameAddress(old.rtp, plan.rtp)) this.#rtpLatch.reset(plan.rtp);
    if (!sameAddress(old.rtcp, plan.rtcp)) this.#rtcpLatch.reset(plan.rtcp);
    this.#receiver.configure(plan.receive);
    this.#ptime = plan.ptimeMs;
    if (!sameSendPlan(old.send, plan.send)) this.#resend(old.send, plan.send, now);
    if (this.#sender) this.#sender.overhead = this.#keying.rtpOverhead;
    if (!wasReceiving && canReceive(stream.direction)) {
      this.#lastRtpAt = now;
      this.#timedOut = false;
    }
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
      this.#sender = this.#makeSender(plan, this.#reporter.ssrc);
      return;
    }
    sender.format.encoder.close?.();
    sender.setFormat(this.#sendFormat(plan), plan.sampleRate);
    if (old !== undefined && old.codec.clockRate !== plan.codec.clockRate) {
      if (sender.packetsSent > 0) this.#report(now, { reason: "clock rate change" });
      const r = this.#randomBytes(10);
      this.#reporter.ssrc = u32(r);
      sender.restart(u32(r), (r[4]! << 8) | r[5]!, u32(r.subarray(6)));
    }
  }

  /**
   * Leaves the session: an RTCP BYE (RFC 3550 §6.6; only when we sent RTP or RTCP, §6.3.7) is
   * queued, the final quality is reported (`closed` event), codecs and keys are freed. Further
   * input is ignored; the BYE is still there for `pollTransmit`.
   */
  close(now: number, reason?: string): void {
    if (this.#state === "closed") return;
    if ((this.#sender?.packetsSent ?? 0) > 0 || this.#reporter.sent > 0) this.#report(now, reason === undefined ? {} : { reason });
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
    let t = Math.min(this.#nextTick, this.#reporter.deadline);
    const rtp = this.#rtpDeadline();
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

  #onReceiverEvent(e: ReceiverEvent): void {
    this.#emit(e);
  }

  #srtpRefused(r: SrtpOutcome): void {
    if (r === "AUTH_FAILED") this.#counters.authFailed++;
    else if (r === "REPLAY") this.#counters.replayed++;
    else this.#counters.srtpFailed++;
  }

  // A packet from `from` proved itself (parsed, authenticated, accepted): close the latch on it.
  #latch(latch: AddressLatch, from: MediaAddress, rtcp: boolean): void {
    if (latch.state === "latched") return;
    if (latch.latch(from)) this.#emit({ type: "source-latched", address: latch.target, rtcp });
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
    this.#transmits.push({ data: packet.subarray(0, n), to: this.#rtpLatch.target, rtcp: false });
    this.#counters.rtpSent++;
    this.#reporter.rtpSent();
  }

  #receiveRtcp(data: Uint8Array, from: MediaAddress, now: number, latch: AddressLatch): void {
    if (latch.check(from) === "unexpected") {
      this.#counters.unexpectedSource++;
      return;
    }
    let length = data.length;
    if (this.#keying.active) {
      const r = this.#keying.unprotectRtcp(data, length, now);
      if (typeof r !== "number") return this.#srtpRefused(r);
      length = r;
    }
    const parsed = tryParseRtcpCompound(data, 0, length);
    if (!parsed.ok) {
      this.#counters.rtcpMalformed++;
      return;
    }
    this.#counters.rtcpReceived++;
    this.#reporter.received(length);
    this.#reporter.remoteSeen(false);
    this.#latch(latch, from, latch === this.#rtcpLatch && !this.#stream.rtcpMux);
    let aboutUs = false;
    for (const p of parsed.value) aboutUs = this.#rtcpPacket(p, now) || aboutUs;
    if (aboutUs) this.#emit({ type: "quality", quality: this.quality });
  }

  // One packet of a received compound; true when it reported on our stream.
  #rtcpPacket(p: RtcpPacket, now: number): boolean {
    const src = this.#receiver.source;
    switch (p.type) {
      case "sr":
        // RFC 3550 §6.4.1: LSR is the middle 32 bits of the SR's NTP timestamp.
        if (src && p.ssrc === src.ssrc) src.stats.onSenderReport(ntpMiddle32({ seconds: p.ntpSeconds, fraction: p.ntpFraction }), now);
        return this.#reportsAboutUs(p.reports, now);
      case "rr":
        return this.#reportsAboutUs(p.reports, now);
      case "sdes":
        for (const c of p.chunks) {
          const cname = c.items.find((i) => i.type === 1);
          if (cname && src && c.ssrc === src.ssrc) src.cname = new TextDecoder().decode(cname.value);
        }
        return false;
      case "bye":
        for (const ssrc of p.ssrcs) {
          if (this.#receiver.bye(ssrc)) {
            this.#emit({ type: "remote-bye", ssrc, reason: p.reason ? new TextDecoder().decode(p.reason) : undefined });
          }
        }
        return false;
      case "xr": {
        const m = p.blocks.find((b) => isVoipMetricsBlock(b) && b.ssrc === this.#reporter.ssrc);
        if (m === undefined || !isVoipMetricsBlock(m)) return false;
        this.#remote = { ...(this.#remote ?? { fractionLost: 0, cumulativeLost: 0, jitterMs: 0 }), voipMetrics: m };
        return true;
      }
      default:
        return false;
    }
  }

  #reportsAboutUs(blocks: readonly ReportBlock[], now: number): boolean {
    let found = false;
    for (const b of blocks) {
      if (b.ssrc !== this.#reporter.ssrc) continue;
      found = true;
      const rtt = this.#reporter.roundTrip(b, now);
      if (rtt !== undefined) this.#rttMs = rtt;
      const clock = this.#plan.send?.codec.clockRate ?? 8000;
      this.#remote = {
        fractionLost: b.fractionLost / 256,
        cumulativeLost: b.cumulativeLost,
        jitterMs: (b.jitter * 1000) / clock,
        voipMetrics: this.#remote?.voipMetrics,
      };
    }
    return found;
  }

  // Sends a compound report now (and a BYE when leaving).
  #report(now: number, bye: ReportParts["bye"]): void {
    const src = this.#receiver.source;
    const sender = this.#sender;
    const valid = src !== undefined && src.stats.valid;
    const block = valid ? src.stats.report(now) : undefined;
    const quality = this.quality;
    const parts: ReportParts = {
      sender: sender && this.#reporter.weSent
        ? { rtpTimestamp: sender.timestampAt(now), packetCount: sender.packetsSent, octetCount: sender.octetsSent }
        : undefined,
      block,
      xr: valid && (this.#options.rtcpXr ?? true) ? this.#voipMetrics(src.ssrc, quality) : undefined,
      bye,
    };
    const packets = this.#reporter.build(now, parts);
    const size = rtcpCompoundSize(packets);
    const buf = new Uint8Array(size + this.#keying.rtcpOverhead);
    writeRtcpCompound(packets, buf, 0);
    let n = size;
    if (this.#keying.active) {
      const r = this.#keying.protectRtcp(buf, size);
      if (typeof r !== "number") {
        this.#counters.srtpFailed++;
        return;
      }
      n = r;
    }
    this.#transmits.push({ data: buf.subarray(0, n), to: this.remoteRtcpAddress, rtcp: true });
    this.#counters.rtcpSent++;
    this.#reporter.reported(n, now);
    if (!bye) this.#emit({ type: "quality", quality });
  }

  #voipMetrics(ssrc: number, quality: CallQuality): ReturnType<typeof voipMetricsBlock> {
    const playout = this.#receiver.source?.playout;
    const stats = playout?.buffer.stats;
    const codec = this.#receiver.source?.format?.codec;
    return voipMetricsBlock({
      ssrc,
      quality,
      endSystemDelayMs: this.#ptime + (codec?.delayMs ?? 0) + (stats?.currentDelayMs ?? 0),
      concealment: codec?.concealment,
      jbNominalMs: stats?.targetDelayMs ?? 0,
      jbMaximumMs: stats?.currentDelayMs ?? 0,
      jbAbsMaxMs: this.#options.jitterBuffer?.maxDelayMs ?? 300,
    });
  }
}

/**
 * Creates the RTP session of one negotiated m= line (see {@link RtpSession}).
 * @throws MediaError `BAD_OPTION` when the stream was rejected or has no codec we have a plug for.
 */
export function createRtpSession(options: RtpSessionOptions): RtpSession {
  return new RtpSession(options);
}
