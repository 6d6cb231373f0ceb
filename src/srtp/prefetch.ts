/**
 * Native keystream fetched ahead for single SRTP packets. With a runtime's AES-ECB (`crypto`
 * option), one native call per packet would lose to the Wasm AES (a call costs about 1 µs, the Wasm
 * AES of 160 bytes about 0.7 µs). So when a stream's next packet arrives, the core writes the counter
 * blocks of the following PREFETCH_BLOCKS blocks' worth of packet indices, the native cipher turns
 * them into keystream in one call, and later packets of the stream take theirs from that store.
 * Internal to src/srtp.
 */
import { DESC_RESULT, OP_RTP_PROTECT } from "./abi.generated.ts";
import type { ContextState } from "./context-state.ts";
import { MAX_ROC } from "./rollover.ts";
import type { RtpStream } from "./streams.ts";

/** Keystream fetched ahead per SRTP stream (blocks; 16 KiB). */
const PREFETCH_BLOCKS = 1024;
/** Largest packet (in keystream blocks) served from prefetched keystream. */
const PREFETCH_MAX_BLOCKS = 128;
/** Largest SRTP packet index (ROC 2^32-1, SEQ 65535). */
const MAX_INDEX = (MAX_ROC + 1) * 65536 - 1;

/** Keystream blocks the core will use for this SRTP packet (RFC 3550 §5.1 header length), or -1. */
function rtpBlocks(c: ContextState, src: Uint8Array, len: number, protect: boolean): number {
  const body = protect ? len : len - c.profile.rtpTagLength;
  if (body < 12) return -1;
  const b0 = src[0]!;
  if (b0 >> 6 !== 2) return -1;
  let hl = 12 + ((b0 & 15) << 2);
  if (b0 & 0x10) {
    if (hl + 4 > body) return -1;
    hl += 4 + (((src[hl + 2]! << 8) | src[hl + 3]!) << 2);
  }
  if (hl > body) return -1;
  const n = (body - hl + 15) >> 4;
  return c.profile.aead ? n + 1 : n;
}

/**
 * One SRTP packet with keystream fetched ahead natively for its stream, or through the Wasm AES when
 * the packet is not covered. Fetching happens only at the stream's next index (highest + 1), which a
 * forged packet cannot move, so forgeries cannot make the context fetch more than authentic traffic.
 * Returns the core's result (length or negative code).
 */
export function onePrefetched(
  c: ContextState,
  op: number,
  st: RtpStream,
  src: Uint8Array,
  len: number,
  v: number,
  seq: number,
  ssrc: number,
): number {
  const nb = rtpBlocks(c, src, len, op === OP_RTP_PROTECT);
  const index = v * 65536 + seq;
  if (nb <= 0 || nb > PREFETCH_MAX_BLOCKS) return c.one(op, src, len, v);
  const e = c.e;
  if (st.ks === undefined || nb > st.ksBlocks || index < st.ksBase || index >= st.ksBase + st.ksCount) {
    if (!st.started || index !== st.highest + 1) return c.one(op, src, len, v);
    const blocks = Math.max(nb, st.ksBlocks);
    const count = Math.min(Math.floor(PREFETCH_BLOCKS / blocks), MAX_INDEX - index + 1);
    if (count < 2) return c.one(op, src, len, v);
    const bytes = e.x.srtp_ctr_run(c.slot(), ssrc, v, seq, count, blocks);
    if (bytes === 0) return c.one(op, src, len, v);
    if (st.ks === undefined) {
      st.ks = new Uint8Array(PREFETCH_BLOCKS * 16);
      st.ks32 = new Uint32Array(st.ks.buffer);
    }
    // The cipher writes the keystream straight into the store (not into the core's region first:
    // one copy of up to 16 KiB less per fetch). The store is invalid until it has.
    st.ksCount = 0;
    c.rtpEcb!(e.u8.subarray(e.ks, e.ks + bytes), bytes === st.ks.length ? st.ks : st.ks.subarray(0, bytes));
    st.ksBase = index;
    st.ksCount = count;
    st.ksBlocks = blocks;
  }
  // The packet's keystream, word by word: cheaper than a view made per packet to copy from.
  const from = (index - st.ksBase) * st.ksBlocks * 4;
  const ks32 = st.ks32!;
  const u32 = e.u32;
  for (let i = 0, to = e.ks >>> 2, n = nb * 4; i < n; i++) u32[to + i] = ks32[from + i]!;
  c.load(src, len, v);
  e.x.srtp_run(c.slot(), op, 1, 1);
  return e.i32[(e.desc >>> 2) + DESC_RESULT]!;
}
