/**
 * Audio payload formats: G.711 μ-law/A-law (Wasm, bit-exact with ITU-T G.191), G.722 encoder and
 * decoder (Wasm, bit-exact with the ITU-T reference), L16 (RFC 3551), RFC 4733 telephone events
 * with a DTMF packet-sequence helper, RFC 3389 comfort noise.
 *
 * Payload parsers come in pairs: `tryParseX` returns a result value, `parseX` throws
 * {@link CodecError}.
 * @module
 */
export { CodecError } from "./errors.ts";
export type { CodecErrorCode } from "./errors.ts";
export { decodeAlaw, decodeG711, decodeUlaw, encodeAlaw, encodeG711, encodeUlaw, writeG711 } from "./g711.ts";
export type { G711Law } from "./g711.ts";
export { createG722Decoder, createG722Encoder, G722_CLOCK_RATE, G722_MAX_STATES, G722_SAMPLE_RATE } from "./g722.ts";
export type { G722Bitrate, G722Decoder, G722Encoder, G722Options } from "./g722.ts";
export { encodeL16, l16Size, parseL16, tryParseL16, writeL16 } from "./l16.ts";
export {
  dtmfDigit,
  dtmfEventCode,
  encodeTelephoneEvent,
  parseTelephoneEvent,
  TELEPHONE_EVENT_SIZE,
  telephoneEventSize,
  tryParseTelephoneEvent,
  writeTelephoneEvent,
} from "./telephone-event.ts";
export type { TelephoneEvent } from "./telephone-event.ts";
export { telephoneEventPackets } from "./dtmf-sender.ts";
export type { TelephoneEventPacket, TelephoneEventStart, TelephoneEventTone } from "./dtmf-sender.ts";
export {
  comfortNoiseReflectionCoefficient,
  comfortNoiseSize,
  encodeComfortNoise,
  parseComfortNoise,
  tryParseComfortNoise,
  writeComfortNoise,
} from "./comfort-noise.ts";
export type { ComfortNoise } from "./comfort-noise.ts";
export * from "./opus.ts";
