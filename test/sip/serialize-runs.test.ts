import { describe, expect, it } from "vitest";
import { parseMessage, serializeMessage, type SipRequest } from "../../src/sip/index.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("serializing a changed parsed message (untouched lines copied in runs)", () => {
  it("RFC 3261 §16.6 step 8: a Via added on top between untouched lines keeps every line after it", () => {
    // The proxy's case: Record-Route first, then Vias and Contact; a new top Via lands between the
    // Record-Route and the old Vias, and Max-Forwards is rewritten further down.
    const m = parseMessage(
      enc.encode(
        "INVITE sip:bob@192.0.2.1 SIP/2.0\r\nRecord-Route: <sip:192.0.2.9;lr>\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKa\r\n" +
          "Via: SIP/2.0/UDP 192.0.2.8;branch=z9hG4bKb\r\nContact: <sip:alice@192.0.2.8>\r\nMax-Forwards: 69\r\nTo: <sip:bob@example.com>\r\n" +
          "From: <sip:alice@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
      ),
    ) as SipRequest;
    m.setHeader("Max-Forwards", "68");
    m.addHeader("Via", "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKc", { prepend: true });
    const out = parseMessage(serializeMessage(m)) as SipRequest;
    expect(out.via.map((v) => v.branch)).toEqual(["z9hG4bKc", "z9hG4bKa", "z9hG4bKb"]);
    expect(out.header("Contact")).toBe("<sip:alice@192.0.2.8>");
    expect(out.maxForwards).toBe(68);
    expect(dec.decode(serializeMessage(m)).split("\r\n").length).toBe(14);
  });
});
