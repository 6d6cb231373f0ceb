/**
 * Audio payload formats: G.711 μ-law/A-law (Wasm, bit-exact with ITU-T G.191), L16 (RFC 3551),
 * RFC 4733 telephone events with a DTMF packet-sequence helper, RFC 3389 comfort noise.
 * @module
 */
export { CodecError, CodecErrorCode, codecErrorName } from "./errors.ts";
export type { CodecParseFailure } from "./errors.ts";
export {
  decodeAlaw,
  decodeG711,
  decodeUlaw,
  encodeAlaw,
  encodeG711,
  encodeUlaw,
  g711DecodeAt,
  g711EncodeAt,
  g711Scratch,
} from "./g711.ts";
export type { G711Law, G711Scratch } from "./g711.ts";
export { encodeL16, l16Size, l16SwapAt, parseL16, writeL16 } from "./l16.ts";
export type { L16Parsed } from "./l16.ts";
export {
  dtmfDigit,
  dtmfEventCode,
  encodeTelephoneEvent,
  parseTelephoneEvent,
  TELEPHONE_EVENT_SIZE,
  telephoneEventSize,
  writeTelephoneEvent,
} from "./telephone-event.ts";
export type { TelephoneEvent, TelephoneEventParsed } from "./telephone-event.ts";
export { telephoneEventPackets } from "./dtmf-sender.ts";
export type { TelephoneEventPacket, TelephoneEventStart, TelephoneEventTone } from "./dtmf-sender.ts";
export {
  comfortNoiseReflectionCoefficient,
  comfortNoiseSize,
  encodeComfortNoise,
  parseComfortNoise,
  writeComfortNoise,
} from "./comfort-noise.ts";
export type { ComfortNoise, ComfortNoiseParsed } from "./comfort-noise.ts";
export * from "./opus.ts";
