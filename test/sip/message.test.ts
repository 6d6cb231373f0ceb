import { describe, expect, it } from "vitest";
import {
  createRequest,
  createResponse,
  messageSize,
  parseMessage,
  serializeMessage,
  serializeMessageInto,
  SipParseError,
  SipRequest,
  sipErrorText,
  SipResponse,
  tryParseMessage,
} from "../../src/sip/index.ts";
import { thrown } from "../thrown.ts";

const INVITE =
  "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n" +
  "Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bKp1, SIP/2.0/UDP p2.example.com:5070;branch=z9hG4bKp2;received=192.0.2.9\r\n" +
  "Max-Forwards: 70\r\n" +
  "To: Bob <sip:bob@biloxi.example.com>\r\n" +
  'From: "Alice A." <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
  "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
  "CSeq: 314159 INVITE\r\n" +
  "Contact: <sip:alice@pc33.atlanta.example.com>;expires=3600;q=0.5\r\n" +
  "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n" +
  "Supported: 100rel, timer\r\n" +
  "Allow: INVITE, ACK,\r\n CANCEL, BYE\r\n" +
  "X-Custom: keep  this   verbatim\r\n" +
  "Content-Type: application/sdp\r\n" +
  "Content-Length: 4\r\n" +
  "\r\n" +
  "v=0\n";

describe("parseMessage (RFC 3261 §7)", () => {
  it("§7.1: reads the request line and the mandatory headers", () => {
    const m = parseMessage(INVITE);
    expect(m).toBeInstanceOf(SipRequest);
    if (!(m instanceof SipRequest)) return;
    expect(m.method).toBe("INVITE");
    expect(m.uriText).toBe("sip:bob@biloxi.example.com");
    expect(m.callId).toBe("a84b4c76e66710@pc33.atlanta.example.com");
    expect(m.cseq).toEqual({ seq: 314159, method: "INVITE" });
    expect(m.fromTag).toBe("1928301774");
    expect(m.from.tag).toBe("1928301774");
    expect(m.from.displayName).toBe("Alice A.");
    expect(m.toTag).toBeUndefined();
    expect(m.to.tag).toBeUndefined();
    expect(m.maxForwards).toBe(70);
    expect(m.bodyText).toBe("v=0\n");
    expect(m.contentLength).toBe(4);
    expect(m.contentType?.type).toBe("application/sdp");
  });

  it("§7.3.1: all Via values top first, across lines and comma lists", () => {
    const m = parseMessage(INVITE);
    expect(m.branch).toBe("z9hG4bK776asdhds");
    expect(m.via.map((v) => v.branch)).toEqual(["z9hG4bK776asdhds", "z9hG4bKp1", "z9hG4bKp2"]);
    expect(m.via.map((v) => v.transport)).toEqual(["UDP", "TCP", "UDP"]);
    expect(m.via[0]!.rport).toBe(true);
    expect(m.via[2]!.port).toBe(5070);
    expect(m.via[2]!.received).toBe("192.0.2.9");
    expect(m.topVia?.host).toBe("pc33.atlanta.example.com");
  });

  it("§7.3.1: folded values read as one line; unknown headers are kept verbatim", () => {
    const m = parseMessage(INVITE);
    expect(m.header("Allow")).toBe("INVITE, ACK, CANCEL, BYE");
    expect(m.allow).toEqual(["INVITE", "ACK", "CANCEL", "BYE"]);
    expect(m.header("x-custom")).toBe("keep  this   verbatim");
    expect(m.headers("via")).toHaveLength(2);
    expect(m.hasHeader("Subject")).toBe(false);
  });

  it("§20.10: Contact with expires and q; Route list", () => {
    const m = parseMessage(INVITE);
    const c = m.contact[0]!;
    expect(c.wildcard).toBe(false);
    if (c.wildcard) return;
    expect(c.expires).toBe(3600);
    expect(c.q).toBe(0.5);
    expect(m.route).toHaveLength(2);
    expect(m.supported).toEqual(["100rel", "timer"]);
  });

  it("§7.3.3: compact forms are the same headers as the long forms", () => {
    const m = parseMessage(
      "OPTIONS sip:x@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bKc\r\nf: <sip:a@example.com>;tag=f1\r\n" +
        "t: <sip:x@example.com>\r\ni: cid\r\nCSeq: 1 OPTIONS\r\nm: <sip:a@h>\r\nk: path\r\nl: 0\r\n\r\n",
    );
    expect(m.header("Via")).toBe("SIP/2.0/UDP h;branch=z9hG4bKc");
    expect(m.header("v")).toBe(m.header("VIA"));
    expect(m.callId).toBe("cid");
    expect(m.fromTag).toBe("f1");
    expect(m.supported).toEqual(["path"]);
    expect(m.contact).toHaveLength(1);
  });

  it("§7.2: status line, empty reason phrase accepted", () => {
    const r = parseMessage("SIP/2.0 180 Ringing\r\nCall-ID: x\r\n\r\n");
    expect(r).toBeInstanceOf(SipResponse);
    if (r instanceof SipResponse) {
      expect(r.status).toBe(180);
      expect(r.reason).toBe("Ringing");
    }
    const e = parseMessage("SIP/2.0 100 \r\nCall-ID: x\r\n\r\n") as SipResponse;
    expect(e.status).toBe(100);
    expect(e.reason).toBe("");
  });

  it("§18.3: body is the rest of a datagram without Content-Length; extra bytes after it are ignored", () => {
    expect(parseMessage("MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nhello").bodyText).toBe("hello");
    expect(parseMessage("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhello").bodyText).toBe("he");
  });

  it("§7.5: leading CRLFs before the start line are ignored", () => {
    expect((parseMessage("\r\n\r\nBYE sip:a@b SIP/2.0\r\nCall-ID: y\r\n\r\n") as SipRequest).method).toBe("BYE");
  });

  it("non-ASCII header values decode as UTF-8", () => {
    const m = parseMessage('MESSAGE sip:a@b SIP/2.0\r\nFrom: "Ünïcødé 名前" <sip:u@h>;tag=u1\r\nSubject: héllo\r\n\r\n');
    expect(m.from.displayName).toBe("Ünïcødé 名前");
    expect(m.header("subject")).toBe("héllo");
    expect(m.fromTag).toBe("u1");
  });

  it("bytes and strings give the same message", () => {
    const bytes = new TextEncoder().encode(INVITE);
    const a = parseMessage(bytes);
    const b = parseMessage(INVITE);
    expect(a.headerFields()).toEqual(b.headerFields());
    expect(serializeMessage(a)).toEqual(bytes);
  });
});

describe("parse errors are typed", () => {
  const cases: [string, string][] = [
    ["", "EMPTY"],
    ["\r\n\r\n", "EMPTY"],
    ["INVITE sip:a@b SIP/2.0\r\nVia: x\r\n", "INCOMPLETE"],
    ["INVITE sip:a@b SIP/2.0\r\nNoColonHere\r\n\r\n", "BAD_HEADER"],
    ["INVITE sip:a@b SIP/2.0\r\n folded-first: x\r\n\r\n", "BAD_HEADER"],
    ["INVITE sip:a@b SIP/2.0\r\nBad\u0001: x\r\n\r\n", "BAD_HEADER"],
    ["INVITE sip:a@b SIP/2.0\r\nX: a\u0000b\r\n\r\n", "BAD_HEADER"],
    ["INVITE sip:a@b SIP/2.0\r\nX: \"a\u0007\"\r\n\r\n", "BAD_HEADER"],
    ["INV@TE sip:a@b SIP/2.0\r\n\r\n", "BAD_METHOD"],
    ["INVITE sip:a@b SIP/3.0\r\n\r\n", "BAD_VERSION"],
    ["INVITE sip:a@b\r\n\r\n", "BAD_START_LINE"],
    ["INVITE nocolon SIP/2.0\r\n\r\n", "BAD_REQUEST_URI"],
    ["SIP/2.0 99 Low\r\n\r\n", "BAD_STATUS"],
    ["SIP/2.0 700 High\r\n\r\n", "BAD_STATUS"],
    ["SIP/2.0 2000 Long\r\n\r\n", "BAD_STATUS"],
    ["SIP/1.0 200 OK\r\n\r\n", "BAD_VERSION"],
    ["BYE sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab", "BAD_CONTENT_LENGTH"],
    ["BYE sip:a@b SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n", "BAD_CONTENT_LENGTH"],
    ["BYE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nab", "BODY_TRUNCATED"],
  ];
  for (const [text, code] of cases) {
    it(`${JSON.stringify(text.slice(0, 40))} -> ${code}`, () => {
      const r = tryParseMessage(text);
      // A failure value: the code and the byte offset, no Error object built for it.
      expect(r).toEqual({ ok: false, code, offset: expect.any(Number) });
      if (r.ok) return;
      expect(r.offset).toBeGreaterThanOrEqual(0);
      expect(r.offset).toBeLessThanOrEqual(text.length);
      const e = thrown(() => parseMessage(text));
      expect(e).toBeInstanceOf(SipParseError);
      expect(e).toMatchObject({ code, offset: r.offset });
      expect((e as SipParseError).message).toBe(`${sipErrorText(code)} at byte ${r.offset}`);
    });
  }

  it("RFC 3261 §25.1: failure offsets point at the problem", () => {
    expect(tryParseMessage("INVITE sip:a@b SIP/2.0\r\nNoColonHere\r\n\r\n")).toEqual({ ok: false, code: "BAD_HEADER", offset: 35 });
    expect(tryParseMessage("INV@TE sip:a@b SIP/2.0\r\n\r\n")).toEqual({ ok: false, code: "BAD_METHOD", offset: 3 });
    expect(tryParseMessage("SIP/2.0 700 High\r\n\r\n")).toEqual({ ok: false, code: "BAD_STATUS", offset: 8 });
  });

  it("limits: message size, header count and header length", () => {
    const many = "OPTIONS sip:a@b SIP/2.0\r\n" + "X: y\r\n".repeat(20) + "\r\n";
    expect(tryParseMessage(many, { limits: { maxHeaders: 10 } })).toMatchObject({ ok: false, code: "TOO_MANY_HEADERS" });
    const long = "OPTIONS sip:a@b SIP/2.0\r\nX: " + "y".repeat(200) + "\r\n\r\n";
    expect(tryParseMessage(long, { limits: { maxHeaderLength: 100 } })).toMatchObject({ ok: false, code: "HEADER_TOO_LONG" });
    expect(tryParseMessage(long, { limits: { maxMessageSize: 100 } })).toMatchObject({ ok: false, code: "MESSAGE_TOO_LARGE" });
    expect(tryParseMessage(new Uint8Array(70000))).toMatchObject({ ok: false, code: "MESSAGE_TOO_LARGE" });
  });

  it("a malformed header value is a SipParseError naming the header", () => {
    const m = parseMessage("BYE sip:a@b SIP/2.0\r\nCSeq: banana\r\nMax-Forwards: 300\r\n\r\n");
    expect(thrown(() => m.cseq)).toMatchObject({ name: "SipParseError", code: "BAD_CSEQ", header: "CSeq", offset: 0 });
    const e = thrown(() => m.maxForwards);
    expect(e).toBeInstanceOf(SipParseError);
    expect(e).toMatchObject({ code: "BAD_NUMBER", header: "Max-Forwards", offset: 0 });
    expect((e as SipParseError).message).toMatch(/^Max-Forwards: /);
    expect(thrown(() => m.callId)).toMatchObject({ name: "SipParseError", code: "MISSING_HEADER", header: "Call-ID" });
  });
});

describe("auth accessors (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 7235 §4.1)", () => {
  const response = (...fields: string[]): SipResponse =>
    parseMessage(
      "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
        "To: <sip:bob@biloxi.example.com>;tag=1\r\nFrom: <sip:alice@atlanta.example.com>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n" +
        fields.map((f) => `${f}\r\n`).join("") +
        "Content-Length: 0\r\n\r\n",
    ) as SipResponse;

  it("RFC 7235 §4.1: every challenge of every field, several in one field, any scheme", () => {
    const m = response('WWW-Authenticate: Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="1"', 'WWW-Authenticate: Basic realm="b"');
    expect(m.wwwAuthenticate.map((c) => [c.scheme, c.params.realm, c.params.algorithm])).toEqual([
      ["Digest", "a", "SHA-256"],
      ["Digest", "a", undefined],
      ["Basic", "b", undefined],
    ]);
    expect(m.wwwAuthenticate).toBe(m.wwwAuthenticate); // parsed once, cached
    expect(String(m.wwwAuthenticate[2])).toBe('Basic realm="b"');
  });

  it("a malformed field is left out and nothing throws; the other fields still count", () => {
    const m = response('WWW-Authenticate: Digest realm="a', 'WWW-Authenticate: Digest realm="b", nonce="2"', "Proxy-Authenticate: ,,", "Proxy-Authenticate: Digest nonce=a/b");
    expect(m.wwwAuthenticate.map((c) => c.params.realm)).toEqual(["b"]);
    expect(m.proxyAuthenticate).toEqual([]);
    expect(m.authorization).toEqual([]);
    const req = parseMessage(INVITE.replace("Max-Forwards: 70\r\n", 'Max-Forwards: 70\r\nAuthorization: Bearer mF_9.B5f-4.1JqM\r\nProxy-Authorization: Digest username="x\r\n')) as SipRequest;
    expect(req.authorization).toEqual([{ scheme: "Bearer", params: {}, token68: "mF_9.B5f-4.1JqM" }]);
    expect(req.proxyAuthorization).toEqual([]);
  });
});

describe("changing and serializing", () => {
  it("add, set, remove headers; removeFirstValue pops the top Via", () => {
    const m = parseMessage(INVITE);
    m.addHeader("Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKnew", { prepend: true });
    expect(m.branch).toBe("z9hG4bKnew");
    expect(m.via).toHaveLength(4);
    m.removeFirstValue("Via");
    expect(m.branch).toBe("z9hG4bK776asdhds");
    m.removeFirstValue("Via");
    m.removeFirstValue("Via");
    expect(m.via.map((v) => v.branch)).toEqual(["z9hG4bKp2"]);
    m.setHeader("Max-Forwards", "69");
    expect(m.maxForwards).toBe(69);
    expect(m.removeHeader("x-custom")).toBe(1);
    expect(m.header("X-Custom")).toBeUndefined();
    m.addHeader("X-New", "1");
    expect(m.headerFields().at(-1)).toEqual({ name: "X-New", value: "1" });
  });

  it("§7.3: a change to one header field re-reads that header and keeps the values read from the others", () => {
    const m = parseMessage(INVITE);
    const from = m.from;
    expect(m.fromTag).toBe("1928301774");
    expect(m.toTag).toBeUndefined();
    expect(m.maxForwards).toBe(70);
    m.setHeader("To", "Bob <sip:bob@biloxi.example.com>;tag=314159");
    expect(m.toTag).toBe("314159");
    expect(m.to.params).toEqual({ tag: "314159" });
    expect(m.from).toBe(from);
    m.setHeader("f", "<sip:carol@chicago.example.com>;tag=abc");
    expect(m.fromTag).toBe("abc");
    expect(String(m.from.uri)).toBe("sip:carol@chicago.example.com");
    m.setHeader("Max-Forwards", "10");
    expect(m.maxForwards).toBe(10);
    m.addHeader("v", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKtop", { prepend: true });
    expect(m.branch).toBe("z9hG4bKtop");
    expect(m.topVia?.host).toBe("proxy.example.com");
    m.setBody("v=1\r\n", "text/plain");
    expect(m.contentType?.type).toBe("text/plain");
    expect(m.branch).toBe("z9hG4bKtop");
    expect(m.removeHeader("Via")).toBe(3);
    expect(m.branch).toBeUndefined();
    expect(m.via).toEqual([]);
  });

  it("§7.4.1: a body given as text is its UTF-8 encoding, whatever its characters and length", () => {
    const m = parseMessage(INVITE);
    const enc = (t: string) => Array.from(new TextEncoder().encode(t));
    for (const text of ["v=0\r\n", "", "s=caf\u00e9 \u{1F600}\r\n", "a=x\r\n".repeat(400), "\u00e9".repeat(700)]) {
      m.setBody(text, "application/sdp");
      expect(Array.from(m.body)).toEqual(enc(text));
      expect(m.bodyText).toBe(text);
      const again = parseMessage(serializeMessage(m));
      expect(again.bodyText).toBe(text);
      expect(again.header("Content-Length")).toBe(String(enc(text).length));
    }
    const r = createResponse(m as SipRequest, 200, undefined, { toTag: "t", body: "o=- 1 1 IN IP4 h\u00f6st\r\n", contentType: "application/sdp" });
    expect(Array.from(r.body)).toEqual(enc("o=- 1 1 IN IP4 h\u00f6st\r\n"));
  });

  it("parse -> serialize -> parse gives the same message, with a correct Content-Length", () => {
    const m = parseMessage(INVITE);
    m.setHeader("Subject", "changed");
    m.setBody("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
    const bytes = serializeMessage(m);
    const again = parseMessage(bytes);
    expect(again.headerFields()).toEqual(
      m.headerFields().map((f) => (f.name === "Content-Length" ? { name: f.name, value: String(m.body.length) } : f)),
    );
    expect(again.bodyText).toBe(m.bodyText);
    expect(again.header("Content-Length")).toBe(String(m.body.length));
    expect(messageSize(m)).toBe(bytes.length);
  });

  it("serializeMessageInto writes at an offset and refuses a short buffer", () => {
    const m = parseMessage(INVITE);
    const dst = new Uint8Array(2048);
    const n = serializeMessageInto(m, dst, 10);
    expect(parseMessage(dst.subarray(10, 10 + n)).callId).toBe(m.callId);
    expect(() => serializeMessageInto(m, new Uint8Array(10))).toThrow(RangeError);
    m.setHeader("Subject", "x");
    const k = serializeMessageInto(m, dst, 0);
    expect(parseMessage(dst.subarray(0, k)).header("subject")).toBe("x");
    expect(() => serializeMessageInto(m, new Uint8Array(10))).toThrow(RangeError);
  });

  it("clone is independent", () => {
    const m = parseMessage(INVITE);
    const c = m.clone();
    c.setHeader("Call-ID", "other");
    expect(m.callId).toBe("a84b4c76e66710@pc33.atlanta.example.com");
    expect(c.callId).toBe("other");
  });
});

describe("building (RFC 3261 §8.1.1, §8.2.6)", () => {
  it("§8.1.1: createRequest writes the mandatory headers and serializes", () => {
    const r = createRequest({
      method: "OPTIONS",
      uri: "sip:carol@chicago.example.com",
      from: '"Alice" <sip:alice@atlanta.example.com>;tag=88sja8x',
      to: "<sip:carol@chicago.example.com>",
      callId: "a84b4c76e66710",
      cseq: 63104,
      via: "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877",
      headers: [["Accept", "application/sdp"]],
    });
    const p = parseMessage(serializeMessage(r)) as SipRequest;
    expect(p.method).toBe("OPTIONS");
    expect(p.maxForwards).toBe(70);
    expect(p.cseq).toEqual({ seq: 63104, method: "OPTIONS" });
    expect(p.fromTag).toBe("88sja8x");
    expect(p.header("content-length")).toBe("0");
    expect(p.header("accept")).toBe("application/sdp");
  });

  it("§8.1.1.5: a built request's CSeq is what its text parses to; a method that is no token still fails to parse", () => {
    const init = { uri: "sip:carol@chicago.example.com", from: "<sip:a@a.example.com>;tag=1", to: "<sip:c@c.example.com>", callId: "c1" };
    const r = createRequest({ ...init, method: "INFO", cseq: 2147483647 });
    expect(r.cseq).toEqual({ seq: 2147483647, method: "INFO" });
    expect(r.cseq).toEqual((parseMessage(serializeMessage(r)) as SipRequest).cseq);
    const res = createResponse(r, 200);
    expect(res.cseq).toEqual({ seq: 2147483647, method: "INFO" });
    // The response's CSeq is its own value: changing it leaves the request's alone.
    res.cseq.seq = 1;
    expect(r.cseq.seq).toBe(2147483647);
    expect(() => createRequest({ ...init, method: "IN FO", cseq: 1 }).cseq).toThrow(SipParseError);
    expect(() => createRequest({ ...init, method: "INFO", cseq: 2147483648 }).cseq).toThrow(SipParseError);
    expect(() => createRequest({ ...init, method: "INFO", cseq: 1.5 }).cseq).toThrow(SipParseError);
  });

  it("§8.2.6.2: a response to a built request copies its fields, canonically spelled, and keeps them when the request changes", () => {
    const req = createRequest({
      method: "INVITE",
      uri: "sip:bob@biloxi.example.com",
      from: "<sip:alice@atlanta.example.com>;tag=1928301774",
      to: "<sip:bob@biloxi.example.com>",
      callId: "a84b4c76e66710",
      cseq: 314159,
      via: "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
    });
    req.addHeader("v", "SIP/2.0/UDP p1.example.com;branch=z9hG4bK1", { prepend: true });
    req.addHeader("i", "ignored-second-call-id");
    const res = createResponse(req, 180, undefined, { toTag: "a6c85cf" });
    const text = res.toString();
    expect(text).toContain("\r\nVia: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n");
    expect(text).toContain("\r\nCall-ID: a84b4c76e66710\r\n");
    expect(text).not.toContain("ignored-second-call-id");
    expect(res.header("To")).toBe("<sip:bob@biloxi.example.com>;tag=a6c85cf");
    req.setHeader("From", "<sip:carol@chicago.example.com>;tag=2");
    req.removeFirstValue("Via");
    req.setHeader("Call-ID", "changed");
    expect(res.toString()).toBe(text);
    expect(res.fromTag).toBe("1928301774");
  });

  it("§8.2.6.2: createResponse copies Via, From, Call-ID, CSeq and adds the To tag", () => {
    const req = parseMessage(INVITE) as SipRequest;
    const res = createResponse(req, 200, undefined, { toTag: "a6c85cf", body: "v=0\r\n", contentType: "application/sdp" });
    const p = parseMessage(serializeMessage(res)) as SipResponse;
    expect(p.status).toBe(200);
    expect(p.reason).toBe("OK");
    expect(p.headers("via")).toEqual(req.headers("via"));
    expect(p.header("from")).toBe(req.header("from"));
    expect(p.toTag).toBe("a6c85cf");
    expect(p.callId).toBe(req.callId);
    expect(p.cseq).toEqual(req.cseq);
    expect(p.bodyText).toBe("v=0\r\n");
    const trying = createResponse(req, 100, undefined, { toTag: "x" });
    expect(trying.toTag).toBeUndefined();
  });
});

describe("tags and branch of a built response (RFC 3261 §8.2.6.2)", () => {
  it("§8.2.6.2: a response's From tag, To tag and top Via branch read as a fresh scan of its fields reads them", () => {
    const parsed = parseMessage(INVITE) as SipRequest;
    const inDialog = parseMessage(INVITE.replace("To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag=b0b")) as SipRequest;
    const built = createRequest({
      method: "BYE",
      uri: "sip:bob@192.0.2.4",
      from: "<sip:alice@atlanta.example.com>;tag=a1",
      to: "<sip:bob@biloxi.example.com>;tag=b2",
      callId: "c",
      cseq: 2,
      via: "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb1",
    });
    const noVia = createRequest({ method: "OPTIONS", uri: "sip:x@y", from: "<sip:a@b>", to: "<sip:x@y>", callId: "n", cseq: 1 });
    const cases: [SipRequest, number, string | undefined, [string, string][]][] = [
      [parsed, 200, "t0", []],
      [parsed, 100, "t1", []],
      [inDialog, 200, "other", []],
      [built, 200, undefined, []],
      [noVia, 200, "t3", [["Via", "SIP/2.0/UDP h;branch=z9hG4bKadded"], ["From", "<sip:c@d>;tag=late"]]],
    ];
    for (const [req, status, toTag, headers] of cases) {
      const res = createResponse(req, status, undefined, { ...(toTag !== undefined ? { toTag } : {}), headers });
      const fresh = parseMessage(serializeMessage(res)) as SipResponse;
      expect([res.fromTag, res.toTag, res.branch]).toEqual([fresh.fromTag, fresh.toTag, fresh.branch]);
    }
    expect(createResponse(inDialog, 200, undefined, { toTag: "other" }).toTag).toBe("b0b");
    expect(createResponse(noVia, 200, undefined, { headers: [["Via", "SIP/2.0/UDP h;branch=z9hG4bKadded"]] }).branch).toBe("z9hG4bKadded");
  });
});

describe("tag and branch fast paths", () => {
  it("RFC 3261 §19.3, §8.1.1.7: the Wasm scan and the JS scan agree on every fixture", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { findHeaderParam } = await import("../../src/sip/header-scan.ts");
    const dirs = ["test/vectors/rfc4475", "test/vectors/rfc5118", "bench/corpus"];
    let checked = 0;
    for (const dir of dirs) {
      for (const f of readdirSync(dir)) {
        if (!/\.(dat|sip|txt)$/.test(f) && !f.includes(".")) continue;
        const r = tryParseMessage(new Uint8Array(readFileSync(`${dir}/${f}`)));
        if (!r.ok) continue;
        const m = r.value;
        const from = m.header("from");
        const to = m.header("to");
        const via = m.header("via");
        if (from !== undefined) expect(m.fromTag, `${f} From`).toBe(findHeaderParam(from, "tag"));
        if (to !== undefined) expect(m.toTag, `${f} To`).toBe(findHeaderParam(to, "tag"));
        if (via !== undefined) expect(m.branch, `${f} Via`).toBe(findHeaderParam(via, "branch"));
        const c = m.clone();
        c.addHeader("X-Changed", "1");
        expect(c.fromTag).toBe(m.fromTag);
        expect(c.toTag).toBe(m.toTag);
        expect(c.branch).toBe(m.branch);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("quoted display names and URI parameters are not mistaken for header parameters", async () => {
    const { findHeaderParam } = await import("../../src/sip/header-scan.ts");
    expect(findHeaderParam('"A;tag=no" <sip:a@b;tag=nope>;tag=yes', "tag")).toBe("yes");
    expect(findHeaderParam("<sip:a@b;tag=nope>", "tag")).toBeUndefined();
    expect(findHeaderParam("sip:a@b;TAG = x", "tag")).toBe("x");
    expect(findHeaderParam("SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP g;branch=z9hG4bK2", "branch")).toBe("z9hG4bK1");
    expect(findHeaderParam("SIP/2.0/UDP h, SIP/2.0/UDP g;branch=z9hG4bK2", "branch")).toBeUndefined();
  });
});

describe("tag and branch fast paths under mutation", () => {
  it("the Wasm and JS scans agree on 20 000 mutated From/To/Via lines", async () => {
    const { findHeaderParam } = await import("../../src/sip/header-scan.ts");
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pieces = [";", "tag", "=", " ", "\t", "\r\n ", '"', "\\", "<", ">", ",", "branch", "x", "z9hG4bK", "sip:a@b", "TAG"];
    let agreed = 0;
    for (let i = 0; i < 20000; i++) {
      let v = "";
      const k = 1 + rnd(14);
      for (let j = 0; j < k; j++) v += pieces[rnd(pieces.length)];
      const text = `BYE sip:a@b SIP/2.0\r\nFrom: ${v}\r\nTo: ${v}\r\nVia: SIP/2.0/UDP h${v}\r\n\r\n`;
      const r = tryParseMessage(text);
      if (!r.ok) continue;
      const m = r.value;
      expect(m.fromTag).toBe(findHeaderParam(m.header("from")!, "tag"));
      expect(m.branch).toBe(findHeaderParam(m.header("via")!, "branch"));
      agreed++;
    }
    expect(agreed).toBeGreaterThan(10000);
  });
});

describe("messages outliving the tokenizer's ring of token tables", () => {
  it("a message parsed long ago still reads its headers (its table is copied out when the slot is reused)", () => {
    const msgs = [];
    for (let i = 0; i < 200; i++) {
      msgs.push(parseMessage(`MESSAGE sip:a@b SIP/2.0\r\nCall-ID: id-${i}\r\nCSeq: ${i + 1} MESSAGE\r\nFrom: <sip:a@b>;tag=f${i}\r\nX-N: ${i}\r\nContent-Length: 1\r\n\r\n${i % 10}`));
    }
    msgs.forEach((m, i) => {
      expect(m.callId).toBe(`id-${i}`);
      expect(m.cseq.seq).toBe(i + 1);
      expect(m.fromTag).toBe(`f${i}`);
      expect(m.header("x-n")).toBe(String(i));
      expect(m.bodyText).toBe(String(i % 10));
      expect(serializeMessage(m).length).toBeGreaterThan(50);
    });
    const early = msgs[0]!;
    for (let i = 0; i < 100; i++) parseMessage("OPTIONS sip:x@y SIP/2.0\r\nCall-ID: other\r\n\r\n");
    expect(early.header("X-N")).toBe("0");
    expect(early.clone().callId).toBe("id-0");
  });
});

describe("printing a message", () => {
  it("JSON.stringify gives the start line, headers and body, not internal state", () => {
    const m = parseMessage(INVITE);
    const j = JSON.parse(JSON.stringify(m));
    expect(j.startLine).toBe("INVITE sip:bob@biloxi.example.com SIP/2.0");
    expect(j.headers[0]).toEqual({ name: "Via", value: "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport" });
    expect(j.body).toBe("v=0\n");
    expect(JSON.stringify(m).length).toBeLessThan(2 * INVITE.length);
  });
});

describe("header ids", () => {
  it("RFC 3261 §7.3.3: the Wasm tokenizer and the TS table give every known name and compact form the same id", async () => {
    const { HEADER_NAMES, headerId } = await import("../../src/sip/header-names.ts");
    const names = [...HEADER_NAMES.slice(1), ..."vfticmlskeorbuxajdyn".split("")];
    for (const name of names) {
      for (const spelled of [name, name.toUpperCase(), name.toLowerCase()]) {
        const m = parseMessage(`OPTIONS sip:a@b SIP/2.0\r\n${spelled}: 0\r\n\r\n`);
        // the tokenizer's id decides which typed accessor finds the field: compare through header()
        expect(m.header(name), spelled).toBe("0");
        expect(m._tt!.at(24), spelled).toBe(headerId(name)); // first entry (T_FIXED = 24): its id
      }
    }
  });
});
