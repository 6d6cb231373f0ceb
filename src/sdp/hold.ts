import type { SdpDirection } from "./direction.ts";
import { isNullAddress } from "./fields.ts";
import type { MediaDescription } from "./media-description.ts";
import { incrementDecimal } from "./origin.ts";
import type { SessionDescription } from "./session-description.ts";

/**
 * The direction a description's author asks for on `media`, reading the legacy hold of RFC 2543
 * (c=0.0.0.0, "do not send to me") as the loss of its receive side: RFC 3264 §8.4 says such an
 * offer is to be understood, though new offers use the direction attributes.
 */
export function effectiveDirection(sdp: SessionDescription, media: MediaDescription): SdpDirection {
  const d = sdp.directionOf(media);
  const c = sdp.connectionOf(media);
  if (c && isNullAddress(c.address)) return d === "sendrecv" ? "sendonly" : d === "recvonly" ? "inactive" : d;
  return d;
}

/**
 * True when `sdp`'s author holds the other party on `media` (RFC 3264 §8.4): the stream is
 * sendonly or inactive, or its address is 0.0.0.0.
 */
export function isHold(sdp: SessionDescription, media: MediaDescription): boolean {
  const d = effectiveDirection(sdp, media);
  return d === "sendonly" || d === "inactive";
}

/**
 * A re-offer that holds the peer (RFC 3264 §8.4): a copy of our previous description with the
 * version plus one and every active stream marked `sendonly` (or `inactive` with `mode`), keeping
 * what we receive when we were only receiving.
 */
export function createHoldOffer(previous: SessionDescription, mode: "sendonly" | "inactive" = "sendonly"): SessionDescription {
  return redirect(previous, (d) => (mode === "inactive" || d === "recvonly" || d === "inactive" ? "inactive" : "sendonly"));
}

/** A re-offer that resumes held streams: the previous description, version plus one, every active stream `sendrecv`. */
export function createResumeOffer(previous: SessionDescription): SessionDescription {
  return redirect(previous, () => "sendrecv");
}

function redirect(previous: SessionDescription, to: (d: SdpDirection) => SdpDirection): SessionDescription {
  const sd = previous.clone();
  sd.origin.sessionVersion = incrementDecimal(sd.origin.sessionVersion);
  const sessionDir = sd.direction;
  sd.direction = undefined;
  for (const m of sd.media) {
    if (m.port === 0) continue;
    m.direction = to(m.direction ?? sessionDir ?? "sendrecv");
  }
  return sd;
}
