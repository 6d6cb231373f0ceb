/**
 * Exports of the codec core (assembly/codec/): G.711 μ-law/A-law and L16 byte order over linear
 * memory. Samples are host-order Int16, code words bytes; each function returns the sample count.
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
}
