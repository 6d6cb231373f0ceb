/**
 * The error hierarchy of siphon and the result shape of byte-level parsers.
 *
 * Byte-level parsers (`tryParseX`) return a {@link ParseResult}: a value, or a {@link ParseFailure}
 * that costs no `Error` object and no stack trace, so a flood of malformed datagrams is cheap to
 * refuse. The throwing forms (`parseX`) wrap a failure in the layer's error class. Every error class
 * extends {@link SiphonError}: a machine-readable `code` (UPPER_SNAKE_CASE, one list per layer), a
 * byte or character `offset` where a position applies, and the original `cause` when there is one.
 */
export class SiphonError extends Error {
  /** A stable, machine-readable error code (per layer, UPPER_SNAKE_CASE). */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The success arm of a byte-level parser. Parsers that stop inside their input add `end`. */
export interface ParseOk<T> {
  readonly ok: true;
  readonly value: T;
}

/** The failure arm of a byte-level parser: what went wrong and where, without an Error object. */
export interface ParseFailure<C extends string = string> {
  readonly ok: false;
  /** The layer's error code (UPPER_SNAKE_CASE). */
  readonly code: C;
  /** Byte (or, for text parsers, character) offset in the input where the problem was found. */
  readonly offset: number;
}

/** What `tryParseX` returns. */
export type ParseResult<T, C extends string = string> = ParseOk<T> | ParseFailure<C>;

/**
 * What a parser that stops inside its input returns (one packet of a compound, one value of a
 * list): `end` is the offset just past what it read.
 */
export type ParseResultEnd<T, C extends string = string> = (ParseOk<T> & { readonly end: number }) | ParseFailure<C>;

/**
 * @internal The value of a result, or the layer's error for its failure: what every throwing
 * `parseX` does with its `tryParseX`.
 */
export function unwrap<T, C extends string>(r: ParseResult<T, C>, error: (f: ParseFailure<C>) => Error): T {
  if (!r.ok) throw error(r);
  return r.value;
}

/** @internal A failure value (one small object, no Error and no stack trace). */
export function parseFailure<C extends string>(code: C, offset: number): ParseFailure<C> {
  return { ok: false, code, offset };
}
