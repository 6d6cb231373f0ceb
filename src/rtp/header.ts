import { RtpError, RtpErrorCode, rtpFailure } from "./errors.ts";
import type { RtpParseFailure } from "./errors.ts";

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
  /** P bit. On write, set it when the packet carries padding (see `encodeRtpPacket`). */
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

/** A successfully parsed RTP packet: header, and views of the payload. */
export interface RtpHeaderParsed {
  readonly ok: true;
  readonly header: RtpHeader;
  /** Bytes of fixed header + CSRCs + extension, i.e. the payload's offset from the packet start. */
  readonly headerLength: number;
  /** The payload without padding: a view of the input, not a copy. */
  readonly payload: Uint8Array;
  /** Padding bytes at the end of the packet (0 when P is clear), including the count octet. */
  readonly paddingLength: number;
}

/** Result of {@link parseRtpHeader}. */
export type RtpHeaderResult = RtpHeaderParsed | RtpParseFailure;

/**
 * Parses an RTP packet's header (RFC 3550 §5.1) and locates its payload and padding.
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
 * returned `payload` and `extension.data` are views of `bytes`. Never throws on bad input.
 *
 * This facade parses in JavaScript: building the result object dominates its cost, and copying
 * the packet into Wasm memory first would only add to it (bench/rtp.mjs measures both paths;
 * the batch and in-place engine paths in `rtp-batch.ts` use the Wasm core).
 */
export function parseRtpHeader(bytes: Uint8Array, offset = 0, length = bytes.length - offset): RtpHeaderResult {
  if (offset < 0 || length < 0 || offset + length > bytes.length) return rtpFailure(RtpErrorCode.TooShort, offset);
  if (length < 12) return rtpFailure(RtpErrorCode.TooShort, offset);
  const b0 = bytes[offset]!;
  // RFC 3550 §5.1: version (V) ... The version defined by this specification is two (2).
  if (b0 >> 6 !== 2) return rtpFailure(RtpErrorCode.BadVersion, offset);
  const cc = b0 & 0x0f;
  let hlen = 12 + cc * 4;
  if (hlen > length) return rtpFailure(RtpErrorCode.CsrcTruncated, offset + 12);
  const csrcs: number[] = [];
  for (let i = 0; i < cc; i++) csrcs.push(u32(bytes, offset + 12 + i * 4));
  let extension: RtpHeaderExtension | undefined;
  if (b0 & 0x10) {
    // §5.3.1: the length field counts 32-bit words, excluding the four-octet extension header.
    if (hlen + 4 > length) return rtpFailure(RtpErrorCode.ExtensionTruncated, offset + hlen);
    const e = offset + hlen;
    const words = (bytes[e + 2]! << 8) | bytes[e + 3]!;
    const extEnd = hlen + 4 + words * 4;
    if (extEnd > length) return rtpFailure(RtpErrorCode.ExtensionTruncated, e);
    extension = { profile: (bytes[e]! << 8) | bytes[e + 1]!, data: view(bytes, e + 4, offset + extEnd) };
    hlen = extEnd;
  }
  let paddingLength = 0;
  if (b0 & 0x20) {
    // §5.1: the last octet of the padding counts the padding octets, itself included; A.1 treats
    // a count of zero, or one reaching into the header, as an invalid packet.
    paddingLength = bytes[offset + length - 1]!;
    if (paddingLength === 0 || paddingLength > length - hlen) {
      return rtpFailure(RtpErrorCode.BadPadding, offset + length - 1);
    }
  }
  const b1 = bytes[offset + 1]!;
  return {
    ok: true,
    header: {
      padding: (b0 & 0x20) !== 0,
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequenceNumber: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
      timestamp: u32(bytes, offset + 4),
      ssrc: u32(bytes, offset + 8),
      csrcs,
      extension,
    },
    headerLength: hlen,
    payload: view(bytes, offset + hlen, offset + length - paddingLength),
    paddingLength,
  };
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
  if (offset < 0 || offset + size > dst.length) throw new RtpError(RtpErrorCode.TooLong, offset, "RTP header does not fit");
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

/** Options of {@link encodeRtpPacket}. */
export interface EncodeRtpPacketOptions {
  /**
   * Padding bytes to append (1..255), the last one holding the count (RFC 3550 §5.1). The P bit
   * is set from this, whatever `header.padding` says.
   */
  readonly paddingLength?: number;
}

/** Bytes of the packet {@link encodeRtpPacket} builds. */
export function rtpPacketSize(header: RtpHeader, payloadLength: number, paddingLength = 0): number {
  return rtpHeaderSize(header) + payloadLength + paddingLength;
}

/**
 * Writes a whole RTP packet (header, payload, optional padding) at `dst[offset]`; returns the bytes
 * written. Throws {@link RtpError} when a field is out of range or `dst` is too small.
 */
export function writeRtpPacket(
  header: RtpHeader,
  payload: Uint8Array,
  dst: Uint8Array,
  offset: number,
  options?: EncodeRtpPacketOptions,
): number {
  const pad = options?.paddingLength ?? 0;
  if (!Number.isInteger(pad) || pad < 0 || pad > 255) {
    throw new RtpError(RtpErrorCode.FieldOutOfRange, 0, "RTP padding length must be 0..255");
  }
  const size = rtpPacketSize(header, payload.length, pad);
  if (offset < 0 || offset + size > dst.length) throw new RtpError(RtpErrorCode.TooLong, offset, "RTP packet does not fit");
  const h = header.padding === pad > 0 ? header : { ...header, padding: pad > 0 };
  let p = offset + writeRtpHeader(h, dst, offset);
  dst.set(payload, p);
  p += payload.length;
  if (pad > 0) {
    dst.fill(0, p, p + pad - 1);
    dst[p + pad - 1] = pad;
  }
  return size;
}

/** Encodes a whole RTP packet into a new array (see {@link writeRtpPacket}). */
export function encodeRtpPacket(header: RtpHeader, payload: Uint8Array, options?: EncodeRtpPacketOptions): Uint8Array {
  const out = new Uint8Array(rtpPacketSize(header, payload.length, options?.paddingLength ?? 0));
  writeRtpPacket(header, payload, out, 0, options);
  return out;
}

function checkHeader(h: RtpHeader): void {
  const bad = (what: string): never => {
    throw new RtpError(RtpErrorCode.FieldOutOfRange, 0, `RTP header field out of range: ${what}`);
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
