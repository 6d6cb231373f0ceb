import type { SdpCodec, SdpLocalOptions, SdpMediaCapabilities } from "./capabilities.ts";
import { formatCrypto } from "./crypto.ts";
import { formatEventList, readEventList } from "./fmtp.ts";
import { MediaDescription } from "./media-description.ts";
import { addrTypeOf, nextOrigin } from "./origin.ts";
import { formatRtpMap, staticPayloadType } from "./rtpmap.ts";
import { createSdesKey, DEFAULT_OFFER_SUITES, defaultRandom, sdesCrypto } from "./sdes.ts";
import type { RandomBytes } from "./sdes.ts";
import { SessionDescription } from "./session-description.ts";

/** RFC 4733 §3.2: events 0–15 are the DTMF digits, 16 the flash; what we send and accept by default. */
export const DEFAULT_TELEPHONE_EVENTS = "0-16";

/** The telephone-event clock rates and events a capability asks for, or undefined when it has none. */
export function telephoneEventOf(cap: SdpMediaCapabilities): { rates: number[]; payloadType?: number; events: string } | undefined {
  const te = cap.telephoneEvent ?? (cap.type ?? "audio") === "audio";
  if (te === false) return undefined;
  const o = te === true ? {} : te;
  const events = o.events ?? DEFAULT_TELEPHONE_EVENTS;
  if (readEventList(events) === undefined) throw new Error(`bad telephone-event list ${JSON.stringify(events)}`);
  if (o.clockRate !== undefined) return { rates: [o.clockRate], payloadType: o.payloadType, events };
  // RFC 4733 §2.1: events use the clock of the audio they go with; 8000 Hz is what every peer has.
  const rates: number[] = [];
  for (const c of cap.codecs) if (!rates.includes(c.clockRate)) rates.push(c.clockRate);
  if (!rates.includes(8000)) rates.push(8000);
  return { rates, payloadType: o.payloadType, events };
}

/** Picks payload types: the codec's own, else its static one, else the next free dynamic one (96–127). */
class PayloadTypes {
  private used = new Set<number>();
  private next = 96;

  take(wanted: number | undefined, codec?: SdpCodec): number {
    let pt = wanted ?? (codec ? staticPayloadType(codec.name, codec.clockRate, codec.channels ?? 1) : undefined);
    if (pt === undefined || this.used.has(pt)) {
      while (this.used.has(this.next)) this.next++;
      if (this.next > 127) throw new Error("more than 32 dynamic payload types");
      pt = this.next;
    }
    this.used.add(pt);
    return pt;
  }
}

/** The m= protocol of a capability: its own, else RTP/SAVP for mandatory SRTP, else RTP/AVP. */
export function protocolOf(cap: SdpMediaCapabilities): string {
  return cap.protocol ?? (cap.srtp?.mandatory ? "RTP/SAVP" : "RTP/AVP");
}

/** Writes what every stream we describe carries after its formats: ptime, RTCP, direction, extras. */
export function addStreamAttributes(m: MediaDescription, cap: SdpMediaCapabilities, rtcpMux: boolean, writeDirection: boolean, direction: string): void {
  if (cap.ptime !== undefined) m.addAttribute("ptime", `${cap.ptime}`);
  if (cap.maxptime !== undefined) m.addAttribute("maxptime", `${cap.maxptime}`);
  if (cap.rtcpPort !== undefined) m.addAttribute("rtcp", `${cap.rtcpPort}`);
  if (rtcpMux) m.addAttribute("rtcp-mux");
  if (writeDirection) m.addAttribute(direction);
  for (const a of cap.attributes ?? []) m.attributes.push({ ...a });
}

function offerMedia(cap: SdpMediaCapabilities, random: RandomBytes): MediaDescription {
  const pts = new PayloadTypes();
  const m = new MediaDescription(cap.type ?? "audio", cap.port, protocolOf(cap), []);
  if (cap.address !== undefined) m.connection = { netType: "IN", addrType: addrTypeOf(cap.address), address: cap.address };
  for (const c of cap.codecs) {
    const pt = pts.take(c.payloadType, c);
    m.formats.push(`${pt}`);
    m.addAttribute("rtpmap", formatRtpMap({ payloadType: pt, encoding: c.name, clockRate: c.clockRate, channels: c.channels !== undefined && c.channels > 1 ? c.channels : undefined }));
    if (c.fmtp) m.addAttribute("fmtp", `${pt} ${c.fmtp}`);
  }
  const te = telephoneEventOf(cap);
  if (te) {
    te.rates.forEach((rate, i) => {
      const pt = pts.take(i === 0 ? te.payloadType : undefined);
      m.formats.push(`${pt}`);
      m.addAttribute("rtpmap", `${pt} telephone-event/${rate}`);
      m.addAttribute("fmtp", `${pt} ${formatEventList(readEventList(te.events)!)}`);
    });
  }
  if (cap.srtp) {
    const suites = cap.srtp.suites ?? DEFAULT_OFFER_SUITES;
    suites.forEach((suite, i) => m.addAttribute("crypto", formatCrypto(sdesCrypto(i + 1, suite, createSdesKey(suite, random)))));
  }
  addStreamAttributes(m, cap, cap.rtcpMux !== false, true, cap.direction ?? "sendrecv");
  return m;
}

/**
 * Builds an offer (RFC 3264 §5) from our capabilities: one m= line per entry of `options.media`,
 * codecs in our preference order with rtpmap and fmtp lines, telephone-event, direction, ptime,
 * rtcp-mux, and SDES crypto lines with fresh keys.
 *
 * With `options.previous` (our last description in the session) it is a re-offer (RFC 3264 §8):
 * same o= but the version plus one, and at least as many m= lines as before — streams that are no
 * longer wanted stay as port-0 lines in their place (§8.2: "the number of m-lines MUST NOT be
 * reduced").
 */
export function createOffer(options: SdpLocalOptions): SessionDescription {
  const random = options.random ?? defaultRandom;
  const origin = nextOrigin(options.address, random, options.previous, options.username, options.sessionId);
  const sd = new SessionDescription(origin, options.previous?.sessionName ?? options.sessionName ?? "-");
  sd.connection = { netType: "IN", addrType: addrTypeOf(options.address), address: options.address };
  sd.timings = [{ start: 0, stop: 0, repeats: [] }];
  for (const cap of options.media) sd.media.push(offerMedia(cap, random));
  const prev = options.previous?.media ?? [];
  for (let i = options.media.length; i < prev.length; i++) sd.media.push(disabledCopy(prev[i]!));
  return sd;
}

/**
 * A port-0 copy of a media section, as RFC 4317 writes rejected and removed streams: same type and
 * protocol, its first format and that format's rtpmap.
 */
export function disabledCopy(m: MediaDescription): MediaDescription {
  const fmt = m.formats[0];
  const d = new MediaDescription(m.type, 0, m.protocol, fmt === undefined ? [] : [fmt]);
  if (fmt !== undefined) {
    const rtpmap = m.attributes.find((a) => a.name === "rtpmap" && a.value !== undefined && a.value.startsWith(`${fmt} `));
    if (rtpmap) d.attributes.push({ ...rtpmap });
  }
  return d;
}
