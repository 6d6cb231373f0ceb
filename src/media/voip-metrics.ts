/**
 * The loss pattern of RTCP XR's VoIP Metrics block (RFC 3611 §4.7.2): how densely packets were
 * lost or discarded inside bursts and inside the gaps between them, and how long both lasted.
 *
 * RFC 3611 §4.7.2: "A burst is a period during which a high proportion of packets are either lost
 * or discarded due to late arrival. A burst is defined, in terms of a value Gmin, as the longest
 * sequence that (a) starts with a lost or discarded packet, (b) does not contain any occurrences
 * of Gmin or more consecutively received (and not discarded) packets, and (c) ends with a lost or
 * discarded packet." Gmin is 16 (§4.7.6 recommends it). An isolated loss — Gmin received packets
 * either side — stays a gap loss; two losses closer than Gmin start a burst at the first.
 *
 * Packets are judged in sequence order once their fate is settled: a sequence number is lost
 * unless it arrives before it falls `SETTLE` packets behind the highest one received; a packet the
 * jitter buffer refused as late counts as discarded.
 */

/** RFC 3611 §4.7.6: the Gmin "RECOMMENDED" for voice. */
export const GMIN = 16;

/** Packets behind the highest received after which a missing packet counts as lost. */
const SETTLE = 64;
const RING = 256;
/** RFC 3550 A.1 MAX_DROPOUT. */
const MAX_DROPOUT = 3000;
const UNSEEN = 0;
const RECEIVED = 1;
const DISCARDED = 2;

/** The burst/gap figures, as RFC 3611 §4.7.2 defines them. */
export interface BurstGapMetrics {
  /** Fraction of packets lost or discarded within bursts (0..1). */
  readonly burstDensity: number;
  /** Fraction of packets lost or discarded within gaps (0..1). */
  readonly gapDensity: number;
  /** Mean burst duration, ms (0 with no burst). */
  readonly burstDurationMs: number;
  /** Mean gap duration, ms. */
  readonly gapDurationMs: number;
  /** Packets settled so far (received, lost or discarded). */
  readonly packets: number;
  /** Of those, lost or discarded. */
  readonly lost: number;
  /** Runs of consecutive lost or discarded packets (their mean length shows burstiness). */
  readonly lossRuns: number;
}

/** Tracks the burst/gap pattern of one source; see the module comment. */
export class BurstGapTracker {
  readonly #ptimeMs: number;
  readonly #fate = new Uint8Array(RING);
  #first = -1; // extended sequence number of the first packet
  #next = -1; // next extended sequence number to settle
  #highest = -1;
  // Classification state.
  #run = Infinity; // received in a row since the last loss
  #inBurst = false;
  #gapLoss = false; // the last loss was a gap loss that a close second loss would turn into a burst
  #burstStart = 0;
  #lastLoss = 0;
  #index = 0; // packets settled
  #burstPackets = 0;
  #burstLost = 0;
  #gapPackets = 0;
  #gapLost = 0;
  #bursts = 0;
  #burstTime = 0; // packets, summed over closed bursts
  #lost = 0;
  #lossRuns = 0;

  constructor(ptimeMs: number) {
    this.#ptimeMs = ptimeMs;
  }

  /** A packet with extended sequence number `seq` arrived (and was accepted for playout). */
  received(seq: number): void {
    this.#mark(seq, RECEIVED);
  }

  /** A packet arrived but the jitter buffer discarded it (late, or overflow). */
  discarded(seq: number): void {
    this.#mark(seq, DISCARDED);
  }

  /** Forgets the source (a new SSRC): the figures so far are kept. */
  restart(): void {
    this.#settle(this.#highest + 1);
    this.#first = this.#next = this.#highest = -1;
  }

  #mark(seq: number, fate: number): void {
    if (this.#first < 0) {
      this.#first = this.#next = this.#highest = seq;
      this.#fate.fill(UNSEEN);
    }
    if (seq < this.#next) return; // settled already (counted lost; too late to change)
    if (seq > this.#highest) {
      if (seq - this.#highest > MAX_DROPOUT) {
        // RFC 3550 A.1 treats such a jump as a restart, not as thousands of losses.
        this.restart();
        this.#mark(seq, fate);
        return;
      }
      // Everything that would fall out of the ring is settled first.
      if (seq - this.#next >= RING) this.#settle(seq - RING + 1);
      this.#highest = seq;
    }
    this.#fate[seq & (RING - 1)] = fate;
    this.#settle(this.#highest - SETTLE);
  }

  // Judges every packet before `upTo` in order.
  #settle(upTo: number): void {
    while (this.#next >= 0 && this.#next < upTo) {
      const slot = this.#next & (RING - 1);
      const fate = this.#fate[slot]!;
      this.#fate[slot] = UNSEEN;
      this.#judge(fate === RECEIVED);
      this.#next++;
    }
  }

  #judge(good: boolean): void {
    const i = this.#index++;
    if (good) {
      this.#run++;
      if (this.#inBurst && this.#run >= GMIN) {
        // Gmin received in a row: the burst ended at the last loss; these packets are gap.
        this.#inBurst = false;
        this.#bursts++;
        this.#burstTime += this.#lastLoss - this.#burstStart + 1;
        this.#gapPackets += this.#run;
      } else if (!this.#inBurst) {
        this.#gapPackets++;
        if (this.#run >= GMIN) this.#gapLoss = false;
      }
      return;
    }
    this.#lost++;
    if (this.#run !== 0 || i === 0) this.#lossRuns++;
    if (this.#inBurst) {
      // The received packets since the last loss are inside the burst.
      this.#burstPackets += this.#run + 1;
      this.#burstLost++;
    } else if (this.#gapLoss && this.#run < GMIN) {
      // A second loss within Gmin: a burst began at the previous loss, which leaves the gap.
      this.#gapPackets -= this.#run + 1;
      this.#gapLost--;
      this.#burstPackets += this.#run + 2;
      this.#burstLost += 2;
      this.#inBurst = true;
      this.#burstStart = this.#lastLoss;
      this.#gapLoss = false;
    } else {
      this.#gapPackets++;
      this.#gapLost++;
      this.#gapLoss = true;
    }
    this.#run = 0;
    this.#lastLoss = i;
  }

  /** The figures now (a burst still open is taken as ending at its last loss). */
  metrics(): BurstGapMetrics {
    const burstPackets = this.#burstPackets;
    let gapPackets = this.#gapPackets;
    let bursts = this.#bursts;
    let burstTime = this.#burstTime;
    if (this.#inBurst) {
      bursts++;
      burstTime += this.#lastLoss - this.#burstStart + 1;
      gapPackets += this.#run;
    }
    const gaps = bursts + 1;
    const total = this.#index;
    return {
      burstDensity: burstPackets > 0 ? this.#burstLost / burstPackets : 0,
      gapDensity: gapPackets > 0 ? this.#gapLost / gapPackets : 0,
      burstDurationMs: bursts > 0 ? (burstTime * this.#ptimeMs) / bursts : 0,
      gapDurationMs: ((total - burstTime) * this.#ptimeMs) / gaps,
      packets: total,
      lost: this.#lost,
      lossRuns: this.#lossRuns,
    };
  }
}
