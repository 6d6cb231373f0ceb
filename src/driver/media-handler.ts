import { DTMF_RELAY_CONTENT_TYPE, formatDtmfInfo, MediaError, PcmQueue, tryParseDtmfInfo } from "../media/index.ts";
import { DEFAULT_AUDIO_CODECS, findAudioCodec, warmUpAudioCodecs } from "../media/index.ts";
import type { AudioCodec, CallQuality, MediaAddress, PcmFrame, RtpSession, RtpSessionEvent, RtpSessionOptions } from "../media/index.ts";
import { createSdpNegotiator, tryParseSdp } from "../sdp/index.ts";
import type { NegotiatedStream, SdpCodec, SdpMediaCapabilities, SdpNegotiator, SdpSrtpOptions } from "../sdp/index.ts";
import type { MediaContext, MediaFailure, MediaHandler, MediaHandlerFactory, OfferOptions, SessionBody } from "../session/index.ts";
import type { MediaDriver, RunningStream } from "./media-driver.ts";
import type { PortPair } from "./media-ports.ts";

/**
 * The session layer's media handler for RTP audio: SDP offer/answer through src/sdp's negotiator
 * with our codec plugs, a port pair taken from the driver's pool when the handler is made (so an
 * INVITE is answered at once), and an RTP session started when an exchange completes — on the
 * answer we send or receive, early media included — updated by every later one (re-INVITE or
 * UPDATE: hold, codec change, new address, new keys) and stopped on BYE. DTMF goes as RFC 4733
 * events when telephone-event was negotiated, else as SIP INFO `application/dtmf-relay` through
 * {@link RtpMediaHandler.sendInfo}; INFO DTMF received is given to {@link RtpMediaHandler.handleInfo}.
 *
 * Not handled: the extra sessions of a forked INVITE kept with `forking: "all"` (their handler made
 * no offer, so the answer they receive is refused and the session core ends them), and media other
 * than one audio stream (further m= lines are answered with port 0).
 */

/** Options of the RTP media handlers a driver makes. */
export interface RtpMediaOptions {
  /** Codec plugs to offer and accept, in our order of preference. Default the driver's. */
  readonly codecs?: readonly AudioCodec[];
  /**
   * SDES-SRTP (RFC 4568). Default `{}`: answer RTP/SAVP offers with SRTP and plain offers plainly,
   * offer RTP/AVP with crypto lines. `{ mandatory: true }`: RTP/SAVP only. `false`: no SRTP.
   */
  readonly srtp?: SdpSrtpOptions | false;
  /** RFC 4733 telephone-event. Default true. */
  readonly telephoneEvent?: boolean;
  /** a=ptime to ask for, ms. */
  readonly ptime?: number;
  /** Offer and accept rtcp-mux (RFC 5761). Default true. */
  readonly rtcpMux?: boolean;
  /**
   * Whose order of preference an answer lists the common codecs in (RFC 3264 §6.1 lets the
   * answerer choose): `ours` (default), or `offer` — the peer's, so that both ends send its first
   * choice (an echo service answering with the codec the caller offered).
   */
  readonly codecOrder?: "ours" | "offer";
  /**
   * Start the RTP session with the peer's first datagram on our ports instead of when the
   * exchange completes. Default false. For a service that only sends back what it hears (an echo):
   * a peer that never sends media costs no session, no media clock and no packets (nor an RTP
   * timeout or a `closed` event), and one that does has its session from its first packet on, that
   * packet included. Nothing is sent before it, so it does not suit a peer that waits to hear first.
   */
  readonly startOnFirstPacket?: boolean;
  /** Options of the RTP session (latching, RTP timeout, jitter buffer, sample rate…). */
  readonly session?: Omit<Partial<RtpSessionOptions>, "stream" | "now" | "crypto" | "codecs">;
}

/** DTMF received by SIP INFO (`application/dtmf-relay`). */
export interface InfoDtmfEvent {
  readonly type: "info-dtmf";
  readonly digit: string;
  readonly durationMs: number | undefined;
}

/** What {@link RtpMediaHandler.onEvent} gets. */
export type RtpMediaEvent = RtpSessionEvent | InfoDtmfEvent;

function sdpCodec(c: AudioCodec): SdpCodec {
  return {
    name: c.name,
    clockRate: c.clockRate,
    ...(c.channels !== undefined ? { channels: c.channels } : {}),
    ...(c.payloadType !== undefined ? { payloadType: c.payloadType } : {}),
    ...(c.fmtp !== undefined ? { fmtp: c.fmtp } : {}),
  };
}

/** The SDP form of each list of codec plugs, made once per list (every call offers the same few lists). */
const sdpCodecLists = new WeakMap<readonly AudioCodec[], readonly SdpCodec[]>();

function sdpCodecs(codecs: readonly AudioCodec[]): readonly SdpCodec[] {
  let list = sdpCodecLists.get(codecs);
  if (list === undefined) {
    list = codecs.map(sdpCodec);
    sdpCodecLists.set(codecs, list);
  }
  return list;
}

/** The RTP media of one session; see the module comment. */
export class RtpMediaHandler implements MediaHandler {
  readonly context: MediaContext;
  readonly #driver: MediaDriver;
  readonly #options: RtpMediaOptions;
  #codecs: readonly AudioCodec[];
  readonly #negotiator: SdpNegotiator | undefined;
  #pair: PortPair | undefined;
  #running: RunningStream | undefined;
  #closed = false;
  #queue: PcmQueue | undefined;
  /** Each played-out frame (one per ptime) as it comes: the fast path for PCM out. */
  onAudio: ((frame: PcmFrame) => void) | undefined;
  /** The stream's events, and DTMF that came by SIP INFO. */
  onEvent: ((event: RtpMediaEvent) => void) | undefined;
  /** Sends a SIP INFO in the session's dialog: DTMF goes this way when telephone-event is not negotiated. */
  sendInfo: ((body: SessionBody) => void) | undefined;
  /**
   * @internal Called after each completed exchange (the stream started, updated or removed) and
   * when the handler closes: a B2BUA anchor chooses between relaying and transcoding there.
   */
  onNegotiated: (() => void) | undefined;
  /** The stream's ports are lent to a relay: no RTP session runs on them meanwhile. */
  #lent = false;
  /** The stream waits for the peer's first datagram to start (`startOnFirstPacket`). */
  #waiting = false;
  /** The last session that ran, kept readable after it stopped. */
  #last: RtpSession | undefined;
  #applying = false;

  /** @internal Made by {@link MediaDriver.mediaHandlers}. */
  constructor(driver: MediaDriver, context: MediaContext, options: RtpMediaOptions) {
    this.#driver = driver;
    this.context = context;
    this.#options = options;
    this.#codecs = options.codecs ?? driver.codecs ?? DEFAULT_AUDIO_CODECS;
    this.#pair = driver.takePair();
    this.#negotiator = this.#pair === undefined ? undefined : createSdpNegotiator({ address: driver.advertisedHost, media: [this.#capabilities(this.#pair.port)], random: driver.randomBytes });
  }

  #capabilities(port: number, codecs: readonly AudioCodec[] = this.#codecs): SdpMediaCapabilities {
    const o = this.#options;
    const srtp = o.srtp === false ? undefined : (o.srtp ?? {});
    return {
      port,
      codecs: sdpCodecs(codecs),
      ...(o.telephoneEvent === false ? { telephoneEvent: false } : {}),
      ...(o.ptime !== undefined ? { ptime: o.ptime } : {}),
      rtcpMux: o.rtcpMux ?? true,
      ...(srtp ? { srtp } : {}),
    };
  }

  /**
   * The RTP session (after the first completed offer/answer; closed with the handler). While the
   * ports are lent to a relay, the last session that ran, stopped.
   */
  get session(): RtpSession | undefined {
    return this.#running?.session ?? this.#last;
  }

  /** @internal The port pair (for a relay the handler's ports are lent to). */
  get pair(): PortPair | undefined {
    return this.#closed ? undefined : this.#pair;
  }

  /** @internal Whether the ports are lent to a relay (no RTP session runs). */
  get lent(): boolean {
    return this.#lent;
  }

  /**
   * @internal Lends the ports to a relay (`true`): the RTP session stops (its RTCP BYE goes, RFC
   * 3550 §6.6: its SSRC leaves) and none runs until the ports come back (`false`), when a new
   * session starts on the stream in force. Exchanges meanwhile still negotiate; the relay's owner
   * follows them through {@link RtpMediaHandler.onNegotiated}.
   */
  lend(lent: boolean): void {
    if (this.#closed || lent === this.#lent) return;
    this.#lent = lent;
    if (lent) {
      // The relay takes the pair's datagrams from now on.
      this.#waiting = false;
      const running = this.#running;
      this.#running = undefined;
      if (running) {
        this.#last = running.session;
        this.#driver.stop(running, "relayed", true);
      }
      return;
    }
    // Within an exchange the stream is applied right after the owner's call.
    if (!this.#applying) this.#applyStream();
  }

  /** Our RTP port (RTCP on the next one unless muxed); undefined when no port pair was free. */
  get port(): number | undefined {
    return this.#pair?.port;
  }

  /** The negotiated audio stream, once there is one. */
  get stream(): NegotiatedStream | undefined {
    return this.#negotiator?.streams.find((s) => s.accepted && s.type === "audio");
  }

  /** Whether the peer holds us (RFC 3264 §8.4). */
  get remoteHold(): boolean | undefined {
    return this.#negotiator?.remoteHold;
  }

  /** The call's quality now (after close: the final figures). */
  get quality(): CallQuality | undefined {
    return this.session?.quality;
  }

  /**
   * The codecs to offer and accept from the next exchange on (a re-INVITE then changes the codec,
   * RFC 3264 §8.3.2).
   */
  setCodecs(codecs: readonly AudioCodec[]): void {
    this.#codecs = codecs;
    if (this.#pair && this.#negotiator) this.#negotiator.setMedia([this.#capabilities(this.#pair.port)]);
  }

  // ------------------------------------------------------------------------------------------ MediaHandler

  /** An offer (initial or re-offer, RFC 3264 §5, §8) from our codecs and port. */
  createOffer(options: OfferOptions): SessionBody {
    const n = this.#usable();
    if (n === undefined) throw new MediaError(this.#closed ? "BAD_OPTION" : "NO_RESOURCES", this.#closed ? "RTP media: the handler is closed" : "RTP media: no media port pair is free");
    // The codecs' first frames in this process are slow (Wasm compiled, code optimized): paid
    // now, while the peer considers the offer, they make no tick of the media clock late.
    if (this.#running === undefined) warmUpAudioCodecs(this.#codecs);
    return n.createOffer({ ...(options.direction ? { direction: options.direction } : {}), ...(options.restart ? { restart: true } : {}) });
  }

  /** Answers the peer's offer and (re)starts the stream; a refusal leaves everything as it was. */
  receiveOffer(offer: SessionBody): SessionBody | MediaFailure {
    const n = this.#usable();
    // RFC 3261 §21.5.4: no media resources now, try later.
    if (n === undefined) return { ok: false, status: 503, reason: "no media port pair is free" };
    if (this.#options.codecOrder === "offer") n.setMedia([this.#capabilities(this.#pair!.port, offerOrder(offer, this.#codecs))]);
    const r = n.receiveOffer(offer);
    if ("ok" in r) return r;
    // Before the session's clock starts: the first frames of the codec find it warm. Only the
    // codecs this answer chose: warming one the call will not use (libopus is compiled on first
    // use) would hold the event loop for nothing.
    if (this.#running === undefined) warmUpAudioCodecs(chosenCodecs(this.stream, this.#codecs));
    this.#apply();
    return r;
  }

  /** Applies the answer to our offer and (re)starts the stream. */
  receiveAnswer(answer: SessionBody): true | MediaFailure {
    const n = this.#usable();
    if (n === undefined) return { ok: false, reason: "RTP media is closed" };
    const r = n.receiveAnswer(answer);
    if (r !== true) return r;
    this.#apply();
    return true;
  }

  /** Our offer failed: the negotiation goes back; the stream never changed. */
  rollback(): void {
    this.#negotiator?.rollback();
  }

  /** The session ended (BYE, CANCEL, failure): RTCP BYE, ports released, PCM readers finished. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#negotiator?.close();
    // The session stays readable (final quality, counters) after it stopped.
    if (this.#running) this.#driver.stop(this.#running);
    // Lent ports: the relay's owner stops it (on the call below) before they go back to the pool.
    // Ports the peer was told of cool as a stream's do: its first packets may be on their way.
    else if (this.#pair && (this.#lent || this.#waiting)) this.#driver.releaseLater(this.#pair);
    else if (this.#pair) this.#driver.pool.release(this.#pair);
    this.#queue?.close();
    this.onNegotiated?.();
  }

  #usable(): SdpNegotiator | undefined {
    return this.#closed ? undefined : this.#negotiator;
  }

  // Starts, updates or stops the RTP session after a completed exchange.
  // The owner hears of the exchange first, so that a stream it relays never starts a session.
  #apply(): void {
    this.#applying = true;
    try {
      this.onNegotiated?.();
    } finally {
      this.#applying = false;
    }
    this.#applyStream();
  }

  #applyStream(): void {
    if (this.#lent) return;
    const stream = this.stream;
    const running = this.#running;
    if (stream === undefined) {
      if (running) this.#driver.stop(running, "stream removed");
      this.#running = undefined;
      return;
    }
    if (running === undefined) {
      this.#last = undefined;
      if (this.#options.startOnFirstPacket) this.#awaitFirstPacket(this.#pair!);
      else this.#running = this.#start(this.#pair!, stream);
      return;
    }
    running.session.update(stream, this.#driver.runtime.now());
    this.#driver.flush(running);
  }

  #start(pair: PortPair, stream: NegotiatedStream): RunningStream {
    return this.#driver.start(pair, stream, {
      audio: (f) => this.#audioOut(f),
      event: (e) => this.onEvent?.(e),
    }, this.#options.session ?? {});
  }

  // The pair's datagrams come here until the first: it starts the session on the stream then in
  // force (the driver's sink takes over the pair) and is handed to it.
  #awaitFirstPacket(pair: PortPair): void {
    if (this.#waiting) return;
    this.#waiting = true;
    const first = (data: Uint8Array, from: MediaAddress, rtcp: boolean) => {
      const stream = this.stream;
      // Refused since (the stream removed): dropped, as a pool's pair drops what nobody owns.
      if (!this.#waiting || stream === undefined) return;
      this.#waiting = false;
      this.#running = this.#start(pair, stream);
      const sink = pair.sink!;
      if (rtcp) sink.rtcp(data, from);
      else sink.rtp(data, from);
    };
    pair.sink = { rtp: (data, from) => first(data, from, false), rtcp: (data, from) => first(data, from, true) };
  }

  #audioOut(frame: PcmFrame): void {
    this.onAudio?.(frame);
    this.#queue?.push(frame);
  }

  // ------------------------------------------------------------------------------------------ audio

  /**
   * The received audio as an async iterable of frames (one per ptime; the oldest dropped when the
   * reader falls `capacity` frames behind). One reader at a time; it ends when the call does. A
   * reader that stopped (a `break` out of `for await`) ended its stream: the next call starts a new
   * one, with the frames from then on (early media read, then the answered call's audio).
   */
  audio(capacity = 50): AsyncIterable<PcmFrame> {
    if (this.#queue === undefined || (this.#queue.closed && !this.#closed)) {
      this.#queue = new PcmQueue(capacity);
      // Asked after the session ended: a stream that ends at once rather than one that never does.
      if (this.#closed) this.#queue.close();
    }
    return this.#queue;
  }

  /** Queues PCM to send (mono, at the session's sample rate); returns the samples taken. */
  writeAudio(samples: Int16Array): number {
    return this.#running?.session.writeAudio(samples) ?? 0;
  }

  /**
   * Sends `source`'s frames as they are taken (waiting while the send queue is full); resolves
   * once the last of them has been sent, or when the call ends.
   */
  async play(source: AsyncIterable<PcmFrame> | Iterable<PcmFrame>): Promise<void> {
    const wait = (ms: number) => new Promise((r) => this.#driver.runtime.setTimer(ms, () => r(undefined)));
    for await (const f of source) {
      let rest = f.samples;
      while (rest.length > 0) {
        const s = this.#running?.session;
        if (this.#closed || s === undefined || s.state === "closed") return;
        const n = s.writeAudio(rest);
        rest = rest.subarray(n);
        if (rest.length > 0) await wait(s.ptimeMs);
      }
    }
    // The queue holds up to its capacity (2 s by default) ahead of the media clock: what was played
    // has been played when that has gone out.
    for (let s = this.#running?.session; !this.#closed && s !== undefined && s.state !== "closed" && s.queuedAudioMs > 0; s = this.#running?.session) {
      await wait(Math.min(s.ptimeMs, s.queuedAudioMs));
    }
  }

  /**
   * Sends DTMF digits: RFC 4733 events when telephone-event was negotiated, else one SIP INFO
   * (`application/dtmf-relay`) per digit through {@link RtpMediaHandler.sendInfo}. Returns how
   * they went, or false when neither way is open.
   */
  sendDtmf(digits: string, options: { readonly durationMs?: number } = {}): "rtp" | "info" | false {
    const s = this.#running?.session;
    if (s && s.sendDtmf(digits, options)) {
      this.#driver.flush(this.#running!);
      return "rtp";
    }
    const send = this.sendInfo;
    if (send === undefined || !/^[0-9*#A-Da-d]+$/.test(digits)) return false;
    for (const d of digits) send({ contentType: DTMF_RELAY_CONTENT_TYPE, body: formatDtmfInfo({ signal: d.toUpperCase(), durationMs: options.durationMs ?? 100 }) });
    return "info";
  }

  /**
   * An INFO body the session received: DTMF in `application/dtmf-relay` becomes an `info-dtmf`
   * event. Returns false for other content (the application answers it, e.g. 415).
   */
  handleInfo(body: SessionBody): boolean {
    if (body.contentType.split(";")[0]!.trim().toLowerCase() !== DTMF_RELAY_CONTENT_TYPE) return false;
    const text = typeof body.body === "string" ? body.body : new TextDecoder().decode(body.body);
    const r = tryParseDtmfInfo(text);
    if (!r.ok) return false;
    this.onEvent?.({ type: "info-dtmf", digit: r.value.signal, durationMs: r.value.durationMs });
    return true;
  }
}

/**
 * `codecs` sorted by where the offer's first audio stream lists them (those it lacks last). The
 * order depends only on that stream's format list and a=rtpmap lines, which stay the same from
 * call to call where ports, addresses and keys do not: it is worked out once per codec list and
 * such key, the same array handed out again.
 */
function offerOrder(offer: SessionBody, codecs: readonly AudioCodec[]): readonly AudioCodec[] {
  const key = orderKey(typeof offer.body === "string" ? offer.body : utf8.decode(offer.body));
  let known = key === undefined ? undefined : offerOrders.get(codecs);
  const hit = key === undefined ? undefined : known?.get(key);
  if (hit !== undefined) return hit;
  const r = tryParseSdp(offer.body);
  const m = r.ok ? r.value.media.find((x) => x.type === "audio" && x.port !== 0) : undefined;
  if (m === undefined) return codecs;
  const pts = m.payloadTypes;
  const rank = (c: AudioCodec) => {
    const i = pts.findIndex((pt) => {
      const map = m.rtpMap(pt);
      return map !== undefined && map.clockRate === c.clockRate && map.encoding.toLowerCase() === c.name.toLowerCase();
    });
    return i < 0 ? pts.length : i;
  };
  const order = [...codecs].sort((a, b) => rank(a) - rank(b));
  if (key !== undefined) {
    if (known === undefined) offerOrders.set(codecs, (known = new Map()));
    // Bounded: a peer that varies its formats call after call only costs the parse.
    if (known.size >= MAX_OFFER_ORDERS) known.clear();
    known.set(key, order);
  }
  return order;
}

/** Orders worked out by {@link offerOrder}, per codec list, by {@link orderKey}. */
const offerOrders = new WeakMap<readonly AudioCodec[], Map<string, readonly AudioCodec[]>>();
const MAX_OFFER_ORDERS = 64;

const utf8 = new TextDecoder();

/**
 * The format list and a=rtpmap lines of the first audio m= line with a port other than 0 — what
 * {@link offerOrder} reads of an offer — or undefined when there is none (the offer is parsed).
 */
function orderKey(sdp: string): string | undefined {
  for (let at = 0; ; ) {
    const m = sdp.indexOf("m=audio ", at);
    if (m < 0) return undefined;
    at = m + 8;
    if (m > 0 && sdp.charCodeAt(m - 1) !== 10) continue;
    let next = sdp.indexOf("\nm=", m);
    if (next < 0) next = sdp.length;
    let eol = sdp.indexOf("\n", m);
    if (eol < 0 || eol > next) eol = next;
    // m=<media> <port>[/<count>] <proto> <fmt> ... (RFC 8866 §5.14)
    const fields = sdp.slice(m, eol).trim().split(" ");
    if (fields.length < 4 || Number.parseInt(fields[1]!, 10) === 0) continue;
    let key = fields.slice(3).join(" ");
    for (let i = sdp.indexOf("\na=rtpmap:", m); i >= 0 && i < next; i = sdp.indexOf("\na=rtpmap:", i + 1)) {
      const end = sdp.indexOf("\n", i + 1);
      key += sdp.slice(i, end < 0 || end > next ? next : end).trimEnd();
    }
    return key;
  }
}

/** The factory the session layer takes (`media:`): one RTP media handler per session. */
export function rtpMediaHandlers(driver: MediaDriver, options: RtpMediaOptions = {}): MediaHandlerFactory {
  return (context) => new RtpMediaHandler(driver, context, options);
}

/** The codecs of `codecs` that a negotiated stream carries (telephone-event and CN have none). */
function chosenCodecs(stream: NegotiatedStream | undefined, codecs: readonly AudioCodec[]): AudioCodec[] {
  const out: AudioCodec[] = [];
  for (const c of stream?.codecs ?? []) {
    const codec = findAudioCodec(codecs, c.name, c.clockRate);
    if (codec !== undefined && !out.includes(codec)) out.push(codec);
  }
  return out;
}
