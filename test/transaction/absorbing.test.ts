import { describe, expect, it } from "vitest";
import { parseMessage, type SipRequest } from "../../src/sip/index.ts";
import { TransactionLayer, type ServerTransaction, type TransactionEvent } from "../../src/transaction/index.ts";
import { buildNon2xxAck } from "../../src/transaction/index.ts";
import { drain, lines, makeRequest, respondTo, runClock, TCP, types, UDP, wire, type TestFlow } from "./harness.ts";

type RequestEv = Extract<TransactionEvent<TestFlow>, { type: "request" }>;

const enc = new TextEncoder();

/** OPTIONS with a unique branch, parsed from bytes as the transport would hand it over. */
function options(n: number): SipRequest {
  return parseMessage(
    enc.encode(
      `OPTIONS sip:bob@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK-load-${n};rport=5060;received=192.0.2.20\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:load@192.0.2.20>;tag=f${n}\r\nTo: <sip:bob@192.0.2.10>\r\nCall-ID: load-${n}@192.0.2.20\r\n` +
        `CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    ),
  ) as SipRequest;
}

/** A UAS that answers every request 200 at once, as the example server does. */
function answerAll(layer: TransactionLayer<TestFlow>, now: number): { ok: number; other: number } {
  let ok = 0;
  let other = 0;
  for (let e = layer.pollEvent(); e; e = layer.pollEvent()) {
    if (e.type === "request") e.transaction.respond(respondTo(e.request, 200), now);
  }
  for (let t = layer.pollTransmit(); t; t = layer.pollTransmit()) {
    if (!t.message.isRequest && (t.message as { status: number }).status === 200) ok++;
    else other++;
  }
  return { ok, other };
}

/** An OPTIONS received over UDP at `at`, answered 200 at `answered`: a non-INVITE server record. */
function answeredOptions(layer: TransactionLayer<TestFlow>, at: number, answered: number): ServerTransaction<TestFlow> {
  const opt = wire(makeRequest("OPTIONS"));
  layer.handleRequest(opt, UDP, at);
  const txn = (drain(layer).events[0] as RequestEv).transaction;
  txn.respond(respondTo(opt, 200), answered);
  return txn;
}

describe("absorbing records (RFC 3261 §17 states that only absorb retransmissions)", () => {
  it("§17.2.2: 10 000 OPTIONS/s over UDP for 60 s of virtual time hold with no 503; Timer J records (64*T1) stay outside maxServerTransactions", () => {
    const layer = new TransactionLayer<TestFlow>({ emitTerminated: false });
    let ok = 0;
    let other = 0;
    let peak = 0;
    let n = 0;
    // 10 requests per virtual millisecond: 600 000 requests, each answered at once.
    for (let now = 0; now < 60_000; now++) {
      if (layer.pollTimeout() !== undefined && layer.pollTimeout()! <= now) layer.handleTimeout(now);
      for (let i = 0; i < 10; i++) layer.handleRequest(options(n++), UDP, now);
      const r = answerAll(layer, now);
      ok += r.ok;
      other += r.other;
      peak = Math.max(peak, layer.absorbingRecords.count);
    }
    expect(ok).toBe(600_000);
    expect(other).toBe(0);
    expect(layer.counters.overload503).toBe(0);
    expect(layer.counters.absorbingDropped).toBe(0);
    // Timer J keeps each one 32 s: 320 000 records at the steady state, none of them in progress.
    expect(peak).toBe(320_000);
    expect(layer.serversInProgress).toBe(0);
    expect(layer.serverCount).toBe(320_000);
    // The default budget (256 MiB) holds that with room to spare.
    expect(layer.absorbingRecords.bytes).toBeLessThan(256 * 1024 * 1024);
    expect(layer.timerCount).toBe(0);
  }, 120_000);

  it("§17.2.2, §17.2.1, §17.1.2.2, §17.1.1.2, RFC 6026 §7.1: each absorbing state expires exactly when its timer fires", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { trying: 0 } });
    // Non-INVITE server Completed: Timer J = 64*T1 on UDP.
    const nist = answeredOptions(layer, 0, 100);
    // INVITE server Accepted: Timer L = 64*T1 on every transport (here TCP).
    const inv = wire(makeRequest("INVITE", { transport: "TCP" }));
    layer.handleRequest(inv, TCP, 0);
    const accepted = (drain(layer).events[0] as RequestEv).transaction;
    accepted.respond(respondTo(inv, 200), 200);
    // INVITE server Confirmed: Timer I = T4 on UDP.
    const inv2 = wire(makeRequest("INVITE"));
    layer.handleRequest(inv2, UDP, 0);
    const confirmed = (drain(layer).events[0] as RequestEv).transaction;
    const busy = respondTo(inv2, 486);
    confirmed.respond(busy, 300);
    layer.handleRequest(wire(buildNon2xxAck(inv2, busy)), UDP, 400);
    // Non-INVITE client Completed: Timer K = T4; INVITE client Completed: Timer D (32 s).
    const out = makeRequest("OPTIONS");
    const nict = layer.sendRequest(out, UDP, 0);
    layer.handleResponse(wire(respondTo(out, 200)), UDP, 500);
    const outInv = makeRequest("INVITE");
    const ict = layer.sendRequest(outInv, UDP, 0);
    layer.handleResponse(wire(respondTo(outInv, 603)), UDP, 600);
    drain(layer);

    const records = [nist, accepted, confirmed, nict, ict];
    expect(records.map((t) => t.state)).toEqual(["Completed", "Accepted", "Confirmed", "Completed", "Completed"]);
    expect(layer.absorbingRecords.count).toBe(5);
    expect(layer.serversInProgress + layer.clientsInProgress).toBe(0);
    expect(layer.timerCount).toBe(0);
    // In deadline order.
    const due = [
      [confirmed, "I", 400 + 5_000],
      [nict, "K", 500 + 5_000],
      [nist, "J", 100 + 32_000],
      [accepted, "L", 200 + 32_000],
      [ict, "D", 600 + 32_000],
    ] as const;
    for (const [txn, timer, at] of due) expect(txn.deadline(timer)).toBe(at);
    for (const [txn, , at] of due) {
      runClock(layer, 0, at - 1);
      expect(txn.state).not.toBe("Terminated");
      runClock(layer, at - 1, at);
      expect(txn.state).toBe("Terminated");
    }
    expect(layer.absorbingRecords).toEqual({ count: 0, bytes: 0 });
    expect(layer.clientCount + layer.serverCount).toBe(0);
  });

  it("§17.2.2: with a fractional clock (a driver's), a record's deadline is its timer rounded up to the whole millisecond, never earlier", () => {
    const layer = new TransactionLayer<TestFlow>({ timers: { trying: 0 } });
    const nist = answeredOptions(layer, 0.25, 100.25);
    drain(layer);
    // Timer J = 64*T1 = 32 000 ms after 100.25 ms: due at 32 100.25, kept until 32 101.
    expect(nist.deadline("J")).toBe(32_101);
    layer.handleTimeout(32_100.25);
    expect(nist.state).toBe("Completed");
    layer.handleTimeout(32_100.999);
    expect(nist.state).toBe("Completed");
    layer.handleTimeout(32_101);
    expect(nist.state).toBe("Terminated");
  });

  it("the memory budget expires the oldest records first, counted; a late retransmission of an expired one is a new request", () => {
    // Room for about ten records.
    const probe = new TransactionLayer<TestFlow>();
    probe.handleRequest(options(0), UDP, 0);
    answerAll(probe, 0);
    const perRecord = probe.absorbingRecords.bytes;
    const layer = new TransactionLayer<TestFlow>({ absorbingMemory: perRecord * 10 + perRecord / 2, emitTerminated: false });
    const txns: ServerTransaction<TestFlow>[] = [];
    for (let i = 0; i < 25; i++) {
      layer.handleRequest(options(i), UDP, i);
      const e = drain(layer).events[0] as RequestEv;
      txns.push(e.transaction);
      e.transaction.respond(respondTo(e.request, 200), i);
    }
    drain(layer);
    expect(layer.counters.absorbingDropped).toBe(15);
    expect(layer.absorbingRecords.count).toBe(10);
    expect(txns.slice(0, 15).every((t) => t.state === "Terminated")).toBe(true);
    expect(txns.slice(15).every((t) => t.state === "Completed")).toBe(true);
    expect(layer.counters.overload503).toBe(0);
    // A live record answers a retransmission from its kept bytes; an expired one cannot.
    layer.handleRequest(options(24), UDP, 100);
    const again = drain(layer);
    expect(lines(again.transmits)).toEqual(["200"]);
    expect(again.transmits[0]!.retransmission).toBe(true);
    layer.handleRequest(options(0), UDP, 100);
    expect(types(drain(layer).events)).toEqual(["request"]);
  });

  it("maxServerTransactions counts transactions in progress only: answered ones never cause a 503", () => {
    const layer = new TransactionLayer<TestFlow>({ maxServerTransactions: 10 });
    for (let i = 0; i < 100; i++) {
      layer.handleRequest(options(i), UDP, i);
      answerAll(layer, i);
    }
    expect(layer.counters.overload503).toBe(0);
    expect(layer.serverCount).toBe(100);
    expect(layer.serversInProgress).toBe(0);
    // Unanswered ones do count.
    for (let i = 100; i < 120; i++) layer.handleRequest(options(i), UDP, 200);
    const out = drain(layer);
    expect(types(out.events).length).toBe(10);
    expect(lines(out.transmits)).toEqual(Array(10).fill("503"));
  });

  it("§17.2.2: a final response kept for retransmission is handed to the transport as bytes, serialized once", () => {
    const layer = new TransactionLayer<TestFlow>();
    const req = options(1);
    layer.handleRequest(req, UDP, 0);
    const txn = (drain(layer).events[0] as RequestEv).transaction;
    const ok = respondTo(req, 200);
    txn.respond(ok, 1);
    const first = drain(layer).transmits[0]!;
    expect(first.message).toBe(ok);
    expect(new TextDecoder().decode(first.bytes)).toBe(ok.toString());
    layer.handleRequest(options(1), UDP, 500);
    const again = drain(layer).transmits[0]!;
    expect(new TextDecoder().decode(again.bytes)).toBe(ok.toString());
    // On a reliable transport nothing is kept, so nothing is serialized ahead of the transport.
    const tcpReq = wire(makeRequest("OPTIONS", { transport: "TCP" }));
    layer.handleRequest(tcpReq, TCP, 2);
    (drain(layer).events[0] as RequestEv).transaction.respond(respondTo(tcpReq, 200), 3);
    expect(drain(layer).transmits[0]!.bytes).toBeUndefined();
  });
});
