import { formatsOf, isTelephoneEvent, sameEncoding } from "./codec-match.ts";
import { intersectDirections, reverseDirection } from "./direction.ts";
import { negotiationFailure } from "./errors.ts";
import type { SdpNegotiationFailure } from "./errors.ts";
import { readEventList } from "./fmtp.ts";
import { effectiveDirection, isHold } from "./hold.ts";
import type { MediaDescription } from "./media-description.ts";
import type { NegotiatedCodec, NegotiatedCrypto, NegotiatedStream, NegotiatedTelephoneEvent } from "./negotiated.ts";
import { isSdesSuite, sdesKeyOf } from "./sdes.ts";
import type { SessionDescription } from "./session-description.ts";
import { remoteTransport } from "./transport.ts";

/** The streams an answer agreed on. */
export interface SdpAppliedAnswer {
  readonly ok: true;
  readonly streams: NegotiatedStream[];
}

function stopped(m: MediaDescription, index: number): NegotiatedStream {
  return {
    index, type: m.type, protocol: m.protocol, mid: m.mid, accepted: false, localPort: m.port,
    remoteAddress: "", remotePort: 0, remoteRtcpAddress: "", remoteRtcpPort: 0, rtcpMux: false,
    direction: "inactive", remoteHold: false, codecs: [],
  };
}

/**
 * The crypto of an answered stream (RFC 4568 §7.1.3): the answer's line must carry the tag and
 * suite of one of our offered lines, with a key of that suite's length.
 */
function answeredCrypto(o: MediaDescription, a: MediaDescription): NegotiatedCrypto | undefined {
  const theirs = a.cryptos()[0];
  if (!theirs || !isSdesSuite(theirs.suite)) return undefined;
  const ours = o.cryptos().find((c) => c.tag === theirs.tag && c.suite === theirs.suite);
  const localKey = ours && sdesKeyOf(ours, theirs.suite);
  const remoteKey = sdesKeyOf(theirs, theirs.suite);
  if (!localKey || !remoteKey) return undefined;
  const lifetime = theirs.keys[0]!.lifetime;
  return { suite: theirs.suite, tag: theirs.tag, localKey, remoteKey, ...(lifetime !== undefined ? { remoteLifetime: lifetime } : {}) };
}

/**
 * Applies the answer to the offer we sent (RFC 3264 §7) and reports the negotiated streams.
 *
 * Checked: one m= line per offered one, same media types in the same order (§6); every accepted
 * stream lists at least one codec we offered (compared by encoding, since the answerer may renumber
 * dynamic types, §6.1); an RTP/SAVP stream has a crypto line answering one of ours (RFC 4568
 * §7.1.3). Directions are read as what both allow: an answer of sendrecv to our sendonly offer
 * (which §6.1 forbids but deployed peers send) gives sendonly. Codecs the answer adds that we
 * did not offer are left out (§6.1 allows listing them).
 */
export function applyAnswer(offer: SessionDescription, answer: SessionDescription): SdpAppliedAnswer | SdpNegotiationFailure {
  if (offer.media.length !== answer.media.length) {
    return negotiationFailure("MEDIA_COUNT_MISMATCH", `answer has ${answer.media.length} m= lines, offer ${offer.media.length}`);
  }
  const streams: NegotiatedStream[] = [];
  for (let i = 0; i < offer.media.length; i++) {
    const o = offer.media[i]!;
    const a = answer.media[i]!;
    if (o.type.toLowerCase() !== a.type.toLowerCase()) return negotiationFailure("MEDIA_MISMATCH", `m= line ${i + 1} is ${a.type}, offered ${o.type}`, i);
    if (o.port === 0 || a.port === 0) {
      streams.push(stopped(o, i));
      continue;
    }
    const offered = formatsOf(o);
    const codecs: NegotiatedCodec[] = [];
    let telephoneEvent: NegotiatedTelephoneEvent | undefined;
    for (const f of formatsOf(a)) {
      const mine = offered.find((x) => sameEncoding(x.rtpMap, f.rtpMap));
      if (!mine) continue;
      const codec: NegotiatedCodec = {
        name: mine.rtpMap.encoding, clockRate: mine.rtpMap.clockRate, channels: mine.rtpMap.channels ?? 1,
        sendPayloadType: f.payloadType, receivePayloadType: mine.payloadType, fmtp: f.fmtp,
      };
      if (!isTelephoneEvent(f.rtpMap.encoding)) codecs.push(codec);
      else if (!telephoneEvent) {
        const theirs = readEventList(f.fmtp ?? "0-15") ?? [];
        const ours = readEventList(mine.fmtp ?? "0-15") ?? [];
        telephoneEvent = { ...codec, events: theirs.filter((e) => ours.includes(e)) };
      }
    }
    if (codecs.length === 0 && !telephoneEvent) return negotiationFailure("UNOFFERED_CODEC", `m= line ${i + 1} answers no offered codec`, i);
    const crypto = o.hasAttribute("crypto") ? answeredCrypto(o, a) : undefined;
    if (!crypto && o.protocol.includes("SAVP")) return negotiationFailure("CRYPTO_MISMATCH", `m= line ${i + 1} has no crypto answering ours`, i);
    const rtcpMux = o.rtcpMux && a.rtcpMux;
    streams.push({
      index: i, type: o.type, protocol: a.protocol, mid: o.mid, accepted: true, localPort: o.port,
      ...remoteTransport(answer, a, rtcpMux), rtcpMux,
      direction: intersectDirections(effectiveDirection(offer, o), reverseDirection(effectiveDirection(answer, a))),
      remoteHold: isHold(answer, a), codecs, sendPayloadType: codecs[0]?.sendPayloadType, telephoneEvent, ptime: a.ptime, maxptime: a.maxptime, crypto,
    });
  }
  return { ok: true, streams };
}
