import { parseFailure } from "../errors.ts";
import type { ParseFailure, ParseResultEnd } from "../errors.ts";
import type { RtcpErrorCode } from "./errors.ts";
import { RtcpPacketType } from "./header.ts";
import type { RtcpPacketCommon } from "./header.ts";
import { beginFeedback, readFeedback } from "./feedback.ts";

/** FMT of Picture Loss Indication (RFC 4585 §6.3.1). */
export const PLI_FMT = 1;

/** A Picture Loss Indication (PSFB, FMT = 1): the feedback header and no FCI. */
export interface PictureLossIndication extends RtcpPacketCommon {
  readonly type: "pli";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
}

/**
 * Parses a PLI at `offset`. RFC 4585 §6.3.1: a PLI has no parameters, so it carries no FCI and
 * its length field is 2; extra FCI is `BadLength`.
 */
export function tryParsePictureLossIndication(bytes: Uint8Array, offset = 0): ParseResultEnd<PictureLossIndication, RtcpErrorCode> {
  const h = readFeedback(bytes, offset, RtcpPacketType.PSFB);
  if (!("f" in h)) return h;
  if (h.f.count !== PLI_FMT) return parseFailure("WRONG_TYPE", offset);
  if (h.fci !== h.f.bodyEnd) return parseFailure("BAD_LENGTH", offset + 2);
  return {
    ok: true,
    value: { type: "pli", senderSsrc: h.senderSsrc, mediaSsrc: h.mediaSsrc, paddingLength: h.f.paddingLength },
    end: h.f.end,
  };
}

/** Bytes {@link writePictureLossIndication} writes (12 without padding). */
export function pictureLossIndicationSize(p: PictureLossIndication): number {
  return 12 + (p.paddingLength ?? 0);
}

/** Writes `p` at `dst[offset]`; returns the bytes written. */
export function writePictureLossIndication(p: PictureLossIndication, dst: Uint8Array, offset: number): number {
  beginFeedback(dst, offset, RtcpPacketType.PSFB, PLI_FMT, p.senderSsrc, p.mediaSsrc, 0, p.paddingLength ?? 0);
  return pictureLossIndicationSize(p);
}

/** Encodes `p` into a new array. */
export function encodePictureLossIndication(p: PictureLossIndication): Uint8Array {
  const out = new Uint8Array(pictureLossIndicationSize(p));
  writePictureLossIndication(p, out, 0);
  return out;
}
