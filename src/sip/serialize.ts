/**
 * Serialization (RFC 3261 §7): the start line, the header fields and the body, with a
 * Content-Length equal to the body length. A parsed message that was not changed serializes as the
 * bytes it was parsed from; an edited one copies runs of its untouched original lines.
 */
import { H } from "./header-names.ts";
import type { SipMessage } from "./message.ts";
import { allocBytes } from "./pool.ts";

const encoder = new TextEncoder();

/**
 * Serializes a message (RFC 3261 §7) with a Content-Length equal to the body length. For a parsed
 * message that was not changed this is a view of the bytes it was parsed from (no copy): copy it
 * before changing it.
 */
export function serializeMessage(msg: SipMessage): Uint8Array {
  return serializeBytes(msg);
}

/**
 * Serializes a message into `dst` at `offset` and returns the number of bytes written.
 * @throws RangeError when `dst` is too small (nothing useful is left in `dst` then).
 */
export function serializeMessageInto(msg: SipMessage, dst: Uint8Array, offset = 0): number {
  const tt = msg._pristine ? msg._tt! : null;
  if (tt) {
    const [a, b] = tt.range();
    if (offset + (b - a) > dst.length) throw new RangeError("serializeMessageInto: buffer too small");
    dst.set(tt.src.subarray(a, b), offset);
    return b - a;
  }
  const start = msg.startLine();
  const n = headLength(msg, start);
  const body = msg._body;
  // Every character is at least one byte: a head longer than the room left never fits.
  if (offset + n + body.length > dst.length) throw new RangeError("serializeMessageInto: buffer too small");
  if (writeHead(msg, start, dst, offset) === offset + n) {
    dst.set(body, offset + n);
    return n + body.length;
  }
  // Not ASCII: through the encoder.
  const text = headText(msg);
  const r = encoder.encodeInto(text, dst.subarray(offset));
  if (r.read < text.length || offset + r.written + msg._body.length > dst.length) {
    throw new RangeError("serializeMessageInto: buffer too small");
  }
  dst.set(msg._body, offset + r.written);
  return r.written + msg._body.length;
}

/** The serialized size of a message in bytes. */
export function messageSize(msg: SipMessage): number {
  if (msg._pristine) {
    const [a, b] = msg._tt!.range();
    return b - a;
  }
  return serializeBytes(msg).length;
}

/** The head (start line + headers + empty line) as text, with the right Content-Length. */
function headText(m: SipMessage): string {
  const fields = m._fields ?? m._materialize();
  // Runs of untouched parsed lines are copied from the message text as one substring each.
  const text = m._head;
  let runA = -1;
  let runB = -1;
  let s = m.startLine() + "\r\n";
  let wroteLength = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.id === H.CONTENT_LENGTH) {
      // Serialization writes the true body length once, in the place of the first Content-Length.
      if (wroteLength) continue;
      wroteLength = true;
      if (runA >= 0) {
        s += text!.substring(runA, runB);
        runA = runB = -1;
      }
      s += f.name + ": " + m._body.length + "\r\n";
      continue;
    }
    if (f.raw >= 0 && text !== null) {
      if (f.raw === runB) runB = f.rawEnd;
      else {
        if (runA >= 0) s += text.substring(runA, runB);
        runA = f.raw;
        runB = f.rawEnd;
      }
      continue;
    }
    if (runA >= 0) {
      // A run ends here: the next untouched line starts a new one even where this run left off.
      s += text!.substring(runA, runB);
      runA = runB = -1;
    }
    s += f.name + ": " + f.value + "\r\n";
  }
  if (runA >= 0) s += text!.substring(runA, runB);
  if (!wroteLength) s += "Content-Length: " + m._body.length + "\r\n";
  return s + "\r\n";
}

/**
 * The length in characters of the head {@link headText} makes (its length in bytes when it is all
 * ASCII), counted from the fields without building it.
 */
function headLength(m: SipMessage, start: string): number {
  const fields = m._fields ?? m._materialize();
  const text = m._head;
  let n = start.length + 2;
  let wroteLength = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.id === H.CONTENT_LENGTH) {
      if (wroteLength) continue;
      wroteLength = true;
      n += f.name.length + 4 + digits(m._body.length);
    } else if (f.raw >= 0 && text !== null) n += f.rawEnd - f.raw;
    else n += f.name.length + f.value.length + 4;
  }
  if (!wroteLength) n += 18 + digits(m._body.length);
  return n + 2;
}

/**
 * Writes the head {@link headText} makes straight into `dst` at `at` when it is all ASCII (one byte
 * per character, no intermediate string); returns the index after it, or -1 at the first character
 * that is not ASCII (the caller then encodes the text). The caller checked the room.
 */
function writeHead(m: SipMessage, start: string, dst: Uint8Array, at: number): number {
  const fields = m._fields!;
  const text = m._head;
  let p = putAscii(dst, at, start, 0, start.length);
  if (p < 0) return -1;
  dst[p++] = 0x0d;
  dst[p++] = 0x0a;
  let wroteLength = false;
  for (let i = 0; i < fields.length && p >= 0; i++) {
    const f = fields[i]!;
    if (f.id === H.CONTENT_LENGTH) {
      if (wroteLength) continue;
      wroteLength = true;
      p = putLength(dst, putAscii(dst, p, f.name, 0, f.name.length), m._body.length);
    } else if (f.raw >= 0 && text !== null) {
      // An untouched parsed line, with its line end, copied from the message text.
      p = putAscii(dst, p, text, f.raw, f.rawEnd);
    } else {
      p = putAscii(dst, p, f.name, 0, f.name.length);
      if (p < 0) return -1;
      dst[p++] = 0x3a;
      dst[p++] = 0x20;
      p = putAscii(dst, p, f.value, 0, f.value.length);
      if (p < 0) return -1;
      dst[p++] = 0x0d;
      dst[p++] = 0x0a;
    }
  }
  if (p < 0) return -1;
  if (!wroteLength) p = putLength(dst, putAscii(dst, p, "Content-Length", 0, 14), m._body.length);
  dst[p++] = 0x0d;
  dst[p++] = 0x0a;
  return p;
}

/** Copies s[from, to) into `dst` at `at` if it is ASCII; returns the index after it, or -1. */
function putAscii(dst: Uint8Array, at: number, s: string, from: number, to: number): number {
  if (at < 0) return -1;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    dst[at++] = c;
  }
  return at;
}

/** `: <n>` CRLF after a Content-Length name written up to `at` (-1: not written). */
function putLength(dst: Uint8Array, at: number, n: number): number {
  if (at < 0) return -1;
  dst[at++] = 0x3a;
  dst[at++] = 0x20;
  const d = digits(n);
  for (let i = at + d - 1; i >= at; i--) {
    dst[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  at += d;
  dst[at++] = 0x0d;
  dst[at++] = 0x0a;
  return at;
}

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** @internal Serializes to a new array (a view of the parsed bytes while the message is pristine). */
export function serializeBytes(m: SipMessage): Uint8Array {
  const tt = m._pristine ? m._tt! : null;
  if (tt) {
    // Unchanged since parsing: the parsed bytes are the serialization (a view, no copy).
    const [a, b] = tt.range();
    return tt.src.subarray(a, b);
  }
  const start = m.startLine();
  const n = headLength(m, start);
  const body = m._body;
  // One allocation: an ASCII head is as many bytes as characters, written in place; otherwise the
  // text is encoded and joined.
  const out = allocBytes(n + body.length);
  if (writeHead(m, start, out, 0) === n) {
    out.set(body, n);
    return out;
  }
  const text = headText(m);
  const r = encoder.encodeInto(text, out);
  if (r.read === text.length && r.written === text.length) {
    out.set(body, text.length);
    return out;
  }
  const head = encoder.encode(text);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return all;
}
