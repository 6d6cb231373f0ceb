// The Recommendation's 16-bit fixed-point operations, as the G.722 coder and filters use them.

/** Saturation to 16 bits: the Recommendation's ADD and SUB keep their result within a 16-bit word. */
@inline export function sat16(x: i32): i32 {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

/** LIMIT: a sub-band signal to 15 bits. */
@inline export function limit15(x: i32): i32 {
  return x < -16384 ? -16384 : x > 16383 ? 16383 : x;
}

/**
 * MULT of two 16-bit words, (a * b) >> 15. The Recommendation's MULT also saturates the one product
 * (-32768) * (-32768); no operand pair of the coder reaches it (|D| stays below 10229, |A1| below
 * 27649), so the plain product and shift are exact.
 */
@inline export function mult(a: i32, b: i32): i32 {
  return (a * b) >> 15;
}
