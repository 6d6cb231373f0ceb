import { readCrypto } from "./crypto.ts";
import type { SdpCrypto } from "./crypto.ts";
import { parseUint } from "./fields.ts";
import { readFmtp } from "./fmtp.ts";
import type { SdpFmtp } from "./fmtp.ts";
import { formatSdpMedia } from "./format.ts";
import { readCandidate } from "./ice.ts";
import type { SdpCandidate } from "./ice.ts";
import { readRtcp, readRtcpFeedback } from "./rtcp.ts";
import type { SdpRtcp, SdpRtcpFeedback } from "./rtcp.ts";
import { readRtpMap, staticRtpMap } from "./rtpmap.ts";
import type { SdpRtpMap } from "./rtpmap.ts";
import { SdpSection } from "./section.ts";
import { readSsrc, readSsrcGroup } from "./ssrc.ts";
import type { SdpSsrc, SdpSsrcGroup } from "./ssrc.ts";

/** An fmtp value split into payload type and text, without reading the parameters. */
function fmtpHead(v: string): { payloadType: number; text: string } | undefined {
  const sp = v.indexOf(" ");
  const pt = parseUint(sp < 0 ? v : v.slice(0, sp), 127);
  return pt < 0 ? undefined : { payloadType: pt, text: sp < 0 ? "" : v.slice(sp + 1).trimStart() };
}

/**
 * One media description (RFC 8866 §5.14): the m= line and the i=, c=, b=, k= and a= lines under it.
 *
 * ```
 * m=<media> <port>[/<number of ports>] <proto> <fmt> ...
 * ```
 *
 * `formats` keeps the fmt list as text (RTP payload type numbers, or `*`/tokens for other
 * protocols); {@link payloadTypes} reads them as numbers. Typed accessors parse attributes on each
 * call and skip malformed ones; the attribute list itself is the source of truth.
 */
export class MediaDescription extends SdpSection {
  /** audio, video, text, application, message, image… */
  type: string;
  /** The transport port; 0 rejects or disables the stream (RFC 3264 §5.1, §6). */
  port: number;
  /** The number of ports after a `/` (RFC 8866 §5.14), usually undefined. */
  portCount: number | undefined;
  /** RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVPF, udp, TCP/MSRP… */
  protocol: string;
  /** The fmt list as text. */
  formats: string[];

  constructor(type: string, port: number, protocol: string, formats: string[], portCount?: number) {
    super();
    this.type = type;
    this.port = port;
    this.portCount = portCount;
    this.protocol = protocol;
    this.formats = formats;
  }

  /** True for RTP profiles (RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF, …). */
  get isRtp(): boolean {
    return this.protocol.includes("RTP/");
  }

  /** The fmt list as payload type numbers (non-numeric formats are left out). */
  get payloadTypes(): number[] {
    const out: number[] = [];
    for (const f of this.formats) {
      const pt = parseUint(f, 127);
      if (pt >= 0) out.push(pt);
    }
    return out;
  }

  /** a=rtpmap lines (RFC 8866 §6.6). */
  rtpMaps(): SdpRtpMap[] {
    return this.typedAttributes("rtpmap", readRtpMap);
  }

  /**
   * The encoding of payload type `pt`: its a=rtpmap, or for a static type without one the RFC 3551
   * mapping; undefined when neither exists.
   */
  rtpMap(pt: number): SdpRtpMap | undefined {
    return this.byPayloadType("rtpmap", pt, readRtpMap) ?? staticRtpMap(pt);
  }

  /** a=fmtp lines (RFC 8866 §6.15) with numeric formats. */
  fmtps(): SdpFmtp[] {
    return this.typedAttributes("fmtp", readFmtp);
  }

  /** The a=fmtp of payload type `pt`, or undefined. */
  fmtp(pt: number): SdpFmtp | undefined {
    return this.byPayloadType("fmtp", pt, readFmtp);
  }

  /** The parameter text of payload type `pt`'s a=fmtp (what follows the number), or undefined. */
  fmtpText(pt: number): string | undefined {
    return this.byPayloadType("fmtp", pt, fmtpHead)?.text;
  }

  /** The first attribute `name` whose value is about payload type `pt` (`<pt> ...`). */
  private byPayloadType<T extends { payloadType: number }>(name: string, pt: number, parse: (v: string) => T | undefined): T | undefined {
    const a = this.attributes;
    const prefix = `${pt}`;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.name !== name) continue;
      const v = a[i]!.value ?? "";
      // A cheap prefix test before parsing: the value starts with the payload type.
      if (!v.startsWith(prefix)) continue;
      const x = parse(v);
      if (x && x.payloadType === pt) return x;
    }
    return undefined;
  }

  /** a=ptime in milliseconds (RFC 8866 §6.4), or undefined. */
  get ptime(): number | undefined {
    return this.numberAttribute("ptime");
  }

  /** a=maxptime in milliseconds (RFC 8866 §6.5), or undefined. */
  get maxptime(): number | undefined {
    return this.numberAttribute("maxptime");
  }

  /** a=rtcp (RFC 3605), or undefined. */
  get rtcp(): SdpRtcp | undefined {
    const v = this.attribute("rtcp");
    return v === undefined ? undefined : readRtcp(v);
  }

  /** True when a=rtcp-mux is present (RFC 5761 §5.1.1). */
  get rtcpMux(): boolean {
    return this.hasAttribute("rtcp-mux");
  }

  /** a=rtcp-fb lines (RFC 4585 §4.2). */
  rtcpFeedback(): SdpRtcpFeedback[] {
    return this.typedAttributes("rtcp-fb", readRtcpFeedback);
  }

  /** a=crypto lines (RFC 4568 §9.1) in order. */
  cryptos(): SdpCrypto[] {
    return this.typedAttributes("crypto", readCrypto);
  }

  /** a=candidate lines (RFC 8839 §5.1). */
  candidates(): SdpCandidate[] {
    return this.typedAttributes("candidate", readCandidate);
  }

  /** a=ssrc lines (RFC 5576 §4.1). */
  ssrcs(): SdpSsrc[] {
    return this.typedAttributes("ssrc", readSsrc);
  }

  /** a=ssrc-group lines (RFC 5576 §4.2). */
  ssrcGroups(): SdpSsrcGroup[] {
    return this.typedAttributes("ssrc-group", readSsrcGroup);
  }

  /** a=mid (RFC 5888 §4), or undefined. */
  get mid(): string | undefined {
    return this.attribute("mid");
  }

  private numberAttribute(name: string): number | undefined {
    const v = this.attribute(name);
    if (v === undefined) return undefined;
    // Some peers write fractional ptimes (`a=ptime:20.0`); RFC 8866 allows a decimal.
    const n = Number(v.trim());
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }

  /** A deep copy. */
  clone(): MediaDescription {
    const m = new MediaDescription(this.type, this.port, this.protocol, [...this.formats], this.portCount);
    m.information = this.information;
    m.connection = this.connection && { ...this.connection };
    m.bandwidths = this.bandwidths.map((b) => ({ ...b }));
    m.key = this.key;
    m.attributes = this.attributes.map((a) => ({ ...a }));
    m.extraLines = this.extraLines.map((l) => ({ ...l }));
    return m;
  }

  /** The media section as SDP text (CRLF line ends). */
  override toString(): string {
    return formatSdpMedia(this);
  }

  /** A plain object of the fields. */
  toJSON(): object {
    return {
      type: this.type, port: this.port, portCount: this.portCount, protocol: this.protocol, formats: this.formats,
      information: this.information, connection: this.connection, bandwidths: this.bandwidths, key: this.key,
      attributes: this.attributes, extraLines: this.extraLines,
    };
  }
}
