import { SipParseError } from "./errors.ts";
import { resolveLimits } from "./parse.ts";
import type { SipLimits } from "./types.ts";

/** What SipStreamFramer.poll yields. */
export type FramerEvent =
  | { kind: "message"; bytes: Uint8Array }
  /** A CRLFCRLF keep-alive ping (RFC 5626 §4.4.1): a server answers with a CRLF pong. */
  | { kind: "ping" }
  /** A lone CRLF: the pong answering our ping. */
  | { kind: "pong" }
  /**
   * The stream cannot be framed any further: close the connection. For a message over the size
   * limit whose header section was read, `head` holds that section, so that a server can still
   * answer 513 (RFC 3261 §21.4.28) before it closes.
   */
  | { kind: "error"; error: SipParseError; head?: Uint8Array };

const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits a byte stream (TCP, TLS) into SIP messages by Content-Length (RFC 3261 §18.3), across any
 * partial reads. Keep-alives between messages are reported (RFC 5626 §4.4.1). A message without
 * Content-Length, with a malformed one, or larger than `maxMessageSize` is an error that ends the
 * stream. Sans-I/O: `push` the bytes read, then `poll` until it returns undefined.
 *
 * Memory: at most one message (bounded by the limit) plus what was pushed and not yet polled.
 */
export class SipStreamFramer {
  private readonly limits: SipLimits;
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  /** Where the search for the end of the header section resumes (relative to start). */
  private scanned = 0;
  /** Total length of the message being assembled, once its header section has been read. */
  private need = -1;
  private failed: SipParseError | null = null;

  constructor(opts?: { limits?: Partial<SipLimits> }) {
    this.limits = resolveLimits(opts?.limits);
  }

  /** Bytes buffered and not yet returned. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Appends bytes read from the stream. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const size = Math.max(this.buf.length, live + chunk.length);
      const next = size > this.buf.length ? new Uint8Array(Math.max(size, this.buf.length * 2)) : this.buf;
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.end = live;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The next framed item, or undefined when more bytes are needed. */
  poll(): FramerEvent | undefined {
    if (this.failed) return undefined;
    const b = this.buf;
    if (this.need < 0) {
      // Between messages: keep-alives (RFC 5626 §4.4.1).
      if (this.end - this.start >= 2 && b[this.start] === CR && b[this.start + 1] === LF) {
        if (this.end - this.start >= 4 && b[this.start + 2] === CR && b[this.start + 3] === LF) {
          this.start += 4;
          return { kind: "ping" };
        }
        if (this.end - this.start === 3 && b[this.start + 2] === CR) return undefined; // half a ping
        this.start += 2;
        return { kind: "pong" };
      }
      if (this.end - this.start === 1 && b[this.start] === CR) return undefined;
      const head = this.findHeadEnd();
      if (head < 0) {
        if (this.end - this.start > this.limits.maxMessageSize) return this.fail("MESSAGE_TOO_LARGE", 0, "no end of headers within the size limit");
        return undefined;
      }
      const clen = this.contentLength(this.start, this.start + head);
      if (clen < 0) return { kind: "error", error: this.failed! };
      this.need = head + clen;
      if (this.need > this.limits.maxMessageSize) {
        const section = b.slice(this.start, this.start + head);
        return { ...this.fail("MESSAGE_TOO_LARGE", 0, `message of ${this.need} bytes over the limit`), head: section } as FramerEvent;
      }
    }
    if (this.end - this.start < this.need) return undefined;
    const bytes = b.slice(this.start, this.start + this.need);
    this.start += this.need;
    this.need = -1;
    this.scanned = 0;
    if (this.start === this.end) this.start = this.end = 0;
    return { kind: "message", bytes };
  }

  /**
   * Length of the header section including the empty line, or -1 when not complete yet. The empty
   * line is CRLF CRLF, or LF LF from a peer that ends its lines with a bare LF (RFC 3261 §7.5 asks
   * for CRLF, but the tokenizer accepts LF-only messages, as on UDP, and rewrites them on output).
   */
  private findHeadEnd(): number {
    const b = this.buf;
    const limit = this.end;
    for (let i = this.start + Math.max(0, this.scanned - 3); i + 3 < limit; i++) {
      if (b[i + 3] !== LF) continue;
      if (b[i + 2] === LF) return i + 4 - this.start;
      if (b[i] === CR && b[i + 1] === LF && b[i + 2] === CR) return i + 4 - this.start;
    }
    this.scanned = limit - this.start;
    return -1;
  }

  /** Content-Length of the header section in [a, e) (`l` compact form too), or -1 after fail(). */
  private contentLength(a: number, e: number): number {
    const b = this.buf;
    let found = -1;
    let i = a;
    while (i < e) {
      let j = i;
      while (j < e && b[j] !== LF) j++;
      // A header line at [i, j); folded lines start with whitespace and cannot be Content-Length.
      let k = i;
      while (k < j && b[k] !== 0x3a && b[k] !== 0x20 && b[k] !== 0x09) k++;
      const n = k - i;
      if (n === 1 ? (b[i]! | 0x20) === 0x6c : n === 14 && matchLower(b, i, "content-length")) {
        while (k < j && (b[k] === 0x20 || b[k] === 0x09)) k++;
        if (b[k] === 0x3a) {
          k++;
          let v = 0;
          let digits = 0;
          while (k < j && (b[k] === 0x20 || b[k] === 0x09)) k++;
          while (k < j && b[k]! >= 0x30 && b[k]! <= 0x39) {
            v = v * 10 + (b[k]! - 0x30);
            digits++;
            k++;
            if (v > 0x7fffffff) break;
          }
          while (k < j && (b[k] === 0x20 || b[k] === 0x09 || b[k] === CR)) k++;
          if (digits === 0 || k < j || v > 0x7fffffff || (found >= 0 && found !== v)) {
            this.fail("BAD_CONTENT_LENGTH", i - a, "malformed Content-Length on a stream");
            return -1;
          }
          found = v;
        }
      }
      i = j + 1;
    }
    if (found < 0) {
      // RFC 3261 §18.3: the Content-Length header field MUST be used with stream-oriented transports.
      this.fail("MISSING_CONTENT_LENGTH", 0, "no Content-Length on a stream transport");
      return -1;
    }
    return found;
  }

  private fail(code: "MESSAGE_TOO_LARGE" | "BAD_CONTENT_LENGTH" | "MISSING_CONTENT_LENGTH", at: number, text: string): FramerEvent {
    this.failed = new SipParseError(code, text, { offset: at });
    this.buf = new Uint8Array(0);
    this.start = this.end = 0;
    return { kind: "error", error: this.failed };
  }
}

function matchLower(b: Uint8Array, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((b[at + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}
