import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint, splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/** `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1): `1234 cname:user@host`. */
export interface SdpSsrc {
  id: number;
  attribute: string;
  value?: string | undefined;
}

/** @internal Reads an ssrc value, or returns undefined when it is malformed. */
export function readSsrc(value: string): SdpSsrc | undefined {
  const sp = value.indexOf(" ");
  const id = parseUint(sp < 0 ? value : value.slice(0, sp), 0xffffffff);
  if (id < 0 || sp < 0) return undefined;
  const rest = value.slice(sp + 1).trimStart();
  if (!rest) return undefined;
  const colon = rest.indexOf(":");
  return colon < 0 ? { id, attribute: rest } : { id, attribute: rest.slice(0, colon), value: rest.slice(colon + 1) };
}

/**
 * Parses an `a=ssrc` value (RFC 5576 §4.1). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseSsrc: (value: string) => SdpSsrc = throwingParser(readSsrc, "a=ssrc");

/** {@link parseSsrc} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseSsrc: (value: string) => ParseResult<SdpSsrc, SdpErrorCode> = resultParser(readSsrc);

/** Formats an ssrc value. */
export function formatSsrc(s: SdpSsrc): string {
  return s.value === undefined ? `${s.id} ${s.attribute}` : `${s.id} ${s.attribute}:${s.value}`;
}

/** `a=ssrc-group:<semantics> <ssrc-id> ...` (RFC 5576 §4.2): `FID 1234 5678`. */
export interface SdpSsrcGroup {
  semantics: string;
  ssrcs: number[];
}

/** @internal Reads an ssrc-group value, or returns undefined when it is malformed. */
export function readSsrcGroup(value: string): SdpSsrcGroup | undefined {
  const f = splitFields(value);
  if (f.length < 1) return undefined;
  const ssrcs: number[] = [];
  for (let i = 1; i < f.length; i++) {
    const id = parseUint(f[i]!, 0xffffffff);
    if (id < 0) return undefined;
    ssrcs.push(id);
  }
  return { semantics: f[0]!, ssrcs };
}

/**
 * Parses an `a=ssrc-group` value (RFC 5576 §4.2). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it
 * is malformed.
 */
export const parseSsrcGroup: (value: string) => SdpSsrcGroup = throwingParser(readSsrcGroup, "a=ssrc-group");

/** {@link parseSsrcGroup} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseSsrcGroup: (value: string) => ParseResult<SdpSsrcGroup, SdpErrorCode> = resultParser(readSsrcGroup);

/** Formats an ssrc-group value. */
export function formatSsrcGroup(g: SdpSsrcGroup): string {
  return [g.semantics, ...g.ssrcs].join(" ");
}
