/**
 * How the SIP value parsers fail. Inside src/sip they throw {@link FAILED}, one shared object that is
 * not an Error, so refusing malformed text builds no Error and captures no stack; the details are
 * left in {@link failure}. The public entry points turn it into a result value ({@link attempt}, for
 * `tryParseX`) or a `SipParseError` ({@link run}, for `parseX`; {@link failureError} in the message
 * accessors). It never leaves the layer. Internal to src/sip.
 */
import { parseFailure } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { SipParseError } from "./errors.ts";
import type { SipErrorCode } from "./errors.ts";

/**
 * What the value parsers throw inside src/sip: one shared object, not an Error, so that refusing a
 * malformed value builds no Error and captures no stack. The details are in {@link failure}. The
 * public entry points turn it into a result value ({@link tryParser}) or a {@link SipParseError}
 * ({@link parser}, {@link failureError}); it never leaves the layer.
 */
export const FAILED: { readonly failed: true } = Object.freeze({ failed: true });

/** The last failure thrown as {@link FAILED}: valid in the `catch` that caught it. */
export const failure: { code: SipErrorCode; message: string; offset: number } = { code: "BAD_HEADER_VALUE", message: "", offset: 0 };

/** Records a failure (value code, message, character offset) and throws {@link FAILED}. */
export function fail(code: SipErrorCode, message: string, offset: number): never {
  failure.code = code;
  failure.message = message;
  failure.offset = offset;
  throw FAILED;
}

/**
 * The SipParseError for what a value parser threw: the recorded failure (prefixed with the header
 * it came from, when given) for {@link FAILED}, anything else unchanged (a bug, not bad input).
 */
export function failureError(e: unknown, header?: string): unknown {
  if (e !== FAILED) return e;
  const message = header === undefined ? failure.message : `${header}: ${failure.message}`;
  return new SipParseError(failure.code, message, { offset: failure.offset, header });
}

/** Runs a value parser for a throwing public form: SipParseError with the code and character offset. */
export function run<T>(read: (text: string) => T, text: string): T {
  try {
    return read(text);
  } catch (e) {
    throw failureError(e);
  }
}

/** Runs a value parser for a result-value public form: no Error is built for malformed text. */
export function attempt<T>(read: (text: string) => T, text: string): ParseResult<T, SipErrorCode> {
  try {
    return { ok: true, value: read(text) };
  } catch (e) {
    if (e !== FAILED) throw e;
    return parseFailure(failure.code, failure.offset);
  }
}
