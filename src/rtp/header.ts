import { parseFailure, unwrap } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { RtpError, rtpError } from "./errors.ts";
import type { RtpErrorCode } from "./errors.ts";

/**
 * An RTP header extension as carried on the wire (RFC 3550 §5.3.1): the 16-bit "defined by profile"
 * field and the extension data (a multiple of 4 bytes). RFC 8285 elements inside it are read by
 * `parseRtpExtensionElements`.
 */
export interface RtpHeaderExtension {
  readonly profile: number;
  /** Extension data, without the 4-byte extension header. A view of the input when parsed. */
  readonly data: Uint8Array;
}

/** The fields of an RTP fixed header, CSRC list and header extension (RFC 3550 §5.1). */
export interface RtpHeader {
  /** P bit. {@link writeRtpHeader} writes it as given; {@link writeRtpPacket} sets it from `paddingLength`. */
  readonly padding: boolean;
  readonly marker: boolean;
  /** 7-bit payload type. */
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit RTP timestamp, unsigned. */
  readonly timestamp: number;
  /** 32-bit synchronization source, unsigned. */
  readonly ssrc: number;
  /** Up to 15 contributing sources, unsigned. */
  readonly csrcs: readonly number[];
  /** The header extension when X is set. */
  readonly extension: RtpHeaderExtension | undefined;
}

/** An RTP packet: the header, the payload and its padding (RFC 3550 §5.1). */
export interface RtpPacket extends RtpHeader {
  /** The payload without padding. A view of the input when parsed, not a copy. */
  readonly payload: Uint8Array;
  /**
   * Padding bytes after the payload, the count octet included (1..255); 0 or absent for none. On
   * write it sets the P bit, whatever `padding` says.
   */
  readonly paddingLength?: number;
}

/** A parsed RTP packet: also where its payload starts. */
export interface ParsedRtpPacket extends RtpPacket {
  readonly paddingLength: number;
  /** Bytes of fixed header + CSRCs + extension, i.e. the payload's offset from the packet start. */
  readonly headerLength: number;
}

/** Shared by every parsed packet without CSRCs (most of them): one allocation fewer per packet. */
const NO_CSRCS: readonly number[] = Object.freeze([]);

/**
 * Parses an RTP packet (RFC 3550 §5.1): its header, and where its payload and padding are.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |   (when X = 1, §5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * The packet is `bytes[offset .. offset + length)` (to the end of `bytes` by default). The
 * returned `payload` and `extension.data` are views of `bytes`. Never throws: bad input gives a
 * failure value ({@link RtpErrorCode}, byte offset) and builds no Error.
 *
 * This facade parses in JavaScript: building the result object dominates its cost, and copying
 * the packet into Wasm memory first would only add to it (bench/rtp.mjs measures both paths;
 * the batch and in-place engine paths in `rtp-batch.ts` use the Wasm core).
 */
export function tryParseRtpPacket(
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
): ParseResult<ParsedRtpPacket, RtpErrorCode> {
  if (offset < 0 || length < 0 || offset + length > bytes.length) return parseFailure("TOO_SHORT", offset);
  if (length < 12) return parseFailure("TOO_SHORT", offset);
  const b0 = bytes[offset]!;
  // RFC 3550 §5.1: version (V) ... The version defined by this specification is two (2).
  if (b0 >> 6 !== 2) return parseFailure("BAD_VERSION", offset);
  const cc = b0 & 0x0f;
  let hlen = 12 + cc * 4;
  if (hlen > length) return parseFailure("CSRC_TRUNCATED", offset + 12);
  let csrcs = NO_CSRCS;
  if (cc > 0) {
    const list: number[] = [];
    for (let i = 0; i < cc; i++) list.push(u32(bytes, offset + 12 + i * 4));
    csrcs = list;
  }
  let extension: RtpHeaderExtension | undefined;
  if (b0 & 0x10) {
    // §5.3.1: the length field counts 32-bit words, excluding the four-octet extension header.
    if (hlen + 4 > length) return parseFailure("EXTENSION_TRUNCATED", offset + hlen);
    const e = offset + hlen;
    const words = (bytes[e + 2]! << 8) | bytes[e + 3]!;
    const extEnd = hlen + 4 + words * 4;
    if (extEnd > length) return parseFailure("EXTENSION_TRUNCATED", e);
    extension = { profile: (bytes[e]! << 8) | bytes[e + 1]!, data: view(bytes, e + 4, offset + extEnd) };
    hlen = extEnd;
  }
  let paddingLength = 0;
  if (b0 & 0x20) {
    // §5.1: the last octet of the padding counts the padding octets, itself included; A.1 treats
    // a count of zero, or one reaching into the header, as an invalid packet.
    paddingLength = bytes[offset + length - 1]!;
    if (paddingLength === 0 || paddingLength > length - hlen) return parseFailure("BAD_PADDING", offset + length - 1);
  }
  const b1 = bytes[offset + 1]!;
  const packet: ParsedRtpPacket = {
    padding: (b0 & 0x20) !== 0,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
    timestamp: u32(bytes, offset + 4),
    ssrc: u32(bytes, offset + 8),
    csrcs,
    extension,
    payload: view(bytes, offset + hlen, offset + length - paddingLength),
    paddingLength,
    headerLength: hlen,
  };
  return { ok: true, value: packet };
}

/**
 * {@link tryParseRtpPacket} for callers that treat a malformed packet as an exception.
 * @throws RtpError with the code and byte offset of the problem.
 */
export function parseRtpPacket(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): ParsedRtpPacket {
  return unwrap(tryParseRtpPacket(bytes, offset, length), rtpError);
}

/** Bytes {@link writeRtpHeader} writes for `h`: 12 + 4·CC + (4 + extension data, padded to 4). */
export function rtpHeaderSize(h: RtpHeader): number {
  let n = 12 + h.csrcs.length * 4;
  if (h.extension) n += 4 + ((h.extension.data.length + 3) & ~3);
  return n;
}

/**
 * Writes `h` at `dst[offset]` and returns the bytes written ({@link rtpHeaderSize}). Extension data
 * whose length is not a multiple of 4 is zero-padded, as §5.3.1 requires. Throws {@link RtpError}
 * (`FieldOutOfRange`, `TooLong`) for values the header cannot carry or a too-small `dst`.
 */
export function writeRtpHeader(h: RtpHeader, dst: Uint8Array, offset: number): number {
  const size = rtpHeaderSize(h);
  checkHeader(h);
  if (offset < 0 || offset + size > dst.length) throw new RtpError("TOO_LONG", "RTP header does not fit", { offset });
  const cc = h.csrcs.length;
  dst[offset] = 0x80 | (h.padding ? 0x20 : 0) | (h.extension ? 0x10 : 0) | cc;
  dst[offset + 1] = (h.marker ? 0x80 : 0) | h.payloadType;
  dst[offset + 2] = h.sequenceNumber >>> 8;
  dst[offset + 3] = h.sequenceNumber & 0xff;
  put32(dst, offset + 4, h.timestamp);
  put32(dst, offset + 8, h.ssrc);
  let p = offset + 12;
  for (let i = 0; i < cc; i++, p += 4) put32(dst, p, h.csrcs[i]!);
  if (h.extension) {
    const data = h.extension.data;
    const padded = (data.length + 3) & ~3;
    dst[p] = h.extension.profile >>> 8;
    dst[p + 1] = h.extension.profile & 0xff;
    dst[p + 2] = padded >>> 10;
    dst[p + 3] = (padded >>> 2) & 0xff;
    dst.set(data, p + 4);
    dst.fill(0, p + 4 + data.length, p + 4 + padded);
  }
  return size;
}

/** Encodes `h` alone into a new array. */
export function encodeRtpHeader(h: RtpHeader): Uint8Array {
  const out = new Uint8Array(rtpHeaderSize(h));
  writeRtpHeader(h, out, 0);
  return out;
}

/** Bytes {@link writeRtpPacket} writes for `p`: header, payload and padding. */
export function rtpPacketSize(p: RtpPacket): number {
  return rtpHeaderSize(p) + p.payload.length + (p.paddingLength ?? 0);
}

/**
 * Writes a whole RTP packet (header, payload, padding whose last octet is the count, RFC 3550
 * §5.1) at `dst[offset]`; returns the bytes written ({@link rtpPacketSize}). Throws
 * {@link RtpError} when a field is out of range or `dst` is too small.
 */
export function writeRtpPacket(p: RtpPacket, dst: Uint8Array, offset: number): number {
  const pad = p.paddingLength ?? 0;
  if (!Number.isInteger(pad) || pad < 0 || pad > 255) {
    throw new RtpError("FIELD_OUT_OF_RANGE", "RTP padding length must be 0..255");
  }
  const size = rtpPacketSize(p);
  if (offset < 0 || offset + size > dst.length) throw new RtpError("TOO_LONG", "RTP packet does not fit", { offset });
  const h = p.padding === pad > 0 ? p : { ...p, padding: pad > 0 };
  let at = offset + writeRtpHeader(h, dst, offset);
  dst.set(p.payload, at);
  at += p.payload.length;
  if (pad > 0) {
    dst.fill(0, at, at + pad - 1);
    dst[at + pad - 1] = pad;
  }
  return size;
}

/** Encodes a whole RTP packet into a new array (see {@link writeRtpPacket}). */
export function encodeRtpPacket(p: RtpPacket): Uint8Array {
  const out = new Uint8Array(rtpPacketSize(p));
  writeRtpPacket(p, out, 0);
  return out;
}

function checkHeader(h: RtpHeader): void {
  const bad = (what: string): never => {
    throw new RtpError("FIELD_OUT_OF_RANGE", `RTP header field out of range: ${what}`);
  };
  if (!isUint(h.payloadType, 0x7f)) bad("payloadType");
  if (!isUint(h.sequenceNumber, 0xffff)) bad("sequenceNumber");
  if (!isUint(h.timestamp, 0xffffffff)) bad("timestamp");
  if (!isUint(h.ssrc, 0xffffffff)) bad("ssrc");
  if (h.csrcs.length > 15) bad("csrcs (at most 15)");
  for (const c of h.csrcs) if (!isUint(c, 0xffffffff)) bad("csrc");
  if (h.extension) {
    if (!isUint(h.extension.profile, 0xffff)) bad("extension.profile");
    if (h.extension.data.length > 0xffff * 4) bad("extension.data (too long)");
  }
}

/**
 * `bytes.subarray(start, end)`, built with the constructor: on JavaScriptCore (Bun) subarray costs
 * some 50 times more than `new Uint8Array(buffer, offset, length)` (bench/rtp.mjs), on V8 the same.
 */
function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

function isUint(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

function put32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}
