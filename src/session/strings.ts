/**
 * Small text helpers of the session layer.
 *
 * Values read from a parsed message are substrings of the message's decoded text, and engines keep
 * such a substring as a view of its parent: a dialog that kept its Call-ID that way would keep the
 * whole INVITE alive for the length of the call. {@link own} copies a value that outlives its message.
 */

/** A copy of `s` that shares no storage with the string it was cut from. */
export function own(s: string): string {
  // Concatenation makes a rope; slicing the rope flattens it into new storage, so the result refers
  // to that copy (one character longer) and not to the message text `s` came from.
  return s.length < 13 ? s : (" " + s).slice(1);
}

/** Whether a comma-separated option-tag or method list (Supported, Require, Allow) names `token`. */
export function listHas(values: readonly string[], token: string): boolean {
  for (const v of values) if (v.toLowerCase() === token) return true;
  return false;
}

/** Exhaustiveness check for `switch` statements over string unions. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}
