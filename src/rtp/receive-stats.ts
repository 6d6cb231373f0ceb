/**
 * Per-source reception statistics of RFC 3550: sequence-number validation and extension (A.1),
 * loss figures for reception reports (A.3, §6.4.1) and interarrival jitter (A.8). Pure state: the
 * arrival time comes in as `now` (milliseconds), never from a clock.
 */

const RTP_SEQ_MOD = 0x10000;

/** Tunables of A.1; the defaults are the RFC's. */
export interface RtpReceiveStatsConfig {
  /** RTP timestamp clock rate of the payload format (Hz), e.g. 8000 for PCMU. */
  readonly clockRate: number;
  /** A.1 MAX_DROPOUT: largest forward jump taken as loss rather than a restart. Default 3000. */
  readonly maxDropout?: number;
  /** A.1 MAX_MISORDER: how far back a packet is taken as late rather than a restart. Default 100. */
  readonly maxMisorder?: number;
  /** A.1 MIN_SEQUENTIAL: in-order packets needed before a source is valid. Default 2. */
  readonly minSequential?: number;
}

/**
 * One reception report block (RFC 3550 §6.4.1): what {@link RtpReceiveStats.report} produces and
 * what the RTCP SR and RR packets carry (src/rtcp writes and reads it, 24 bytes on the wire).
 */
export interface ReportBlock {
  /** SSRC of the source reported on. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, 8-bit fixed point (lost · 256 / expected). */
  readonly fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (negative with duplicates). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received: cycles · 2^16 + max_seq. */
  readonly extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from this source (0 if none). */
  readonly lastSenderReport: number;
  /** Delay since that SR in units of 1/65536 s (0 if none). */
  readonly delaySinceLastSenderReport: number;
}

/**
 * Statistics for one synchronization source, following the reference code of RFC 3550 A.1, A.3
 * and A.8. `update` is called for every RTP packet of the source.
 */
export class RtpReceiveStats {
  /** The synchronization source these statistics are about. */
  readonly ssrc: number;
  /** RTP timestamp clock rate (Hz), for the jitter of A.8. */
  readonly clockRate: number;
  readonly #maxDropout: number;
  readonly #maxMisorder: number;
  readonly #minSequential: number;

  // A.1 `source` state.
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation: number;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  // A.8: relative transit time of the previous packet, and jitter scaled by 16.
  #transit = 0;
  #haveTransit = false;
  #jitter16 = 0;
  // Last SR, for LSR/DLSR (§6.4.1).
  #lastSr = 0;
  #lastSrAt = -1;

  /** Packets rejected by A.1 (probation failures, unconfirmed large jumps). */
  invalid = 0;
  /** Times the sequence numbering was restarted (A.1: two sequential packets after a big jump). */
  restarts = 0;

  /**
   * A new source: A.1 `init_seq(s, seq); s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL`
   * happens on the first `update`.
   */
  constructor(ssrc: number, config: RtpReceiveStatsConfig) {
    if (!(config.clockRate > 0)) throw new RangeError("RtpReceiveStats: clockRate must be positive");
    this.ssrc = ssrc >>> 0;
    this.clockRate = config.clockRate;
    this.#maxDropout = config.maxDropout ?? 3000;
    this.#maxMisorder = config.maxMisorder ?? 100;
    this.#minSequential = config.minSequential ?? 2;
    this.#probation = -1;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /**
   * Accounts one packet with the given sequence number and RTP timestamp, arrived at `now` ms.
   * Returns true when A.1 accepts it as valid (it then counts as received and feeds the jitter
   * estimate); false while the source is on probation or after an unconfirmed large jump.
   */
  update(sequenceNumber: number, rtpTimestamp: number, now: number): boolean {
    const seq = sequenceNumber & 0xffff;
    if (this.#probation < 0) {
      // First packet of a new source (A.1 "the first packet from a source").
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = this.#minSequential;
    }
    if (!this.#updateSeq(seq)) {
      this.invalid++;
      return false;
    }
    this.#updateJitter(rtpTimestamp, now);
    return true;
  }

  // A.1 update_seq().
  #updateSeq(seq: number): boolean {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // "Source is not valid until MIN_SEQUENTIAL packets with sequential sequence numbers have
      // been received." (The wrap from 65535 to 0 counts as sequential.)
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    } else if (udelta < this.#maxDropout) {
      // In order, with permissible gap; a smaller number means the 16-bit counter wrapped.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - this.#maxMisorder) {
      // "The sequence number made a very large jump": restart only if the next packet follows it.
      if (seq === this.#badSeq) {
        this.#initSeq(seq);
        this.restarts++;
        this.#haveTransit = false;
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // Otherwise a duplicate or reordered packet: counted as received, max_seq unchanged.
    this.#received++;
    return true;
  }

  // A.8: J(i) = J(i-1) + (|D(i-1,i)| - J(i-1))/16, kept scaled by 16 in integers.
  #updateJitter(rtpTimestamp: number, now: number): void {
    const arrival = Math.round((now * this.clockRate) / 1000);
    const transit = (arrival - rtpTimestamp) | 0;
    if (this.#haveTransit) {
      let d = (transit - this.#transit) | 0;
      if (d < 0) d = -d;
      this.#jitter16 += d - ((this.#jitter16 + 8) >> 4);
    }
    this.#transit = transit;
    this.#haveTransit = true;
  }

  /** Records the arrival of a Sender Report from this source: `ntpMiddle32` = its NTP bits 16..47. */
  onSenderReport(ntpMiddle32: number, now: number): void {
    this.#lastSr = ntpMiddle32 >>> 0;
    this.#lastSrAt = now;
  }

  /** Whether A.1 has accepted the source (probation passed). */
  get valid(): boolean {
    return this.#probation === 0;
  }
  /** A.1 `received`: valid packets, duplicates included. */
  get received(): number {
    return this.#received;
  }
  /** A.3 `extended_max`: cycles + max_seq. */
  get extendedHighestSequence(): number {
    return this.#cycles + this.#maxSeq;
  }
  /** A.3 `expected`: extended_max - base_seq + 1 (0 before the source is valid). */
  get expected(): number {
    return this.valid ? this.extendedHighestSequence - this.#baseSeq + 1 : 0;
  }
  /** A.3 cumulative number of packets lost, clamped to 24-bit signed (§6.4.1). */
  get cumulativeLost(): number {
    const lost = this.expected - this.#received;
    return lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
  }
  /** A.8 interarrival jitter in timestamp units (`jitter >> 4` of the scaled estimate). */
  get jitter(): number {
    return this.#jitter16 >> 4;
  }

  /**
   * The reception report block for this source at `now`, and the start of the next reporting
   * interval (A.3: `expected_prior` and `received_prior` advance). Fraction lost is 0 when
   * nothing was expected or the interval saw duplicates exceed losses.
   */
  report(now: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    let dlsr = 0;
    if (this.#lastSrAt >= 0) {
      dlsr = Math.max(0, Math.round(((now - this.#lastSrAt) * 65536) / 1000));
      if (dlsr > 0xffffffff) dlsr = 0xffffffff;
    }
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(fractionLost, 255),
      cumulativeLost: this.cumulativeLost,
      extendedHighestSequence: this.extendedHighestSequence >>> 0,
      jitter: this.jitter >>> 0,
      lastSenderReport: this.#lastSr,
      delaySinceLastSenderReport: dlsr,
    };
  }
}
