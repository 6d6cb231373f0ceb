/**
 * Exports of the codec core (assembly/codec/): G.711 μ-law/A-law and L16 byte order over linear
 * memory, and ITU-T G.722 on a fixed pool of per-stream states. Samples are host-order Int16, code
 * words bytes; each function returns a count, the G.722 ones a negative number for a slot outside
 * the pool (−1), a bad length (−2) or a bad mode (−3).
 */
export interface CodecCoreExports {
  /** Pointer to the default Int16 sample region. */
  codec_pcm_buf(): number;
  /** Pointer to the default byte region (2 * capacity bytes). */
  codec_byte_buf(): number;
  /** Samples that fit in the default regions. */
  codec_capacity(): number;
  codec_ulaw_encode(src: number, n: number, dst: number): number;
  codec_alaw_encode(src: number, n: number, dst: number): number;
  codec_ulaw_decode(src: number, n: number, dst: number): number;
  codec_alaw_decode(src: number, n: number, dst: number): number;
  /** Byte-swaps `n` 16-bit samples (host order <-> network order), in place allowed. */
  codec_l16_swap(src: number, n: number, dst: number): number;
  /** States in the G.722 pool. */
  g722_slot_count(): number;
  /** 16 kHz samples one G.722 call takes or gives (octets: half as many). */
  g722_capacity(): number;
  /** Pointer to a region of g722_capacity() Int16 samples. */
  g722_pcm_buf(): number;
  /** Pointer to a region of g722_capacity() / 2 octets. */
  g722_code_buf(): number;
  /** Resets a state and sets its mode (1: 64, 2: 56, 3: 48 kbit/s); 0 or negative. */
  g722_init(slot: number, mode: number): number;
  /** Resets a state, keeping its mode; 0 or negative. */
  g722_reset(slot: number): number;
  /** Encodes `n` (even) samples at `src` into n / 2 octets at `dst`; returns n / 2. */
  g722_encode(slot: number, src: number, n: number, dst: number): number;
  /** Decodes `n` octets at `src` into 2n samples at `dst`; returns 2n. */
  g722_decode(slot: number, src: number, n: number, dst: number): number;
  /** The SB-ADPCM encoder without the QMF: `n` lower- and higher-band samples into `n` octets. */
  g722_encode_bands(slot: number, xl: number, xh: number, n: number, dst: number): number;
  /** The SB-ADPCM decoder without the QMF: `n` octets into `n` lower- and higher-band samples. */
  g722_decode_bands(slot: number, src: number, n: number, rl: number, rh: number): number;
}
