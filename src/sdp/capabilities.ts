import type { SdpAttribute } from "./section.ts";
import type { SdpDirection } from "./direction.ts";
import type { RandomBytes, SdesSuite } from "./sdes.ts";
import type { SessionDescription } from "./session-description.ts";

/**
 * A codec we can send and receive. `payloadType` is optional: static encodings (PCMU 0, PCMA 8,
 * G722 9, …) get their RFC 3551 number, others a free dynamic one from 96 up.
 */
export interface SdpCodec {
  /** Encoding name as in a=rtpmap (`PCMU`, `opus`, `telephone-event`); compared case-insensitively. */
  name: string;
  clockRate: number;
  /** Audio channels; 1 when omitted (RFC 8866 §6.6). Opus is always `opus/48000/2` (RFC 7587 §7). */
  channels?: number;
  payloadType?: number;
  /** Format parameters (a=fmtp text), e.g. `minptime=10;useinbandfec=1`. */
  fmtp?: string;
}

/** SRTP with SDES keys (RFC 4568) for one stream. */
export interface SdpSrtpOptions {
  /**
   * Offer: the suites to list, in preference order (default AES_CM_128_HMAC_SHA1_80, _32).
   * Answer: the suites we accept (default all six the SRTP layer implements).
   */
  suites?: readonly SdesSuite[];
  /**
   * true: RTP/SAVP, and a stream without acceptable crypto is refused. false (default): best
   * effort — offer RTP/AVP with a=crypto lines and use SRTP only when the answer has one; answer
   * RTP/AVP offers with crypto when they carry some, plain RTP otherwise.
   */
  mandatory?: boolean;
}

/** What we can do for one media type: one offered stream of that type is matched to it. */
export interface SdpMediaCapabilities {
  /** `audio` (default), `video`, … */
  type?: string;
  /** Our RTP port for this stream; 0 refuses streams of this type. */
  port: number;
  /** Our address for this stream when it differs from the session's (a media-level c=). */
  address?: string;
  /** Codecs in our preference order. */
  codecs: readonly SdpCodec[];
  /**
   * RFC 4733 telephone-event: true (default for audio) offers and accepts it at 8000 Hz (and at
   * the first codec's rate when that differs) with events 0-16; an object sets the payload type,
   * clock rate or event list (`0-15`); false leaves it out.
   */
  telephoneEvent?: boolean | { payloadType?: number; clockRate?: number; events?: string };
  /** What we want (RFC 3264 §6.1, §8.4): sendrecv by default; sendonly or inactive to hold. */
  direction?: SdpDirection;
  /** a=ptime / a=maxptime in ms (RFC 8866 §6.4, §6.5). */
  ptime?: number;
  maxptime?: number;
  /** RTP and RTCP on one port (RFC 5761 §5.1.1); default true: offered, and accepted when offered. */
  rtcpMux?: boolean;
  /** Our RTCP port when it is not port + 1 (RFC 3605), written as a=rtcp. */
  rtcpPort?: number;
  /** SRTP with SDES; absent means plain RTP. */
  srtp?: SdpSrtpOptions;
  /** The m= protocol; default RTP/AVP, or RTP/SAVP for mandatory SRTP. */
  protocol?: string;
  /** More attributes for this stream, written after the ones the layer writes. */
  attributes?: readonly SdpAttribute[];
}

/** What {@link createOffer} and {@link createAnswer} build a description from. */
export interface SdpLocalOptions {
  /** Our connection address (c= and o=), IPv4 or IPv6. */
  address: string;
  /** One entry per stream to offer, or per media type we accept when answering. */
  media: readonly SdpMediaCapabilities[];
  /** o= username; default `-`. */
  username?: string;
  /** s=; default `-`. */
  sessionName?: string;
  /** o= session id for a first description; default random. */
  sessionId?: string;
  /**
   * Our previous description in this session (RFC 3264 §8): its o= username, id and address are
   * kept and its version is incremented (or, for an answer identical to it, kept).
   */
  previous?: SessionDescription;
  /** Random bytes for SDES keys and session ids; default `crypto.getRandomValues`. */
  random?: RandomBytes;
}
