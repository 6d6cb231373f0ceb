/**
 * Per-SSRC state of an SRTP context (RFC 3711 §3.2.1-3.2.3): for SRTP the highest index received or
 * sent (s_l and its ROC) and, when receiving, the replay window; for SRTCP the sender's next index and
 * the receiver's replay window. State is created only for packets that were protected or that
 * authenticated, and the number of SSRCs is bounded, so forged traffic cannot grow it.
 */
import { SrtpLimitError } from "./errors.ts";
import { ReplayWindow } from "./replay-window.ts";
import { MAX_ROC, MAX_SRTCP_INDEX } from "./rollover.ts";

/** One SRTP stream: highest index (s_l with its ROC), the replay window when receiving, prefetched keystream. */
export class RtpStream {
  started = false;
  roc = 0;
  sl = 0;
  highest = -1;
  readonly window: ReplayWindow | undefined;
  /** Prefetched keystream: `ksCount` packets from index `ksBase`, `ksBlocks` blocks each. */
  ks: Uint8Array | undefined;
  /** The same bytes as 32-bit words (the core's keystream region is 16-byte aligned). */
  ks32: Uint32Array | undefined;
  ksBase = 0;
  ksCount = 0;
  ksBlocks = 0;
  constructor(window: ReplayWindow | undefined) {
    this.window = window;
  }
  /** Moves s_l/ROC forward when `index` is the new highest (RFC 3711 §3.3.1), and marks it received. */
  commit(v: number, seq: number, index: number): void {
    if (!this.started || index > this.highest) {
      this.started = true;
      this.highest = index;
      this.roc = v;
      this.sl = seq;
    }
    this.window?.accept(index);
  }
}

/** One SRTCP sending stream: the next SRTCP index (RFC 3711 §3.4). */
export class RtcpTxStream {
  next = 0;
}

/** The streams of one context, by SSRC, for each direction and packet type. */
export class StreamTable {
  readonly txRtp = new Map<number, RtpStream>();
  readonly rxRtp = new Map<number, RtpStream>();
  readonly txRtcp = new Map<number, RtcpTxStream>();
  readonly rxRtcp = new Map<number, ReplayWindow>();
  /** SRTP packets protected under this master key (RFC 3711 §9.2 allows 2^48). */
  rtpPackets = 0;
  readonly windowSize: number;
  readonly maxStreams: number;
  // The SRTP stream found last in each direction, by SSRC (-1: none). A session's packets all
  // carry one SSRC per direction, and its context's state is cold again by its next packet (every
  // other session's ran in between): skipping the map skips its hash table's cache lines.
  #txSsrc = -1;
  #tx: RtpStream | undefined;
  #rxSsrc = -1;
  #rx: RtpStream | undefined;

  constructor(windowSize: number, maxStreams: number) {
    this.windowSize = windowSize;
    this.maxStreams = maxStreams;
  }

  /** The sending SRTP stream of `ssrc`, if any. */
  tx(ssrc: number): RtpStream | undefined {
    if (ssrc === this.#txSsrc) return this.#tx;
    const st = this.txRtp.get(ssrc);
    if (st !== undefined) {
      this.#txSsrc = ssrc;
      this.#tx = st;
    }
    return st;
  }

  /** The receiving SRTP stream of `ssrc`, if any. */
  rx(ssrc: number): RtpStream | undefined {
    if (ssrc === this.#rxSsrc) return this.#rx;
    const st = this.rxRtp.get(ssrc);
    if (st !== undefined) {
      this.#rxSsrc = ssrc;
      this.#rx = st;
    }
    return st;
  }

  private checkRoom(size: number, ssrc: number): void {
    if (size >= this.maxStreams) {
      throw new SrtpLimitError("LIMIT", `SRTP: more than ${this.maxStreams} SSRCs in one context`, { ssrc });
    }
  }

  private newRtpStream(map: Map<number, RtpStream>, ssrc: number, receive: boolean): RtpStream {
    if (!map.has(ssrc)) this.checkRoom(map.size, ssrc);
    return new RtpStream(receive ? new ReplayWindow(this.windowSize) : undefined);
  }

  /** See SrtpContext.setRolloverCounter. */
  setRoc(ssrc: number, roc: number, direction: "send" | "receive"): void {
    if (!Number.isInteger(roc) || roc < 0 || roc > MAX_ROC) throw new RangeError("ROC must be a 32-bit unsigned integer");
    const map = direction === "send" ? this.txRtp : this.rxRtp;
    let st = map.get(ssrc);
    if (direction === "receive" || !st) {
      st = this.newRtpStream(map, ssrc, direction === "receive");
      map.set(ssrc, st);
      this.#txSsrc = this.#rxSsrc = -1;
    }
    if (st.started) st.highest = roc * 65536 + st.sl;
    st.roc = roc;
    st.ksCount = 0;
  }

  /** See SrtpContext.setSrtcpIndex. */
  setSrtcpIndex(ssrc: number, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index > MAX_SRTCP_INDEX + 1) throw new RangeError("SRTCP index must be in 0..2^31");
    this.txRtcpStream(ssrc).next = index;
  }

  /** The sending SRTCP stream of `ssrc`, created if needed (SrtpLimitError past maxStreams). */
  txRtcpStream(ssrc: number): RtcpTxStream {
    let st = this.txRtcp.get(ssrc);
    if (st === undefined) {
      this.checkRoom(this.txRtcp.size, ssrc);
      st = new RtcpTxStream();
      this.txRtcp.set(ssrc, st);
    }
    return st;
  }

  /** Records a protected SRTP packet. */
  commitTxRtp(st: RtpStream | undefined, ssrc: number, v: number, seq: number): void {
    if (st === undefined) {
      st = this.newRtpStream(this.txRtp, ssrc, false);
      this.txRtp.set(ssrc, st);
    }
    st.commit(v, seq, v * 65536 + seq);
    this.rtpPackets++;
  }

  /** Records an authenticated SRTP packet (RFC 3711 §3.3 step 6: only after authentication). */
  commitRxRtp(st: RtpStream | undefined, ssrc: number, v: number, seq: number, index: number): void {
    if (st === undefined) {
      st = this.newRtpStream(this.rxRtp, ssrc, true);
      this.rxRtp.set(ssrc, st);
    }
    st.commit(v, seq, index);
  }

  /** Records an authenticated SRTCP packet. */
  commitRxRtcp(w: ReplayWindow | undefined, ssrc: number, index: number): void {
    if (w === undefined) {
      this.checkRoom(this.rxRtcp.size, ssrc);
      w = new ReplayWindow(this.windowSize);
      this.rxRtcp.set(ssrc, w);
    }
    w.accept(index);
  }
}
