/**
 * Call quality by the ITU-T G.107 E-model (06/2015): the transmission rating R from the terminal,
 * delay, echo and codec/loss impairments, and the MOS (conversational quality, estimated) it
 * predicts.
 *
 *   R = Ro − Is − Id − Ie,eff + A                                  (G.107 §3.1, eq. 3-1)
 *
 * Everything but delay, loss and codec stays at G.107's default values (Table 3: SLR 8, RLR 2,
 * STMR 15, LSTR 18, TELR 65, WEPL 110, Nc −70, Ps = Pr = 35 dB(A), qdu 1, A 0), which give
 * R = 93.2 with no delay and no loss. Delay enters as the mean one-way (mouth-to-ear) delay
 * T = Ta, with the round trip Tr = 2·Ta for listener echo; talker echo is left to the echo
 * canceller (TELR 65 dB).
 */

/**
 * Equipment impairment and packet-loss robustness of a codec (G.113 Appendix I, I.2/I.3).
 * `ie`: impairment with no loss; `bpl`: robustness (higher = degrades more slowly with loss).
 */
export interface CodecImpairment {
  readonly ie: number;
  readonly bpl: number;
}

/**
 * Codec values for the narrowband E-model:
 * - `pcmu`/`pcma`: G.711 with the packet-loss concealment of G.711 Appendix I: Ie 0, Bpl 25.1
 *   (G.113 Appendix I, Table I.3); without PLC Bpl is 4.3 (`g711-no-plc`).
 * - `g722`: a wideband codec. The narrowband E-model cannot show its gain over G.711 (G.107.1,
 *   the wideband model, rates it on a scale to 129); here it is rated at least as G.711 (Ie 0)
 *   with the Bpl of G.711 with PLC, which understates it.
 * - `opus`: ITU-T publishes no Ie/Bpl for Opus. The values are an estimate, not a standard: Ie 0
 *   at ≥ 24 kbit/s and 11 at 12 kbit/s (the Ie of codecs of comparable rate in G.113 Table I.1,
 *   which the MOS of the Opus listening tests of Rämö and Toukomaa, Interspeech 2011, do not
 *   contradict), and Bpl 20 without in-band FEC, 30 with it (Opus's own PLC/FEC recovers loss
 *   about as well as G.711 Appendix I up to ~10 %).
 */
export const CODEC_IMPAIRMENTS = {
  pcmu: { ie: 0, bpl: 25.1 },
  pcma: { ie: 0, bpl: 25.1 },
  "g711-no-plc": { ie: 0, bpl: 4.3 },
  g722: { ie: 0, bpl: 25.1 },
  opus: { ie: 0, bpl: 20 },
  "opus-fec": { ie: 0, bpl: 30 },
  "opus-12k": { ie: 11, bpl: 20 },
} as const satisfies Record<string, CodecImpairment>;

/** A codec name of {@link CODEC_IMPAIRMENTS}. */
export type CodecName = keyof typeof CODEC_IMPAIRMENTS;

/** The inputs of {@link eModel}; everything is optional and defaults to G.107's values. */
export interface EModelInput {
  /** Codec by name, or its own Ie/Bpl. Default `pcmu`. */
  readonly codec?: CodecName | CodecImpairment;
  /** Packet loss in percent (0..100), including packets discarded late by the jitter buffer. */
  readonly packetLossPercent?: number;
  /**
   * Burst ratio (G.107 §3.7): 1 for random loss, > 1 for bursty loss; see {@link burstRatio}.
   */
  readonly burstRatio?: number;
  /**
   * Mean one-way mouth-to-ear delay in ms (Ta = T). When absent it is built from the parts below:
   * network one-way delay (or RTT/2) + jitter-buffer delay + packetization + codec delay.
   */
  readonly oneWayDelayMs?: number;
  /** Network round-trip time in ms (RTCP); its half is the network one-way delay. */
  readonly rttMs?: number;
  /** Network one-way delay in ms, when known directly. */
  readonly networkDelayMs?: number;
  /** Jitter-buffer delay in ms (current playout delay). */
  readonly jitterBufferMs?: number;
  /** Packet duration in ms (ptime): the sender holds a packet's first sample this long. Default 0. */
  readonly packetizationMs?: number;
  /** Codec algorithmic delay (look-ahead), ms: 0 for G.711, 1.5 for G.722, 6.5 for Opus. Default 0. */
  readonly codecDelayMs?: number;
  /** Advantage factor A (G.107 Table 1: 0 wired, 5 mobile in buildings, 10 mobile). Default 0. */
  readonly advantage?: number;
}

/** What {@link eModel} computes. */
export interface EModelResult {
  /** Transmission rating R (0..100 on the narrowband scale). */
  readonly r: number;
  /** MOS estimated from R (G.107 Annex B), 1..4.5. */
  readonly mos: number;
  /** The parts of R (G.107 §3): basic signal-to-noise, simultaneous, delay, effective equipment impairment. */
  readonly ro: number;
  readonly is: number;
  readonly id: number;
  readonly ieEff: number;
  /** The mouth-to-ear delay used, ms. */
  readonly delayMs: number;
}

const lg = Math.log10;
const p10 = (x: number) => Math.pow(10, x);

// G.107 Table 3 default values.
const SLR = 8, RLR = 2, STMR = 15, LSTR = 18, DS = 3, TELR = 65, WEPL = 110;
const NC = -70, NFOR = -64, PS = 35, PR = 35, QDU = 1;

// Ro, Is and the delay-independent terms depend only on the defaults: computed once.
const OLR = SLR + RLR;
const PRE = PR + 10 * lg(1 + p10((10 - LSTR) / 10));
const NOR = RLR - 121 + PRE + 0.008 * (PRE - 35) ** 2;
const NOS = PS - SLR - DS - 100 + 0.004 * (PS - OLR - DS - 14) ** 2;
const NFO = NFOR + RLR;
const NO = 10 * lg(p10(NC / 10) + p10(NOS / 10) + p10(NOR / 10) + p10(NFO / 10));
const RO = 15 - 1.5 * (SLR + NO);
const XOLR = OLR + 0.2 * (64 + NO - RLR);
const IOLR = 20 * (Math.pow(1 + Math.pow(XOLR / 8, 8), 1 / 8) - XOLR / 8);
const Q = 37 - 15 * lg(QDU);
const G = 1.07 + 0.258 * Q + 0.0602 * Q * Q;
const IQ = 15 * lg(1 + p10((RO - 100) / 15 + 46 / 8.4 - G / 9) + p10(46 / 30 - G / 40));

function ist(t: number): number {
  // Sidetone and talker echo heard through it (G.107 eq. 7-11, 7-12).
  const stmro = -10 * lg(p10(-STMR / 10) + Math.exp(-t / 4) * p10(-TELR / 10));
  return (
    12 * Math.pow(1 + Math.pow((stmro - 13) / 6, 8), 1 / 8) -
    28 * Math.pow(1 + Math.pow((stmro + 1) / 19.4, 35), 1 / 35) -
    13 * Math.pow(1 + Math.pow((stmro - 3) / 33, 13), 1 / 13) +
    29
  );
}

function idte(t: number): number {
  // Talker echo (G.107 eq. 7-19..7-22), with STMR ≥ 9 so TERV needs no sidetone correction.
  const roe = -1.5 * (NO - RLR);
  const terv = TELR - 40 * lg((1 + t / 10) / (1 + t / 150)) + 6 * Math.exp(-0.3 * t * t);
  const re = 80 + 2.5 * (terv - 14);
  return ((roe - re) / 2 + Math.sqrt(((roe - re) * (roe - re)) / 4 + 100) - 1) * (1 - Math.exp(-t));
}

function idle(tr: number): number {
  // Listener echo (G.107 eq. 7-23, 7-24).
  const rle = 10.5 * (WEPL + 7) * Math.pow(tr + 1, -0.25);
  return (RO - rle) / 2 + Math.sqrt(((RO - rle) * (RO - rle)) / 4 + 169);
}

function idd(ta: number): number {
  // Pure delay (G.107 eq. 7-26, 7-27, mT = 100 ms, sT = 1).
  if (ta <= 100) return 0;
  const x = lg(ta / 100) / lg(2);
  return 25 * (Math.pow(1 + Math.pow(x, 6), 1 / 6) - 3 * Math.pow(1 + Math.pow(x / 3, 6), 1 / 6) + 2);
}

/** MOS from R (G.107 Annex B, eq. B-4). */
export function rToMos(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/**
 * The burst ratio of a two-state (Gilbert) loss model (G.107 §3.7: BurstR = 1/(p + q)), with p the
 * probability of going from "found" to "lost" and q from "lost" to "found". Random loss has
 * BurstR = 1; from counts, p = lossRuns / found and q = lossRuns / lost.
 */
export function burstRatio(p: number, q: number): number {
  return p + q > 0 ? 1 / (p + q) : 1;
}

/** Runs the simplified E-model; see {@link EModelInput} for the defaults. */
export function eModel(input: EModelInput = {}): EModelResult {
  const codec = typeof input.codec === "object" ? input.codec : CODEC_IMPAIRMENTS[input.codec ?? "pcmu"];
  const ppl = Math.min(100, Math.max(0, input.packetLossPercent ?? 0));
  const burst = Math.max(1, input.burstRatio ?? 1);
  const network = input.networkDelayMs ?? (input.rttMs !== undefined ? input.rttMs / 2 : 0);
  const ta = Math.max(
    0,
    input.oneWayDelayMs ?? network + (input.jitterBufferMs ?? 0) + (input.packetizationMs ?? 0) + (input.codecDelayMs ?? 0),
  );
  const is = IOLR + ist(ta) + IQ;
  const id = idte(ta) + idle(2 * ta) + idd(ta);
  // G.107 eq. 7-29: Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl/BurstR + Bpl).
  const ieEff = codec.ie + ((95 - codec.ie) * ppl) / (ppl / burst + codec.bpl);
  const r = RO - is - id - ieEff + (input.advantage ?? 0);
  return { r, mos: rToMos(r), ro: RO, is, id, ieEff, delayMs: ta };
}
