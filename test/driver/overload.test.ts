import { describe, expect, it } from "vitest";
import { createSipEndpoint } from "../../src/driver/index.ts";
import type { SipEndpointOptions } from "../../src/driver/index.ts";
import { createResponse } from "../../src/sip/index.ts";
import type { ServerTransaction } from "../../src/transaction/index.ts";
import type { Flow } from "../../src/transport/index.ts";
import { fakeRuntime } from "./fake-runtime.ts";

const SERVER = { host: "10.0.0.2", port: 5060 };
const CLIENT = { host: "10.0.0.7", port: 5070 };

let n = 0;
/** A raw request from the client address; `toTag` makes it in-dialog. */
function request(method: string, opts: { toTag?: string; branch?: string } = {}): string {
  n++;
  const branch = opts.branch ?? `z9hG4bK-ov-${n}`;
  return (
    `${method} sip:svc@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.7:5070;branch=${branch}\r\nMax-Forwards: 70\r\n` +
    `From: <sip:c@10.0.0.7>;tag=c${n}\r\nTo: <sip:svc@10.0.0.2>${opts.toTag ? `;tag=${opts.toTag}` : ""}\r\n` +
    `Call-ID: ov-${n}@10.0.0.7\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`
  );
}

/** Status codes of the responses the client received, in order. */
function statuses(got: string[]): number[] {
  return got.map((t) => Number(/^SIP\/2\.0 (\d{3})/.exec(t)![1]));
}

async function server(extra: Partial<SipEndpointOptions> = {}, tu?: (request: import("../../src/sip/index.ts").SipRequest, txn: ServerTransaction<Flow>) => void) {
  const f = fakeRuntime();
  const got = f.sink(CLIENT);
  const ep = await createSipEndpoint({
    runtime: f.rt,
    listen: [{ transport: "UDP", ...SERVER }],
    transactions: { emitTerminated: false },
    transactionUser: {
      receiveRequest(req, txn) {
        if (tu) tu(req, txn);
        else ep.respond(txn, createResponse(req, 200, "OK", { toTag: "s1" }));
      },
    },
    ...extra,
  });
  const send = (text: string) => f.inject(SERVER, CLIENT, text);
  return { f, ep, got, send };
}

describe("overload control: the driver sheds new requests while it runs late", () => {
  it("RFC 3261 §21.5.4: a loop that stays late sheds new requests with 503 and Retry-After, then recovers at the next timely timer", async () => {
    let stalls = 2;
    const { f, ep, got, send } = await server({}, (req, txn) => {
      // The TU blocks the process for 300 ms on each of two requests (a synchronous computation).
      if (stalls > 0 && req.callId.startsWith("ov-")) {
        stalls--;
        f.stall(300);
      }
      ep.respond(txn, createResponse(req, 200, "OK", { toTag: "s1" }));
    });
    send(request("OPTIONS"));
    await f.settle();
    // The probe timer armed before the stall (due at 50 ms) fires at 300 ms: 250 ms late, over
    // maxDelay (200 ms) — once, which a stall's backlog does not shed for.
    expect(f.now()).toBe(300);
    await f.advance(1);
    expect(ep.overload.overloaded).toBe(false);
    expect(ep.overload.lateness).toBeGreaterThan(200);
    // The next probe (due 50 ms on) fires late too: shedding starts.
    send(request("OPTIONS"));
    await f.settle();
    await f.advance(1);
    expect(ep.overload.overloaded).toBe(true);
    expect(ep.overload.lateness).toBeGreaterThan(200);
    // New out-of-dialog requests are shed; ACK, CANCEL and in-dialog requests are not.
    send(request("OPTIONS"));
    send(request("MESSAGE"));
    send(request("INFO", { toTag: "dlg1" }));
    send(request("CANCEL"));
    await f.settle();
    expect(statuses(got)).toEqual([200, 200, 503, 503, 200, 481]);
    expect(got[2]).toMatch(/\r\nRetry-After: 5\r\n/);
    expect(ep.transactions!.counters.overloadShed).toBe(2);
    // The next probe is on time: shedding stops.
    await f.advance(60);
    expect(ep.overload.overloaded).toBe(false);
    send(request("OPTIONS"));
    await f.settle();
    expect(statuses(got).at(-1)).toBe(200);
    expect(ep.overload.periods).toBe(1);
    await ep.close();
  });

  it("one stall (a collection, a scheduler that gave the core away) sheds nothing: the requests behind it are answered", async () => {
    let stallOnce = true;
    const { f, ep, got, send } = await server({}, (req, txn) => {
      if (stallOnce) {
        stallOnce = false;
        f.stall(300);
      }
      ep.respond(txn, createResponse(req, 200, "OK", { toTag: "s1" }));
    });
    send(request("OPTIONS"));
    await f.settle();
    await f.advance(1);
    expect(ep.overload.lateness).toBeGreaterThan(200);
    for (let i = 0; i < 5; i++) send(request("OPTIONS"));
    await f.settle();
    await f.advance(60);
    send(request("OPTIONS"));
    await f.settle();
    expect(statuses(got)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect([ep.overload.overloaded, ep.overload.periods, ep.transactions!.counters.overloadShed]).toEqual([false, 0, 0]);
    expect(ep.overload.maxLateness).toBeGreaterThan(200);
    await ep.close();
  });

  it("steady traffic on time is never shed (500 requests/s for 10 s of virtual time)", async () => {
    const { f, ep, got, send } = await server();
    for (let ms = 0; ms < 10_000; ms += 2) {
      send(request("OPTIONS"));
      await f.advance(2);
    }
    expect(got.length).toBe(5000);
    expect(new Set(statuses(got))).toEqual(new Set([200]));
    expect(ep.overload.periods).toBe(0);
    expect(ep.overload.maxLateness).toBe(0);
    await ep.close();
  });

  it("a TU that stops answering: transactions in progress reach their limit and get 503; answering again recovers", async () => {
    const held: [import("../../src/sip/index.ts").SipRequest, ServerTransaction<Flow>][] = [];
    let answering = false;
    const { f, ep, got, send } = await server({ transactions: { maxServerTransactions: 5, emitTerminated: false } }, (req, txn) => {
      if (answering) ep.respond(txn, createResponse(req, 200, "OK", { toTag: "s1" }));
      else held.push([req, txn]);
    });
    for (let i = 0; i < 8; i++) send(request("OPTIONS"));
    await f.settle();
    expect(held.length).toBe(5);
    expect(statuses(got)).toEqual([503, 503, 503]);
    expect(ep.transactions!.counters.overload503).toBe(3);
    // The TU catches up: the held transactions complete (and stop counting), new ones are admitted.
    answering = true;
    for (const [req, txn] of held) txn.respond(createResponse(req, 200, "OK", { toTag: "s1" }), ep.now());
    await f.settle();
    send(request("OPTIONS"));
    await f.settle();
    expect(statuses(got)).toEqual([503, 503, 503, 200, 200, 200, 200, 200, 200]);
    expect(ep.transactions!.serversInProgress).toBe(0);
    await ep.close();
  });

  it("overload: false turns shedding off", async () => {
    let stallOnce = true;
    const { f, ep, got, send } = await server({ overload: false }, (req, txn) => {
      if (stallOnce) {
        stallOnce = false;
        f.stall(1000);
      }
      ep.respond(txn, createResponse(req, 200, "OK", { toTag: "s1" }));
    });
    send(request("OPTIONS"));
    await f.advance(100);
    send(request("OPTIONS"));
    await f.settle();
    expect(statuses(got)).toEqual([200, 200]);
    expect(ep.overload.overloaded).toBe(false);
    await ep.close();
  });
});
