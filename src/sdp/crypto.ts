import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint, splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * One key parameter of an a=crypto line (RFC 4568 §6.1): for the `inline` method,
 * `inline:<key||salt base64>[|<lifetime>][|<MKI>:<length>]`. `lifetime` is a packet count (`2^20`
 * is read as 1048576); `mki` is the master key identifier and its length in bytes. Other key
 * methods keep their text in `info`.
 */
export interface SdpCryptoKey {
  method: string;
  info: string;
  keySalt?: string | undefined;
  lifetime?: number | undefined;
  mki?: { value: number; length: number } | undefined;
}

/**
 * `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]` (RFC 4568 §9.1). Several keys
 * are separated by `;`; session parameters (`KDR=1`, `UNENCRYPTED_SRTCP`, `FEC_ORDER=FEC_SRTP`) are
 * kept as their text.
 */
export interface SdpCrypto {
  tag: number;
  suite: string;
  keys: SdpCryptoKey[];
  sessionParams: string[];
}

function parseKey(text: string): SdpCryptoKey | undefined {
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const method = text.slice(0, colon);
  const info = text.slice(colon + 1);
  if (method !== "inline") return { method, info };
  const parts = info.split("|");
  if (parts.length > 3 || parts[0]!.length === 0) return undefined;
  const key: SdpCryptoKey = { method, info, keySalt: parts[0]! };
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const c = p.indexOf(":");
    if (c >= 0) {
      // RFC 4568 §6.1: MKI ":" length, the length in bytes, at most 128.
      const value = parseUint(p.slice(0, c), Number.MAX_SAFE_INTEGER);
      const length = parseUint(p.slice(c + 1), 128);
      if (value < 0 || length <= 0 || i !== parts.length - 1) return undefined;
      key.mki = { value, length };
    } else {
      if (key.lifetime !== undefined || i !== 1) return undefined;
      const lifetime = p.startsWith("2^") ? 2 ** parseUint(p.slice(2), 64) : parseUint(p, Number.MAX_SAFE_INTEGER);
      if (!(lifetime > 0) || !Number.isFinite(lifetime) || (p.startsWith("2^") && p.length < 3)) return undefined;
      key.lifetime = lifetime;
    }
  }
  return key;
}

/** @internal Reads a crypto value, or returns undefined when it is malformed. */
export function readCrypto(value: string): SdpCrypto | undefined {
  const f = splitFields(value);
  if (f.length < 3) return undefined;
  // RFC 4568 §9.1: tag = 1*9DIGIT.
  const tag = parseUint(f[0]!, 999_999_999);
  if (tag < 0 || f[0]!.length > 9) return undefined;
  const keys: SdpCryptoKey[] = [];
  for (const k of f[2]!.split(";")) {
    const key = parseKey(k);
    if (!key) return undefined;
    keys.push(key);
  }
  return { tag, suite: f[1]!, keys, sessionParams: f.slice(3) };
}

/**
 * Parses an `a=crypto` value (RFC 4568 §9.1). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseCrypto: (value: string) => SdpCrypto = throwingParser(readCrypto, "a=crypto");

/** {@link parseCrypto} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseCrypto: (value: string) => ParseResult<SdpCrypto, SdpErrorCode> = resultParser(readCrypto);

function formatLifetime(n: number): string {
  const log = Math.log2(n);
  return Number.isInteger(log) && log >= 10 ? `2^${log}` : `${n}`;
}

/** Formats one key parameter. */
export function formatCryptoKey(k: SdpCryptoKey): string {
  if (k.method !== "inline" || k.keySalt === undefined) return `${k.method}:${k.info}`;
  let s = `inline:${k.keySalt}`;
  if (k.lifetime !== undefined) s += `|${formatLifetime(k.lifetime)}`;
  if (k.mki !== undefined) s += `|${k.mki.value}:${k.mki.length}`;
  return s;
}

/** Formats a crypto value. */
export function formatCrypto(c: SdpCrypto): string {
  let s = `${c.tag} ${c.suite} ${c.keys.map(formatCryptoKey).join(";")}`;
  for (const p of c.sessionParams) s += ` ${p}`;
  return s;
}
