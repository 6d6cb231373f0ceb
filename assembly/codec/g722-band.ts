// ITU-T G.722 sub-band ADPCM: one band's encoder or decoder over a run of samples, with the
// adaptive quantiser and the adaptive predictor of the Recommendation (its blocks QUANTL, INVQAL,
// INVQBL, LOGSCL, SCALEL, QUANTH, INVQAH, LOGSCH, SCALEH, PARREC, RECONS, UPZERO, UPPOL2, UPPOL1,
// FILTEZ, FILTEP, PREDIC).
//
// Bit-exact with the Recommendation's 16-bit fixed-point description: every ADD/SUB saturates to
// 16 bits where the Recommendation's does (g722-ops.ts). The state is loaded into locals
// once per run and stored back at the end, so the per-sample work touches no memory but the samples.
import { limit15, mult, sat16 } from "./g722-ops";
import { ILB, Q6, QQ2, QQ4, QQ5, QQ6, WH2, WL4 } from "./g722-tables";

// One band's state: 22 i32 words (the Recommendation's names).
const B_S: usize = 0; // S: the predictor's output (signal estimate)
const B_SZ: usize = 4; // SZ: the zero section's output
const B_DET: usize = 8; // DET: quantiser scale factor
const B_NB: usize = 12; // NB: log scale factor
const B_A1: usize = 16; // A1, A2: pole section coefficients
const B_A2: usize = 20;
const B_B: usize = 24; // B1..B6: zero section coefficients (6 words)
const B_D: usize = 48; // D1..D6: quantised differences, newest first (6 words)
const B_P1: usize = 72; // P1, P2: partially reconstructed signals
const B_P2: usize = 76;
const B_R1: usize = 80; // R1, R2: reconstructed signals
const B_R2: usize = 84;
/** Bytes of one band's state. */
export const BAND_SIZE: usize = 96;

/** Lower-band encoder: Int16 sub-band samples in, 6-bit code words out as bytes. */
export const OP_ENCODE_LOW: i32 = 0;
/** Higher-band encoder: Int16 sub-band samples in, IH ORed into the top 2 bits of each byte. */
export const OP_ENCODE_HIGH: i32 = 1;
/** Lower-band decoder: bytes in (their low 6 bits), Int16 sub-band samples out. */
export const OP_DECODE_LOW: i32 = 2;
/** Higher-band decoder: bytes in (their top 2 bits), Int16 sub-band samples out. */
export const OP_DECODE_HIGH: i32 = 3;

@inline function i16At(table: usize, i: i32): i32 {
  return <i32>load<i16>(table + (<usize>i << 1));
}

/** SCALEL (base 8) / SCALEH (base 10): DET = ILB(NB >> 6 & 31) shifted by the exponent, times 4. */
@inline function scaleFactor(nb: i32, base: i32): i32 {
  const m = i16At(ILB, (nb >> 6) & 31);
  const shift = base - (nb >> 11);
  return (shift >= 0 ? m >> shift : m << -shift) << 2;
}

/** Resets a band's state (the Recommendation's reset: DET = 32 lower, 8 higher; all else 0). */
export function bandReset(st: usize, low: bool): void {
  memory.fill(st, 0, BAND_SIZE);
  store<i32>(st + B_DET, low ? 32 : 8);
}

/**
 * Runs one band's coder over `n` samples: `op` is one of the OP_ constants; `mode` (1, 2, 3) picks
 * the decoder's lower-band inverse quantiser (6, 5 or 4 bits) and, when encoding, how many of the
 * lower-band code's least significant bits are left zero for the auxiliary data channel (0, 1, 2).
 */
export function runBand(st: usize, op: i32, src: usize, dst: usize, n: i32, mode: i32): void {
  // One loop per operation: `band` is inlined with `op` constant, so each copy keeps only its branch.
  if (op == OP_ENCODE_LOW) band(st, OP_ENCODE_LOW, src, dst, n, mode);
  else if (op == OP_ENCODE_HIGH) band(st, OP_ENCODE_HIGH, src, dst, n, mode);
  else if (op == OP_DECODE_LOW) band(st, OP_DECODE_LOW, src, dst, n, mode);
  else band(st, OP_DECODE_HIGH, src, dst, n, mode);
}

@inline function band(st: usize, op: i32, src: usize, dst: usize, n: i32, mode: i32): void {
  let s = load<i32>(st + B_S);
  let sz = load<i32>(st + B_SZ);
  let det = load<i32>(st + B_DET);
  let nb = load<i32>(st + B_NB);
  let a1 = load<i32>(st + B_A1);
  let a2 = load<i32>(st + B_A2);
  let b1 = load<i32>(st + B_B);
  let b2 = load<i32>(st + B_B + 4);
  let b3 = load<i32>(st + B_B + 8);
  let b4 = load<i32>(st + B_B + 12);
  let b5 = load<i32>(st + B_B + 16);
  let b6 = load<i32>(st + B_B + 20);
  let d1 = load<i32>(st + B_D);
  let d2 = load<i32>(st + B_D + 4);
  let d3 = load<i32>(st + B_D + 8);
  let d4 = load<i32>(st + B_D + 12);
  let d5 = load<i32>(st + B_D + 16);
  let d6 = load<i32>(st + B_D + 20);
  let p1 = load<i32>(st + B_P1);
  let p2 = load<i32>(st + B_P2);
  let r1 = load<i32>(st + B_R1);
  let r2 = load<i32>(st + B_R2);

  const low = op == OP_ENCODE_LOW || op == OP_DECODE_LOW;
  const nbMax = low ? 18432 : 22528;
  const base = low ? 8 : 10;
  // INVQBL: 6, 5 or 4 of the lower-band code's bits in modes 1, 2, 3 (64, 56, 48 kbit/s).
  const invq = mode == 2 ? QQ5 : mode == 3 ? QQ4 : QQ6;
  const invqShift = mode == 2 ? 1 : mode == 3 ? 2 : 0;
  const keep = mode == 2 ? 0x3e : mode == 3 ? 0x3c : 0x3f;

  for (let j = 0; j < n; j++) {
    let d: i32; // the quantised difference fed to the predictor (DLT / DH)
    let w: i32; // the log scale factor increment
    if (op == OP_ENCODE_LOW) {
      // SUBTRA, QUANTL: m = the first decision level (1..29) with (Q6(m) * DETL) >> 12 above the
      // residual's one's-complement magnitude, 30 when none is; a branchless binary search
      // (Q6(0) = 0 is below every threshold; entries 30 and 31 are at least Q6(29)).
      const e = sat16(i16At(src, j) - s);
      const t = ((e ^ (e >> 31)) + 1) << 12;
      let k = 0;
      k += i16At(Q6, k + 16) * det < t ? 16 : 0;
      k += i16At(Q6, k + 8) * det < t ? 8 : 0;
      k += i16At(Q6, k + 4) * det < t ? 4 : 0;
      k += i16At(Q6, k + 2) * det < t ? 2 : 0;
      k += i16At(Q6, k + 1) * det < t ? 1 : 0;
      const m = k < 29 ? k + 1 : 30;
      const il = e < 0 ? (m <= 2 ? 64 - m : 34 - m) : 62 - m;
      store<u8>(dst + <usize>j, il & keep);
      // INVQAL and LOGSCL use only the 4 most significant bits.
      d = (det * i16At(QQ4, il >> 2)) >> 12;
      w = i16At(WL4, il >> 2);
    } else if (op == OP_ENCODE_HIGH) {
      // SUBTRA, QUANTH: two magnitude intervals split at 564/4096 of DETH.
      const e = sat16(i16At(src, j) - s);
      const ih = (e < 0 ? 0 : 2) + ((e ^ (e >> 31)) >= mult(564 << 3, det) ? 0 : 1);
      store<u8>(dst + <usize>j, load<u8>(dst + <usize>j) | <u8>(ih << 6));
      d = (det * i16At(QQ2, ih)) >> 12;
      w = i16At(WH2, ih);
    } else if (op == OP_DECODE_LOW) {
      // INVQBL with the mode's bits, RECONS, LIMIT; the predictor runs on INVQAL's 4 bits.
      const ilr = <i32>load<u8>(src + <usize>j) & 0x3f;
      const dl = (det * i16At(invq, ilr >> invqShift)) >> 12;
      store<i16>(dst + (<usize>j << 1), <i16>limit15(sat16(s + dl)));
      d = (det * i16At(QQ4, ilr >> 2)) >> 12;
      w = i16At(WL4, ilr >> 2);
    } else {
      // INVQAH, RECONS, LIMIT.
      const ih = <i32>load<u8>(src + <usize>j) >> 6;
      d = (det * i16At(QQ2, ih)) >> 12;
      store<i16>(dst + (<usize>j << 1), <i16>limit15(sat16(s + d)));
      w = i16At(WH2, ih);
    }

    // LOGSCL / LOGSCH: NB' = NB * 127/128 + W, kept within [0, 18432] (lower) or [0, 22528] (higher).
    nb = mult(nb, 32512) + w;
    nb = nb < 0 ? 0 : nb > nbMax ? nbMax : nb;
    // SCALEL / SCALEH (the new scale factor serves the next sample).
    det = scaleFactor(nb, base);

    // PARREC, RECONS.
    const p0 = sat16(d + sz);
    const r0 = sat16(s + d);

    // UPZERO: sign-sign adaptation, B' = B * 255/256 ± 128 (0 when D is 0), then the delay line.
    const g = d == 0 ? 0 : 128;
    b1 = sat16(((d ^ d1) < 0 ? -g : g) + mult(b1, 32640));
    b2 = sat16(((d ^ d2) < 0 ? -g : g) + mult(b2, 32640));
    b3 = sat16(((d ^ d3) < 0 ? -g : g) + mult(b3, 32640));
    b4 = sat16(((d ^ d4) < 0 ? -g : g) + mult(b4, 32640));
    b5 = sat16(((d ^ d5) < 0 ? -g : g) + mult(b5, 32640));
    b6 = sat16(((d ^ d6) < 0 ? -g : g) + mult(b6, 32640));
    d6 = d5;
    d5 = d4;
    d4 = d3;
    d3 = d2;
    d2 = d1;
    d1 = d;

    // UPPOL2: A2' = A2 * 127/128 ∓ 4 * A1 / 128 ± 128, within ±12288. 4 * A1 saturates to 16 bits,
    // and so does its negation, as in the Recommendation.
    let f = sat16(a1 << 2);
    if ((p0 ^ p1) >= 0) f = sat16(-f);
    a2 = (f >> 7) + ((p0 ^ p2) >= 0 ? 128 : -128) + mult(a2, 32512);
    a2 = a2 < -12288 ? -12288 : a2 > 12288 ? 12288 : a2;

    // UPPOL1: A1' = A1 * 255/256 ± 192, within ±(15360 - A2').
    const a = sat16(((p0 ^ p1) >= 0 ? 192 : -192) + mult(a1, 32640));
    const bound = 15360 - a2;
    a1 = a > bound ? bound : a < -bound ? -bound : a;
    p2 = p1;
    p1 = p0;

    // FILTEZ: the sum runs from tap 6 down, saturating at each step. 2 * D never saturates.
    let z = mult(d6 << 1, b6);
    z = sat16(z + mult(d5 << 1, b5));
    z = sat16(z + mult(d4 << 1, b4));
    z = sat16(z + mult(d3 << 1, b3));
    z = sat16(z + mult(d2 << 1, b2));
    sz = sat16(z + mult(d1 << 1, b1));

    // FILTEP, PREDIC.
    r2 = r1;
    r1 = r0;
    const sp = sat16(mult(a1, sat16(r1 << 1)) + mult(a2, sat16(r2 << 1)));
    s = sat16(sp + sz);
  }

  store<i32>(st + B_S, s);
  store<i32>(st + B_SZ, sz);
  store<i32>(st + B_DET, det);
  store<i32>(st + B_NB, nb);
  store<i32>(st + B_A1, a1);
  store<i32>(st + B_A2, a2);
  store<i32>(st + B_B, b1);
  store<i32>(st + B_B + 4, b2);
  store<i32>(st + B_B + 8, b3);
  store<i32>(st + B_B + 12, b4);
  store<i32>(st + B_B + 16, b5);
  store<i32>(st + B_B + 20, b6);
  store<i32>(st + B_D, d1);
  store<i32>(st + B_D + 4, d2);
  store<i32>(st + B_D + 8, d3);
  store<i32>(st + B_D + 12, d4);
  store<i32>(st + B_D + 16, d5);
  store<i32>(st + B_D + 20, d6);
  store<i32>(st + B_P1, p1);
  store<i32>(st + B_P2, p2);
  store<i32>(st + B_R1, r1);
  store<i32>(st + B_R2, r2);
}
