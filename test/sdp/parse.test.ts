import { describe, expect, it } from "vitest";
import { formatSdp, parseSdp, SdpParseError, tryParseSdp } from "../../src/sdp/index.ts";
import { allFixtures, fixture, fixtures } from "./fixtures.ts";

const CRLF = (lines: string[]) => lines.map((l) => `${l}\r\n`).join("");

const MINIMAL = ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0"];

function failure(text: string) {
  const r = tryParseSdp(text);
  if (r.ok) throw new Error("parsed");
  return r;
}

describe("SDP parse and format", () => {
  it("RFC 8866 §5: the example session description, every field", () => {
    const sd = parseSdp(fixture("rfc8866/5-example.sdp"));
    expect(sd.version).toBe(0);
    expect(sd.origin).toEqual({ username: "jdoe", sessionId: "3724394400", sessionVersion: "3724394405", netType: "IN", addrType: "IP4", address: "198.51.100.1" });
    expect(sd.sessionName).toBe("Call to John Smith");
    expect(sd.information).toBe("SDP Offer #1");
    expect(sd.uri).toBe("http://www.jdoe.example.com/home.html");
    expect(sd.emails).toEqual(["Jane Doe <jane@jdoe.example.com>"]);
    expect(sd.phones).toEqual(["+1 617 555-6011"]);
    expect(sd.connection).toEqual({ netType: "IN", addrType: "IP4", address: "198.51.100.1" });
    expect(sd.timings).toEqual([{ start: 0, stop: 0, repeats: [] }]);
    expect(sd.media.map((m) => [m.type, m.port, m.protocol, m.formats])).toEqual([
      ["audio", 49170, "RTP/AVP", ["0"]],
      ["audio", 49180, "RTP/AVP", ["0"]],
      ["video", 51372, "RTP/AVP", ["99"]],
    ]);
    expect(sd.media[2]!.connection).toEqual({ netType: "IN", addrType: "IP6", address: "2001:db8::2" });
    expect(sd.media[2]!.rtpMap(99)).toEqual({ payloadType: 99, encoding: "h263-1998", clockRate: 90000 });
    expect(sd.connectionOf(sd.media[0]!)?.address).toBe("198.51.100.1");
  });

  for (const [name, text] of [...fixtures("rfc4317"), ...fixtures("rfc4568"), ...fixtures("rfc8866")]) {
    it(`round trip byte for byte: ${name}`, () => {
      expect(formatSdp(parseSdp(text))).toBe(text);
      expect(parseSdp(new TextEncoder().encode(text)).toString()).toBe(text);
    });
  }

  it("RFC 3264 §10: every example round-trips (§9's t= before c= is written in RFC 8866 order)", () => {
    for (const [name, text] of fixtures("rfc3264")) {
      const out = formatSdp(parseSdp(text));
      if (name.endsWith("9-capabilities.sdp")) {
        expect(out).toBe(text.replace("t=0 0\r\nc=IN IP4 192.0.2.4\r\n", "c=IN IP4 192.0.2.4\r\nt=0 0\r\n"));
      } else expect(out, name).toBe(text);
    }
  });

  it("RFC 4317 §1: s= with a single space is kept", () => {
    expect(parseSdp(fixture("rfc4317/2.1-offer.sdp")).sessionName).toBe(" ");
  });

  it("RFC 8866 §5: every line type, repeated and optional lines, in order", () => {
    const text = CRLF([
      "v=0", "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1", "s=Seminar", "i=About SDP",
      "u=http://www.example.com/seminars/sdp.pdf", "e=j.doe@example.com (Jane Doe)", "e=jane@example.org",
      "p=+1 617 555-6011", "c=IN IP4 233.252.0.1/127/3", "b=CT:128", "b=AS:512", "t=2873397496 2873404696",
      "r=7d 1h 0 25h", "r=604800 3600 0 90000", "t=3724394400 3724398000", "z=2882844526 -1h 2898848070 0",
      "k=prompt", "a=recvonly", "a=tool:siphon", "m=audio 49170/2 RTP/AVP 0", "i=voice", "c=IN IP6 ff00::db8:0:101/3",
      "b=AS:64", "k=clear:secret", "a=ptime:20", "m=application 5000 udp wb", "a=orient:portrait",
    ]);
    const sd = parseSdp(text);
    expect(formatSdp(sd)).toBe(text);
    expect(sd.connection).toEqual({ netType: "IN", addrType: "IP4", address: "233.252.0.1", ttl: 127, count: 3 });
    expect(sd.bandwidths).toEqual([{ type: "CT", value: 128 }, { type: "AS", value: 512 }]);
    expect(sd.timings).toEqual([
      { start: 2873397496, stop: 2873404696, repeats: ["7d 1h 0 25h", "604800 3600 0 90000"] },
      { start: 3724394400, stop: 3724398000, repeats: [] },
    ]);
    expect(sd.timeZones).toBe("2882844526 -1h 2898848070 0");
    expect(sd.key).toBe("prompt");
    expect(sd.direction).toBe("recvonly");
    const [m, app] = sd.media;
    expect([m!.port, m!.portCount, m!.information, m!.key, m!.ptime]).toEqual([49170, 2, "voice", "clear:secret", 20]);
    expect(m!.connection).toEqual({ netType: "IN", addrType: "IP6", address: "ff00::db8:0:101", count: 3 });
    expect(sd.directionOf(m!)).toBe("recvonly");
    expect(app!.formats).toEqual(["wb"]);
    expect(app!.isRtp).toBe(false);
    expect(app!.attribute("orient")).toBe("portrait");
  });

  it("RFC 8866 §5: lines of unknown type and repeated single lines are kept verbatim in place", () => {
    const text = CRLF([
      ...MINIMAL.slice(0, 3), "x=first unknown", "c=IN IP4 192.0.2.1", "c=IN IP4 192.0.2.2", "t=0 0",
      "a=one", "y=between attributes ", "a=two", "m=audio 4000 RTP/AVP 0", "i=a", "i=b", "a=x:1", "w=media unknown",
    ]);
    const sd = parseSdp(text);
    expect(formatSdp(sd)).toBe(text);
    expect(sd.connection?.address).toBe("192.0.2.1");
    expect(sd.extraLines.map((l) => `${l.type}=${l.value}`)).toEqual(["x=first unknown", "c=IN IP4 192.0.2.2", "y=between attributes "]);
    expect(sd.media[0]!.information).toBe("a");
    expect(sd.media[0]!.extraLines.map((l) => l.type)).toEqual(["i", "w"]);
  });

  it("lenient: LF-only lines, trailing blanks, blank lines, extra spaces, no final line end", () => {
    const sloppy = "v=0\no=-  1 1 IN IP4 192.0.2.1 \ns=-\n\nt=0 0\t\nm=audio  4000 RTP/AVP 0  8\na=sendrecv \na=rtpmap:0 PCMU/8000";
    const sd = parseSdp(sloppy);
    expect(sd.origin.sessionId).toBe("1");
    expect(sd.media[0]!.formats).toEqual(["0", "8"]);
    expect(sd.media[0]!.direction).toBe("sendrecv");
    expect(formatSdp(sd)).toBe(CRLF([...MINIMAL, "m=audio 4000 RTP/AVP 0 8", "a=sendrecv", "a=rtpmap:0 PCMU/8000"]));
    // The canonical text parses to the same text again.
    expect(formatSdp(parseSdp(formatSdp(sd)))).toBe(formatSdp(sd));
  });

  it("lenient: lines out of RFC 8866 order within a section are accepted and written in order", () => {
    const sd = parseSdp(CRLF(["v=0", "s=-", "t=0 0", "o=- 1 1 IN IP4 192.0.2.1", "m=audio 4000 RTP/AVP 0", "a=ptime:20", "c=IN IP4 192.0.2.9"]));
    expect(sd.media[0]!.connection?.address).toBe("192.0.2.9");
    expect(formatSdp(sd)).toBe(CRLF([...MINIMAL, "m=audio 4000 RTP/AVP 0", "c=IN IP4 192.0.2.9", "a=ptime:20"]));
  });

  it("lenient: an empty s= and an m= line without formats", () => {
    const sd = parseSdp(CRLF(["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=", "t=0 0", "m=video 0 RTP/AVP"]));
    expect(sd.sessionName).toBe("");
    expect(sd.media[0]!.formats).toEqual([]);
  });

  const bad: [string, string[], string, number][] = [
    ["RFC 8866 §5.1: first line not v=", ["o=- 1 1 IN IP4 192.0.2.1", "v=0", "s=-", "t=0 0"], "BAD_VERSION", 1],
    ["RFC 8866 §5.1: v=1", ["v=1", ...MINIMAL.slice(1)], "BAD_VERSION", 1],
    ["RFC 8866 §5.2: o= with five fields", ["v=0", "o=- 1 1 IN IP4", "s=-", "t=0 0"], "BAD_ORIGIN", 2],
    ["RFC 8866 §5.2: non-numeric session id", ["v=0", "o=- abc 1 IN IP4 192.0.2.1", "s=-", "t=0 0"], "BAD_ORIGIN", 2],
    ["RFC 8866 §5.7: c= with two fields", [...MINIMAL.slice(0, 3), "c=IN 192.0.2.1", "t=0 0"], "BAD_CONNECTION", 4],
    ["RFC 8866 §5.8: b= without a colon", [...MINIMAL.slice(0, 3), "b=AS512", "t=0 0"], "BAD_BANDWIDTH", 4],
    ["RFC 8866 §5.9: t= with one time", [...MINIMAL.slice(0, 3), "t=0"], "BAD_TIMING", 4],
    ["RFC 8866 §5.10: r= before any t=", [...MINIMAL.slice(0, 3), "r=7d 1h 0", "t=0 0"], "BAD_REPEAT", 4],
    ["RFC 8866 §5.14: m= port not a number", [...MINIMAL, "m=audio port RTP/AVP 0"], "BAD_MEDIA", 5],
    ["RFC 8866 §5.14: m= port above 65535", [...MINIMAL, "m=audio 65536 RTP/AVP 0"], "BAD_MEDIA", 5],
    ["RFC 8866 §5.14: m= with two fields", [...MINIMAL, "m=audio 4000"], "BAD_MEDIA", 5],
    ["RFC 8866 §5.13: attribute name not a token", [...MINIMAL, "a=bad name:1"], "BAD_ATTRIBUTE", 5],
    ["RFC 8866 §5.13: empty attribute name", [...MINIMAL, "a=:1"], "BAD_ATTRIBUTE", 5],
    ["RFC 8866 §5: spaces around =", ["v = 0", ...MINIMAL.slice(1)], "BAD_LINE", 1],
    ["RFC 8866 §5: upper-case type", [...MINIMAL, "A=sendrecv"], "BAD_LINE", 5],
    ["RFC 8866 §5: line without =", [...MINIMAL, "garbage"], "BAD_LINE", 5],
    ["RFC 8866 §5: no s=", ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "t=0 0"], "MISSING_LINE", 0],
    ["RFC 8866 §5: no t=", MINIMAL.slice(0, 3), "MISSING_LINE", 0],
    ["RFC 8866 §5: two o= lines", [...MINIMAL.slice(0, 2), ...MINIMAL.slice(1)], "DUPLICATE_LINE", 3],
    ["RFC 8866 §5: t= inside a media section", [...MINIMAL, "m=audio 4000 RTP/AVP 0", "t=0 0"], "MISPLACED_LINE", 6],
    ["RFC 8866 §9: NUL in a value", [...MINIMAL, "a=tool:x\0y"], "BAD_CHARACTER", 5],
    ["RFC 8866 §9: bare CR inside a line", [...MINIMAL, "a=tool:x\ry"], "BAD_CHARACTER", 5],
  ];
  for (const [name, lines, code, line] of bad) {
    it(`${name} → ${code} at line ${line}`, () => {
      const text = CRLF(lines);
      const r = failure(text);
      expect(r.code).toBe(code);
      let e: unknown;
      try {
        parseSdp(text);
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(SdpParseError);
      const err = e as SdpParseError;
      expect(err.code).toBe(code);
      expect(err.line).toBe(line);
      expect(err.offset).toBe(r.offset);
      if (line > 0) {
        // The offset is the start of the offending line, and the message quotes it.
        expect(text.slice(r.offset).startsWith(lines[line - 1]!)).toBe(true);
        expect(err.message).toContain(`line ${line}`);
      }
    });
  }

  it("empty input and blank lines only → EMPTY", () => {
    expect(failure("").code).toBe("EMPTY");
    expect(failure("\r\n\r\n").code).toBe("EMPTY");
  });

  it("bytes that are not UTF-8 → BAD_ENCODING", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(CRLF(MINIMAL)), 0x61, 0x3d, 0xff, 0xfe]);
    expect(tryParseSdp(bytes)).toEqual({ ok: false, code: "BAD_ENCODING", offset: 0 });
    expect(() => parseSdp(bytes)).toThrow(SdpParseError);
  });

  it("limits: size, lines, media sections and attributes", () => {
    const text = CRLF([...MINIMAL, "m=audio 1 RTP/AVP 0", "a=x", "a=y", "m=audio 2 RTP/AVP 0"]);
    expect(tryParseSdp(text, { maxLength: 20 })).toEqual({ ok: false, code: "TOO_LARGE", offset: 0 });
    const r1 = tryParseSdp(text, { maxLines: 6 });
    expect(r1.ok ? "" : r1.code).toBe("TOO_MANY_LINES");
    const r2 = tryParseSdp(text, { maxMedia: 1 });
    expect(r2.ok ? "" : r2.code).toBe("TOO_MANY_MEDIA");
    const r3 = tryParseSdp(text, { maxAttributes: 1 });
    expect(r3.ok ? "" : r3.code).toBe("TOO_MANY_ATTRIBUTES");
    expect(tryParseSdp(text).ok).toBe(true);
    expect(() => parseSdp("x".repeat(70_000))).toThrow(SdpParseError);
  });

  it("every fixture parses to a value that prints and re-parses to the same text", () => {
    for (const [name, text] of allFixtures()) {
      const once = formatSdp(parseSdp(text));
      expect(formatSdp(parseSdp(once)), name).toBe(once);
    }
  });

  it("toJSON gives plain fields and toString the SDP", () => {
    const sd = parseSdp(fixture("rfc4317/2.8-answer.sdp"));
    const json = JSON.parse(JSON.stringify(sd)) as { origin: { username: string }; media: { port: number; connection?: { address: string } }[] };
    expect(json.origin.username).toBe("bob");
    expect(json.media.map((m) => m.port)).toEqual([49174, 49172]);
    expect(json.media[1]!.connection?.address).toBe("otherhost.biloxi.example.com");
    expect(`${sd}`).toBe(fixture("rfc4317/2.8-answer.sdp"));
    expect(sd.media[1]!.toString()).toBe("m=video 49172 RTP/AVP 32\r\nc=IN IP4 otherhost.biloxi.example.com\r\na=rtpmap:32 MPV/90000\r\n");
  });
});
