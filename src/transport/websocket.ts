import {
  CLOSE_NORMAL,
  closeFrame,
  encodeFrame,
  isUtf8,
  OP_BINARY,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  WebSocketFramer,
} from "./websocket-frames.ts";
import { readUpgradeRequest, readUpgradeResponse, upgradeRequest } from "./websocket-handshake.ts";

/** The SIP WebSocket subprotocol (RFC 7118 §4.1). */
export const SIP_SUBPROTOCOL = "sip";

/** What a WebSocket session asks of the transport, drained with `poll()`. */
export type WebSocketOutput =
  /** Bytes to write on the connection (the 101 or an HTTP refusal, a pong, a close frame). */
  | { readonly kind: "write"; readonly data: Uint8Array }
  /** The opening handshake completed: SIP messages may flow. */
  | { readonly kind: "open" }
  /** One SIP message (RFC 7118 §5: one per WebSocket message). */
  | { readonly kind: "message"; readonly data: Uint8Array }
  | { readonly kind: "pong" }
  /**
   * Close the connection, after the writes before it; `failed` when the peer broke the protocol,
   * `handshake` when the opening handshake did not complete.
   */
  | { readonly kind: "close"; readonly reason: string; readonly failed: boolean; readonly handshake: boolean };

/**
 * One WebSocket connection carrying SIP (RFC 6455, RFC 7118), sans-I/O, over the bytes of a TCP
 * or TLS stream: the opening handshake, then frames. The server side answers the handshake itself;
 * the client side sends `start()`'s request once the stream is open.
 */
export class WebSocketSession {
  private phase: "upgrade" | "open" | "closed" = "upgrade";
  private head: Uint8Array = new Uint8Array(0);
  private readonly framer: WebSocketFramer;
  private readonly out: WebSocketOutput[] = [];
  private key = "";

  constructor(
    private readonly role: "server" | "client",
    maxMessage: number,
    private readonly random: (n: number) => Uint8Array,
  ) {
    this.framer = new WebSocketFramer(role, maxMessage);
  }

  /** True once the handshake completed and until the session closed. */
  get open(): boolean {
    return this.phase === "open";
  }

  /** Bytes held waiting for the rest of a handshake or a frame. */
  get buffered(): number {
    return this.phase === "upgrade" ? this.head.length : this.framer.buffered;
  }

  /** Client: the upgrade request to write once the stream is open (RFC 6455 §4.1). */
  start(host: string, path: string): Uint8Array {
    const { bytes, key } = upgradeRequest(host, path, this.random(16), SIP_SUBPROTOCOL);
    this.key = key;
    return bytes;
  }

  /** Bytes read from the stream; then drain `poll()`. */
  push(chunk: Uint8Array): void {
    if (this.phase === "closed") return;
    if (this.phase === "open") {
      this.framer.push(chunk);
      this.drainFrames();
      return;
    }
    const head = new Uint8Array(this.head.length + chunk.length);
    head.set(this.head);
    head.set(chunk, this.head.length);
    const r = this.role === "server" ? readUpgradeRequest(head, SIP_SUBPROTOCOL) : readUpgradeResponse(head, this.key, SIP_SUBPROTOCOL);
    switch (r.kind) {
      case "incomplete":
        this.head = head;
        return;
      case "refused":
        if (r.reply !== undefined) this.out.push({ kind: "write", data: r.reply });
        this.end(`WebSocket handshake refused: ${r.reason}`, true);
        return;
      case "upgraded":
        this.head = new Uint8Array(0);
        if (r.reply !== undefined) this.out.push({ kind: "write", data: r.reply });
        this.phase = "open";
        this.out.push({ kind: "open" });
        if (r.rest.length > 0) this.push(r.rest);
    }
  }

  /** The next output, or undefined. */
  poll(): WebSocketOutput | undefined {
    return this.out.shift();
  }

  /**
   * A SIP message as one WebSocket message: a text frame when it is UTF-8 (RFC 7118 §5.1: text
   * frames for UTF-8 messages), else binary. Masked on the client side (RFC 6455 §5.3).
   */
  frame(message: Uint8Array): Uint8Array {
    return encodeFrame(isUtf8(message) ? OP_TEXT : OP_BINARY, message, this.mask());
  }

  /** A ping (RFC 6455 §5.5.2), the keep-alive of a WebSocket flow. */
  ping(): Uint8Array {
    return encodeFrame(OP_PING, new Uint8Array(0), this.mask());
  }

  private mask(): Uint8Array | undefined {
    return this.role === "client" ? this.random(4) : undefined;
  }

  private drainFrames(): void {
    for (let e = this.framer.poll(); e !== undefined && this.phase === "open"; e = this.framer.poll()) {
      switch (e.kind) {
        case "message":
          this.out.push({ kind: "message", data: e.data });
          break;
        case "ping":
          // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response".
          this.out.push({ kind: "write", data: encodeFrame(OP_PONG, e.data, this.mask()) });
          break;
        case "pong":
          this.out.push({ kind: "pong" });
          break;
        case "close":
          // §5.5.1: "the endpoint MUST send a Close frame in response", then close the TCP connection.
          this.out.push({ kind: "write", data: closeFrame(CLOSE_NORMAL, this.mask()) });
          this.end("the peer closed the WebSocket", false);
          break;
        case "error":
          // §7.1.7: to fail the connection, send a Close frame with the code, then close.
          this.out.push({ kind: "write", data: closeFrame(e.code, this.mask()) });
          this.end(`WebSocket protocol error: ${e.reason}`, true);
          break;
      }
    }
  }

  private end(reason: string, failed: boolean): void {
    const handshake = this.phase === "upgrade";
    this.phase = "closed";
    this.head = new Uint8Array(0);
    this.out.push({ kind: "close", reason, failed, handshake });
  }
}
