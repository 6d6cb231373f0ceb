import type { VoipMetricsBlock } from "../rtcp/index.ts";
import { XR_VOIP_METRICS } from "../rtcp/index.ts";
import { eModel } from "./quality.ts";
import type { CodecImpairment, CodecName } from "./quality.ts";
import { GMIN } from "./voip-metrics.ts";
import type { BurstGapMetrics } from "./voip-metrics.ts";

/**
 * Call quality of one RTP session, from what its receiver measured (RFC 3550 A.1/A.3/A.8
 * statistics, the jitter buffer's late discards and concealment), what RTCP told (round-trip time
 * from LSR/DLSR, RFC 3550 §6.4.1; the peer's reception report of our stream) and the ITU-T G.107
 * E-model estimate of R and MOS for the codec in use. The same figures fill the RTCP XR VoIP
 * Metrics block (RFC 3611 §4.7) sent to the peer.
 */

/** How the peer receives our stream, from its reception report (RFC 3550 §6.4.1). */
export interface RemoteReception {
  /** Fraction lost in its last interval (0..1). */
  readonly fractionLost: number;
  /** Packets it counts lost in total. */
  readonly cumulativeLost: number;
  /** Interarrival jitter it measures, ms. */
  readonly jitterMs: number;
  /** Its RTCP XR VoIP Metrics about our stream (RFC 3611 §4.7), when it sends them. */
  readonly voipMetrics?: VoipMetricsBlock | undefined;
}

/** A snapshot of the call's quality; see the module comment. */
export interface CallQuality {
  /** The codec received (or, before anything arrived, the one sent). */
  readonly codec: string | undefined;
  readonly packetsSent: number;
  readonly octetsSent: number;
  /** Valid packets received from the current source and those before it (RFC 3550 A.1). */
  readonly packetsReceived: number;
  /** Packets expected from the sequence numbers (RFC 3550 A.3). */
  readonly packetsExpected: number;
  /** Packets never received (RFC 3550 A.3 cumulative loss, not below 0). */
  readonly packetsLost: number;
  /** Lost out of expected, percent. */
  readonly lossPercent: number;
  /** Packets that arrived after their playout time and were discarded (RFC 3611 §4.7.1). */
  readonly lateDiscarded: number;
  /** Duplicates dropped. */
  readonly duplicates: number;
  /** Audio played as concealment (loss, late packets, buffer underrun), ms. */
  readonly concealedMs: number;
  /** RFC 3550 A.8 interarrival jitter of the source, ms. */
  readonly jitterMs: number;
  /**
   * Audio buffered ahead of playout, averaged over the last frames played, ms (the delay the
   * E-model counts; packets read at once after a stall of the process and not yet played are not).
   */
  readonly jitterBufferMs: number;
  /** Round-trip time from RTCP (RFC 3550 §6.4.1: A − LSR − DLSR), ms; undefined until measured. */
  readonly rttMs: number | undefined;
  /** The peer's reception of our stream, from its last report about us. */
  readonly remote: RemoteReception | undefined;
  /** The loss pattern (RFC 3611 §4.7.2). */
  readonly burstGap: BurstGapMetrics;
  /** E-model transmission rating R (ITU-T G.107). */
  readonly r: number;
  /** E-model MOS (conversational quality, estimated). */
  readonly mos: number;
  /** E-model MOS without the delay impairments (listening quality, RFC 3611 §4.7.5 MOS-LQ). */
  readonly listeningMos: number;
}

/** What {@link callQuality} is computed from: the measured fields, and the codec's E-model values. */
export interface CallQualityInputs
  extends Omit<CallQuality, "packetsLost" | "lossPercent" | "r" | "mos" | "listeningMos"> {
  readonly impairment: CodecName | CodecImpairment | undefined;
  readonly codecDelayMs: number;
  readonly ptimeMs: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The quality snapshot, with R and MOS from the E-model (loss includes late discards: G.107 Ppl). */
export function callQuality(q: CallQualityInputs): CallQuality {
  const lost = Math.max(0, q.packetsExpected - q.packetsReceived);
  const lossPercent = q.packetsExpected > 0 ? (100 * lost) / q.packetsExpected : 0;
  const pplPercent = q.packetsExpected > 0 ? (100 * (lost + q.lateDiscarded)) / q.packetsExpected : 0;
  const b = q.burstGap;
  const loss = { codec: q.impairment ?? "pcmu", packetLossPercent: pplPercent, burstRatio: burstRatioOf(b) } as const;
  const e = eModel({
    ...loss,
    ...(q.rttMs !== undefined ? { rttMs: q.rttMs } : {}),
    jitterBufferMs: q.jitterBufferMs,
    packetizationMs: q.ptimeMs,
    codecDelayMs: q.codecDelayMs,
  });
  const listening = eModel({ ...loss, oneWayDelayMs: 0 });
  return {
    codec: q.codec,
    packetsSent: q.packetsSent,
    octetsSent: q.octetsSent,
    packetsReceived: q.packetsReceived,
    packetsExpected: q.packetsExpected,
    packetsLost: lost,
    lossPercent: round2(lossPercent),
    lateDiscarded: q.lateDiscarded,
    duplicates: q.duplicates,
    concealedMs: Math.round(q.concealedMs),
    jitterMs: round2(q.jitterMs),
    jitterBufferMs: Math.round(q.jitterBufferMs),
    rttMs: q.rttMs === undefined ? undefined : round2(q.rttMs),
    remote: q.remote,
    burstGap: b,
    r: round2(e.r),
    mos: round2(e.mos),
    listeningMos: round2(listening.mos),
  };
}

/**
 * G.107 §3.7: "BurstR = (Average length of observed bursts in an arrival sequence) / (Average
 * length of bursts expected for the network under 'random' loss)"; under random loss with
 * probability p a run of losses lasts 1/(1 − p) packets on average.
 */
function burstRatioOf(b: BurstGapMetrics): number {
  if (b.lossRuns === 0 || b.packets === 0) return 1;
  const p = b.lost / b.packets;
  return Math.max(1, (b.lost / b.lossRuns) * (1 - p));
}

/** What the XR VoIP Metrics block needs beyond the quality snapshot. */
export interface VoipMetricsInputs {
  /** SSRC of the source reported on. */
  readonly ssrc: number;
  readonly quality: CallQuality;
  /** Sender's packetization plus codec look-ahead plus the playout delay, ms (RFC 3611 §4.7.4). */
  readonly endSystemDelayMs: number;
  /** The decoder's concealment (RFC 3611 §4.7.6 PLC bits). */
  readonly concealment: "standard" | "enhanced" | undefined;
  readonly jbNominalMs: number;
  readonly jbMaximumMs: number;
  readonly jbAbsMaxMs: number;
}

const u8 = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
const u16 = (x: number) => Math.max(0, Math.min(0xffff, Math.round(x)));
/** RFC 3611 §4.7.5/§4.7.6: "127 indicates this parameter is unavailable". */
const UNAVAILABLE = 127;

/** The RTCP XR VoIP Metrics block (RFC 3611 §4.7) for our reception of one source. */
export function voipMetricsBlock(v: VoipMetricsInputs): VoipMetricsBlock {
  const q = v.quality;
  const expected = q.packetsExpected;
  // §4.7.6 RX config: PLC (11 standard, 10 enhanced, 00 unspecified), JBA 11 (adaptive), rate 0.
  const plc = v.concealment === "standard" ? 3 : v.concealment === "enhanced" ? 2 : 0;
  return {
    blockType: XR_VOIP_METRICS,
    ssrc: v.ssrc >>> 0,
    // §4.7.1: fractions in 1/256.
    lossRate: expected > 0 ? u8((256 * q.packetsLost) / expected) : 0,
    discardRate: expected > 0 ? u8((256 * q.lateDiscarded) / expected) : 0,
    burstDensity: u8(256 * q.burstGap.burstDensity),
    gapDensity: u8(256 * q.burstGap.gapDensity),
    burstDuration: u16(q.burstGap.burstDurationMs),
    gapDuration: u16(q.burstGap.gapDurationMs),
    roundTripDelay: u16(q.rttMs ?? 0),
    endSystemDelay: u16(v.endSystemDelayMs),
    signalLevel: UNAVAILABLE,
    noiseLevel: UNAVAILABLE,
    rerl: UNAVAILABLE,
    gmin: GMIN,
    rFactor: u8(q.r),
    extRFactor: UNAVAILABLE,
    // §4.7.5: MOS × 10; the listening-quality estimate leaves delay out, the conversational one not.
    mosLq: u8(10 * q.listeningMos),
    mosCq: u8(10 * q.mos),
    rxConfig: (plc << 6) | (3 << 4),
    jbNominal: u16(v.jbNominalMs),
    jbMaximum: u16(v.jbMaximumMs),
    jbAbsMax: u16(v.jbAbsMaxMs),
  };
}
