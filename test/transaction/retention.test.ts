import { describe, expect, it } from "vitest";
import { serializeMessage, SipMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import {
  buildNon2xxAck,
  InviteClientTransaction,
  NonInviteClientTransaction,
  TransactionLayer,
  type AnyTransaction,
  type ServerTransaction,
  type TransactionEvent,
} from "../../src/transaction/index.ts";
import { drain, lines, makeRequest, respondTo, runClock, TCP, types, UDP, wire, type TestFlow } from "./harness.ts";

type RequestEv = Extract<TransactionEvent<TestFlow>, { type: "request" }>;

const text = (m: SipRequest | SipResponse) => new TextDecoder().decode(serializeMessage(m));

/** The message objects a transaction still references in its own fields. */
function heldMessages(txn: AnyTransaction<TestFlow>): SipMessage[] {
  return Object.values(txn).filter((v): v is SipMessage => v instanceof SipMessage);
}

function serverTxn(layer: TransactionLayer<TestFlow>, req: SipRequest, flow: TestFlow = UDP) {
  layer.handleRequest(req, flow, 0);
  const ev = drain(layer).events[0] as RequestEv;
  return { txn: ev.transaction as ServerTransaction<TestFlow>, request: ev.request };
}

describe("completed transactions keep only what the RFC still needs", () => {
  it("§17.2.2: a Completed non-INVITE server transaction lets go of the request and provisional, and still answers retransmissions with the final response", () => {
    const layer = new TransactionLayer<TestFlow>();
    const req = wire(makeRequest("SUBSCRIBE"));
    const { txn, request } = serverTxn(layer, req);
    expect(txn.request).toBe(request);
    txn.respond(respondTo(request, 100), 5);
    const ok = respondTo(request, 200);
    const okText = text(ok);
    txn.respond(ok, 10);
    expect(txn.state).toBe("Completed");
    expect(txn.request).toBeUndefined();
    expect(heldMessages(txn)).toEqual([]);
    // The TU's own reference from the event still works.
    expect(request.method).toBe("SUBSCRIBE");
    expect(request.callId).toBe(req.callId);
    let out = drain(layer);
    expect(out.transmits.map((t) => t.message)).toContain(ok);
    // §17.2.2: "[...] MUST pass the final response to the transport layer for retransmission whenever
    // a retransmission of the request is received."
    for (const at of [500, 1500]) {
      layer.handleRequest(wire(req), UDP, at);
      out = drain(layer);
      expect(out.events).toEqual([]);
      expect(out.transmits.length).toBe(1);
      expect(out.transmits[0]!.retransmission).toBe(true);
      expect(text(out.transmits[0]!.message)).toBe(okText);
    }
    expect(txn.lastResponse?.status).toBe(200);
    expect(layer.counters.retransmissionsAbsorbed).toBe(2);
    runClock(layer, 1500, 32_010);
    expect(txn.state).toBe("Terminated");
  });

  it("§17.2.1: a Completed INVITE server transaction keeps the final response's bytes for Timer G and retransmitted INVITEs; Confirmed keeps nothing", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { trying: 0 } });
    const req = wire(makeRequest("INVITE"));
    const { txn, request } = serverTxn(layer, req);
    const busy = respondTo(request, 486);
    const busyText = text(busy);
    txn.respond(busy, 10);
    expect(txn.state).toBe("Completed");
    expect(txn.request).toBeUndefined();
    expect(heldMessages(txn)).toEqual([]);
    drain(layer);
    const g = runClock(layer, 10, 510).map((x) => x.transmit); // Timer G
    expect(lines(g)).toEqual(["486"]);
    expect(g[0]!.retransmission).toBe(true);
    expect(text(g[0]!.message)).toBe(busyText);
    layer.handleRequest(wire(req), UDP, 600);
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["486"]);
    expect(text(out.transmits[0]!.message)).toBe(busyText);
    expect(out.events).toEqual([]);
    // §17.2.1: the ACK moves it to Confirmed, which only absorbs ACKs.
    const ack = wire(buildNon2xxAck(request, busy));
    layer.handleRequest(ack, UDP, 700);
    expect(txn.state).toBe("Confirmed");
    expect(heldMessages(txn)).toEqual([]);
    expect(txn.lastResponse).toBeUndefined();
    layer.handleRequest(wire(ack), UDP, 800);
    expect(drain(layer)).toEqual({ transmits: [], events: [] });
  });

  it("§17.2.3: an RFC 2543 ACK still matches by the To tag of the sent response after the response is let go of", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { trying: 0 } });
    const req = wire(makeRequest("INVITE", { branch: "1234" }));
    const { txn, request } = serverTxn(layer, req);
    txn.respond(respondTo(request, 603, "d3cl1n3"), 10);
    drain(layer);
    expect(heldMessages(txn)).toEqual([]);
    // A wrong To tag does not match: it is an ACK for a 2xx, passed up.
    layer.handleRequest(wire(makeRequest("ACK", { branch: "1234", callId: req.callId, toTag: "other" })), UDP, 20);
    expect(types(drain(layer).events)).toEqual(["ack"]);
    expect(txn.state).toBe("Completed");
    layer.handleRequest(wire(makeRequest("ACK", { branch: "1234", callId: req.callId, toTag: "d3cl1n3" })), UDP, 30);
    expect(txn.state).toBe("Confirmed");
  });

  it("RFC 6026 §7.1: an Accepted INVITE server transaction keeps no message, absorbs INVITE retransmissions and passes ACKs up", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { trying: 0 } });
    const req = wire(makeRequest("INVITE"));
    const { txn, request } = serverTxn(layer, req);
    const ok = respondTo(request, 200);
    txn.respond(ok, 10);
    expect(txn.state).toBe("Accepted");
    expect(txn.request).toBeUndefined();
    expect(heldMessages(txn)).toEqual([]);
    drain(layer);
    layer.handleRequest(wire(req), UDP, 500);
    expect(drain(layer)).toEqual({ transmits: [], events: [] });
    // RFC 6026 §7.1: 2xx retransmissions from the TU still go out.
    expect(txn.respond(ok, 600)).toBe(true);
    expect(lines(drain(layer).transmits)).toEqual(["200"]);
    const ack = wire(makeRequest("ACK", { branch: req.branch!, callId: req.callId, toTag: "a6c85cf" }));
    layer.handleRequest(ack, UDP, 700);
    const ev = drain(layer).events;
    expect(types(ev)).toEqual(["ack"]);
    expect((ev[0] as Extract<TransactionEvent<TestFlow>, { type: "ack" }>).transaction).toBe(txn);
  });

  it("§17.1.2.2: a Completed non-INVITE client transaction keeps no message at all, and absorbs response retransmissions", () => {
    const layer = new TransactionLayer<TestFlow>();
    const req = makeRequest("OPTIONS");
    const txn = layer.sendRequest(req, UDP, 0) as NonInviteClientTransaction<TestFlow>;
    expect(txn.request).toBe(req);
    drain(layer);
    const ok = wire(respondTo(req, 200));
    layer.handleResponse(ok, UDP, 50);
    expect(txn.state).toBe("Completed");
    expect(txn.request).toBeUndefined();
    expect(heldMessages(txn)).toEqual([]);
    // The TU had the response in its event; the record keeps nothing of it.
    const out = drain(layer);
    const ev = out.events[0] as Extract<TransactionEvent<TestFlow>, { type: "response" }>;
    expect(ev.response).toBe(ok);
    expect(ev.response.status).toBe(200);
    expect(txn.lastResponse).toBeUndefined();
    expect(layer.absorbingRecords.count).toBe(1);
    layer.handleResponse(wire(ok), UDP, 600);
    expect(drain(layer)).toEqual({ transmits: [], events: [] });
    expect(layer.counters.retransmissionsAbsorbed).toBe(1);
    runClock(layer, 600, 5_050);
    expect(txn.state).toBe("Terminated");
    expect(layer.absorbingRecords).toEqual({ count: 0, bytes: 0 });
  });

  it("§17.1.1.2: a Completed INVITE client transaction keeps only its ACK's bytes and re-sends them on each retransmitted final response", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = makeRequest("INVITE");
    const txn = layer.sendRequest(invite, UDP, 0) as InviteClientTransaction<TestFlow>;
    drain(layer);
    const busy = wire(respondTo(invite, 486));
    layer.handleResponse(busy, UDP, 100);
    expect(txn.state).toBe("Completed");
    expect(txn.request).toBeUndefined();
    expect(heldMessages(txn)).toEqual([]);
    const ackText = text(buildNon2xxAck(invite, busy));
    let out = drain(layer);
    expect(lines(out.transmits)).toEqual(["ACK"]);
    expect(new TextDecoder().decode(out.transmits[0]!.bytes)).toBe(ackText);
    expect(text(txn.ackRequest!)).toBe(ackText);
    layer.handleResponse(wire(busy), UDP, 1000);
    out = drain(layer);
    expect(out.events).toEqual([]);
    expect(out.transmits[0]!.retransmission).toBe(true);
    expect(text(out.transmits[0]!.message)).toBe(ackText);
    expect(new TextDecoder().decode(out.transmits[0]!.bytes)).toBe(ackText);
    expect(txn.lastResponse).toBeUndefined();
  });

  it("RFC 6026 §7.2 / RFC 3261 §13.2.2.4: an Accepted INVITE client keeps of its INVITE only what an ACK or BYE is built from, as bytes, and nothing of the 2xx", () => {
    const built = makeRequest("INVITE", { body: "v=0\r\n" });
    built.addHeader("Proxy-Authorization", 'Digest username="alice", realm="atlanta.example.com", nonce="n", uri="sip:bob@biloxi.example.com", response="00"');
    built.addHeader("Supported", "100rel, timer");
    built.addHeader("Session-Expires", "1800");
    // Parsed from bytes, as an INVITE a proxy forwards would be: the fields kept must not point
    // into the parsed text.
    for (const invite of [built, wire(built)]) {
      const layer = new TransactionLayer<TestFlow>();
      const txn = layer.sendRequest(invite, UDP, 0) as InviteClientTransaction<TestFlow>;
      drain(layer);
      const ok = wire(respondTo(invite, 200));
      layer.handleResponse(ok, UDP, 100);
      expect(txn.state).toBe("Accepted");
      const kept = txn.request!;
      expect(kept).not.toBe(invite);
      expect(kept.method).toBe("INVITE");
      expect(kept.uriText).toBe(invite.uriText);
      // Parsed back from its bytes, it has the Content-Length serialization writes.
      expect(kept.headerFields().map((f) => f.name)).toEqual(["Via", "From", "To", "Call-ID", "CSeq", "Contact", "Route", "Route", "Proxy-Authorization", "Content-Length"]);
      for (const name of ["Via", "From", "To", "Call-ID", "CSeq", "Contact", "Proxy-Authorization"]) {
        expect(kept.header(name)).toBe(invite.header(name));
      }
      expect(kept.headers("Route")).toEqual(invite.headers("Route"));
      expect(kept.body.length).toBe(0);
      expect(kept.fromTag).toBe(invite.fromTag);
      expect(kept.cseq.seq).toBe(invite.cseq.seq);
      // The TU's own INVITE is untouched.
      expect(invite.header("Supported")).toBe("100rel, timer");
      expect(invite.body.length).toBe(5);
      // Kept as bytes: no message object held, and each read parses a new copy.
      expect(heldMessages(txn)).toEqual([]);
      expect(txn.request).not.toBe(kept);
      expect(txn.request!.header("Call-ID")).toBe(invite.header("Call-ID"));
      expect(txn.lastResponse).toBeUndefined();
      // A further 2xx (a retransmission or another fork's) still goes up.
      const ok2 = wire(ok);
      layer.handleResponse(ok2, UDP, 600);
      const ev = drain(layer).events;
      expect(types(ev)).toEqual(["response", "response"]);
      expect((ev[1] as Extract<TransactionEvent<TestFlow>, { type: "response" }>).response).toBe(ok2);
    }
  });

  it("§17.2.2: final responses kept as bytes across several shared blocks re-send byte for byte, built and parsed alike", () => {
    const layer = new TransactionLayer<TestFlow>();
    const kept: { req: SipRequest; text: string }[] = [];
    const first: string[] = [];
    // Some 120 responses of 300–700 bytes fill several 16 KiB blocks: some are written where a
    // block ends and go to the next one.
    for (let i = 0; i < 120; i++) {
      const req = wire(makeRequest("OPTIONS"));
      const { txn, request } = serverTxn(layer, req);
      const ok = respondTo(request, 200);
      ok.setHeader("X-Pad", "p".repeat((i * 37) % 400));
      const final = i % 2 === 0 ? ok : wire(ok);
      kept.push({ req, text: text(final) });
      txn.respond(final, 10);
      for (const t of drain(layer).transmits) first.push(new TextDecoder().decode(t.bytes));
    }
    expect(first).toEqual(kept.map((k) => k.text));
    for (const { req } of kept) layer.handleRequest(wire(req), UDP, 500);
    const again = drain(layer).transmits;
    expect(again.every((t) => t.retransmission)).toBe(true);
    expect(again.map((t) => text(t.message))).toEqual(kept.map((k) => k.text));
  });

  it("§17.2.4: a kept final response that no longer parses ends the transaction with a transport error, never an exception", () => {
    const layer = new TransactionLayer<TestFlow>();
    const req = wire(makeRequest("OPTIONS"));
    const { txn, request } = serverTxn(layer, req);
    const ok = respondTo(request, 200);
    ok.setHeader("X-Broken", "a\r\nno colon here");
    txn.respond(ok, 10);
    drain(layer);
    expect(() => layer.handleRequest(wire(req), UDP, 500)).not.toThrow();
    const out = drain(layer);
    expect(out.transmits).toEqual([]);
    expect(types(out.events)).toEqual(["transport-error", "terminated"]);
    expect(txn.state).toBe("Terminated");
  });

  it("§17.2.2: on a reliable transport the final response ends the transaction at once; the events still carry their messages", () => {
    const layer = new TransactionLayer<TestFlow>();
    const req = wire(makeRequest("OPTIONS", { transport: "TCP" }));
    const { txn, request } = serverTxn(layer, req, TCP);
    txn.respond(respondTo(request, 200), 10);
    expect(txn.state).toBe("Terminated");
    expect(txn.request).toBeUndefined();
    expect(txn.lastResponse?.status).toBe(200);
    expect(request.cseq.method).toBe("OPTIONS");
  });
});
