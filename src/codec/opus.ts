/**
 * Opus (RFC 6716) for RTP (RFC 7587): encoder, decoder with PLC and in-band FEC, the packet's
 * TOC byte, and the SDP format parameters. libopus runs in WebAssembly, embedded, so it loads the
 * same way on Node, Deno and Bun (no file access, fetch or bundler).
 * @module
 */
export { createOpusDecoder, createOpusEncoder, OpusDecoder, OpusEncoder } from "./opus-codec.ts";
export type { OpusBandwidth, OpusDecoderOptions, OpusEncoderOptions, OpusSampleRate } from "./opus-codec.ts";
export { OpusError } from "./opus-errors.ts";
export type { OpusErrorCode } from "./opus-errors.ts";
export { formatOpusFmtp, opusDecoderOptionsFromFmtp, opusEncoderOptionsFromFmtp, parseOpusFmtp } from "./opus-fmtp.ts";
export type { OpusFmtp } from "./opus-fmtp.ts";
export { opusPacketSamples, tryParseOpusToc } from "./opus-packet.ts";
export type { OpusPacketErrorCode, OpusToc } from "./opus-packet.ts";
