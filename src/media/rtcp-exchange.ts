import { isVoipMetricsBlock, rtcpCompoundSize, writeRtcpCompound } from "../rtcp/index.ts";
import type { ReportBlock, RtcpPacket, VoipMetricsBlock } from "../rtcp/index.ts";
import { voipMetricsBlock } from "./call-quality.ts";
import type { CallQuality, RemoteReception } from "./call-quality.ts";
import { ntpMiddle32, RtcpReporter } from "./rtcp-reporter.ts";
import type { ReportParts, RtcpReporterOptions } from "./rtcp-reporter.ts";
import type { RtpReceiver } from "./rtp-receiver.ts";
import type { RtpSender } from "./rtp-sender.ts";
import type { RtpSessionEvent } from "./rtp-session-types.ts";

/**
 * The RTCP of one RTP session in both directions: what the peer's compounds tell (RFC 3550
 * §6.4.1: the last SR of its source for our LSR/DLSR, its reception report of our stream and the
 * round-trip time it gives; §6.5 its CNAME; §6.6 BYE; RFC 3611 §4.7 its VoIP metrics about us), and
 * our compounds at the §6.3 interval: SR or RR with our reception report, SDES CNAME, XR VoIP
 * Metrics, BYE when leaving — protected by SRTCP when the session has keys.
 */

/** What the RTCP exchange reads from, and hands to, its RTP session. */
export interface RtcpExchangeHost {
  readonly receiver: RtpReceiver;
  sender(): RtpSender | undefined;
  /** The RTP clock of what we send (the peer's jitter figure is in its units). */
  sendClockRate(): number;
  ptimeMs(): number;
  quality(): CallQuality;
  /** Sends a compound: protects it (SRTCP) when keyed; returns its length, or undefined when refused. */
  send(compound: Uint8Array, length: number): number | undefined;
  emit(event: RtpSessionEvent): void;
}

/** Options of the exchange beyond the reporter's. */
export interface RtcpExchangeOptions extends RtcpReporterOptions {
  /** Send XR VoIP Metrics. */
  readonly xr: boolean;
  /** Rounding room SRTCP needs after a compound, bytes. */
  readonly overhead: () => number;
  /** The jitter buffer's largest delay, ms (XR "JB abs max"). */
  readonly jbAbsMaxMs: number;
}

const text = new TextDecoder();

/** The RTCP exchange; see the module comment. */
export class RtcpExchange {
  readonly reporter: RtcpReporter;
  /** Round-trip time from the peer's last report on us, ms. */
  rttMs: number | undefined;
  /** The peer's reception of our stream. */
  remote: RemoteReception | undefined;
  readonly #host: RtcpExchangeHost;
  readonly #o: RtcpExchangeOptions;

  constructor(host: RtcpExchangeHost, options: RtcpExchangeOptions) {
    this.#host = host;
    this.#o = options;
    this.reporter = new RtcpReporter(options);
  }

  /** A valid compound of `size` octets from the peer (past SRTCP and RFC 3550 A.2's checks). */
  receive(packets: readonly RtcpPacket[], size: number, now: number): void {
    this.reporter.received(size);
    this.reporter.remoteSeen(false);
    let aboutUs = false;
    for (const p of packets) aboutUs = this.#packet(p, now) || aboutUs;
    if (aboutUs) this.#host.emit({ type: "quality", quality: this.#host.quality() });
  }

  // One packet of a received compound; true when it reported on our stream.
  #packet(p: RtcpPacket, now: number): boolean {
    const src = this.#host.receiver.source;
    switch (p.type) {
      case "sr":
        // RFC 3550 §6.4.1: LSR is the middle 32 bits of the SR's NTP timestamp.
        if (src && p.ssrc === src.ssrc) src.stats.onSenderReport(ntpMiddle32({ seconds: p.ntpSeconds, fraction: p.ntpFraction }), now);
        return this.#reportsAboutUs(p.reports, now);
      case "rr":
        return this.#reportsAboutUs(p.reports, now);
      case "sdes":
        for (const c of p.chunks) {
          const cname = c.items.find((i) => i.type === 1);
          if (cname && src && c.ssrc === src.ssrc) src.cname = text.decode(cname.value);
        }
        return false;
      case "bye":
        for (const ssrc of p.ssrcs) {
          if (this.#host.receiver.bye(ssrc)) this.#host.emit({ type: "remote-bye", ssrc, reason: p.reason ? text.decode(p.reason) : undefined });
        }
        return false;
      case "xr": {
        const m = p.blocks.find((b): b is VoipMetricsBlock => isVoipMetricsBlock(b) && b.ssrc === this.reporter.ssrc);
        if (m === undefined) return false;
        this.remote = { ...(this.remote ?? { fractionLost: 0, cumulativeLost: 0, jitterMs: 0 }), voipMetrics: m };
        return true;
      }
      default:
        return false;
    }
  }

  #reportsAboutUs(blocks: readonly ReportBlock[], now: number): boolean {
    let found = false;
    for (const b of blocks) {
      if (b.ssrc !== this.reporter.ssrc) continue;
      found = true;
      const rtt = this.reporter.roundTrip(b, now);
      if (rtt !== undefined) this.rttMs = rtt;
      this.remote = {
        fractionLost: b.fractionLost / 256,
        cumulativeLost: b.cumulativeLost,
        jitterMs: (b.jitter * 1000) / this.#host.sendClockRate(),
        voipMetrics: this.remote?.voipMetrics,
      };
    }
    return found;
  }

  /** The timer: sends a report when the interval (with reconsideration, §6.3.6) says so. */
  handleTimeout(now: number): void {
    if (now >= this.reporter.deadline && this.reporter.expire(now)) this.report(now, undefined);
  }

  /** Sends a compound report now, and a BYE with it when leaving (§6.6). */
  report(now: number, bye: ReportParts["bye"]): void {
    const host = this.#host;
    const src = host.receiver.source;
    const sender = host.sender();
    const valid = src !== undefined && src.stats.valid;
    // The E-model runs only for what reads it: the XR block, and the quality event of a report
    // that is not the last (the session's `closed` event carries the final figures).
    const quality = (valid && this.#o.xr) || !bye ? host.quality() : undefined;
    const parts: ReportParts = {
      sender: sender && this.reporter.weSent
        ? { rtpTimestamp: sender.timestampAt(now), packetCount: sender.packetsSent, octetCount: sender.octetsSent }
        : undefined,
      block: valid ? src.stats.report(now) : undefined,
      xr: valid && this.#o.xr ? this.#voipMetrics(src.ssrc, quality!) : undefined,
      bye,
    };
    const packets = this.reporter.build(now, parts);
    const size = rtcpCompoundSize(packets);
    const buf = new Uint8Array(size + this.#o.overhead());
    writeRtcpCompound(packets, buf, 0);
    const n = host.send(buf, size);
    if (n === undefined) return;
    this.reporter.reported(n, now);
    if (!bye) host.emit({ type: "quality", quality: quality! });
  }

  #voipMetrics(ssrc: number, quality: CallQuality): VoipMetricsBlock {
    const src = this.#host.receiver.source;
    const stats = src?.playout?.buffer.stats;
    const codec = src?.format?.codec;
    return voipMetricsBlock({
      ssrc,
      quality,
      endSystemDelayMs: this.#host.ptimeMs() + (codec?.delayMs ?? 0) + (stats?.currentDelayMs ?? 0),
      concealment: codec?.concealment,
      jbNominalMs: stats?.targetDelayMs ?? 0,
      jbMaximumMs: stats?.currentDelayMs ?? 0,
      jbAbsMaxMs: this.#o.jbAbsMaxMs,
    });
  }
}
