import { parseFailure, unwrap } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { CodecError, codecError } from "./errors.ts";
import type { CodecErrorCode } from "./errors.ts";
import { codecCore } from "./g711.ts";

/**
 * L16 (RFC 3551 §4.5.11): uncompressed 16-bit signed PCM in network byte order, two bytes per
 * sample (per channel). Samples on this side are host-order Int16; the byte swap runs in the Wasm
 * core (SIMD when available).
 */

/** Bytes {@link writeL16} writes for `samples`. */
export function l16Size(samples: Int16Array): number {
  return samples.length * 2;
}

/** Writes `samples` as big-endian 16-bit words at `dst[offset]`; returns the bytes written. */
export function writeL16(samples: Int16Array, dst: Uint8Array, offset: number): number {
  const size = samples.length * 2;
  if (offset < 0 || offset + size > dst.length) throw new CodecError("TOO_LONG", "L16 destination too small");
  const w = codecCore();
  for (let done = 0; done < samples.length; done += w.capacity) {
    const n = Math.min(w.capacity, samples.length - done);
    w.pcm.set(samples.subarray(done, done + n));
    w.e.codec_l16_swap(w.pcmPtr, n, w.bytePtr);
    dst.set(w.bytes.subarray(0, n * 2), offset + done * 2);
  }
  return size;
}

/** Encodes samples as an L16 payload. */
export function encodeL16(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  writeL16(samples, out, 0);
  return out;
}

/**
 * Parses an L16 payload (`bytes[offset..offset+length)`) into host-order samples (a new array). An
 * odd length is `BAD_LENGTH`: RFC 3551 §4.5.11 carries whole 16-bit samples.
 */
export function tryParseL16(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): ParseResult<Int16Array, CodecErrorCode> {
  if (offset < 0 || length < 0 || offset + length > bytes.length) return parseFailure("TOO_SHORT", offset);
  if (length & 1) return parseFailure("BAD_LENGTH", offset + length - 1);
  const count = length >> 1;
  const out = new Int16Array(count);
  const w = codecCore();
  for (let done = 0; done < count; done += w.capacity) {
    const n = Math.min(w.capacity, count - done);
    w.bytes.set(bytes.subarray(offset + done * 2, offset + (done + n) * 2));
    w.e.codec_l16_swap(w.bytePtr, n, w.pcmPtr);
    out.set(w.pcm.subarray(0, n), done);
  }
  return { ok: true, value: out };
}

/**
 * {@link tryParseL16} for callers that treat a malformed payload as an exception.
 * @throws CodecError with the code and byte offset of the problem.
 */
export function parseL16(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): Int16Array {
  return unwrap(tryParseL16(bytes, offset, length), codecError);
}

/**
 * @internal Pointer-level byte swap for the media engine (host Int16 <-> L16 network order) on
 * buffers in Wasm memory; `dst == src` allowed. Returns n.
 */
export function l16SwapAt(src: number, n: number, dst: number): number {
  return codecCore().e.codec_l16_swap(src, n, dst);
}
