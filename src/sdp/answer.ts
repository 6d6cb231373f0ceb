import type { SdpCodec, SdpLocalOptions, SdpMediaCapabilities } from "./capabilities.ts";
import { formatsOf, isTelephoneEvent, sameCodec } from "./codec-match.ts";
import type { OfferedFormat } from "./codec-match.ts";
import { formatCrypto } from "./crypto.ts";
import { answerDirection } from "./direction.ts";
import type { SdpDirection } from "./direction.ts";
import { negotiationFailure } from "./errors.ts";
import type { SdpNegotiationCode, SdpNegotiationFailure } from "./errors.ts";
import { formatEventList, readEventList } from "./fmtp.ts";
import { effectiveDirection, isHold } from "./hold.ts";
import { MediaDescription } from "./media-description.ts";
import type { NegotiatedCodec, NegotiatedCrypto, NegotiatedStream, NegotiatedTelephoneEvent } from "./negotiated.ts";
import { addStreamAttributes, disabledCopy, telephoneEventOf } from "./offer.ts";
import { addrTypeOf, nextOrigin } from "./origin.ts";
import { formatRtpMap } from "./rtpmap.ts";
import { createSdesKey, DEFAULT_ANSWER_SUITES, defaultRandom, sdesCrypto, selectSdesCrypto } from "./sdes.ts";
import type { RandomBytes } from "./sdes.ts";
import { SessionDescription } from "./session-description.ts";
import { remoteTransport } from "./transport.ts";

/** An answer and what it agreed on. */
export interface SdpAnswer {
  readonly ok: true;
  readonly answer: SessionDescription;
  readonly streams: NegotiatedStream[];
}

/** RTP profiles we can answer (RFC 3551 AVP, RFC 4585 AVPF, and their SRTP forms with SDES). */
const PROFILES = new Set(["RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF"]);

type Refusal = Extract<SdpNegotiationCode, "NO_MEDIA_IN_COMMON" | "NO_COMMON_CODEC" | "CRYPTO_MISMATCH">;

interface Accepted {
  media: MediaDescription;
  stream: NegotiatedStream;
}

/** The offered telephone-event format to answer: the one at the first codec's clock rate, else 8000, else the first. */
function pickTelephoneEvent(offered: OfferedFormat[], rate: number | undefined): OfferedFormat | undefined {
  const te = offered.filter((f) => isTelephoneEvent(f.rtpMap.encoding));
  return te.find((f) => f.rtpMap.clockRate === rate) ?? te.find((f) => f.rtpMap.clockRate === 8000) ?? te[0];
}

function answerStream(
  offer: SessionDescription,
  m: MediaDescription,
  index: number,
  cap: SdpMediaCapabilities,
  random: RandomBytes,
): Accepted | Refusal {
  if (!PROFILES.has(m.protocol)) return "NO_MEDIA_IN_COMMON";
  // RFC 4568 §7.1.2: an RTP/SAVP stream needs a crypto line we accept; RTP/AVP may carry them as a
  // best-effort offer, taken when we do SRTP and ignored otherwise.
  const secure = m.protocol.includes("SAVP");
  let chosen: ReturnType<typeof selectSdesCrypto>;
  if (secure || (cap.srtp && m.hasAttribute("crypto"))) {
    chosen = cap.srtp ? selectSdesCrypto(m.cryptos(), cap.srtp.suites ?? DEFAULT_ANSWER_SUITES) : undefined;
    if (!chosen && (secure || cap.srtp?.mandatory)) return "CRYPTO_MISMATCH";
  } else if (cap.srtp?.mandatory) return "CRYPTO_MISMATCH";

  // RFC 3264 §6.1: formats from the offer, in the answerer's preference order, with the offer's
  // payload type numbers ("the answerer MUST use the same payload type numbers as the offer").
  const offered = formatsOf(m);
  const picked: { codec: SdpCodec; f: OfferedFormat }[] = [];
  for (const codec of cap.codecs) {
    const f = offered.find((o) => !isTelephoneEvent(o.rtpMap.encoding) && sameCodec(codec, o) && !picked.some((p) => p.f === o));
    if (f) picked.push({ codec, f });
  }
  const teCap = telephoneEventOf(cap);
  let te: { f: OfferedFormat; events: number[] } | undefined;
  if (teCap) {
    const f = pickTelephoneEvent(offered, picked[0]?.f.rtpMap.clockRate);
    // RFC 4733 §7.1.1: no fmtp means events 0-15.
    const theirs = f && readEventList(f.fmtp ?? "0-15");
    const ours = readEventList(teCap.events)!;
    const events = theirs?.filter((e) => ours.includes(e));
    if (f && events && events.length > 0) te = { f, events };
  }
  // A stream of events alone is answerable (RFC 4317 §2.4); a stream of audio is not without audio.
  const onlyEvents = offered.length > 0 && offered.every((f) => isTelephoneEvent(f.rtpMap.encoding));
  if (picked.length === 0 && !(onlyEvents && te)) return "NO_COMMON_CODEC";

  const a = new MediaDescription(m.type, cap.port, m.protocol, []);
  if (cap.address !== undefined) a.connection = { netType: "IN", addrType: addrTypeOf(cap.address), address: cap.address };
  for (const { codec, f } of picked) {
    a.formats.push(`${f.payloadType}`);
    a.addAttribute("rtpmap", formatRtpMap(f.rtpMap));
    // Our own parameters when we have some, else the offer's passed through (Opus, RFC 7587 §7).
    const fmtp = codec.fmtp ?? f.fmtp;
    if (fmtp) a.addAttribute("fmtp", `${f.payloadType} ${fmtp}`);
  }
  if (te) {
    a.formats.push(`${te.f.payloadType}`);
    a.addAttribute("rtpmap", formatRtpMap(te.f.rtpMap));
    if (te.f.fmtp !== undefined) a.addAttribute("fmtp", `${te.f.payloadType} ${formatEventList(te.events)}`);
  }
  let crypto: NegotiatedCrypto | undefined;
  if (chosen) {
    const localKey = createSdesKey(chosen.suite, random);
    a.addAttribute("crypto", formatCrypto(sdesCrypto(chosen.crypto.tag, chosen.suite, localKey)));
    const lifetime = chosen.crypto.keys[0]!.lifetime;
    crypto = { suite: chosen.suite, tag: chosen.crypto.tag, localKey, remoteKey: chosen.key, ...(lifetime !== undefined ? { remoteLifetime: lifetime } : {}) };
  }
  const rtcpMux = m.rtcpMux && cap.rtcpMux !== false;
  const offeredDir = effectiveDirection(offer, m);
  const dir = answerDirection(offeredDir, cap.direction ?? "sendrecv");
  // RFC 4317 writes no attribute for a sendrecv answer to an offer without one; say it otherwise.
  const explicit = dir !== "sendrecv" || offer.directionOf(m) !== "sendrecv" || m.direction !== undefined || offer.direction !== undefined;
  addStreamAttributes(a, cap, rtcpMux, explicit, dir);
  const mid = m.mid;
  if (mid !== undefined) a.addAttribute("mid", mid);

  const codecs: NegotiatedCodec[] = picked.map(({ f }) => ({
    name: f.rtpMap.encoding, clockRate: f.rtpMap.clockRate, channels: f.rtpMap.channels ?? 1,
    sendPayloadType: f.payloadType, receivePayloadType: f.payloadType, fmtp: f.fmtp,
  }));
  const telephoneEvent: NegotiatedTelephoneEvent | undefined = te && {
    name: te.f.rtpMap.encoding, clockRate: te.f.rtpMap.clockRate, channels: 1,
    sendPayloadType: te.f.payloadType, receivePayloadType: te.f.payloadType, fmtp: te.f.fmtp, events: te.events,
  };
  const stream: NegotiatedStream = {
    index, type: m.type, protocol: m.protocol, mid, accepted: true, localPort: cap.port,
    ...remoteTransport(offer, m, rtcpMux), rtcpMux, direction: dir, remoteHold: isHold(offer, m),
    codecs, sendPayloadType: codecs[0]?.sendPayloadType, telephoneEvent, ptime: m.ptime, maxptime: m.maxptime, crypto,
  };
  return { media: a, stream };
}

/** A stream that is not in use: rejected by us, or already at port 0 in the offer. */
function refusedStream(m: MediaDescription, index: number, direction: SdpDirection): NegotiatedStream {
  return {
    index, type: m.type, protocol: m.protocol, mid: m.mid, accepted: false, localPort: 0,
    remoteAddress: "", remotePort: m.port, remoteRtcpAddress: "", remoteRtcpPort: 0, rtcpMux: false,
    direction, remoteHold: false, codecs: [],
  };
}

/**
 * Answers an offer (RFC 3264 §6): one m= line per offered one, in the same order. Each offered
 * stream is matched to the first unused entry of `options.media` of its media type; it is accepted
 * with the codecs both have (by encoding name, clock rate and channels; in our preference order;
 * with the offer's payload type numbers), telephone-event when both have it, the direction of the
 * §6.1 table, our SDES key for the first acceptable crypto line, and rtcp-mux when both do it.
 * Streams we cannot take are rejected with port 0 (§6: "the answer MUST contain exactly the same
 * number of m= lines as the offer").
 *
 * When the offer has streams and we can take none, the result is a failure with the Warning a 488
 * carries (RFC 3261 §21.4.26): 304 when no media type or transport is ours, 305 when the types are
 * but the codecs are not. With `options.previous` (our last description in this session) the o=
 * line is kept and its version goes up by one, unless the answer is the same as before (RFC 4317
 * §2.5 answers an unchanged description with the same version).
 */
export function createAnswer(offer: SessionDescription, options: SdpLocalOptions): SdpAnswer | SdpNegotiationFailure {
  const random = options.random ?? defaultRandom;
  const used = new Set<number>();
  const media: MediaDescription[] = [];
  const streams: NegotiatedStream[] = [];
  let live = 0;
  let accepted = 0;
  let worst: Refusal | undefined;
  offer.media.forEach((m, index) => {
    const refuse = (why?: Refusal) => {
      if (why && (worst === undefined || why !== "NO_MEDIA_IN_COMMON")) worst = why;
      media.push(disabledCopy(m));
      streams.push(refusedStream(m, index, "inactive"));
    };
    // RFC 3264 §6: a stream offered with port 0 is answered with port 0.
    if (m.port === 0) return refuse();
    live++;
    const type = m.type.toLowerCase();
    const capIndex = options.media.findIndex((c, i) => !used.has(i) && c.port !== 0 && (c.type ?? "audio").toLowerCase() === type);
    if (capIndex < 0) return refuse("NO_MEDIA_IN_COMMON");
    const r = answerStream(offer, m, index, options.media[capIndex]!, random);
    if (typeof r === "string") return refuse(r);
    used.add(capIndex);
    accepted++;
    media.push(r.media);
    streams.push(r.stream);
  });
  if (live > 0 && accepted === 0) {
    const code = worst ?? "NO_MEDIA_IN_COMMON";
    const reason = code === "CRYPTO_MISMATCH" ? "no acceptable crypto attribute" : code === "NO_COMMON_CODEC" ? "no common codec" : "no supported media stream";
    return negotiationFailure(code, reason);
  }

  const prev = options.previous;
  const sd = new SessionDescription(nextOrigin(options.address, random, prev, options.username, options.sessionId), prev?.sessionName ?? options.sessionName ?? "-");
  sd.connection = { netType: "IN", addrType: addrTypeOf(options.address), address: options.address };
  // RFC 3264 §6: "The t= line in the answer MUST equal that of the offer."
  sd.timings = offer.timings.map((t) => ({ start: t.start, stop: t.stop, repeats: [...t.repeats] }));
  sd.media = media;
  if (prev && sameAsBefore(sd, prev)) sd.origin.sessionVersion = prev.origin.sessionVersion;
  return { ok: true, answer: sd, streams };
}

/** True when two descriptions differ in nothing but the o= version. */
function sameAsBefore(now: SessionDescription, before: SessionDescription): boolean {
  const v = now.origin.sessionVersion;
  now.origin.sessionVersion = before.origin.sessionVersion;
  const same = now.toString() === before.toString();
  now.origin.sessionVersion = v;
  return same;
}
