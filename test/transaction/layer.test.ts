import { describe, expect, it } from "vitest";
import { createResponse, parseMessage, type SipRequest } from "../../src/sip/index.ts";
import {
  buildCancel,
  TransactionError,
  TransactionLayer,
  type ServerTransaction,
  type TransactionEvent,
} from "../../src/transaction/index.ts";
import { drain, lines, makeRequest, respondTo, runClock, types, UDP, wire, type TestFlow } from "./harness.ts";

type Ev = TransactionEvent<TestFlow>;
type RequestEv = Extract<Ev, { type: "request" }>;

function serverTxn(events: Ev[]): ServerTransaction<TestFlow> {
  const e = events.find((x) => x.type === "request") as RequestEv;
  return e.transaction;
}

describe("client matching (RFC 3261 §17.1.3)", () => {
  it("§17.1.3: a response matches by top Via branch and CSeq method; others are stray", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = makeRequest("INVITE");
    const txn = layer.sendRequest(invite, UDP, 0);
    drain(layer);
    // Same branch, CSeq method CANCEL: belongs to the CANCEL transaction, not the INVITE.
    const cancelRes = createResponse(buildCancel(invite), 200, undefined, { toTag: "x" });
    layer.handleResponse(wire(cancelRes), UDP, 1);
    expect(types(drain(layer).events)).toEqual(["stray-response"]);
    expect(txn.state).toBe("Calling");
    // Another branch: stray.
    layer.handleResponse(wire(respondTo(makeRequest("INVITE"), 180)), UDP, 2);
    expect(types(drain(layer).events)).toEqual(["stray-response"]);
    expect(layer.counters.strayResponses).toBe(2);
    // The right one.
    layer.handleResponse(wire(respondTo(invite, 180)), UDP, 3);
    expect(types(drain(layer).events)).toEqual(["response"]);
  });

  it("§8.1.1.7: sendRequest refuses a request without a branch, an ACK, and a duplicate branch", () => {
    const layer = new TransactionLayer<TestFlow>();
    const noBranch = makeRequest("OPTIONS");
    noBranch.setHeader("Via", "SIP/2.0/UDP pc33.atlanta.example.com");
    expect(() => layer.sendRequest(noBranch, UDP, 0)).toThrow(TransactionError);
    expect(() => layer.sendRequest(makeRequest("ACK"), UDP, 0)).toThrow(TransactionError);
    const r = makeRequest("OPTIONS", { branch: "z9hG4bKsame" });
    layer.sendRequest(r, UDP, 0);
    expect(() => layer.sendRequest(r, UDP, 0)).toThrow(/exists/);
  });

  it("maxClientTransactions bounds client transactions", () => {
    const layer = new TransactionLayer<TestFlow>({ maxClientTransactions: 2 });
    layer.sendRequest(makeRequest("OPTIONS"), UDP, 0);
    layer.sendRequest(makeRequest("OPTIONS"), UDP, 0);
    let err: unknown;
    try {
      layer.sendRequest(makeRequest("OPTIONS"), UDP, 0);
    } catch (e) {
      err = e;
    }
    expect((err as TransactionError).code).toBe("TOO_MANY_TRANSACTIONS");
  });
});

describe("server matching (RFC 3261 §17.2.3)", () => {
  it("§17.2.3: branch + sent-by + method; ACK matches the INVITE; another sent-by is another transaction", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = wire(makeRequest("INVITE", { branch: "z9hG4bKabc" }));
    layer.handleRequest(invite, UDP, 0);
    layer.handleRequest(wire(makeRequest("INVITE", { branch: "z9hG4bKabc", sentBy: "other.example.com" })), UDP, 1);
    layer.handleRequest(wire(makeRequest("INVITE", { branch: "z9hG4bKabc", sentBy: "PC33.atlanta.example.com" })), UDP, 2);
    // Same branch, other method (not ACK/CANCEL): its own transaction.
    layer.handleRequest(wire(makeRequest("OPTIONS", { branch: "z9hG4bKabc" })), UDP, 3);
    const ev = drain(layer).events;
    expect(types(ev)).toEqual(["request", "request", "request"]);
    expect(layer.serverCount).toBe(3);
    const txn = serverTxn(ev);
    txn.respond(respondTo(invite, 486), 4);
    layer.handleRequest(wire(makeRequest("ACK", { branch: "z9hG4bKabc", callId: invite.callId, toTag: "a6c85cf" })), UDP, 5);
    expect(txn.state).toBe("Confirmed");
  });

  it("§17.2.3: an ACK matching nothing (the ACK for a 2xx) goes to the TU", () => {
    const layer = new TransactionLayer<TestFlow>();
    layer.handleRequest(wire(makeRequest("ACK", { toTag: "t" })), UDP, 0);
    const { events, transmits } = drain(layer);
    expect(types(events)).toEqual(["ack"]);
    expect((events[0] as Extract<Ev, { type: "ack" }>).transaction).toBeUndefined();
    expect(transmits).toEqual([]);
    expect(layer.serverCount).toBe(0);
    expect(layer.counters.strayAcks).toBe(1);
  });

  it("§17.2.3: RFC 2543 fallback (no magic cookie) matches retransmissions by Request-URI, tags, Call-ID, CSeq and top Via", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = wire(makeRequest("INVITE", { branch: "oldstyle1" }));
    layer.handleRequest(invite, UDP, 0);
    const txn = serverTxn(drain(layer).events);
    // A byte-identical retransmission, and one with reordered Via parameters and other spacing.
    layer.handleRequest(wire(invite), UDP, 500);
    const reordered = parseMessage(
      invite.toString().replace(/Via: [^\r]*/, "Via: SIP/2.0/UDP  pc33.atlanta.example.com ; branch=oldstyle1"),
    ) as SipRequest;
    layer.handleRequest(reordered, UDP, 600);
    expect(drain(layer).events).toEqual([]);
    expect(layer.serverCount).toBe(1);
    // Different CSeq: a new transaction.
    layer.handleRequest(wire(makeRequest("INVITE", { branch: "oldstyle1", callId: invite.callId, cseq: 2 })), UDP, 700);
    expect(types(drain(layer).events)).toEqual(["request"]);
    // No branch at all is RFC 2543 as well.
    const nob = makeRequest("OPTIONS");
    nob.setHeader("Via", "SIP/2.0/UDP host.example.com");
    layer.handleRequest(wire(nob), UDP, 800);
    layer.handleRequest(wire(nob), UDP, 900);
    expect(types(drain(layer).events)).toEqual(["request"]);
    // ACK for a non-2xx: matched with the To tag of the response the transaction sent.
    txn.respond(respondTo(invite, 486, "srvtag"), 1000);
    const badAck = wire(makeRequest("ACK", { branch: "oldstyle1", callId: invite.callId, toTag: "wrong" }));
    layer.handleRequest(badAck, UDP, 1100);
    expect(types(drain(layer).events)).toEqual(["ack"]);
    expect(txn.state).toBe("Completed");
    const ack = wire(makeRequest("ACK", { branch: "oldstyle1", callId: invite.callId, toTag: "srvtag" }));
    layer.handleRequest(ack, UDP, 1200);
    expect(txn.state).toBe("Confirmed");
  });

  it("a retransmission storm creates no new transactions", () => {
    const layer = new TransactionLayer<TestFlow>();
    const reqs = Array.from({ length: 50 }, () => wire(makeRequest("OPTIONS")));
    for (let round = 0; round < 20; round++) {
      for (const r of reqs) layer.handleRequest(wire(r), UDP, round * 10);
    }
    expect(types(drain(layer).events).length).toBe(50);
    expect(layer.serverCount).toBe(50);
    expect(layer.counters.serverCreated).toBe(50);
    expect(layer.counters.retransmissionsAbsorbed).toBe(50 * 19);
  });
});

describe("CANCEL (RFC 3261 §9)", () => {
  it("§9.1: buildCancel copies Request-URI, Call-ID, To, From, CSeq number, top Via, Route", () => {
    const invite = makeRequest("INVITE", { body: "v=0\r\n" });
    const c = wire(buildCancel(invite, [["Reason", 'SIP;cause=487;text="Request Terminated"']]));
    expect(c.method).toBe("CANCEL");
    expect(c.uriText).toBe(invite.uriText);
    expect(c.callId).toBe(invite.callId);
    expect(c.header("To")).toBe(invite.header("To"));
    expect(c.header("From")).toBe(invite.header("From"));
    expect(c.cseq).toEqual({ seq: invite.cseq.seq, method: "CANCEL" });
    expect(c.headers("Via")).toEqual([invite.headers("Via")[0]]);
    expect(c.headers("Route")).toEqual(invite.headers("Route"));
    expect(c.header("Reason")).toContain("cause=487");
    expect(c.body.length).toBe(0);
  });

  it("§9.1: the client waits for a provisional before sending CANCEL, and sends none after a final", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = makeRequest("INVITE");
    const txn = layer.sendRequest(invite, UDP, 0);
    drain(layer);
    expect(layer.cancel(txn, 10)).toBeUndefined();
    expect(drain(layer).transmits).toEqual([]);
    layer.handleResponse(wire(respondTo(invite, 180)), UDP, 20);
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["CANCEL"]);
    expect(out.transmits[0]!.flow).toBe(UDP);
    expect(layer.clientCount).toBe(2);
    // Once in Proceeding, cancel sends at once.
    const layer2 = new TransactionLayer<TestFlow>();
    const inv2 = makeRequest("INVITE");
    const t2 = layer2.sendRequest(inv2, UDP, 0);
    layer2.handleResponse(respondTo(inv2, 100), UDP, 1);
    const ct = layer2.cancel(t2, 2);
    expect(ct?.method).toBe("CANCEL");
    // After a final response, cancelling is a no-op.
    layer2.handleResponse(respondTo(inv2, 486), UDP, 3);
    expect(layer2.cancel(t2, 4)).toBeUndefined();
    // A pending CANCEL is dropped when a final arrives first.
    const layer3 = new TransactionLayer<TestFlow>();
    const inv3 = makeRequest("INVITE");
    const t3 = layer3.sendRequest(inv3, UDP, 0);
    layer3.cancel(t3, 1);
    layer3.handleResponse(respondTo(inv3, 200), UDP, 2);
    expect(lines(drain(layer3).transmits)).toEqual(["INVITE"]);
    expect(() => layer3.cancel(layer3.sendRequest(makeRequest("OPTIONS"), UDP, 3), 4)).toThrow(TransactionError);
  });

  it("§9.2: a CANCEL matching a pending INVITE gets 200, the INVITE 487 with the same To tag, and the TU a cancel event", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = wire(makeRequest("INVITE"));
    layer.handleRequest(invite, UDP, 0);
    const inv = serverTxn(drain(layer).events);
    inv.respond(respondTo(invite, 180, "ring1"), 10);
    drain(layer);
    layer.handleRequest(wire(buildCancel(invite)), UDP, 20);
    const out = drain(layer);
    expect(lines(out.transmits)).toEqual(["200", "487"]);
    expect(out.transmits.map((t) => t.message.toTag)).toEqual(["ring1", "ring1"]);
    expect(out.transmits[0]!.message.cseq.method).toBe("CANCEL");
    expect(out.transmits[1]!.message.cseq.method).toBe("INVITE");
    expect(types(out.events)).toEqual(["cancel"]);
    expect((out.events[0] as Extract<Ev, { type: "cancel" }>).transaction).toBe(inv);
    expect(inv.state).toBe("Completed");
    expect(layer.counters.cancelMatched).toBe(1);
    // A retransmitted CANCEL matches the CANCEL's own transaction.
    layer.handleRequest(wire(buildCancel(invite)), UDP, 520);
    expect(lines(drain(layer).transmits)).toEqual(["200"]);
  });

  it("§9.2: a CANCEL after the final response gets 200 and changes nothing; one matching nothing gets 481", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = wire(makeRequest("INVITE"));
    layer.handleRequest(invite, UDP, 0);
    const inv = serverTxn(drain(layer).events);
    inv.respond(respondTo(invite, 200, "t200"), 1);
    drain(layer);
    layer.handleRequest(wire(buildCancel(invite)), UDP, 2);
    let out = drain(layer);
    expect(lines(out.transmits)).toEqual(["200"]);
    expect(out.events).toEqual([]);
    expect(inv.state).toBe("Accepted");
    layer.handleRequest(wire(buildCancel(makeRequest("INVITE"))), UDP, 3);
    out = drain(layer);
    expect(lines(out.transmits)).toEqual(["481"]);
    expect(layer.counters.cancelUnmatched).toBe(1);
  });

  it("§9.2 / §17.2.3: a CANCEL matches by branch and sent-by, whatever the method of its target: a pending OPTIONS gets 200 and goes on; another sent-by matches nothing", () => {
    const layer = new TransactionLayer<TestFlow>();
    const options = wire(makeRequest("OPTIONS"));
    layer.handleRequest(options, UDP, 0);
    const opt = serverTxn(drain(layer).events);
    layer.handleRequest(wire(buildCancel(options)), UDP, 1);
    let out = drain(layer);
    expect(lines(out.transmits)).toEqual(["200"]);
    expect(out.events).toEqual([]);
    expect(opt.state).toBe("Trying");
    expect(layer.counters.cancelMatched).toBe(1);
    // The INVITE's branch from another sent-by (§17.2.3: "the sent-by value in the top Via of the
    // request is equal to the one in the request that created the transaction").
    const invite = wire(makeRequest("INVITE", { branch: "z9hG4bKsame" }));
    layer.handleRequest(invite, UDP, 2);
    const inv = serverTxn(drain(layer).events);
    const stranger = wire(buildCancel(wire(makeRequest("INVITE", { branch: "z9hG4bKsame", sentBy: "elsewhere.example.com" }))));
    layer.handleRequest(stranger, UDP, 3);
    out = drain(layer);
    expect(lines(out.transmits)).toEqual(["481"]);
    expect(inv.state).toBe("Proceeding");
    layer.handleRequest(wire(buildCancel(invite)), UDP, 4);
    expect(lines(drain(layer).transmits)).toEqual(["200", "487"]);
    expect(layer.counters.cancelMatched).toBe(2);
  });

  it("§9.2: RFC 2543 CANCEL matching (no magic cookie)", () => {
    const layer = new TransactionLayer<TestFlow>();
    const invite = wire(makeRequest("INVITE", { branch: "1" }));
    layer.handleRequest(invite, UDP, 0);
    const inv = serverTxn(drain(layer).events);
    layer.handleRequest(wire(buildCancel(invite)), UDP, 10);
    expect(lines(drain(layer).transmits)).toEqual(["200", "487"]);
    expect(inv.state).toBe("Completed");
  });

  it("§9.2: with autoCancel off the CANCEL is a request event naming the transaction it cancels", () => {
    const layer = new TransactionLayer<TestFlow>({ autoCancel: false });
    const invite = wire(makeRequest("INVITE"));
    layer.handleRequest(invite, UDP, 0);
    const inv = serverTxn(drain(layer).events);
    layer.handleRequest(wire(buildCancel(invite)), UDP, 10);
    const { events, transmits } = drain(layer);
    expect(transmits).toEqual([]);
    const e = events[0] as RequestEv;
    expect(e.request.method).toBe("CANCEL");
    expect(e.cancels).toBe(inv);
  });
});

describe("merged requests (RFC 3261 §8.2.2.2)", () => {
  it("§8.2.2.2: same From tag, Call-ID and CSeq on another branch is answered 482 when enabled", () => {
    const layer = new TransactionLayer<TestFlow>({ detectMergedRequests: true });
    const a = wire(makeRequest("INVITE", { callId: "merge-1" }));
    const b = wire(makeRequest("INVITE", { callId: "merge-1" })); // forked copy, new branch
    layer.handleRequest(a, UDP, 0);
    layer.handleRequest(b, UDP, 1);
    const { events, transmits } = drain(layer);
    expect(types(events)).toEqual(["request"]);
    expect(lines(transmits)).toEqual(["482"]);
    expect(transmits[0]!.message.toTag).toBeDefined();
    expect(layer.counters.merged482).toBe(1);
    // Its retransmission gets the 482 again from its own transaction.
    layer.handleRequest(wire(b), UDP, 500);
    expect(lines(drain(layer).transmits)).toEqual(["482"]);
    // With a To tag (in-dialog) there is no merge check.
    layer.handleRequest(wire(makeRequest("INVITE", { callId: "merge-1", toTag: "d" })), UDP, 600);
    expect(types(drain(layer).events)).toEqual(["request"]);
  });

  it("§8.2.2.2: off by default (a proxy forwards both)", () => {
    const layer = new TransactionLayer<TestFlow>();
    layer.handleRequest(wire(makeRequest("INVITE", { callId: "m2" })), UDP, 0);
    layer.handleRequest(wire(makeRequest("INVITE", { callId: "m2" })), UDP, 1);
    expect(types(drain(layer).events)).toEqual(["request", "request"]);
  });
});

describe("overload protection", () => {
  it("a flood beyond maxServerTransactions is answered 503 with Retry-After; the admitted ones still complete", () => {
    const layer = new TransactionLayer<TestFlow>({ maxServerTransactions: 100, retryAfter: 7 });
    const flood = Array.from({ length: 1000 }, (_, i) => wire(makeRequest(i % 2 ? "OPTIONS" : "INVITE")));
    for (const r of flood) layer.handleRequest(r, UDP, 0);
    const { events, transmits } = drain(layer);
    expect(events.length).toBe(100);
    expect(layer.serverCount).toBe(100);
    expect(transmits.length).toBe(900);
    expect(new Set(lines(transmits))).toEqual(new Set(["503"]));
    expect(transmits[0]!.message.header("Retry-After")).toBe("7");
    expect(transmits[0]!.transaction).toBeUndefined();
    expect(layer.counters.overload503).toBe(900);
    // The admitted transactions answer and terminate normally.
    for (const e of events) {
      const t = (e as RequestEv).transaction;
      t.respond(respondTo(t.request!, t.method === "INVITE" ? 486 : 200), 1);
    }
    expect(lines(drain(layer).transmits).length).toBe(100);
    for (const e of events) {
      // The transaction let go of its request on Completed; the TU kept its own from the event.
      const { transaction: t, request: r } = e as RequestEv;
      if (t.method === "INVITE") layer.handleRequest(wire(makeRequest("ACK", { branch: r.branch!, callId: r.callId, toTag: "a6c85cf" })), UDP, 2);
    }
    runClock(layer, 2, 40_000);
    drain(layer);
    expect(layer.serverCount).toBe(0);
    expect(layer.timerCount).toBe(0);
    // Capacity is back: the next request is admitted.
    layer.handleRequest(wire(makeRequest("OPTIONS")), UDP, 40_001);
    expect(types(drain(layer).events)).toEqual(["request"]);
  });

  it("rejectOverload answers requests 503 and drops ACKs and responses, all counted", () => {
    const layer = new TransactionLayer<TestFlow>();
    for (let i = 0; i < 2; i++) layer.rejectOverload(wire(makeRequest("MESSAGE")), UDP, 0);
    layer.rejectOverload(wire(makeRequest("ACK")), UDP, 0);
    layer.rejectOverload(wire(respondTo(makeRequest("OPTIONS"), 200)), UDP, 0);
    expect(lines(drain(layer).transmits)).toEqual(["503", "503"]);
    expect(layer.counters.overload503).toBe(2);
    expect(layer.counters.overloadDropped).toBe(2);
  });
});

describe("bad input", () => {
  it("requests with malformed Via/CSeq/From are answered 400 or dropped, never thrown", () => {
    const layer = new TransactionLayer<TestFlow>();
    const good = makeRequest("OPTIONS").toString();
    const variants = [
      good.replace(/CSeq: [^\r]*/, "CSeq: abc OPTIONS"),
      good.replace(/From: [^\r]*/, "From: <<<"),
      good.replace(/Via: [^\r]*/, "Via: garbage"),
      good.replace(/Via: [^\r]*\r\n/, ""),
      good.replace(/Call-ID: [^\r]*\r\n/, ""),
      good.replace("314159 OPTIONS", "314159 INFO"),
    ];
    for (const v of variants) {
      const m = parseMessage(v) as SipRequest;
      expect(() => layer.handleRequest(m, UDP, 0)).not.toThrow();
    }
    expect(layer.serverCount).toBe(0);
    expect(layer.counters.malformed).toBe(variants.length);
    const out = drain(layer);
    expect(out.events).toEqual([]);
    expect(new Set(lines(out.transmits))).toEqual(new Set(["400"]));
  });

  it("responses with a malformed Via or CSeq are dropped", () => {
    const layer = new TransactionLayer<TestFlow>();
    const req = makeRequest("OPTIONS");
    layer.sendRequest(req, UDP, 0);
    const good = respondTo(req, 200).toString();
    for (const v of [good.replace(/CSeq: [^\r]*/, "CSeq: x"), good.replace(/Via: [^\r]*/, "Via: ;;;")]) {
      expect(() => layer.handleResponse(parseMessage(v) as never, UDP, 1)).not.toThrow();
    }
    expect(layer.clientCount).toBe(1);
  });
});
