import type { SdpDirection } from "./direction.ts";
import type { SdesSuite } from "./sdes.ts";

/**
 * A codec both ends agreed on. The two payload type numbers differ only when the answerer renamed a
 * dynamic type (RFC 3264 §6.1 lets it; RFC 4317 §2.3 answers iLBC 97 as 99): send with
 * `sendPayloadType` (the peer's number), expect `receivePayloadType` (ours).
 */
export interface NegotiatedCodec {
  name: string;
  clockRate: number;
  channels: number;
  sendPayloadType: number;
  receivePayloadType: number;
  /** The peer's format parameters (what it wants to receive), if any. */
  fmtp?: string | undefined;
}

/** The telephone-event format both ends agreed on (RFC 4733), with the events both accept. */
export interface NegotiatedTelephoneEvent extends NegotiatedCodec {
  events: number[];
}

/** The SDES keys of an SRTP stream (RFC 4568): ours protects what we send, the peer's what we receive. */
export interface NegotiatedCrypto {
  suite: SdesSuite;
  tag: number;
  /** Our master key||salt. */
  localKey: Uint8Array;
  /** The peer's master key||salt. */
  remoteKey: Uint8Array;
  /**
   * The lifetime the peer gave its key (RFC 4568 §6.1: "the maximum number of SRTP or SRTCP
   * packets using this master key"), when it gave one.
   */
  remoteLifetime?: number | undefined;
}

/**
 * One m= line after an offer/answer exchange, as the media layer needs it: where to send RTP and
 * RTCP, with which codec, in which direction, with which keys.
 */
export interface NegotiatedStream {
  /** Position of the m= line (0-based). */
  index: number;
  type: string;
  protocol: string;
  mid?: string | undefined;
  /** False when either side put port 0 on the stream (rejected or disabled, RFC 3264 §6, §8.2). */
  accepted: boolean;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Where the peer wants RTCP: its a=rtcp (RFC 3605), the RTP port with rtcp-mux, else port + 1. */
  remoteRtcpAddress: string;
  remoteRtcpPort: number;
  /** RTP and RTCP share the port (RFC 5761). */
  rtcpMux: boolean;
  /** What we may do: send and/or receive. */
  direction: SdpDirection;
  /** The peer's description puts us on hold: sendonly, inactive, or the legacy c=0.0.0.0 (RFC 3264 §8.4). */
  remoteHold: boolean;
  /** The agreed codecs in the answer's (preference) order, telephone-event excluded. */
  codecs: NegotiatedCodec[];
  /** The payload type to send with: the first agreed codec's (RFC 3264 §6.1, answerer preference). */
  sendPayloadType?: number | undefined;
  /** telephone-event when both ends have it. */
  telephoneEvent?: NegotiatedTelephoneEvent | undefined;
  /** The peer's a=ptime / a=maxptime: how it wants to receive. */
  ptime?: number | undefined;
  maxptime?: number | undefined;
  /** SRTP keys when the stream is protected. */
  crypto?: NegotiatedCrypto | undefined;
}
