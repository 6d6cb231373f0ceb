import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { buildNon2xxAck, TransactionLayer, TransactionTimeoutError, TransactionTransportError } from "../../src/transaction/index.ts";
import { drain, lines, makeRequest, respondTo, runClock, TCP, types, UDP, wire, type TestFlow } from "./harness.ts";

function client(flow: TestFlow = UDP) {
  const layer = new TransactionLayer<TestFlow>();
  const invite = makeRequest("INVITE", { transport: flow.transport, body: "v=0\r\n" });
  const txn = layer.sendRequest(invite, flow, 0);
  return { layer, invite, txn };
}

describe("INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2)", () => {
  it("§17.1.1.2: sends the INVITE, Timer A doubles from T1, Timer B fires at 64*T1 and informs the TU", () => {
    const { layer, txn } = client();
    expect(txn.state).toBe("Calling");
    const sent = runClock(layer, 0, 40_000);
    // The first send at 0, then retransmissions at T1, 3T1, 7T1, 15T1, 31T1, 63T1 (< 64*T1).
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(sent.map((s) => s.transmit.retransmission)).toEqual([false, true, true, true, true, true, true]);
    expect(sent.every((s) => s.transmit.flow === UDP && s.transmit.transaction === txn.id)).toBe(true);
    const { events } = drain(layer);
    expect(types(events)).toEqual(["timeout", "terminated"]);
    const timeout = events[0] as Extract<(typeof events)[0], { type: "timeout" }>;
    expect(timeout.error).toBeInstanceOf(TransactionTimeoutError);
    expect(timeout.error.timer).toBe("B");
    expect(txn.state).toBe("Terminated");
    expect(layer.clientCount).toBe(0);
    expect(layer.timerCount).toBe(0);
    expect(layer.counters.timeouts).toBe(1);
    expect(layer.counters.retransmissionsSent).toBe(6);
  });

  it("§17.1.1.2: a 32-second Timer B elapses on the virtual clock (T1 configurable: 64*T1)", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { t1: 100 } });
    const txn = layer.sendRequest(makeRequest("INVITE"), UDP, 1_000_000);
    expect(txn.deadline("B")).toBe(1_000_000 + 6400);
    expect(txn.deadline("A")).toBe(1_000_100);
    runClock(layer, 1_000_000, 1_006_399);
    expect(txn.state).toBe("Calling");
    runClock(layer, 1_006_399, 1_006_400);
    expect(txn.state).toBe("Terminated");
  });

  it("§17.1.1.2: a reliable transport arms no Timer A, but Timer B still runs", () => {
    const { layer, txn } = client(TCP);
    expect(txn.isArmed("A")).toBe(false);
    expect(txn.deadline("B")).toBe(32_000);
    const sent = runClock(layer, 0, 40_000);
    expect(sent.length).toBe(1);
    expect(types(drain(layer).events)).toEqual(["timeout", "terminated"]);
  });

  it("§17.1.1.2: a 1xx moves Calling to Proceeding, goes to the TU and stops retransmissions", () => {
    const { layer, invite, txn } = client();
    runClock(layer, 0, 600); // one retransmission at 500
    drain(layer);
    layer.handleResponse(wire(respondTo(invite, 180)), UDP, 700);
    expect(txn.state).toBe("Proceeding");
    expect(txn.isArmed("A")).toBe(false);
    expect(txn.isArmed("B")).toBe(false);
    const { events } = drain(layer);
    expect(types(events)).toEqual(["response"]);
    layer.handleResponse(wire(respondTo(invite, 183)), UDP, 800);
    expect(types(drain(layer).events)).toEqual(["response"]);
    expect(runClock(layer, 800, 100_000).length).toBe(0);
    expect(txn.state).toBe("Proceeding"); // an INVITE may ring for ever; Timer C is the proxy's (§16.6)
  });

  it("§17.1.1.2: 300-699 -> Completed, ACK sent, response to TU; retransmissions re-ACKed, not passed up; Timer D", () => {
    const { layer, invite, txn } = client();
    drain(layer);
    const busy = respondTo(invite, 486);
    layer.handleResponse(wire(busy), UDP, 100);
    expect(txn.state).toBe("Completed");
    let out = drain(layer);
    expect(lines(out.transmits)).toEqual(["ACK"]);
    expect(out.transmits[0]!.flow).toBe(UDP);
    expect(types(out.events)).toEqual(["response"]);
    expect(txn.deadline("D")).toBe(100 + 32_000);
    // A retransmitted 486 is answered with the same ACK and absorbed.
    layer.handleResponse(wire(busy), UDP, 1000);
    out = drain(layer);
    expect(lines(out.transmits)).toEqual(["ACK"]);
    expect(out.transmits[0]!.retransmission).toBe(true);
    expect(out.transmits[0]!.message.toString()).toBe(txn.ackRequest!.toString());
    expect(out.events).toEqual([]);
    expect(layer.counters.retransmissionsAbsorbed).toBe(1);
    runClock(layer, 1000, 32_099);
    expect(txn.state).toBe("Completed");
    runClock(layer, 32_099, 32_100);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["terminated"]);
  });

  it("§17.1.1.2: Timer D is zero on a reliable transport", () => {
    const { layer, invite, txn } = client(TCP);
    layer.handleResponse(wire(respondTo(invite, 603)), TCP, 10);
    expect(txn.state).toBe("Terminated");
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["INVITE", "ACK"]);
    expect(types(out.events)).toEqual(["response", "terminated"]);
  });

  it("§17.1.1.3: the ACK for a non-2xx copies Request-URI, Call-ID, From, CSeq number, top Via, Route, Max-Forwards; To from the response", () => {
    const invite = makeRequest("INVITE", { body: "v=0\r\n" });
    invite.addHeader("Via", "SIP/2.0/UDP p0.example.com;branch=z9hG4bKbelow", { prepend: false });
    const res = wire(respondTo(invite, 404, "xyz"));
    const ack = wire(buildNon2xxAck(invite, res));
    expect(ack.method).toBe("ACK");
    expect(ack.uriText).toBe(invite.uriText);
    expect(ack.callId).toBe(invite.callId);
    expect(ack.header("From")).toBe(invite.header("From"));
    expect(ack.header("To")).toBe(res.header("To"));
    expect(ack.toTag).toBe("xyz");
    expect(ack.cseq).toEqual({ seq: invite.cseq.seq, method: "ACK" });
    expect(ack.headers("Via")).toEqual([invite.headers("Via")[0]]);
    expect(ack.via.length).toBe(1);
    expect(ack.headers("Route")).toEqual(invite.headers("Route"));
    expect(ack.maxForwards).toBe(70);
    expect(ack.body.length).toBe(0);
  });

  it("§17.1.1.3: with several Via values on one line the ACK takes only the top one", () => {
    const invite = makeRequest("INVITE");
    const top = invite.header("Via")!;
    invite.setHeader("Via", `${top}, SIP/2.0/UDP second.example.com;branch=z9hG4bK2`);
    const ack = buildNon2xxAck(invite, respondTo(invite, 500));
    expect(ack.headers("Via")).toEqual([top]);
  });

  it("RFC 6026 §7.2: a 2xx moves to Accepted with Timer M; 2xx retransmissions go to the TU; no ACK from the transaction", () => {
    const { layer, invite, txn } = client();
    drain(layer);
    const ok = respondTo(invite, 200);
    layer.handleResponse(wire(ok), UDP, 100);
    expect(txn.state).toBe("Accepted");
    expect(txn.deadline("M")).toBe(100 + 32_000);
    expect(txn.isArmed("A")).toBe(false);
    expect(txn.isArmed("B")).toBe(false);
    layer.handleResponse(wire(ok), UDP, 600);
    layer.handleResponse(wire(respondTo(invite, 200, "fork2")), UDP, 700);
    const out = drain(layer);
    expect(out.transmits).toEqual([]);
    expect(types(out.events)).toEqual(["response", "response", "response"]);
    // A late non-2xx after a 2xx is absorbed.
    layer.handleResponse(wire(respondTo(invite, 500)), UDP, 800);
    expect(drain(layer).events).toEqual([]);
    runClock(layer, 800, 32_100);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["terminated"]);
  });

  it("RFC 6026 §7.2: an Accepted INVITE client waits as an absorbing record (no heap timer, outside the transactions in progress) until Timer M", () => {
    const { layer, invite, txn } = client();
    drain(layer);
    expect(layer.clientsInProgress).toBe(1);
    expect(layer.clientsUnanswered).toBe(1);
    layer.handleResponse(wire(respondTo(invite, 200)), UDP, 100);
    expect(txn.state).toBe("Accepted");
    expect(layer.clientsInProgress).toBe(0);
    // §17.1.1.2: answered — nothing left for a TU shutting down to wait for.
    expect(layer.clientsUnanswered).toBe(0);
    expect(layer.clientCount).toBe(1);
    expect(layer.timerCount).toBe(0);
    expect(layer.absorbingRecords.count).toBe(1);
    // Charged for what it holds: the record and the bytes of the reduced INVITE, no object.
    expect(layer.absorbingRecords.bytes).toBeGreaterThan(240 + txn.id.length + 200);
    expect(layer.absorbingRecords.bytes).toBeLessThan(1600);
    expect(txn.isArmed("M")).toBe(true);
    expect(layer.pollTimeout()).toBe(100 + 32_000);
    expect(layer.counters.active["invite-client"]).toEqual({ Calling: 0, Proceeding: 0, Accepted: 1, Completed: 0 });
    runClock(layer, 100, 32_099);
    expect(txn.state).toBe("Accepted");
    runClock(layer, 32_099, 32_100);
    expect(txn.state).toBe("Terminated");
    expect(layer.absorbingRecords).toEqual({ count: 0, bytes: 0 });
    expect(layer.clientCount).toBe(0);
    drain(layer);
    // After Timer M a 2xx matches no transaction: the core gets it as a stray response (§18.1.2).
    layer.handleResponse(wire(respondTo(invite, 200)), UDP, 32_200);
    expect(types(drain(layer).events)).toEqual(["stray-response"]);
  });

  it("RFC 6026 §7.2: Timer M is 64*T1 on reliable transports too", () => {
    const { layer, invite, txn } = client(TCP);
    layer.handleResponse(wire(respondTo(invite, 200)), TCP, 0);
    expect(txn.state).toBe("Accepted");
    expect(txn.deadline("M")).toBe(32_000);
  });

  it("§17.1.4: a transport error informs the TU and terminates the transaction", () => {
    const { layer, txn } = client();
    const first = drain(layer).transmits[0]!;
    expect(layer.handleTransportError(first.transaction!, 5, new Error("ICMP port unreachable"))).toBe(true);
    expect(txn.state).toBe("Terminated");
    const { events } = drain(layer);
    expect(types(events)).toEqual(["transport-error", "terminated"]);
    const e = events[0] as Extract<(typeof events)[0], { type: "transport-error" }>;
    expect(e.error).toBeInstanceOf(TransactionTransportError);
    expect((e.error.cause as Error).message).toBe("ICMP port unreachable");
    expect(layer.handleTransportError(first.transaction!, 6)).toBe(false);
    expect(layer.timerCount).toBe(0);
  });

  it("§17.1.1.2: counters follow the states", () => {
    const { layer, invite } = client();
    expect(layer.counters.active["invite-client"].Calling).toBe(1);
    layer.handleResponse(respondTo(invite, 180), UDP, 1);
    expect(layer.counters.active["invite-client"]).toEqual({ Calling: 0, Proceeding: 1, Accepted: 0, Completed: 0 });
    layer.handleResponse(respondTo(invite, 486), UDP, 2);
    expect(layer.counters.active["invite-client"].Completed).toBe(1);
    runClock(layer, 2, 40_000);
    expect(layer.counters.active["invite-client"].Completed).toBe(0);
    expect(layer.counters.terminated).toBe(1);
  });
});

export type { SipRequest, SipResponse };
