import { parseFailure } from "../errors.ts";
import type { ParseResult } from "../errors.ts";
import { StunError } from "./errors.ts";
import type { StunErrorCode } from "./errors.ts";
import { hmacSha1 } from "../sha1.ts";
import { crc32 } from "./crc32.ts";

/**
 * STUN messages (RFC 8489 §5, §14): the header, attributes, MESSAGE-INTEGRITY and FINGERPRINT.
 *
 *      0                   1                   2                   3
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |0 0|     STUN Message Type     |         Message Length        |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |                         Magic Cookie                          |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |                                                               |
 *     |                     Transaction ID (96 bits)                  |
 *     |                                                               |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Message Type: M11..M0 (method) with C1 C0 (class) between its bits (§5). Each attribute is a
 * 16-bit type, a 16-bit length and the value padded to a multiple of 4 bytes (§14).
 */

/** The magic cookie (RFC 8489 §5). */
export const STUN_MAGIC_COOKIE = 0x2112a442;

/** The Binding method (RFC 8489 §18.2). */
export const STUN_BINDING = 0x001;

/** Attribute types this layer reads or writes (RFC 8489 §18.3, RFC 8445 §16.1). */
export const STUN_ATTRIBUTE = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_MAPPED_ADDRESS: 0x0020,
  PRIORITY: 0x0024,
  SOFTWARE: 0x8022,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
} as const;

/** The four classes of a message (RFC 8489 §5). */
export type StunClass = "request" | "indication" | "success" | "error";

/** One attribute: its type and its value (without padding). */
export interface StunAttribute {
  readonly type: number;
  /** The value; from a parse, a view into the parsed bytes. */
  readonly value: Uint8Array;
}

/** A STUN message. Parsed attribute values are views into the input. */
export interface StunMessage {
  readonly method: number;
  readonly class: StunClass;
  /** 12 bytes. */
  readonly transactionId: Uint8Array;
  readonly attributes: readonly StunAttribute[];
}

/** A transport address from (XOR-)MAPPED-ADDRESS. `host` is an IP literal, IPv6 without brackets. */
export interface StunAddress {
  readonly family: 4 | 6;
  readonly host: string;
  readonly port: number;
}

/** What {@link writeStunMessage} adds at the end. */
export interface StunEncodeOptions {
  /** Append MESSAGE-INTEGRITY keyed with this (short-term credentials: the password's bytes, §9.1.1). */
  readonly integrityKey?: Uint8Array;
  /** Append FINGERPRINT (§14.7). */
  readonly fingerprint?: boolean;
  /** The padding byte after values not a multiple of 4 (any value is allowed, §14). Default 0. */
  readonly padding?: number;
}

const CLASSES: readonly StunClass[] = ["request", "indication", "success", "error"];
const FINGERPRINT_XOR = 0x5354554e;

/** Whether `bytes` look like a STUN message (top bits 00 and the magic cookie, RFC 8489 §5, RFC 7983). */
export function isStunMessage(bytes: Uint8Array, offset = 0): boolean {
  if (bytes.length - offset < 20 || (bytes[offset]! & 0xc0) !== 0) return false;
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 20).getUint32(4) === STUN_MAGIC_COOKIE;
}

/** Parses a STUN message (attributes as views into `bytes`). */
export function tryParseStunMessage(bytes: Uint8Array, offset = 0): ParseResult<StunMessage, StunErrorCode> {
  if (bytes.length - offset < 20) return parseFailure("TOO_SHORT", offset);
  const v = new DataView(bytes.buffer, bytes.byteOffset + offset, bytes.length - offset);
  const type = v.getUint16(0);
  const length = v.getUint16(2);
  if ((type & 0xc000) !== 0 || length % 4 !== 0) return parseFailure("NOT_STUN", offset);
  if (v.getUint32(4) !== STUN_MAGIC_COOKIE) return parseFailure("BAD_COOKIE", offset + 4);
  if (20 + length > v.byteLength) return parseFailure("TOO_SHORT", offset + 2);
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = CLASSES[((type >> 4) & 1) | ((type >> 7) & 2)]!;
  const attributes: StunAttribute[] = [];
  let at = 20;
  while (at < 20 + length) {
    if (at + 4 > 20 + length) return parseFailure("BAD_ATTRIBUTE", offset + at);
    const t = v.getUint16(at);
    const len = v.getUint16(at + 2);
    if (at + 4 + len > 20 + length) return parseFailure("BAD_ATTRIBUTE", offset + at);
    attributes.push({ type: t, value: bytes.subarray(offset + at + 4, offset + at + 4 + len) });
    at += 4 + ((len + 3) & ~3);
  }
  return { ok: true, value: { method, class: cls, transactionId: bytes.subarray(offset + 8, offset + 20), attributes } };
}

/** Parses a STUN message; throws {@link StunError}. */
export function parseStunMessage(bytes: Uint8Array, offset = 0): StunMessage {
  const r = tryParseStunMessage(bytes, offset);
  if (!r.ok) throw new StunError(r.code, `STUN: ${r.code} at ${r.offset}`, { offset: r.offset });
  return r.value;
}

/** Bytes {@link writeStunMessage} writes for `message` with `options`. */
export function stunMessageSize(message: StunMessage, options: StunEncodeOptions = {}): number {
  let n = 20;
  for (const a of message.attributes) n += 4 + ((a.value.length + 3) & ~3);
  if (options.integrityKey !== undefined) n += 24;
  if (options.fingerprint) n += 8;
  return n;
}

/** Writes `message` into `dst` at `offset` (MESSAGE-INTEGRITY and FINGERPRINT last, as asked); returns the bytes written. */
export function writeStunMessage(message: StunMessage, dst: Uint8Array, offset: number, options: StunEncodeOptions = {}): number {
  const size = stunMessageSize(message, options);
  if (dst.length - offset < size) throw new StunError("TOO_SHORT", `STUN: ${size} bytes do not fit`);
  if (message.transactionId.length !== 12) throw new StunError("NOT_STUN", "STUN: the transaction ID must be 12 bytes");
  const out = dst.subarray(offset, offset + size);
  const v = new DataView(out.buffer, out.byteOffset, size);
  const c = CLASSES.indexOf(message.class);
  const m = message.method;
  v.setUint16(0, (m & 0x000f) | ((m & 0x0070) << 1) | ((m & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
  v.setUint32(4, STUN_MAGIC_COOKIE);
  out.set(message.transactionId, 8);
  let at = 20;
  const pad = options.padding ?? 0;
  for (const a of message.attributes) {
    v.setUint16(at, a.type);
    v.setUint16(at + 2, a.value.length);
    out.set(a.value, at + 4);
    const end = at + 4 + a.value.length;
    at += 4 + ((a.value.length + 3) & ~3);
    out.fill(pad, end, at);
  }
  if (options.integrityKey !== undefined) {
    // §14.5: the HMAC covers the message up to the attribute, with the length counting it.
    v.setUint16(2, at + 24 - 20);
    const mac = hmacSha1(options.integrityKey, out.subarray(0, at));
    v.setUint16(at, STUN_ATTRIBUTE.MESSAGE_INTEGRITY);
    v.setUint16(at + 2, 20);
    out.set(mac, at + 4);
    at += 24;
  }
  if (options.fingerprint) {
    // §14.7: CRC-32 of the message up to the attribute, XORed with 0x5354554e, the length counting it.
    v.setUint16(2, at + 8 - 20);
    const crc = (crc32(out.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0;
    v.setUint16(at, STUN_ATTRIBUTE.FINGERPRINT);
    v.setUint16(at + 2, 4);
    v.setUint32(at + 4, crc);
    at += 8;
  }
  v.setUint16(2, at - 20);
  return at;
}

/** `message` as bytes (see {@link writeStunMessage}). */
export function encodeStunMessage(message: StunMessage, options: StunEncodeOptions = {}): Uint8Array {
  const out = new Uint8Array(stunMessageSize(message, options));
  writeStunMessage(message, out, 0, options);
  return out;
}

/** Offset of the first attribute of `type` in a STUN message's bytes, or -1. */
function attributeOffset(bytes: Uint8Array, type: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const end = Math.min(bytes.length, 20 + v.getUint16(2));
  for (let at = 20; at + 4 <= end; at += 4 + ((v.getUint16(at + 2) + 3) & ~3)) if (v.getUint16(at) === type) return at;
  return -1;
}

/** RFC 8489 §14.7: whether the message's FINGERPRINT is present and right. */
export function verifyStunFingerprint(bytes: Uint8Array): boolean {
  if (!isStunMessage(bytes)) return false;
  const at = attributeOffset(bytes, STUN_ATTRIBUTE.FINGERPRINT);
  if (at < 0 || at + 8 > bytes.length) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return ((crc32(bytes.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0) === v.getUint32(at + 4);
}

/** RFC 8489 §14.5: whether the message's MESSAGE-INTEGRITY is present and right for `key`. */
export function verifyStunIntegrity(bytes: Uint8Array, key: Uint8Array): boolean {
  if (!isStunMessage(bytes)) return false;
  const at = attributeOffset(bytes, STUN_ATTRIBUTE.MESSAGE_INTEGRITY);
  if (at < 0 || at + 24 > bytes.length) return false;
  const copy = bytes.slice(0, at);
  new DataView(copy.buffer).setUint16(2, at + 24 - 20);
  const mac = hmacSha1(key, copy);
  const given = bytes.subarray(at + 4, at + 24);
  let diff = 0;
  for (let i = 0; i < 20; i++) diff |= mac[i]! ^ given[i]!;
  return diff === 0;
}

/**
 * The mapped address of a response: XOR-MAPPED-ADDRESS (RFC 8489 §14.2), else MAPPED-ADDRESS
 * (§14.1) from an older server; undefined when neither is there or readable.
 *
 *      0                   1                   2                   3
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |                X-Address (Variable)
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export function stunMappedAddress(message: StunMessage): StunAddress | undefined {
  const xor = message.attributes.find((a) => a.type === STUN_ATTRIBUTE.XOR_MAPPED_ADDRESS);
  if (xor !== undefined) return readAddress(xor.value, message.transactionId);
  const plain = message.attributes.find((a) => a.type === STUN_ATTRIBUTE.MAPPED_ADDRESS);
  return plain === undefined ? undefined : readAddress(plain.value, undefined);
}

function readAddress(value: Uint8Array, transactionId: Uint8Array | undefined): StunAddress | undefined {
  if (value.length < 8) return undefined;
  const family = value[1];
  const size = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (size === 0 || value.length !== 4 + size) return undefined;
  // §14.2: the port XORed with the cookie's top 16 bits; the address with the cookie (and, for IPv6, the transaction ID).
  const mask = new Uint8Array(16);
  if (transactionId !== undefined) {
    mask.set([0x21, 0x12, 0xa4, 0x42]);
    mask.set(transactionId, 4);
  }
  const port = ((value[2]! ^ mask[0]!) << 8) | (value[3]! ^ mask[1]!);
  const a = new Uint8Array(size);
  for (let i = 0; i < size; i++) a[i] = value[4 + i]! ^ mask[i]!;
  if (size === 4) return { family: 4, host: a.join("."), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  return { family: 6, host: compressIpv6(groups), port };
}

/** RFC 5952 text of eight hex groups: the longest run of two or more zero groups becomes "::". */
function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** The XOR-MAPPED-ADDRESS value for `address` in a message with `transactionId` (a server's side, and tests). */
export function xorMappedAddressValue(address: StunAddress, transactionId: Uint8Array): Uint8Array {
  const size = address.family === 4 ? 4 : 16;
  const out = new Uint8Array(4 + size);
  out[1] = address.family === 4 ? 1 : 2;
  const mask = new Uint8Array(16);
  mask.set([0x21, 0x12, 0xa4, 0x42]);
  mask.set(transactionId, 4);
  out[2] = (address.port >> 8) ^ mask[0]!;
  out[3] = (address.port & 0xff) ^ mask[1]!;
  const bytes = address.family === 4 ? address.host.split(".").map(Number) : ipv6Bytes(address.host);
  for (let i = 0; i < size; i++) out[4 + i] = (bytes[i] ?? 0) ^ mask[i]!;
  return out;
}

function ipv6Bytes(host: string): number[] {
  const [head, tail] = host.includes("::") ? host.split("::") : [host, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** The ERROR-CODE of an error response (§14.8): the code and reason. */
export function stunErrorCode(message: StunMessage): { readonly code: number; readonly reason: string } | undefined {
  const a = message.attributes.find((x) => x.type === STUN_ATTRIBUTE.ERROR_CODE);
  if (a === undefined || a.value.length < 4) return undefined;
  return { code: (a.value[2]! & 7) * 100 + a.value[3]!, reason: new TextDecoder().decode(a.value.subarray(4)) };
}
