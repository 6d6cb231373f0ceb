/**
 * RTP (RFC 3550): header codec with CSRCs, padding and header extensions (RFC 8285 elements),
 * a zero-allocation reader and a Wasm batch path for the media engine, per-source reception
 * statistics (A.1/A.3/A.8), SSRC demultiplexing and first-byte demultiplexing of a shared port
 * (RFC 5761, RFC 7983).
 * @module
 */
export { RtpError, RtpErrorCode, rtpErrorName } from "./errors.ts";
export type { RtpParseFailure } from "./errors.ts";
export {
  encodeRtpHeader,
  encodeRtpPacket,
  parseRtpHeader,
  rtpHeaderSize,
  rtpPacketSize,
  writeRtpHeader,
  writeRtpPacket,
} from "./header.ts";
export type {
  EncodeRtpPacketOptions,
  RtpHeader,
  RtpHeaderExtension,
  RtpHeaderParsed,
  RtpHeaderResult,
} from "./header.ts";
export {
  encodeRtpExtensionElements,
  ONE_BYTE_EXTENSION_PROFILE,
  parseRtpExtensionElements,
  rtpExtensionElementsSize,
  rtpExtensionFormFor,
  rtpExtensionProfile,
  TWO_BYTE_EXTENSION_PROFILE,
  writeRtpExtensionElements,
} from "./header-extension.ts";
export type {
  RtpExtensionElement,
  RtpExtensionElementsParsed,
  RtpExtensionElementsResult,
  RtpExtensionForm,
} from "./header-extension.ts";
export { RtpHeaderReader } from "./header-reader.ts";
export { RtpBatch, rtpBatch } from "./rtp-batch.ts";
export type { RtpBatchHeaderFields } from "./rtp-batch.ts";
export { RtpReceiveStats } from "./receive-stats.ts";
export type { RtpReceiveStatsConfig, RtpReceptionReport } from "./receive-stats.ts";
export { SsrcDemuxer } from "./ssrc-demux.ts";
export { classifyMediaPacket, isPayloadTypeRtcpConflicting } from "./demux.ts";
export type { MediaPacketKind } from "./demux.ts";
