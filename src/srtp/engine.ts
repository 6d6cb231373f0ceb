/**
 * The Wasm side of SRTP contexts: views of the core's regions, made once, and the resident key slots.
 *
 * The core holds a fixed number of slots (expanded keys, HMAC pad states, GHASH tables). Each context
 * keeps a copy of its slot bytes; when more contexts exist than slots, the least recently loaded
 * resident is evicted and the context's copy is loaded back on its next packet (0.8 KB for AES-CM, 9 KB
 * with GCM's GHASH tables), so the
 * number of contexts is not bounded by Wasm memory and memory never grows.
 */
import { wasmCore } from "../wasm/index.ts";
import type { SiphonWasmExports } from "../wasm/index.ts";

/** A context's key material: its slot image and where it is resident, if anywhere. */
export interface KeyHandle {
  image: Uint8Array;
  slot: number;
}

/** Views and pointers of the SRTP core, fetched once. */
export interface SrtpEngine {
  readonly x: SiphonWasmExports;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly io: number;
  readonly ioSize: number;
  readonly ks: number;
  readonly desc: number;
  readonly descCount: number;
  readonly keys: number;
  readonly maxPacket: number;
  readonly slots: number;
  readonly slotSize: number;
  /** Bytes of a slot used by AES-CM contexts. */
  readonly slotCmSize: number;
  readonly slotCount: number;
  /** Resident handle of each slot. */
  readonly owners: (KeyHandle | undefined)[];
  /** Next slot to evict (round robin over slots; free slots first). */
  hand: number;
  /** Slots no context holds. */
  free: number;
  /** Views of the IO region's first n bytes, by n (made once each: no view per packet). */
  readonly ioViews: (Uint8Array | undefined)[];
}

let engine: SrtpEngine | undefined;

/** The shared engine, created on first use. */
export function srtpEngine(): SrtpEngine {
  if (engine) return engine;
  const core = wasmCore();
  const x = core.exports;
  const buffer = x.memory.buffer;
  engine = {
    x,
    u8: core.u8,
    u32: core.u32,
    i32: new Int32Array(buffer),
    io: x.srtp_io(),
    ioSize: x.srtp_io_size(),
    ks: x.srtp_ks(),
    desc: x.srtp_desc(),
    descCount: x.srtp_desc_count(),
    keys: x.srtp_keys(),
    maxPacket: x.srtp_max_packet(),
    slots: x.srtp_slots(),
    slotSize: x.srtp_slot_size(),
    slotCmSize: x.srtp_slot_cm_size(),
    slotCount: x.srtp_slot_count(),
    owners: new Array<KeyHandle | undefined>(x.srtp_slot_count()).fill(undefined),
    hand: 0,
    free: x.srtp_slot_count(),
    ioViews: [],
  };
  return engine;
}

/** Views kept per length up to this many bytes (a media packet's sizes); longer ones are made each time. */
const MAX_CACHED_VIEW = 2048;

/**
 * The IO region's first `n` bytes as a view. A stream's packets come in one or two sizes, so the
 * views of those sizes are made once; memory never grows, so they never go stale.
 */
export function ioView(e: SrtpEngine, n: number): Uint8Array {
  if (n > MAX_CACHED_VIEW) return e.u8.subarray(e.io, e.io + n);
  let v = e.ioViews[n];
  if (v === undefined) e.ioViews[n] = v = e.u8.subarray(e.io, e.io + n);
  return v;
}

/** Makes `h` resident and returns its slot pointer. */
export function residentSlot(e: SrtpEngine, h: KeyHandle): number {
  if (h.slot >= 0) return e.slots + h.slot * e.slotSize;
  // With more contexts than slots every slot stays taken: no search for a free one then.
  let slot = e.free > 0 ? e.owners.indexOf(undefined) : -1;
  if (slot < 0) {
    slot = e.hand;
    e.hand = (e.hand + 1) % e.slotCount;
    const victim = e.owners[slot]!;
    victim.slot = -1;
  } else e.free--;
  e.owners[slot] = h;
  h.slot = slot;
  const ptr = e.slots + slot * e.slotSize;
  e.u8.set(h.image, ptr);
  return ptr;
}

/** Takes `h` out of its slot and wipes both copies of the key material. */
export function releaseHandle(e: SrtpEngine, h: KeyHandle): void {
  if (h.slot >= 0 && e.owners[h.slot] === h) {
    const ptr = e.slots + h.slot * e.slotSize;
    e.u8.fill(0, ptr, ptr + e.slotSize);
    e.owners[h.slot] = undefined;
    e.free++;
  }
  h.slot = -1;
  h.image.fill(0);
}
