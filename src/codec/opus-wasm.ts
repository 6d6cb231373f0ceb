import { embeddedBytes } from "../base64.ts";
import { OpusError } from "./opus-errors.ts";
import { OPUS_WASM_BASE64 } from "./opus-wasm.generated.ts";

/**
 * libopus in WebAssembly: the raw C API (`opus_encode`, `opus_decode` with its FEC flag, the
 * CTLs as set/get calls) over one shared instance, loaded on first use from the embedded module
 * (see scripts/gen-opus-wasm.mjs). Encoder and decoder states and two scratch regions live in
 * its memory; views are remade whenever libopus grows the memory.
 * @internal
 */
export interface OpusWasmExports {
  readonly memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  opus_encoder_get_size(channels: number): number;
  opus_encoder_init(st: number, rate: number, channels: number, application: number): number;
  opus_encode(st: number, pcm: number, frameSize: number, data: number, maxBytes: number): number;
  opus_encoder_ctl_set(st: number, request: number, value: number): number;
  opus_encoder_ctl_get(st: number, request: number): number;
  opus_decoder_get_size(channels: number): number;
  opus_decoder_init(st: number, rate: number, channels: number): number;
  opus_decode(st: number, data: number, len: number, pcm: number, frameSize: number, decodeFec: number): number;
  opus_decoder_ctl_set(st: number, request: number, value: number): number;
  opus_decoder_ctl_get(st: number, request: number): number;
}

/** Largest packet libopus produces for one frame (RFC 6716 §3.2.1: 1275 bytes per frame, 3 frames in 60 ms). */
export const OPUS_MAX_PACKET = 4000;
/** Largest frame: 120 ms at 48 kHz, per channel. */
export const OPUS_MAX_FRAME = 5760;

/** The loaded library: exports plus scratch regions for PCM and packets. @internal */
export interface OpusLibrary {
  readonly e: OpusWasmExports;
  /** PCM scratch: OPUS_MAX_FRAME × 2 channels of Int16. */
  readonly pcmPtr: number;
  /** Packet scratch: OPUS_MAX_PACKET bytes. */
  readonly packetPtr: number;
  /** Current views (remade after memory growth). */
  u8(): Uint8Array;
  i16(): Int16Array;
}

let library: OpusLibrary | undefined;

function load(): OpusLibrary {
  const bytes = embeddedBytes(OPUS_WASM_BASE64, "libopus");
  if (!WebAssembly.validate(bytes)) {
    throw new OpusError("UNSUPPORTED", "Opus needs WebAssembly SIMD (Node ≥ 16.4, Deno, Bun, current browsers)");
  }
  let u8: Uint8Array | undefined;
  let i16: Int16Array | undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    // libopus is built with Emscripten's standalone runtime: stdio stubs and a growth hook.
    wasi_snapshot_preview1: { fd_seek: () => 0, fd_write: () => 0, fd_close: () => 0, proc_exit: () => {} },
    env: {
      emscripten_notify_memory_growth: () => {
        u8 = undefined;
        i16 = undefined;
      },
    },
  });
  const e = instance.exports as unknown as OpusWasmExports & { _initialize?: () => void };
  e._initialize?.();
  const pcmPtr = e.malloc(OPUS_MAX_FRAME * 2 * 2);
  const packetPtr = e.malloc(OPUS_MAX_PACKET);
  if (!pcmPtr || !packetPtr) throw new OpusError("ALLOC_FAIL", "libopus: no memory for scratch buffers");
  return {
    e,
    pcmPtr,
    packetPtr,
    u8: () => (u8 !== undefined && u8.buffer === e.memory.buffer ? u8 : (u8 = new Uint8Array(e.memory.buffer))),
    i16: () => (i16 !== undefined && i16.buffer === e.memory.buffer ? i16 : (i16 = new Int16Array(e.memory.buffer))),
  };
}

/** The shared libopus instance, loaded on first use. @internal */
export function opusLibrary(): OpusLibrary {
  return (library ??= load());
}
