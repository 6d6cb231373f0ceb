// codec core: ITU-T G.711 (μ-law and A-law) and L16 (RFC 3551 §4.5.11) over linear memory; ITU-T
// G.722 in g722.ts.
//
// The quantisation follows the ITU-T G.191 software tool library's G.711 module (the ITU's own
// reference implementation): 16-bit linear input, of which μ-law uses the 14 most significant bits
// and A-law the 13; negative samples are taken in one's complement before quantising, which
// makes the segments symmetric around -1/0. Decoding returns the midpoint of each quantisation
// interval, in 16-bit scale.
//
// Samples are host-order Int16 (little-endian, as WebAssembly memory is), code words are bytes.
// Every function works on caller-given pointers; in place is allowed where noted.

/** Samples the default scratch regions hold. */
const CAPACITY: i32 = 16384;

const PCM_BUF: usize = memory.data(CAPACITY * 2, 16);
const BYTE_BUF: usize = memory.data(CAPACITY * 2, 16);
const ULAW_DECODE: usize = memory.data(256 * 2, 16);
const ALAW_DECODE: usize = memory.data(256 * 2, 16);
// Encode tables: a μ-law code word depends only on sample >> 2 (14 bits), an A-law one on
// sample >> 4 (12 bits), so one lookup per sample replaces the segment search.
const ULAW_ENCODE: usize = memory.data(1 << 14, 16);
const ALAW_ENCODE: usize = memory.data(1 << 12, 16);

/** Pointer to the default Int16 sample region (codec_capacity() samples). */
export function codec_pcm_buf(): usize {
  return PCM_BUF;
}

/** Pointer to the default byte region (2 * codec_capacity() bytes, room for L16 output). */
export function codec_byte_buf(): usize {
  return BYTE_BUF;
}

/** Samples that fit in the default regions. */
export function codec_capacity(): i32 {
  return CAPACITY;
}

@inline function bitLength(x: u32): u32 {
  return 32 - clz<u32>(x);
}

/** μ-law code word of one 16-bit sample (G.711 Table 2a, G.191 ulaw_compress). */
@inline function ulawOf(s: i32): u32 {
  // One's complement magnitude in 14-bit scale, biased by 33 so segment edges are powers of two.
  const neg = s >> 31;
  let x = (((s ^ neg) >> 2) + 33);
  if (x > 0x1fff) x = 0x1fff;
  const seg = 1 + bitLength(<u32>x >> 6);
  const code = ((8 - seg) << 4) | (15 - ((<u32>x >> seg) & 15));
  return neg ? code : code | 0x80;
}

/** A-law code word of one 16-bit sample (G.711 Table 1a, G.191 alaw_compress). */
@inline function alawOf(s: i32): u32 {
  const neg = s >> 31;
  let ix = <u32>((s ^ neg) >> 4);
  if (ix > 15) {
    const exp = bitLength(ix) - 4;
    ix = ((ix >> (exp - 1)) - 16) + (exp << 4);
  }
  return (neg ? ix : ix | 0x80) ^ 0x55;
}

/** Linear value (16-bit scale) of one μ-law code word (G.191 ulaw_expand). */
function ulawValue(code: u32): i32 {
  const m = ~code & 0xff;
  const exp = (m >> 4) & 7;
  const mant = <i32>(m & 15);
  const step = 4 << (exp + 1);
  const mag = (0x80 << exp) + step * mant + (step >> 1) - 4 * 33;
  return code < 0x80 ? -mag : mag;
}

/** Linear value (16-bit scale) of one A-law code word (G.191 alaw_expand). */
function alawValue(code: u32): i32 {
  const ix = (code ^ 0x55) & 0x7f;
  const exp = ix >> 4;
  let mant = <i32>(ix & 15);
  if (exp > 0) mant += 16;
  mant = (mant << 4) + 8;
  if (exp > 1) mant <<= exp - 1;
  return code > 127 ? mant : -mant;
}

// Tables, filled once by the module's start function from the reference quantisers above.
for (let c: u32 = 0; c < 256; c++) {
  store<i16>(ULAW_DECODE + (c << 1), <i16>ulawValue(c));
  store<i16>(ALAW_DECODE + (c << 1), <i16>alawValue(c));
}
for (let t: i32 = -8192; t < 8192; t++) {
  store<u8>(ULAW_ENCODE + <usize>(t & 0x3fff), <u8>ulawOf(t << 2));
}
for (let t: i32 = -2048; t < 2048; t++) {
  store<u8>(ALAW_ENCODE + <usize>(t & 0xfff), <u8>alawOf(t << 4));
}

/** μ-law-encodes `n` Int16 samples at `src` into `n` bytes at `dst` (dst may equal src). Returns n. */
export function codec_ulaw_encode(src: usize, n: i32, dst: usize): i32 {
  for (let i = 0; i < n; i++) {
    const s = <i32>load<i16>(src + (<usize>i << 1));
    store<u8>(dst + <usize>i, load<u8>(ULAW_ENCODE + <usize>((s >> 2) & 0x3fff)));
  }
  return n;
}

/** A-law-encodes `n` Int16 samples at `src` into `n` bytes at `dst` (dst may equal src). Returns n. */
export function codec_alaw_encode(src: usize, n: i32, dst: usize): i32 {
  for (let i = 0; i < n; i++) {
    const s = <i32>load<i16>(src + (<usize>i << 1));
    store<u8>(dst + <usize>i, load<u8>(ALAW_ENCODE + <usize>((s >> 4) & 0xfff)));
  }
  return n;
}

/**
 * Decodes `n` μ-law bytes at `src` into `n` Int16 samples at `dst`. In place (dst == src) works:
 * the loop runs backwards so no byte is overwritten before it is read. Returns n.
 */
export function codec_ulaw_decode(src: usize, n: i32, dst: usize): i32 {
  for (let i = n - 1; i >= 0; i--) {
    store<i16>(dst + (<usize>i << 1), load<i16>(ULAW_DECODE + (<usize>load<u8>(src + <usize>i) << 1)));
  }
  return n;
}

/** Decodes `n` A-law bytes at `src` into `n` Int16 samples at `dst` (in place works). Returns n. */
export function codec_alaw_decode(src: usize, n: i32, dst: usize): i32 {
  for (let i = n - 1; i >= 0; i--) {
    store<i16>(dst + (<usize>i << 1), load<i16>(ALAW_DECODE + (<usize>load<u8>(src + <usize>i) << 1)));
  }
  return n;
}

/**
 * Swaps the byte order of `n` 16-bit samples from `src` to `dst` (in place works): host-order Int16
 * to L16 network byte order (RFC 3551 §4.5.11) and back, the same operation both ways. Returns n.
 */
export function codec_l16_swap(src: usize, n: i32, dst: usize): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 1;
      const v = v128.load(src + o);
      v128.store(dst + o, i8x16.shuffle(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 1;
    store<u16>(dst + o, bswap<u16>(load<u16>(src + o)));
  }
  return n;
}

export * from "./g722";
