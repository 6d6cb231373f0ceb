// ITU-T G.722 quadrature mirror filters: the 24-tap transmit QMF splits 16 kHz input into the
// lower and higher 8 kHz sub-bands, the receive QMF joins them again (coefficients: Table 11).
//
// Both work on a buffer in time order whose first 22 samples are the history kept from the previous
// call, so each output pair reads one contiguous 24-sample window. The filter is symmetric, so the
// window needs no reversal. With SIMD, a window is three i16x8 dot products per sum; the integer
// sums are the same either way, so both builds give identical output.
import { QMF_H, QMF_H_ALT, QMF_H_EVEN, QMF_H_ODD } from "./g722-tables";

/** Samples of history the filters keep between calls. */
export const QMF_HISTORY: i32 = 22;

@inline function limit(x: i32): i32 {
  return x < -16384 ? -16384 : x > 16383 ? 16383 : x;
}

@inline function sat16(x: i32): i32 {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

/** The 24-tap sum of the window at `w` with the coefficients at `h` (scalar path). */
@inline function tap24(w: usize, h: usize): i32 {
  let acc = 0;
  for (let m: usize = 0; m < 48; m += 2) acc += <i32>load<i16>(w + m) * <i32>load<i16>(h + m);
  return acc;
}

/**
 * Transmit QMF: `x` holds 22 history samples then 2 * pairs input samples (Int16); each pair gives
 * XL = (Σ x·h) >> 14 and XH = (Σ x·h_odd − Σ x·h_even) >> 14, each limited to 15 bits, into
 * `xl` and `xh`. The Recommendation's transmit QMF with 16-bit input: its 14-bit x_in scale and
 * the doubling of XL and XH come to the one shift by 14.
 */
export function qmfAnalysis(x: usize, pairs: i32, xl: usize, xh: usize): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const h0 = v128.load(QMF_H);
    const h1 = v128.load(QMF_H + 16);
    const h2 = v128.load(QMF_H + 32);
    const a0 = v128.load(QMF_H_ALT);
    const a1 = v128.load(QMF_H_ALT + 16);
    const a2 = v128.load(QMF_H_ALT + 32);
    for (; j < pairs; j++) {
      const w = x + (<usize>j << 2);
      const v0 = v128.load(w);
      const v1 = v128.load(w + 16);
      const v2 = v128.load(w + 32);
      const sum = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(v0, h0), i32x4.dot_i16x8_s(v1, h1)), i32x4.dot_i16x8_s(v2, h2));
      const alt = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(v0, a0), i32x4.dot_i16x8_s(v1, a1)), i32x4.dot_i16x8_s(v2, a2));
      // [sum0 + sum2, sum1 + sum3, alt0 + alt2, alt1 + alt3]
      const half = i32x4.add(v128.shuffle<i32>(sum, alt, 0, 1, 4, 5), v128.shuffle<i32>(sum, alt, 2, 3, 6, 7));
      const o = <usize>j << 1;
      store<i16>(xl + o, <i16>limit((i32x4.extract_lane(half, 0) + i32x4.extract_lane(half, 1)) >> 14));
      store<i16>(xh + o, <i16>limit((i32x4.extract_lane(half, 2) + i32x4.extract_lane(half, 3)) >> 14));
    }
  }
  for (; j < pairs; j++) {
    const w = x + (<usize>j << 2);
    const o = <usize>j << 1;
    store<i16>(xl + o, <i16>limit(tap24(w, QMF_H) >> 14));
    store<i16>(xh + o, <i16>limit(tap24(w, QMF_H_ALT) >> 14));
  }
}

/**
 * Receive QMF: `y` holds 22 history samples then, per pair, RL + RH and RL − RH (Int16); each pair
 * gives two output samples, (Σ y·h_odd) >> 11 then (Σ y·h_even) >> 11, saturated to 16 bits, into
 * `out` (which must not overlap `y`).
 */
export function qmfSynthesis(y: usize, pairs: i32, out: usize): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const o0 = v128.load(QMF_H_ODD);
    const o1 = v128.load(QMF_H_ODD + 16);
    const o2 = v128.load(QMF_H_ODD + 32);
    const e0 = v128.load(QMF_H_EVEN);
    const e1 = v128.load(QMF_H_EVEN + 16);
    const e2 = v128.load(QMF_H_EVEN + 32);
    for (; j < pairs; j++) {
      const w = y + (<usize>j << 2);
      const v0 = v128.load(w);
      const v1 = v128.load(w + 16);
      const v2 = v128.load(w + 32);
      const odd = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(v0, o0), i32x4.dot_i16x8_s(v1, o1)), i32x4.dot_i16x8_s(v2, o2));
      const even = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(v0, e0), i32x4.dot_i16x8_s(v1, e1)), i32x4.dot_i16x8_s(v2, e2));
      const half = i32x4.add(v128.shuffle<i32>(odd, even, 0, 1, 4, 5), v128.shuffle<i32>(odd, even, 2, 3, 6, 7));
      const o = out + (<usize>j << 2);
      store<i16>(o, <i16>sat16((i32x4.extract_lane(half, 0) + i32x4.extract_lane(half, 1)) >> 11));
      store<i16>(o + 2, <i16>sat16((i32x4.extract_lane(half, 2) + i32x4.extract_lane(half, 3)) >> 11));
    }
  }
  for (; j < pairs; j++) {
    const w = y + (<usize>j << 2);
    const o = out + (<usize>j << 2);
    store<i16>(o, <i16>sat16(tap24(w, QMF_H_ODD) >> 11));
    store<i16>(o + 2, <i16>sat16(tap24(w, QMF_H_EVEN) >> 11));
  }
}
