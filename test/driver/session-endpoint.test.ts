// createSessionEndpoint on the fake runtime record: a session core on real driver code, a virtual
// clock and an in-memory network, with a fake DNS for RFC 3263 location.
import { describe, expect, it } from "vitest";
import { createSessionEndpoint, type DriverRuntime, type SessionEndpoint } from "../../src/driver/index.ts";
import type { SessionEvent } from "../../src/session/index.ts";
import { parseMessage, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import { TransportError, type DnsResolver, type Flow } from "../../src/transport/index.ts";
import { fakeMediaFactory } from "../session/fake-media.ts";
import { thrown } from "../thrown.ts";
import { fakeRuntime } from "./fake-runtime.ts";

/** DNS of the tests: SRV for example.com over UDP, A records for its two servers. */
const dns: DnsResolver = {
  lookup: async (host) => (host === "one.example.com" ? [{ address: "10.0.0.9", family: 4 }] : host === "two.example.com" ? [{ address: "10.0.0.2", family: 4 }] : []),
  resolveSrv: async (name) =>
    name === "_sip._udp.example.com"
      ? [
          { priority: 10, weight: 0, port: 5060, target: "one.example.com" },
          { priority: 20, weight: 0, port: 5060, target: "two.example.com" },
        ]
      : [],
  resolveNaptr: async () => [],
};

type Agent = { ep: SessionEndpoint; events: SessionEvent<Flow>[] };

/** A session endpoint on `host`:5060 (UDP) that records its events and runs `on` for each. */
async function agent(rt: DriverRuntime, host: string, on?: (e: SessionEvent<Flow>, now: number) => void, extra = {}): Promise<Agent> {
  const events: SessionEvent<Flow>[] = [];
  const ep = await createSessionEndpoint({
    runtime: rt,
    listen: [{ transport: "UDP", host, port: 5060 }],
    media: fakeMediaFactory(host),
    transactions: { timers: { trying: 0 } },
    ...extra,
    onSessionEvent(e, now) {
      events.push(e);
      on?.(e, now);
    },
  });
  return { ep, events };
}

/** The messages on the wire, parsed, with who sent them. */
function sent(wire: { from: { host: string }; text: string }[]): { from: string; message: SipRequest | SipResponse }[] {
  return wire.map((w) => ({ from: w.from.host, message: parseMessage(w.text) }));
}

const label = (m: SipRequest | SipResponse) => (m.isRequest ? (m as SipRequest).method : `${(m as SipResponse).status} ${(m as SipResponse).cseq.method}`);

describe("createSessionEndpoint (a session core on the driver)", () => {
  it("RFC 3261 §13, §15: a call between two endpoints — the INVITE to a numeric host leaves before invite() returns, and a BYE after an await goes out without any flush", async () => {
    const { rt, wire, advance, settle } = fakeRuntime();
    const bob = await agent(rt, "10.0.0.2", (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    });
    const alice = await agent(rt, "10.0.0.1");
    const pending = alice.ep.invite({ from: "<sip:alice@10.0.0.1>", to: "<sip:bob@10.0.0.2>" });
    // §8.1.2: a numeric next hop needs no location: the INVITE is on the wire already.
    expect(wire.map((w) => w.text.split(" ")[0])).toEqual(["INVITE"]);
    const call = await pending;
    await advance(100);
    expect(call.state).toBe("confirmed");
    call.bye(alice.ep.now());
    await settle();
    await advance(100);
    expect(sent(wire).map((w) => label(w.message))).toEqual(["INVITE", "100 INVITE", "200 INVITE", "ACK", "BYE", "200 BYE"]);
    expect(alice.events.map((e) => e.type)).toEqual(["answered", "terminated"]);
    expect(bob.events.map((e) => e.type)).toEqual(["incoming", "confirmed", "terminated"]);
    expect([alice.ep.core.sessionCount, alice.ep.core.dialogCount, bob.ep.core.sessionCount, bob.ep.core.dialogCount]).toEqual([0, 0, 0, 0]);
    await alice.ep.close();
    await bob.ep.close();
  });

  it("RFC 3261 §15.1.1: observeTransactions sees every transaction event, the final response to the BYE among them, before the core", async () => {
    const { rt, advance, settle } = fakeRuntime();
    const bob = await agent(rt, "10.0.0.2", (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    });
    const seen: string[] = [];
    const alice = await agent(rt, "10.0.0.1", undefined, {
      observeTransactions(e: { type: string; response?: SipResponse }) {
        seen.push(e.type === "response" ? `response ${label(e.response!)}` : e.type);
      },
    });
    const call = await alice.ep.invite({ from: "<sip:alice@10.0.0.1>", to: "<sip:bob@10.0.0.2>" });
    await advance(100);
    call.bye(alice.ep.now());
    await settle();
    await advance(100);
    // The session ends as the BYE leaves (§15.1.1); only the observer sees its 200.
    expect(seen.filter((s) => s.startsWith("response"))).toEqual(["response 100 INVITE", "response 200 INVITE", "response 200 BYE"]);
    expect(alice.events.map((e) => e.type)).toEqual(["answered", "terminated"]);
    await alice.ep.close();
    await bob.ep.close();
  });

  it("RFC 3261 §8.1.1.8: Contact names the listening point of the flow, or the public address once set", async () => {
    const { rt, wire, settle } = fakeRuntime();
    const alice = await agent(rt, "10.0.0.1", undefined, { contactUser: "alice" });
    await alice.ep.invite({ from: "<sip:alice@10.0.0.1>", to: "<sip:bob@10.0.0.7>" });
    alice.ep.setPublicAddress({ host: "203.0.113.5", port: 40000 });
    await alice.ep.invite({ from: "<sip:alice@10.0.0.1>", to: "<sip:bob@10.0.0.7>" });
    await settle();
    const contacts = sent(wire).map((w) => w.message.header("Contact"));
    expect(contacts).toEqual(["<sip:alice@10.0.0.1:5060>", "<sip:alice@203.0.113.5:40000>"]);
    expect(alice.ep.contact()).toBe("sip:alice@203.0.113.5:40000");
    await alice.ep.close();
  });

  it("RFC 3263 §4.1, §4.3: a host name is located (SRV) before the INVITE is sent; after Timer B on the first target the same request, with a new branch, goes to the next", async () => {
    const { rt, wire, advance } = fakeRuntime();
    const frt = { ...rt, dns };
    const bob = await agent(frt, "10.0.0.2", (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    });
    const alice = await agent(frt, "10.0.0.1");
    const call = await alice.ep.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@example.com>" });
    await advance(40_000);
    expect(call.state).toBe("confirmed");
    const invites = sent(wire).filter((w) => w.from === "10.0.0.1" && label(w.message) === "INVITE").map((w) => w.message as SipRequest);
    const to = wire.filter((w) => w.text.startsWith("INVITE")).map((w) => w.to.host);
    // Timer A retransmits to 10.0.0.9 (nobody there) until Timer B, then one INVITE to 10.0.0.2.
    expect(new Set(to.slice(0, -1))).toEqual(new Set(["10.0.0.9"]));
    expect(to.at(-1)).toBe("10.0.0.2");
    const first = invites[0]!;
    const last = invites.at(-1)!;
    expect(last.branch).not.toBe(first.branch);
    expect([last.callId, last.fromTag, last.cseq.seq, last.uriText]).toEqual([first.callId, first.fromTag, first.cseq.seq, first.uriText]);
    expect(alice.ep.core.counters.failovers).toBe(1);
    call.bye(alice.ep.now());
    await advance(1000);
    expect(bob.events.map((e) => e.type)).toEqual(["incoming", "confirmed", "terminated"]);
    await alice.ep.close();
    await bob.ep.close();
  });

  it("RFC 3263 §4.3: a 503 from the first target sends the request to the next; the 503's server sees no second try", async () => {
    const { rt, wire, advance } = fakeRuntime();
    const frt = { ...rt, dns };
    const busy = await agent(frt, "10.0.0.9", (e, now) => {
      if (e.type === "incoming") e.session.reject(503, now);
    });
    const bob = await agent(frt, "10.0.0.2", (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    });
    const alice = await agent(frt, "10.0.0.1");
    const call = await alice.ep.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@example.com>" });
    await advance(1000);
    expect(call.state).toBe("confirmed");
    expect(sent(wire).map((w) => `${w.from} ${label(w.message)}`)).toEqual([
      "10.0.0.1 INVITE",
      "10.0.0.9 100 INVITE",
      "10.0.0.9 503 INVITE",
      "10.0.0.1 ACK",
      "10.0.0.1 INVITE",
      "10.0.0.2 100 INVITE",
      "10.0.0.2 200 INVITE",
      "10.0.0.1 ACK",
    ]);
    expect(busy.events.map((e) => e.type)).toEqual(["incoming", "terminated"]);
    await Promise.all([alice.ep.close(), bob.ep.close(), busy.ep.close()]);
  });

  it("RFC 3263 §4.3: with no target left the failure is the outcome (a 503 ends the call)", async () => {
    const { rt, advance } = fakeRuntime();
    const frt = { ...rt, dns: { ...dns, resolveSrv: async () => [] } };
    const bob = await agent(frt, "10.0.0.9", (e, now) => {
      if (e.type === "incoming") e.session.reject(503, now);
    });
    const alice = await agent(frt, "10.0.0.1");
    const call = await alice.ep.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@one.example.com>" });
    await advance(1000);
    const ended = alice.events.find((e) => e.type === "terminated");
    expect(ended && ended.type === "terminated" && [ended.reason, ended.status]).toEqual(["rejected", 503]);
    expect(call.state).toBe("terminated");
    await alice.ep.close();
    await bob.ep.close();
  });

  it("RFC 3263 §4: a host name DNS cannot find rejects invite() with TransportError RESOLVE_FAILED, and nothing is sent", async () => {
    const { rt, wire } = fakeRuntime();
    const alice = await agent({ ...rt, dns }, "10.0.0.1");
    const error = await alice.ep.invite({ from: "<sip:alice@example.com>", to: "<sip:bob@nowhere.example.net>" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe("RESOLVE_FAILED");
    expect(wire).toHaveLength(0);
    expect(alice.ep.core.sessionCount).toBe(0);
    await alice.ep.close();
  });

  it("RFC 4028 §10: the core's deadlines run on the runtime's clock — the refresher's UPDATE comes at half the interval", async () => {
    const { rt, wire, advance } = fakeRuntime();
    const timer = { sessionTimer: { expires: 90, minSE: 90 } };
    const bob = await agent(rt, "10.0.0.2", (e, now) => {
      if (e.type === "incoming") e.session.answer(now);
    }, timer);
    const alice = await agent(rt, "10.0.0.1", undefined, timer);
    const call = await alice.ep.invite({ from: "<sip:alice@10.0.0.1>", to: "<sip:bob@10.0.0.2>" });
    await advance(44_000);
    expect(sent(wire).some((w) => label(w.message) === "UPDATE")).toBe(false);
    await advance(2_000);
    const update = sent(wire).find((w) => label(w.message) === "UPDATE");
    expect(update?.from).toBe("10.0.0.1");
    expect(call.state).toBe("confirmed");
    await Promise.all([alice.ep.close(), bob.ep.close()]);
  });

  it("session calls throw the session layer's errors synchronously (bye() before an answer)", async () => {
    const { rt, settle } = fakeRuntime();
    let incoming: SessionEvent<Flow> | undefined;
    const bob = await agent(rt, "10.0.0.2", (e) => {
      if (e.type === "incoming") incoming = e;
    });
    const alice = await agent(rt, "10.0.0.1");
    await alice.ep.invite({ from: "<sip:alice@10.0.0.1>", to: "<sip:bob@10.0.0.2>" });
    await settle();
    const s = incoming?.type === "incoming" ? incoming.session : undefined;
    expect(thrown(() => s!.bye(bob.ep.now()))).toMatchObject({ code: "INVALID_STATE" });
    await Promise.all([alice.ep.close(), bob.ep.close()]);
  });
});
