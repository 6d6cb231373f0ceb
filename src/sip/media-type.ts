/**
 * Content-Type values (RFC 3261 §20.15): media types that print as their text.
 */
import { expectEnd, readToken, scan, skipLws } from "./grammar.ts";
import { fail, run } from "./failure.ts";
import { formatGenericParams, parseGenericParams } from "./params.ts";
import type { MediaType, Params } from "./types.ts";

/**
 * Content-Type / media-type (RFC 3261 §20.15, §25.1):
 * `m-type SLASH m-subtype *(SEMI m-parameter)`, `m-parameter = m-attribute EQUAL m-value`.
 * Type and subtype are lower-cased into `type` (`"application/sdp"`); values are kept as written.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseMediaType(text: string): MediaType {
  return run(readMediaType, text);
}

/** @internal {@link parseMediaType} inside src/sip. */
export function readMediaType(text: string): MediaType {
  const end = text.length;
  let p = skipLws(text, 0, end);
  const type = readToken(text, p, end, "BAD_HEADER_VALUE", "a media type");
  p = skipLws(text, scan.end, end);
  if (p >= end || text.charCodeAt(p) !== 0x2f) fail("BAD_HEADER_VALUE", "expected '/' in the media type", p);
  p = skipLws(text, p + 1, end);
  const subtype = readToken(text, p, end, "BAD_HEADER_VALUE", "a media subtype");
  const params: Params = {};
  const after = parseGenericParams(text, scan.end, end, params, "BAD_HEADER_VALUE");
  expectEnd(text, after, "BAD_HEADER_VALUE");
  for (const k of Object.keys(params)) {
    if (params[k] === null) fail("BAD_HEADER_VALUE", `media type parameter ${k} needs a value`, p);
  }
  return new MediaTypeValue((type + "/" + subtype).toLowerCase(), params);
}

/** A parsed media type: prints as its RFC 3261 §20.15 text (`application/sdp;charset=utf-8`). */
export class MediaTypeValue implements MediaType {
  type: string;
  params: Params;

  constructor(type: string, params: Params) {
    this.type = type;
    this.params = params;
  }

  /** The media type as text. */
  toString(): string {
    return formatMediaType(this);
  }

  /** The fields as a plain object. */
  toJSON(): MediaType {
    return { type: this.type, params: this.params };
  }
}

/** Formats a media type with its parameters (`application/sdp;charset=utf-8`). */
export function formatMediaType(m: MediaType): string {
  return m.type + formatGenericParams(m.params);
}
