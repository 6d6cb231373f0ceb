/**
 * SDP (RFC 8866): parse and format session descriptions, typed attributes, and the RFC 3264
 * offer/answer model as pure functions.
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
export { formatBandwidth, formatConnection, formatOrigin, parseBandwidth, parseConnection, parseOrigin } from "./fields.ts";
export type { SdpBandwidth, SdpConnection, SdpOrigin, SdpTiming } from "./fields.ts";
export { answerDirection, canReceive, canSend, intersectDirections, isDirection, reverseDirection } from "./direction.ts";
export type { SdpDirection } from "./direction.ts";
export { formatRtpMap, isDynamicPayloadType, parseRtpMap, staticRtpMap } from "./rtpmap.ts";
export type { SdpRtpMap } from "./rtpmap.ts";
export { formatEventList, formatFmtp, formatFormatParameters, parseEventList, parseFmtp, parseFormatParameters } from "./fmtp.ts";
export type { SdpFmtp } from "./fmtp.ts";
export { formatRtcp, formatRtcpFeedback, parseRtcp, parseRtcpFeedback } from "./rtcp.ts";
export type { SdpRtcp, SdpRtcpFeedback } from "./rtcp.ts";
export { formatCrypto, formatCryptoKey, parseCrypto } from "./crypto.ts";
export type { SdpCrypto, SdpCryptoKey } from "./crypto.ts";
export { formatFingerprint, parseFingerprint, parseSetup } from "./dtls.ts";
export type { SdpFingerprint, SdpSetupRole } from "./dtls.ts";
export { formatCandidate, parseCandidate, parseIceOptions } from "./ice.ts";
export type { SdpCandidate } from "./ice.ts";
export { formatSsrc, formatSsrcGroup, parseSsrc, parseSsrcGroup } from "./ssrc.ts";
export type { SdpSsrc, SdpSsrcGroup } from "./ssrc.ts";
export { formatGroup, parseGroup } from "./grouping.ts";
export type { SdpGroup } from "./grouping.ts";
export { formatExtmap, parseExtmap } from "./extmap.ts";
export type { SdpExtmap } from "./extmap.ts";
