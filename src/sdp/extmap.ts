import { isDirection } from "./direction.ts";
import type { SdpDirection } from "./direction.ts";
import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `a=extmap:<value>["/"<direction>] <URI> <extensionattributes>` (RFC 8285 §8): a header extension
 * id (1–14 one-byte, up to 255 two-byte), its URI and optional attributes.
 */
export interface SdpExtmap {
  id: number;
  direction?: SdpDirection | undefined;
  uri: string;
  attributes?: string | undefined;
}

/** @internal Reads an extmap value, or returns undefined when it is malformed. */
export function readExtmap(value: string): SdpExtmap | undefined {
  const sp = value.indexOf(" ");
  if (sp <= 0) return undefined;
  const head = value.slice(0, sp);
  const slash = head.indexOf("/");
  const id = parseUint(slash < 0 ? head : head.slice(0, slash), 4095);
  if (id <= 0) return undefined;
  const rest = value.slice(sp + 1).trimStart();
  if (!rest) return undefined;
  const sp2 = rest.indexOf(" ");
  const e: SdpExtmap = { id, uri: sp2 < 0 ? rest : rest.slice(0, sp2) };
  if (slash >= 0) {
    const d = head.slice(slash + 1);
    if (!isDirection(d)) return undefined;
    e.direction = d;
  }
  if (sp2 >= 0) e.attributes = rest.slice(sp2 + 1).trimStart();
  return e;
}

/**
 * Parses an `a=extmap` value (RFC 8285 §8). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseExtmap: (value: string) => SdpExtmap = throwingParser(readExtmap, "a=extmap");

/** {@link parseExtmap} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseExtmap: (value: string) => ParseResult<SdpExtmap, SdpErrorCode> = resultParser(readExtmap);

/** Formats an extmap value. */
export function formatExtmap(e: SdpExtmap): string {
  let s = e.direction === undefined ? `${e.id} ${e.uri}` : `${e.id}/${e.direction} ${e.uri}`;
  if (e.attributes !== undefined) s += ` ${e.attributes}`;
  return s;
}
