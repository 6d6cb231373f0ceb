import type { ReportBlock, RtcpPacket, RtcpTimerState, VoipMetricsBlock } from "../rtcp/index.ts";
import { rtcpOnExpire, rtcpOnReceived, rtcpOnSent, rtcpTimerStart, sdesItem, SdesItemType } from "../rtcp/index.ts";

/**
 * The sending side of RTCP for one RTP session: when to report (the RFC 3550 §6.3 interval with
 * timer reconsideration, through src/rtcp's pure interval functions), what a report holds (§6.1:
 * SR when we sent RTP since the report before last, else RR; SDES with CNAME in every compound;
 * an XR VoIP Metrics block, RFC 3611 §4.7; BYE when leaving) and the round-trip time that the
 * peer's reports about us give (§6.4.1). Times are the session's `now` in ms; NTP timestamps are
 * `now + clockOffsetMs` on the NTP scale.
 */

/** Milliseconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_MS = 2_208_988_800_000;
const TWO32 = 4294967296;

/** An NTP timestamp (RFC 3550 §4): seconds since 1900 and a 32-bit fraction. */
export interface NtpTime {
  readonly seconds: number;
  readonly fraction: number;
}

/** The NTP timestamp of `unixMs` (ms since 1970). */
export function ntpTime(unixMs: number): NtpTime {
  const ms = unixMs + NTP_UNIX_OFFSET_MS;
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * TWO32);
  return { seconds: seconds % TWO32, fraction: Math.min(fraction, TWO32 - 1) };
}

/** The middle 32 bits of an NTP timestamp (RFC 3550 §6.4.1 LSR), in 1/65536 s. */
export function ntpMiddle32(t: NtpTime): number {
  return (((t.seconds & 0xffff) * 65536) + Math.floor(t.fraction / 65536)) >>> 0;
}

/** What a Sender Report carries about our stream (RFC 3550 §6.4.1 sender info). */
export interface SenderInfo {
  /** The RTP timestamp that corresponds to the report's NTP time. */
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

/** What goes into one report. */
export interface ReportParts {
  /** Present when we sent RTP since the report before last: the report is an SR. */
  readonly sender?: SenderInfo | undefined;
  /** Our reception report about the peer's source, once it is valid. */
  readonly block?: ReportBlock | undefined;
  /** RFC 3611 §4.7 metrics of our reception. */
  readonly xr?: VoipMetricsBlock | undefined;
  /** Leaving: a BYE for our SSRC (RFC 3550 §6.6), with an optional reason. */
  readonly bye?: { readonly reason?: string } | undefined;
}

/** Options of {@link RtcpReporter}. */
export interface RtcpReporterOptions {
  readonly ssrc: number;
  readonly cname: string;
  /** RTCP bandwidth, octets per second (RFC 3550 §6.2: 5 % of the session's). */
  readonly rtcpBandwidth: number;
  /** Minimum interval, seconds (§6.2: 5). */
  readonly minInterval: number;
  /** Unix time minus `now`, ms: what makes `now` wall-clock time for SR timestamps. */
  readonly clockOffsetMs: number;
  readonly random: () => number;
  readonly now: number;
}

const encoder = new TextEncoder();

/** RTCP timing, report building and RTT; see the module comment. */
export class RtcpReporter {
  ssrc: number;
  readonly cname: string;
  readonly #offset: number;
  readonly #random: () => number;
  #timer: RtcpTimerState;
  // The timer state's tn, kept as a field of this class: the media clock reads every session's
  // deadline on every tick, and the state objects (rebuilt by spreading, §6.3's pure functions)
  // come in several shapes, which made that read a megamorphic property load.
  #tn: number;
  // §6.3.8 we_sent: RTP sent since the report before last.
  #sentNow = false;
  #sentBefore = false;
  #remoteSent = false;
  #remoteKnown = false;
  /** Reports sent. */
  sent = 0;

  constructor(o: RtcpReporterOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.cname = o.cname;
    this.#offset = o.clockOffsetMs;
    this.#random = o.random;
    // §6.3.2: the first compound's size is a guess: SR + one block + SDES + XR, plus UDP/IP.
    this.#timer = rtcpTimerStart({ rtcpBandwidth: o.rtcpBandwidth, avgRtcpSize: 128, minInterval: o.minInterval }, o.now, o.random);
    this.#tn = this.#timer.tn;
  }

  /** When the next report is due (§6.3.6 tn). */
  get deadline(): number {
    return this.#tn;
  }

  /** Whether we count as a sender (§6.3.8 we_sent). */
  get weSent(): boolean {
    return this.#sentNow || this.#sentBefore;
  }

  /** We sent an RTP packet. */
  rtpSent(): void {
    this.#sentNow = true;
  }

  /** The peer is in the session (any RTP or RTCP from it); `sender` when it sent RTP. */
  remoteSeen(sender: boolean): void {
    this.#remoteKnown = true;
    if (sender) this.#remoteSent = true;
  }

  /**
   * The timer fired at `now`: true when a report must go out now (A.7 OnExpire); otherwise the
   * deadline moved (timer reconsideration, §6.3.6).
   */
  expire(now: number): boolean {
    const members = this.#remoteKnown ? 2 : 1;
    const senders = (this.weSent ? 1 : 0) + (this.#remoteSent ? 1 : 0);
    this.#timer = { ...this.#timer, members, senders, weSent: this.weSent };
    const r = rtcpOnExpire(this.#timer, now, this.#random);
    this.#timer = r.state;
    this.#tn = r.state.tn;
    return r.send;
  }

  /** A report of `size` octets went out at `now` (§6.3.6): average size, next deadline. */
  reported(size: number, now: number): void {
    // UDP/IP headers count in avg_rtcp_size (§6.3.3): 28 octets for IPv4.
    this.#timer = rtcpOnSent(this.#timer, size + 28, now, this.#random);
    this.#tn = this.#timer.tn;
    this.#sentBefore = this.#sentNow;
    this.#sentNow = false;
    this.#remoteSent = false;
    this.sent++;
  }

  /** A compound of `size` octets arrived (§6.3.3). */
  received(size: number): void {
    this.#timer = rtcpOnReceived(this.#timer, size + 28);
  }

  /** The NTP time of `now`. */
  ntp(now: number): NtpTime {
    return ntpTime(now + this.#offset);
  }

  /** The compound RTCP packet for `now` (§6.1 order: report first, then SDES, XR, BYE). */
  build(now: number, parts: ReportParts): RtcpPacket[] {
    const reports = parts.block ? [parts.block] : [];
    const out: RtcpPacket[] = [];
    if (parts.sender) {
      const t = this.ntp(now);
      out.push({
        type: "sr",
        ssrc: this.ssrc,
        ntpSeconds: t.seconds,
        ntpFraction: t.fraction,
        rtpTimestamp: parts.sender.rtpTimestamp >>> 0,
        // §6.4.1: the counts wrap at 2^32.
        packetCount: parts.sender.packetCount % TWO32,
        octetCount: parts.sender.octetCount % TWO32,
        reports,
      });
    } else {
      out.push({ type: "rr", ssrc: this.ssrc, reports });
    }
    out.push({ type: "sdes", chunks: [{ ssrc: this.ssrc, items: [sdesItem(SdesItemType.CNAME, this.cname)] }] });
    if (parts.xr) out.push({ type: "xr", ssrc: this.ssrc, blocks: [parts.xr] });
    if (parts.bye) {
      const reason = parts.bye.reason !== undefined ? encoder.encode(parts.bye.reason).subarray(0, 255) : undefined;
      out.push(reason ? { type: "bye", ssrcs: [this.ssrc], reason } : { type: "bye", ssrcs: [this.ssrc] });
    }
    return out;
  }

  /**
   * The round-trip time a reception report about our stream gives at `now` (§6.4.1: A − LSR −
   * DLSR), ms; undefined when the peer has no SR of ours yet (LSR 0) or the result is negative.
   */
  roundTrip(block: ReportBlock, now: number): number | undefined {
    if (block.lastSenderReport === 0) return undefined;
    const a = ntpMiddle32(this.ntp(now));
    const rtt = (a - block.lastSenderReport - block.delaySinceLastSenderReport) >>> 0;
    // A value past 2^31 is a negative time: a bogus report, or clocks that went back.
    if (rtt >= 0x80000000) return undefined;
    return (rtt * 1000) / 65536;
  }
}
