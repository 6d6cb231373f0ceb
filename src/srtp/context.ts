/**
 * An SRTP crypto context (RFC 3711 §3.2): session keys of one master key, and per-SSRC rollover
 * counters, highest indices and replay windows. Sans-I/O: packets in, packets out, no clock.
 *
 * Bytes are transformed by the Wasm core (assembly/srtp/); this file keeps the state that decides the
 * packet index: the sender's ROC (§3.3.1), the receiver's index estimate (Appendix A) and replay window
 * (§3.3.2, updated only after a packet authenticates), the SRTCP index (§3.4), and the key-use limits
 * (§9.2: never wrap, fail with SrtpLimitError instead). The batch forms are in batch.ts, native
 * keystream fetched ahead for single packets in prefetch.ts.
 *
 * Native crypto (option `crypto`, a runtime adapter's `SrtpCrypto`) only ever generates AES
 * keystream: the core writes counter blocks into its keystream region, the runtime's long-lived
 * AES-ECB cipher encrypts them in one call, and the core XORs, authenticates (HMAC-SHA1 or GHASH,
 * always in Wasm) and tags. Throughput of each path: bench/srtp.mjs, figures in bench/README.md.
 */
import {
  ERR_LIMIT,
  ERR_REPLAY,
  ERR_TOO_LONG,
  ERR_TOO_SHORT,
  OP_RTCP_PROTECT,
  OP_RTCP_UNPROTECT,
  OP_RTP_PROTECT,
  OP_RTP_UNPROTECT,
} from "./abi.generated.ts";
import { be32, rtcpIndexOf, runBatch } from "./batch.ts";
import { ContextState } from "./context-state.ts";
import type { ContextStateOptions } from "./context-state.ts";
import type { SrtpCrypto } from "./crypto.ts";
import { ioView, releaseHandle, residentSlot, srtpEngine } from "./engine.ts";
import type { KeyHandle, SrtpEngine } from "./engine.ts";
import { SrtpPacketError, srtpErrorFor } from "./errors.ts";
import { deriveIntoKeyRegion, loadSessionKeys } from "./kdf.ts";
import type { SrtpSessionKeys } from "./kdf.ts";
import { onePrefetched } from "./prefetch.ts";
import { srtpProfile } from "./profiles.ts";
import type { SrtpProfileInfo, SrtpProfileName } from "./profiles.ts";
import { MAX_ROC, MAX_SRTCP_INDEX, guessRoc } from "./rollover.ts";

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

/** RFC 3711 §9.2: at most 2^48 SRTP packets under one master key. */
const MAX_SRTP_PACKETS = 2 ** 48;

function packetError(result: number, ssrc?: number, index?: number): never {
  throw srtpErrorFor(result, ssrc, index);
}

/**
 * One SRTP/SRTCP crypto context, made by {@link createSrtpContext}. Use one per direction (the keys
 * the local side sends with, and the keys the remote side sends with); within it, each SSRC keeps
 * its own ROC and replay window.
 *
 * Errors: the single-packet forms throw `SrtpPacketError`, `SrtpAuthError`, `SrtpReplayError` or
 * `SrtpLimitError` and nothing else for any input bytes. The batch forms never throw for packet
 * problems: they write each packet's new length, or a negative number whose code `srtpErrorCode`
 * gives, into `results`.
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
  readonly #c: ContextState;

  /** @internal Use {@link createSrtpContext}. */
  constructor(e: SrtpEngine, profile: SrtpProfileInfo, handle: KeyHandle, options: ContextStateOptions) {
    this.#c = new ContextState(e, profile, handle, options, this);
    this.profile = profile;
    this.rtpOverhead = profile.rtpOverhead;
    this.rtcpOverhead = profile.rtcpOverhead;
    this.native = options.crypto !== undefined;
  }

  /** Wipes the key material and frees the core slot. Further use throws a plain Error. */
  close(): void {
    this.#c.close();
  }

  /**
   * Sets the ROC of an SSRC (RFC 3711 §3.3.1: a stream joined late, or signalled out of band).
   * For sending, the next packet's index uses this ROC; for receiving, the stream restarts (its
   * replay window empties) at this ROC.
   */
  setRolloverCounter(ssrc: number, roc: number, direction: "send" | "receive"): void {
    this.#c.streams.setRoc(ssrc >>> 0, roc, direction);
  }

  /** The ROC of an SSRC, or undefined when the SSRC is unknown in that direction. */
  rolloverCounter(ssrc: number, direction: "send" | "receive"): number | undefined {
    const s = this.#c.streams;
    return (direction === "send" ? s.txRtp : s.rxRtp).get(ssrc >>> 0)?.roc;
  }

  /** Sets the next SRTCP index the sender uses for an SSRC (31 bits, RFC 3711 §3.4). */
  setSrtcpIndex(ssrc: number, index: number): void {
    this.#c.streams.setSrtcpIndex(ssrc >>> 0, index);
  }

  // ---------------------------------------------------------------------------------------------
  // Single-packet forms.

  /** Protects an RTP packet (RFC 3711 §3.3; RFC 7714 §8); returns a new array with the tag appended. */
  protectRtp(packet: Uint8Array): Uint8Array {
    return this.#copyOut(this.#protectRtp(packet, packet.length));
  }

  /**
   * Protects the first `length` bytes of `buffer` in place; `buffer` needs `rtpOverhead` more bytes.
   * Returns the protected length.
   */
  protectRtpInPlace(buffer: Uint8Array, length: number): number {
    this.#checkRoom(buffer, length, this.rtpOverhead);
    return this.#copyBack(buffer, this.#protectRtp(buffer, length));
  }

  /** Verifies and decrypts an SRTP packet; returns a new array holding the RTP packet. */
  unprotectRtp(packet: Uint8Array): Uint8Array {
    return this.#copyOut(this.#unprotectRtp(packet, packet.length));
  }

  /** Unprotects the first `length` bytes of `buffer` in place; returns the RTP packet's length. */
  unprotectRtpInPlace(buffer: Uint8Array, length: number): number {
    this.#checkRoom(buffer, length, 0);
    return this.#copyBack(buffer, this.#unprotectRtp(buffer, length));
  }

  /** Protects a (compound) RTCP packet (RFC 3711 §3.4; RFC 7714 §9), always encrypted (E = 1). */
  protectRtcp(packet: Uint8Array): Uint8Array {
    return this.#copyOut(this.#protectRtcp(packet, packet.length));
  }

  /** Protects RTCP in place; `buffer` needs `rtcpOverhead` more bytes. Returns the protected length. */
  protectRtcpInPlace(buffer: Uint8Array, length: number): number {
    this.#checkRoom(buffer, length, this.rtcpOverhead);
    return this.#copyBack(buffer, this.#protectRtcp(buffer, length));
  }

  /** Verifies and (when E = 1) decrypts an SRTCP packet; returns the RTCP packet. */
  unprotectRtcp(packet: Uint8Array): Uint8Array {
    return this.#copyOut(this.#unprotectRtcp(packet, packet.length));
  }

  /** Unprotects SRTCP in place; returns the RTCP packet's length. */
  unprotectRtcpInPlace(buffer: Uint8Array, length: number): number {
    this.#checkRoom(buffer, length, 0);
    return this.#copyBack(buffer, this.#unprotectRtcp(buffer, length));
  }

  // ---------------------------------------------------------------------------------------------
  // Batch forms: in place, never throwing for packet problems.

  /**
   * Protects `packets[i]` (its first `lengths[i]` bytes, with `rtpOverhead` bytes of room after them)
   * in place. `results[i]` receives the new length or a negative number (see `srtpErrorCode`).
   */
  protectRtpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    runBatch(this.#c, OP_RTP_PROTECT, this.rtpOverhead, packets, lengths, results);
  }

  /** Unprotects SRTP packets in place; `results[i]` is the RTP length or a negative number. */
  unprotectRtpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    runBatch(this.#c, OP_RTP_UNPROTECT, 0, packets, lengths, results);
  }

  /** Protects RTCP packets in place (room for `rtcpOverhead` needed); results as for protectRtpBatch. */
  protectRtcpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    runBatch(this.#c, OP_RTCP_PROTECT, this.rtcpOverhead, packets, lengths, results);
  }

  /** Unprotects SRTCP packets in place; results as for unprotectRtpBatch. */
  unprotectRtcpBatch(packets: readonly Uint8Array[], lengths: ArrayLike<number>, results: Int32Array): void {
    runBatch(this.#c, OP_RTCP_UNPROTECT, 0, packets, lengths, results);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals.

  /** A new array with the `n` bytes the core left in its IO region. */
  #copyOut(n: number): Uint8Array {
    return ioView(this.#c.e, n).slice();
  }

  /** Copies the `n` bytes the core left in its IO region back into `buffer`; returns n. */
  #copyBack(buffer: Uint8Array, n: number): number {
    buffer.set(ioView(this.#c.e, n));
    return n;
  }

  #checkRoom(buffer: Uint8Array, length: number, extra: number): void {
    if (!Number.isInteger(length) || length < 0 || length > buffer.length) {
      throw new SrtpPacketError("TOO_SHORT", "SRTP: length outside the buffer");
    }
    if (buffer.length < length + extra) throw new SrtpPacketError("NO_ROOM", "SRTP: no room for the tag");
  }

  #protectRtp(src: Uint8Array, len: number): number {
    const c = this.#c;
    if (len > c.e.maxPacket) packetError(ERR_TOO_LONG);
    if (len < 12) packetError(ERR_TOO_SHORT);
    const seq = (src[2]! << 8) | src[3]!;
    const ssrc = be32(src, 8);
    const st = c.streams.tx(ssrc);
    const v = st === undefined ? 0 : st.started ? guessRoc(st.sl, st.roc, seq) : st.roc;
    // RFC 3711 §3.3.1/§9.2: the index must not wrap; the key is used up instead.
    if (v < 0 || v > MAX_ROC || c.streams.rtpPackets >= MAX_SRTP_PACKETS) packetError(ERR_LIMIT, ssrc, v * 65536 + seq);
    const r = st !== undefined && c.rtpEcb !== undefined
      ? onePrefetched(c, OP_RTP_PROTECT, st, src, len, v, seq, ssrc)
      : c.one(OP_RTP_PROTECT, src, len, v);
    if (r < 0) packetError(r, ssrc);
    c.streams.commitTxRtp(st, ssrc, v, seq);
    return r;
  }

  #unprotectRtp(src: Uint8Array, len: number): number {
    const c = this.#c;
    const tag = c.profile.rtpTagLength;
    if (len > c.e.maxPacket + tag) packetError(ERR_TOO_LONG);
    if (len < 12 + tag) packetError(ERR_TOO_SHORT);
    const seq = (src[2]! << 8) | src[3]!;
    const ssrc = be32(src, 8);
    const st = c.streams.rx(ssrc);
    const v = st === undefined ? 0 : st.started ? guessRoc(st.sl, st.roc, seq) : st.roc;
    const index = v * 65536 + seq;
    // A guess below ROC 0 is older than the stream's first packet: a replay by definition.
    if (v < 0) packetError(ERR_REPLAY, ssrc, seq);
    if (v > MAX_ROC) packetError(ERR_LIMIT, ssrc, index);
    if (st !== undefined && st.started && !st.window!.check(index)) packetError(ERR_REPLAY, ssrc, index);
    const r = st !== undefined && c.rtpEcb !== undefined
      ? onePrefetched(c, OP_RTP_UNPROTECT, st, src, len, v, seq, ssrc)
      : c.one(OP_RTP_UNPROTECT, src, len, v);
    if (r < 0) packetError(r, ssrc, index);
    c.streams.commitRxRtp(st, ssrc, v, seq, index);
    return r;
  }

  #protectRtcp(src: Uint8Array, len: number): number {
    const c = this.#c;
    if (len > c.e.maxPacket) packetError(ERR_TOO_LONG);
    if (len < 8) packetError(ERR_TOO_SHORT);
    const ssrc = be32(src, 4);
    const st = c.streams.txRtcp.get(ssrc);
    const index = st === undefined ? 0 : st.next;
    if (index > MAX_SRTCP_INDEX) packetError(ERR_LIMIT, ssrc, index);
    const r = c.one(OP_RTCP_PROTECT, src, len, index);
    if (r < 0) packetError(r, ssrc);
    (st ?? c.streams.txRtcpStream(ssrc)).next = index + 1;
    return r;
  }

  #unprotectRtcp(src: Uint8Array, len: number): number {
    const c = this.#c;
    const tag = c.profile.rtcpTagLength;
    if (len > c.e.maxPacket + tag + 4) packetError(ERR_TOO_LONG);
    const index = rtcpIndexOf(c, src, len);
    if (index < 0) packetError(ERR_TOO_SHORT);
    const ssrc = be32(src, 4);
    const w = c.streams.rxRtcp.get(ssrc);
    if (w !== undefined && !w.check(index)) packetError(ERR_REPLAY, ssrc, index);
    const r = c.one(OP_RTCP_UNPROTECT, src, len, 0);
    if (r < 0) packetError(r, ssrc, index);
    c.streams.commitRxRtcp(w, ssrc, index);
    return r;
  }
}

/**
 * Creates an SRTP context from a master key and salt (key derivation of RFC 3711 §4.3, kdr = 0).
 * @throws SrtpPacketError `BAD_PROFILE` or `BAD_KEY` for an unknown profile or keys of the wrong size.
 */
export function createSrtpContext(options: SrtpContextOptions): SrtpContext {
  const profile = srtpProfile(options.profile);
  if (!profile) throw new SrtpPacketError("BAD_PROFILE", `SRTP: unknown profile ${String(options.profile)}`);
  const e = srtpEngine();
  return makeContext(e, profile, options, () => deriveIntoKeyRegion(e, profile, options.masterKey, options.masterSalt));
}

/**
 * @internal Creates a context from session keys directly, bypassing key derivation, for test vectors
 * that list session keys (RFC 3711 B.2, RFC 6188 §7.1, RFC 7714 §16–17).
 */
export function createSrtpContextFromSessionKeys(
  name: SrtpProfileName,
  keys: SrtpSessionKeys,
  options: ContextStateOptions = {},
): SrtpContext {
  const profile = srtpProfile(name);
  if (!profile) throw new SrtpPacketError("BAD_PROFILE", `SRTP: unknown profile ${String(name)}`);
  const e = srtpEngine();
  return makeContext(e, profile, options, () => loadSessionKeys(e, profile, keys));
}

function makeContext(e: SrtpEngine, profile: SrtpProfileInfo, options: ContextStateOptions, fillKeys: () => void): SrtpContext {
  // AES-CM contexts need no GHASH tables: their image (and reload copy) is the slot's first part only.
  const handle: KeyHandle = { image: new Uint8Array(profile.aead ? e.slotSize : e.slotCmSize), slot: -1, ptr: 0 };
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
