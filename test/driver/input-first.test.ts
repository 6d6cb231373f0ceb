import { describe, expect, it } from "vitest";
import { createSessionEndpoint, createSipEndpoint } from "../../src/driver/index.ts";
import type { DatagramSocket } from "../../src/driver/index.ts";
import { createRequest, createResponse, parseMessage, serializeMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import type { TransactionEvent } from "../../src/transaction/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { loadRuntime } from "../../runtimes/index.ts";
import { fakeMediaFactory, formatFake } from "../session/fake-media.ts";
import { until } from "../runtimes/helpers.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Busy for `ms`: the event loop can run nothing meanwhile (a long computation, a long collection). */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** A 100 (Trying) for a request's text (§8.2.6.2). */
function trying(request: string): Uint8Array {
  return serializeMessage(createResponse(parseMessage(request) as SipRequest, 100, "Trying"));
}

/**
 * A raw UDP peer that records the text of what it gets; when `reply` returns an answer to it, the
 * peer sends it back at once and then holds this process for 700 ms (past T1 = 500 ms), so that
 * the answer waits in the other end's socket while that end's timer falls due.
 */
async function heldPeer(reply: (text: string, got: readonly string[]) => Uint8Array | undefined) {
  const runtime = await loadRuntime();
  const got: string[] = [];
  const peer: DatagramSocket = await runtime.udpBind({ host: "127.0.0.1", port: 0 }, {
    onMessage: (data, from) => {
      const text = decoder.decode(data);
      got.push(text);
      const answer = reply(text, got);
      if (answer === undefined) return;
      peer.send(answer, from.host, from.port);
      block(700);
    },
  });
  return { runtime, got, peer };
}

describe("the driver reads input already received before it acts on a late timer", () => {
  it("RFC 3261 §17.1.1.2: a 100 that arrived while the loop was held past Timer A stops the INVITE's retransmission", async () => {
    // The 100 leaves at once; then the caller's process is held until Timer A (T1 = 500 ms after
    // the INVITE) is long due, with the 100 waiting in its socket.
    const { runtime, got, peer } = await heldPeer((text, got) => (got.length === 1 ? trying(text) : undefined));
    const events: TransactionEvent<Flow>[] = [];
    const ep = await createSipEndpoint({
      runtime,
      listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
      transactions: true,
      onTransactionEvent: (e) => events.push(e),
    });
    try {
      const invite = createRequest({
        method: "INVITE",
        uri: `sip:svc@127.0.0.1:${peer.local.port}`,
        from: "<sip:a@127.0.0.1>;tag=if1",
        to: "<sip:svc@127.0.0.1>",
        callId: "input-first-1",
        cseq: 1,
        via: "SIP/2.0/UDP x.invalid;branch=z9hG4bKinputfirst1",
      });
      ep.request(invite, { transport: "UDP", host: "127.0.0.1", port: peer.local.port });
      await until(() => events.some((e) => e.type === "response" && e.response.status === 100), 5_000);
      // Past the next Timer A deadline too (1 s after the first): a Proceeding INVITE sends nothing more.
      await new Promise((r) => runtime.setTimer(600, () => r(undefined)));
      expect(got.map((t) => t.split(" ")[0])).toEqual(["INVITE"]);
    } finally {
      await ep.close();
      peer.close();
    }
  });

  it("RFC 3261 §13.3.1.4: an ACK that arrived while the loop was held past the 2xx's first retransmission stops it", async () => {
    // The ACK leaves at once (§13.2.2.4: its own branch, the 2xx's To tag); then the answerer's
    // process is held past the 2xx's retransmission (T1 = 500 ms), the ACK waiting in its socket.
    const { runtime, got, peer } = await heldPeer((text, got) => {
      if (!text.startsWith("SIP/2.0 200") || got.filter((t) => t.startsWith("SIP/2.0 200")).length !== 1) return undefined;
      const ok = parseMessage(text) as SipResponse;
      const ack = createRequest({
        method: "ACK",
        uri: `sip:uas@127.0.0.1:${ep.listeningPoints[0]!.local.port}`,
        from: ok.header("From")!,
        to: ok.header("To")!,
        callId: ok.callId,
        cseq: 1,
        via: `SIP/2.0/UDP 127.0.0.1:${peer.local.port};branch=z9hG4bKinputfirst-ack`,
      });
      return serializeMessage(ack);
    });
    const ep = await createSessionEndpoint({
      runtime,
      listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
      media: fakeMediaFactory("127.0.0.1"),
      onSessionEvent(e, now) {
        if (e.type === "incoming") e.session.answer(now);
      },
    });
    try {
      const port = ep.listeningPoints[0]!.local.port;
      const sdp = formatFake({ owner: "peer", version: 1, direction: "sendrecv", codecs: ["PCMU"] });
      const invite =
        `INVITE sip:uas@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${peer.local.port};branch=z9hG4bKinputfirst-inv\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:peer@127.0.0.1>;tag=p1\r\nTo: <sip:uas@127.0.0.1>\r\nCall-ID: input-first-2\r\nCSeq: 1 INVITE\r\n` +
        `Contact: <sip:peer@127.0.0.1:${peer.local.port}>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
      peer.send(encoder.encode(invite), "127.0.0.1", port);
      await until(() => got.some((t) => t.startsWith("SIP/2.0 200")), 5_000);
      // Past the 2xx's second retransmission too (1.5 s after it was sent): an ACKed 2xx is not sent again.
      await new Promise((r) => runtime.setTimer(1_000, () => r(undefined)));
      expect(got.filter((t) => t.startsWith("SIP/2.0 200")).length).toBe(1);
    } finally {
      await ep.close();
      peer.close();
    }
  });
});
