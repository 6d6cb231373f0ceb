/**
 * Parse → serialize → parse gives the same message (RFC 3261 §7: a message is its start line,
 * header fields in order, and body; header values compare after folding is replaced by SP,
 * §7.3.1). Every valid RFC 4475 / RFC 5118 fixture and the bench corpus, both as parsed (pristine:
 * the original bytes) and after an edit (re-serialized field by field), plus messages built from
 * scratch with createRequest / createResponse.
 *
 * Known failure: rfc4475/intmeth does not parse (the tokenizer rejects the escaped control octets
 * in its To display name; see test/sip/rfc4475.test.ts), so it cannot be round-tripped yet.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  createRequest,
  createResponse,
  messageSize,
  parseMessage,
  serializeMessage,
  serializeMessageInto,
  SipRequest,
  SipResponse,
} from "../../src/sip/index.ts";
import type { SipMessage } from "../../src/sip/index.ts";
import { validateMessage } from "../../src/sip/validate.ts";

const V4475 = new URL("../vectors/rfc4475/", import.meta.url);
const V5118 = new URL("../vectors/rfc5118/", import.meta.url);
const BENCH = new URL("../../bench/corpus/", import.meta.url);

/** Messages RFC 4475 calls valid, or that parse and belong to §3.2-§3.4 (all parse). */
const RFC4475_PARSABLE = [
  "wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq", "semiuri", "transports", "mpart01",
  "unreason", "noreason", "badbranch", "insuf", "unkscm", "novelsc", "unksm2", "bext01", "invut", "regaut01", "multi01",
  "bcast", "zeromf", "cparam01", "cparam02", "regescrt", "sdp01", "inv2543",
  // §3.1.2 messages whose fault is in a header value: they parse, and must survive a round trip too.
  "badinv01", "scalar02", "scalarlg", "quotbal", "escruri", "baddate", "regbadct", "badaspec", "mismatch01", "mismatch02",
];

function files(dir: URL, ext: string): [string, Uint8Array][] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => [f, new Uint8Array(readFileSync(new URL(f, dir)))]);
}

const CORPUS: [string, Uint8Array][] = [
  ...RFC4475_PARSABLE.map((n): [string, Uint8Array] => [`rfc4475/${n}`, new Uint8Array(readFileSync(new URL(`${n}.dat`, V4475)))]),
  ...files(V5118, ".sip").filter(([f]) => f !== "ipv6-bad.sip").map(([f, b]): [string, Uint8Array] => [`rfc5118/${f}`, b]),
  ...files(BENCH, ".sip").map(([f, b]): [string, Uint8Array] => [`bench/${f}`, b]),
];

/** Start line, header fields (without Content-Length, which serialization always rewrites) and body. */
function shape(m: SipMessage): unknown {
  const start = m instanceof SipRequest ? [m.method, m.uriText] : [(m as SipResponse).status, (m as SipResponse).reason];
  const fields = m
    .headerFields()
    .filter((f) => !/^(content-length|l)$/i.test(f.name))
    .map((f) => [f.name, f.value]);
  return { start, fields, body: Array.from(m.body) };
}

/** Makes a parsed message non-pristine so the serializer writes it field by field. */
function touch(m: SipMessage): SipMessage {
  m.addHeader("X-Roundtrip", "1");
  expect(m.removeHeader("X-Roundtrip")).toBe(1);
  return m;
}

describe("round trip: parse → serialize → parse (RFC 3261 §7)", () => {
  it("has a corpus", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(RFC4475_PARSABLE.length + 11 + 8 - 1);
  });

  for (const [name, bytes] of CORPUS) {
    it(`${name}: pristine and re-serialized forms parse to the same message`, () => {
      let first: SipMessage;
      try {
        first = parseMessage(bytes);
      } catch (e) {
        // a fixture the parser rejects is reported by rfc4475/rfc5118 tests; nothing to round-trip
        expect.soft(e, `${name} did not parse`).toBeUndefined();
        return;
      }
      const want = shape(first);

      // pristine: the original message bytes (up to the end of the body)
      const pristine = serializeMessage(first);
      expect(messageSize(first)).toBe(pristine.length);
      expect(shape(parseMessage(pristine))).toEqual(want);

      // re-serialized field by field
      const edited = touch(parseMessage(bytes));
      const out = serializeMessage(edited);
      expect(messageSize(edited)).toBe(out.length);
      const again = parseMessage(out);
      expect(shape(again)).toEqual(want);
      expect(again.contentLength).toBe(again.body.length);
      // a second pass is a fixed point
      expect(serializeMessage(touch(parseMessage(out)))).toEqual(out);

      // serializeMessageInto writes the same bytes at an offset
      const dst = new Uint8Array(out.length + 7);
      expect(serializeMessageInto(edited, dst, 7)).toBe(out.length);
      expect(dst.subarray(7)).toEqual(out);
      expect(() => serializeMessageInto(edited, new Uint8Array(out.length - 1))).toThrow(RangeError);

      // validation does not depend on the serialization
      expect(validateMessage(again)?.code).toBe(validateMessage(parseMessage(bytes))?.code);

      // clone serializes to the same bytes
      expect(serializeMessage(edited.clone())).toEqual(out);
    });
  }
});

describe("round trip: build → serialize → parse", () => {
  it("RFC 3261 §8.1.1: createRequest gives a valid request that parses back", () => {
    const sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    const req = createRequest({
      method: "INVITE",
      uri: "sip:bob@biloxi.example.com",
      from: '"Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
      to: "<sip:bob@biloxi.example.com>",
      callId: "a84b4c76e66710@pc33.atlanta.example.com",
      cseq: 314159,
      via: "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
      contact: "<sip:alice@pc33.atlanta.example.com>",
      headers: [["Supported", "timer, 100rel"], ["X-Unicode", "grüße"]],
      body: sdp,
      contentType: "application/sdp",
    });
    expect(validateMessage(req)).toBeUndefined();
    const bytes = serializeMessage(req);
    expect(messageSize(req)).toBe(bytes.length);
    const m = parseMessage(bytes);
    expect(m).toBeInstanceOf(SipRequest);
    if (!(m instanceof SipRequest)) return;
    expect(m.method).toBe("INVITE");
    expect(m.uriText).toBe("sip:bob@biloxi.example.com");
    expect(m.from).toMatchObject({ displayName: "Alice", tag: "1928301774" });
    expect(m.to.tag).toBeUndefined();
    expect(m.callId).toBe("a84b4c76e66710@pc33.atlanta.example.com");
    expect(m.cseq).toEqual({ seq: 314159, method: "INVITE" });
    expect(m.maxForwards).toBe(70);
    expect(m.topVia?.branch).toBe("z9hG4bK776asdhds");
    expect(m.supported).toEqual(["timer", "100rel"]);
    expect(m.header("X-Unicode")).toBe("grüße");
    expect(m.contentType?.type).toBe("application/sdp");
    expect(m.bodyText).toBe(sdp);
    expect(m.contentLength).toBe(new TextEncoder().encode(sdp).length);
    expect(validateMessage(m)).toBeUndefined();
    expect(shape(parseMessage(serializeMessage(touch(m))))).toEqual(shape(m));
  });

  it("RFC 3261 §8.2.6: createResponse copies Via, From, To (+tag), Call-ID, CSeq and parses back", () => {
    const req = parseMessage(new Uint8Array(readFileSync(new URL("invite.sip", BENCH)))) as SipRequest;
    const res = createResponse(req, 180, undefined, { toTag: "a6c85cf" });
    const m = parseMessage(serializeMessage(res));
    expect(m).toBeInstanceOf(SipResponse);
    if (!(m instanceof SipResponse)) return;
    expect(m.status).toBe(180);
    expect(m.reason).toBe("Ringing");
    expect(m.to.tag).toBe("a6c85cf");
    expect(m.from.tag).toBe(req.from.tag);
    expect(m.callId).toBe(req.callId);
    expect(m.cseq).toEqual(req.cseq);
    expect(m.via.map((v) => v.branch)).toEqual(req.via.map((v) => v.branch));
    expect(m.body.length).toBe(0);
    expect(validateMessage(m)).toBeUndefined();
  });

  it("edits survive a round trip: setHeader, removeFirstValue, setBody", () => {
    const m = parseMessage(new Uint8Array(readFileSync(new URL("invite.sip", BENCH))));
    m.addHeader("Via", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy1", { prepend: true });
    m.setHeader("Max-Forwards", "69");
    m.setBody("hello", "text/plain");
    const back = parseMessage(serializeMessage(m));
    expect(back.via.map((v) => v.branch)).toEqual(["z9hG4bKproxy1", "z9hG4bK776asdhds"]);
    expect(back.maxForwards).toBe(69);
    expect(back.bodyText).toBe("hello");
    expect(back.contentType?.type).toBe("text/plain");
    expect(back.contentLength).toBe(5);
    expect(back.removeFirstValue("Via")).toBe(true);
    expect(parseMessage(serializeMessage(back)).via.map((v) => v.branch)).toEqual(["z9hG4bK776asdhds"]);
  });
});
