// ITU-T G.722 (7 kHz audio at 64 kbit/s, SB-ADPCM) over linear memory: a fixed pool of per-stream
// states and frame functions taking pointers and lengths.
//
// A stream's state (both bands' quantisers and predictors, 22 samples of QMF history and the mode)
// lives in one slot of a region reserved at build time; the TypeScript layer hands slots out and
// takes them back, so memory never grows and a frame allocates nothing. One octet carries one
// sample pair: IH in its 2 most significant bits, IL in the other 6 (modes 2 and 3 leave the last 1
// or 2 bits to the auxiliary data channel, which the encoder sends as zero).
import { bandReset, BAND_SIZE, OP_DECODE_HIGH, OP_DECODE_LOW, OP_ENCODE_HIGH, OP_ENCODE_LOW, runBand } from "./g722-band";
import { QMF_HISTORY, qmfAnalysis, qmfSynthesis } from "./g722-qmf";

/** States in the pool: encoders and decoders together. */
const SLOT_COUNT: i32 = 8192;
const S_LOW: usize = 0;
const S_HIGH: usize = BAND_SIZE;
const S_HISTORY: usize = 2 * BAND_SIZE; // QMF_HISTORY Int16 samples
const S_MODE: usize = S_HISTORY + 48;
const SLOT_SIZE: usize = 256;
const HISTORY_BYTES: usize = <usize>QMF_HISTORY << 1;

/** 16 kHz samples one call takes (encode) or gives (decode); half as many octets. */
const CAPACITY: i32 = 16384;

const SLOTS: usize = memory.data(<i32>SLOT_SIZE * SLOT_COUNT, 16);
/** The QMF's window buffer: history, then the call's samples (or sub-band sums and differences). */
const WORK: usize = memory.data((QMF_HISTORY + CAPACITY) * 2, 16);
const LOW: usize = memory.data(CAPACITY, 16);
const HIGH: usize = memory.data(CAPACITY, 16);
const PCM_BUF: usize = memory.data(CAPACITY * 2, 16);
const CODE_BUF: usize = memory.data(CAPACITY >> 1, 16);

/** A slot index outside the pool. */
const G722_ERR_BAD_SLOT: i32 = -1;
/** A length that is negative, over the capacity, or (encoding) odd. */
const G722_ERR_BAD_LENGTH: i32 = -2;
/** A mode other than 1, 2 or 3. */
const G722_ERR_BAD_MODE: i32 = -3;

/** States in the pool. */
export function g722_slot_count(): i32 {
  return SLOT_COUNT;
}

/** 16 kHz samples one call handles (the octets are half as many). */
export function g722_capacity(): i32 {
  return CAPACITY;
}

/** A region of g722_capacity() Int16 samples for the caller's PCM. */
export function g722_pcm_buf(): usize {
  return PCM_BUF;
}

/** A region of g722_capacity() / 2 octets for the caller's code words. */
export function g722_code_buf(): usize {
  return CODE_BUF;
}

@inline function slotAt(slot: i32): usize {
  return SLOTS + <usize>slot * SLOT_SIZE;
}

@inline function badSlot(slot: i32): bool {
  return <u32>slot >= <u32>SLOT_COUNT;
}

@inline function badLength(n: i32, max: i32): bool {
  return n < 0 || n > max;
}

/** Both sub-band encoders of a slot: `n` samples at `xl` and `xh` into `n` octets at `dst`. */
function encodeBands(st: usize, xl: usize, xh: usize, n: i32, dst: usize): void {
  const mode = load<i32>(st + S_MODE);
  runBand(st + S_LOW, OP_ENCODE_LOW, xl, dst, n, mode);
  runBand(st + S_HIGH, OP_ENCODE_HIGH, xh, dst, n, mode);
}

/** Both sub-band decoders of a slot: `n` octets at `src` into `n` samples at `rl` and `rh`. */
function decodeBands(st: usize, src: usize, n: i32, rl: usize, rh: usize): void {
  const mode = load<i32>(st + S_MODE);
  runBand(st + S_LOW, OP_DECODE_LOW, src, rl, n, mode);
  runBand(st + S_HIGH, OP_DECODE_HIGH, src, rh, n, mode);
}

function resetSlot(st: usize): void {
  bandReset(st + S_LOW, true);
  bandReset(st + S_HIGH, false);
  memory.fill(st + S_HISTORY, 0, HISTORY_BYTES);
}

/** Resets a slot to the initial state and sets its mode (1: 64, 2: 56, 3: 48 kbit/s). */
export function g722_init(slot: i32, mode: i32): i32 {
  if (badSlot(slot)) return G722_ERR_BAD_SLOT;
  if (mode < 1 || mode > 3) return G722_ERR_BAD_MODE;
  const st = slotAt(slot);
  resetSlot(st);
  store<i32>(st + S_MODE, mode);
  return 0;
}

/** Resets a slot's coder state, keeping its mode (the Recommendation's reset). */
export function g722_reset(slot: i32): i32 {
  if (badSlot(slot)) return G722_ERR_BAD_SLOT;
  resetSlot(slotAt(slot));
  return 0;
}

/**
 * Encodes `n` (even) Int16 samples at 16 kHz from `src` into n / 2 octets at `dst`; returns n / 2.
 * `src` and `dst` may be any regions but the core's own scratch.
 */
export function g722_encode(slot: i32, src: usize, n: i32, dst: usize): i32 {
  if (badSlot(slot)) return G722_ERR_BAD_SLOT;
  if (badLength(n, CAPACITY) || (n & 1) != 0) return G722_ERR_BAD_LENGTH;
  const st = slotAt(slot);
  const pairs = n >> 1;
  memory.copy(WORK, st + S_HISTORY, HISTORY_BYTES);
  memory.copy(WORK + HISTORY_BYTES, src, <usize>n << 1);
  qmfAnalysis(WORK, pairs, LOW, HIGH);
  memory.copy(st + S_HISTORY, WORK + (<usize>n << 1), HISTORY_BYTES);
  encodeBands(st, LOW, HIGH, pairs, dst);
  return pairs;
}

/**
 * Decodes `n` octets from `src` into 2n Int16 samples at 16 kHz at `dst`; returns 2n. Every octet
 * value is a valid code word.
 */
export function g722_decode(slot: i32, src: usize, n: i32, dst: usize): i32 {
  if (badSlot(slot)) return G722_ERR_BAD_SLOT;
  if (badLength(n, CAPACITY >> 1)) return G722_ERR_BAD_LENGTH;
  const st = slotAt(slot);
  decodeBands(st, src, n, LOW, HIGH);
  // The receive QMF's input in time order: RL + RH, then RL − RH (each within 16 bits).
  memory.copy(WORK, st + S_HISTORY, HISTORY_BYTES);
  const y = WORK + HISTORY_BYTES;
  for (let j: usize = 0; j < <usize>n; j++) {
    const rl = <i32>load<i16>(LOW + (j << 1));
    const rh = <i32>load<i16>(HIGH + (j << 1));
    store<i16>(y + (j << 2), <i16>(rl + rh));
    store<i16>(y + (j << 2) + 2, <i16>(rl - rh));
  }
  qmfSynthesis(WORK, n, dst);
  memory.copy(st + S_HISTORY, WORK + (<usize>n << 2), HISTORY_BYTES);
  return n << 1;
}

/**
 * The SB-ADPCM encoder alone, QMF bypassed (G.722 Appendix II's configuration for the digital test
 * sequences): `n` lower-band samples at `xl` and higher-band samples at `xh` (Int16, 15-bit range)
 * into `n` octets at `dst`; returns n.
 */
export function g722_encode_bands(slot: i32, xl: usize, xh: usize, n: i32, dst: usize): i32 {
  if (badSlot(slot)) return G722_ERR_BAD_SLOT;
  if (badLength(n, CAPACITY)) return G722_ERR_BAD_LENGTH;
  encodeBands(slotAt(slot), xl, xh, n, dst);
  return n;
}

/**
 * The SB-ADPCM decoder alone, QMF bypassed: `n` octets at `src` into the lower-band (`rl`) and
 * higher-band (`rh`) reconstructed signals (Int16, 15-bit range); returns n.
 */
export function g722_decode_bands(slot: i32, src: usize, n: i32, rl: usize, rh: usize): i32 {
  if (badSlot(slot)) return G722_ERR_BAD_SLOT;
  if (badLength(n, CAPACITY)) return G722_ERR_BAD_LENGTH;
  decodeBands(slotAt(slot), src, n, rl, rh);
  return n;
}
