/**
 * RTP (RFC 3550): the packet codec with CSRCs, padding and header extensions (RFC 8285 elements),
 * a zero-allocation reader and a Wasm batch path for the media engine, per-source reception
 * statistics (A.1/A.3/A.8), SSRC demultiplexing and first-byte demultiplexing of a shared port
 * (RFC 5761, RFC 7983).
 *
 * `tryParseRtpPacket` returns a result value and builds no Error for a bad packet;
 * `parseRtpPacket` throws {@link RtpError}. The allocation-free paths (`RtpHeaderReader`,
 * `RtpBatch`) return numbers: negative for an invalid packet, whose code {@link rtpErrorCode} gives.
 * @module
 */
export { RtpError, rtpErrorCode } from "./errors.ts";
export type { RtpErrorCode } from "./errors.ts";
export {
  encodeRtpHeader,
  encodeRtpPacket,
  parseRtpPacket,
  rtpHeaderSize,
  rtpPacketSize,
  tryParseRtpPacket,
  writeRtpHeader,
  writeRtpPacket,
} from "./header.ts";
export type { ParsedRtpPacket, RtpHeader, RtpHeaderExtension, RtpPacket } from "./header.ts";
export {
  encodeRtpExtensionElements,
  ONE_BYTE_EXTENSION_PROFILE,
  parseRtpExtensionElements,
  rtpExtensionElementsSize,
  rtpExtensionFormFor,
  rtpExtensionProfile,
  tryParseRtpExtensionElements,
  TWO_BYTE_EXTENSION_PROFILE,
  writeRtpExtensionElements,
} from "./header-extension.ts";
export type { RtpExtensionElement, RtpExtensionElements, RtpExtensionForm } from "./header-extension.ts";
export { RtpHeaderReader } from "./header-reader.ts";
export { rtpBatch } from "./rtp-batch.ts";
export type { RtpBatch, RtpBatchHeaderFields } from "./rtp-batch.ts";
export { RtpReceiveStats } from "./receive-stats.ts";
export type { ReportBlock, RtpReceiveStatsConfig } from "./receive-stats.ts";
export { SsrcDemuxer } from "./ssrc-demux.ts";
export { classifyMediaPacket, isPayloadTypeRtcpConflicting } from "./demux.ts";
export type { MediaPacketKind } from "./demux.ts";
