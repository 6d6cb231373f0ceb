// ITU-T G.722 (09/2012) tables of the SB-ADPCM coder, as signed Int16 in static memory.
//
// Names are the Recommendation's blocks (QUANTL, INVQAL, INVQBL, LOGSCL, SCALEL, QUANTH, INVQAH,
// LOGSCH, SCALEH). The inverse quantiser outputs (QQ6, QQ5, QQ4, QQ2) are indexed directly by the
// code word with the sign already applied, so that a code word costs one load. Each is scaled by the
// quantiser scale factor as DET * QQ >> 12: the Recommendation's 16-bit MULT(DET, QQ << 3), which is
// (DET * QQ * 8) >> 15.

/** QUANTL's decision levels Q6(0..29), in units of DETL / 4096: a residual of one's-complement
 * magnitude WD lies in interval m (1..30) when m is the first level with (Q6(m) * DETL) >> 12 > WD.
 * Two entries above the last keep the search within the table. */
export const Q6: usize = memory.data<i16>([
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
  786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 32767, 32767,
]);

/** INVQBL, 6-bit (mode 1, 64 kbit/s): QQ6 with its sign, by code word ILR. */
export const QQ6: usize = memory.data<i16>([
  -17, -17, -17, -17, -3101, -2738, -2376, -2088, -1873, -1689, -1535, -1399, -1279, -1170, -1072, -982,
  -899, -822, -750, -682, -618, -558, -501, -447, -396, -347, -300, -254, -211, -170, -130, -91,
  3101, 2738, 2376, 2088, 1873, 1689, 1535, 1399, 1279, 1170, 1072, 982, 899, 822, 750, 682,
  618, 558, 501, 447, 396, 347, 300, 254, 211, 170, 130, 91, 54, 17, -54, -17,
]);

/** INVQBL, 5-bit (mode 2, 56 kbit/s): QQ5 with its sign, by ILR >> 1. */
export const QQ5: usize = memory.data<i16>([
  -35, -35, -2919, -2195, -1765, -1458, -1219, -1023, -858, -714, -587, -473, -370, -276, -190, -110,
  2919, 2195, 1765, 1458, 1219, 1023, 858, 714, 587, 473, 370, 276, 190, 110, 35, -35,
]);

/** INVQAL and INVQBL mode 3 (48 kbit/s): QQ4 with its sign, by IL >> 2. The predictor is always
 * driven by this 4-bit value, so a decoder that drops 1 or 2 bits stays in step with the encoder. */
export const QQ4: usize = memory.data<i16>([
  0, -2557, -1612, -1121, -786, -530, -323, -150, 2557, 1612, 1121, 786, 530, 323, 150, 0,
]);

/** LOGSCL's increments WL(RIL4), by IL >> 2. */
export const WL4: usize = memory.data<i16>([
  -60, 3042, 1198, 538, 334, 172, 58, -30, 3042, 1198, 538, 334, 172, 58, -30, -60,
]);

/** INVQAH: QQ2 with its sign, by code word IH. */
export const QQ2: usize = memory.data<i16>([-926, -202, 926, 202]);

/** LOGSCH's increments WH, by IH. */
export const WH2: usize = memory.data<i16>([798, -214, 798, -214]);

/** SCALEL/SCALEH's antilog table ILB: 2048 * 2^(i/32) rounded, the scale factor's mantissa. */
export const ILB: usize = memory.data<i16>([
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
  2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
]);

/** The 24 QMF coefficients h(0..23) (Table 11, in units of 2^-13); the filter is symmetric. */
export const QMF_H: usize = memory.data<i16>([
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
  3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
]);

/** h(i) with the sign of even taps flipped: over a window in time order, the transmit QMF's higher
 * band is the sum of x * h on odd taps minus the sum on even taps. */
export const QMF_H_ALT: usize = memory.data<i16>([
  -3, -11, 11, 53, -12, -156, -32, 362, 210, -805, -951, 3876,
  -3876, 951, 805, -210, -362, 32, 156, 12, -53, -11, 11, 3,
]);

/** h(i) on odd taps only (even taps zero): the receive QMF's first output of a pair. */
export const QMF_H_ODD: usize = memory.data<i16>([
  0, -11, 0, 53, 0, -156, 0, 362, 0, -805, 0, 3876,
  0, 951, 0, -210, 0, 32, 0, 12, 0, -11, 0, 3,
]);

/** h(i) on even taps only: the receive QMF's second output of a pair. */
export const QMF_H_EVEN: usize = memory.data<i16>([
  3, 0, -11, 0, 12, 0, 32, 0, -210, 0, 951, 0,
  3876, 0, -805, 0, 362, 0, -156, 0, 53, 0, -11, 0,
]);
