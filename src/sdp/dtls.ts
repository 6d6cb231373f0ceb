import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/** `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5): `sha-256 AB:CD:...`. */
export interface SdpFingerprint {
  hash: string;
  value: string;
}

/** @internal Reads a fingerprint value, or returns undefined when it is malformed. */
export function readFingerprint(value: string): SdpFingerprint | undefined {
  const f = splitFields(value);
  return f.length === 2 ? { hash: f[0]!.toLowerCase(), value: f[1]! } : undefined;
}

/**
 * Parses an `a=fingerprint` value (RFC 8122 §5). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it
 * is malformed.
 */
export const parseFingerprint: (value: string) => SdpFingerprint = throwingParser(readFingerprint, "a=fingerprint");

/** {@link parseFingerprint} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseFingerprint: (value: string) => ParseResult<SdpFingerprint, SdpErrorCode> = resultParser(readFingerprint);

/** Formats a fingerprint value. */
export function formatFingerprint(f: SdpFingerprint): string {
  return `${f.hash} ${f.value}`;
}

/** `a=setup` roles (RFC 4145 §4, RFC 8842 §5.2 for DTLS). */
export type SdpSetupRole = "active" | "passive" | "actpass" | "holdconn";

/** @internal Reads a setup value, or returns undefined when it is not one of the four roles. */
export function readSetup(value: string): SdpSetupRole | undefined {
  const v = value.trim();
  return v === "active" || v === "passive" || v === "actpass" || v === "holdconn" ? v : undefined;
}

/**
 * Parses an `a=setup` value (RFC 4145 §4: one of the four roles). @throws SdpParseError
 * BAD_ATTRIBUTE_VALUE when it is malformed.
 */
export const parseSetup: (value: string) => SdpSetupRole = throwingParser(readSetup, "a=setup");

/** {@link parseSetup} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseSetup: (value: string) => ParseResult<SdpSetupRole, SdpErrorCode> = resultParser(readSetup);
