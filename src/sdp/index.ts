/**
 * SDP (RFC 8866): parse and format session descriptions, typed attributes, and the RFC 3264
 * offer/answer model as pure functions.
 *
 * Parsers come in pairs: `tryParseSdp`, `tryParseRtpMap`, `tryParseCrypto`, … return
 * `{ ok: true, value }` or `{ ok: false, code, offset }` and build no Error; `parseSdp`,
 * `parseRtpMap`, … throw {@link SdpParseError}. The typed accessors of a parsed description
 * (`media.rtpMaps()`, `media.cryptos()`) skip malformed attributes instead.
 * @module
 */
export { SdpParseError } from "./errors.ts";
export type { SdpErrorCode, SdpNegotiationCode, SdpNegotiationFailure, SdpWarningCode } from "./errors.ts";
export { DEFAULT_SDP_LIMITS, parseSdp, tryParseSdp } from "./parse.ts";
export type { SdpLimits, SdpParseOptions } from "./parse.ts";
export { formatSdp } from "./format.ts";
export { SessionDescription } from "./session-description.ts";
export { MediaDescription } from "./media-description.ts";
export { SdpSection } from "./section.ts";
export type { SdpAttribute, SdpExtraLine } from "./section.ts";
export {
  formatBandwidth,
  formatConnection,
  formatOrigin,
  parseBandwidth,
  parseConnection,
  parseOrigin,
  tryParseBandwidth,
  tryParseConnection,
  tryParseOrigin,
} from "./fields.ts";
export type { SdpBandwidth, SdpConnection, SdpOrigin, SdpTiming } from "./fields.ts";
export { answerDirection, canReceive, canSend, intersectDirections, isDirection, reverseDirection } from "./direction.ts";
export type { SdpDirection } from "./direction.ts";
export { formatRtpMap, isDynamicPayloadType, parseRtpMap, staticRtpMap, tryParseRtpMap } from "./rtpmap.ts";
export type { SdpRtpMap } from "./rtpmap.ts";
export {
  formatEventList,
  formatFmtp,
  formatFormatParameters,
  parseEventList,
  parseFmtp,
  parseFormatParameters,
  tryParseEventList,
  tryParseFmtp,
} from "./fmtp.ts";
export type { SdpFmtp } from "./fmtp.ts";
export { formatRtcp, formatRtcpFeedback, parseRtcp, parseRtcpFeedback, tryParseRtcp, tryParseRtcpFeedback } from "./rtcp.ts";
export type { SdpRtcp, SdpRtcpFeedback } from "./rtcp.ts";
export { formatCrypto, formatCryptoKey, parseCrypto, tryParseCrypto } from "./crypto.ts";
export type { SdpCrypto, SdpCryptoKey } from "./crypto.ts";
export { formatFingerprint, parseFingerprint, parseSetup, tryParseFingerprint, tryParseSetup } from "./dtls.ts";
export type { SdpFingerprint, SdpSetupRole } from "./dtls.ts";
export { formatCandidate, parseCandidate, parseIceOptions, tryParseCandidate } from "./ice.ts";
export type { SdpCandidate } from "./ice.ts";
export { formatSsrc, formatSsrcGroup, parseSsrc, parseSsrcGroup, tryParseSsrc, tryParseSsrcGroup } from "./ssrc.ts";
export type { SdpSsrc, SdpSsrcGroup } from "./ssrc.ts";
export { formatGroup, parseGroup, tryParseGroup } from "./grouping.ts";
export type { SdpGroup } from "./grouping.ts";
export { formatExtmap, parseExtmap, tryParseExtmap } from "./extmap.ts";
export type { SdpExtmap } from "./extmap.ts";
export type { SdpCodec, SdpLocalOptions, SdpMediaCapabilities, SdpSrtpOptions } from "./capabilities.ts";
export { createOffer, DEFAULT_TELEPHONE_EVENTS } from "./offer.ts";
export { createAnswer } from "./answer.ts";
export type { SdpAnswer } from "./answer.ts";
export { applyAnswer } from "./apply-answer.ts";
export type { SdpAppliedAnswer } from "./apply-answer.ts";
export type { NegotiatedCodec, NegotiatedCrypto, NegotiatedStream, NegotiatedTelephoneEvent } from "./negotiated.ts";
export { createHoldOffer, createResumeOffer, effectiveDirection, isHold } from "./hold.ts";
export { incrementDecimal } from "./origin.ts";
// RFC 4568 §6.1 writes key||salt in base64: the codec goes with the keys.
export { decodeBase64, encodeBase64 } from "../base64.ts";
export {
  createSdesKey,
  DEFAULT_ANSWER_SUITES,
  DEFAULT_OFFER_SUITES,
  isSdesSuite,
  SDES_SUITES,
  sdesCrypto,
  sdesKeyOf,
  selectSdesCrypto,
} from "./sdes.ts";
export type { RandomBytes, SdesSuite } from "./sdes.ts";
export { createSdpNegotiator, SdpNegotiator } from "./negotiator.ts";
export type { SdpBody, SdpOfferRequest } from "./negotiator.ts";
