// STUN (RFC 8489) messages against the test vectors of RFC 5769, and the Binding client's
// retransmissions (RFC 8489 §6.2.1) on a virtual clock.
import { describe, expect, it } from "vitest";
import {
  createStunBindingClient,
  encodeStunMessage,
  parseStunMessage,
  STUN_ATTRIBUTE,
  STUN_BINDING,
  StunError,
  stunMappedAddress,
  stunMessageSize,
  tryParseStunMessage,
  verifyStunFingerprint,
  verifyStunIntegrity,
  xorMappedAddressValue,
} from "../../src/ice/index.ts";
import { thrown } from "../thrown.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));
const text = (s: string) => new TextEncoder().encode(s);

// RFC 5769 §2.1: Sample Request (short-term credentials: password "VOkJxbRl1RmTxUk/WvJxBt").
const REQUEST = hex(`00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);
// RFC 5769 §2.2: Sample IPv4 Response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
const RESPONSE_V4 = hex(`01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43
  00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
  80 28 00 04 c0 7d 4c 96`);
// RFC 5769 §2.3: Sample IPv6 Response, XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
const RESPONSE_V6 = hex(`01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
  80 28 00 04 c8 fb 0b 4c`);
const PASSWORD = text("VOkJxbRl1RmTxUk/WvJxBt");
const ID = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");

describe("STUN messages (RFC 8489)", () => {
  it("RFC 5769 §2.1: the sample request parses, and its MESSAGE-INTEGRITY and FINGERPRINT verify", () => {
    const m = parseStunMessage(REQUEST);
    expect([m.method, m.class]).toEqual([STUN_BINDING, "request"]);
    expect(m.transactionId).toEqual(ID);
    expect(m.attributes.map((a) => a.type)).toEqual([0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028]);
    expect(new TextDecoder().decode(m.attributes.find((a) => a.type === STUN_ATTRIBUTE.USERNAME)!.value)).toBe("evtj:h6vY");
    expect(verifyStunIntegrity(REQUEST, PASSWORD)).toBe(true);
    expect(verifyStunFingerprint(REQUEST)).toBe(true);
    expect(verifyStunIntegrity(REQUEST, text("wrong"))).toBe(false);
  });

  it("RFC 5769 §2.1: encoding the sample request's attributes (padding 0x20) gives its bytes, MESSAGE-INTEGRITY and FINGERPRINT included", () => {
    const m = parseStunMessage(REQUEST);
    const attributes = m.attributes.filter((a) => a.type !== STUN_ATTRIBUTE.MESSAGE_INTEGRITY && a.type !== STUN_ATTRIBUTE.FINGERPRINT);
    const msg = { method: m.method, class: m.class, transactionId: m.transactionId, attributes };
    const out = encodeStunMessage(msg, { integrityKey: PASSWORD, fingerprint: true, padding: 0x20 });
    expect(out).toEqual(REQUEST);
    expect(stunMessageSize(msg, { integrityKey: PASSWORD, fingerprint: true })).toBe(REQUEST.length);
  });

  it("RFC 5769 §2.2: the IPv4 response maps to 192.0.2.1:32853; integrity and fingerprint verify", () => {
    const m = parseStunMessage(RESPONSE_V4);
    expect(m.class).toBe("success");
    expect(stunMappedAddress(m)).toEqual({ family: 4, host: "192.0.2.1", port: 32853 });
    expect(verifyStunIntegrity(RESPONSE_V4, PASSWORD)).toBe(true);
    expect(verifyStunFingerprint(RESPONSE_V4)).toBe(true);
    expect(xorMappedAddressValue({ family: 4, host: "192.0.2.1", port: 32853 }, ID)).toEqual(hex("00 01 a1 47 e1 12 a6 43"));
  });

  it("RFC 5769 §2.2: encoding the IPv4 response gives its bytes", () => {
    const m = parseStunMessage(RESPONSE_V4);
    const attributes = m.attributes.filter((a) => a.type === STUN_ATTRIBUTE.SOFTWARE || a.type === STUN_ATTRIBUTE.XOR_MAPPED_ADDRESS);
    expect(encodeStunMessage({ method: STUN_BINDING, class: "success", transactionId: ID, attributes }, { integrityKey: PASSWORD, fingerprint: true, padding: 0x20 })).toEqual(RESPONSE_V4);
  });

  it("RFC 5769 §2.3: the IPv6 response maps to [2001:db8:1234:5678:11:2233:4455:6677]:32853", () => {
    const m = parseStunMessage(RESPONSE_V6);
    expect(stunMappedAddress(m)).toEqual({ family: 6, host: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 });
    expect(verifyStunIntegrity(RESPONSE_V6, PASSWORD)).toBe(true);
    expect(verifyStunFingerprint(RESPONSE_V6)).toBe(true);
    expect(xorMappedAddressValue({ family: 6, host: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 }, ID)).toEqual(m.attributes.find((a) => a.type === 0x20)!.value);
  });

  it("RFC 8489 §5, §14: truncated, non-STUN, wrong cookie and overrunning attributes are refused with their codes", () => {
    const cases: [Uint8Array, string][] = [
      [REQUEST.subarray(0, 19), "TOO_SHORT"],
      [REQUEST.subarray(0, 40), "TOO_SHORT"],
      [Uint8Array.from([0x80, ...REQUEST.subarray(1)]), "NOT_STUN"],
      [Uint8Array.from([...REQUEST.subarray(0, 4), 0, 0, 0, 0, ...REQUEST.subarray(8)]), "BAD_COOKIE"],
      [Uint8Array.from([0, 1, 0, 8, ...REQUEST.subarray(4, 20), 0x80, 0x22, 0x00, 0x10, 1, 2, 3, 4]), "BAD_ATTRIBUTE"],
    ];
    for (const [bytes, code] of cases) {
      const r = tryParseStunMessage(bytes);
      expect(r.ok ? "ok" : r.code).toBe(code);
    }
    expect((thrown(() => parseStunMessage(REQUEST.subarray(0, 10))) as StunError).code).toBe("TOO_SHORT");
    const flipped = REQUEST.slice();
    flipped[30] = flipped[30]! ^ 1;
    expect(verifyStunFingerprint(flipped)).toBe(false);
    expect(verifyStunIntegrity(flipped, PASSWORD)).toBe(false);
  });
});

describe("STUN Binding client (RFC 8489 §6.2.1)", () => {
  const seq = (n: number) => new Uint8Array(n).map((_, i) => i + 1);

  it("RFC 8489 §6.2.1: retransmits at 0, 500, 1500, 3500, 7500, 15500, 31500 ms and fails at 39500 ms", () => {
    const c = createStunBindingClient({ randomBytes: seq });
    c.start(0);
    const sentAt: number[] = [];
    let now = 0;
    for (;;) {
      while (c.pollTransmit() !== undefined) sentAt.push(now);
      const e = c.pollEvent();
      if (e !== undefined) {
        expect(e.type === "failure" && e.error.code).toBe("TIMEOUT");
        break;
      }
      now = c.pollTimeout()!;
      c.handleTimeout(now);
    }
    expect(sentAt).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(now).toBe(39500);
  });

  it("RFC 8489 §6.3.3: the matching success response gives the mapped address; others are left alone", () => {
    const c = createStunBindingClient({ randomBytes: seq, software: "siphon" });
    c.start(100);
    const sent = c.pollTransmit()!;
    const request = parseStunMessage(sent);
    expect(verifyStunFingerprint(sent)).toBe(true);
    const other = encodeStunMessage({ method: STUN_BINDING, class: "success", transactionId: new Uint8Array(12), attributes: [] });
    expect(c.handleMessage(other, 120)).toBe(false);
    expect(c.handleMessage(new TextEncoder().encode("SIP/2.0 200 OK\r\n\r\n"), 120)).toBe(false);
    const mapped = { family: 4 as const, host: "203.0.113.7", port: 40001 };
    const ok = encodeStunMessage({ method: STUN_BINDING, class: "success", transactionId: request.transactionId, attributes: [{ type: STUN_ATTRIBUTE.XOR_MAPPED_ADDRESS, value: xorMappedAddressValue(mapped, request.transactionId) }] }, { fingerprint: true });
    expect(c.handleMessage(ok, 142)).toBe(true);
    expect(c.pollEvent()).toEqual({ type: "success", address: mapped, rttMs: 42 });
    expect(c.pollTimeout()).toBeUndefined();
  });

  it("RFC 8489 §6.3.4: an error response fails the transaction with its code", () => {
    const c = createStunBindingClient({ randomBytes: seq });
    c.start(0);
    const request = parseStunMessage(c.pollTransmit()!);
    const err = encodeStunMessage({ method: STUN_BINDING, class: "error", transactionId: request.transactionId, attributes: [{ type: STUN_ATTRIBUTE.ERROR_CODE, value: Uint8Array.from([0, 0, 4, 0, ...new TextEncoder().encode("Bad Request")]) }] });
    expect(c.handleMessage(err, 10)).toBe(true);
    const e = c.pollEvent();
    expect(e?.type === "failure" && [e.error.code, e.error.message]).toEqual(["ERROR_RESPONSE", "STUN error response 400 Bad Request"]);
  });
});
