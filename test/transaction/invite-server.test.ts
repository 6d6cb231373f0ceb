import { describe, expect, it } from "vitest";
import type { SipRequest } from "../../src/sip/index.ts";
import {
  InviteServerTransaction,
  TransactionLayer,
  TransactionTimeoutError,
  type TransactionEvent,
} from "../../src/transaction/index.ts";
import { drain, lines, makeRequest, respondTo, runClock, TCP, types, UDP, wire, type TestFlow } from "./harness.ts";

function server(flow: TestFlow = UDP, trying?: number) {
  const layer = new TransactionLayer<TestFlow>(trying === undefined ? {} : { timers: { trying } });
  const invite = wire(makeRequest("INVITE", { transport: flow.transport }));
  layer.handleRequest(invite, flow, 0);
  const { events, transmits } = drain(layer);
  expect(types(events)).toEqual(["request"]);
  const txn = (events[0] as Extract<TransactionEvent<TestFlow>, { type: "request" }>).transaction;
  expect(txn).toBeInstanceOf(InviteServerTransaction);
  return { layer, invite, txn: txn as InviteServerTransaction<TestFlow>, transmits };
}

function ackFor(invite: SipRequest, toTag = "a6c85cf"): SipRequest {
  // The ACK for a non-2xx is hop-by-hop: same branch as the INVITE (§17.1.1.3).
  return wire(
    makeRequest("ACK", {
      branch: invite.branch!,
      callId: invite.callId,
      cseq: invite.cseq.seq,
      toTag,
    }),
  );
}

describe("INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1)", () => {
  it("§17.2.1: sends 100 Trying when the TU has not answered within 200 ms", () => {
    const { layer, txn } = server();
    expect(txn.state).toBe("Proceeding");
    expect(runClock(layer, 0, 199)).toEqual([]);
    const sent = runClock(layer, 199, 200);
    expect(sent.map((s) => s.at)).toEqual([200]);
    const trying = sent[0]!.transmit.message;
    expect(lines([sent[0]!.transmit])).toEqual(["100"]);
    expect(trying.toTag).toBeUndefined(); // §8.2.6.2: no tag on 100
  });

  it("§17.2.1: no 100 Trying when the TU answers within 200 ms; trying = 0 sends it at once", () => {
    const { layer, invite, txn } = server();
    txn.respond(respondTo(invite, 180), 150);
    expect(lines(drain(layer).transmits)).toEqual(["180"]);
    expect(runClock(layer, 150, 1000)).toEqual([]);
    const s2 = server(UDP, 0);
    expect(lines(s2.transmits)).toEqual(["100"]);
  });

  it("§17.2.1: a retransmitted INVITE in Proceeding gets the latest provisional again and is not passed up", () => {
    const { layer, invite, txn } = server();
    txn.respond(respondTo(invite, 180), 10);
    txn.respond(respondTo(invite, 183), 20);
    drain(layer);
    layer.handleRequest(wire(invite), UDP, 500);
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["183"]);
    expect(out.transmits[0]!.retransmission).toBe(true);
    expect(out.events).toEqual([]);
    expect(layer.serverCount).toBe(1);
    expect(layer.counters.retransmissionsAbsorbed).toBe(1);
  });

  it("§17.2.1: 300-699 -> Completed; Timer G doubles to T2; Timer H at 64*T1 reports a failure", () => {
    const { layer, invite, txn } = server();
    txn.respond(respondTo(invite, 486), 0);
    expect(txn.state).toBe("Completed");
    const sent = runClock(layer, 0, 40_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(new Set(lines(sent.map((s) => s.transmit)))).toEqual(new Set(["486"]));
    const { events } = drain(layer);
    expect(types(events)).toEqual(["timeout", "terminated"]);
    const e = events[0] as Extract<TransactionEvent<TestFlow>, { type: "timeout" }>;
    expect(e.error).toBeInstanceOf(TransactionTimeoutError);
    expect(e.error.timer).toBe("H");
    expect(txn.state).toBe("Terminated");
  });

  it("§17.2.1: a retransmitted INVITE in Completed gets the final response again", () => {
    const { layer, invite, txn } = server();
    txn.respond(respondTo(invite, 404), 0);
    drain(layer);
    layer.handleRequest(wire(invite), UDP, 100);
    expect(lines(drain(layer).transmits)).toEqual(["404"]);
  });

  it("§17.2.1: ACK -> Confirmed stops G and H; Timer I (T4) absorbs further ACKs; then Terminated", () => {
    const { layer, invite, txn } = server();
    txn.respond(respondTo(invite, 486), 0);
    runClock(layer, 0, 600);
    layer.handleRequest(ackFor(invite), UDP, 700);
    expect(txn.state).toBe("Confirmed");
    expect(txn.isArmed("G")).toBe(false);
    expect(txn.isArmed("H")).toBe(false);
    expect(txn.deadline("I")).toBe(700 + 5000);
    layer.handleRequest(ackFor(invite), UDP, 800);
    layer.handleRequest(wire(invite), UDP, 900);
    const out = drain(layer);
    expect(out.transmits).toEqual([]);
    expect(out.events).toEqual([]);
    runClock(layer, 900, 5700);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["terminated"]);
  });

  it("§17.2.1: reliable transports arm no Timer G and Timer I is zero", () => {
    const { layer, invite, txn } = server(TCP);
    txn.respond(respondTo(invite, 486), 0);
    expect(txn.isArmed("G")).toBe(false);
    expect(txn.deadline("H")).toBe(32_000);
    layer.handleRequest(ackFor(invite), TCP, 10);
    expect(txn.state).toBe("Terminated");
  });

  it("RFC 6026 §7.1: a 2xx moves to Accepted with Timer L; INVITE retransmissions absorbed; ACK passed to the TU; TU 2xx retransmissions sent", () => {
    const { layer, invite, txn } = server();
    const ok = respondTo(invite, 200);
    expect(txn.respond(ok, 50)).toBe(true);
    expect(txn.state).toBe("Accepted");
    expect(txn.deadline("L")).toBe(50 + 32_000);
    expect(lines(drain(layer).transmits)).toEqual(["200"]);
    // The transaction itself does not retransmit the 2xx (the TU does, §13.3.1.4).
    expect(runClock(layer, 50, 10_000)).toEqual([]);
    layer.handleRequest(wire(invite), UDP, 10_100);
    let out = drain(layer);
    expect(out).toEqual({ transmits: [], events: [] });
    expect(txn.respond(ok, 10_200)).toBe(true);
    expect(txn.respond(respondTo(invite, 500), 10_300)).toBe(false);
    out = drain(layer);
    expect(lines(out.transmits)).toEqual(["200"]);
    // An ACK matching the transaction (same branch) goes up, tagged with the transaction.
    layer.handleRequest(ackFor(invite), UDP, 10_400);
    out = drain(layer);
    expect(types(out.events)).toEqual(["ack"]);
    expect((out.events[0] as Extract<TransactionEvent<TestFlow>, { type: "ack" }>).transaction).toBe(txn);
    expect(txn.state).toBe("Accepted");
    runClock(layer, 10_400, 32_050);
    expect(txn.state).toBe("Terminated");
  });

  it("RFC 6026 §7.1: Timer L is 64*T1 for reliable transports too", () => {
    const { invite, txn } = server(TCP);
    txn.respond(respondTo(invite, 200), 0);
    expect(txn.deadline("L")).toBe(32_000);
  });

  it("§17.2.1: responses after the final one are refused", () => {
    const { invite, txn } = server();
    txn.respond(respondTo(invite, 404), 0);
    expect(txn.respond(respondTo(invite, 200), 1)).toBe(false);
    expect(txn.respond(respondTo(invite, 180), 1)).toBe(false);
  });

  it("§17.2.4: a transport error reported for the transaction informs the TU and terminates it", () => {
    const { layer, invite, txn } = server();
    txn.respond(respondTo(invite, 180), 0);
    const t = drain(layer).transmits[0]!;
    layer.handleTransportError(t.transaction!, 5);
    expect(txn.state).toBe("Terminated");
    expect(types(drain(layer).events)).toEqual(["transport-error", "terminated"]);
    expect(layer.serverCount).toBe(0);
  });
});
