/**
 * Serialization (RFC 3261 §7): the start line, the header fields and the body, with a
 * Content-Length equal to the body length. A parsed message that was not changed serializes as the
 * bytes it was parsed from; an edited one copies runs of its untouched original lines.
 */
import { H } from "./header-names.ts";
import type { SipMessage } from "./message.ts";
import { allocSerialized } from "./pool.ts";

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

/** @internal Serializes to a new array (a view of the parsed bytes while the message is pristine). */
export function serializeBytes(m: SipMessage): Uint8Array {
  const tt = m._pristine ? m._tt! : null;
  if (tt) {
    // Unchanged since parsing: the parsed bytes are the serialization (a view, no copy).
    const [a, b] = tt.range();
    return tt.src.subarray(a, b);
  }
  const text = headText(m);
  const body = m._body;
  // One allocation: ASCII text is as many bytes as characters; otherwise encode and join.
  const out = allocSerialized(text.length + body.length);
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
