/**
 * An SRTP crypto context (RFC 3711 §3.2): session keys of one master key, and per-SSRC rollover
 * counters, highest indices and replay windows. Sans-I/O: packets in, packets out, no clock.
 *
 * Bytes are transformed by the Wasm core (assembly/srtp/); this file keeps the state that decides the
 * packet index: the sender's ROC (§3.3.1), the receiver's index estimate (Appendix A) and replay window
 * (§3.3.2, updated only after a packet authenticates), the SRTCP index (§3.4), and the key-use limits
 * (§9.2: never wrap, fail with SrtpLimitError instead).
 *
 * Native crypto (option `crypto`, from runtimes/<name>/crypto.ts) only ever generates AES keystream: the
 * core writes counter blocks into its keystream region, the runtime's long-lived AES-ECB cipher encrypts
 * them in one call, and the core XORs, authenticates (HMAC-SHA1 or GHASH, always in Wasm) and tags.
 * Batch forms do this for the whole batch; single SRTP packets take keystream fetched ahead for their
 * stream (the next PREFETCH_BLOCKS blocks' worth of packet indices in one call). One native call per
 * packet would lose to the Wasm AES (a call costs ~1 µs here, the Wasm AES of 160 bytes ~0.7 µs).
 *
 * Measured with bench/srtp.mjs (172-byte packets, 2-core shared VM, process CPU time; pkt/s,
 * protect / unprotect; werift-rtp's SrtpSession for reference):
 *
 *   AES_CM_128_HMAC_SHA1_80  in place, Wasm   in place, native  batch 64, Wasm   batch 64, native  werift-rtp
 *     Node 20                772k / 790k      1.40M / 1.25M     823k / 762k      1.49M / 1.45M     140k / 85k
 *     Deno 2.9               727k / 744k      1.03M / 988k      718k / 749k      1.13M / 933k      32k / 26k
 *     Bun 1.4                993k / 925k      1.30M / 1.11M     837k / 973k      1.10M / 1.04M     535k / 186k
 *   AEAD_AES_128_GCM
 *     Node 20                671k / 652k      1.25M / 1.19M     724k / 700k      1.27M / 1.17M     185k / 76k
 *     Deno 2.9               533k / 605k      865k / 968k       841k / 818k      1.09M / 1.28M     20k / 31k
 *     Bun 1.4                941k / 963k      1.22M / 1.14M     884k / 890k      1.06M / 1.01M     706k / 239k
 *
 * Primitive costs in Wasm here: T-table AES ~67 ns per block, SHA-1 compression ~105 ns (an SRTP tag
 * over a 172-byte packet takes 4), GHASH ~40 ns per block with 8-bit tables.
 */
import type { AesEcbEncryptor, SrtpCrypto } from "../../runtimes/crypto-types.ts";
import { releaseHandle, residentSlot, srtpEngine } from "./engine.ts";
import type { KeyHandle, SrtpEngine } from "./engine.ts";
import { SrtpErrorCode } from "./error-codes.ts";
import { SrtpLimitError, SrtpPacketError, srtpErrorFor } from "./errors.ts";
import { deriveIntoKeyRegion, loadSessionKeys } from "./kdf.ts";
import type { SrtpSessionKeys } from "./kdf.ts";
import { srtpProfile } from "./profiles.ts";
import type { SrtpProfileInfo, SrtpProfileName } from "./profiles.ts";
import { MAX_ROC, MAX_SRTCP_INDEX, guessRoc } from "./rollover.ts";
import { StreamTable } from "./streams.ts";
import type { RtpStream } from "./streams.ts";

/** Options of {@link createSrtpContext}. */
export interface SrtpContextOptions {
  profile: SrtpProfileName;
  /** Master key: 16 bytes (AES-128 profiles) or 32 bytes (AES-256). */
  masterKey: Uint8Array;
  /** Master salt: 14 bytes (AES-CM profiles) or 12 bytes (AEAD_AES_*_GCM, RFC 7714 §12). */
  masterSalt: Uint8Array;
  /** Replay window size in packets (RFC 3711 §3.3.2 asks for at least 64). Default 128. */
  replayWindow?: number;
  /** Native primitives from a runtime adapter; the portable Wasm path is used when absent. */
  crypto?: SrtpCrypto;
  /** Most SSRCs tracked per direction and packet type; beyond it, SrtpLimitError. Default 4096. */
  maxStreams?: number;
}

const OP_RTP_PROTECT = 0;
const OP_RTP_UNPROTECT = 1;
const OP_RTCP_PROTECT = 2;
const OP_RTCP_UNPROTECT = 3;
/** Bytes reserved per packet in the IO region beyond its length (largest overhead, rounded up). */
const RESERVE = 32;
/** Session encryption keys inside a slot image (assembly/srtp/layout.ts: S_RTP/S_RTCP + D_KEY). */
const RTP_KEY_AT = 64 + 320;
const RTCP_KEY_AT = 64 + 384 + 320;
/** RFC 3711 §9.2: at most 2^48 SRTP packets under one master key. */
const MAX_SRTP_PACKETS = 2 ** 48;
/**
 * Smallest batch sent to the native cipher. One native call costs more than the Wasm AES of one
 * 160-byte payload (a micro-benchmark on Node put batches of 1/2/4/8 at 0.75x/1.08x/1.48x/1.75x the Wasm
 * rate); lone packets use prefetched keystream or the Wasm AES.
 */
const NATIVE_MIN_BATCH = 2;
/**
 * Keystream fetched ahead per SRTP stream when native crypto is on (blocks; 16 KiB): single packets
 * then take their keystream from one native call per run of packets instead of the Wasm AES.
 */
const PREFETCH_BLOCKS = 1024;
/** Largest packet (in keystream blocks) served from prefetched keystream. */
const PREFETCH_MAX_BLOCKS = 128;
/** Largest SRTP packet index (ROC 2^32-1, SEQ 65535). */
const MAX_INDEX = MAX_SRTP_PACKETS - 1;

const registry = new FinalizationRegistry<KeyHandle>((h) => releaseHandle(srtpEngine(), h));

function packetError(code: number, ssrc?: number, index?: number): never {
  throw srtpErrorFor(code, ssrc === undefined ? undefined : index === undefined ? { ssrc } : { ssrc, index });
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Scratch arrays of the batch forms, one set per context, made on first use. */
interface BatchScratch {
  pkt: Int32Array;
  v: Float64Array;
  seq: Int32Array;
  ssrc: Float64Array;
  index: Float64Array;
}

/**
 * One SRTP/SRTCP crypto context. Use one per direction (the keys the local side sends with, and the
 * keys the remote side sends with); within it, each SSRC keeps its own ROC and replay window.
 *
 * Errors: the single-packet forms throw {@link SrtpPacketError}, {@link SrtpAuthError},
 * {@link SrtpReplayError} or {@link SrtpLimitError} and nothing else for any input bytes. The batch
 * forms never throw for packet problems: they write each packet's new length, or the negated
 * {@link SrtpErrorCode}, into `results`.
 */
export class SrtpContext {
  /** The protection profile's sizes. */
  readonly profile: SrtpProfileInfo;
  /** Bytes protectRtp adds (the tag). */
  readonly rtpOverhead: number;
  /** Bytes protectRtcp adds (E+index word and tag). */
  readonly rtcpOverhead: number;
  /** Whether keystream comes from the runtime's native AES (`crypto` option). */
  readonly native: boolean;

  private readonly e: SrtpEngine;
  private readonly handle: KeyHandle;
  private readonly rtpEcb: AesEcbEncryptor | undefined;
  private readonly rtcpEcb: AesEcbEncryptor | undefined;
  private readonly streams: StreamTable;
  private closed = false;
  private scratch: BatchScratch | undefined;

  /** @internal Use {@link createSrtpContext}. */
  constructor(e: SrtpEngine, profile: SrtpProfileInfo, handle: KeyHandle, options: { replayWindow?: number; crypto?: SrtpCrypto; maxStreams?: number }) {
    this.e = e;
    this.profile = profile;
    this.rtpOverhead = profile.rtpOverhead;
    this.rtcpOverhead = profile.rtcpOverhead;
    this.handle = handle;
    const w = options.replayWindow ?? 128;
    if (!Number.isInteger(w) || w < 1 || w > 32768) throw new RangeError("replayWindow must be an integer in 1..32768");
    const m = options.maxStreams ?? 4096;
    if (!Number.isInteger(m) || m < 1) throw new RangeError("maxStreams must be a positive integer");
    this.streams = new StreamTable(w, m);
    const k = profile.keyLength;
    this.rtpEcb = options.crypto?.createAesEcb(handle.image.subarray(RTP_KEY_AT, RTP_KEY_AT + k));
    this.rtcpEcb = options.crypto?.createAesEcb(handle.image.subarray(RTCP_KEY_AT, RTCP_KEY_AT + k));
    this.native = options.crypto !== undefined;
    registry.register(this, handle, handle);
  }

  /** Wipes the key material and frees the core slot. Further use throws a plain Error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    registry.unregister(this.handle);
    releaseHandle(this.e, this.handle);
  }

  /**
   * Sets the ROC of an SSRC (RFC 3711 §3.3.1: a stream joined late, or signalled out of band).
   * For sending, the next packet's index uses this ROC; for receiving, the stream restarts (its
   * replay window empties) at this ROC.
   */
  setRolloverCounter(ssrc: number, roc: number, direction: "send" | "receive"): void {
    this.streams.setRoc(ssrc >>> 0, roc, direction);
  }

  /** The ROC of an SSRC, or undefined when the SSRC is unknown in that direction. */
  rolloverCounter(ssrc: number, direction: "send" | "receive"): number | undefined {
    return (direction === "send" ? this.streams.txRtp : this.streams.rxRtp).get(ssrc >>> 0)?.roc;
  }

  /** Sets the next SRTCP index the sender uses for an SSRC (31 bits, RFC 3711 §3.4). */
  setSrtcpIndex(ssrc: number, index: number): void {
    this.streams.setSrtcpIndex(ssrc >>> 0, index);
  }

  // ---------------------------------------------------------------------------------------------
  // Single-packet forms.

  /** Protects an RTP packet (RFC 3711 §3.3; RFC 7714 §8); returns a new array with the tag appended. */
  protectRtp(packet: Uint8Array): Uint8Array {
    const n = this.protectRtpAt(packet, packet.length);
    return this.e.u8.slice(this.e.io, this.e.io + n);
  }

  /**
   * Protects the first `length` bytes of `buffer` in place; `buffer` needs `rtpOverhead` more bytes.
   * Returns the protected length.
   */
  protectRtpInPlace(buffer: Uint8Array, length: number): number {
    this.checkRoom(buffer, length, this.rtpOverhead);
    const n = this.protectRtpAt(buffer, length);
    buffer.set(this.e.u8.subarray(this.e.io, this.e.io + n));
    return n;
  }

  /** Verifies and decrypts an SRTP packet; returns a new array holding the RTP packet. */
  unprotectRtp(packet: Uint8Array): Uint8Array {
    const n = this.unprotectRtpAt(packet, packet.length);
    return this.e.u8.slice(this.e.io, this.e.io + n);
  }

  /** Unprotects the first `length` bytes of `buffer` in place; returns the RTP packet's length. */
  unprotectRtpInPlace(buffer: Uint8Array, length: number): number {
    this.checkRoom(buffer, length, 0);
    const n = this.unprotectRtpAt(buffer, length);
    buffer.set(this.e.u8.subarray(this.e.io, this.e.io + n));
    return n;
  }

  /** Protects a (compound) RTCP packet (RFC 3711 §3.4; RFC 7714 §9), always encrypted (E = 1). */
  protectRtcp(packet: Uint8Array): Uint8Array {
    const n = this.protectRtcpAt(packet, packet.length);
    return this.e.u8.slice(this.e.io, this.e.io + n);
  }

  /** Protects RTCP in place; `buffer` needs `rtcpOverhead` more bytes. Returns the protected length. */
  protectRtcpInPlace(buffer: Uint8Array, length: number): number {
    this.checkRoom(buffer, length, this.rtcpOverhead);
    const n = this.protectRtcpAt(buffer, length);
    buffer.set(this.e.u8.subarray(this.e.io, this.e.io + n));
    return n;
  }

  /** Verifies and (when E = 1) decrypts an SRTCP packet; returns the RTCP packet. */
  unprotectRtcp(packet: Uint8Array): Uint8Array {
    const n = this.unprotectRtcpAt(packet, packet.length);
    return this.e.u8.slice(this.e.io, this.e.io + n);
  }

  /** Unprotects SRTCP in place; returns the RTCP packet's length. */
  unprotectRtcpInPlace(buffer: Uint8Array, length: number): number {
    this.checkRoom(buffer, length, 0);
    const n = this.unprotectRtcpAt(buffer, length);
    buffer.set(this.e.u8.subarray(this.e.io, this.e.io + n));
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Batch forms: in place, never throwing for packet problems.

  /**
   * Protects `packets[i]` (its first `lengths[i]` bytes, with `rtpOverhead` bytes of room after them)
   * in place. `results[i]` receives the new length or -{@link SrtpErrorCode}.
   */
  protectRtpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    this.batch(OP_RTP_PROTECT, packets, lengths, results);
  }

  /** Unprotects SRTP packets in place; `results[i]` is the RTP length or -{@link SrtpErrorCode}. */
  unprotectRtpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    this.batch(OP_RTP_UNPROTECT, packets, lengths, results);
  }

  /** Protects RTCP packets in place (room for `rtcpOverhead` needed); results as for protectRtpBatch. */
  protectRtcpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    this.batch(OP_RTCP_PROTECT, packets, lengths, results);
  }

  /** Unprotects SRTCP packets in place; results as for unprotectRtpBatch. */
  unprotectRtcpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    this.batch(OP_RTCP_UNPROTECT, packets, lengths, results);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals.

  private checkRoom(buffer: Uint8Array, length: number, extra: number): void {
    if (!Number.isInteger(length) || length < 0 || length > buffer.length) {
      throw new SrtpPacketError(SrtpErrorCode.TooShort, "length outside the buffer");
    }
    if (buffer.length < length + extra) throw new SrtpPacketError(SrtpErrorCode.NoRoom, "no room for the SRTP tag");
  }

  /** Runs `op` over `n` descriptors in the core, with native keystream when configured. */
  private run(op: number, n: number): void {
    if (this.closed) throw new Error("SRTP context is closed");
    const e = this.e;
    const slot = residentSlot(e, this.handle);
    const ecb = op < OP_RTCP_PROTECT ? this.rtpEcb : this.rtcpEcb;
    if (ecb !== undefined && n >= NATIVE_MIN_BATCH) {
      const bytes = e.x.srtp_ctr(slot, op, n);
      if (bytes > 0) {
        const view = e.u8.subarray(e.ks, e.ks + bytes);
        ecb(view, view);
      }
      e.x.srtp_run(slot, op, n, 1);
    } else {
      e.x.srtp_run(slot, op, n, 0);
    }
  }

  /** Runs one packet `src[0, len)` through the core; returns the result (length or -code). */
  private one(op: number, src: Uint8Array, len: number, arg: number): number {
    const e = this.e;
    e.u8.set(len === src.length ? src : src.subarray(0, len), e.io);
    const d = e.desc >>> 2;
    e.u32[d] = e.io;
    e.u32[d + 1] = len;
    e.u32[d + 2] = arg;
    this.run(op, 1);
    return e.i32[d + 3]!;
  }

  /** Keystream blocks the core will use for this SRTP packet (RFC 3550 §5.1 header length), or -1. */
  private rtpBlocks(src: Uint8Array, len: number, protect: boolean): number {
    const body = protect ? len : len - this.profile.rtpTagLength;
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
    return this.profile.aead ? n + 1 : n;
  }

  /**
   * One SRTP packet with keystream fetched ahead natively for its stream, or through the Wasm AES when
   * the packet is not covered. Fetching happens only at the stream's next index (highest + 1), which a
   * forged packet cannot move, so forgeries cannot make the context fetch more than authentic traffic.
   */
  private onePrefetched(op: number, st: RtpStream, src: Uint8Array, len: number, v: number, seq: number, ssrc: number): number {
    const nb = this.rtpBlocks(src, len, op === OP_RTP_PROTECT);
    const index = v * 65536 + seq;
    if (nb <= 0 || nb > PREFETCH_MAX_BLOCKS) return this.one(op, src, len, v);
    const e = this.e;
    if (st.ks === undefined || nb > st.ksBlocks || index < st.ksBase || index >= st.ksBase + st.ksCount) {
      if (!st.started || index !== st.highest + 1) return this.one(op, src, len, v);
      const blocks = Math.max(nb, st.ksBlocks);
      const count = Math.min(Math.floor(PREFETCH_BLOCKS / blocks), MAX_INDEX - index + 1);
      if (count < 2) return this.one(op, src, len, v);
      if (this.closed) throw new Error("SRTP context is closed");
      const slot = residentSlot(e, this.handle);
      const bytes = e.x.srtp_ctr_run(slot, ssrc, v, seq, count, blocks);
      if (bytes === 0) return this.one(op, src, len, v);
      const view = e.u8.subarray(e.ks, e.ks + bytes);
      this.rtpEcb!(view, view);
      st.ks ??= new Uint8Array(PREFETCH_BLOCKS * 16);
      st.ks.set(view);
      st.ksBase = index;
      st.ksCount = count;
      st.ksBlocks = blocks;
    }
    const at = (index - st.ksBase) * st.ksBlocks * 16;
    e.u8.set(len === src.length ? src : src.subarray(0, len), e.io);
    e.u8.set(st.ks.subarray(at, at + nb * 16), e.ks);
    const d = e.desc >>> 2;
    e.u32[d] = e.io;
    e.u32[d + 1] = len;
    e.u32[d + 2] = v;
    if (this.closed) throw new Error("SRTP context is closed");
    e.x.srtp_run(residentSlot(e, this.handle), op, 1, 1);
    return e.i32[d + 3]!;
  }

  private protectRtpAt(src: Uint8Array, len: number): number {
    if (len > this.e.maxPacket) packetError(SrtpErrorCode.TooLong);
    if (len < 12) packetError(SrtpErrorCode.TooShort);
    const seq = (src[2]! << 8) | src[3]!;
    const ssrc = be32(src, 8);
    const st = this.streams.txRtp.get(ssrc);
    const v = st === undefined ? 0 : st.started ? guessRoc(st.sl, st.roc, seq) : st.roc;
    // RFC 3711 §3.3.1/§9.2: the index must not wrap; the key is used up instead.
    if (v < 0 || v > MAX_ROC || this.streams.rtpPackets >= MAX_SRTP_PACKETS) packetError(SrtpErrorCode.Limit, ssrc, v * 65536 + seq);
    const r = st !== undefined && this.rtpEcb !== undefined
      ? this.onePrefetched(OP_RTP_PROTECT, st, src, len, v, seq, ssrc)
      : this.one(OP_RTP_PROTECT, src, len, v);
    if (r < 0) packetError(r, ssrc);
    this.streams.commitTxRtp(st, ssrc, v, seq);
    return r;
  }

  private unprotectRtpAt(src: Uint8Array, len: number): number {
    const tag = this.profile.rtpTagLength;
    if (len > this.e.maxPacket + tag) packetError(SrtpErrorCode.TooLong);
    if (len < 12 + tag) packetError(SrtpErrorCode.TooShort);
    const seq = (src[2]! << 8) | src[3]!;
    const ssrc = be32(src, 8);
    const st = this.streams.rxRtp.get(ssrc);
    const v = st === undefined ? 0 : st.started ? guessRoc(st.sl, st.roc, seq) : st.roc;
    const index = v * 65536 + seq;
    // A guess below ROC 0 is older than the stream's first packet: a replay by definition.
    if (v < 0) packetError(SrtpErrorCode.Replay, ssrc, seq);
    if (v > MAX_ROC) packetError(SrtpErrorCode.Limit, ssrc, index);
    if (st !== undefined && st.started && !st.window!.check(index)) packetError(SrtpErrorCode.Replay, ssrc, index);
    const r = st !== undefined && this.rtpEcb !== undefined
      ? this.onePrefetched(OP_RTP_UNPROTECT, st, src, len, v, seq, ssrc)
      : this.one(OP_RTP_UNPROTECT, src, len, v);
    if (r < 0) packetError(r, ssrc, index);
    this.streams.commitRxRtp(st, ssrc, v, seq, index);
    return r;
  }

  private protectRtcpAt(src: Uint8Array, len: number): number {
    if (len > this.e.maxPacket) packetError(SrtpErrorCode.TooLong);
    if (len < 8) packetError(SrtpErrorCode.TooShort);
    const ssrc = be32(src, 4);
    const st = this.streams.txRtcp.get(ssrc);
    const index = st === undefined ? 0 : st.next;
    if (index > MAX_SRTCP_INDEX) packetError(SrtpErrorCode.Limit, ssrc, index);
    const r = this.one(OP_RTCP_PROTECT, src, len, index);
    if (r < 0) packetError(r, ssrc);
    (st ?? this.streams.txRtcpStream(ssrc)).next = index + 1;
    return r;
  }

  /** The SRTCP index (without E) of a protected packet, or -1 when too short. */
  private rtcpIndexOf(src: Uint8Array, len: number): number {
    const tag = this.profile.rtcpTagLength;
    if (len < 8 + 4 + tag) return -1;
    const at = this.profile.aead ? len - 4 : len - tag - 4;
    return be32(src, at) & MAX_SRTCP_INDEX;
  }

  private unprotectRtcpAt(src: Uint8Array, len: number): number {
    const tag = this.profile.rtcpTagLength;
    if (len > this.e.maxPacket + tag + 4) packetError(SrtpErrorCode.TooLong);
    const index = this.rtcpIndexOf(src, len);
    if (index < 0) packetError(SrtpErrorCode.TooShort);
    const ssrc = be32(src, 4);
    const w = this.streams.rxRtcp.get(ssrc);
    if (w !== undefined && !w.check(index)) packetError(SrtpErrorCode.Replay, ssrc, index);
    const r = this.one(OP_RTCP_UNPROTECT, src, len, 0);
    if (r < 0) packetError(r, ssrc, index);
    this.streams.commitRxRtcp(w, ssrc, index);
    return r;
  }

  private batch(op: number, packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    const e = this.e;
    const n = packets.length;
    if (lengths.length < n || results.length < n) throw new RangeError("lengths and results must cover every packet");
    const s = (this.scratch ??= {
      pkt: new Int32Array(e.descCount),
      v: new Float64Array(e.descCount),
      seq: new Int32Array(e.descCount),
      ssrc: new Float64Array(e.descCount),
      index: new Float64Array(e.descCount),
    });
    const protect = op === OP_RTP_PROTECT || op === OP_RTCP_PROTECT;
    const extra = op === OP_RTP_PROTECT ? this.rtpOverhead : op === OP_RTCP_PROTECT ? this.rtcpOverhead : 0;
    const rtpTag = this.profile.rtpTagLength;
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
          results[i] = -SrtpErrorCode.TooShort;
          continue;
        }
        if (pkt.length < len + extra) {
          results[i] = -SrtpErrorCode.NoRoom;
          continue;
        }
        if (len > e.maxPacket + (protect ? 0 : RESERVE)) {
          results[i] = -SrtpErrorCode.TooLong;
          continue;
        }
        if (off + len + RESERVE > ioEnd) break;
        let arg = 0;
        if (op === OP_RTP_PROTECT || op === OP_RTP_UNPROTECT) {
          if (len < (protect ? 12 : 12 + rtpTag)) {
            results[i] = -SrtpErrorCode.TooShort;
            continue;
          }
          const seq = (pkt[2]! << 8) | pkt[3]!;
          const ssrc = be32(pkt, 8);
          const st = protect ? this.streams.txRtp.get(ssrc) : this.streams.rxRtp.get(ssrc);
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
            results[i] = protect ? -SrtpErrorCode.Limit : -SrtpErrorCode.Replay;
            continue;
          }
          if (v > MAX_ROC || (protect && this.streams.rtpPackets + count >= MAX_SRTP_PACKETS)) {
            results[i] = -SrtpErrorCode.Limit;
            continue;
          }
          if (!protect && st !== undefined && st.started && !st.window!.check(index)) {
            results[i] = -SrtpErrorCode.Replay;
            continue;
          }
          arg = v;
          s.v[count] = v;
          s.seq[count] = seq;
          s.ssrc[count] = ssrc;
          s.index[count] = index;
        } else {
          if (len < 8) {
            results[i] = -SrtpErrorCode.TooShort;
            continue;
          }
          const ssrc = be32(pkt, 4);
          s.ssrc[count] = ssrc;
          if (protect) {
            const st = this.streams.txRtcp.get(ssrc) ?? (this.streams.txRtcp.size < this.streams.maxStreams ? this.streams.txRtcpStream(ssrc) : undefined);
            if (st === undefined || st.next > MAX_SRTCP_INDEX) {
              results[i] = -SrtpErrorCode.Limit;
              continue;
            }
            // The index is used up even if the core rejects the packet: indices stay unique.
            arg = st.next++;
          } else {
            const index = this.rtcpIndexOf(pkt, len);
            if (index < 0) {
              results[i] = -SrtpErrorCode.TooShort;
              continue;
            }
            const w = this.streams.rxRtcp.get(ssrc);
            if (w !== undefined && !w.check(index)) {
              results[i] = -SrtpErrorCode.Replay;
              continue;
            }
            s.index[count] = index;
          }
        }
        u8.set(len === pkt.length ? pkt : pkt.subarray(0, len), off);
        const d = desc + (count << 2);
        u32[d] = off;
        u32[d + 1] = len;
        u32[d + 2] = arg;
        s.pkt[count] = i;
        count++;
        off += (len + RESERVE + 7) & ~7;
      }
      if (count === 0) continue;
      this.run(op, count);
      for (let k = 0; k < count; k++) {
        const d = desc + (k << 2);
        let r = i32[d + 3]!;
        const at = s.pkt[k]!;
        if (r >= 0) {
          r = this.commitBatch(op, s, k);
          if (r === 0) r = i32[d + 3]!;
        }
        if (r >= 0) {
          const ptr = u32[d]!;
          packets[at]!.set(u8.subarray(ptr, ptr + r));
        }
        results[at] = r;
      }
    }
  }

  /** Commits one authenticated batch packet; 0, or a negative code when it lost a replay race. */
  private commitBatch(op: number, s: BatchScratch, k: number): number {
    const ssrc = s.ssrc[k]!;
    try {
      switch (op) {
        case OP_RTP_PROTECT:
          this.streams.commitTxRtp(this.streams.txRtp.get(ssrc), ssrc, s.v[k]!, s.seq[k]!);
          return 0;
        case OP_RTP_UNPROTECT: {
          const st = this.streams.rxRtp.get(ssrc);
          const index = s.index[k]!;
          // Two copies of one packet in the same batch: only the first is accepted.
          if (st !== undefined && st.started && !st.window!.check(index)) return -SrtpErrorCode.Replay;
          this.streams.commitRxRtp(st, ssrc, s.v[k]!, s.seq[k]!, index);
          return 0;
        }
        case OP_RTCP_PROTECT:
          return 0;
        default: {
          const w = this.streams.rxRtcp.get(ssrc);
          const index = s.index[k]!;
          if (w !== undefined && !w.check(index)) return -SrtpErrorCode.Replay;
          this.streams.commitRxRtcp(w, ssrc, index);
          return 0;
        }
      }
    } catch (err) {
      if (err instanceof SrtpLimitError) return -SrtpErrorCode.Limit;
      throw err;
    }
  }
}

/** Creates an SRTP context from a master key and salt (key derivation of RFC 3711 §4.3, kdr = 0). */
export function createSrtpContext(options: SrtpContextOptions): SrtpContext {
  const profile = srtpProfile(options.profile);
  if (!profile) throw new SrtpPacketError(SrtpErrorCode.BadProfile, `unknown SRTP profile ${String(options.profile)}`);
  const e = srtpEngine();
  return makeContext(e, profile, options, () => deriveIntoKeyRegion(e, profile, options.masterKey, options.masterSalt));
}

/**
 * Creates a context from session keys directly, bypassing key derivation. For test vectors that list
 * session keys (RFC 3711 B.2, RFC 6188 §7.1, RFC 7714 §16–17); not part of the package's public API.
 */
export function createSrtpContextFromSessionKeys(
  name: SrtpProfileName,
  keys: SrtpSessionKeys,
  options: { replayWindow?: number; crypto?: SrtpCrypto; maxStreams?: number } = {},
): SrtpContext {
  const profile = srtpProfile(name);
  if (!profile) throw new SrtpPacketError(SrtpErrorCode.BadProfile, `unknown SRTP profile ${String(name)}`);
  const e = srtpEngine();
  return makeContext(e, profile, options, () => loadSessionKeys(e, profile, keys));
}

function makeContext(
  e: SrtpEngine,
  profile: SrtpProfileInfo,
  options: { replayWindow?: number; crypto?: SrtpCrypto; maxStreams?: number },
  fillKeys: () => void,
): SrtpContext {
  // AES-CM contexts need no GHASH tables: their image (and reload copy) is the slot's first part only.
  const handle: KeyHandle = { image: new Uint8Array(profile.aead ? e.slotSize : e.slotCmSize), slot: -1 };
  try {
    fillKeys();
    const slot = residentSlot(e, handle);
    const r = e.x.srtp_setup(slot, profile.id);
    if (r < 0) packetError(r);
    handle.image.set(e.u8.subarray(slot, slot + handle.image.length));
    return new SrtpContext(e, profile, handle, options);
  } catch (err) {
    e.u8.fill(0, e.keys, e.keys + 256);
    releaseHandle(e, handle);
    throw err;
  }
}
