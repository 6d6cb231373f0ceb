/**
 * The state behind one SRTP context, shared by its single-packet forms (context.ts), its batch forms
 * (batch.ts) and keystream prefetching (prefetch.ts): the Wasm engine, the key handle, the per-SSRC
 * streams and the runtime's native ciphers. Internal to src/srtp.
 */
import type { SrtpCrypto, AesEcbEncryptor } from "./crypto.ts";
import {
  D_KEY,
  DESC_ARG,
  DESC_LEN,
  DESC_PTR,
  DESC_RESULT,
  OP_RTCP_PROTECT,
  S_RTCP,
  S_RTP,
} from "./abi.generated.ts";
import { releaseHandle, residentSlot, srtpEngine } from "./engine.ts";
import type { KeyHandle, SrtpEngine } from "./engine.ts";
import type { SrtpProfileInfo } from "./profiles.ts";
import { StreamTable } from "./streams.ts";

/** Options a context's state is made with. */
export interface ContextStateOptions {
  replayWindow?: number;
  crypto?: SrtpCrypto;
  maxStreams?: number;
}

/**
 * Smallest batch sent to the native cipher. One native call costs more than the Wasm AES of one
 * 160-byte payload (a micro-benchmark on Node put batches of 1/2/4/8 at 0.75x/1.08x/1.48x/1.75x the Wasm
 * rate); lone packets use prefetched keystream or the Wasm AES.
 */
const NATIVE_MIN_BATCH = 2;

const registry = new FinalizationRegistry<KeyHandle>((h) => releaseHandle(srtpEngine(), h));

/** One context's keys (resident in a core slot on demand), streams and native ciphers. */
export class ContextState {
  readonly e: SrtpEngine;
  readonly profile: SrtpProfileInfo;
  readonly handle: KeyHandle;
  readonly streams: StreamTable;
  /** The runtime's AES-ECB under the SRTP and SRTCP session keys, when `crypto` was given. */
  readonly rtpEcb: AesEcbEncryptor | undefined;
  readonly rtcpEcb: AesEcbEncryptor | undefined;
  closed = false;

  constructor(e: SrtpEngine, profile: SrtpProfileInfo, handle: KeyHandle, options: ContextStateOptions, owner: object) {
    this.e = e;
    this.profile = profile;
    this.handle = handle;
    const w = options.replayWindow ?? 128;
    if (!Number.isInteger(w) || w < 1 || w > 32768) throw new RangeError("replayWindow must be an integer in 1..32768");
    const m = options.maxStreams ?? 4096;
    if (!Number.isInteger(m) || m < 1) throw new RangeError("maxStreams must be a positive integer");
    this.streams = new StreamTable(w, m);
    const k = profile.keyLength;
    const rtpKey = S_RTP + D_KEY;
    const rtcpKey = S_RTCP + D_KEY;
    this.rtpEcb = options.crypto?.createAesEcb(handle.image.subarray(rtpKey, rtpKey + k));
    this.rtcpEcb = options.crypto?.createAesEcb(handle.image.subarray(rtcpKey, rtcpKey + k));
    // The owner (the public context) going away without close() still wipes the keys.
    registry.register(owner, handle, handle);
  }

  /** Wipes the key material and frees the core slot. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    registry.unregister(this.handle);
    releaseHandle(this.e, this.handle);
  }

  /** The core slot holding this context's keys, loaded back if another context took it. */
  slot(): number {
    if (this.closed) throw new Error("SRTP context is closed");
    return residentSlot(this.e, this.handle);
  }

  /** Runs `op` over `n` descriptors in the core, with native keystream when configured. */
  run(op: number, n: number): void {
    const e = this.e;
    const slot = this.slot();
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

  /** Places `src[0, len)` in the IO region as descriptor 0 with `arg` (ROC or SRTCP index). */
  load(src: Uint8Array, len: number, arg: number): void {
    const e = this.e;
    // A buffer with a little room after the packet (the tag's, in place) is copied whole: a copy of
    // a few more bytes is cheaper than a view made per packet. The core reads only `len` of them.
    if (src.length - len <= 64 && src.length <= e.ioSize) e.u8.set(src, e.io);
    else e.u8.set(src.subarray(0, len), e.io);
    const d = e.desc >>> 2;
    e.u32[d + DESC_PTR] = e.io;
    e.u32[d + DESC_LEN] = len;
    e.u32[d + DESC_ARG] = arg;
  }

  /** Runs one packet `src[0, len)` through the core; returns the result (length or negative code). */
  one(op: number, src: Uint8Array, len: number, arg: number): number {
    this.load(src, len, arg);
    this.run(op, 1);
    return this.e.i32[(this.e.desc >>> 2) + DESC_RESULT]!;
  }
}
