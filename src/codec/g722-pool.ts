import { wasmCore } from "../wasm/index.ts";
import type { SiphonWasmExports } from "../wasm/index.ts";
import { CodecError } from "./errors.ts";

/**
 * The G.722 states of the Wasm core: a fixed pool of slots (both bands' quantisers and predictors
 * and the QMF history of one stream each) handed out to encoders and decoders and taken back when
 * they close, or when an unclosed one is collected. Internal to src/codec.
 */
export interface G722Core {
  readonly e: SiphonWasmExports;
  /** Samples (16 kHz) one core call takes or gives. */
  readonly capacity: number;
  readonly pcmPtr: number;
  readonly codePtr: number;
  /** Views of the core's PCM and code regions (memory never grows: made once). */
  readonly pcm: Int16Array;
  readonly codes: Uint8Array;
  /** Free slot indices, a stack: `free[0, top)`. */
  readonly free: Int32Array;
  top: number;
}

let core: G722Core | undefined;

/** The shared pool, created on first use. */
export function g722Core(): G722Core {
  if (core) return core;
  const c = wasmCore();
  const e = c.exports;
  const capacity = e.g722_capacity();
  const pcmPtr = e.g722_pcm_buf();
  const codePtr = e.g722_code_buf();
  const count = e.g722_slot_count();
  const free = new Int32Array(count);
  // Lowest slots on top, so a process that opens few codecs touches few pages of the pool.
  for (let i = 0; i < count; i++) free[i] = count - 1 - i;
  core = {
    e,
    capacity,
    pcmPtr,
    codePtr,
    pcm: new Int16Array(c.u8.buffer, pcmPtr, capacity),
    codes: new Uint8Array(c.u8.buffer, codePtr, capacity >> 1),
    free,
    top: count,
  };
  return core;
}

const registry = new FinalizationRegistry<number>((slot) => releaseSlot(slot));

/**
 * Takes a free slot, initialised for `mode` (1, 2, 3), on behalf of `owner`; throws CodecError
 * `LIMIT` when every slot is in use.
 */
export function takeSlot(mode: number, owner: object): number {
  const c = g722Core();
  if (c.top === 0) {
    throw new CodecError("LIMIT", `all ${c.free.length} G.722 states are in use: close encoders and decoders no longer needed`);
  }
  const slot = c.free[--c.top]!;
  check(c.e.g722_init(slot, mode));
  registry.register(owner, slot, owner);
  return slot;
}

/** Gives `owner`'s slot back to the pool. */
export function giveSlot(slot: number, owner: object): void {
  registry.unregister(owner);
  releaseSlot(slot);
}

function releaseSlot(slot: number): void {
  const c = g722Core();
  c.free[c.top++] = slot;
}

/** A core result that cannot be negative for arguments the layer checked. */
export function check(result: number): number {
  if (result < 0) throw new Error(`G.722 core refused a checked call (${result})`);
  return result;
}
