import { describe, expect, it } from "vitest";
import { sha1 } from "../../src/sha1.ts";
import { closeFrame, encodeFrame, OP_BINARY, OP_PONG, OP_TEXT, WebSocketFramer } from "../../src/transport/websocket-frames.ts";
import { acceptKey, readUpgradeRequest, readUpgradeResponse, upgradeRequest } from "../../src/transport/websocket-handshake.ts";
import { WebSocketSession } from "../../src/transport/websocket.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (...xs: number[]) => new Uint8Array(xs);

function drain(f: WebSocketFramer) {
  const out = [];
  for (let e = f.poll(); e; e = f.poll()) out.push(e.kind === "message" ? { kind: "message", text: dec.decode(e.data) } : e);
  return out;
}

describe("SHA-1 (FIPS 180-4) for the WebSocket handshake", () => {
  it("FIPS 180-2 Appendix A: the one-block, two-block and empty examples", () => {
    expect(hex(sha1(enc.encode("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(hex(sha1(enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    expect(hex(sha1(new Uint8Array(0)))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });
});

describe("WebSocket opening handshake (RFC 6455 §4, RFC 7118 §4.1)", () => {
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  const request = (extra: string) =>
    enc.encode(`GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n${extra}\r\n`);

  it("RFC 6455 §1.3: the example key gives the example Sec-WebSocket-Accept", () => {
    expect(acceptKey(key)).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("RFC 7118 §4.1: a request offering sip among others is upgraded with sip; bytes after the head are frames", () => {
    const head = request("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, sip\r\n");
    const withFrame = new Uint8Array([...head, 0x81, 0x80, 1, 2, 3, 4]);
    const r = readUpgradeRequest(withFrame, "sip");
    expect(r.kind).toBe("upgraded");
    if (r.kind !== "upgraded") return;
    const reply = dec.decode(r.reply!);
    expect(reply).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(reply).toContain("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
    expect(reply).toContain("Sec-WebSocket-Protocol: sip\r\n");
    expect([...r.rest]).toEqual([0x81, 0x80, 1, 2, 3, 4]);
  });

  it("RFC 6455 §4.2.1, §4.4: refusals say why with the HTTP status; a partial head waits", () => {
    const status = (r: ReturnType<typeof readUpgradeRequest>) => (r.kind === "refused" ? dec.decode(r.reply!).split("\r\n")[0] : r.kind);
    expect(status(readUpgradeRequest(enc.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "sip"))).toBe("HTTP/1.1 426 Upgrade Required");
    expect(status(readUpgradeRequest(request("Sec-WebSocket-Version: 8\r\nSec-WebSocket-Protocol: sip\r\n"), "sip"))).toBe("HTTP/1.1 426 Upgrade Required");
    expect(status(readUpgradeRequest(request("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n"), "sip"))).toBe("HTTP/1.1 400 Bad Request");
    expect(status(readUpgradeRequest(request("Sec-WebSocket-Version: 13\r\n"), "sip"))).toBe("HTTP/1.1 400 Bad Request");
    expect(status(readUpgradeRequest(enc.encode("POST / HTTP/1.1\r\n\r\n"), "sip"))).toBe("HTTP/1.1 405 Method Not Allowed");
    expect(status(readUpgradeRequest(enc.encode("\x16\x03\x01 not http\r\n\r\n"), "sip"))).toBe("HTTP/1.1 400 Bad Request");
    expect(status(readUpgradeRequest(enc.encode("GET / HTTP/1.1\r\nHost: x\r\n"), "sip"))).toBe("incomplete");
    expect(status(readUpgradeRequest(enc.encode("GET / HTTP/1.1\r\nX: " + "a".repeat(9000)), "sip"))).toBe("HTTP/1.1 431 Request Header Fields Too Large");
  });

  it("RFC 6455 §4.1: the client checks 101, the accept value and the subprotocol", () => {
    const nonce = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
    const { bytes: req, key: sent } = upgradeRequest("server.example.com", "/chat", nonce, "sip");
    expect(sent).toBe(key);
    const server = readUpgradeRequest(req, "sip");
    expect(server.kind).toBe("upgraded");
    const reply = server.kind === "upgraded" ? server.reply! : new Uint8Array();
    expect(readUpgradeResponse(reply, key, "sip").kind).toBe("upgraded");
    expect(readUpgradeResponse(reply, "AAAAAAAAAAAAAAAAAAAAAA==", "sip")).toMatchObject({ kind: "refused", reason: "wrong Sec-WebSocket-Accept" });
    expect(readUpgradeResponse(enc.encode("HTTP/1.1 400 Bad Request\r\n\r\n"), key, "sip").kind).toBe("refused");
  });
});

describe("WebSocket framing (RFC 6455 §5)", () => {
  it("RFC 6455 §5.7: the single-frame, masked, fragmented, ping and 16/64-bit length examples", () => {
    const client = new WebSocketFramer("client", 1 << 20);
    client.push(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
    client.push(bytes(0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f));
    client.push(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
    const big = new Uint8Array(4 + 256);
    big.set([0x82, 0x7e, 0x01, 0x00]);
    client.push(big);
    const huge = new Uint8Array(10 + 65536);
    huge.set([0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    client.push(huge);
    const out = [];
    for (let e = client.poll(); e; e = client.poll()) out.push(e.kind === "message" ? e.data.length : e.kind === "ping" ? `ping ${dec.decode(e.data)}` : e.kind);
    expect(out).toEqual([5, 5, "ping Hello", 256, 65536]);

    const server = new WebSocketFramer("server", 1 << 20);
    server.push(bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
    server.push(bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
    expect(drain(server)).toEqual([{ kind: "message", text: "Hello" }, { kind: "pong" }]);
  });

  it("RFC 6455 §5.7: encodeFrame writes the examples byte for byte (the masked one with its mask)", () => {
    expect(hex(encodeFrame(OP_TEXT, enc.encode("Hello")))).toBe("810548656c6c6f");
    expect(hex(encodeFrame(OP_TEXT, enc.encode("Hello"), bytes(0x37, 0xfa, 0x21, 0x3d)))).toBe("818537fa213d7f9f4d5158");
    expect(hex(encodeFrame(OP_PONG, enc.encode("Hello"), bytes(0x37, 0xfa, 0x21, 0x3d)))).toBe("8a8537fa213d7f9f4d5158");
    expect(hex(encodeFrame(OP_BINARY, new Uint8Array(256)).subarray(0, 4))).toBe("827e0100");
    expect(hex(encodeFrame(OP_BINARY, new Uint8Array(65536)).subarray(0, 10))).toBe("827f0000000000010000");
    expect(hex(closeFrame(1009))).toBe("880203f1");
  });

  it("frames split anywhere reassemble; a message over the limit fails at its header (1009), before its payload", () => {
    const frame = encodeFrame(OP_TEXT, enc.encode("OPTIONS sip:x SIP/2.0\r\n\r\n"), bytes(9, 8, 7, 6));
    for (let cut = 1; cut < frame.length; cut++) {
      const f = new WebSocketFramer("server", 1000);
      f.push(frame.subarray(0, cut));
      expect(f.poll()).toBeUndefined();
      f.push(frame.subarray(cut));
      expect(drain(f)).toEqual([{ kind: "message", text: "OPTIONS sip:x SIP/2.0\r\n\r\n" }]);
    }
    const f = new WebSocketFramer("server", 1000);
    f.push(bytes(0x82, 0xff, 0, 0, 0, 0, 0x01, 0x40, 0, 0, 1, 2, 3, 4)); // 20 MiB announced
    expect(f.poll()).toEqual({ kind: "error", code: 1009, reason: "message over the size limit" });
    expect(f.buffered).toBe(0);
    // Fragments count together.
    const g = new WebSocketFramer("client", 10);
    g.push(bytes(0x02, 0x06, 1, 2, 3, 4, 5, 6, 0x80, 0x06, 1, 2, 3, 4, 5, 6));
    expect(g.poll()).toMatchObject({ kind: "error", code: 1009 });
  });

  it("RFC 6455 §5.1, §5.2, §5.5, §8.1: protocol violations fail the connection with their close codes", () => {
    const fail = (role: "server" | "client", ...xs: number[]) => {
      const f = new WebSocketFramer(role, 1000);
      f.push(bytes(...xs));
      const e = f.poll();
      return e?.kind === "error" ? e.code : e?.kind;
    };
    expect(fail("server", 0x81, 0x01, 0x41)).toBe(1002); // unmasked from a client
    expect(fail("client", 0x81, 0x81, 0, 0, 0, 0, 0x41)).toBe(1002); // masked from a server
    expect(fail("client", 0xc1, 0x01, 0x41)).toBe(1002); // RSV1 without an extension
    expect(fail("client", 0x83, 0x00)).toBe(1002); // reserved opcode
    expect(fail("client", 0x09, 0x00)).toBe(1002); // fragmented ping
    expect(fail("client", 0x80, 0x01, 0x41)).toBe(1002); // continuation with no message
    expect(fail("client", 0x81, 0x02, 0xc3, 0x28)).toBe(1007); // text that is not UTF-8
    expect(fail("client", 0x88, 0x02, 0x03, 0xe8)).toBe("close");
  });
});

describe("WebSocket session (a SIP connection over WebSocket, both sides)", () => {
  it("RFC 7118 §5: client and server sessions handshake, carry one SIP message per message, answer pings, close", () => {
    let seed = 3;
    const random = (n: number) => new Uint8Array(n).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    const client = new WebSocketSession("client", 65536, random);
    const server = new WebSocketSession("server", 65536, random);
    const pipe = (from: WebSocketSession, to: WebSocketSession) => {
      const seen: string[] = [];
      for (let o = from.poll(); o; o = from.poll()) {
        if (o.kind === "write") to.push(o.data);
        else seen.push(o.kind === "message" ? `message ${dec.decode(o.data)}` : o.kind);
      }
      return seen;
    };
    server.push(client.start("example.com:80", "/"));
    expect(pipe(server, client)).toEqual(["open"]);
    expect(pipe(client, server)).toEqual(["open"]);
    expect(server.open && client.open).toBe(true);
    server.push(client.frame(enc.encode("OPTIONS sip:a@b SIP/2.0\r\n\r\n")));
    expect(pipe(server, client)).toEqual(["message OPTIONS sip:a@b SIP/2.0\r\n\r\n"]);
    client.push(server.frame(enc.encode("SIP/2.0 200 OK\r\n\r\n")));
    server.push(client.ping());
    expect(pipe(client, server)).toEqual(["message SIP/2.0 200 OK\r\n\r\n"]);
    expect(pipe(server, client)).toEqual([]);
    expect(pipe(client, server)).toEqual(["pong"]);
    server.push(closeFrame(1000, random(4)));
    const closing = server.poll();
    expect(closing?.kind).toBe("write");
    expect(server.poll()).toEqual({ kind: "close", reason: "the peer closed the WebSocket", failed: false, handshake: false });
  });
});
