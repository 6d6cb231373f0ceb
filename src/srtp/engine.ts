/**
 * The Wasm side of SRTP contexts: views of the core's regions, made once, and the resident key slots.
 *
 * The core holds a fixed number of slots (expanded keys, HMAC pad states, GHASH tables) in two pools:
 * general slots, which GCM contexts need (9 KB with their GHASH tables), and many more AES-CM-only
 * slots (0.8 KB), so that a media server's SDES sessions stay resident. Each context keeps a copy of
 * its slot bytes; when more contexts of a kind exist than its pool has slots, the resident loaded
 * longest ago is evicted and the context's copy is loaded back on its next packet, so the number of
 * contexts is not bounded by Wasm memory and memory never grows.
 */
import { wasmCore } from "../wasm/index.ts";
import type { SiphonWasmExports } from "../wasm/index.ts";

/** A context's key material: its slot image and where it is resident, if anywhere. */
export interface KeyHandle {
  /** The slot's bytes: `slotCmSize` long for AES-CM contexts (their pool), `slotSize` for GCM. */
  image: Uint8Array;
  /** Index in its pool, or -1. */
  slot: number;
  /** The slot's address while resident (`slot` >= 0): a packet's lookup reads the handle only. */
  ptr: number;
}

/** One pool of slots: where they are, how far apart, and who holds each. */
export interface SlotPool {
  readonly base: number;
  readonly stride: number;
  readonly count: number;
  /** Resident handle of each slot. */
  readonly owners: (KeyHandle | undefined)[];
  /** Next slot to evict (round robin; free slots first). */
  hand: number;
  /** Slots no context holds. */
  free: number;
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
  readonly slotSize: number;
  /** Bytes of a slot used by AES-CM contexts. */
  readonly slotCmSize: number;
  /** The general slots (any profile). */
  readonly general: SlotPool;
  /** The AES-CM-only slots. */
  readonly cm: SlotPool;
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
    slotSize: x.srtp_slot_size(),
    slotCmSize: x.srtp_slot_cm_size(),
    general: pool(x.srtp_slots(), x.srtp_slot_size(), x.srtp_slot_count()),
    cm: pool(x.srtp_cm_slots(), x.srtp_slot_cm_size(), x.srtp_cm_slot_count()),
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

function pool(base: number, stride: number, count: number): SlotPool {
  return { base, stride, count, owners: new Array<KeyHandle | undefined>(count).fill(undefined), hand: 0, free: count };
}

/** The pool `h` lives in: AES-CM images fit the AES-CM-only slots. */
function poolOf(e: SrtpEngine, h: KeyHandle): SlotPool {
  return h.image.length <= e.slotCmSize ? e.cm : e.general;
}

/** Makes `h` resident and returns its slot pointer. */
export function residentSlot(e: SrtpEngine, h: KeyHandle): number {
  if (h.slot >= 0) return h.ptr;
  const p = poolOf(e, h);
  // With more contexts than slots every slot stays taken: no search for a free one then.
  let slot = p.free > 0 ? p.owners.indexOf(undefined) : -1;
  if (slot < 0) {
    slot = p.hand;
    p.hand = (p.hand + 1) % p.count;
    const victim = p.owners[slot]!;
    victim.slot = -1;
  } else p.free--;
  p.owners[slot] = h;
  h.slot = slot;
  const ptr = p.base + slot * p.stride;
  h.ptr = ptr;
  e.u8.set(h.image, ptr);
  return ptr;
}

/** Takes `h` out of its slot and wipes both copies of the key material. */
export function releaseHandle(e: SrtpEngine, h: KeyHandle): void {
  const p = poolOf(e, h);
  if (h.slot >= 0 && p.owners[h.slot] === h) {
    const ptr = p.base + h.slot * p.stride;
    e.u8.fill(0, ptr, ptr + p.stride);
    p.owners[h.slot] = undefined;
    p.free++;
  }
  h.slot = -1;
  h.image.fill(0);
}
