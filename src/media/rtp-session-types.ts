import type { NegotiatedStream } from "../sdp/index.ts";
import type { SrtpCrypto } from "../srtp/index.ts";
import type { AudioCodec } from "./audio-codec.ts";
import type { CallQuality } from "./call-quality.ts";
import type { DtmfDigitEvent, DtmfStart } from "./dtmf-receiver.ts";
import type { JitterBufferOptions } from "./jitter-buffer.ts";
import type { MediaAddress } from "./latching.ts";

/** Options of {@link createRtpSession}. */
export interface RtpSessionOptions {
  /** The m= line as negotiated (one of `SdpNegotiator.streams`). */
  readonly stream: NegotiatedStream;
  /** The time the session starts, ms (the driver's clock). */
  readonly now: number;
  /** Codec plugs, in our preference order. Default {@link DEFAULT_AUDIO_CODECS} (Opus, PCMU, PCMA). */
  readonly codecs?: readonly AudioCodec[];
  /**
   * The PCM rate of `writeAudio` and of the frames `pollAudio` gives. Default: the rate of the
   * codec sent (8000 for G.711, 48000 for Opus, 16000 for G.722); with a rate given, the session
   * resamples where the codec cannot take it directly.
   */
  readonly sampleRate?: number;
  /**
   * The runtime's native AES for SRTP (`runtime.srtpCrypto`). Always give it when there is one:
   * native keystream is the fast path; without it the portable Wasm AES runs.
   */
  readonly crypto?: SrtpCrypto;
  /**
   * Latching (RFC 7362 §4): take the source of the first proven packet (with SRTP, the first that
   * authenticates) as the peer's address when it differs from the negotiated one — a peer behind
   * a NAT. Default true. False: only packets from the negotiated address are accepted. Without
   * SRTP a packet proves only that it parses with a negotiated payload type, so whoever sends
   * first takes the stream (RFC 7362 §5); SRTP closes that door.
   */
  readonly latching?: boolean;
  /**
   * No RTP from the peer for this long while it should be sending is reported as an `rtp-timeout`
   * event, ms. Default 30000; 0 turns it off.
   */
  readonly rtpTimeoutMs?: number;
  /** Jitter buffer tuning (delays in ms); the defaults adapt between one frame and 300 ms. */
  readonly jitterBuffer?: Pick<JitterBufferOptions, "minDelayMs" | "maxDelayMs" | "initialDelayMs" | "quantile" | "maxPackets">;
  /** Decode what arrives into frames for `pollAudio`. Default true; false leaves only events. */
  readonly receiveAudio?: boolean;
  /** Received frames kept for `pollAudio` before the oldest are dropped. Default 50 (1 s at 20 ms). */
  readonly audioQueueFrames?: number;
  /** Audio `writeAudio` may queue ahead, ms. Default 2000. */
  readonly sendQueueMs?: number;
  /** Our SSRC; default random (RFC 3550 §8.1). */
  readonly ssrc?: number;
  /** Our RTCP CNAME (RFC 3550 §6.5.1); default a random 16-character string (RFC 7022). */
  readonly cname?: string;
  /** Send RTCP XR VoIP Metrics (RFC 3611 §4.7) with each report. Default true. */
  readonly rtcpXr?: boolean;
  /** RTCP bandwidth, octets/s (RFC 3550 §6.2). Default 500 (5 % of a G.711 call). */
  readonly rtcpBandwidth?: number;
  /** Minimum RTCP interval, s (RFC 3550 §6.2). Default 5. */
  readonly rtcpMinInterval?: number;
  /** Unix time minus `now`, ms, for the wall-clock timestamps of sender reports. Default 0. */
  readonly clockOffsetMs?: number;
  /** How long a replaced SRTP receive key still authenticates, ms. Default 5000. */
  readonly rekeyGraceMs?: number;
  /** Largest datagram accepted, bytes. Default 1500. */
  readonly maxPacketSize?: number;
  /** Uniform random numbers in [0, 1) for the RTCP interval; default `Math.random`. */
  readonly random?: () => number;
  /** Random bytes for SSRC, sequence number, timestamp and CNAME; default `crypto.getRandomValues`. */
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** A datagram to send: from our RTP port, or our RTCP port when `rtcp` is set and RTCP is not muxed. */
export interface MediaTransmit {
  /**
   * The datagram; the caller's to keep. It may be a view into an ArrayBuffer shared with other
   * packets (`byteOffset` not 0): send or copy it, never transfer its `.buffer`.
   */
  readonly data: Uint8Array;
  readonly to: MediaAddress;
  /** An RTCP packet (sent from the RTP port with rtcp-mux, RFC 5761). */
  readonly rtcp: boolean;
}

/** The peer's source changed SSRC (a restarted stream, or a new party): playout started afresh. */
export interface SsrcChangeEvent {
  readonly type: "ssrc-change";
  readonly previous: number;
  readonly ssrc: number;
}

/** The latch moved where we send: the peer is behind a NAT (RFC 7362 §4). */
export interface SourceLatchedEvent {
  readonly type: "source-latched";
  readonly address: MediaAddress;
  /** The RTCP flow (on its own port) rather than RTP. */
  readonly rtcp: boolean;
}

/** No RTP arrived for `rtpTimeoutMs` while the peer should be sending. */
export interface RtpTimeoutEvent {
  readonly type: "rtp-timeout";
  readonly silentMs: number;
}

/** RTP arrives again after an `rtp-timeout`. */
export interface RtpResumedEvent {
  readonly type: "rtp-resumed";
  readonly silentMs: number;
}

/** The call's quality, after each RTCP report sent or received. */
export interface QualityEvent {
  readonly type: "quality";
  readonly quality: CallQuality;
}

/** The peer left (RTCP BYE, RFC 3550 §6.6). */
export interface RemoteByeEvent {
  readonly type: "remote-bye";
  readonly ssrc: number;
  readonly reason: string | undefined;
}

/** The session closed; `quality` is the call's final figures. */
export interface ClosedEvent {
  readonly type: "closed";
  readonly quality: CallQuality;
}

/** What {@link RtpSession.pollEvent} gives. */
export type RtpSessionEvent =
  | DtmfStart
  | DtmfDigitEvent
  | SsrcChangeEvent
  | SourceLatchedEvent
  | RtpTimeoutEvent
  | RtpResumedEvent
  | QualityEvent
  | RemoteByeEvent
  | ClosedEvent;

/** Counters of an RTP session: what it sent, received, and dropped and why. */
export interface RtpSessionCounters {
  rtpSent: number;
  rtcpSent: number;
  /** RTP packets accepted (played, or counted late or duplicate by the playout). */
  rtpReceived: number;
  rtcpReceived: number;
  /** Datagrams from an address that is not the peer's (and not latched onto). */
  unexpectedSource: number;
  /** Datagrams that are not RTP or RTCP (STUN, DTLS, garbage), or RTCP on the RTP port without rtcp-mux. */
  notRtp: number;
  /** RTP packets too short or with a bad header (RFC 3550 §5.1, A.1). */
  malformed: number;
  /** Datagrams larger than `maxPacketSize`. */
  oversized: number;
  unknownPayloadType: number;
  /** Packets from an SSRC that is not the one played (and not yet taking over). */
  wrongSsrc: number;
  /** SRTP/SRTCP packets that failed authentication (RFC 3711 §3.3 step 5). */
  authFailed: number;
  /** SRTP/SRTCP packets replayed (RFC 3711 §3.3.2). */
  replayed: number;
  /** SRTP/SRTCP packets refused for another reason (truncated, key limit). */
  srtpFailed: number;
  /** RTCP compounds that fail RFC 3550 A.2's checks. */
  rtcpMalformed: number;
  /** RTP packets received while the negotiated direction has the peer not sending. */
  unexpectedDirection: number;
  ssrcChanges: number;
  /**
   * The peer's packets carried our own SSRC (RFC 3550 §8.2): each time from a new address we left
   * that SSRC with a BYE and took a new random one.
   */
  ssrcCollisions: number;
  /** Packets with our SSRC from an address that already collided with us: a loop, dropped (RFC 3550 §8.2). */
  ssrcLoops: number;
  timestampJumps: number;
  codecChanges: number;
  /** Rekeys (new SDES keys on a renegotiation, RFC 4568 §7.1.4). */
  rekeys: number;
  /** Media-clock ticks the driver was too late for (their frames were not sent). */
  lateTicks: number;
  /** Received frames dropped because `pollAudio` was not called. */
  audioDropped: number;
  /** Events dropped because `pollEvent` was not called. */
  eventsDropped: number;
}
