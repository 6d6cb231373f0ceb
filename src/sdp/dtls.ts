import { splitFields } from "./fields.ts";

/** `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5): `sha-256 AB:CD:...`. */
export interface SdpFingerprint {
  hash: string;
  value: string;
}

/** Parses a fingerprint value, or returns undefined when it is malformed. */
export function parseFingerprint(value: string): SdpFingerprint | undefined {
  const f = splitFields(value);
  return f.length === 2 ? { hash: f[0]!.toLowerCase(), value: f[1]! } : undefined;
}

/** Formats a fingerprint value. */
export function formatFingerprint(f: SdpFingerprint): string {
  return `${f.hash} ${f.value}`;
}

/** `a=setup` roles (RFC 4145 §4, RFC 8842 §5.2 for DTLS). */
export type SdpSetupRole = "active" | "passive" | "actpass" | "holdconn";

/** Reads a setup value, or returns undefined when it is not one of the four roles. */
export function parseSetup(value: string): SdpSetupRole | undefined {
  const v = value.trim();
  return v === "active" || v === "passive" || v === "actpass" || v === "holdconn" ? v : undefined;
}
