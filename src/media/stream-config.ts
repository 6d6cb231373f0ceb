import type { NegotiatedCodec, NegotiatedStream } from "../sdp/index.ts";
import { codecPtime, findAudioCodec } from "./audio-codec.ts";
import type { AudioCodec } from "./audio-codec.ts";
import type { MediaAddress } from "./latching.ts";
import type { ReceiveConfig } from "./rtp-receiver.ts";
import type { SendFormat } from "./rtp-sender.ts";
import type { ReceiveFormat } from "./rtp-source.ts";
import type { RtpSessionOptions } from "./rtp-session-types.ts";

/**
 * What an RTP session makes of a negotiated m= line: the codec it sends with (RFC 3264 §6.1: the
 * first format of the answer that both support — here, the first one we have a codec plug for),
 * its packetization, the formats it accepts by payload type, telephone-event and comfort noise,
 * and the peer's addresses.
 */

/** The sending side of a negotiation. */
export interface SendPlan {
  readonly codec: AudioCodec;
  readonly negotiated: NegotiatedCodec;
  readonly ptimeMs: number;
  /** The PCM rate the application writes. */
  readonly sampleRate: number;
  readonly telephoneEvent: { readonly payloadType: number; readonly events: readonly number[] } | undefined;
  readonly comfortNoisePayloadType: number | undefined;
}

/** Everything the session takes from a negotiation. */
export interface StreamPlan {
  readonly send: SendPlan | undefined;
  readonly receive: ReceiveConfig;
  readonly ptimeMs: number;
  readonly rtp: MediaAddress;
  readonly rtcp: MediaAddress;
}

const isCn = (c: NegotiatedCodec) => c.name.toLowerCase() === "cn";

/** The plan for `stream` with our codec plugs and options. */
export function planStream(stream: NegotiatedStream, codecs: readonly AudioCodec[], o: Pick<RtpSessionOptions, "sampleRate" | "jitterBuffer">): StreamPlan {
  let send: SendPlan | undefined;
  const formats = new Map<number, ReceiveFormat>();
  for (const nc of stream.codecs) {
    if (isCn(nc)) continue;
    const codec = findAudioCodec(codecs, nc.name, nc.clockRate);
    if (!codec) continue;
    formats.set(nc.receivePayloadType, { payloadType: nc.receivePayloadType, codec, fmtp: nc.fmtp });
    if (send === undefined) {
      const te = stream.telephoneEvent;
      // RFC 4733 §2.1 events share the audio's timestamps: only at the audio's clock rate.
      const cn = stream.codecs.find((c) => isCn(c) && c.clockRate === nc.clockRate);
      send = {
        codec,
        negotiated: nc,
        ptimeMs: codecPtime(codec, stream.ptime, stream.maxptime),
        sampleRate: o.sampleRate ?? codec.sampleRate,
        telephoneEvent: te && te.clockRate === nc.clockRate ? { payloadType: te.sendPayloadType, events: te.events } : undefined,
        comfortNoisePayloadType: cn?.sendPayloadType,
      };
    }
  }
  const first = formats.values().next().value;
  const ptimeMs = send?.ptimeMs ?? (first ? codecPtime(first.codec, undefined) : 20);
  const cnIn = stream.codecs.find((c) => isCn(c) && (first === undefined || c.clockRate === first.codec.clockRate));
  const te = stream.telephoneEvent;
  const receive: ReceiveConfig = {
    formats,
    ptimeMs,
    sampleRate: o.sampleRate ?? send?.sampleRate,
    telephoneEventPayloadType: te?.receivePayloadType,
    telephoneEventClockRate: te?.clockRate ?? 8000,
    // The jitter buffer takes static PT 13 as CN unless told otherwise; a stream without CN has none.
    comfortNoisePayloadType: cnIn?.receivePayloadType ?? -1,
    jitterBuffer: o.jitterBuffer ?? {},
  };
  return {
    send,
    receive,
    ptimeMs,
    rtp: { host: stream.remoteAddress, port: stream.remotePort },
    rtcp: stream.rtcpMux ? { host: stream.remoteAddress, port: stream.remotePort } : { host: stream.remoteRtcpAddress, port: stream.remoteRtcpPort },
  };
}

/** The sender's format for a plan: a new encoder with the plan's packetization, rate and the peer's fmtp. */
export function sendFormat(plan: SendPlan): SendFormat {
  const encoder = plan.codec.createEncoder({ ptimeMs: plan.ptimeMs, sampleRate: plan.sampleRate, fmtp: plan.negotiated.fmtp });
  return {
    encoder,
    payloadType: plan.negotiated.sendPayloadType,
    clockRate: plan.codec.clockRate,
    frameTimestamp: Math.round((plan.codec.clockRate * plan.ptimeMs) / 1000),
    ptimeMs: plan.ptimeMs,
    telephoneEvent: plan.telephoneEvent,
    comfortNoisePayloadType: plan.comfortNoisePayloadType,
  };
}

/** Whether two send plans encode the same way (same codec, payload type, parameters, ptime, rate). */
export function sameSendPlan(a: SendPlan | undefined, b: SendPlan | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.codec === b.codec &&
    a.negotiated.sendPayloadType === b.negotiated.sendPayloadType &&
    a.negotiated.fmtp === b.negotiated.fmtp &&
    a.ptimeMs === b.ptimeMs &&
    a.sampleRate === b.sampleRate &&
    a.telephoneEvent?.payloadType === b.telephoneEvent?.payloadType &&
    a.comfortNoisePayloadType === b.comfortNoisePayloadType
  );
}
