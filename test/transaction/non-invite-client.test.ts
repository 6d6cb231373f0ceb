import { describe, expect, it } from "vitest";
import { TransactionLayer, TransactionTimeoutError } from "../../src/transaction/index.ts";
import { drain, makeRequest, respondTo, runClock, TCP, types, UDP, wire, type TestFlow } from "./harness.ts";

function client(flow: TestFlow = UDP, method = "OPTIONS") {
  const layer = new TransactionLayer<TestFlow>();
  const req = makeRequest(method, { transport: flow.transport });
  const txn = layer.sendRequest(req, flow, 0);
  return { layer, req, txn };
}

describe("non-INVITE client transaction (RFC 3261 §17.1.2)", () => {
  it("§17.1.2.2: Timer E doubles from T1 up to T2; Timer F fires at 64*T1 and informs the TU", () => {
    const { layer, txn } = client();
    expect(txn.state).toBe("Trying");
    const sent = runClock(layer, 0, 40_000);
    // E: 500, 1000, 2000, 4000, 4000, ... so sends at 0, 500, 1500, 3500, 7500, 11500, ... 31500.
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    const { events } = drain(layer);
    expect(types(events)).toEqual(["timeout", "terminated"]);
    const e = events[0] as Extract<(typeof events)[0], { type: "timeout" }>;
    expect(e.error).toBeInstanceOf(TransactionTimeoutError);
    expect(e.error.timer).toBe("F");
    expect(txn.state).toBe("Terminated");
    expect(layer.counters.retransmissionsSent).toBe(10);
  });

  it("§17.1.2.2: T2 caps Timer E (T1 = 100, T2 = 300)", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { t1: 100, t2: 300 } });
    layer.sendRequest(makeRequest("MESSAGE"), UDP, 0);
    const sent = runClock(layer, 0, 1500);
    expect(sent.map((s) => s.at)).toEqual([0, 100, 300, 600, 900, 1200, 1500]);
  });

  it("§17.1.2.2: in Proceeding, Timer E is reset with T2", () => {
    const { layer, req, txn } = client();
    runClock(layer, 0, 600); // sends at 0 and 500; E next at 1500
    layer.handleResponse(wire(respondTo(req, 100)), UDP, 600);
    expect(txn.state).toBe("Proceeding");
    expect(types(drain(layer).events)).toEqual(["response"]);
    const sent = runClock(layer, 600, 14_000);
    expect(sent.map((s) => s.at)).toEqual([1500, 5500, 9500, 13500]);
  });

  it("§17.1.2.2: a final response completes the transaction; Timer K (T4) absorbs response retransmissions", () => {
    const { layer, req, txn } = client();
    drain(layer);
    const ok = respondTo(req, 200);
    layer.handleResponse(wire(ok), UDP, 100);
    expect(txn.state).toBe("Completed");
    expect(txn.isArmed("E")).toBe(false);
    expect(txn.isArmed("F")).toBe(false);
    expect(txn.deadline("K")).toBe(100 + 5000);
    expect(types(drain(layer).events)).toEqual(["response"]);
    for (let i = 0; i < 5; i++) layer.handleResponse(wire(ok), UDP, 200 + i);
    expect(drain(layer)).toEqual({ transmits: [], events: [] });
    expect(layer.counters.retransmissionsAbsorbed).toBe(5);
    runClock(layer, 300, 5100);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["terminated"]);
    // After termination a late retransmission is a stray response (§18.1.2).
    layer.handleResponse(wire(ok), UDP, 6000);
    expect(types(drain(layer).events)).toEqual(["stray-response"]);
  });

  it("§17.1.2.2: provisional then final from Proceeding", () => {
    const { layer, req, txn } = client(UDP, "REGISTER");
    layer.handleResponse(respondTo(req, 100), UDP, 1);
    layer.handleResponse(respondTo(req, 100), UDP, 2);
    layer.handleResponse(respondTo(req, 401), UDP, 3);
    expect(txn.state).toBe("Completed");
    expect(types(drain(layer).events)).toEqual(["response", "response", "response"]);
  });

  it("§17.1.2.2: reliable transports arm no Timer E and Timer K is zero", () => {
    const { layer, req, txn } = client(TCP);
    expect(txn.isArmed("E")).toBe(false);
    expect(txn.deadline("F")).toBe(32_000);
    layer.handleResponse(wire(respondTo(req, 200)), TCP, 10);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["response", "terminated"]);
    expect(layer.timerCount).toBe(0);
  });

  it("§17.1.4: a transport error informs the TU and terminates", () => {
    const { layer, txn } = client();
    layer.handleTransportError(txn.id, 1, "ECONNREFUSED");
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["transport-error", "terminated"]);
    expect(layer.counters.transportErrors).toBe(1);
  });
});
