import { describe, expect, it } from "vitest";
import { parseMessage, SipStreamFramer, type FramerEvent } from "../../src/sip/index.ts";

const enc = new TextEncoder();
const MSG1 = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: one\r\nContent-Length: 0\r\n\r\n";
const MSG2 = "MESSAGE sip:a@b SIP/2.0\r\nCall-ID: two\r\nl: 5\r\n\r\nhello";

function drain(f: SipStreamFramer): FramerEvent[] {
  const out: FramerEvent[] = [];
  for (let e = f.poll(); e; e = f.poll()) out.push(e);
  return out;
}

describe("SipStreamFramer (RFC 3261 §18.3)", () => {
  it("§18.3: splits back-to-back messages by Content-Length", () => {
    const f = new SipStreamFramer();
    f.push(enc.encode(MSG1 + MSG2 + MSG1));
    const ev = drain(f);
    expect(ev.map((e) => e.kind)).toEqual(["message", "message", "message"]);
    const ids = ev.map((e) => (e.kind === "message" ? parseMessage(e.bytes).callId : ""));
    expect(ids).toEqual(["one", "two", "one"]);
  });

  it("§18.3: reassembles across every possible split into byte-sized reads", () => {
    const all = enc.encode(MSG2 + MSG1);
    const f = new SipStreamFramer();
    const got: string[] = [];
    for (const b of all) {
      f.push(Uint8Array.of(b));
      for (const e of drain(f)) if (e.kind === "message") got.push(parseMessage(e.bytes).callId);
    }
    expect(got).toEqual(["two", "one"]);
    expect(f.buffered).toBe(0);
  });

  it("RFC 3261 §7.5: a header section ending in LF LF (bare LF line ends) is framed too", () => {
    const f = new SipStreamFramer();
    f.push(enc.encode(MSG2.replaceAll("\r\n", "\n") + MSG1));
    const ev = drain(f);
    expect(ev.map((e) => (e.kind === "message" ? parseMessage(e.bytes).callId : e.kind))).toEqual(["two", "one"]);
  });

  it("§21.4.28: a message over the size limit is an error that carries its header section", () => {
    const f = new SipStreamFramer({ limits: { maxMessageSize: 200 } });
    const head = "MESSAGE sip:a@b SIP/2.0\r\nCall-ID: big\r\nContent-Length: 500\r\n\r\n";
    f.push(enc.encode(head + "x".repeat(50)));
    const [e] = drain(f);
    if (e?.kind !== "error") throw new Error("expected an error");
    expect(e.error.code).toBe("MESSAGE_TOO_LARGE");
    expect(new TextDecoder().decode(e.head)).toBe(head);
  });

  it("RFC 5626 §4.4.1: CRLFCRLF is a ping and a lone CRLF a pong", () => {
    const f = new SipStreamFramer();
    f.push(enc.encode("\r\n\r\n" + MSG1 + "\r\n"));
    expect(drain(f).map((e) => e.kind)).toEqual(["ping", "message", "pong"]);
  });

  it("§18.3: a message without Content-Length on a stream is an error that ends the stream", () => {
    const f = new SipStreamFramer();
    f.push(enc.encode("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n"));
    const ev = drain(f);
    expect(ev).toHaveLength(1);
    expect(ev[0]!.kind === "error" && ev[0]!.error.code).toBe("MISSING_CONTENT_LENGTH");
    f.push(enc.encode(MSG1));
    expect(f.poll()).toBeUndefined();
  });

  it("refuses a message over the size limit, and a header section that never ends", () => {
    const f = new SipStreamFramer({ limits: { maxMessageSize: 200 } });
    f.push(enc.encode("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 500\r\n\r\n"));
    const ev = drain(f);
    expect(ev[0]!.kind === "error" && ev[0]!.error.code).toBe("MESSAGE_TOO_LARGE");
    const g = new SipStreamFramer({ limits: { maxMessageSize: 200 } });
    for (let i = 0; i < 50; i++) g.push(enc.encode("X-Slow: loris\r\n"));
    const ev2 = drain(g);
    expect(ev2[0]!.kind === "error" && ev2[0]!.error.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("malformed Content-Length on a stream is an error", () => {
    const f = new SipStreamFramer();
    f.push(enc.encode("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n"));
    const ev = drain(f);
    expect(ev[0]!.kind === "error" && ev[0]!.error.code).toBe("BAD_CONTENT_LENGTH");
  });
});
