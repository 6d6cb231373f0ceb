import { describe, expect, it } from "vitest";
import { parseMessage, SipParseError, SipRequest, tryParseMessage } from "../../src/sip/index.ts";
import { thrown } from "../thrown.ts";
import type { SipMessage } from "../../src/sip/index.ts";
import { statusForParseError, SipValidationError, validateMessage, validateRequest } from "../../src/sip/validate.ts";
import type { ValidateOptions } from "../../src/sip/validate.ts";

/** An INVITE with every mandatory header; `edit` rewrites its header lines. */
function invite(edit: (lines: string[]) => string[] = (l) => l, body = ""): string {
  const lines = [
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
    "Max-Forwards: 70",
    "To: Bob <sip:bob@biloxi.example.com>",
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
    "CSeq: 314159 INVITE",
    "Contact: <sip:alice@pc33.atlanta.example.com>",
  ];
  const out = edit(lines);
  const start = out[0]!.startsWith("!") ? out.shift()!.slice(1) : "INVITE sip:bob@biloxi.example.com SIP/2.0";
  return `${start}\r\n${out.join("\r\n")}\r\nContent-Length: ${new TextEncoder().encode(body).length}\r\n\r\n${body}`;
}

const RESPONSE =
  "SIP/2.0 200 OK\r\n" +
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
  "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n" +
  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
  "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
  "CSeq: 314159 INVITE\r\n" +
  "Content-Length: 0\r\n\r\n";

function check(text: string, opts?: ValidateOptions): SipValidationError | undefined {
  return validateMessage(parseMessage(text), opts);
}

function without(name: string) {
  return (l: string[]): string[] => l.filter((x) => !x.startsWith(`${name}:`));
}

describe("validateMessage: RFC 3261 syntax checks (400)", () => {
  it("a well-formed request and response pass", () => {
    expect(check(invite())).toBeUndefined();
    expect(check(RESPONSE)).toBeUndefined();
    const req = parseMessage(invite());
    expect(req).toBeInstanceOf(SipRequest);
    expect(validateRequest(req as SipRequest)).toBeUndefined();
  });

  for (const name of ["To", "From", "CSeq", "Call-ID", "Max-Forwards", "Via"]) {
    it(`§8.1.1: a request without ${name} is MISSING_HEADER 400`, () => {
      const v = check(invite(without(name)));
      expect(v).toBeInstanceOf(SipValidationError);
      // A message that parsed and broke a rule is not a parse error.
      expect(v).not.toBeInstanceOf(SipParseError);
      expect(v).toMatchObject({ code: "MISSING_HEADER", status: 400, reason: "Bad Request", check: "mandatory-header", header: name });
    });
  }

  it("§8.1.1 / RFC 4475 §3.4.1: rfc2543 accepts a request without Max-Forwards", () => {
    expect(check(invite(without("Max-Forwards")), { rfc2543: true })).toBeUndefined();
    expect(check(invite(without("Call-ID")), { rfc2543: true })?.header).toBe("Call-ID");
  });

  for (const name of ["From", "To", "CSeq", "Call-ID", "Via"]) {
    it(`§8.2.6.2: a response without ${name} is MISSING_HEADER`, () => {
      const text = RESPONSE.split("\r\n").filter((l) => !l.startsWith(`${name}:`)).join("\r\n");
      expect(check(text)).toMatchObject({ code: "MISSING_HEADER", header: name });
    });
  }

  it("§8.2.6.2: a response needs no Max-Forwards", () => {
    expect(parseMessage(RESPONSE).hasHeader("Max-Forwards")).toBe(false);
    expect(check(RESPONSE)).toBeUndefined();
  });

  it("compact forms count as the header (§7.3.3)", () => {
    const compact = invite((l) =>
      l.map((x) => x.replace(/^Via:/, "v:").replace(/^To:/, "t:").replace(/^From:/, "f:").replace(/^Call-ID:/, "i:")),
    );
    expect(check(compact)).toBeUndefined();
  });

  for (const [name, value] of [
    ["Call-ID", "other@example.com"],
    ["CSeq", "1 INVITE"],
    ["From", "<sip:eve@example.com>;tag=9"],
    ["To", "<sip:carol@example.com>"],
    ["Max-Forwards", "69"],
    ["Expires", "30"],
    ["Date", "Sat, 13 Nov 2010 23:29:00 GMT"],
    ["Subject", "again"],
  ] as const) {
    it(`§7.3.1: ${name} twice is DUPLICATE_HEADER 400`, () => {
      const v = check(invite((l) => [...l, `${name}: ${value}`, ...(name === "Expires" || name === "Date" || name === "Subject" ? [`${name}: ${value}`] : [])]));
      expect(v).toMatchObject({ code: "DUPLICATE_HEADER", status: 400, check: "single-header", header: name });
    });
  }

  it("§7.3.1: two Content-Type fields are DUPLICATE_HEADER; list headers may repeat", () => {
    const v = check(invite((l) => [...l, "Content-Type: application/sdp", "c: text/plain"]));
    expect(v).toMatchObject({ code: "DUPLICATE_HEADER", header: "Content-Type" });
    expect(check(invite((l) => [...l, "Supported: timer", "Supported: 100rel", "Allow: INVITE", "Allow: BYE"]))).toBeUndefined();
    expect(check(invite((l) => [...l, "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2"]))).toBeUndefined();
  });

  it("§8.1.1.5: CSeq method must be the request method (ACK and CANCEL carry their own)", () => {
    expect(check(invite((l) => l.map((x) => (x.startsWith("CSeq:") ? "CSeq: 1 BYE" : x))))).toMatchObject({
      code: "CSEQ_METHOD_MISMATCH",
      status: 400,
      check: "cseq-method",
      header: "CSeq",
    });
    const ack = invite((l) => ["!ACK sip:bob@biloxi.example.com SIP/2.0", ...l.map((x) => (x.startsWith("CSeq:") ? "CSeq: 314159 ACK" : x))]);
    expect(check(ack)).toBeUndefined();
    const cancelWithInvite = invite((l) => ["!CANCEL sip:bob@biloxi.example.com SIP/2.0", ...l]);
    expect(check(cancelWithInvite)?.code).toBe("CSEQ_METHOD_MISMATCH");
    // methods are case-sensitive (§7.1)
    const lower = invite((l) => l.map((x) => (x.startsWith("CSeq:") ? "CSeq: 1 invite" : x)));
    expect(check(lower)?.code).toBe("CSEQ_METHOD_MISMATCH");
  });

  it("malformed known header values are 400 with the header named", () => {
    const cases: [string, string, string][] = [
      ["Via", "Via: SIP/2.0/UDP", "Via"],
      ["CSeq", "CSeq: abc INVITE", "CSeq"],
      ["From", 'From: "unterminated <sip:a@b>', "From"],
      ["Max-Forwards", "Max-Forwards: lots", "Max-Forwards"],
      ["Contact", "Contact: <sip:a@b", "Contact"],
    ];
    for (const [name, line, header] of cases) {
      const v = check(invite((l) => l.map((x) => (x.startsWith(`${name}:`) ? line : x))));
      expect(v, line).toMatchObject({ status: 400, check: "header-value", header });
      expect(v?.cause).toBeInstanceOf(SipParseError);
    }
    const bad = check(invite((l) => [...l, "Expires: soon"]));
    expect(bad).toMatchObject({ status: 400, check: "header-value", header: "Expires" });
    const rseq = check(invite((l) => [...l, "RSeq: x"]));
    expect(rseq).toMatchObject({ status: 400, header: "RSeq" });
  });

  it("§20.7, §20.27, §20.28, §20.44: a malformed auth field is 400 with the header and the offset in its value", () => {
    for (const name of ["Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate"]) {
      const v = check(invite((l) => [...l, `${name}: Digest realm="r", nonce="n"`, `${name}: Digest realm="x" nonce="y"`]));
      expect(v, name).toMatchObject({ status: 400, check: "header-value", code: "BAD_HEADER_VALUE", header: name, offset: 17 });
      expect(v!.message).toBe(`${name}: malformed challenge or credentials`);
    }
    // Other schemes' forms are well-formed (RFC 7235 §2.1): a token68, a bare scheme, several in one field.
    expect(check(invite((l) => [...l, "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "WWW-Authenticate: Negotiate, Basic realm=\"r\""]))).toBeUndefined();
  });

  it("unknown headers are never checked (RFC 4475 §3.1.1.1: UnknownHeaderWithUnusualValue)", () => {
    expect(check(invite((l) => [...l, "X-Odd: ;;,,;;,;", "NewFangled: <<<"]))).toBeUndefined();
  });

  it("§19.1.1 table 1: URI headers are not allowed in a Request-URI; a malformed one is 400", () => {
    const esc = invite((l) => ["!INVITE sip:bob@biloxi.example.com?Route=%3Csip:x%3E SIP/2.0", ...l]);
    expect(check(esc)).toMatchObject({ code: "BAD_REQUEST_URI", status: 400, check: "request-uri" });
    // The tokenizer accepts the line (no whitespace, a colon); the URI grammar does not.
    const m: SipMessage = parseMessage(invite((l) => ["!INVITE sip:[::1 SIP/2.0", ...l]));
    const v = validateMessage(m);
    expect(v).toMatchObject({ code: "BAD_REQUEST_URI", status: 400, check: "request-uri" });
    expect(v?.cause).toMatchObject({ name: "SipParseError", code: "BAD_URI", header: "Request-URI" });
  });

  it("§20.17: Date must be an rfc1123-date in GMT", () => {
    const withDate = (d: string) => invite((l) => [...l, `Date: ${d}`]);
    expect(check(withDate("Sat, 13 Nov 2010 23:29:00 GMT"))).toBeUndefined();
    for (const d of ["Sat, 13 Nov 2010 23:29:00 EST", "Sat, 13 Nov 2010 23:29:00 UTC", "13 Nov 2010", "Sat, 31 Feb 2010 23:29:00 GMT"]) {
      expect(check(withDate(d)), d).toMatchObject({ code: "BAD_HEADER_VALUE", status: 400, check: "date", header: "Date" });
    }
  });
});

describe("validateMessage: policy checks (§8.2, §16.3)", () => {
  it("§8.2.2.1: 416 for a Request-URI scheme not in uriSchemes (case-insensitive)", () => {
    const tel = invite((l) => ["!INVITE tel:+1-201-555-0123 SIP/2.0", ...l]);
    const im = invite((l) => ["!INVITE im:bob@example.com SIP/2.0", ...l]);
    const opts = { uriSchemes: ["sip", "SIPS", "tel"] };
    expect(check(tel, opts)).toBeUndefined();
    expect(check(im, opts)).toMatchObject({ status: 416, reason: "Unsupported URI Scheme", check: "uri-scheme" });
    expect(check(im)).toBeUndefined(); // no policy given
  });

  it("§16.3 step 3: 483 for Max-Forwards 0 only when asked", () => {
    const zero = invite((l) => l.map((x) => (x.startsWith("Max-Forwards:") ? "Max-Forwards: 0" : x)));
    expect(check(zero)).toBeUndefined();
    expect(check(zero, { checkMaxForwards: true })).toMatchObject({ status: 483, reason: "Too Many Hops", header: "Max-Forwards" });
    expect(check(invite(), { checkMaxForwards: true })).toBeUndefined();
    expect(check(invite(without("Max-Forwards")), { checkMaxForwards: true, rfc2543: true })).toBeUndefined();
  });

  it("§8.2.2.3: 420 lists the unsupported Require tags in Unsupported; tags compare case-insensitively", () => {
    const req = invite((l) => [...l, "Require: 100rel, foo", "Require: Timer"]);
    const v = check(req, { supported: ["100rel", "timer"] });
    expect(v).toMatchObject({ status: 420, reason: "Bad Extension", check: "extension", header: "Require" });
    expect(v?.responseHeaders).toEqual([["Unsupported", "foo"]]);
    expect(check(req, { supported: ["100REL", "TIMER", "foo"] })).toBeUndefined();
  });

  it("§8.2.2.3: no 420 for ACK or CANCEL", () => {
    const ack = invite((l) => [
      "!ACK sip:bob@biloxi.example.com SIP/2.0",
      ...l.map((x) => (x.startsWith("CSeq:") ? "CSeq: 314159 ACK" : x)),
      "Require: foo",
      "Proxy-Require: bar",
    ]);
    expect(check(ack, { supported: [], proxySupported: [] })).toBeUndefined();
  });

  it("§16.3 step 5: 420 for unsupported Proxy-Require, before Require", () => {
    const req = invite((l) => [...l, "Proxy-Require: sec-agree", "Require: foo"]);
    const v = check(req, { proxySupported: [], supported: [] });
    expect(v).toMatchObject({ status: 420, header: "Proxy-Require" });
    expect(v?.responseHeaders).toEqual([["Unsupported", "sec-agree"]]);
  });

  it("§8.2.3: 415 with Accept for a body type outside accept; ranges type/* and */*", () => {
    const body = "hello";
    const req = invite((l) => [...l, "Content-Type: Text/Plain;charset=utf-8"], body);
    const v = check(req, { accept: ["application/sdp"] });
    expect(v).toMatchObject({ status: 415, reason: "Unsupported Media Type", check: "media-type", header: "Content-Type" });
    expect(v?.responseHeaders).toEqual([["Accept", "application/sdp"]]);
    expect(check(req, { accept: ["application/sdp", "text/plain"] })).toBeUndefined();
    expect(check(req, { accept: ["text/*"] })).toBeUndefined();
    expect(check(req, { accept: ["*/*"] })).toBeUndefined();
    // no body: nothing to refuse
    expect(check(invite((l) => [...l, "Content-Type: text/plain"]), { accept: ["application/sdp"] })).toBeUndefined();
  });

  it("§8.2.1: 501 with Allow for a method outside methods", () => {
    const msg = invite((l) => ["!PUBLISH sip:bob@biloxi.example.com SIP/2.0", ...l.map((x) => (x.startsWith("CSeq:") ? "CSeq: 1 PUBLISH" : x))]);
    const v = check(msg, { methods: ["INVITE", "ACK", "BYE"] });
    expect(v).toMatchObject({ status: 501, reason: "Not Implemented", check: "method" });
    expect(v?.responseHeaders).toEqual([["Allow", "INVITE, ACK, BYE"]]);
  });

  it("syntax errors come before policy: a 400 wins over 416", () => {
    const msg = invite((l) => ["!INVITE im:bob@example.com SIP/2.0", ...l.filter((x) => !x.startsWith("To:"))]);
    expect(check(msg, { uriSchemes: ["sip"] })).toMatchObject({ status: 400, code: "MISSING_HEADER" });
  });

  it("responses get only the syntax checks", () => {
    expect(check(RESPONSE, { uriSchemes: ["sip"], checkMaxForwards: true, supported: [], accept: [] })).toBeUndefined();
  });
});

describe("statusForParseError", () => {
  it("§21.5.6: 505 for another SIP version; 513 for a message too large; else 400", () => {
    const err = (code: "BAD_VERSION" | "MESSAGE_TOO_LARGE" | "HEADER_TOO_LONG" | "TOO_MANY_HEADERS" | "BAD_HEADER") => new SipParseError(code, code);
    expect(statusForParseError(err("BAD_VERSION"))).toEqual({ status: 505, reason: "Version Not Supported" });
    expect(statusForParseError(err("MESSAGE_TOO_LARGE"))).toEqual({ status: 513, reason: "Message Too Large" });
    expect(statusForParseError(err("HEADER_TOO_LONG")).status).toBe(513);
    expect(statusForParseError(err("TOO_MANY_HEADERS")).status).toBe(513);
    expect(statusForParseError(err("BAD_HEADER"))).toEqual({ status: 400, reason: "Bad Request" });
    // The failure value of tryParseMessage and the error of parseMessage give the same answer.
    const text = "OPTIONS sip:a@b SIP/3.0\r\nContent-Length: 0\r\n\r\n";
    const r = tryParseMessage(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(statusForParseError(r).status).toBe(505);
    const e = thrown(() => parseMessage(text));
    expect(e).toBeInstanceOf(SipParseError);
    expect(statusForParseError(e as SipParseError).status).toBe(505);
  });
});
