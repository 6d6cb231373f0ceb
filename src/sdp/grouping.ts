import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `a=group:<semantics> *(SP <identification-tag>)` (RFC 5888 §5): `BUNDLE audio video` (RFC 9143)
 * or `LS 1 2`. The tags are the a=mid values of the grouped media sections.
 */
export interface SdpGroup {
  semantics: string;
  mids: string[];
}

/** @internal Reads a group value, or returns undefined when it is empty. */
export function readGroup(value: string): SdpGroup | undefined {
  const f = splitFields(value);
  return f.length === 0 ? undefined : { semantics: f[0]!, mids: f.slice(1) };
}

/**
 * Parses an `a=group` value (RFC 5888 §5). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseGroup: (value: string) => SdpGroup = throwingParser(readGroup, "a=group");

/** {@link parseGroup} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseGroup: (value: string) => ParseResult<SdpGroup, SdpErrorCode> = resultParser(readGroup);

/** Formats a group value. */
export function formatGroup(g: SdpGroup): string {
  return [g.semantics, ...g.mids].join(" ");
}
