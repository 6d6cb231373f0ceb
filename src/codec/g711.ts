import { wasmCore } from "../wasm/index.ts";
import { CodecError } from "./errors.ts";

/**
 * ITU-T G.711 companding: μ-law (RTP payload type 0, PCMU) and A-law (8, PCMA), RFC 3551 §4.5.14.
 * The work runs in the Wasm core (assembly/codec/), bit-exact with the ITU-T G.191 reference
 * implementation of G.711: 16-bit linear samples, of which μ-law uses the top 14 bits and A-law the
 * top 13.
 */
export type G711Law = "ulaw" | "alaw";

interface CodecWasm {
  readonly e: ReturnType<typeof wasmCore>["exports"];
  readonly u8: Uint8Array;
  readonly pcmPtr: number;
  readonly bytePtr: number;
  readonly capacity: number;
  readonly pcm: Int16Array;
  readonly bytes: Uint8Array;
  /** Views of the first n elements of `pcm` and `bytes`, by n, made once each (no view per frame). */
  readonly pcmHeads: (Int16Array | undefined)[];
  readonly byteHeads: (Uint8Array | undefined)[];
}

let cached: CodecWasm | undefined;

function core(): CodecWasm {
  if (cached) return cached;
  const c = wasmCore();
  const e = c.exports;
  const capacity = e.codec_capacity();
  const pcmPtr = e.codec_pcm_buf();
  const bytePtr = e.codec_byte_buf();
  cached = {
    e,
    u8: c.u8,
    pcmPtr,
    bytePtr,
    capacity,
    pcm: new Int16Array(c.u8.buffer, pcmPtr, capacity),
    bytes: new Uint8Array(c.u8.buffer, bytePtr, capacity * 2),
    pcmHeads: [],
    byteHeads: [],
  };
  return cached;
}

/**
 * @internal The codec core's scratch regions, for in-place work without copies: write samples into `pcm`,
 * call {@link G711Scratch.encode}, read code words from `bytes` (or the reverse). Views over Wasm
 * memory, valid for the life of the process (memory never grows); shared by every caller in the
 * process, so use them within one synchronous step.
 */
export interface G711Scratch {
  /** Host-order Int16 sample region (`capacity` samples). */
  readonly pcm: Int16Array;
  /** Byte region (`2 * capacity` bytes: room for L16 too). */
  readonly bytes: Uint8Array;
  readonly capacity: number;
  /** Encodes `pcm[0..n)` into `bytes[0..n)`; returns n. */
  encode(law: G711Law, n: number): number;
  /** Decodes `bytes[0..n)` into `pcm[0..n)`; returns n. */
  decode(law: G711Law, n: number): number;
}

let scratch: G711Scratch | undefined;

/** @internal The process's {@link G711Scratch}. */
export function g711Scratch(): G711Scratch {
  if (scratch) return scratch;
  const w = core();
  const check = (n: number) => {
    if (!Number.isInteger(n) || n < 0 || n > w.capacity) {
      throw new CodecError("TOO_LONG", `G.711 scratch holds ${w.capacity} samples, asked ${n}`);
    }
  };
  scratch = {
    pcm: w.pcm,
    bytes: w.bytes,
    capacity: w.capacity,
    encode(law, n) {
      check(n);
      return law === "ulaw" ? w.e.codec_ulaw_encode(w.pcmPtr, n, w.bytePtr) : w.e.codec_alaw_encode(w.pcmPtr, n, w.bytePtr);
    },
    decode(law, n) {
      check(n);
      return law === "ulaw" ? w.e.codec_ulaw_decode(w.bytePtr, n, w.pcmPtr) : w.e.codec_alaw_decode(w.bytePtr, n, w.pcmPtr);
    },
  };
  return scratch;
}

/**
 * @internal Pointer-level G.711 for the media engine, on buffers already in Wasm memory (e.g. a payload at
 * `RtpBatch.payloadPointer(i)`): encodes `n` Int16 samples at `src` into `n` bytes at `dst`.
 * Pointers are byte offsets into the core's memory; the caller guarantees the ranges.
 */
export function g711EncodeAt(law: G711Law, src: number, n: number, dst: number): number {
  const e = core().e;
  return law === "ulaw" ? e.codec_ulaw_encode(src, n, dst) : e.codec_alaw_encode(src, n, dst);
}

/** @internal Pointer-level G.711 decode (`n` bytes at `src` -> `n` Int16 at `dst`; `dst == src` allowed). */
export function g711DecodeAt(law: G711Law, src: number, n: number, dst: number): number {
  const e = core().e;
  return law === "ulaw" ? e.codec_ulaw_decode(src, n, dst) : e.codec_alaw_decode(src, n, dst);
}

/**
 * Encodes 16-bit linear samples to G.711 code words (one byte per sample), into `dst` (a new
 * array by default). Throws {@link CodecError} `TooLong` when `dst` is shorter than `samples`.
 */
export function encodeG711(law: G711Law, samples: Int16Array, dst: Uint8Array = new Uint8Array(samples.length)): Uint8Array {
  if (dst.length < samples.length) throw new CodecError("TOO_LONG", "G.711 destination too small");
  const w = core();
  const n = samples.length;
  if (n <= w.capacity) {
    dst.set(encodeFrame(w, law, samples));
  } else {
    const encode = law === "ulaw" ? w.e.codec_ulaw_encode : w.e.codec_alaw_encode;
    throughScratch(samples, w.pcm, w.bytes, dst, w.capacity, encode, w.pcmPtr, w.bytePtr);
  }
  return dst.length === n ? dst : dst.subarray(0, n);
}

/**
 * Encodes `samples` as G.711 code words at `dst[offset]` (one byte per sample); returns the bytes
 * written. Throws {@link CodecError} `TOO_LONG` when they do not fit. No view of `dst` is made: a
 * media sender writes each frame's payload after its RTP header this way.
 */
export function writeG711(law: G711Law, samples: Int16Array, dst: Uint8Array, offset: number): number {
  const n = samples.length;
  if (!(offset >= 0) || offset + n > dst.length) throw new CodecError("TOO_LONG", "G.711 destination too small");
  const w = core();
  if (n > w.capacity) encodeG711(law, samples, dst.subarray(offset, offset + n));
  else dst.set(encodeFrame(w, law, samples), offset);
  return n;
}

/**
 * One frame (at most the scratch capacity) straight through the scratch regions, with views made
 * once: the code words, as a view of the byte region valid until the next call.
 */
function encodeFrame(w: CodecWasm, law: G711Law, samples: Int16Array): Uint8Array {
  const n = samples.length;
  w.pcm.set(samples);
  if (law === "ulaw") w.e.codec_ulaw_encode(w.pcmPtr, n, w.bytePtr);
  else w.e.codec_alaw_encode(w.pcmPtr, n, w.bytePtr);
  return byteHead(w, n);
}

/** Decodes G.711 code words to 16-bit linear samples, into `dst` (a new array by default). */
export function decodeG711(law: G711Law, bytes: Uint8Array, dst: Int16Array = new Int16Array(bytes.length)): Int16Array {
  if (dst.length < bytes.length) throw new CodecError("TOO_LONG", "G.711 destination too small");
  const w = core();
  const n = bytes.length;
  if (n <= w.capacity) {
    w.bytes.set(bytes);
    if (law === "ulaw") w.e.codec_ulaw_decode(w.bytePtr, n, w.pcmPtr);
    else w.e.codec_alaw_decode(w.bytePtr, n, w.pcmPtr);
    dst.set(pcmHead(w, n));
  } else {
    const decode = law === "ulaw" ? w.e.codec_ulaw_decode : w.e.codec_alaw_decode;
    throughScratch(bytes, w.bytes, w.pcm, dst, w.capacity, decode, w.bytePtr, w.pcmPtr);
  }
  return dst.length === n ? dst : dst.subarray(0, n);
}

/** μ-law (PCMU) encode; see {@link encodeG711}. */
export function encodeUlaw(samples: Int16Array, dst?: Uint8Array): Uint8Array {
  return encodeG711("ulaw", samples, dst);
}
/** μ-law (PCMU) decode; see {@link decodeG711}. */
export function decodeUlaw(bytes: Uint8Array, dst?: Int16Array): Int16Array {
  return decodeG711("ulaw", bytes, dst);
}
/** A-law (PCMA) encode; see {@link encodeG711}. */
export function encodeAlaw(samples: Int16Array, dst?: Uint8Array): Uint8Array {
  return encodeG711("alaw", samples, dst);
}
/** A-law (PCMA) decode; see {@link decodeG711}. */
export function decodeAlaw(bytes: Uint8Array, dst?: Int16Array): Int16Array {
  return decodeG711("alaw", bytes, dst);
}

/**
 * Converts `src` into `dst` through the core's scratch regions, at most `capacity` elements a call:
 * copy a chunk into `scratchIn` (at `inPtr`), run the core's `convert`, copy the chunk out of
 * `scratchOut` (at `outPtr`).
 */
function throughScratch<I extends Int16Array | Uint8Array, O extends Int16Array | Uint8Array>(
  src: I,
  scratchIn: I,
  scratchOut: O,
  dst: O,
  capacity: number,
  convert: (inPtr: number, n: number, outPtr: number) => number,
  inPtr: number,
  outPtr: number,
): void {
  for (let done = 0; done < src.length; done += capacity) {
    const n = Math.min(capacity, src.length - done);
    scratchIn.set(src.subarray(done, done + n));
    convert(inPtr, n, outPtr);
    dst.set(scratchOut.subarray(0, n), done);
  }
}

function byteHead(w: CodecWasm, n: number): Uint8Array {
  let v = w.byteHeads[n];
  if (v === undefined) w.byteHeads[n] = v = w.bytes.subarray(0, n);
  return v;
}

function pcmHead(w: CodecWasm, n: number): Int16Array {
  let v = w.pcmHeads[n];
  if (v === undefined) w.pcmHeads[n] = v = w.pcm.subarray(0, n);
  return v;
}

/** @internal L16 helpers need the same scratch; for l16.ts only. */
export function codecCore(): CodecWasm {
  return core();
}
