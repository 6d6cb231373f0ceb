import { wasmCore } from "../wasm/index.ts";
import {
  ERR_TOO_LONG,
  R_EXT_PROFILE,
  R_FIRST,
  R_PAYLOAD_LENGTH,
  R_SEQUENCE,
  R_SSRC,
  R_STATUS,
  R_TIMESTAMP,
  R_WORDS,
} from "./abi.generated.ts";
import { rtpErrorCode } from "./errors.ts";
import type { RtpErrorCode } from "./errors.ts";

/** Header fields stamped by {@link RtpBatch.writeHeaders} (RFC 3550 §5.1). */
export interface RtpBatchHeaderFields {
  readonly payloadType: number;
  /** Marker bit of every packet in the batch (usually only the first of a talkspurt). */
  readonly marker?: boolean;
  /** Sequence number of packet 0; packet i gets `sequenceNumber + i` mod 2^16. */
  readonly sequenceNumber: number;
  /** Timestamp of packet 0; packet i gets `timestamp + i * timestampStep` mod 2^32. */
  readonly timestamp: number;
  readonly timestampStep: number;
  readonly ssrc: number;
}

/**
 * The media engine's in-place RTP path over Wasm memory: packets sit in fixed slots of the core's
 * batch region (received straight into {@link slot} views, or copied in with {@link push}); one
 * call to {@link parse} runs `rtp_parse_batch` over all of them, and the per-packet fields are read
 * back from the result table without allocating. {@link writeHeaders} stamps consecutive fixed
 * headers in front of payloads placed at `slot(i)[12..]`.
 *
 * There is one batch region in the Wasm core, so there is one `RtpBatch` per process:
 * {@link rtpBatch} returns it (the class is exported as a type only). It is synchronous; use it within one turn of the event loop.
 *
 * The per-packet results are numbers so that reading them allocates nothing: {@link status} is the
 * header length or a negative number, whose {@link RtpErrorCode} {@link error} gives.
 */
export class RtpBatch {
  /** Slots in the region. */
  readonly capacity: number;
  /** Bytes per slot (the largest packet the batch holds). */
  readonly slotSize: number;
  /** Packets currently in the batch (slots 0 .. count-1). */
  count = 0;
  readonly #e: ReturnType<typeof wasmCore>["exports"];
  readonly #u8: Uint8Array;
  readonly #base: number;
  readonly #desc: number;
  readonly #out: number;
  readonly #descU32: Uint32Array;
  readonly #outI32: Int32Array;
  readonly #outU32: Uint32Array;

  /** @internal Use {@link rtpBatch}. */
  constructor() {
    const core = wasmCore();
    const e = core.exports;
    this.#e = e;
    this.#u8 = core.u8;
    this.capacity = e.rtp_batch_slots();
    this.slotSize = e.rtp_batch_slot_size();
    this.#base = e.rtp_batch_buf();
    this.#desc = e.rtp_batch_desc();
    this.#out = e.rtp_batch_out();
    const buffer = core.u8.buffer;
    this.#descU32 = new Uint32Array(buffer, this.#desc, this.capacity * 2);
    this.#outI32 = new Int32Array(buffer, this.#out, this.capacity * R_WORDS);
    this.#outU32 = new Uint32Array(buffer, this.#out, this.capacity * R_WORDS);
    for (let i = 0; i < this.capacity; i++) this.#descU32[i * 2] = i * this.slotSize;
  }

  /** A view of slot `i` (slotSize bytes) to receive a datagram into; then call {@link setLength}. */
  slot(i: number): Uint8Array {
    const start = this.#base + i * this.slotSize;
    return this.#u8.subarray(start, start + this.slotSize);
  }

  /** Records that slot `i` holds a packet of `length` bytes; grows {@link count} to cover it. */
  setLength(i: number, length: number): void {
    if (i < 0 || i >= this.capacity || length < 0 || length > this.slotSize) {
      throw new RangeError(`RtpBatch.setLength(${i}, ${length}) outside the batch region`);
    }
    this.#descU32[i * 2 + 1] = length;
    if (i >= this.count) this.count = i + 1;
  }

  /**
   * Copies a packet into the next free slot. Returns its index, or a negative number (`TOO_LONG`)
   * when the batch is full or the packet exceeds a slot: the caller counts it as dropped.
   */
  push(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): number {
    if (this.count >= this.capacity || length > this.slotSize || length < 0 || offset < 0 || offset + length > bytes.length) {
      return ERR_TOO_LONG;
    }
    const i = this.count++;
    this.#u8.set(bytes.subarray(offset, offset + length), this.#base + i * this.slotSize);
    this.#descU32[i * 2 + 1] = length;
    return i;
  }

  /** Empties the batch. */
  clear(): void {
    this.count = 0;
  }

  /** Parses every packet in the batch in Wasm; returns how many are valid RTP. */
  parse(): number {
    return this.#e.rtp_parse_batch(this.#base, this.#desc, this.count, this.#out);
  }

  /** Header length of packet `i` after {@link parse}, or a negative number for an invalid packet. */
  status(i: number): number {
    return this.#outI32[i * R_WORDS + R_STATUS]!;
  }
  /** Why packet `i` is invalid, or undefined when it is valid RTP. */
  error(i: number): RtpErrorCode | undefined {
    return rtpErrorCode(this.status(i));
  }
  /** M bit of packet `i`. */
  marker(i: number): boolean {
    return (this.#outU32[i * R_WORDS + R_FIRST]! & 0x80) !== 0;
  }
  /** Payload type of packet `i`. */
  payloadType(i: number): number {
    return this.#outU32[i * R_WORDS + R_FIRST]! & 0x7f;
  }
  /** Sequence number of packet `i`. */
  sequenceNumber(i: number): number {
    return this.#outU32[i * R_WORDS + R_SEQUENCE]!;
  }
  /** RTP timestamp of packet `i`. */
  timestamp(i: number): number {
    return this.#outU32[i * R_WORDS + R_TIMESTAMP]!;
  }
  /** SSRC of packet `i`. */
  ssrc(i: number): number {
    return this.#outU32[i * R_WORDS + R_SSRC]!;
  }
  /** Payload length without padding. */
  payloadLength(i: number): number {
    return this.#outU32[i * R_WORDS + R_PAYLOAD_LENGTH]!;
  }
  /** Extension profile of packet `i`, or -1 without extension. */
  extensionProfile(i: number): number {
    const p = this.#outU32[i * R_WORDS + R_EXT_PROFILE]!;
    return p === 0xffffffff ? -1 : p;
  }
  /** @internal Offset of the payload of packet `i` in Wasm memory (for in-place consumers such as codecs). */
  payloadPointer(i: number): number {
    return this.#base + i * this.slotSize + this.status(i);
  }
  /** A view of the payload of packet `i` (allocates a view; the engine may use payloadPointer). */
  payload(i: number): Uint8Array {
    const p = this.payloadPointer(i);
    return this.#u8.subarray(p, p + this.payloadLength(i));
  }
  /** A view of packet `i` as stored. */
  packet(i: number): Uint8Array {
    const p = this.#base + i * this.slotSize;
    return this.#u8.subarray(p, p + this.#descU32[i * 2 + 1]!);
  }

  /**
   * Writes a 12-byte fixed header (no CSRCs, no extension) at the start of slots 0..count-1,
   * numbering them consecutively (RFC 3550 §5.1: sequence +1 per packet, timestamp + one frame).
   * Returns `count`, or a negative number (`TOO_SHORT`) if a slot's recorded length is below 12.
   */
  writeHeaders(count: number, f: RtpBatchHeaderFields): number {
    if (count < 0 || count > this.capacity) throw new RangeError(`RtpBatch.writeHeaders: count ${count}`);
    const first = 0x8000 | (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
    return this.#e.rtp_write_batch(
      this.#base,
      this.#desc,
      count,
      first,
      f.sequenceNumber & 0xffff,
      f.timestamp >>> 0,
      f.timestampStep >>> 0,
      f.ssrc >>> 0,
    );
  }
}

let shared: RtpBatch | undefined;

/**
 * The process's one {@link RtpBatch}: there is one batch region in the Wasm core, so every caller
 * gets the same object.
 */
export function rtpBatch(): RtpBatch {
  return (shared ??= new RtpBatch());
}
