/**
 * The batch forms of an SRTP context: many packets through the core in one call (and, with a
 * runtime's AES-ECB, one native keystream call), in place, never throwing for packet problems —
 * each packet's result is its new length or a negative code. Internal to src/srtp.
 */
import {
  DESC_ARG,
  DESC_LEN,
  DESC_PTR,
  DESC_RESULT,
  DESC_WORDS,
  ERR_LIMIT,
  ERR_NO_ROOM,
  ERR_REPLAY,
  ERR_TOO_LONG,
  ERR_TOO_SHORT,
  OP_RTCP_PROTECT,
  OP_RTP_PROTECT,
  OP_RTP_UNPROTECT,
} from "./abi.generated.ts";
import type { ContextState } from "./context-state.ts";
import { SrtpLimitError } from "./errors.ts";
import { guessRoc, MAX_ROC, MAX_SRTCP_INDEX } from "./rollover.ts";

/** Bytes reserved per packet in the IO region beyond its length (largest overhead, rounded up). */
const RESERVE = 32;
/** RFC 3711 §9.2: at most 2^48 SRTP packets under one master key. */
const MAX_SRTP_PACKETS = 2 ** 48;

/** Scratch arrays of the batch forms, one set per context, made on first use. */
interface BatchScratch {
  pkt: Int32Array;
  v: Float64Array;
  seq: Int32Array;
  ssrc: Float64Array;
  index: Float64Array;
}

const scratches = new WeakMap<ContextState, BatchScratch>();

/**
 * Runs `op` over `packets[i][0, lengths[i])` in place (protect needs `overhead` bytes of room after
 * each); `results[i]` receives the new length or a negative code.
 */
export function runBatch(
  c: ContextState,
  op: number,
  overhead: number,
  packets: readonly Uint8Array[],
  lengths: ArrayLike<number>,
  results: Int32Array,
): void {
  const e = c.e;
  const n = packets.length;
  if (lengths.length < n || results.length < n) throw new RangeError("lengths and results must cover every packet");
  let s = scratches.get(c);
  if (s === undefined) {
    s = {
      pkt: new Int32Array(e.descCount),
      v: new Float64Array(e.descCount),
      seq: new Int32Array(e.descCount),
      ssrc: new Float64Array(e.descCount),
      index: new Float64Array(e.descCount),
    };
    scratches.set(c, s);
  }
  const protect = op === OP_RTP_PROTECT || op === OP_RTCP_PROTECT;
  const rtp = op === OP_RTP_PROTECT || op === OP_RTP_UNPROTECT;
  const rtpTag = c.profile.rtpTagLength;
  const streams = c.streams;
  const u8 = e.u8;
  const u32 = e.u32;
  const i32 = e.i32;
  const desc = e.desc >>> 2;
  const ioEnd = e.io + e.ioSize;
  let i = 0;
  while (i < n) {
    let count = 0;
    let off = e.io;
    // First sequence number of streams not yet started, for ROC guesses within this chunk only.
    let pending: Map<number, number> | undefined;
    for (; i < n && count < e.descCount; i++) {
      const pkt = packets[i]!;
      const len = lengths[i]!;
      if (!Number.isInteger(len) || len < 0 || len > pkt.length) {
        results[i] = ERR_TOO_SHORT;
        continue;
      }
      if (pkt.length < len + overhead) {
        results[i] = ERR_NO_ROOM;
        continue;
      }
      if (len > e.maxPacket + (protect ? 0 : RESERVE)) {
        results[i] = ERR_TOO_LONG;
        continue;
      }
      if (off + len + RESERVE > ioEnd) break;
      let arg = 0;
      if (rtp) {
        if (len < (protect ? 12 : 12 + rtpTag)) {
          results[i] = ERR_TOO_SHORT;
          continue;
        }
        const seq = (pkt[2]! << 8) | pkt[3]!;
        const ssrc = be32(pkt, 8);
        const st = protect ? streams.txRtp.get(ssrc) : streams.rxRtp.get(ssrc);
        let v: number;
        if (st !== undefined && st.started) {
          v = guessRoc(st.sl, st.roc, seq);
        } else {
          const roc = st === undefined ? 0 : st.roc;
          const first = (pending ??= new Map()).get(ssrc);
          if (first === undefined) {
            pending.set(ssrc, seq);
            v = roc;
          } else {
            v = guessRoc(first, roc, seq);
          }
        }
        const index = v * 65536 + seq;
        if (v < 0) {
          results[i] = protect ? ERR_LIMIT : ERR_REPLAY;
          continue;
        }
        if (v > MAX_ROC || (protect && streams.rtpPackets + count >= MAX_SRTP_PACKETS)) {
          results[i] = ERR_LIMIT;
          continue;
        }
        if (!protect && st !== undefined && st.started && !st.window!.check(index)) {
          results[i] = ERR_REPLAY;
          continue;
        }
        arg = v;
        s.v[count] = v;
        s.seq[count] = seq;
        s.ssrc[count] = ssrc;
        s.index[count] = index;
      } else {
        if (len < 8) {
          results[i] = ERR_TOO_SHORT;
          continue;
        }
        const ssrc = be32(pkt, 4);
        s.ssrc[count] = ssrc;
        if (protect) {
          const st = streams.txRtcp.get(ssrc) ?? (streams.txRtcp.size < streams.maxStreams ? streams.txRtcpStream(ssrc) : undefined);
          if (st === undefined || st.next > MAX_SRTCP_INDEX) {
            results[i] = ERR_LIMIT;
            continue;
          }
          // The index is used up even if the core rejects the packet: indices stay unique.
          arg = st.next++;
        } else {
          const index = rtcpIndexOf(c, pkt, len);
          if (index < 0) {
            results[i] = ERR_TOO_SHORT;
            continue;
          }
          const w = streams.rxRtcp.get(ssrc);
          if (w !== undefined && !w.check(index)) {
            results[i] = ERR_REPLAY;
            continue;
          }
          s.index[count] = index;
        }
      }
      u8.set(len === pkt.length ? pkt : pkt.subarray(0, len), off);
      const d = desc + count * DESC_WORDS;
      u32[d + DESC_PTR] = off;
      u32[d + DESC_LEN] = len;
      u32[d + DESC_ARG] = arg;
      s.pkt[count] = i;
      count++;
      off += (len + RESERVE + 7) & ~7;
    }
    if (count === 0) continue;
    c.run(op, count);
    for (let k = 0; k < count; k++) {
      const d = desc + k * DESC_WORDS;
      let r = i32[d + DESC_RESULT]!;
      const at = s.pkt[k]!;
      if (r >= 0) {
        r = commit(c, op, s, k);
        if (r === 0) r = i32[d + DESC_RESULT]!;
      }
      if (r >= 0) {
        const ptr = u32[d + DESC_PTR]!;
        packets[at]!.set(u8.subarray(ptr, ptr + r));
      }
      results[at] = r;
    }
  }
}

/** Commits one authenticated batch packet; 0, or a negative code when it lost a replay race. */
function commit(c: ContextState, op: number, s: BatchScratch, k: number): number {
  const streams = c.streams;
  const ssrc = s.ssrc[k]!;
  try {
    switch (op) {
      case OP_RTP_PROTECT:
        streams.commitTxRtp(streams.txRtp.get(ssrc), ssrc, s.v[k]!, s.seq[k]!);
        return 0;
      case OP_RTP_UNPROTECT: {
        const st = streams.rxRtp.get(ssrc);
        const index = s.index[k]!;
        // Two copies of one packet in the same batch: only the first is accepted.
        if (st !== undefined && st.started && !st.window!.check(index)) return ERR_REPLAY;
        streams.commitRxRtp(st, ssrc, s.v[k]!, s.seq[k]!, index);
        return 0;
      }
      case OP_RTCP_PROTECT:
        return 0;
      default: {
        const w = streams.rxRtcp.get(ssrc);
        const index = s.index[k]!;
        if (w !== undefined && !w.check(index)) return ERR_REPLAY;
        streams.commitRxRtcp(w, ssrc, index);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof SrtpLimitError) return ERR_LIMIT;
    throw err;
  }
}

/** The SRTCP index (without E) of a protected packet, or -1 when too short (RFC 3711 §3.4). */
export function rtcpIndexOf(c: ContextState, src: Uint8Array, len: number): number {
  const tag = c.profile.rtcpTagLength;
  if (len < 8 + 4 + tag) return -1;
  const at = c.profile.aead ? len - 4 : len - tag - 4;
  return be32(src, at) & MAX_SRTCP_INDEX;
}

/** @internal Big-endian u32 at `at`. */
export function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
