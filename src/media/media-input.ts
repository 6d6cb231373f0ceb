import { tryParseRtcpCompound } from "../rtcp/index.ts";
import type { RtcpPacket } from "../rtcp/index.ts";
import { classifyMediaPacket, RtpHeaderReader } from "../rtp/index.ts";
import { AddressLatch } from "./latching.ts";
import type { MediaAddress } from "./latching.ts";
import type { RtpSessionCounters, RtpSessionEvent } from "./rtp-session-types.ts";
import type { SrtpKeying } from "./srtp-keying.ts";

/**
 * The gate every datagram of an RTP session passes before the receiver sees it: size, what it is
 * (RFC 7983's first-octet ranges; RTCP by packet type on the RTP port with rtcp-mux, RFC 5761
 * §4), where it came from (symmetric RTP, RFC 4961, and the latch, RFC 7362), SRTP/SRTCP
 * authentication and decryption in place (RFC 3711), and the header checks (RFC 3550 §5.1, A.2).
 * A datagram that fails any of them is counted under its reason and goes no further; one that
 * passes closes the latch on its source (the packet has proven itself).
 */

/** Where a datagram that passed the gate goes. */
export interface MediaInputSink {
  /**
   * An RTP packet from `from`, header in `h`, payload at `data[h.headerLength, +h.payloadLength)`;
   * true when taken. `owned`: `data` is the gate's caller's own copy, which the sink may keep.
   */
  rtp(h: RtpHeaderReader, data: Uint8Array, from: MediaAddress, now: number, owned: boolean): boolean;
  /** A valid RTCP compound of `length` octets from `from`. */
  rtcp(packets: readonly RtcpPacket[], length: number, from: MediaAddress, now: number): void;
  emit(event: RtpSessionEvent): void;
}

/** The gate; see the module comment. */
export class MediaInput {
  readonly rtpLatch: AddressLatch;
  readonly rtcpLatch: AddressLatch;
  /** RTP and RTCP share the port (RFC 5761). */
  rtcpMux: boolean;
  readonly #reader = new RtpHeaderReader();
  readonly #keying: SrtpKeying;
  readonly #counters: RtpSessionCounters;
  readonly #maxPacket: number;
  readonly #sink: MediaInputSink;

  constructor(
    o: { rtp: MediaAddress; rtcp: MediaAddress; rtcpMux: boolean; latching: boolean; maxPacket: number },
    keying: SrtpKeying,
    counters: RtpSessionCounters,
    sink: MediaInputSink,
  ) {
    this.rtpLatch = new AddressLatch(o.rtp, o.latching);
    this.rtcpLatch = new AddressLatch(o.rtcp, o.latching);
    this.rtcpMux = o.rtcpMux;
    this.#maxPacket = o.maxPacket;
    this.#keying = keying;
    this.#counters = counters;
    this.#sink = sink;
  }

  /** Where RTCP goes: with rtcp-mux, where RTP goes. */
  get rtcpTarget(): MediaAddress {
    return this.rtcpMux ? this.rtpLatch.target : this.rtcpLatch.target;
  }

  /**
   * A datagram on the RTP port. `data` may be decrypted in place; `owned`: it is a copy nobody
   * else holds, which the sink may keep rather than copy again.
   */
  rtp(data: Uint8Array, from: MediaAddress, now: number, owned = false): void {
    const c = this.#counters;
    if (data.length > this.#maxPacket) {
      c.oversized++;
      return;
    }
    const kind = classifyMediaPacket(data);
    if (kind === "rtcp") {
      if (this.rtcpMux) this.#rtcp(data, from, now, this.rtpLatch);
      else c.notRtp++;
      return;
    }
    if (kind !== "rtp") {
      c.notRtp++;
      return;
    }
    const latch = this.rtpLatch;
    if (latch.check(from) === "unexpected") {
      c.unexpectedSource++;
      return;
    }
    let length = data.length;
    if (this.#keying.active) {
      const r = this.#keying.unprotectRtp(data, length, now);
      if (typeof r !== "number") return this.#refused(r);
      length = r;
    }
    const h = this.#reader;
    if (h.read(data, 0, length) < 0) {
      c.malformed++;
      return;
    }
    if (!this.#sink.rtp(h, data, from, now, owned)) return;
    this.#latch(latch, from, false);
  }

  /** A datagram on the RTCP port (without rtcp-mux). */
  rtcp(data: Uint8Array, from: MediaAddress, now: number): void {
    if (data.length > this.#maxPacket) {
      this.#counters.oversized++;
      return;
    }
    if (this.rtcpMux || classifyMediaPacket(data) !== "rtcp") {
      this.#counters.notRtp++;
      return;
    }
    this.#rtcp(data, from, now, this.rtcpLatch);
  }

  #rtcp(data: Uint8Array, from: MediaAddress, now: number, latch: AddressLatch): void {
    const c = this.#counters;
    if (latch.check(from) === "unexpected") {
      c.unexpectedSource++;
      return;
    }
    let length = data.length;
    if (this.#keying.active) {
      const r = this.#keying.unprotectRtcp(data, length, now);
      if (typeof r !== "number") return this.#refused(r);
      length = r;
    }
    const parsed = tryParseRtcpCompound(data, 0, length);
    if (!parsed.ok) {
      c.rtcpMalformed++;
      return;
    }
    c.rtcpReceived++;
    this.#latch(latch, from, latch === this.rtcpLatch && !this.rtcpMux);
    this.#sink.rtcp(parsed.value, length, from, now);
  }

  #refused(r: string): void {
    const c = this.#counters;
    if (r === "AUTH_FAILED") c.authFailed++;
    else if (r === "REPLAY") c.replayed++;
    else c.srtpFailed++;
  }

  // A packet from `from` proved itself (authenticated, parsed, taken): the latch closes on it.
  #latch(latch: AddressLatch, from: MediaAddress, rtcp: boolean): void {
    if (latch.state === "latched") return;
    if (latch.latch(from)) this.#sink.emit({ type: "source-latched", address: latch.target, rtcp });
  }
}
