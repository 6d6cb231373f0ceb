import { sha1 } from "../sha1.ts";

/**
 * The WebSocket opening handshake (RFC 6455 §4) for SIP (RFC 7118 §4.1: the subprotocol is "sip"),
 * both sides, over bytes: the transport core runs it on a plain TCP or TLS stream, so every runtime
 * gets the same limits, deadlines and answers.
 */

/** RFC 6455 §1.3: the GUID appended to the client's key. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** The longest HTTP head accepted; longer is refused (RFC 6585 §5: 431). */
export const MAX_HANDSHAKE = 8192;

const latin1 = new TextDecoder("latin1");
const ascii = new TextEncoder();

/** What reading a handshake from the bytes so far gave. */
export type HandshakeResult =
  /** Not all of the head has arrived. */
  | { readonly kind: "incomplete" }
  /** Done: write `reply` (server side), then the bytes after the head (`rest`) are frames. */
  | { readonly kind: "upgraded"; readonly reply: Uint8Array | undefined; readonly rest: Uint8Array }
  /** Refused: write `reply` (server side) and close. */
  | { readonly kind: "refused"; readonly reply: Uint8Array | undefined; readonly reason: string };

/** `Sec-WebSocket-Accept` for a client key (RFC 6455 §4.2.2 step 5.4). */
export function acceptKey(key: string): string {
  return base64(sha1(ascii.encode(key + GUID)));
}

/** Base64 of bytes (RFC 4648 §4), with the web-standard `btoa`. */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

/** The head (up to and without the empty line) and the bytes after it, or undefined. */
function splitHead(buf: Uint8Array): { head: string; rest: Uint8Array } | undefined {
  const n = Math.min(buf.length, MAX_HANDSHAKE);
  for (let i = 3; i < n; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) {
      return { head: latin1.decode(buf.subarray(0, i - 3)), rest: buf.subarray(i + 1) };
    }
  }
  return undefined;
}

/** Header fields by lower-case name; repeated fields joined with commas (RFC 9110 §5.3). */
function fields(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = out.get(name);
    out.set(name, had === undefined ? value : `${had}, ${value}`);
  }
  return out;
}

/** Comma-separated tokens of a field, lower case. */
function tokens(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(",").map((t) => t.trim().toLowerCase()).filter((t) => t !== "");
}

function httpReply(status: string, headers: string[]): Uint8Array {
  return ascii.encode([`HTTP/1.1 ${status}`, ...headers, "Content-Length: 0", "Connection: close", "", ""].join("\r\n"));
}

function refuse(status: string, reason: string, headers: string[] = []): HandshakeResult {
  return { kind: "refused", reply: httpReply(status, headers), reason };
}

/**
 * Server side (RFC 6455 §4.2): reads the client's upgrade request from the bytes received so far.
 * A valid one offering `protocol` gets 101 with that subprotocol; anything else gets an HTTP error
 * and the connection closes: a request that is not an upgrade 426 (Upgrade Required), another
 * version 426 with `Sec-WebSocket-Version: 13` (§4.4), no `sip` among the offered subprotocols 400
 * (RFC 7118 §4.1: SIP needs the "sip" subprotocol), a head over {@link MAX_HANDSHAKE} 431.
 */
export function readUpgradeRequest(buf: Uint8Array, protocol: string): HandshakeResult {
  const split = splitHead(buf);
  if (split === undefined) {
    return buf.length >= MAX_HANDSHAKE ? refuse("431 Request Header Fields Too Large", "handshake too long") : { kind: "incomplete" };
  }
  const lines = split.head.split("\r\n");
  const request = /^([A-Z]+) (\S+) HTTP\/1\.(\d)$/.exec(lines[0]!);
  if (request === null) return refuse("400 Bad Request", "not an HTTP/1.1 request");
  // §4.2.1: "An HTTP/1.1 or higher GET request".
  if (request[1] !== "GET") return refuse("405 Method Not Allowed", `method ${request[1]}`, ["Allow: GET"]);
  const h = fields(lines.slice(1));
  if (!tokens(h.get("upgrade")).includes("websocket") || !tokens(h.get("connection")).includes("upgrade")) {
    return refuse("426 Upgrade Required", "not a WebSocket upgrade", ["Upgrade: websocket"]);
  }
  if (h.get("sec-websocket-version") !== "13") {
    return refuse("426 Upgrade Required", "WebSocket version other than 13", ["Sec-WebSocket-Version: 13"]);
  }
  const key = h.get("sec-websocket-key") ?? "";
  // §4.2.1: the key is "a base64-encoded value that, when decoded, is 16 bytes in length".
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key)) return refuse("400 Bad Request", "bad Sec-WebSocket-Key");
  if (!tokens(h.get("sec-websocket-protocol")).includes(protocol)) {
    return refuse("400 Bad Request", `subprotocol ${protocol} not offered`);
  }
  const reply = ascii.encode(
    [
      "HTTP/1.1 101 Switching Protocols",
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Accept: ${acceptKey(key)}`,
      `Sec-WebSocket-Protocol: ${protocol}`,
      "",
      "",
    ].join("\r\n"),
  );
  return { kind: "upgraded", reply, rest: split.rest };
}

/** Client side (RFC 6455 §4.1): the upgrade request for `host` and `path` with a 16-byte `nonce`. */
export function upgradeRequest(host: string, path: string, nonce: Uint8Array, protocol: string): { bytes: Uint8Array; key: string } {
  const key = base64(nonce);
  const text = [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Protocol: ${protocol}`,
    "",
    "",
  ].join("\r\n");
  return { bytes: ascii.encode(text), key };
}

/**
 * Client side (RFC 6455 §4.1, the client's checks of the server's answer): 101, Upgrade and
 * Connection, the right `Sec-WebSocket-Accept`, and the subprotocol asked for (RFC 7118 §4.1).
 */
export function readUpgradeResponse(buf: Uint8Array, key: string, protocol: string): HandshakeResult {
  const split = splitHead(buf);
  if (split === undefined) {
    return buf.length >= MAX_HANDSHAKE ? { kind: "refused", reply: undefined, reason: "handshake too long" } : { kind: "incomplete" };
  }
  const lines = split.head.split("\r\n");
  const status = /^HTTP\/1\.\d (\d{3})/.exec(lines[0]!);
  const fail = (reason: string): HandshakeResult => ({ kind: "refused", reply: undefined, reason });
  if (status === null || status[1] !== "101") return fail(`server answered ${lines[0]}`);
  const h = fields(lines.slice(1));
  if (!tokens(h.get("upgrade")).includes("websocket") || !tokens(h.get("connection")).includes("upgrade")) {
    return fail("101 without Upgrade: websocket");
  }
  if (h.get("sec-websocket-accept") !== acceptKey(key)) return fail("wrong Sec-WebSocket-Accept");
  if (h.get("sec-websocket-protocol") !== protocol) return fail(`server did not accept subprotocol ${protocol}`);
  return { kind: "upgraded", reply: undefined, rest: split.rest };
}
