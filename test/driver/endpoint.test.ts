import { describe, expect, it } from "vitest";
import { createSipEndpoint } from "../../src/driver/index.ts";
import { createRequest, createResponse } from "../../src/sip/index.ts";
import type { TransactionEvent } from "../../src/transaction/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { fakeRuntime } from "./fake-runtime.ts";

describe("driver on a fake runtime record", () => {
  it("RFC 3261 §17.1.2.2: Timer E retransmits the request over UDP and Timer F ends the transaction after 64*T1, driven by the runtime's timers", async () => {
    const { rt, wire, advance } = fakeRuntime();
    const events: TransactionEvent<Flow>[] = [];
    const ep = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
      transactions: true,
      onTransactionEvent: (e) => events.push(e),
    });
    const req = createRequest({
      method: "OPTIONS",
      uri: "sip:nobody@10.0.0.9",
      from: "<sip:a@x>;tag=1",
      to: "<sip:nobody@x>",
      callId: "drv-1",
      cseq: 1,
      via: "SIP/2.0/UDP x.invalid;branch=z9hG4bKdrv1",
    });
    ep.request(req, { transport: "UDP", host: "10.0.0.9", port: 5060 });
    expect(wire).toHaveLength(1);
    expect(wire[0]!.text).toContain("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKdrv1;rport");
    await advance(31_999);
    // Timer E: 500, 1000, 2000, 4000, then every T2 = 4 s: sends at 0, .5, 1.5, 3.5, 7.5, 11.5, ... 31.5 s.
    expect(wire.length).toBe(11);
    expect(events.some((e) => e.type === "timeout")).toBe(false);
    await advance(1);
    expect(events.find((e) => e.type === "timeout")).toBeDefined();
    await ep.close();
  });

  it("two endpoints on the fake network complete an OPTIONS transaction", async () => {
    const { rt, advance } = fakeRuntime();
    const got: number[] = [];
    const uas = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.2", port: 5060 }],
      transactions: true,
      transactionUser: {
        receiveRequest(request, transaction) {
          uas.respond(transaction, createResponse(request, 200, "OK", { toTag: "uas" }));
        },
      },
    });
    const uac = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
      transactions: true,
      onTransactionEvent: (e) => {
        if (e.type === "response") got.push(e.response.status);
      },
    });
    uac.request(
      createRequest({ method: "OPTIONS", uri: "sip:b@10.0.0.2", from: "<sip:a@x>;tag=1", to: "<sip:b@x>", callId: "drv-2", cseq: 1 }),
      { transport: "UDP", host: "10.0.0.2", port: 5060 },
    );
    await advance(10);
    expect(got).toEqual([200]);
  });
});

describe("driver: answering and delegates", () => {
  it("RFC 3261 §17.2.2: a TU that answers after an await needs no flush: the answer leaves in the same turn", async () => {
    const { rt, wire, advance, settle } = fakeRuntime();
    const uas = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.2", port: 5060 }],
      transactions: true,
      transactionUser: {
        async receiveRequest(request, transaction) {
          await Promise.resolve(); // a lookup elsewhere
          transaction.respond(createResponse(request, 200, "OK", { toTag: "late" }), uas.now());
        },
      },
    });
    const uac = await createSipEndpoint({ runtime: rt, listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }], transactions: true });
    uac.request(
      createRequest({ method: "OPTIONS", uri: "sip:b@10.0.0.2", from: "<sip:a@x>;tag=1", to: "<sip:b@x>", callId: "late-1", cseq: 1 }),
      { transport: "UDP", host: "10.0.0.2", port: 5060 },
    );
    await settle();
    expect(wire.map((w) => w.text.split("\r\n")[0])).toEqual(["OPTIONS sip:b@10.0.0.2 SIP/2.0", "SIP/2.0 200 OK"]);
    await advance(1);
    await uas.close();
    await uac.close();
  });

  it("RFC 3261 §18.4: without a transaction layer the TransportUser gets messages, send failures and closed connections", async () => {
    const { rt, settle } = fakeRuntime();
    const got: string[] = [];
    const a = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
      transportUser: {
        receiveMessage: (m) => got.push(`message ${(m as { method?: string }).method}`),
        transportFailed: (error) => got.push(`failed ${error.code}`),
        connectionClosed: (flow) => got.push(`closed ${flow.transport}`),
      },
    });
    const b = await createSipEndpoint({ runtime: rt, listen: [{ transport: "UDP", host: "10.0.0.2", port: 5060 }] });
    const req = createRequest({ method: "MESSAGE", uri: "sip:a@10.0.0.1", from: "<sip:b@x>;tag=2", to: "<sip:a@x>", callId: "d-1", cseq: 1 });
    b.send(req, b.prepareRequest(req, { transport: "UDP", host: "10.0.0.1", port: 5060 }));
    // A TCP target nobody listens on.
    const req2 = createRequest({ method: "MESSAGE", uri: "sip:x@10.0.0.9", from: "<sip:a@x>;tag=3", to: "<sip:x@x>", callId: "d-2", cseq: 1 });
    a.send(req2, a.prepareRequest(req2, { transport: "TCP", host: "10.0.0.9", port: 5060 }));
    await settle();
    expect(got).toEqual(["message MESSAGE", "failed CONNECT_FAILED", "closed TCP"]);
    await a.close();
    await b.close();
  });

  it("RFC 7118: SIP over WebSocket between two endpoints, handshake and framing in the transport core", async () => {
    const { rt, advance } = fakeRuntime();
    const statuses: number[] = [];
    const uas = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "WS", host: "10.0.0.2", port: 8080 }],
      transactions: true,
      transactionUser: {
        receiveRequest: (request, transaction) => uas.respond(transaction, createResponse(request, 200, "OK", { toTag: "ws" })),
      },
    });
    const uac = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
      transactions: true,
      transactionUser: { receiveResponse: (response) => statuses.push(response.status) },
    });
    for (const id of ["ws-1", "ws-2"]) {
      uac.request(
        createRequest({ method: "OPTIONS", uri: "sip:b@10.0.0.2", from: "<sip:a@x>;tag=1", to: "<sip:b@x>", callId: id, cseq: 1 }),
        { transport: "WS", host: "10.0.0.2", port: 8080 },
      );
    }
    await advance(10);
    expect(statuses).toEqual([200, 200]);
    expect(uac.transport.connectionCount).toBe(1);
    expect(uas.transport.counters.messagesIn).toBe(2);
    await uas.close();
    await uac.close();
  });
});
