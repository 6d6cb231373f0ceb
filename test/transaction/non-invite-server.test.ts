import { describe, expect, it } from "vitest";
import {
  NonInviteServerTransaction,
  TransactionLayer,
  type TransactionEvent,
} from "../../src/transaction/index.ts";
import { drain, lines, makeRequest, respondTo, runClock, TCP, types, UDP, wire, type TestFlow } from "./harness.ts";

function server(flow: TestFlow = UDP, method = "OPTIONS") {
  const layer = new TransactionLayer<TestFlow>();
  const req = wire(makeRequest(method, { transport: flow.transport }));
  layer.handleRequest(req, flow, 0);
  const { events } = drain(layer);
  expect(types(events)).toEqual(["request"]);
  const txn = (events[0] as Extract<TransactionEvent<TestFlow>, { type: "request" }>).transaction;
  expect(txn).toBeInstanceOf(NonInviteServerTransaction);
  return { layer, req, txn: txn as NonInviteServerTransaction<TestFlow> };
}

describe("non-INVITE server transaction (RFC 3261 §17.2.2)", () => {
  it("§17.2.2: retransmissions in Trying are discarded and not passed up", () => {
    const { layer, req, txn } = server();
    layer.handleRequest(wire(req), UDP, 500);
    layer.handleRequest(wire(req), UDP, 1500);
    expect(drain(layer)).toEqual({ transmits: [], events: [] });
    expect(txn.state).toBe("Trying");
    expect(layer.counters.retransmissionsAbsorbed).toBe(2);
  });

  it("§17.2.2: a provisional moves to Proceeding; retransmissions get it again", () => {
    const { layer, req, txn } = server(UDP, "SUBSCRIBE");
    txn.respond(respondTo(req, 100), 10);
    expect(txn.state).toBe("Proceeding");
    layer.handleRequest(wire(req), UDP, 500);
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["100", "100"]);
    expect(out.transmits[1]!.retransmission).toBe(true);
  });

  it("§17.2.2: the final response moves to Completed; Timer J (64*T1) absorbs request retransmissions, answering each with the final response", () => {
    const { layer, req, txn } = server();
    txn.respond(respondTo(req, 200), 10);
    expect(txn.state).toBe("Completed");
    expect(txn.deadline("J")).toBe(10 + 32_000);
    for (const t of [500, 1500, 3500]) layer.handleRequest(wire(req), UDP, t);
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["200", "200", "200", "200"]);
    expect(out.events).toEqual([]);
    // §17.2.2: "Any other final responses passed by the TU [...] MUST be discarded"
    expect(txn.respond(respondTo(req, 500), 4000)).toBe(false);
    expect(drain(layer).transmits).toEqual([]);
    runClock(layer, 4000, 32_010);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["terminated"]);
    // After Timer J a retransmission is a new request (the RFC's intent: J outlives them all).
    layer.handleRequest(wire(req), UDP, 40_000);
    expect(types(drain(layer).events)).toEqual(["request"]);
  });

  it("§17.2.2: Timer J is zero on reliable transports", () => {
    const { layer, req, txn } = server(TCP);
    txn.respond(respondTo(req, 200), 10);
    expect(txn.state).toBe("Terminated");
    expect(layer.serverCount).toBe(0);
    expect(layer.timerCount).toBe(0);
  });

  it("§17.2.4: a transport error terminates the transaction and informs the TU", () => {
    const { layer, req, txn } = server();
    txn.respond(respondTo(req, 200), 10);
    layer.handleTransportError(txn.id, 11);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["transport-error", "terminated"]);
  });
});
