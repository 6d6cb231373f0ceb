import { parseFailure, unwrap } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { RtpError, rtpError } from "./errors.ts";
import type { RtpErrorCode } from "./errors.ts";
import type { RtpHeaderExtension } from "./header.ts";

/** "defined by profile" value of the one-byte header form (RFC 8285 §4.2). */
export const ONE_BYTE_EXTENSION_PROFILE = 0xbede;
/** "defined by profile" value of the two-byte header form, low 4 bits = appbits (RFC 8285 §4.3). */
export const TWO_BYTE_EXTENSION_PROFILE = 0x1000;

/** One RFC 8285 header extension element. */
export interface RtpExtensionElement {
  /** Local identifier: 1..14 in the one-byte form, 1..255 in the two-byte form. */
  readonly id: number;
  /** Element data (1..16 bytes one-byte form, 0..255 two-byte form). A view when parsed. */
  readonly data: Uint8Array;
}

/** Which of the two RFC 8285 forms an extension block uses. */
export type RtpExtensionForm = "one-byte" | "two-byte";

/** The RFC 8285 elements of a header extension block, and its form. */
export interface RtpExtensionElements {
  readonly form: RtpExtensionForm;
  /** The 4 "appbits" of the two-byte form's profile field (0 for one-byte). */
  readonly appBits: number;
  readonly elements: RtpExtensionElement[];
}

/**
 * Splits an RTP header extension into its RFC 8285 elements.
 *
 * ```text
 * One-byte form (profile 0xBEDE), §4.2:     Two-byte form (profile 0x100 | appbits), §4.3:
 *  0 1 2 3 4 5 6 7                            0                   1
 * +-+-+-+-+-+-+-+-+                           0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * |  ID   |  len  |  then len+1 data bytes   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * +-+-+-+-+-+-+-+-+                           |       ID      |     length    |  then length bytes
 *                                             +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Zero bytes between or after elements are padding and skipped (§4.1). In the one-byte form, ID 15
 * ends processing: "its length field MUST be ignored, processing of the entire extension MUST
 * terminate at that point" (§4.2). An element running past the block, or a one-byte header with
 * ID 0 and a non-zero length, is `BAD_EXTENSION_ELEMENT`; any other profile value is
 * `UNKNOWN_EXTENSION_PROFILE`. Element data are views of `ext.data`. Failure offsets count from
 * the start of `ext.data`.
 */
export function tryParseRtpExtensionElements(ext: RtpHeaderExtension): ParseResult<RtpExtensionElements, RtpErrorCode> {
  const d = ext.data;
  const elements: RtpExtensionElement[] = [];
  if (ext.profile === ONE_BYTE_EXTENSION_PROFILE) {
    let i = 0;
    while (i < d.length) {
      const b = d[i]!;
      if (b === 0) {
        i++;
        continue;
      }
      const id = b >> 4;
      if (id === 15) break;
      if (id === 0) return parseFailure("BAD_EXTENSION_ELEMENT", i);
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > d.length) return parseFailure("BAD_EXTENSION_ELEMENT", i);
      elements.push({ id, data: d.subarray(i + 1, i + 1 + len) });
      i += 1 + len;
    }
    return { ok: true, value: { form: "one-byte", appBits: 0, elements } };
  }
  if ((ext.profile & 0xfff0) === TWO_BYTE_EXTENSION_PROFILE) {
    let i = 0;
    while (i < d.length) {
      const id = d[i]!;
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 2 > d.length) return parseFailure("BAD_EXTENSION_ELEMENT", i);
      const len = d[i + 1]!;
      if (i + 2 + len > d.length) return parseFailure("BAD_EXTENSION_ELEMENT", i);
      elements.push({ id, data: d.subarray(i + 2, i + 2 + len) });
      i += 2 + len;
    }
    return { ok: true, value: { form: "two-byte", appBits: ext.profile & 0x0f, elements } };
  }
  return parseFailure("UNKNOWN_EXTENSION_PROFILE", 0);
}

/**
 * {@link tryParseRtpExtensionElements} for callers that treat a malformed block as an exception.
 * @throws RtpError with the code and the offset in `ext.data`.
 */
export function parseRtpExtensionElements(ext: RtpHeaderExtension): RtpExtensionElements {
  return unwrap(tryParseRtpExtensionElements(ext), rtpError);
}

/**
 * The form RFC 8285 §4.1 allows for `elements`: one-byte when every ID is 1..14 and every length
 * 1..16, two-byte otherwise.
 */
export function rtpExtensionFormFor(elements: readonly RtpExtensionElement[]): RtpExtensionForm {
  for (const e of elements) {
    if (e.id < 1 || e.id > 14 || e.data.length < 1 || e.data.length > 16) return "two-byte";
  }
  return "one-byte";
}

/** Bytes of extension data {@link writeRtpExtensionElements} writes (padded to a multiple of 4). */
export function rtpExtensionElementsSize(elements: readonly RtpExtensionElement[], form: RtpExtensionForm): number {
  let n = 0;
  const hdr = form === "one-byte" ? 1 : 2;
  for (const e of elements) n += hdr + e.data.length;
  return (n + 3) & ~3;
}

/**
 * Writes the elements' data (not the 4-byte extension header: put the result in an
 * {@link RtpHeaderExtension} with {@link rtpExtensionProfile}) at `dst[offset]`, zero-padded to
 * a multiple of 4 bytes; returns the bytes written. Throws {@link RtpError} `FIELD_OUT_OF_RANGE` when
 * an element does not fit the form (§4.2: ID 1..14, 1..16 bytes; §4.3: ID 1..255, 0..255 bytes).
 */
export function writeRtpExtensionElements(
  elements: readonly RtpExtensionElement[],
  dst: Uint8Array,
  offset: number,
  form: RtpExtensionForm = rtpExtensionFormFor(elements),
): number {
  const size = rtpExtensionElementsSize(elements, form);
  if (offset < 0 || offset + size > dst.length) throw new RtpError("TOO_LONG", "extension does not fit", { offset });
  let p = offset;
  for (const e of elements) {
    const len = e.data.length;
    if (form === "one-byte") {
      if (!Number.isInteger(e.id) || e.id < 1 || e.id > 14 || len < 1 || len > 16) {
        throw new RtpError("FIELD_OUT_OF_RANGE", `one-byte extension element id ${e.id} length ${len}`, { offset: p });
      }
      dst[p++] = (e.id << 4) | (len - 1);
    } else {
      if (!Number.isInteger(e.id) || e.id < 1 || e.id > 255 || len > 255) {
        throw new RtpError("FIELD_OUT_OF_RANGE", `two-byte extension element id ${e.id} length ${len}`, { offset: p });
      }
      dst[p++] = e.id;
      dst[p++] = len;
    }
    dst.set(e.data, p);
    p += len;
  }
  dst.fill(0, p, offset + size);
  return size;
}

/** The "defined by profile" value for a form (two-byte with the given appbits). */
export function rtpExtensionProfile(form: RtpExtensionForm, appBits = 0): number {
  return form === "one-byte" ? ONE_BYTE_EXTENSION_PROFILE : TWO_BYTE_EXTENSION_PROFILE | (appBits & 0x0f);
}

/** Builds a header extension block from elements, choosing the form when not given. */
export function encodeRtpExtensionElements(
  elements: readonly RtpExtensionElement[],
  form: RtpExtensionForm = rtpExtensionFormFor(elements),
  appBits = 0,
): RtpHeaderExtension {
  const data = new Uint8Array(rtpExtensionElementsSize(elements, form));
  writeRtpExtensionElements(elements, data, 0, form);
  return { profile: rtpExtensionProfile(form, appBits), data };
}
