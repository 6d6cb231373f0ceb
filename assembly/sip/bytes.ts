// Byte-level scanning for the SIP tokenizer (RFC 3261 §25.1): character classes, and the searches
// that run 16 bytes at a time with SIMD (control characters, separator sets).

/** SP, HTAB, CR and LF (RFC 3261 §25: the characters of LWS and line ends). */
export const SP: u32 = 0x20;
export const HT: u32 = 0x09;
export const CR: u32 = 0x0d;
export const LF: u32 = 0x0a;

// Character classes: bit 0 = token char (RFC 3261 §25.1 token).
const CLASS = memory.data(256);

/** Builds the character classes; called once from the module start. */
export function initClasses(): void {
  // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
  for (let c = 0x30; c <= 0x39; c++) store<u8>(CLASS + c, 1);
  for (let c = 0x41; c <= 0x5a; c++) store<u8>(CLASS + c, 1);
  for (let c = 0x61; c <= 0x7a; c++) store<u8>(CLASS + c, 1);
  const extra = "-.!%*_+`'~";
  for (let i = 0; i < extra.length; i++) store<u8>(CLASS + <usize>extra.charCodeAt(i), 1);
}

/** The byte at `p`. */
@inline export function at(p: usize): u32 {
  return <u32>load<u8>(p);
}
/** RFC 3261 §25.1 token character. */
@inline export function isToken(c: u32): bool {
  return load<u8>(CLASS + c) != 0;
}
/** WSP: SP or HTAB. */
@inline export function isWsp(c: u32): bool {
  return c == SP || c == HT;
}
/** Whitespace inside a value, folding included (LWS, RFC 3261 §25.1). */
@inline export function isLws(c: u32): bool {
  return c == SP || c == HT || c == CR || c == LF;
}

/** Whether findControl met a byte >= 0x80 since the last {@link takeNonAscii}. */
let high: u32 = 0;

/** Whether a byte >= 0x80 was met since the last call; starts over. */
export function takeNonAscii(): bool {
  const h = high != 0;
  high = 0;
  return h;
}

/**
 * First byte in [p, end) that is a control character other than HT (CR and LF included), or `end`.
 * Notes for {@link takeNonAscii} a byte >= 0x80 seen before that point.
 */
export function findControl(p: usize, end: usize): usize {
  if (ASC_FEATURE_SIMD) {
    const lim = i8x16.splat(0x20);
    const top = i8x16.splat(<i8>0x80);
    while (p + 16 <= end) {
      const v = v128.load(p);
      let m = i8x16.bitmask(i8x16.lt_u(v, lim));
      while (m != 0) {
        const q = p + <usize>ctz(m);
        if (at(q) != HT) {
          if (i8x16.bitmask(v128.and(v, top)) & ((1 << <i32>(q - p)) - 1)) high = 1;
          return q;
        }
        m &= m - 1;
      }
      if (i8x16.bitmask(v) != 0) high = 1;
      p += 16;
    }
  }
  while (p < end) {
    const c = at(p);
    if (c < 0x20 && c != HT) return p;
    if (c >= 0x80) high = 1;
    p++;
  }
  return end;
}

/** Skips a quoted string starting at the opening quote; returns the position after the closing quote or `e`. */
export function skipQuoted(p: usize, e: usize): usize {
  p++;
  while (p < e) {
    const c = at(p);
    if (c == 0x5c) p += 2; //                  quoted-pair
    else if (c == 0x22) return p + 1;
    else p++;
  }
  return e;
}

/** First byte in [p, e) equal to a, b, c or d, or `e` (16 bytes at a time with SIMD). */
@inline export function findAny(p: usize, e: usize, a: u8, b: u8, c: u8, d: u8): usize {
  if (ASC_FEATURE_SIMD) {
    const va = i8x16.splat(a);
    const vb = i8x16.splat(b);
    const vc = i8x16.splat(c);
    const vd = i8x16.splat(d);
    while (p + 16 <= e) {
      const v = v128.load(p);
      const hit = v128.or(v128.or(i8x16.eq(v, va), i8x16.eq(v, vb)), v128.or(i8x16.eq(v, vc), i8x16.eq(v, vd)));
      const m = i8x16.bitmask(hit);
      if (m != 0) return p + <usize>ctz(m);
      p += 16;
    }
  }
  while (p < e) {
    const x = load<u8>(p);
    if (x == a || x == b || x == c || x == d) return p;
    p++;
  }
  return e;
}
