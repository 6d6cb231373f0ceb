/**
 * WebSocket framing (RFC 6455 §5), sans-I/O, for SIP over WebSocket (RFC 7118): each message
 * carries one SIP message. The size limit is applied to the length a frame announces, before its
 * payload is buffered, so a peer announcing a huge message costs nothing.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               |Masking-key, if MASK set to 1  |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * ```
 */

/** Opcode (RFC 6455 §5.2): a continuation frame of a fragmented message. */
export const OP_CONTINUATION = 0x0;
/** Opcode: a text frame (UTF-8). */
export const OP_TEXT = 0x1;
/** Opcode: a binary frame. */
export const OP_BINARY = 0x2;
/** Opcode: connection close (§5.5.1). */
export const OP_CLOSE = 0x8;
/** Opcode: ping (§5.5.2). */
export const OP_PING = 0x9;
/** Opcode: pong (§5.5.3). */
export const OP_PONG = 0xa;

/** Close code (RFC 6455 §7.4.1): normal closure. */
export const CLOSE_NORMAL = 1000;
/** Close code: protocol error. */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** Close code: data inconsistent with the message type (a text message that is not UTF-8). */
export const CLOSE_INVALID_DATA = 1007;
/** Close code: a message too big to process. */
export const CLOSE_TOO_BIG = 1009;

/** What the framer yields. */
export type FrameEvent =
  /** A whole data message (fragments joined). */
  | { readonly kind: "message"; readonly data: Uint8Array }
  /** A ping: answer with a pong carrying `data` (§5.5.2). */
  | { readonly kind: "ping"; readonly data: Uint8Array }
  | { readonly kind: "pong" }
  /** The peer closes (§5.5.1): answer with a close frame, then close the connection. */
  | { readonly kind: "close"; readonly code: number }
  /** The stream is broken: send a close frame with `code` and close the connection (§7.1.7). */
  | { readonly kind: "error"; readonly code: number; readonly reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Splits a byte stream into WebSocket messages. `role` says which side we are: a server requires
 * masked frames and a client unmasked ones (§5.1: otherwise the connection MUST be failed).
 * `maxMessage` bounds a message's payload, fragments included (§10.4: "implementations SHOULD
 * impose a limit on frame sizes and the total message size").
 */
export class WebSocketFramer {
  private buf = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  /** Payloads of the fragments of the message being assembled. */
  private fragments: Uint8Array[] = [];
  private fragmentBytes = 0;
  private fragmenting = false;
  /** Whether the fragmented message began with a text frame. */
  private fragmentText = false;
  private failed = false;

  constructor(
    private readonly role: "server" | "client",
    private readonly maxMessage: number,
  ) {}

  /** Bytes held, waiting for the rest of a frame (slowloris accounting). */
  get buffered(): number {
    return this.end - this.start + this.fragmentBytes;
  }

  /** Appends bytes read from the stream. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      // The buffer holds at most one frame (within the limit, checked by poll) plus one chunk.
      const live = this.end - this.start;
      const need = live + chunk.length;
      const next = need > this.buf.length ? new Uint8Array(Math.max(this.buf.length * 2, need)) : this.buf;
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The next event, or undefined when more bytes are needed. */
  poll(): FrameEvent | undefined {
    while (!this.failed) {
      const b = this.buf;
      const avail = this.end - this.start;
      if (avail < 2) return undefined;
      const s = this.start;
      const fin = (b[s]! & 0x80) !== 0;
      const opcode = b[s]! & 0x0f;
      const masked = (b[s + 1]! & 0x80) !== 0;
      let len = b[s + 1]! & 0x7f;
      let at = s + 2;
      // §5.2: "RSV1, RSV2, RSV3: MUST be 0 unless an extension is negotiated" (none is).
      if ((b[s]! & 0x70) !== 0) return this.fail(CLOSE_PROTOCOL_ERROR, "reserved bits set");
      if (masked !== (this.role === "server")) return this.fail(CLOSE_PROTOCOL_ERROR, masked ? "masked frame from the server" : "unmasked frame from the client");
      const control = opcode >= 0x8;
      if (control ? opcode > OP_PONG : opcode > OP_BINARY) return this.fail(CLOSE_PROTOCOL_ERROR, `unknown opcode ${opcode}`);
      if (len === 126) {
        if (avail < 4) return undefined;
        len = (b[s + 2]! << 8) | b[s + 3]!;
        at += 2;
      } else if (len === 127) {
        if (avail < 10) return undefined;
        // The high half must be zero (§5.2: "the most significant bit MUST be 0"); anything above
        // 2^32 is over every limit anyway.
        if (b[s + 2]! | b[s + 3]! | b[s + 4]! | b[s + 5]!) return this.fail(CLOSE_TOO_BIG, "message over the size limit");
        len = ((b[s + 6]! << 24) >>> 0) + ((b[s + 7]! << 16) | (b[s + 8]! << 8) | b[s + 9]!);
        at += 8;
      }
      // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
      if (control && (len > 125 || !fin)) return this.fail(CLOSE_PROTOCOL_ERROR, "bad control frame");
      if (!control && this.fragmentBytes + len > this.maxMessage) return this.fail(CLOSE_TOO_BIG, "message over the size limit");
      const maskAt = at;
      if (masked) at += 4;
      if (this.end - at < len) {
        this.reserve(at - s + len);
        return undefined;
      }
      const payload = b.slice(at, at + len);
      if (masked) unmask(payload, b, maskAt);
      this.start = at + len;
      if (this.start === this.end) this.start = this.end = 0;
      const event = this.frame(opcode, fin, payload);
      if (event !== undefined) return event;
    }
    return undefined;
  }

  /** One complete frame; an event, or undefined for a fragment that does not end a message. */
  private frame(opcode: number, fin: boolean, payload: Uint8Array): FrameEvent | undefined {
    switch (opcode) {
      case OP_PING:
        return { kind: "ping", data: payload };
      case OP_PONG:
        return { kind: "pong" };
      case OP_CLOSE:
        this.failed = true;
        return { kind: "close", code: payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : CLOSE_NORMAL };
      case OP_CONTINUATION:
        // §5.4: a continuation frame belongs to a message begun by a text or binary frame.
        if (!this.fragmenting) return this.fail(CLOSE_PROTOCOL_ERROR, "continuation without a message");
        break;
      default:
        if (this.fragmenting) return this.fail(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one");
        if (fin) return this.message(opcode === OP_TEXT, payload);
        this.fragmenting = true;
        this.fragmentText = opcode === OP_TEXT;
    }
    this.fragments.push(payload);
    this.fragmentBytes += payload.length;
    if (!fin) return undefined;
    const whole = new Uint8Array(this.fragmentBytes);
    let o = 0;
    for (const f of this.fragments) {
      whole.set(f, o);
      o += f.length;
    }
    this.fragments = [];
    this.fragmentBytes = 0;
    this.fragmenting = false;
    return this.message(this.fragmentText, whole);
  }

  /** §8.1: a text message that is not UTF-8 fails the connection (1007). */
  private message(text: boolean, data: Uint8Array): FrameEvent {
    if (text && !isAscii(data)) {
      try {
        utf8.decode(data);
      } catch {
        return this.fail(CLOSE_INVALID_DATA, "text message is not UTF-8");
      }
    }
    return { kind: "message", data };
  }

  /** Makes room for a frame of `size` bytes starting at `start`, within the limit already checked. */
  private reserve(size: number): void {
    if (size <= this.buf.length - this.start) return;
    const next = new Uint8Array(Math.max(size, this.buf.length));
    next.set(this.buf.subarray(this.start, this.end));
    this.end -= this.start;
    this.start = 0;
    this.buf = next;
  }

  private fail(code: number, reason: string): FrameEvent {
    this.failed = true;
    this.buf = new Uint8Array(0);
    this.start = this.end = 0;
    this.fragments = [];
    this.fragmentBytes = 0;
    return { kind: "error", code, reason };
  }
}

function unmask(payload: Uint8Array, buf: Uint8Array, maskAt: number): void {
  const m0 = buf[maskAt]!;
  const m1 = buf[maskAt + 1]!;
  const m2 = buf[maskAt + 2]!;
  const m3 = buf[maskAt + 3]!;
  const n = payload.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    payload[i] ^= m0;
    payload[i + 1] ^= m1;
    payload[i + 2] ^= m2;
    payload[i + 3] ^= m3;
  }
  const mask = [m0, m1, m2, m3];
  for (; i < n; i++) payload[i] ^= mask[i & 3]!;
}

function isAscii(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! >= 0x80) return false;
  return true;
}

/**
 * One frame (FIN set) carrying `payload`. A client masks with `mask` (4 random bytes; §5.3: "The
 * masking key needs to be unpredictable"); a server passes none.
 */
export function encodeFrame(opcode: number, payload: Uint8Array, mask?: Uint8Array): Uint8Array {
  const n = payload.length;
  const extra = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = 2 + extra + (mask ? 4 : 0);
  const out = new Uint8Array(head + n);
  out[0] = 0x80 | opcode;
  out[1] = (mask ? 0x80 : 0) | (extra === 0 ? n : extra === 2 ? 126 : 127);
  if (extra === 2) {
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else if (extra === 8) {
    const v = new DataView(out.buffer);
    v.setUint32(2, Math.floor(n / 0x100000000));
    v.setUint32(6, n >>> 0);
  }
  out.set(payload, head);
  if (mask) {
    out.set(mask, head - 4);
    unmask(out.subarray(head), out, head - 4);
  }
  return out;
}

/** A close frame with a status code (§5.5.1). */
export function closeFrame(code: number, mask?: Uint8Array): Uint8Array {
  return encodeFrame(OP_CLOSE, new Uint8Array([code >> 8, code & 0xff]), mask);
}

/** Whether a message may go as a text frame (it is UTF-8); SIP messages almost always are. */
export function isUtf8(data: Uint8Array): boolean {
  if (isAscii(data)) return true;
  try {
    utf8.decode(data);
    return true;
  } catch {
    return false;
  }
}
