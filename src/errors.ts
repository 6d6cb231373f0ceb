/**
 * The error hierarchy of siphon. Byte-level parsers return result values; the layers above throw
 * (or report) these, always with a machine-readable `code` and the original `cause` when there is one.
 */
export class SiphonError extends Error {
  /** A stable, machine-readable error code (per layer). */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
