/**
 * A copy of `s` that shares no storage with the string it was cut from. A value read from a parsed
 * message (a tag, a Call-ID, a header field) is a substring of the message's decoded text, which
 * engines keep as a view of that text: kept for the length of a call or a transaction's 32 s, it
 * would keep the whole message alive. Concatenation makes a rope and slicing the rope flattens it
 * into new storage, so the result refers to that copy (one character longer). Short strings are
 * copies already.
 */
export function ownText(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}
