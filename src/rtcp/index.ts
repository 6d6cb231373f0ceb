/**
 * RTCP (RFC 3550 §6): SR, RR, SDES, BYE, APP; compound packets with the A.2 validity checks and
 * reduced-size RTCP (RFC 5506); RTPFB generic NACK and PSFB PLI (RFC 4585), FIR (RFC 5104); XR
 * VoIP metrics (RFC 3611); and the transmission interval of §6.3 / A.7 as pure functions.
 * @module
 */
export { RtcpError, RtcpErrorCode, rtcpErrorName } from "./errors.ts";
export type { RtcpParseFailure } from "./errors.ts";
export { readRtcpFraming, RtcpPacketType } from "./header.ts";
export type { RtcpFraming, RtcpPacketCommon } from "./header.ts";
export { REPORT_BLOCK_SIZE } from "./report-block.ts";
export type { ReportBlock } from "./report-block.ts";
export { encodeSenderReport, parseSenderReport, senderReportSize, writeSenderReport } from "./sender-report.ts";
export type { SenderReport, SenderReportParsed } from "./sender-report.ts";
export { encodeReceiverReport, parseReceiverReport, receiverReportSize, writeReceiverReport } from "./receiver-report.ts";
export type { ReceiverReport, ReceiverReportParsed } from "./receiver-report.ts";
export {
  encodeSourceDescription,
  parseSourceDescription,
  sdesItem,
  SdesItemType,
  sdesItemText,
  sourceDescriptionSize,
  writeSourceDescription,
} from "./sdes.ts";
export type { SdesChunk, SdesItem, SourceDescription, SourceDescriptionParsed } from "./sdes.ts";
export { encodeGoodbye, goodbyeSize, parseGoodbye, writeGoodbye } from "./bye.ts";
export type { Goodbye, GoodbyeParsed } from "./bye.ts";
export {
  applicationDefinedSize,
  encodeApplicationDefined,
  parseApplicationDefined,
  writeApplicationDefined,
} from "./app.ts";
export type { ApplicationDefined, ApplicationDefinedParsed } from "./app.ts";
export { encodeGenericFeedback, genericFeedbackSize, parseGenericFeedback, writeGenericFeedback } from "./feedback.ts";
export type { GenericFeedback, GenericFeedbackParsed } from "./feedback.ts";
export {
  encodeGenericNack,
  genericNackSize,
  NACK_FMT,
  nackItemsFor,
  nackSequenceNumbers,
  parseGenericNack,
  writeGenericNack,
} from "./nack.ts";
export type { GenericNack, GenericNackParsed, NackItem } from "./nack.ts";
export {
  encodePictureLossIndication,
  parsePictureLossIndication,
  pictureLossIndicationSize,
  PLI_FMT,
  writePictureLossIndication,
} from "./pli.ts";
export type { PictureLossIndication, PictureLossIndicationParsed } from "./pli.ts";
export { encodeFullIntraRequest, FIR_FMT, fullIntraRequestSize, parseFullIntraRequest, writeFullIntraRequest } from "./fir.ts";
export type { FirEntry, FullIntraRequest, FullIntraRequestParsed } from "./fir.ts";
export {
  encodeExtendedReport,
  extendedReportSize,
  isVoipMetricsBlock,
  parseExtendedReport,
  writeExtendedReport,
  XR_VOIP_METRICS,
} from "./xr.ts";
export type { ExtendedReport, ExtendedReportParsed, UnknownXrBlock, VoipMetricsBlock, XrBlock } from "./xr.ts";
export {
  encodeRtcpCompound,
  parseRtcpCompound,
  parseRtcpPacket,
  rtcpCompoundSize,
  rtcpPacketSize,
  writeRtcpCompound,
  writeRtcpPacket,
} from "./compound.ts";
export type {
  ParseRtcpCompoundOptions,
  RtcpCompoundParsed,
  RtcpPacket,
  RtcpPacketParsed,
  UnknownRtcpPacket,
} from "./compound.ts";
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
