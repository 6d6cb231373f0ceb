/**
 * Light scans over header field text, for messages that were built or changed (a parsed message
 * has the tokenizer's table instead, token-table.ts): line unfolding, the tag or branch parameter of
 * an address or Via without parsing it, and the first list separator. Internal to src/sip.
 */

/** Folding LWS (CRLF followed by whitespace) is equivalent to one SP (RFC 3261 §7.3.1). */
export function unfold(s: string): string {
  return s.replace(/[ \t]*\r?\n[ \t]+/g, " ");
}

/**
 * The value of header parameter `name` (lower-case) of the first value in a name-addr or Via field:
 * parameters begin at the first ";" outside quotes and <>, and the value ends at a "," outside quotes.
 * The same scan as the Wasm tokenizer's (assembly/sip/tokenizer.ts findParam).
 */
export function findHeaderParam(v: string, name: string): string | undefined {
  let inParams = false;
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x22) {
      i = skipQuoted(v, i);
    } else if (c === 0x2c) {
      return undefined;
    } else if (c === 0x3c && !inParams) {
      const close = v.indexOf(">", i);
      if (close < 0) return undefined;
      i = close;
    } else if (c === 0x3b) {
      inParams = true;
      const j = skipWsp(v, i + 1);
      if (startsWithLower(v, j, name)) {
        let k = skipWsp(v, j + name.length);
        if (k < n && v.charCodeAt(k) === 0x3d) {
          k = skipWsp(v, k + 1);
          let e = k;
          while (e < n && isTokenCode(v.charCodeAt(e))) e++;
          return e > k ? v.slice(k, e) : undefined;
        }
        if (k >= n || v.charCodeAt(k) === 0x3b || v.charCodeAt(k) === 0x2c) return undefined;
      }
      i = j - 1;
    }
  }
  return undefined;
}

/** Whether `v` has `lower` (lower-case ASCII) at `at`, compared case-insensitively without a copy. */
function startsWithLower(v: string, at: number, lower: string): boolean {
  const m = lower.length;
  if (v.length - at < m) return false;
  for (let i = 0; i < m; i++) {
    const c = v.charCodeAt(at + i);
    // ASCII upper-case letters fold to lower-case; nothing else changes.
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Index of the first comma outside quoted strings and angle brackets, or -1. */
export function topLevelComma(s: string): number {
  let angle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) i = skipQuoted(s, i);
    else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) return i;
  }
  return -1;
}

/** The index of the closing quote of the quoted string opening at `i` (quoted-pairs skipped), or the end. */
function skipQuoted(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d === 0x5c) i++;
    else if (d === 0x22) break;
  }
  return i;
}

function skipWsp(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** RFC 3261 §25.1 token characters. */
function isTokenCode(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x21 || c === 0x25 || c === 0x2a || c === 0x5f || c === 0x2b || c === 0x60 || c === 0x27 || c === 0x7e
  );
}
