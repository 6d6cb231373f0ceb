/**
 * The public pair of every line and attribute value parser of the layer, made from one reader.
 *
 * Each value type has a reader (`readRtpMap`, `readCrypto`, …) that returns the value or
 * `undefined` and builds nothing on failure: the typed accessors and the negotiation use it, and a
 * malformed attribute costs no more than a skipped one. Users get the conventional forms made from
 * it here: `parseX` throws {@link SdpParseError}, `tryParseX` returns a {@link ParseResult}. Their
 * failures have offset 0 (the value as a whole) and line 0 (no description around it).
 *
 * Internal to src/sdp.
 */
import { parseFailure } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { SdpParseError } from "./errors.ts";
import type { SdpErrorCode } from "./errors.ts";

/** A reader of one value type: the value, or undefined when the text is malformed. */
export type SdpValueReader<T> = (value: string) => T | undefined;

/**
 * The throwing parser made from `read`: {@link SdpParseError} with `code` (BAD_ATTRIBUTE_VALUE for
 * attributes) and a message naming the line (`a=rtpmap`) and showing the value.
 */
export function throwingParser<T>(read: SdpValueReader<T>, line: string, code: SdpErrorCode = "BAD_ATTRIBUTE_VALUE"): (value: string) => T {
  return (value) => {
    const v = read(value);
    if (v !== undefined) return v;
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    throw new SdpParseError(code, `SDP: malformed ${line} value ${JSON.stringify(shown)}`);
  };
}

/** The result-value parser made from `read`: a failure with `code` at offset 0, no Error built. */
export function resultParser<T>(read: SdpValueReader<T>, code: SdpErrorCode = "BAD_ATTRIBUTE_VALUE"): (value: string) => ParseResult<T, SdpErrorCode> {
  return (value) => {
    const v = read(value);
    return v === undefined ? parseFailure(code, 0) : { ok: true, value: v };
  };
}
