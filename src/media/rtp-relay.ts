import type { RtcpPacket } from "../rtcp/index.ts";
import type { RtpHeaderReader } from "../rtp/index.ts";
import { canReceive, canSend } from "../sdp/index.ts";
import type { NegotiatedStream } from "../sdp/index.ts";
import type { SrtpCrypto } from "../srtp/index.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import { MediaError } from "./errors.ts";
import { sameAddress } from "./latching.ts";
import type { MediaAddress } from "./latching.ts";
import { MediaInput } from "./media-input.ts";
import { packetBuffer } from "./packet-slab.ts";
import type { MediaTransmit, RtpSessionCounters, SourceLatchedEvent } from "./rtp-session-types.ts";
import { SrtpKeying } from "./srtp-keying.ts";

/**
 * Media forwarded between the two legs of an anchored call without decoding it, as a sans-I/O
 * engine: an RTP translator (RFC 3550 §7.1) that changes only the encryption. Each leg is one
 * negotiated m= line with its own peer and its own SDES keys (RFC 4568: each party keys the
 * stream it sends). A datagram from one leg's peer passes that leg's gate — size, RFC 7983 kind,
 * source and latch (RFC 4961, RFC 7362), SRTP/SRTCP authentication and decryption (RFC 3711),
 * header checks (RFC 3550 §5.1, A.2) — and leaves on the other leg protected under that leg's key,
 * to its (latched) peer. SSRC, sequence numbers and timestamps pass unchanged, so the receiving
 * peer's statistics and the senders' RTCP reports stay true end to end; the payload type is
 * renumbered where the two legs gave the same format different numbers (RFC 3264 §6.1), and a
 * packet in a format the other leg did not negotiate is dropped. Nothing goes to a leg whose peer
 * put the call on hold (RFC 3264 §8.4).
 *
 * The cost per packet is one authentication and decryption, one encryption and tag, and one copy:
 * no jitter buffer, no codec, no media clock — packets leave as they arrive.
 */

/** One side of the relay: `a` or `b`. */
export type RelayLeg = "a" | "b";

/** Options of {@link createRtpRelay}. */
export interface RtpRelayOptions {
  /** Leg a's m= line as negotiated with its peer. */
  readonly a: NegotiatedStream;
  /** Leg b's m= line as negotiated with its peer. */
  readonly b: NegotiatedStream;
  /** The time the relay starts, ms (the driver's clock). */
  readonly now: number;
  /** The runtime's native AES for SRTP (`runtime.srtpCrypto`); the Wasm AES runs without it. */
  readonly crypto?: SrtpCrypto;
  /** Latching (RFC 7362 §4) on both legs, as for an RTP session. Default true. */
  readonly latching?: boolean;
  /** How long a replaced SRTP receive key still authenticates, ms. Default 5000. */
  readonly rekeyGraceMs?: number;
  /** Largest datagram accepted, bytes. Default 1500. */
  readonly maxPacketSize?: number;
}

/** A datagram to send from `leg`'s ports (its RTCP port when `rtcp` is set and RTCP is not muxed). */
export interface RelayTransmit extends MediaTransmit {
  readonly leg: RelayLeg;
}

/** What {@link RtpRelay.pollEvent} gives: a leg's latch moved (its peer is behind a NAT). */
export interface RelayLatchedEvent extends SourceLatchedEvent {
  readonly leg: RelayLeg;
}

/** Counters of one leg: what arrived from its peer, and what became of it. */
export interface RtpRelayCounters {
  /** RTP packets forwarded to the other leg. */
  rtpForwarded: number;
  /** RTCP compounds forwarded to the other leg. */
  rtcpForwarded: number;
  /**
   * Packets expected from the sequence numbers of the packets forwarded (RFC 3550 A.3: highest
   * extended sequence number less the first, plus one), summed over each source the peer sent from.
   */
  packetsExpected: number;
  /** Expected less forwarded (RFC 3550 A.3 cumulative loss, not below 0): lost before the relay. */
  packetsLost: number;
  /** Packets in a payload type the other leg did not negotiate. */
  unknownPayloadType: number;
  /** RTP packets that arrived while this leg's peer should not send, or the other leg's peer holds. */
  notForwarded: number;
  unexpectedSource: number;
  notRtp: number;
  malformed: number;
  oversized: number;
  authFailed: number;
  replayed: number;
  srtpFailed: number;
  rtcpMalformed: number;
}

/** The relay's states: open until {@link RtpRelay.close}. */
export type RtpRelayState = "open" | "closed";

function newCounters(): RtpSessionCounters {
  return {
    rtpSent: 0, rtcpSent: 0, rtpReceived: 0, rtcpReceived: 0, unexpectedSource: 0, notRtp: 0, malformed: 0,
    oversized: 0, unknownPayloadType: 0, wrongSsrc: 0, authFailed: 0, replayed: 0, srtpFailed: 0, rtcpMalformed: 0,
    unexpectedDirection: 0, ssrcChanges: 0, ssrcCollisions: 0, ssrcLoops: 0, timestampJumps: 0, codecChanges: 0, rekeys: 0, lateTicks: 0,
    audioDropped: 0, eventsDropped: 0,
  };
}

/** One leg's state: its stream, gate and keys. */
class Side {
  stream: NegotiatedStream;
  readonly keying: SrtpKeying;
  readonly input: MediaInput;
  readonly counters = newCounters();
  /** Payload types as this leg receives them -> as the other leg sends them. */
  payloadTypes = new Map<number, number>();
  /** RFC 3550 A.1 sequence state of the peer's current source: first and highest extended number. */
  ssrc: number | undefined;
  baseSeq = 0;
  maxSeq = 0;
  /** Packets expected from the sources before the current one. */
  expectedBefore = 0;

  constructor(stream: NegotiatedStream, o: RtpRelayOptions, sink: ConstructorParameters<typeof MediaInput>[3]) {
    this.stream = stream;
    this.keying = new SrtpKeying(o.crypto, o.rekeyGraceMs ?? 5000);
    this.keying.apply(stream.crypto, o.now);
    this.input = new MediaInput(
      { rtp: rtpAddress(stream), rtcp: rtcpAddress(stream), rtcpMux: stream.rtcpMux, latching: o.latching ?? true, maxPacket: o.maxPacketSize ?? 1500 },
      this.keying,
      this.counters,
      sink,
    );
  }
}

function rtpAddress(s: NegotiatedStream): MediaAddress {
  return { host: s.remoteAddress, port: s.remotePort };
}

function rtcpAddress(s: NegotiatedStream): MediaAddress {
  return s.rtcpMux ? rtpAddress(s) : { host: s.remoteRtcpAddress, port: s.remoteRtcpPort };
}

/**
 * The numbers `from` receives each format with, mapped to those `to` sends the same format with
 * (name and clock rate, RFC 3264 §6.1; telephone-event and CN included).
 */
function payloadTypeMap(from: NegotiatedStream, to: NegotiatedStream): Map<number, number> {
  const m = new Map<number, number>();
  const key = (name: string, rate: number) => `${name.toLowerCase()}/${rate}`;
  const out = new Map<string, number>();
  for (const c of to.codecs) if (!out.has(key(c.name, c.clockRate))) out.set(key(c.name, c.clockRate), c.sendPayloadType);
  for (const c of from.codecs) {
    const pt = out.get(key(c.name, c.clockRate));
    if (pt !== undefined) m.set(c.receivePayloadType, pt);
  }
  const te = from.telephoneEvent;
  const te2 = to.telephoneEvent;
  if (te && te2 && te.clockRate === te2.clockRate) m.set(te.receivePayloadType, te2.sendPayloadType);
  return m;
}

/**
 * RFC 3550 A.1's extended highest sequence number, kept per leg for the peer's current source: a
 * forward jump of less than half the space (a wrap counted) moves it, anything else is a late or
 * repeated packet. A new SSRC starts a new count (A.1 re-initialises on a new source).
 */
function countSequence(s: Side, ssrc: number, seq: number): void {
  if (s.ssrc !== ssrc) {
    if (s.ssrc !== undefined) s.expectedBefore += s.maxSeq - s.baseSeq + 1;
    s.ssrc = ssrc;
    s.baseSeq = seq;
    s.maxSeq = seq;
    return;
  }
  const delta = (seq - (s.maxSeq & 0xffff) + 0x10000) & 0xffff;
  if (delta !== 0 && delta < 0x8000) s.maxSeq += delta;
}

/** The relay; see the module comment and {@link createRtpRelay}. */
export class RtpRelay {
  #state: RtpRelayState = "open";
  readonly #a: Side;
  readonly #b: Side;
  readonly #transmits = new BoundedQueue<RelayTransmit>(1024);
  readonly #events = new BoundedQueue<RelayLatchedEvent>(64);
  /** The datagram being gated (decrypted in place), for the sink that forwards RTCP. */
  #rtcpData: Uint8Array | undefined;

  /** @internal Use {@link createRtpRelay}. */
  constructor(o: RtpRelayOptions) {
    if (!o.a.accepted || !o.b.accepted) throw new MediaError("BAD_OPTION", "RTP relay: a leg's stream was rejected (port 0)");
    this.#a = new Side(o.a, o, this.#sink("a"));
    this.#b = new Side(o.b, o, this.#sink("b"));
    this.#mapPayloadTypes();
  }

  #sink(leg: RelayLeg): ConstructorParameters<typeof MediaInput>[3] {
    return {
      rtp: (h, data) => this.#forwardRtp(leg, h, data),
      rtcp: (_packets: readonly RtcpPacket[], length: number) => this.#forwardRtcp(leg, length),
      emit: (e) => {
        if (e.type === "source-latched") this.#events.push({ ...e, leg });
      },
    };
  }

  #mapPayloadTypes(): void {
    this.#a.payloadTypes = payloadTypeMap(this.#a.stream, this.#b.stream);
    this.#b.payloadTypes = payloadTypeMap(this.#b.stream, this.#a.stream);
  }

  #side(leg: RelayLeg): Side {
    return leg === "a" ? this.#a : this.#b;
  }

  get state(): RtpRelayState {
    return this.#state;
  }

  /** Where `leg`'s RTP goes (the latched address once the latch moved it). */
  remoteAddress(leg: RelayLeg): MediaAddress {
    return this.#side(leg).input.rtpLatch.target;
  }

  /** Whether a packet of `leg`'s peer proved its RTP address since the leg's last negotiation. */
  remoteLatched(leg: RelayLeg): boolean {
    return this.#side(leg).input.rtpLatch.state === "latched";
  }

  /** RTP and RTCP share `leg`'s port (RFC 5761). */
  rtcpMux(leg: RelayLeg): boolean {
    return this.#side(leg).stream.rtcpMux;
  }

  /** A snapshot of `leg`'s counters. */
  counters(leg: RelayLeg): RtpRelayCounters {
    const side = this.#side(leg);
    const c = side.counters;
    const expected = side.expectedBefore + (side.ssrc === undefined ? 0 : side.maxSeq - side.baseSeq + 1);
    return {
      rtpForwarded: c.rtpReceived,
      rtcpForwarded: c.rtcpSent,
      packetsExpected: expected,
      packetsLost: Math.max(0, expected - c.rtpReceived),
      unknownPayloadType: c.unknownPayloadType,
      notForwarded: c.unexpectedDirection,
      unexpectedSource: c.unexpectedSource,
      notRtp: c.notRtp,
      malformed: c.malformed,
      oversized: c.oversized,
      authFailed: c.authFailed,
      replayed: c.replayed,
      srtpFailed: c.srtpFailed,
      rtcpMalformed: c.rtcpMalformed,
    };
  }

  /**
   * A datagram that arrived on `leg`'s RTP port from `from` at `now` (with rtcp-mux, RTCP too).
   * `data` may be decrypted in place and is not kept after the call.
   */
  handleRtp(leg: RelayLeg, data: Uint8Array, from: MediaAddress, now: number): void {
    if (this.#state === "closed") return;
    this.#rtcpData = data;
    this.#side(leg).input.rtp(data, from, now);
    this.#rtcpData = undefined;
  }

  /** A datagram that arrived on `leg`'s RTCP port (without rtcp-mux). */
  handleRtcp(leg: RelayLeg, data: Uint8Array, from: MediaAddress, now: number): void {
    if (this.#state === "closed") return;
    this.#rtcpData = data;
    this.#side(leg).input.rtcp(data, from, now);
    this.#rtcpData = undefined;
  }

  // An RTP packet of `leg`'s peer past the gate: re-protected for the other leg and queued.
  #forwardRtp(leg: RelayLeg, h: RtpHeaderReader, data: Uint8Array): boolean {
    const from = this.#side(leg);
    const to = leg === "a" ? this.#b : this.#a;
    const pt = from.payloadTypes.get(h.payloadType);
    if (pt === undefined) {
      from.counters.unknownPayloadType++;
      return false;
    }
    // RFC 3264 §6.1: a sendonly or inactive peer sends nothing; a peer holding us (§8.4) wants nothing.
    if (!canReceive(from.stream.direction) || !canSend(to.stream.direction)) {
      from.counters.unexpectedDirection++;
      return false;
    }
    const length = h.headerLength + h.payloadLength + h.paddingLength;
    // The datagram is the runtime's and may be reused after this call: the copy is what leaves,
    // with room for the other leg's tag.
    const out = packetBuffer(length + to.keying.rtpOverhead);
    out.set(data.subarray(0, length));
    if (pt !== h.payloadType) out[1] = (out[1]! & 0x80) | pt;
    let n = length;
    if (to.keying.active) {
      const r = to.keying.protectRtp(out, length);
      if (typeof r !== "number") {
        from.counters.srtpFailed++;
        return true;
      }
      n = r;
    }
    from.counters.rtpReceived++;
    countSequence(from, h.ssrc, h.sequenceNumber);
    this.#transmits.push({ leg: leg === "a" ? "b" : "a", data: n === out.length ? out : out.subarray(0, n), to: to.input.rtpLatch.target, rtcp: false });
    return true;
  }

  // An RTCP compound of `leg`'s peer past the gate (decrypted in place): re-protected and queued.
  #forwardRtcp(leg: RelayLeg, length: number): void {
    const data = this.#rtcpData;
    if (data === undefined) return;
    const from = this.#side(leg);
    const to = leg === "a" ? this.#b : this.#a;
    const out = packetBuffer(length + to.keying.rtcpOverhead);
    out.set(data.subarray(0, length));
    let n = length;
    if (to.keying.active) {
      const r = to.keying.protectRtcp(out, length);
      if (typeof r !== "number") {
        from.counters.srtpFailed++;
        return;
      }
      n = r;
    }
    from.counters.rtcpSent++;
    this.#transmits.push({ leg: leg === "a" ? "b" : "a", data: out.subarray(0, n), to: to.input.rtcpTarget, rtcp: true });
  }

  /**
   * A renegotiation of `leg` (re-INVITE, UPDATE): new peer address, keys (RFC 4568 §7.1.4),
   * formats or direction. A stream now rejected (port 0) closes the relay.
   */
  update(leg: RelayLeg, stream: NegotiatedStream, now: number): void {
    if (this.#state === "closed") return;
    if (!stream.accepted) {
      this.close();
      return;
    }
    const s = this.#side(leg);
    const old = s.stream;
    s.stream = stream;
    s.keying.apply(stream.crypto, now);
    if (!sameAddress(rtpAddress(old), rtpAddress(stream))) s.input.rtpLatch.reset(rtpAddress(stream));
    if (!sameAddress(rtcpAddress(old), rtcpAddress(stream))) s.input.rtcpLatch.reset(rtcpAddress(stream));
    s.input.rtcpMux = stream.rtcpMux;
    this.#mapPayloadTypes();
  }

  /** When {@link RtpRelay.handleTimeout} is next due (a replaced key's grace period), if ever. */
  pollTimeout(): number | undefined {
    if (this.#state === "closed") return undefined;
    const a = this.#a.keying.pollTimeout();
    const b = this.#b.keying.pollTimeout();
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  /** Drops replaced receive keys whose grace period is over. */
  handleTimeout(now: number): void {
    this.#a.keying.handleTimeout(now);
    this.#b.keying.handleTimeout(now);
  }

  /** The next datagram to send, if any. */
  pollTransmit(): RelayTransmit | undefined {
    return this.#transmits.shift();
  }

  /** The next event, if any. */
  pollEvent(): RelayLatchedEvent | undefined {
    return this.#events.shift();
  }

  /** Stops forwarding and wipes every key; queued datagrams stay there for `pollTransmit`. */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#a.keying.close();
    this.#b.keying.close();
  }
}

/**
 * Creates a relay between two negotiated m= lines (see {@link RtpRelay}).
 * @throws MediaError `BAD_OPTION` when either stream was rejected.
 */
export function createRtpRelay(options: RtpRelayOptions): RtpRelay {
  return new RtpRelay(options);
}
