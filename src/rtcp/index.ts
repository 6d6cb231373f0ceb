/**
 * RTCP (RFC 3550 §6): SR, RR, SDES, BYE, APP; compound packets with the A.2 validity checks and
 * reduced-size RTCP (RFC 5506); RTPFB generic NACK and PSFB PLI (RFC 4585), FIR (RFC 5104); XR
 * VoIP metrics (RFC 3611); and the transmission interval of §6.3 / A.7 as pure functions.
 *
 * Every packet is a plain object discriminated by `type`: parse a datagram with
 * `tryParseRtcpCompound` (a result value) or `parseRtcpCompound` (throws {@link RtcpError}), build
 * one with `encodeRtcpCompound` / `writeRtcpCompound`.
 * @module
 */
export { RtcpError } from "./errors.ts";
export type { RtcpErrorCode } from "./errors.ts";
export { RtcpPacketType } from "./header.ts";
export type { RtcpPacketCommon } from "./header.ts";
export type { ReportBlock } from "./report-block.ts";
export type { SenderReport } from "./sender-report.ts";
export type { ReceiverReport } from "./receiver-report.ts";
export { sdesItem, SdesItemType, sdesItemText } from "./sdes.ts";
export type { SdesChunk, SdesItem, SourceDescription } from "./sdes.ts";
export type { Goodbye } from "./bye.ts";
export type { ApplicationDefined } from "./app.ts";
export type { GenericFeedback } from "./feedback.ts";
export { nackItemsFor, nackSequenceNumbers } from "./nack.ts";
export type { GenericNack, NackItem } from "./nack.ts";
export type { PictureLossIndication } from "./pli.ts";
export type { FirEntry, FullIntraRequest } from "./fir.ts";
export { isVoipMetricsBlock, XR_VOIP_METRICS } from "./xr.ts";
export type { ExtendedReport, UnknownXrBlock, VoipMetricsBlock, XrBlock } from "./xr.ts";
export {
  encodeRtcpCompound,
  encodeRtcpPacket,
  parseRtcpCompound,
  parseRtcpPacket,
  rtcpCompoundSize,
  rtcpPacketSize,
  tryParseRtcpCompound,
  tryParseRtcpPacket,
  writeRtcpCompound,
  writeRtcpPacket,
} from "./compound.ts";
export type { ParseRtcpCompoundOptions, RtcpPacket, UnknownRtcpPacket } from "./compound.ts";
export {
  rtcpDeterministicInterval,
  rtcpInterval,
  rtcpOnExpire,
  rtcpOnMembersLeft,
  rtcpOnReceived,
  rtcpOnSent,
  rtcpTimerStart,
} from "./interval.ts";
export type { RtcpExpiry, RtcpIntervalParams, RtcpTimerInit, RtcpTimerState } from "./interval.ts";
