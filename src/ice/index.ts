/**
 * STUN (RFC 8489): the message codec with MESSAGE-INTEGRITY and FINGERPRINT, and a sans-I/O
 * Binding client that learns the public address a NAT gives us. ICE (RFC 8445) builds on it later.
 * @module
 */
export { StunError } from "./errors.ts";
export type { StunErrorCode, StunParseFailure } from "./errors.ts";
export {
  encodeStunMessage,
  isStunMessage,
  parseStunMessage,
  STUN_ATTRIBUTE,
  STUN_BINDING,
  STUN_MAGIC_COOKIE,
  stunErrorCode,
  stunMappedAddress,
  stunMessageSize,
  tryParseStunMessage,
  verifyStunFingerprint,
  verifyStunIntegrity,
  writeStunMessage,
  xorMappedAddressValue,
} from "./stun-message.ts";
export type { StunAddress, StunAttribute, StunClass, StunEncodeOptions, StunMessage } from "./stun-message.ts";
export { createStunBindingClient, StunBindingClient } from "./binding-client.ts";
export type { StunBindingClientOptions, StunBindingEvent } from "./binding-client.ts";
