import { describe, expect, it } from "vitest";
import { createRequest, createResponse, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import {
  newBranch,
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type TransactionEvent,
} from "../../src/transaction/index.ts";
import { makeRequest, SimNetwork, type Peer, type TestFlow } from "./harness.ts";

type Ev = TransactionEvent<TestFlow>;

/** The ACK for a 2xx is built by the UAC core with a new branch (RFC 3261 §13.2.2.4, §17.1.1.3). */
function ack2xx(invite: SipRequest, ok: SipResponse): SipRequest {
  return createRequest({
    method: "ACK",
    uri: invite.uriText,
    from: invite.header("From")!,
    to: ok.header("To")!,
    callId: invite.callId,
    cseq: invite.cseq.seq,
    via: `SIP/2.0/UDP pc33.atlanta.example.com;branch=${newBranch()}`,
  });
}

interface World {
  net: SimNetwork;
  alice: Peer;
  bob: Peer;
  finals: Map<string, number>; // Call-ID -> final status seen by Alice's TU
  cancelFinals: Map<string, number>; // Call-ID -> final status of the CANCEL seen by Alice's TU
  failures: Map<string, string>; // Call-ID -> timeout / transport-error
  bobRequests: Map<string, number>; // Call-ID + method -> request events at Bob
  acked: Set<string>; // Call-IDs whose 2xx Bob saw ACKed
  ringOnly: boolean;
}

function world(opts: { loss: number; delay: number; jitter: number; seed: number; reliable?: boolean; ringOnly?: boolean }): World {
  const reliable = opts.reliable ?? false;
  const transport = reliable ? "TCP" : "UDP";
  const finals = new Map<string, number>();
  const cancelFinals = new Map<string, number>();
  const failures = new Map<string, string>();
  const bobRequests = new Map<string, number>();
  const acked = new Set<string>();
  const w = { finals, cancelFinals, failures, bobRequests, acked, ringOnly: opts.ringOnly ?? false } as World;
  const alice: Peer = {
    name: "alice",
    layer: new TransactionLayer<TestFlow>(),
    flow: { transport, reliable, peer: "bob" },
    onEvent(e: Ev) {
      if (e.type === "response") {
        const r = e.response;
        const cid = r.callId;
        if (r.status >= 200 && r.cseq.method === "CANCEL") cancelFinals.set(cid, r.status);
        if (r.status >= 200 && r.cseq.method !== "CANCEL") {
          if (!finals.has(cid)) finals.set(cid, r.status);
          if (r.status < 300 && r.cseq.method === "INVITE") {
            alice.layer.sendStateless(ack2xx(e.transaction.request, r), alice.flow);
          }
        }
      } else if (e.type === "timeout" || e.type === "transport-error") {
        failures.set(e.transaction.request.callId, e.type);
      }
    },
  };
  const bob: Peer = {
    name: "bob",
    layer: new TransactionLayer<TestFlow>(),
    flow: { transport, reliable, peer: "alice" },
    onEvent(e: Ev, now: number) {
      if (e.type === "request") {
        const req = e.request;
        const k = req.callId + " " + req.method;
        bobRequests.set(k, (bobRequests.get(k) ?? 0) + 1);
        const txn: ServerTransaction<TestFlow> = e.transaction;
        if (req.method !== "INVITE") {
          txn.respond(createResponse(req, 200, undefined, { toTag: "b1" }), now);
          return;
        }
        txn.respond(createResponse(req, 180, undefined, { toTag: "b1" }), now);
        if (w.ringOnly) return;
        // Every third call is rejected, the others answered after 30 ms.
        const n = Number(/-(\d+)@/.exec(req.callId)?.[1] ?? 0);
        if (n % 3 === 0) {
          txn.respond(createResponse(req, 486, undefined, { toTag: "b1" }), now);
          return;
        }
        w.net.schedule(30, (t) => {
          const ok = createResponse(req, 200, undefined, { toTag: "b1" });
          txn.respond(ok, t);
          // §13.3.1.4: the UAS core retransmits the 2xx from T1 doubling to T2 until the ACK arrives.
          let interval = 500;
          const resend = (at: number) => {
            if (acked.has(req.callId) || at > 32_000 + 30) return;
            bob.layer.sendStateless(ok, bob.flow);
            interval = Math.min(interval * 2, 4000);
            w.net.schedule(interval, resend);
          };
          w.net.schedule(interval, resend);
        });
      } else if (e.type === "ack") {
        acked.add(e.request.callId);
      }
    },
  };
  w.alice = alice;
  w.bob = bob;
  w.net = new SimNetwork(alice, bob, opts);
  return w;
}

function startCalls(w: World, invites: number, options: number): { invites: SipRequest[]; others: SipRequest[]; txns: ClientTransaction<TestFlow>[] } {
  const transport = w.alice.flow.transport;
  const inv = Array.from({ length: invites }, () => makeRequest("INVITE", { transport, route: false }));
  const opt = Array.from({ length: options }, () => makeRequest("OPTIONS", { transport, route: false }));
  const txns = [...inv, ...opt].map((r) => w.alice.layer.sendRequest(r, w.alice.flow, w.net.now));
  return { invites: inv, others: opt, txns };
}

describe("two peers on a simulated network (RFC 3261 §17 end to end)", () => {
  it("§17.1/§17.2: INVITE and OPTIONS flows complete over UDP with 20% loss and 5-45 ms delay; no duplicate TU requests; no leaks", () => {
    const w = world({ loss: 0.2, delay: 5, jitter: 40, seed: 42 });
    const { invites, others } = startCalls(w, 60, 120);
    w.net.run(200_000);
    for (const r of [...invites, ...others]) {
      expect(w.failures.get(r.callId)).toBeUndefined();
      expect(w.finals.has(r.callId)).toBe(true);
      // Retransmissions never reach Bob's TU twice (§17.2.1, §17.2.2).
      expect(w.bobRequests.get(r.callId + " " + r.method)).toBe(1);
    }
    for (const r of invites) {
      const n = Number(/-(\d+)@/.exec(r.callId)![1]);
      expect(w.finals.get(r.callId)).toBe(n % 3 === 0 ? 486 : 200);
      if (n % 3 !== 0) expect(w.acked.has(r.callId)).toBe(true);
    }
    expect(w.net.dropped).toBeGreaterThan(0);
    for (const p of [w.alice, w.bob]) {
      expect(p.layer.clientCount + p.layer.serverCount).toBe(0);
      expect(p.layer.timerCount).toBe(0);
      expect(p.layer.counters.retransmissionsSent).toBeGreaterThan(0);
    }
    expect(w.bob.layer.counters.retransmissionsAbsorbed).toBeGreaterThan(0);
  });

  it("§17.1.1.2, §17.2.1: over a reliable transport nothing is retransmitted and D/I/J/K are zero", () => {
    const w = world({ loss: 0, delay: 10, jitter: 0, seed: 1, reliable: true });
    startCalls(w, 9, 9);
    w.net.run(1000);
    // Non-INVITE and rejected INVITE transactions are gone at once; accepted INVITEs wait in Accepted (L/M).
    expect(w.alice.layer.counters.retransmissionsSent + w.bob.layer.counters.retransmissionsSent).toBe(0);
    expect(w.alice.layer.counters.active["non-invite-client"].Completed).toBe(0);
    expect(w.bob.layer.counters.active["non-invite-server"].Completed).toBe(0);
    expect(w.alice.layer.counters.active["invite-client"].Accepted).toBe(6);
    expect(w.bob.layer.counters.active["invite-server"].Accepted).toBe(6);
    expect(w.alice.layer.clientCount).toBe(6);
    w.net.run(100_000);
    expect(w.alice.layer.clientCount + w.bob.layer.serverCount).toBe(0);
  });

  it("§9: a CANCEL across the network ends a ringing INVITE with 487, ACKed by the client transaction", () => {
    const w = world({ loss: 0.1, delay: 20, jitter: 20, seed: 7, ringOnly: true });
    const { txns, invites } = startCalls(w, 5, 0);
    w.net.run(2000);
    for (const t of txns) expect(t.state).toBe("Proceeding");
    const cancels = txns.map((t) => w.alice.layer.cancel(t, w.net.now));
    expect(cancels.every((c) => c?.method === "CANCEL")).toBe(true);
    w.net.run(100_000);
    for (const r of invites) expect(w.finals.get(r.callId)).toBe(487);
    for (const r of invites) expect(w.cancelFinals.get(r.callId)).toBe(200);
    for (const c of cancels) expect(c!.state).toBe("Terminated");
    expect(w.bob.layer.counters.cancelMatched).toBe(5);
    expect(w.bob.layer.counters.timeouts).toBe(0); // every 487 was ACKed (§17.2.1 Confirmed, no Timer H)
    expect(w.alice.layer.clientCount + w.bob.layer.serverCount).toBe(0);
  });

  it("§17.1.1.2: total loss times the INVITE out with Timer B and the OPTIONS with Timer F", () => {
    const w = world({ loss: 1, delay: 5, jitter: 0, seed: 3 });
    const { invites, others } = startCalls(w, 1, 1);
    w.net.run(100_000);
    expect(w.failures.get(invites[0]!.callId)).toBe("timeout");
    expect(w.failures.get(others[0]!.callId)).toBe("timeout");
  });
});
