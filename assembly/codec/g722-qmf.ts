// ITU-T G.722 quadrature mirror filters: the 24-tap transmit QMF splits 16 kHz input into the
// lower and higher 8 kHz sub-bands, the receive QMF joins them again (coefficients: Table 11).
//
// Both work on a buffer in time order whose first 22 samples are the history kept from the previous
// call, so each output pair reads one contiguous 24-sample window; the filter is symmetric, so the
// window needs no reversal. Each pair is two 24-tap sums over the window with two coefficient sets.
// With SIMD a sum is three i16x8 dot products; the integer sums are the same either way, so both
// builds give identical output.
import { QMF_H, QMF_H_ALT, QMF_H_EVEN, QMF_H_ODD } from "./g722-tables";

/** Samples of history the filters keep between calls. */
export const QMF_HISTORY: i32 = 22;

/** The 24-tap sum of the window at `w` with the coefficients at `h` (scalar path). */
@inline function tap24(w: usize, h: usize): i32 {
  let acc = 0;
  for (let m: usize = 0; m < 48; m += 2) acc += <i32>load<i16>(w + m) * <i32>load<i16>(h + m);
  return acc;
}

@inline function clamp(x: i32, lo: i32, hi: i32): i32 {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * For each pair j of `pairs`, the window at x + 4j: (Σ window·hA) >> shift and (Σ window·hB) >> shift,
 * each clamped to [lo, hi], stored as Int16 at outA + j·stride and outB + j·stride.
 */
function dualFilter(x: usize, pairs: i32, hA: usize, hB: usize, shift: i32, lo: i32, hi: i32, outA: usize, outB: usize, stride: usize): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const a0 = v128.load(hA);
    const a1 = v128.load(hA + 16);
    const a2 = v128.load(hA + 32);
    const b0 = v128.load(hB);
    const b1 = v128.load(hB + 16);
    const b2 = v128.load(hB + 32);
    for (; j < pairs; j++) {
      const w = x + (<usize>j << 2);
      const v0 = v128.load(w);
      const v1 = v128.load(w + 16);
      const v2 = v128.load(w + 32);
      const sa = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(v0, a0), i32x4.dot_i16x8_s(v1, a1)), i32x4.dot_i16x8_s(v2, a2));
      const sb = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(v0, b0), i32x4.dot_i16x8_s(v1, b1)), i32x4.dot_i16x8_s(v2, b2));
      // [a0 + a2, a1 + a3, b0 + b2, b1 + b3]
      const half = i32x4.add(v128.shuffle<i32>(sa, sb, 0, 1, 4, 5), v128.shuffle<i32>(sa, sb, 2, 3, 6, 7));
      const o = <usize>j * stride;
      store<i16>(outA + o, <i16>clamp((i32x4.extract_lane(half, 0) + i32x4.extract_lane(half, 1)) >> shift, lo, hi));
      store<i16>(outB + o, <i16>clamp((i32x4.extract_lane(half, 2) + i32x4.extract_lane(half, 3)) >> shift, lo, hi));
    }
  }
  for (; j < pairs; j++) {
    const w = x + (<usize>j << 2);
    const o = <usize>j * stride;
    store<i16>(outA + o, <i16>clamp(tap24(w, hA) >> shift, lo, hi));
    store<i16>(outB + o, <i16>clamp(tap24(w, hB) >> shift, lo, hi));
  }
}

/**
 * Transmit QMF: `x` holds 22 history samples then 2 * pairs input samples (Int16); each pair gives
 * XL = (Σ x·h) >> 14 and XH = (Σ x·h_odd − Σ x·h_even) >> 14, each limited to 15 bits, into `xl`
 * and `xh`. This is the Recommendation's transmit QMF with 16-bit input: its scaling comes to the
 * one shift by 14, and its LIMIT keeps XL and XH within −16384..16383.
 */
export function qmfAnalysis(x: usize, pairs: i32, xl: usize, xh: usize): void {
  dualFilter(x, pairs, QMF_H, QMF_H_ALT, 14, -16384, 16383, xl, xh, 2);
}

/**
 * Receive QMF: `y` holds 22 history samples then, per pair, RL + RH and RL − RH (Int16); each pair
 * gives two output samples, (Σ y·h_odd) >> 11 then (Σ y·h_even) >> 11, saturated to 16 bits, into
 * `out` (which must not overlap `y`).
 */
export function qmfSynthesis(y: usize, pairs: i32, out: usize): void {
  dualFilter(y, pairs, QMF_H_ODD, QMF_H_EVEN, 11, -32768, 32767, out, out + 2, 4);
}
