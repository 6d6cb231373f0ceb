/**
 * The direction attributes of RFC 8866 §6.7 (sendrecv, sendonly, recvonly, inactive) and the
 * offer/answer rules of RFC 3264 §6.1 that relate an offered direction to the answer's.
 */

/** A stream's direction, from the point of view of the party whose description it is. */
export type SdpDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

const SEND = 1;
const RECV = 2;

function bits(d: SdpDirection): number {
  switch (d) {
    case "sendrecv":
      return SEND | RECV;
    case "sendonly":
      return SEND;
    case "recvonly":
      return RECV;
    case "inactive":
      return 0;
  }
}

function fromBits(b: number): SdpDirection {
  return b === (SEND | RECV) ? "sendrecv" : b === SEND ? "sendonly" : b === RECV ? "recvonly" : "inactive";
}

/** True when `name` is one of the four direction attributes. */
export function isDirection(name: string): name is SdpDirection {
  return name === "sendrecv" || name === "sendonly" || name === "recvonly" || name === "inactive";
}

/** The same stream seen from the other end: sendonly ↔ recvonly; sendrecv and inactive stay. */
export function reverseDirection(d: SdpDirection): SdpDirection {
  return d === "sendonly" ? "recvonly" : d === "recvonly" ? "sendonly" : d;
}

/** What both allow: the intersection of two directions seen from the same end. */
export function intersectDirections(a: SdpDirection, b: SdpDirection): SdpDirection {
  return fromBits(bits(a) & bits(b));
}

/**
 * The direction of an answer (RFC 3264 §6.1): "If a stream is offered as sendonly, the corresponding
 * stream MUST be marked as recvonly or inactive in the answer. If a media stream is listed as
 * recvonly in the offer, the answer MUST be marked as sendonly or inactive in the answer. If an
 * offered media stream is listed as sendrecv (or if there is no direction attribute at the media or
 * session level, in which case the stream is sendrecv by default), the corresponding stream in the
 * answer MAY be marked as sendonly, recvonly, sendrecv, or inactive. If an offered media stream is
 * listed as inactive, it MUST be marked as inactive in the answer." So the answer is what the
 * answerer wants (`local`, e.g. sendonly while it holds the call) within the reverse of the offer.
 */
export function answerDirection(offered: SdpDirection, local: SdpDirection = "sendrecv"): SdpDirection {
  return intersectDirections(reverseDirection(offered), local);
}

/** True when the direction lets its owner send media. */
export function canSend(d: SdpDirection): boolean {
  return (bits(d) & SEND) !== 0;
}

/** True when the direction lets its owner receive media. */
export function canReceive(d: SdpDirection): boolean {
  return (bits(d) & RECV) !== 0;
}
